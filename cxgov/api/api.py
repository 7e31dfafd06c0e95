"""The REST API, version 1, mounted at /api/v1/ with its OpenAPI document."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, ValidationError

from cxgov.api.auth import staff_auth
from cxgov.api.openapi import DocumentedAPI
from cxgov.api.routers.a11 import router as a11_router
from cxgov.api.routers.accounts import router as accounts_router
from cxgov.api.routers.benchmarks import router as benchmarks_router
from cxgov.api.routers.complaints import router as complaints_router
from cxgov.api.routers.registry import router as registry_router
from cxgov.api.routers.results import router as results_router
from cxgov.api.routers.standards import router as standards_router
from cxgov.api.routers.surveys import router as surveys_router
from cxgov.core.ratelimit import RateLimited

api = DocumentedAPI(
    title="cxgov API",
    version="1",
    description=(
        "Read and write an agency's customer experience records: services, standards, surveys, "
        "complaints. Staff authenticate with a personal token: `Authorization: Bearer cxg_…`. "
        "Objects of agencies you have no role in answer 404, the same as missing ones."
    ),
    urls_namespace="api",
    auth=staff_auth,
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": f"Too many requests: try again in {exc.retry_after} seconds."},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": "Authentication required: send a valid token as 'Authorization: Bearer …'."},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": exc.errors}, status=422
    )


api.add_router("/", accounts_router)
api.add_router("/", registry_router)
api.add_router("/", standards_router)
api.add_router("/", benchmarks_router)
api.add_router("/", complaints_router)
api.add_router("/", surveys_router)
api.add_router("/", a11_router)
api.add_router("/", results_router)
