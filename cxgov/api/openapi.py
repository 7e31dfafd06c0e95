"""The API's OpenAPI document, with the error answers every operation can give.

Authentication, validation, rate limits, request size limits and an unreachable database are
handled once for the whole API (see cxgov/api/api.py and cxgov/core/faults.py), so their
answers are added here to each operation rather than repeated on every endpoint.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_INVALID = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail"],
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}


def _answer(description: str, schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def operation_errors(operation: dict[str, Any], *, method: str) -> dict[str, dict[str, Any]]:
    """The error answers `operation` can give besides its own documented ones."""
    answers: dict[str, dict[str, Any]] = {
        "503": _answer(
            "The database cannot be reached; nothing was saved.",
            _DETAIL,
            headers=_RETRY_AFTER,
        ),
    }
    if operation.get("parameters") or operation.get("requestBody"):
        answers["422"] = _answer("The request is not valid; `errors` says where.", _INVALID)
    if operation.get("parameters"):
        answers["404"] = _answer("Not found, or not an object of your agencies.", _DETAIL)
    if operation.get("requestBody"):
        answers["400"] = _answer("The request body cannot be read as JSON.", _DETAIL)
    if operation.get("security"):
        answers["401"] = _answer("No valid token or signed-in session.", _DETAIL)
    if method != "get":
        if operation.get("security"):
            answers["403"] = _answer(
                "A browser session sent a write without its CSRF token.", _DETAIL
            )
        answers["413"] = _answer("The request body is larger than allowed.", _DETAIL)
        answers["429"] = _answer("Too many writes with this token.", _DETAIL, headers=_RETRY_AFTER)
    return answers


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document lists the API-wide error answers on each operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status, answer in operation_errors(operation, method=method).items():
                    responses.setdefault(status, answer)
        return schema
