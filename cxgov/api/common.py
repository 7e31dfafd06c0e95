"""What every API router shares: authentication, the caller, pagination, output schemas and
the one error body, with the handlers that turn exceptions into it.

Routers take these from here (and their shapes from `schemas/`); endpoints parse, call a
selector or service and return model objects that an `Out` schema reads. Exceptions are
answered once, for the whole API, by the handlers that `errors_handle` registers:

- Django's `ValidationError` (from a service's `full_clean`) → 422 naming each field;
- `Http404` → 404, the same body for a missing object and another agency's;
- `PermissionDenied` → 403; a failed or missing credential → 401; too many calls → 429
  (`CallerThrottle`, per user or public address, reads and writes apart, with Retry-After);
- a survey submission refused (`SubmissionError`) → 422 naming each answer, or 429 past the
  per-survey hourly limit of the public form; a batch of
  standard events that cannot be read at all (`FileRejectedError`) → 422 saying why;
- a method a path does not answer → 405 (`ErrorBodyAPI`, since ninja refuses it before any
  operation runs).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.db.models import Model, Q, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.urls import URLPattern, URLResolver
from ninja import Field, NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.pagination import LimitOffsetPagination, PaginationBase
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.schema import DjangoGetter
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle
from ninja.utils import check_csrf
from pydantic import (
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cxgov.core.imports import FileRejectedError
from cxgov.core.models import PreparedFile, PreparedFileStatus, User
from cxgov.core.ratelimit import RateLimited, client_address, rate_check
from cxgov.core.selectors import token_authenticate
from cxgov.core.services import token_touch
from cxgov.surveys.validation import SubmissionError

NOT_FOUND = "Not found."
INVALID = "The request is not valid."
UNAUTHENTICATED = "Authentication required: send a valid token as 'Authorization: Bearer …'."
READ_SCOPE_REFUSED = (
    "This token may only read (GET). Create a token with the write scope to change data."
)
AREA_REFUSED = (
    "This token may not use the {area} area. Create a token that includes the {area} area "
    "to call this operation."
)
NO_AREA = "This operation belongs to no token area: call it from a signed-in session."
# The area of the caller's own account (who the token is, their tokens): every token has it.
ACCOUNT_AREA = "account"
# The OpenAPI extension that names each operation's area.
AREA_KEY = "x-cxgov-area"
READS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FAILED = (
    "CSRF check failed: a write from a signed-in browser session must send the session's "
    "CSRF token in the X-CSRFToken header."
)
NOT_ALLOWED = "This operation does not answer {method}; it answers {allowed}."
SURVEY_LIMITED = (
    "Too many responses to this survey from this address this hour: try again in the next hour."
)
UNKNOWN_PATH = "No API operation answers at this path; the operations are listed at /api/v1/docs."

# --- output ------------------------------------------------------------------------------------


def utc_iso(value: datetime) -> str:
    """An aware datetime as UTC ISO 8601 with `Z` (milliseconds when it has them)."""
    timespec = "milliseconds" if value.microsecond else "seconds"
    return value.astimezone(UTC).isoformat(timespec=timespec).removesuffix("+00:00") + "Z"


class UtcJSONEncoder(NinjaJSONEncoder):
    """ninja's encoder, with aware datetimes in UTC with `Z` instead of their own offset."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime) and o.tzinfo is not None:
            return utc_iso(o)
        return super().default(o)


class UtcJSONRenderer(JSONRenderer):
    """JSON with every aware datetime in UTC with `Z`, whichever zone a service computed it in.

    The renderer, not each schema, does it: a serializer on every schema field would hide the
    fields' types from the OpenAPI document.
    """

    encoder_class = UtcJSONEncoder


class Out(Schema):
    """A response shape that reads model attributes (resolvers and dotted aliases)."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo
    ) -> Any:
        # An endpoint may return a shape it already built (to choose a view); ninja validates
        # it again, and the resolvers must not run a second time on the shape itself.
        if isinstance(values, cls):
            return values
        return handler(DjangoGetter(values, cls, info.context))


class In(Schema):
    """What a client sends: known fields only, and text without NUL (databases refuse it)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def has_no_nul_character(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain a NUL character")
        return value


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(description="Where the problem is; ends with the field's name.")
    msg: str
    type: str


class ErrorOut(Schema):
    """The body of every error answer."""

    detail: str
    errors: list[FieldErrorOut] = Field(
        default_factory=list,
        description="With 422 only: one entry per problem; `loc` ends with the field's name.",
    )


def field_error(
    field: str, msg: str, *, type: str = "invalid", where: str = "body"
) -> ValidationError:
    """A 422 naming one field of the body (or `where="query"` for a query parameter)."""
    loc = ["body", "payload", field] if where == "body" else [where, field]
    return ValidationError([{"type": type, "loc": loc, "msg": msg}])


def model_errors(exc: ModelValidationError) -> list[dict[str, Any]]:
    """A model's validation error as entries of `errors`, each naming its field."""
    by_field = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    errors = []
    for field, field_errors in by_field.items():
        for error in field_errors:
            name = field
            unique_check = (error.params or {}).get("unique_check")
            if name == NON_FIELD_ERRORS and unique_check:
                # A unique constraint such as (agency, slug): the agency comes from the URL,
                # so the field the caller chose is the last one.
                name = unique_check[-1]
            loc = ["body", "payload"] if name == NON_FIELD_ERRORS else ["body", "payload", name]
            errors.append({"type": error.code or "invalid", "loc": loc, "msg": error.messages[0]})
    return errors


# --- authentication ----------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """Authorization: Bearer cxg_… ; only the token's hash is compared.

    The one gatekeeper of a token's scope: a token with the read scope is refused (403) on
    every write, and a token is refused (403) outside its areas. `area` is the operation's,
    set by its `AreaRouter`.
    """

    openapi_description = (
        "A personal API token created on the staff “API tokens” page. Tokens expire; a "
        "`read` token may only read (GET), a `write` token may also write. Each token may "
        "call only the areas chosen when it was made (each operation names its area in "
        f"`{AREA_KEY}`); `account` operations are open to every token."
    )

    def __init__(self, area: str | None = None) -> None:
        self.area = area
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = token_authenticate(raw=token)
        if api_token is None:
            return None
        if request.method not in READS and not api_token.can_write:
            raise HttpError(403, READ_SCOPE_REFUSED)
        if self.area is None:
            # An operation outside every AreaRouter: no token may call it (fail closed).
            raise HttpError(403, NO_AREA)
        if self.area != ACCOUNT_AREA and not api_token.may_call(self.area):
            raise HttpError(403, AREA_REFUSED.format(area=self.area))
        token_touch(token=api_token)
        request.api_token = api_token  # type: ignore[attr-defined]
        request.user = api_token.user
        return api_token.user


class VerifiedSessionAuth(SessionAuth):
    """The browser session of a signed-in person who has passed the second step when required.

    A write must carry the session's CSRF token. Only a session that signs someone in is
    checked: a caller with no session has no credentials (401), not a forged request (403).
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if settings.STAFF_MFA_REQUIRED and not user.is_verified():
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return user


ANONYMOUS = AnonymousUser()


def anonymous(request: HttpRequest) -> AnonymousUser:
    """Let a caller without credentials in; one whose token failed is refused (401)."""
    # Reached only when neither the token nor the session authenticated the request.
    if request.headers.get("Authorization"):
        raise AuthenticationError
    return ANONYMOUS


# Staff operations: a token or the session.
staff_auth = [TokenAuth(), VerifiedSessionAuth()]
# Public reads, which show more to an agency's members: token, else session, else anonymous.
public_auth = [TokenAuth(), VerifiedSessionAuth(), anonymous]
# openapi_extra of a public read: the empty requirement makes the token and session optional.
PUBLIC: dict[str, Any] = {"security": [{}]}


def _in_area(auth: Any, area: str) -> Any:
    """An operation's authentication, with its token check limited to `area`."""
    callbacks = auth if isinstance(auth, list | tuple) else [auth]
    return [TokenAuth(area) if isinstance(c, TokenAuth) else c for c in callbacks]


class AreaRouter(Router):
    """A router whose every operation belongs to one token area, declared once.

    Each operation's token authentication (the API's default, or the `auth=` it names) checks
    the area, and the OpenAPI document names it in `x-cxgov-area`.
    """

    def __init__(self, *, area: str, **kwargs: Any) -> None:
        self.area = area
        super().__init__(**kwargs)

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        auth: Any = NOT_SET,
        openapi_extra: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        auth = _in_area(staff_auth if auth is NOT_SET else auth, self.area)
        openapi_extra = {**(openapi_extra or {}), AREA_KEY: self.area}
        super().add_api_operation(
            path, methods, view_func, auth=auth, openapi_extra=openapi_extra, **kwargs
        )

    def public_get(
        self, path: str, *, openapi_extra: dict[str, Any] | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """A public read: anyone may call it, and a member signed in (token or session) may be
        shown more; the OpenAPI document marks its credentials optional."""
        return self.get(
            path, auth=public_auth, openapi_extra={**(openapi_extra or {}), **PUBLIC}, **kwargs
        )


def staff_user(request: HttpRequest) -> User:
    """The signed-in caller of a staff operation."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise AuthenticationError
    return user


def viewer(request: HttpRequest) -> User | None:
    """The signed-in caller of a public read, or None for the public."""
    auth = request.auth  # type: ignore[attr-defined]
    return auth if isinstance(auth, User) else None


# When to ask again for figures the worker is preparing: a build takes seconds.
PREPARED_RETRY_SECONDS = 5


# The header that says whether an answer holds the worker's figures: `ready`, `preparing` (ask
# again after Retry-After) or `failed` (the build could not be made).
PREPARED_STATUS_HEADER = "Prepared-Status"


def prepared_figures(prepared: PreparedFile, response: HttpResponse) -> dict[str, Any] | None:
    """The figures of a build the worker prepares (`prepared_file_request`); None when the
    build failed or while it is first built. Either way the answer says so in its
    Prepared-Status header, and while preparing says when to ask again (Retry-After)."""
    if prepared.status == PreparedFileStatus.FAILED:
        response[PREPARED_STATUS_HEADER] = "failed"
        return None
    if prepared.data is None:
        response[PREPARED_STATUS_HEADER] = "preparing"
        response["Retry-After"] = str(PREPARED_RETRY_SECONDS)
        return None
    response[PREPARED_STATUS_HEADER] = "ready"
    return prepared.data


# --- throttling --------------------------------------------------------------------------------


class CallerThrottle(BaseThrottle):
    """API calls a minute per signed-in user (token or session), per address for the public.

    Reads (GET, HEAD, OPTIONS) count against settings.API_READS_PER_MINUTE and writes against
    settings.API_WRITES_PER_MINUTE, in the one atomic limiter; every token and session of a
    user shares the user's count. The limits are read on each request, so a changed setting
    applies at once.
    """

    def __init__(self) -> None:
        # ninja asks `wait()` after `allow_request` on the one shared instance; keep the answer
        # per thread so concurrent requests do not read each other's.
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        reading = request.method in ("GET", "HEAD", "OPTIONS")
        limit = settings.API_READS_PER_MINUTE if reading else settings.API_WRITES_PER_MINUTE
        user = getattr(request, "auth", None)
        caller = (
            f"user:{user.pk}" if isinstance(user, User) else f"address:{client_address(request)}"
        )
        self._local.wait = None
        try:
            rate_check(scope="api_reads" if reading else "api_writes", key=caller, limit=limit)
        except RateLimited as limited:
            self._local.wait = limited.retry_after
            return False
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


# --- pagination --------------------------------------------------------------------------------

# An offset beyond any table we hold; larger ones overflow the database's integers.
MAX_OFFSET = 2**31 - 1
PAGE_LIMIT = 200
CURSOR_SALT = "cxgov.api.cursor"
BAD_CURSOR = (
    "The cursor is not valid: send the `next_cursor` of the page before, unchanged, to the "
    "same list with the same filters."
)


class BoundedPagination(LimitOffsetPagination):
    """LimitOffsetPagination with `offset` capped at MAX_OFFSET (a bigger one answers 422)."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=MAX_OFFSET)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


M = TypeVar("M", bound=Model)


class Shaped(Generic[M]):
    """A queryset the paginator can count and slice, shaping only the rows of the page."""

    def __init__(self, queryset: QuerySet[M], shape: Callable[[M], Any]) -> None:
        self.queryset = queryset
        self.shape = shape

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[Any]:
        return [self.shape(row) for row in self.queryset[page]]


KeyValue = str | int | float | bool | None


def _key_json(value: Any) -> KeyValue:
    """A value of the order key as JSON: times in UTC to the microsecond (a page boundary must
    not round), dates as ISO, the rest as is."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _row_key(row: Any, order: tuple[str, ...]) -> list[KeyValue]:
    values = []
    for field in order:
        value = row
        for part in field.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(_key_json(value))
    return values


def _after(order: tuple[str, ...], values: list[Any]) -> Q:
    """Rows after the one whose order key is `values`, in the order `order` (keyset)."""
    after = Q()
    equal: dict[str, Any] = {}
    for field, value in zip(order, values, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        after |= Q(**equal, **{f"{name}__{lookup}": value})
        equal[name] = value
    return after


def _model_value(model: type[Model], field: str, value: KeyValue) -> Any:
    """A cursor's JSON value as the model field's Python value (a bad one is a bad cursor)."""
    target: Any = model
    parts = field.lstrip("-").split("__")
    for part in parts[:-1]:
        target = target._meta.get_field(part).related_model
    model_field = target._meta.get_field("pk" if parts[-1] == "pk" else parts[-1])
    try:
        return model_field.to_python(value)
    except (ModelValidationError, TypeError, ValueError):
        raise HttpError(400, BAD_CURSOR) from None


def cursor_encode(*, scope: str, key: list[KeyValue]) -> str:
    """An opaque, signed cursor: the order key of the last row of a page, for one list."""
    return signing.dumps({"s": scope, "k": key}, salt=CURSOR_SALT, compress=True)


def cursor_decode(*, scope: str, cursor: str, length: int) -> list[KeyValue]:
    """The order key a cursor carries; 400 for one that is forged, altered or of another list."""
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise HttpError(400, BAD_CURSOR) from None
    if not isinstance(data, dict):
        raise HttpError(400, BAD_CURSOR)
    key = data.get("k")
    if data.get("s") != scope or not isinstance(key, list) or len(key) != length:
        raise HttpError(400, BAD_CURSOR)
    return key


def _cursor_scope(request: HttpRequest, order: tuple[str, ...]) -> str:
    """What a cursor is good for: this path, these filters, this order."""
    filters = sorted(
        (name, value) for name, value in request.GET.items() if name not in ("cursor", "limit")
    )
    return f"{request.path}?{urlencode(filters)}#{','.join(order)}"


def _next_url(request: HttpRequest, cursor: str) -> str:
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


@dataclass(frozen=True)
class CursorPage:
    items: list[Any]
    next_cursor: str | None
    next: str | None


def cursor_page(
    request: HttpRequest,
    rows: QuerySet[Any] | Shaped[Any] | Sequence[Any],
    *,
    cursor: str | None,
    limit: int,
    order: tuple[str, ...] = ("id",),
) -> CursorPage:
    """One page of `rows` after `cursor`, in `order` (unique: end it with `id`), and the cursor
    of the next page. A queryset (or `Shaped` one) is read after the cursor's key (keyset), so a
    row added or removed meanwhile moves no other row between pages; a list computed in
    memory is walked by the same key."""
    scope = _cursor_scope(request, order)
    key = cursor_decode(scope=scope, cursor=cursor, length=len(order)) if cursor else None
    shape: Callable[[Any], Any] = lambda row: row  # noqa: E731
    if isinstance(rows, Shaped):
        shape, rows = rows.shape, rows.queryset
    if isinstance(rows, QuerySet):
        queryset = rows.order_by(*order)
        if key is not None:
            model = queryset.model
            values = [_model_value(model, f, v) for f, v in zip(order, key, strict=True)]
            queryset = queryset.filter(_after(order, values))
        found = list(queryset[: limit + 1])
    else:
        found = list(rows)
        for field in reversed(order):
            found.sort(key=functools.partial(_sort_value, field=field), reverse=field[0] == "-")
        if key is not None:
            found = [row for row in found if _list_after(_row_key(row, order), key, order)]
        found = found[: limit + 1]
    page, more = found[:limit], len(found) > limit
    next_cursor = cursor_encode(scope=scope, key=_row_key(page[-1], order)) if more else None
    return CursorPage(
        items=[shape(row) for row in page],
        next_cursor=next_cursor,
        next=_next_url(request, next_cursor) if next_cursor else None,
    )


def _sort_value(row: Any, *, field: str) -> Any:
    return _row_key(row, (field,))[0]


def _list_after(row: list[KeyValue], key: list[KeyValue], order: tuple[str, ...]) -> bool:
    for value, given, field in zip(row, key, order, strict=True):
        if value == given:
            continue
        try:
            greater = value > given  # type: ignore[operator]
        except TypeError:
            raise HttpError(400, BAD_CURSOR) from None
        return not greater if field.startswith("-") else greater
    return False


class CursorInput(Schema):
    cursor: str | None = Field(
        None,
        max_length=1000,
        description="`next_cursor` of the page before; leave out for the first page.",
    )
    limit: int = Field(
        settings.NINJA_PAGINATION_PER_PAGE,
        ge=1,
        le=PAGE_LIMIT,
        description=f"Rows per page, 1 to {PAGE_LIMIT}.",
    )


class CursorPagination(PaginationBase):
    """The API's one paginator: `cursor` and `limit` in, `items`, `next_cursor` and `next` out.

    `@paginate(CursorPagination, order=("name", "id"))` over an endpoint that returns a
    queryset, a `Shaped` queryset or a list; `order` is the page order and the cursor's key.
    """

    Input = CursorInput  # type: ignore[assignment]  # shared with the response list

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(
            description="Send it as `cursor` for the next page; null on the last page."
        )
        next: str | None = Field(description="The URL of the next page; null on the last page.")

    def __init__(self, *, order: tuple[str, ...] = ("id",), **kwargs: Any) -> None:
        self.order = order
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: Any, pagination: CursorInput, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page = cursor_page(
            request, queryset, cursor=pagination.cursor, limit=pagination.limit, order=self.order
        )
        return {"items": page.items, "next_cursor": page.next_cursor, "next": page.next}


# --- errors ------------------------------------------------------------------------------------


def _error(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


def errors_handle(api: NinjaAPI) -> None:
    """Answer every exception an operation raises with the one error body."""

    @api.exception_handler(ModelValidationError)
    def model_invalid(request: HttpRequest, exc: ModelValidationError) -> HttpResponse:
        return _error(api, request, 422, INVALID, errors=model_errors(exc))

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _error(api, request, 422, INVALID, errors=exc.errors)

    @api.exception_handler(SubmissionError)
    def submission_refused(request: HttpRequest, exc: SubmissionError) -> HttpResponse:
        if exc.code == "rate_limited":
            # The public form's per-survey hourly limit: wait for the next hour.
            response = _error(api, request, 429, SURVEY_LIMITED)
            response["Retry-After"] = str(3600 - int(time.time()) % 3600)
            return response
        errors = [
            {"type": exc.code, "loc": ["body", "payload", "answers", key], "msg": message}
            for key, message in exc.errors.items()
        ]
        return _error(api, request, 422, INVALID, errors=errors)

    @api.exception_handler(FileRejectedError)
    def batch_refused(request: HttpRequest, exc: FileRejectedError) -> HttpResponse:
        return _error(api, request, 422, exc.error.reason)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(api, request, 404, NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _error(api, request, 403, str(exc) or "You may not do this.")

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _error(api, request, 401, UNAUTHENTICATED)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds the Retry-After header from the throttle's wait.
        return _error(api, request, 429, f"Too many requests: try again in {exc.wait} seconds.")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, str(exc))


def unknown_path(request: HttpRequest) -> JsonResponse:
    """404 in the API's error body for a path under /api/ that no operation answers."""
    return JsonResponse({"detail": UNKNOWN_PATH}, status=404)


View = Callable[..., HttpResponseBase]


def _refused_by(view: View, refuse: Callable[[HttpRequest, str], HttpResponseBase]) -> View:
    """The view, with ninja's plain-text 405 answered by `refuse` (given the allowed methods)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        return refuse(request, response["Allow"])

    return wrapper


class ErrorBodyAPI(NinjaAPI):
    """A NinjaAPI whose every URL answers a refused method (405) in the API's error body.

    ninja answers it before any operation runs, so no exception handler sees it. A subclass
    with another error body overrides `method_refused`, and `root_view` to answer the API's
    root path itself.
    """

    def method_refused(self, request: HttpRequest, allowed: str) -> HttpResponseBase:
        detail = NOT_ALLOWED.format(method=request.method, allowed=allowed)
        return JsonResponse({"detail": detail}, status=405, headers={"Allow": allowed})

    def root_view(self) -> View | None:
        """The view for the root path in place of ninja's; None keeps ninja's."""
        return None

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        root = self.root_view()
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                continue
            if root is not None and pattern.name == "api-root":
                pattern.callback = root
            else:
                pattern.callback = _refused_by(pattern.callback, self.method_refused)
        return patterns, app_name, namespace
