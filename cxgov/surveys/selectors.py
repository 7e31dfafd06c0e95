"""Reads of surveys and responses.

Public reads see live surveys by their unguessable public id. Staff reads start with an access_*
selector that answers 404 alike for a missing survey and one of another agency. Employee survey
responses are never listed one by one (`responses_listed`): their results pages show them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.core.i18n import localized
from cxgov.core.models import Agency, User
from cxgov.core.permissions import Can
from cxgov.core.selectors import (
    AgencyObjectAccess,
    access_agency_object,
    filter_given,
    part_access,
)
from cxgov.core.tables import csv_lines
from cxgov.insights.fiscal import fiscal_quarter, fiscal_year_bounds
from cxgov.registry.models import ChannelKind, Service
from cxgov.surveys.bank import bank_items
from cxgov.surveys.models import (
    BURDEN_WARNING_SHARE,
    EXPIRY_WARNING_DAYS,
    Answer,
    Audience,
    Clearance,
    ClearanceKind,
    Invitation,
    InvitationStatus,
    Question,
    QuestionKind,
    Quota,
    Response,
    ResponseDraft,
    ResponseQuarterRollup,
    ResponseRollup,
    ResponseSource,
    ResponseStatus,
    Submission,
    Survey,
    SurveyStatus,
    SurveyVersion,
)


def suppression_threshold() -> int:
    """The fewest responses an employee-survey group needs to be shown (never below 3)."""
    return max(3, int(settings.SURVEY_SUPPRESSION_THRESHOLD))


def responses_by_submission(
    *, survey: Survey, submission_ids: Iterable[str]
) -> dict[str, Response]:
    """The survey's stored responses for these submission ids, by submission id."""
    wanted = list(dict.fromkeys(submission_ids))
    found: dict[str, Response] = {}
    # In slices, so a long import list stays within any database's parameter limit.
    for start in range(0, len(wanted), 500):
        keys = Submission.objects.filter(
            agency_id=survey.agency_id, survey=survey, submission_id__in=wanted[start : start + 500]
        )
        found.update(
            (response.submission_id, response)
            for response in Response.objects.filter(pk__in=keys.values("response_id"))
        )
    return found


def submission_ids_stored(*, survey: Survey, submission_ids: Sequence[str]) -> set[str]:
    """Which of these submission ids the survey has stored responses for."""
    found: set[str] = set()
    for start in range(0, len(submission_ids), 500):
        found.update(
            Submission.objects.filter(
                agency_id=survey.agency_id,
                survey=survey,
                submission_id__in=submission_ids[start : start + 500],
            ).values_list("submission_id", flat=True)
        )
    return found


# --- public --------------------------------------------------------------------------------


def invitation_for_opt_out(*, invitation_id: int) -> Invitation | None:
    """The invitation a signed opt-out link names, with its survey's agency."""
    return Invitation.objects.select_related("survey__agency").filter(pk=invitation_id).first()


def survey_uses_codes(*, survey: Survey) -> bool:
    """Whether single-use anonymous codes were issued for the survey (they replace the shared
    code)."""
    return survey.access_codes.exists()


def response_draft_find(*, survey: Survey, token: str) -> ResponseDraft | None:
    """The unexpired draft a resume token opens, or None."""
    if not token or len(token) > 64:
        return None
    return ResponseDraft.objects.filter(
        survey=survey,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at__gt=timezone.now(),
    ).first()


def service_for_context(*, survey: Survey, ref: str) -> Service | None:
    """The agency's service a link's `service` value (an id or a slug) names, if any."""
    ref = (ref or "").replace("\x00", "")[:80]
    services = Service.objects.filter(agency_id=survey.agency_id)
    if ref.isdigit() and len(ref) < 19:
        return services.filter(pk=int(ref)).first()
    return services.filter(slug=ref).first() if ref else None


def survey_origin_allowed(*, survey: Survey, origin: str) -> bool:
    """Whether a script on `origin` may answer the survey: this site or one the survey lists."""
    site = settings.SITE_URL.rstrip("/")
    return origin.rstrip("/") in {site, *(o.rstrip("/") for o in survey.allowed_origins)}


def survey_public(*, public_id: str) -> Survey:
    """A live or closed survey by its public id, with its questions; drafts are missing."""
    survey = (
        Survey.objects.filter(public_id=public_id[:24])
        .exclude(status=SurveyStatus.DRAFT)
        .select_related("agency")
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        )
        .first()
    )
    if survey is None:
        raise Http404
    return survey


def survey_preview(*, survey: Survey) -> Survey:
    """Any survey with its questions, for staff preview (call access_survey first)."""
    return (
        Survey.objects.filter(pk=survey.pk)
        .select_related("agency")
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
        )
        .get()
    )


@dataclass(frozen=True)
class LibraryItem:
    """One bank item as the library page shows it, with the agency's name filled in."""

    id: str
    text: str
    kind: str
    in_survey: bool


def question_library(*, survey: Survey) -> list[tuple[str, str, list[LibraryItem]]]:
    """The banks single items can be taken from, as (bank id, name, items), in the page's
    language; `in_survey` says the survey already has a question of the item's key."""
    keys = set(survey.questions.values_list("key", flat=True))
    name, name_es = survey.agency.name, survey.agency.name_es or survey.agency.name
    kinds = dict(QuestionKind.choices)
    return [
        (
            bank,
            localized(bank_name, bank_name_es),
            [
                LibraryItem(
                    id=item,
                    text=localized(
                        spec["text"].replace("{agency}", name),
                        spec.get("text_es", "").replace("{agency}", name_es),
                    ),
                    kind=str(kinds[spec["kind"]]),
                    in_survey=spec["key"] in keys,
                )
                for item, spec in items
            ],
        )
        for bank, bank_name, bank_name_es, items in bank_items()
    ]


def surveys_live_for_agencies(*, agencies: Iterable[Agency]) -> dict[int, list[Survey]]:
    """Live customer surveys by agency id, for the public "Give feedback" page."""
    found: dict[int, list[Survey]] = {}
    for survey in (
        Survey.objects.filter(
            agency__in=list(agencies), status=SurveyStatus.LIVE, audience="customer"
        )
        .order_by("title")
        .prefetch_related("services")
    ):
        if not survey.open_problem():
            found.setdefault(survey.agency_id, []).append(survey)
    return found


# --- staff ---------------------------------------------------------------------------------


def survey_live_from_template(*, agency: Agency, template: str) -> Survey | None:
    """The agency's newest live survey made from a template, e.g. "post_resolution"."""
    return (
        Survey.objects.filter(agency=agency, template=template, status=SurveyStatus.LIVE)
        .order_by("-created_at")
        .first()
    )


def with_response_counts(queryset: QuerySet[Survey]) -> QuerySet[Survey]:
    """The surveys with their counted responses, `response_count` (valid, not deleted, and
    imported respondents), as the results count them unfiltered (`results.response_counts`):
    the sum of the quarterly rollups, a few rows a quarter instead of every response.

    An employee survey's count is None while 1 to k-1 answered (`suppression_threshold`), as
    its results withhold it; a total of k or more is always shown (`insights.disclosure`).
    """
    sums = (
        ResponseQuarterRollup.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
        .annotate(n=Sum("count"))
        .values("n")
    )
    withheld = Q(audience=Audience.EMPLOYEE, counted__gt=0, counted__lt=suppression_threshold())
    return queryset.alias(counted=Coalesce(Subquery(sums), 0)).annotate(
        response_count=Case(
            When(withheld, then=None), default=F("counted"), output_field=IntegerField()
        )
    )


def surveys_for_agency(*, agency: Agency) -> QuerySet[Survey]:
    """Every survey of the agency with its counted responses, `response_count` (call
    access_agency first)."""
    return with_response_counts(Survey.objects.filter(agency=agency)).order_by("-created_at", "-id")


def survey_response_count(*, survey: Survey) -> int | None:
    """The survey's counted responses, as `surveys_for_agency` gives each (None if withheld)."""
    found = with_response_counts(Survey.objects.filter(pk=survey.pk)).first()
    return getattr(found, "response_count", None)


access_survey = AgencyObjectAccess(
    Survey.objects.select_related("agency", "stage", "clearance"),
    id_name="survey_id",
    doc="A survey of the agency in the URL, if the user's role there holds `need`.",
)


access_question = part_access(
    Question, parent="survey", id_name="question_id", noun="A question", need=Can.EDIT_SURVEYS
)
access_quota = part_access(
    Quota, parent="survey", id_name="quota_id", noun="A quota", need=Can.EDIT_SURVEYS
)


def survey_versions(*, survey: Survey) -> list[SurveyVersion]:
    """The survey's versions, newest first, each with `response_count`: its responses that
    count (valid, not deleted), as the survey's total counts them.

    An employee survey's are None: a version's count beside its publishing time, against the
    quarters its results show, could single out when a few people answered.
    """
    versions = survey.versions.order_by("-number")
    if survey.is_employee:
        return [_without_count(version) for version in versions]
    return list(
        versions.annotate(
            response_count=Count(
                "responses",
                filter=Q(
                    responses__status=ResponseStatus.VALID, responses__deleted_at__isnull=True
                ),
            )
        )
    )


def _without_count(version: SurveyVersion) -> SurveyVersion:
    version.response_count = None  # type: ignore[attr-defined]
    return version


def access_response(
    *,
    user: User,
    agency_slug: str,
    survey_id: int,
    response_id: int,
    need: Can = Can.EDIT_SURVEYS,
) -> Response:
    """A response of a survey of the agency in the URL."""
    return access_agency_object(
        queryset=Response.objects.filter(survey_id=survey_id).select_related("survey__agency"),
        pk=response_id,
        user=user,
        agency_slug=agency_slug,
        agency_field="survey__agency",
        need=need,
    )


def survey_has_responses(*, survey: Survey) -> bool:
    return survey.responses.exists()


@dataclass(frozen=True)
class ResponseFilters:
    date_from: date | None = None
    date_to: date | None = None
    service: Service | None = None
    channel: str = ""
    status: str = ""  # "valid", "spam", "deleted" or "" for valid and spam, not deleted


def responses_for_survey(
    *, survey: Survey, filters: ResponseFilters | None = None
) -> QuerySet[Response]:
    """The survey's responses, newest first, filtered (call access_survey first)."""
    filters = filters or ResponseFilters()
    responses = Response.objects.filter(survey=survey).select_related("service")
    if filters.status == "deleted":
        responses = responses.filter(deleted_at__isnull=False)
    else:
        responses = responses.filter(deleted_at__isnull=True)
        if filters.status in (ResponseStatus.VALID, ResponseStatus.SPAM):
            responses = responses.filter(status=filters.status)
    responses = filter_given(
        responses,
        submitted_at__date__gte=filters.date_from,
        submitted_at__date__lte=filters.date_to,
        service=filters.service,
        channel=filters.channel,
    )
    return responses.order_by("-submitted_at", "-id")


@dataclass(frozen=True)
class ListedResponse:
    """A response as the responses page lists it: its context and status as text, and its
    answers (question text, value, note) in the order they were stored."""

    response: Response
    context: str
    answers: list[tuple[str, Any, str]]
    status: str


@dataclass(frozen=True)
class ResponsePage:
    """A page of responses, newest first, and the id the next (older) page starts below."""

    rows: list[ListedResponse]
    older_than: int | None


def responses_newest(
    *, survey: Survey, responses: QuerySet[Response], limit: int, older_than: int | None = None
) -> ResponsePage:
    """`limit` of the responses, newest first, each ready to print: the newest, or with
    `older_than` (a response's id) those after it in that order (ignored when it is not one of
    the survey's). Pages are read by position in the index, not by offset.

    Labels are looked up once per page rather than once per response (Django's
    `get_FOO_display` rebuilds the whole choices map on every call).
    """
    if older_than is not None:
        # The anchor among all the survey's responses: one marked or deleted since its page
        # was drawn still marks the place.
        anchor = (
            Response.objects.filter(survey=survey, pk=older_than)
            .values_list("submitted_at", flat=True)
            .first()
        )
        if anchor is not None:
            # The upper bound lets the index scan start at the anchor, not at the newest.
            responses = responses.filter(submitted_at__lte=anchor).exclude(
                submitted_at=anchor, pk__gte=older_than
            )
    texts = {q.pk: str(q.display_text) for q in survey.questions.exclude(kind=QuestionKind.HIDDEN)}
    sources = {value: str(label) for value, label in ResponseSource.choices}
    channels = {value: str(label) for value, label in ChannelKind.choices}
    statuses = {value: str(label) for value, label in ResponseStatus.choices}
    deleted = _("Deleted")
    newest = list(
        responses.prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))[
            : limit + 1
        ]
    )
    more = len(newest) > limit
    newest = newest[:limit]
    listed = []
    for response in newest:
        context = [sources.get(response.source, response.source)]
        if response.service:
            context.append(response.service.name)
        if response.channel:
            context.append(channels.get(response.channel, response.channel))
        if response.location_code:
            context.append(response.location_code)
        context.append(response.language)
        answers = [
            (texts[answer.question_id], answer.value, answer.note)
            for answer in response.answers.all()
            if answer.question_id in texts
        ]
        status = deleted if response.deleted_at else statuses.get(response.status, "")
        listed.append(ListedResponse(response, " · ".join(context), answers, status))
    return ResponsePage(rows=listed, older_than=newest[-1].pk if more else None)


def responses_listed(*, survey: Survey) -> bool:
    """Whether the survey's responses may be listed one by one: never an employee survey's,
    whose team, date and comments together would tell coworkers who said what."""
    return not survey.is_employee


def responses_csv_rows(
    *, survey: Survey, responses: QuerySet[Response], chunk_size: int = 2000
) -> Iterator[str]:
    """CSV lines, one per response and a column per question, read in chunks from the database.

    Responses and their answers are read a chunk at a time, so memory stays flat however many
    rows there are. An employee survey yields only its header and a line saying its responses
    are not listed.
    """
    return csv_lines(
        None, responses_rows(survey=survey, responses=responses, chunk_size=chunk_size)
    )


RESPONSE_CONTEXT_COLUMNS = (
    "submitted_at",
    "language",
    "source",
    "service",
    "channel",
    "location_code",
    "status",
)
NOT_LISTED_LINE = "not listed: employee survey responses are shown only as results"


@dataclass(frozen=True)
class ResponseValues:
    """One response with its answers, a list per question in `survey_questions` order.

    Each list holds the stored values (int, Decimal, text or date; one per chosen option of a
    choose-any question) or, for a hidden context question, the context as text. `notes` holds
    the words typed beside an "Other" choice, per question.
    """

    response: Response
    values: list[list[Any]]
    notes: list[str]

    @property
    def context(self) -> list[str]:
        """The response's own columns, as RESPONSE_CONTEXT_COLUMNS names them."""
        response = self.response
        return [
            response.submitted_at.isoformat(),
            response.language,
            response.source,
            response.service.slug if response.service else "",
            response.channel,
            response.location_code,
            response.status,
        ]


def survey_questions(*, survey: Survey) -> list[Question]:
    """The survey's questions in the order respondents see them."""
    return list(survey.questions.order_by("position", "id"))


def response_values(
    *,
    survey: Survey,
    questions: list[Question],
    responses: QuerySet[Response],
    chunk_size: int = 2000,
) -> Iterator[ResponseValues]:
    """Every response with its answers, oldest first, read a chunk at a time: the one read
    behind the CSV and the research exports. An employee survey yields none (`responses_listed`).

    Responses and their answers are read a chunk at a time, so memory stays flat however many
    rows there are.
    """
    if not responses_listed(survey=survey):
        return
    index = {q.pk: i for i, q in enumerate(questions)}
    hidden = [
        (i, q.context_field)
        for i, q in enumerate(questions)
        if q.kind == QuestionKind.HIDDEN and q.context_field
    ]
    ordered = (
        responses.select_related("service")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))
        .order_by("submitted_at", "id")
    )
    for response in ordered.iterator(chunk_size=chunk_size):
        values: list[list[Any]] = [[] for _q in questions]
        notes = ["" for _q in questions]
        for answer in response.answers.all():
            if answer.question_id in index:
                values[index[answer.question_id]].append(answer.value)
                if answer.note:
                    notes[index[answer.question_id]] = answer.note
        for position, field in hidden:
            values[position].append(_context_value(response, field))
        yield ResponseValues(response=response, values=values, notes=notes)


def responses_rows(
    *, survey: Survey, responses: QuerySet[Response], chunk_size: int = 2000
) -> Iterator[list[Any]]:
    """CSV rows: the header, then one per response (for an employee survey, a line saying why
    there are none)."""
    questions = survey_questions(survey=survey)
    yield ["response_id", *RESPONSE_CONTEXT_COLUMNS, *[q.key for q in questions]]
    if not responses_listed(survey=survey):
        yield [NOT_LISTED_LINE]
        return
    for row in response_values(
        survey=survey, questions=questions, responses=responses, chunk_size=chunk_size
    ):
        cells = ["|".join(str(value) for value in values) for values in row.values]
        yield [row.response.pk, *row.context, *cells]


def _context_value(response: Response, field: str) -> str:
    """A hidden context field's value, read from the response's own columns."""
    if field == "service":
        return response.service.slug if response.service else ""
    if field == "stage":
        return str(response.stage_id or "")
    return str(getattr(response, field, "") or "")


# --- Paperwork Reduction Act clearances ----------------------------------------------------


access_clearance = AgencyObjectAccess(
    Clearance.objects.select_related("agency", "parent"),
    id_name="clearance_id",
    doc="A PRA clearance of the agency in the URL, if the user's role there holds `need`.",
)


def clearances_for_agency(*, agency: Agency) -> list[Clearance]:
    """The agency's clearances, soonest expiry first (call access_agency first)."""
    return list(
        Clearance.objects.filter(agency=agency)
        .select_related("parent")
        .order_by(F("expires_on").asc(nulls_last=True), "title", "id")
    )


def clearance_choices(*, agency: Agency) -> QuerySet[Clearance]:
    """The clearances a survey of the agency may be linked to."""
    return Clearance.objects.filter(agency=agency).select_related("parent").order_by("title", "id")


@dataclass(frozen=True)
class InstrumentBurden:
    """One approved instrument's use in a fiscal year."""

    survey: Survey
    minutes: int | None
    responses: int

    @property
    def hours(self) -> float:
        return self.responses * (self.minutes or 0) / 60


@dataclass(frozen=True)
class BurdenLedger:
    """A clearance's burden hours used in one fiscal year against what was approved."""

    clearance: Clearance
    year: int
    start: date
    end: date
    instruments: list[InstrumentBurden]
    today: date

    @property
    def hours_used(self) -> float:
        return sum(item.hours for item in self.instruments)

    @property
    def responses(self) -> int:
        return sum(item.responses for item in self.instruments)

    @property
    def share_used(self) -> float | None:
        approved = self.clearance.burden_hours
        return self.hours_used / approved if approved else None

    @property
    def percent_used(self) -> int | None:
        share = self.share_used
        return None if share is None else int(share * 100)

    @property
    def burden_warning(self) -> bool:
        share = self.share_used
        return share is not None and share >= BURDEN_WARNING_SHARE

    @property
    def over_burden(self) -> bool:
        share = self.share_used
        return share is not None and share >= 1

    @property
    def days_to_expiry(self) -> int | None:
        expiry = None if self.clearance.is_exempt else self.clearance.expiry
        return None if expiry is None else (expiry - self.today).days

    @property
    def expired(self) -> bool:
        days = self.days_to_expiry
        return days is not None and days < 0

    @property
    def expiry_warning(self) -> bool:
        days = self.days_to_expiry
        return days is not None and 0 <= days <= EXPIRY_WARNING_DAYS

    @property
    def needs_attention(self) -> bool:
        return self.burden_warning or self.expired or self.expiry_warning


def clearance_ledger(
    *, clearance: Clearance, year: int | None = None, today: date | None = None
) -> BurdenLedger:
    """Hours used = responses × the instrument's estimated minutes / 60, in fiscal year `year`
    (the current one by default), from the response rollups (call access_clearance first).
    A generic clearance's instruments include those of its fast-track requests."""
    return _ledgers_of([clearance], year=year, today=today)[0]


def _ledgers_of(
    clearances: list[Clearance], *, year: int | None = None, today: date | None = None
) -> list[BurdenLedger]:
    """Fiscal year `year`'s ledger (the current one by default) of each clearance, in two
    queries however many there are: the instruments, and their responses in the year."""
    today = today or timezone.localdate()
    year = year or fiscal_quarter(today).year
    start, end = fiscal_year_bounds(year)
    ids = [clearance.pk for clearance in clearances]
    surveys = list(
        Survey.objects.filter(Q(clearance_id__in=ids) | Q(clearance__parent_id__in=ids))
        .select_related("clearance")
        .order_by("title", "id")
    )
    counts = dict(
        ResponseRollup.objects.filter(survey__in=surveys, day__gte=start, day__lte=end)
        .values_list("survey")
        .annotate(n=Sum("count"))
        .values_list("survey", "n")
    )
    ledgers = []
    for clearance in clearances:
        generic = clearance.kind == ClearanceKind.GENERIC
        covered = [
            survey
            for survey in surveys
            if survey.clearance_id == clearance.pk
            or (
                generic
                and survey.clearance is not None
                and survey.clearance.parent_id == clearance.pk
            )
        ]
        ledgers.append(
            BurdenLedger(
                clearance=clearance,
                year=year,
                start=start,
                end=end,
                instruments=[
                    InstrumentBurden(
                        survey=survey,
                        minutes=survey.burden_minutes,
                        responses=int(counts.get(survey.pk) or 0),
                    )
                    for survey in covered
                ],
                today=today,
            )
        )
    return ledgers


def clearance_ledgers(*, agency: Agency, today: date | None = None) -> list[BurdenLedger]:
    """This fiscal year's ledger of each of the agency's clearances (call access_agency first)."""
    return _ledgers_of(clearances_for_agency(agency=agency), today=today)


def clearances_needing_attention(
    *, agencies: Iterable[Agency], today: date | None = None
) -> list[BurdenLedger]:
    """The ledgers with a warning (burden near its cap, expiry near or past), of `agencies`,
    in a fixed number of queries however many clearances and surveys there are."""
    clearances = list(
        Clearance.objects.filter(agency__in=list(agencies))
        .select_related("agency", "parent")
        .order_by("agency__name", F("expires_on").asc(nulls_last=True), "title", "id")
    )
    return [ledger for ledger in _ledgers_of(clearances, today=today) if ledger.needs_attention]


def clearances_to_alert(*, today: date | None = None) -> list[BurdenLedger]:
    """Every agency's ledgers with a warning not yet emailed (for `clearances_alert`)."""
    today = today or timezone.localdate()
    ledgers = []
    for clearance in (
        Clearance.objects.exclude(kind=ClearanceKind.EXEMPT)
        .select_related("agency", "parent")
        .order_by("agency_id", "id")
    ):
        ledger = clearance_ledger(clearance=clearance, today=today)
        if (ledger.burden_warning and clearance.burden_warned_year != ledger.year) or (
            (ledger.expiry_warning or ledger.expired)
            and clearance.expiry_warned_on != clearance.expiry
        ):
            ledgers.append(ledger)
    return ledgers


# --- invitations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationSummary:
    """How a survey's invitations stand: a count per status, and the codes issued and used."""

    counts: list[tuple[str, str, int]]
    total: int
    codes_issued: int
    codes_used: int


def invitation_summary(*, survey: Survey) -> InvitationSummary:
    """The count of invitations in each status (every status listed, zeros included)."""
    found = dict(
        survey.invitations.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    counts = [(value, str(label), found.get(value, 0)) for value, label in InvitationStatus.choices]
    codes = survey.access_codes.aggregate(
        issued=Count("id"), used=Count("id", filter=Q(used_on__isnull=False))
    )
    return InvitationSummary(
        counts=counts,
        total=sum(n for _v, _l, n in counts),
        codes_issued=codes["issued"],
        codes_used=codes["used"],
    )


def invitations_for_survey(*, survey: Survey, status: str = "") -> QuerySet[Invitation]:
    """A survey's invitations (contacts included: read them after `access_survey` with
    `Can.EDIT_SURVEYS`, and audit the read), optionally of one status."""
    invitations = survey.invitations.select_related("service", "segment").order_by(
        "created_at", "id"
    )
    if status in InvitationStatus.values:
        invitations = invitations.filter(status=status)
    return invitations


def invitations_rows(*, invitations: Iterable[Invitation]) -> Iterator[list[Any]]:
    """The invitation list as CSV rows: header, then one row per invitation."""
    yield ["channel", "contact", "language", "service", "segment", "status", "sent", "reminded"]
    for invitation in invitations:
        yield [
            invitation.channel,
            invitation.contact,
            invitation.language,
            invitation.service.slug if invitation.service else "",
            invitation.segment.name if invitation.segment else "",
            invitation.status,
            invitation.sent_at.isoformat() if invitation.sent_at else "",
            invitation.reminded_at.isoformat() if invitation.reminded_at else "",
        ]


def survey_agency(*, public_id: str) -> Agency | None:
    """The agency of the survey with this public id, or None when there is no such survey."""
    survey = Survey.objects.select_related("agency").filter(public_id=public_id).first()
    return survey.agency if survey else None
