"""Reads of action plans, the evidence that can prompt an action, and employee survey themes.

Staff reads start with `access_actions` / `access_action`, which answer 404 alike for another
agency's plan and a missing one. Front-line employees who hold no other role see only the
actions their own survey answers prompted (employee barriers and ideas).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxgov.actions.models import (
    EMPLOYEE_KINDS,
    OPEN_STATUSES,
    ActionItem,
    ActionSource,
    ActionStatus,
    SourceKind,
)
from cxgov.complaints.selectors import narratives_for_agency
from cxgov.core.models import Agency, Membership, User
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import AgencyObjectAccess, access_agency
from cxgov.insights.complaint_metrics import MIN_CELL, top_themes
from cxgov.insights.priority_matrix import FIX_FIRST
from cxgov.insights.scrub import scrub_text
from cxgov.insights.themes import extract_themes
from cxgov.registry.models import Service
from cxgov.standards.models import Standard, StandardStatus
from cxgov.standards.selectors import standard_latest
from cxgov.surveys.models import (
    TEXT_KINDS,
    Answer,
    Audience,
    Question,
    Response,
    ResponseStatus,
    Survey,
)
from cxgov.surveys.results import ResultFilters
from cxgov.surveys.results.selectors import (
    driver_analysis,
    driver_questions,
    outcome_questions,
    survey_has_drivers,
)
from cxgov.surveys.selectors import suppression_threshold

_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_MARKER = re.compile(r"\[(?:email|phone|name) removed\]")


@dataclass(frozen=True)
class ActionAccess:
    """The agency whose plan is read, and whether the reader sees only employee-prompted actions."""

    agency: Agency
    can_edit: bool
    employee_only: bool


def access_actions(*, user: User, agency_slug: str, need: Can = Can.VIEW_AGENCY) -> ActionAccess:
    """The agency's action plan as this member may see it (Http404 without `need` there)."""
    agency = access_agency(user=user, agency_slug=agency_slug, need=need)
    return ActionAccess(
        agency=agency,
        can_edit=user_can(user=user, agency=agency, need=Can.EDIT_ACTIONS),
        employee_only=not user_can(user=user, agency=agency, need=Can.VIEW_ACTIONS),
    )


def _employee_prompted() -> Exists:
    return Exists(ActionSource.objects.filter(action=OuterRef("pk"), kind__in=EMPLOYEE_KINDS))


def access_action(
    *, user: User, agency_slug: str, action_id: int, need: Can = Can.VIEW_AGENCY
) -> ActionItem:
    """One action of the agency in the URL, if this member may see it with `need`; without
    Can.VIEW_ACTIONS only the actions employees' own answers prompted."""
    access = access_actions(user=user, agency_slug=agency_slug, need=need)
    found = ActionItem.objects.filter(agency=access.agency, pk=action_id)
    if access.employee_only:
        found = found.filter(_employee_prompted())
    action = found.select_related("agency", "owner", "service").first()
    if action is None:
        raise Http404
    return action


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""  # one ActionStatus value, "open_any" (open or in progress) or "" for all
    overdue: bool = False
    kind: str = ""
    service_id: int | None = None


def actions_for_agency(
    *,
    access: ActionAccess,
    filters: ActionFilters | None = None,
    today: date | None = None,
) -> QuerySet[ActionItem]:
    """The agency's actions, soonest due first, filtered (call access_actions first)."""
    filters = filters or ActionFilters()
    today = today or timezone.localdate()
    found = ActionItem.objects.filter(agency=access.agency)
    if access.employee_only:
        found = found.filter(_employee_prompted())
    if filters.status == "open_any":
        found = found.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        found = found.filter(status=filters.status)
    if filters.overdue:
        found = found.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    if filters.kind:
        found = found.filter(
            Exists(ActionSource.objects.filter(action=OuterRef("pk"), kind=filters.kind))
        )
    if filters.service_id:
        found = found.filter(service_id=filters.service_id)
    return (
        found.select_related("owner", "service")
        .prefetch_related("sources")
        .order_by("due_date", "id")
    )


CSV_COLUMNS = (
    "id",
    "title",
    "service",
    "owner",
    "due_date",
    "status",
    "overdue",
    "created_at",
    "closed_at",
    "prompted_by",
    "description",
)


def actions_rows(
    *, actions: Iterable[ActionItem], today: date | None = None
) -> Iterator[list[Any]]:
    """The actions as CSV rows under `CSV_COLUMNS`; sources joined as "kind: label" with " | "."""
    today = today or timezone.localdate()
    for action in actions:
        yield [
            action.pk,
            action.title,
            action.service.slug if action.service else "",
            action.owner.email,
            action.due_date.isoformat(),
            action.status,
            "yes" if action.is_overdue(today) else "no",
            action.created_at.isoformat(),
            action.closed_at.isoformat() if action.closed_at else "",
            " | ".join(f"{s.kind}: {s.label}" for s in action.sources.all()),
            action.description,
        ]


def owners_for_agency(*, agency: Agency) -> QuerySet[User]:
    """Members of the agency who can own an action (call access_agency first)."""
    return User.objects.filter(
        Exists(Membership.objects.active().filter(user=OuterRef("pk"), agency=agency)),
        is_active=True,
    ).order_by("full_name", "email")


@dataclass(frozen=True)
class ActionCounts:
    open: int = 0
    overdue: int = 0


def open_actions_by_service(
    *, agency: Agency, today: date | None = None
) -> dict[int | None, ActionCounts]:
    """Open and overdue actions per service id (None: actions for the whole agency)."""
    today = today or timezone.localdate()
    counts: dict[int | None, ActionCounts] = {}
    rows = ActionItem.objects.filter(agency=agency, status__in=OPEN_STATUSES).values_list(
        "service_id", "due_date"
    )
    for service_id, due in rows:
        before = counts.get(service_id, ActionCounts())
        counts[service_id] = ActionCounts(
            open=before.open + 1, overdue=before.overdue + (due < today)
        )
    return counts


def actions_done_public(*, service: Service, limit: int = 10) -> list[ActionItem]:
    """ "You said, we did": a published service's finished actions, newest first, with the
    evidence that prompted each (public reads: the page shows only what the agency finished)."""
    return list(
        ActionItem.objects.filter(service=service, status=ActionStatus.DONE)
        .prefetch_related("sources")
        .order_by("-closed_at", "-id")[:limit]
    )


def actions_done_public_by_service(
    *, services: Iterable[Service], limit: int = 10
) -> dict[int, list[ActionItem]]:
    """`actions_done_public` of many services at once, by service id."""
    found: dict[int, list[ActionItem]] = {service.pk: [] for service in services}
    items = (
        ActionItem.objects.filter(service_id__in=list(found), status=ActionStatus.DONE)
        .prefetch_related("sources")
        .order_by("-closed_at", "-id")
    )
    for item in items:
        shown = found[item.service_id or 0]  # the filter above names a service
        if len(shown) < limit:
            shown.append(item)
    return found


# --- evidence that can prompt an action ------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A candidate prompt for an action, with what the link will keep."""

    kind: str
    label: str
    detail: str
    reference: dict[str, Any]
    service_id: int | None = None
    examples: list[str] = field(default_factory=list)


def missed_standard_suggestions(*, agency: Agency, today: date | None = None) -> list[Suggestion]:
    """Posted standards whose latest closed period did not meet the target."""
    found = []
    standards = Standard.objects.filter(agency=agency, status=StandardStatus.POSTED).select_related(
        "service"
    )
    for standard in standards.order_by("service__name", "id"):
        latest = standard_latest(standard=standard, today=today)
        if latest is None or latest.status != "not_met" or latest.share is None:
            continue
        found.append(
            Suggestion(
                kind=SourceKind.MISSED_STANDARD,
                label=f"{standard.statement} ({latest.label})"[:300],
                detail=_("%(share)s met of %(n)s (95%% CI %(low)s to %(high)s); target %(target)s")
                % {
                    "share": f"{latest.share:.0%}",
                    "n": f"{latest.n:,}",
                    "low": f"{latest.ci_low or 0:.0%}",
                    "high": f"{latest.ci_high or 0:.0%}",
                    "target": f"{float(standard.target):.0%}",
                },
                reference={
                    "standard_id": standard.pk,
                    "period_start": latest.start.isoformat(),
                    "period_end": latest.end.isoformat(),
                    "share": round(latest.share, 4),
                    "n": latest.n,
                    "target": float(standard.target),
                },
                service_id=standard.service_id,
            )
        )
    return found


def driver_gap_suggestions(*, agency: Agency) -> list[Suggestion]:
    """Drivers in the "fix first" quadrant: more important than most for trust (or
    satisfaction) and less often answered positively. The same key driver analysis as the
    survey results pages (`surveys.results.selectors.driver_analysis`), over all responses, as
    the worker stored it; a survey whose analysis is not computed yet gives none."""
    found = []
    surveys = Survey.objects.filter(agency=agency, audience=Audience.CUSTOMER).order_by("id")
    for survey in surveys:
        if not survey_has_drivers(survey=survey):
            continue
        outcome = outcome_questions(survey=survey)[0]
        result = driver_analysis(
            survey=survey,
            outcome=outcome,
            drivers=driver_questions(survey=survey),
            filters=ResultFilters(),
        )
        for row in result.rows:
            if row.quadrant != FIX_FIRST or row.performance.value is None:
                continue
            found.append(
                Suggestion(
                    kind=SourceKind.DRIVER_GAP,
                    label=f"{row.question.text} ({survey.title})"[:300],
                    detail=_(
                        "%(importance)s of what explains %(outcome)s (95%% CI %(low)s to "
                        "%(high)s); %(positive)s answer positively; n = %(n)s"
                    )
                    % {
                        "importance": f"{row.importance:.0%}",
                        "outcome": outcome.key,
                        "low": f"{row.low:.0%}",
                        "high": f"{row.high:.0%}",
                        "positive": f"{row.performance.value:.0%}",
                        "n": f"{result.complete:,}",
                    },
                    reference={
                        "survey_id": survey.pk,
                        "question_id": row.question.pk,
                        "driver": row.question.key,
                        "outcome": outcome.key,
                        "importance": round(row.importance, 4),
                        "positive": round(row.performance.value, 4),
                        "n": result.complete,
                    },
                )
            )
    return found


def complaint_theme_suggestions(*, agency: Agency, limit: int = 5) -> list[Suggestion]:
    """Phrases that stand out across the agency's complaint narratives (scrubbed first)."""
    texts = [scrub_text(text) for text in narratives_for_agency(agency=agency, limit=5000)]
    found = []
    for theme in top_themes(texts, limit=limit * 2, min_narratives=MIN_CELL):
        # Scrub markers and dates are not themes.
        if "removed" in theme.phrase or set(theme.phrase.split()) & _MONTHS:
            continue
        found.append(
            Suggestion(
                kind=SourceKind.COMPLAINT_THEME,
                label=theme.phrase,
                detail=_("%(count)s of %(total)s complaints mention it")
                % {"count": f"{theme.narratives:,}", "total": f"{len(texts):,}"},
                reference={"phrase": theme.phrase, "narratives": theme.narratives},
            )
        )
        if len(found) >= limit:
            break
    return found


# --- employee survey themes -------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeView:
    terms: list[str]
    size: int
    examples: list[str]


@dataclass(frozen=True)
class QuestionThemes:
    question: Question
    kind: str  # employee_theme or employee_idea
    comments: int
    themes: list[ThemeView]
    in_suppressed_themes: int


@dataclass(frozen=True)
class EmployeeThemes:
    survey: Survey
    responses: int
    threshold: int
    suppressed: bool
    questions: list[QuestionThemes]


def employee_surveys_for_agency(*, agency: Agency) -> QuerySet[Survey]:
    """The agency's employee surveys, newest first (call access_agency first)."""
    return Survey.objects.filter(agency=agency, audience=Audience.EMPLOYEE).order_by(
        "-created_at", "-id"
    )


access_employee_survey = AgencyObjectAccess(
    Survey.objects.filter(audience=Audience.EMPLOYEE).select_related("agency"),
    id_name="survey_id",
    default_need=Can.EDIT_ACTIONS,
    doc="An employee survey of the agency in the URL, for its themes.",
)


def _valid_responses(survey: Survey) -> QuerySet[Response]:
    return Response.objects.filter(
        survey=survey, status=ResponseStatus.VALID, deleted_at__isnull=True
    )


def _unique(texts: Iterable[str], limit: int) -> list[str]:
    seen: list[str] = []
    for text in texts:
        if text not in seen:
            seen.append(text)
        if len(seen) == limit:
            break
    return seen


def employee_themes(*, survey: Survey, threshold: int | None = None) -> EmployeeThemes:
    """Themes of each free-text question of an employee survey, scrubbed, small ones suppressed.

    Nothing is computed when the survey has fewer valid responses than the threshold; a theme
    with fewer comments than the threshold is never returned.
    """
    threshold = threshold or suppression_threshold()
    responses = _valid_responses(survey)
    count = responses.count()
    if count < threshold:
        return EmployeeThemes(
            survey=survey, responses=count, threshold=threshold, suppressed=True, questions=[]
        )
    found = []
    for question in survey.questions.filter(kind__in=TEXT_KINDS).order_by("position", "id"):
        texts = [
            scrub_text(text)
            for text in Answer.objects.filter(question=question, response__in=responses)
            .exclude(value_text="")
            .order_by("id")
            .values_list("value_text", flat=True)
        ]
        # Scrub markers are not words employees used: leave them out of the vocabulary.
        result = extract_themes(
            [_MARKER.sub(" ", text) for text in texts], min_size=threshold, examples=0
        )
        found.append(
            QuestionThemes(
                question=question,
                kind=SourceKind.EMPLOYEE_IDEA
                if "idea" in question.key
                else SourceKind.EMPLOYEE_THEME,
                comments=result.comments_used,
                themes=[
                    ThemeView(
                        terms=t.terms,
                        size=t.size,
                        examples=_unique((texts[i] for i in t.member_indexes), 3),
                    )
                    for t in result.themes
                ],
                in_suppressed_themes=result.comments_in_suppressed_themes,
            )
        )
    return EmployeeThemes(
        survey=survey, responses=count, threshold=threshold, suppressed=False, questions=found
    )


def employee_theme_suggestions(*, agency: Agency) -> list[Suggestion]:
    """Every shown theme of the agency's employee surveys, as candidate prompts."""
    found = []
    for survey in employee_surveys_for_agency(agency=agency):
        result = employee_themes(survey=survey)
        for question_themes in result.questions:
            for theme in question_themes.themes:
                found.append(theme_suggestion(survey=survey, item=question_themes, theme=theme))
    return found


def theme_suggestion(*, survey: Survey, item: QuestionThemes, theme: ThemeView) -> Suggestion:
    """The link an employee theme gives an action: terms and count as they are now."""
    terms = ", ".join(theme.terms[:4])
    return Suggestion(
        kind=item.kind,
        label=f"{terms} ({survey.title}: {item.question.key})"[:300],
        detail=ngettext("%(count)s comment", "%(count)s comments", theme.size)
        % {"count": theme.size},
        reference={
            "survey_id": survey.pk,
            "question_id": item.question.pk,
            "terms": theme.terms,
            "size": theme.size,
        },
        examples=theme.examples,
    )


def suggestions_for_agency(*, agency: Agency) -> dict[str, list[Suggestion]]:
    """Candidate prompts, by kind (call access_agency with Can.EDIT_ACTIONS first)."""
    return {
        SourceKind.MISSED_STANDARD: missed_standard_suggestions(agency=agency),
        SourceKind.DRIVER_GAP: driver_gap_suggestions(agency=agency),
        SourceKind.COMPLAINT_THEME: complaint_theme_suggestions(agency=agency),
        SourceKind.EMPLOYEE_THEME: employee_theme_suggestions(agency=agency),
    }


def services_for_agency(*, agency: Agency) -> QuerySet[Service]:
    return Service.objects.filter(agency=agency).order_by("name")
