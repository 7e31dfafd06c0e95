"""The REST API, version 1, mounted at /api/v1/ with its OpenAPI document."""

from __future__ import annotations

from cxgov.api.common import CallerThrottle, UtcJSONRenderer, errors_handle, staff_auth
from cxgov.api.openapi import DocumentedAPI
from cxgov.api.routers.a11 import router as a11_router
from cxgov.api.routers.accounts import members_router
from cxgov.api.routers.accounts import router as accounts_router
from cxgov.api.routers.actions import router as actions_router
from cxgov.api.routers.benchmarks import router as benchmarks_router
from cxgov.api.routers.complaints import router as complaints_router
from cxgov.api.routers.registry import router as registry_router
from cxgov.api.routers.results import router as results_router
from cxgov.api.routers.standards import router as standards_router
from cxgov.api.routers.surveys import router as surveys_router

api = DocumentedAPI(
    title="cxgov API",
    version="1",
    description=(
        "Read and write an agency's customer experience records: services, standards, surveys, "
        "complaints, actions, A-11 reports. Lists come a page at a time: `limit` rows (50 by "
        "default, at most 200), and `next_cursor` (or the `next` URL) for the next page; a "
        "cursor that was altered or belongs to another list answers 400. "
        "Staff authenticate with a personal token: `Authorization: Bearer cxg_…`. A token "
        "reads (`read`) or reads and writes (`write`) only the areas chosen for it; each "
        "operation names its area in `x-cxgov-area`, and another area answers 403 naming it. "
        "Objects of agencies you have no role in answer 404, the same as missing ones. "
        'Every error answers `{"detail": …}`, with `errors` naming each field on 422; '
        "times are UTC, ISO 8601 with `Z`."
    ),
    urls_namespace="api",
    auth=staff_auth,
    throttle=[CallerThrottle()],
    renderer=UtcJSONRenderer(),
)
errors_handle(api)

api.add_router("/", accounts_router)
api.add_router("/", members_router)
api.add_router("/", registry_router)
api.add_router("/", standards_router)
api.add_router("/", benchmarks_router)
api.add_router("/", complaints_router)
api.add_router("/", surveys_router)
api.add_router("/", a11_router)
api.add_router("/", results_router)
api.add_router("/", actions_router)
