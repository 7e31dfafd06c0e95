"""The API's OpenAPI document, with the error answers every operation can give.

Authentication, validation, rate limits, request size limits and an unreachable database are
handled once for the whole API (see cxgov/api/common.py and cxgov/core/faults.py), so their
answers are added here to each operation rather than repeated on every endpoint. Each error
answer's body is `ErrorOut`; an operation's own description of a code (openapi_extra) is kept.
"""

from __future__ import annotations

from typing import Any

from ninja.openapi.schema import OpenAPISchema

from cxgov.api.common import ErrorBodyAPI, ErrorOut

_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer"},
    }
}


def _answer(description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ERROR_REF}},
        **extra,
    }


def operation_errors(operation: dict[str, Any], *, method: str) -> dict[str, dict[str, Any]]:
    """The error answers `operation` can give besides its own documented ones."""
    answers: dict[str, dict[str, Any]] = {
        "503": _answer("The database cannot be reached; nothing was saved.", headers=_RETRY_AFTER),
    }
    if operation.get("parameters") or operation.get("requestBody"):
        answers["422"] = _answer("The request is not valid; `errors` says where.")
    if operation.get("parameters") or operation.get("requestBody"):
        # An object named in the path, the query or the body may be missing or not yours.
        answers["404"] = _answer("Not found, or not an object of your agencies.")
    if operation.get("requestBody"):
        answers["400"] = _answer("The request body cannot be read as JSON.")
    if any(parameter.get("name") == "cursor" for parameter in operation.get("parameters", [])):
        answers["400"] = _answer(
            "The cursor is not valid: altered, or of another list or other filters."
        )
    if operation.get("security"):
        answers["401"] = _answer("No valid token or signed-in session.")
    answers["429"] = _answer(
        "Too many calls this minute from this user (or, without one, this address), "
        "or too many survey responses from this address this hour.",
        headers=_RETRY_AFTER,
    )
    if method != "get":
        if operation.get("security"):
            answers["403"] = _answer("A browser session sent a write without its CSRF token.")
        answers["413"] = _answer("The request body is larger than allowed.")
    return answers


def responses_merge(
    responses: dict[Any, dict[str, Any]], errors: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """One entry per status code: the operation's own, completed by the API-wide error answers.

    ninja keys its responses by int and JSON turns both 404 and "404" into the same key, so
    the codes are made strings before merging.
    """
    merged: dict[str, dict[str, Any]] = {}
    for status, answer in responses.items():
        merged[str(status)] = {**merged.get(str(status), {}), **answer}
    for status, answer in errors.items():
        own = merged.get(status, {})
        merged[status] = {**answer, **own, "content": own.get("content") or answer["content"]}
    return merged


class DocumentedAPI(ErrorBodyAPI):
    """A NinjaAPI whose OpenAPI document lists the API-wide error answers on each operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(error_schema.pop("$defs", {}))
        schemas["ErrorOut"] = error_schema
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                errors = operation_errors(operation, method=method)
                operation["responses"] = responses_merge(operation.get("responses", {}), errors)
        return schema
