"""Reads of A-11 collections: access checks, the quarter's list, the submission checklist.

Every read of agency data starts with an access_* selector (404 alike for missing and not
yours). Oversight reads across the agencies where the user holds the oversight role.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cxgov.a11.models import Collection, CollectionStatus, ImportedQuarter
from cxgov.core.models import Agency, User
from cxgov.core.permissions import Can
from cxgov.core.selectors import (
    AgencyObjectAccess,
    access_agency,
    access_site,
    agencies_for_user,
    agency_calendar,
)
from cxgov.insights.fiscal import FiscalQuarter, fiscal_quarter
from cxgov.registry.models import Service, ServiceStatus
from cxgov.surveys.models import (
    Audience,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    Survey,
)

# The question keys an A-11 v2 survey has (see cxgov/surveys/bank.py).
A11_V2_KEYS = ("trust", "went_well", "went_poorly")


def reporting_quarter(today: date | None = None) -> FiscalQuarter:
    """The quarter being reported now: the one that ended most recently."""
    return fiscal_quarter(today or timezone.localdate()).previous()


def quarter_bounds(period: FiscalQuarter, *, agency: Agency) -> tuple[datetime, datetime]:
    """[start, end) of a federal fiscal quarter: the agency's local days, as the rollups and
    the summary count them."""
    return agency_calendar(agency=agency).span(period.start, period.end)


access_collection = AgencyObjectAccess(
    Collection.objects.select_related("agency", "service"),
    id_name="collection_id",
    doc="A collection of the agency in the URL, if the user's role there holds `need`.",
)


def access_collection_for_oversight(
    *, user: User, agency_slug: str, collection_id: int, need: Can = Can.RATE_A11_REPORTS
) -> Collection:
    """A collection of any agency where the user holds `need`, reached through the oversight
    page of the agency in the URL (where they must hold it too)."""
    access_agency(user=user, agency_slug=agency_slug, need=need)
    return access_collection(user=user, agency_slug=None, collection_id=collection_id, need=need)


# What the site-wide oversight grant may open: reports an agency handed in (or said it would
# not hand in). Drafts are the agency's work in progress and answer 404 like a missing report.
OVERSIGHT_STATUSES = (
    CollectionStatus.SUBMITTED,
    CollectionStatus.PUBLISHED,
    CollectionStatus.NOT_REPORTED,
)


def access_collection_site(*, user: User, collection_id: int) -> Collection:
    """A submitted, published or not-reported collection of any agency, for a holder of the
    site-wide oversight grant (`Can.OVERSEE_GOVERNMENT`); Http404 alike for everyone else, a
    draft and a missing report."""
    access_site(user=user, need=Can.OVERSEE_GOVERNMENT)
    found = (
        Collection.objects.select_related("agency", "service")
        .filter(pk=collection_id, status__in=OVERSIGHT_STATUSES)
        .first()
    )
    if found is None:
        raise Http404
    return found


def services_to_report(*, agency: Agency) -> QuerySet[Service]:
    """The agency's services that are not archived, by name."""
    return agency.services.exclude(status=ServiceStatus.ARCHIVED).order_by("name")


# Reports of a quarter are due in the days after it ends; the staff home counts those not yet
# submitted during this window.
REPORT_DUE_DAYS = 30


def report_due_window(today: date | None = None) -> tuple[FiscalQuarter, date] | None:
    """The quarter whose reports are due and the day they are due by, while `today` is within
    REPORT_DUE_DAYS of that quarter's end; None outside the window."""
    today = today or timezone.localdate()
    period = reporting_quarter(today)
    due = period.end + timedelta(days=REPORT_DUE_DAYS)
    return (period, due) if today <= due else None


def services_not_reported(*, agency: Agency, period: FiscalQuarter) -> QuerySet[Service]:
    """The agency's services whose report of `period` is not started or still a draft."""
    done = Collection.objects.filter(
        agency=agency, fiscal_year=period.year, quarter=period.quarter
    ).exclude(status=CollectionStatus.DRAFT)
    return services_to_report(agency=agency).exclude(pk__in=done.values("service_id"))


@dataclass
class QuarterRow:
    """One service in a quarter: its collection if one was started."""

    service: Service
    collection: Collection | None


def quarter_rows(*, agencies: Iterable[Agency], period: FiscalQuarter) -> list[QuarterRow]:
    """Every service of the agencies (already access-checked) with its collection, if any."""
    agency_ids = [a.pk for a in agencies]
    services = (
        Service.objects.filter(agency_id__in=agency_ids)
        .exclude(status=ServiceStatus.ARCHIVED)
        .select_related("agency")
        .order_by("agency__name", "name")
    )
    collections = {
        c.service_id: c
        for c in Collection.objects.filter(
            agency_id__in=agency_ids, fiscal_year=period.year, quarter=period.quarter
        )
        .select_related("rated_by", "agency")
        .prefetch_related("surveys__services")
    }
    rows = [QuarterRow(service=s, collection=collections.pop(s.pk, None)) for s in services]
    # A collection of a service archived since still shows.
    rows.extend(
        QuarterRow(service=c.service, collection=c)
        for c in Collection.objects.filter(pk__in=[c.pk for c in collections.values()])
        .select_related("service__agency", "rated_by", "agency")
        .prefetch_related("surveys__services")
    )
    return rows


def collections_for_agency(
    *,
    agency: Agency,
    fiscal_year: int | None = None,
    quarter: int | None = None,
    status: str | None = None,
) -> QuerySet[Collection]:
    """The agency's A-11 reports of every quarter, or of the year, quarter and status asked
    (call access_agency first)."""
    found = Collection.objects.filter(agency=agency).select_related("agency", "service")
    if fiscal_year is not None:
        found = found.filter(fiscal_year=fiscal_year)
    if quarter is not None:
        found = found.filter(quarter=quarter)
    if status:
        found = found.filter(status=status)
    return found


def collections_in_quarter(
    *, agencies: Iterable[Agency], period: FiscalQuarter, statuses: Iterable[str] | None = None
) -> QuerySet[Collection]:
    """The agencies' collections of one quarter (already access-checked)."""
    found = Collection.objects.filter(
        agency__in=list(agencies), fiscal_year=period.year, quarter=period.quarter
    )
    if statuses is not None:
        found = found.filter(status__in=list(statuses))
    return (
        found.select_related("agency__parent", "service")
        .prefetch_related("surveys", "service__stages")
        .order_by("agency__name", "service__name", "pk")
    )


def surveys_for_collection_choice(*, agency: Agency) -> QuerySet[Survey]:
    """Customer surveys of the agency a collection may draw responses from."""
    return Survey.objects.filter(agency=agency, audience="customer").order_by("title", "pk")


def _quarter_responses(
    *, survey_ids: Iterable[int], start: datetime, end: datetime
) -> QuerySet[Response]:
    """Valid responses of these surveys submitted in [start, end)."""
    # The status and deletion filter is the condition of the index of counted responses by
    # service (`response_counted_by_service`), whose columns are the survey, the time and the
    # service: counted by service, these responses are read from that index alone on
    # PostgreSQL (decision 0076).
    return Response.objects.filter(
        survey_id__in=list(survey_ids),
        submitted_at__gte=start,
        submitted_at__lt=end,
        status=ResponseStatus.VALID,
        deleted_at__isnull=True,
    )


def _single_service(surveys: Iterable[Survey], service_id: int) -> list[int]:
    """The surveys about this service only: their responses that name no service count for it."""
    return [s.pk for s in surveys if {x.pk for x in s.services.all()} <= {service_id}]


def responses_for_collection(*, collection: Collection) -> QuerySet[Response]:
    """Valid responses of the linked surveys, about this service, submitted in the quarter.

    A response that names no service counts when its survey is about this service only.
    """
    start, end = quarter_bounds(collection.period, agency=collection.agency)
    surveys = list(collection.surveys.all())
    single = _single_service(surveys, collection.service_id)
    return _quarter_responses(survey_ids=[s.pk for s in surveys], start=start, end=end).filter(
        Q(service_id=collection.service_id) | Q(service__isnull=True, survey_id__in=single)
    )


def responses_counted(*, collection: Collection) -> int:
    """How many responses `responses_for_collection` finds; counted once per collection
    object, service, quarter and linked surveys (a page asks up to three times, and at a
    million responses each count takes tens of milliseconds)."""
    surveys = tuple(sorted(survey.pk for survey in collection.surveys.all()))
    key = (surveys, collection.service_id, collection.fiscal_year, collection.quarter)
    counted: dict[tuple[Any, ...], int] = collection.__dict__.setdefault("_responses_counted", {})
    if key not in counted:
        counted[key] = responses_for_collection(collection=collection).count() if surveys else 0
    return counted[key]


def respondents_by_collection(*, collections: Sequence[Collection]) -> dict[int, int]:
    """`respondents` of many collections, by id: the numbers entered, and the others counted
    with one grouped query per agency (whose calendar bounds the quarter) instead of one count
    each. Prefetch `agency` and `surveys__services` to keep it to those queries."""
    found = {
        c.pk: c.volume_of_respondents for c in collections if c.volume_of_respondents is not None
    }
    by_agency: dict[int, list[Collection]] = defaultdict(list)
    for collection in collections:
        if collection.volume_of_respondents is None:
            by_agency[collection.agency_id].append(collection)
    for group in by_agency.values():
        found |= _respondents_of_one_agency(group)
    return found


def _respondents_of_one_agency(collections: list[Collection]) -> dict[int, int]:
    """`responses_counted` of collections of one agency, from one GROUP BY per quarter."""
    found: dict[int, int] = {}
    by_period: dict[tuple[int, int], list[Collection]] = defaultdict(list)
    for collection in collections:
        by_period[(collection.fiscal_year, collection.quarter)].append(collection)
    for group in by_period.values():
        start, end = quarter_bounds(group[0].period, agency=group[0].agency)
        surveys = {c.pk: list(c.surveys.all()) for c in group}
        survey_ids = {s.pk for linked in surveys.values() for s in linked}
        # COUNT(*), not of ids: the index of counted responses by service holds no id, and
        # counting only what it holds lets PostgreSQL read it alone (decision 0076).
        counted = (
            _quarter_responses(survey_ids=survey_ids, start=start, end=end)
            .values("survey_id", "service_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        counts = Counter({(row["survey_id"], row["service_id"]): row["n"] for row in counted})
        for collection in group:
            # As `responses_for_collection`: about the service, or about no service in a
            # survey of this service only.
            service_id = collection.service_id
            linked = surveys[collection.pk]
            found[collection.pk] = sum(counts[(s.pk, service_id)] for s in linked) + sum(
                counts[(pk, None)] for pk in _single_service(linked, service_id)
            )
    return found


def respondents(*, collection: Collection) -> int:
    """The respondents reported: the number entered, else the responses counted."""
    if collection.volume_of_respondents is not None:
        return collection.volume_of_respondents
    return responses_counted(collection=collection)


@dataclass(frozen=True)
class ChecklistItem:
    """One thing missing or wrong before a collection may be submitted."""

    code: str
    message: str


def collection_checklist(*, collection: Collection) -> list[ChecklistItem]:
    """What must be fixed before the collection can be submitted; empty when ready."""
    items: list[ChecklistItem] = []

    def add(code: str, message: str) -> None:
        items.append(ChecklistItem(code, message))

    if collection.volume_of_customers is None:
        add("customers_missing", _("Enter the number of customers served this quarter."))
    if collection.volume_offered is None:
        add("offered_missing", _("Enter the number of customers offered the survey."))
    if not collection.channel:
        add("channel_missing", _("Choose the channel the survey was offered in."))
    if not collection.survey_type:
        add("scale_missing", _("Choose the scale of the trust question."))
    if not collection.trust_question_text.strip():
        add("trust_missing", _("Copy the text of the trust question into the report."))
    surveys = list(collection.surveys.all())
    if not surveys:
        add("survey_missing", _("Link the survey whose responses this report draws from."))
    counted = responses_counted(collection=collection)
    if surveys and counted == 0:
        add(
            "no_responses",
            _("The linked surveys have no responses about this service this quarter."),
        )
    reported = (
        collection.volume_of_respondents
        if collection.volume_of_respondents is not None
        else counted
    )
    offered = collection.volume_offered
    if offered is not None and reported > offered:
        add(
            "respondents_over_offered",
            _("There are more respondents (%(r)s) than customers offered the survey (%(o)s).")
            % {"r": reported, "o": offered},
        )
    customers = collection.volume_of_customers
    if offered is not None and customers is not None and offered > customers:
        add(
            "offered_over_customers",
            _("More customers were offered the survey (%(o)s) than were served (%(c)s).")
            % {"o": offered, "c": customers},
        )
    if not collection.omb_control_number.strip():
        add("omb_missing", _("Enter the survey's OMB control number."))
    elif collection.omb_expiration_date is None:
        add("omb_expiry_missing", _("Enter the date the OMB control number expires."))
    elif collection.omb_expiration_date < collection.period.end:
        add(
            "omb_expired",
            _("The OMB control number expired on %(day)s, before the quarter ended.")
            % {"day": collection.omb_expiration_date.isoformat()},
        )
    if collection.status != CollectionStatus.DRAFT:
        add("not_draft", _("Only a draft can be submitted."))
    return items


def a11_v2_surveys(*, agencies: Iterable[Agency], survey_id: int | None = None) -> list[Survey]:
    """The agencies' customer surveys with the A-11 v2 questions (trust, what went well or not);
    employee surveys are never listed one by one."""
    surveys = (
        Survey.objects.filter(agency__in=list(agencies))
        .exclude(audience=Audience.EMPLOYEE)
        .order_by("pk")
    )
    if survey_id is not None:
        surveys = surveys.filter(pk=survey_id)
    found = []
    for survey in surveys.prefetch_related("questions"):
        kinds = {q.key: q.kind for q in survey.questions.all()}
        if (
            kinds.get("trust") in (QuestionKind.THUMBS, QuestionKind.LIKERT)
            and kinds.get("went_well") == QuestionKind.MULTIPLE
            and kinds.get("went_poorly") == QuestionKind.MULTIPLE
        ):
            found.append(survey)
    return found


def question_by_key(*, survey: Survey, key: str) -> Question | None:
    return next((q for q in survey.questions.all() if q.key == key), None)


def export_need(*, format: str) -> Can:
    """What an export format needs: the Touchpoints response file has one row per response."""
    return Can.READ_RESPONSES if format == "touchpoints-a11-v2" else Can.VIEW_AGENCY


def export_agencies(*, user: User, agency_slug: str | None, need: Can) -> QuerySet[Agency]:
    """The agencies an export covers: the one named if the user's role there holds `need`,
    else every agency where it does (oversight reads across its agencies that way)."""
    if agency_slug:
        agency = access_agency(user=user, agency_slug=agency_slug, need=need)
        return Agency.objects.filter(pk=agency.pk)
    agencies = agencies_for_user(user=user, need=need)
    if not agencies.exists():
        raise Http404
    return agencies


def a11_public_updated_by_agency() -> list[tuple[int, datetime]]:
    """(agency id, last change) of the public A-11 records: imported quarters, published reports."""
    imported = (
        ImportedQuarter.objects.order_by()
        .values_list("survey__agency_id")
        .annotate(m=Max("imported_at"))
    )
    published = (
        Collection.objects.filter(status=CollectionStatus.PUBLISHED)
        .order_by()
        .values_list("agency_id")
        .annotate(m=Max("published_at"))
    )
    return [(agency_id, when) for agency_id, when in [*imported, *published] if when is not None]
