"""Reads of journeys: the access checks, the agency's journeys and personas, the choices a
stage may link to, and a journey's burden table with its time tax (decision 0054)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from cxgov.complaints.models import Category, Complaint
from cxgov.core.models import Agency
from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess, part_access
from cxgov.insights.estimates import Estimate
from cxgov.insights.measures import PERCENT_POSITIVE, positive_measure
from cxgov.journeys.burden import (
    StageTime,
    TimeTax,
    costliest,
    research_time,
    survey_time,
    time_tax,
)
from cxgov.journeys.models import Journey, JourneyStage, LifeExperience, Persona, TimeSource
from cxgov.registry.models import CustomerSegment, Service, ServiceStage
from cxgov.standards.models import Standard
from cxgov.standards.results import PeriodResult
from cxgov.standards.selectors import standard_latest
from cxgov.surveys.models import Answer, Question, QuestionKind, ResponseStatus
from cxgov.surveys.results.estimates import MEASURE_SCALES

access_journey = AgencyObjectAccess(
    Journey.objects.select_related("agency", "persona", "persona__segment", "life_experience"),
    id_name="journey_id",
    doc="A journey of the agency in the URL, if the user's role there holds `need`.",
)

access_journey_stage = part_access(
    JourneyStage,
    parent="journey",
    id_name="journey_stage_id",
    noun="A stage",
    need=Can.MANAGE_JOURNEYS,
)

access_persona = AgencyObjectAccess(
    Persona.objects.select_related("agency", "segment"),
    id_name="persona_id",
    default_need=Can.MANAGE_JOURNEYS,
    doc="A persona of the agency in the URL.",
)


def journeys_for(*, agency: Agency) -> QuerySet[Journey]:
    return (
        Journey.objects.filter(agency=agency)
        .select_related("persona", "life_experience")
        .prefetch_related("services")
        .annotate(stage_count=Count("stages"))
    )


def personas_for(*, agency: Agency) -> QuerySet[Persona]:
    return Persona.objects.filter(agency=agency).select_related("segment")


def life_experiences() -> QuerySet[LifeExperience]:
    """Every life experience (site-wide), with the journeys agencies tagged with it."""
    return LifeExperience.objects.prefetch_related("journeys__agency", "journeys__services")


# --- what a form may link to: only the agency's own rows -----------------------------------


def segment_choices(*, agency: Agency) -> QuerySet[CustomerSegment]:
    return CustomerSegment.objects.filter(agency=agency)


def service_choices(*, agency: Agency) -> QuerySet[Service]:
    return Service.objects.filter(agency=agency)


def service_stage_choices(*, agency: Agency) -> QuerySet[ServiceStage]:
    return ServiceStage.objects.filter(service__agency=agency).select_related("service")


def time_question_choices(*, agency: Agency) -> QuerySet[Question]:
    return Question.objects.filter(survey__agency=agency, kind=QuestionKind.NUMBER).select_related(
        "survey"
    )


def standard_choices(*, agency: Agency) -> QuerySet[Standard]:
    return Standard.objects.filter(agency=agency).select_related("service")


def category_choices(*, agency: Agency) -> QuerySet[Category]:
    return Category.objects.filter(agency=agency, is_active=True)


# --- the burden table ----------------------------------------------------------------------


def _answers_valid() -> QuerySet[Answer]:
    return Answer.objects.filter(
        response__status=ResponseStatus.VALID, response__deleted_at__isnull=True
    )


def stage_time(stage: JourneyStage) -> StageTime | None:
    """The stage's customer minutes from research or from its survey question's answers."""
    if stage.time_source == TimeSource.RESEARCH and stage.minutes is not None:
        return research_time(
            minutes=float(stage.minutes),
            low=None if stage.minutes_low is None else float(stage.minutes_low),
            high=None if stage.minutes_high is None else float(stage.minutes_high),
            n=stage.sample_n,
        )
    if stage.time_source == TimeSource.SURVEY and stage.time_question_id is not None:
        values = []
        for number, integer in (
            _answers_valid()
            .filter(question_id=stage.time_question_id)
            .values_list("value_number", "value_int")
        ):
            if number is not None:
                values.append(float(number))
            elif integer is not None:
                values.append(float(integer))
        return survey_time(values)
    return None


def stage_positive(stage: JourneyStage) -> Estimate | None:
    """Percent positive of the rating answers in responses given at the stage's service stage:
    per question kind the registry's positive answers (`positive_measure`), pooled."""
    if stage.service_stage_id is None:
        return None
    rows = (
        _answers_valid()
        .filter(response__stage_id=stage.service_stage_id, question__kind__in=list(MEASURE_SCALES))
        .values_list("question__kind", "value_int")
        .annotate(count=Count("id"))
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for kind, value, count in rows:
        if value is not None:
            counts[kind][value] = count
    positive = total = 0
    for kind, by_value in counts.items():
        scale = MEASURE_SCALES[kind]
        yes, n = positive_measure(scale).successes(by_value, scale)
        positive += yes
        total += n
    return PERCENT_POSITIVE.estimate_share(positive, total)


def stage_complaints(stage: JourneyStage) -> int | None:
    """Complaints in the stage's category (of its service stage's service, when it names one)."""
    if stage.complaint_category_id is None:
        return None
    complaints = Complaint.objects.filter(
        agency_id=stage.journey.agency_id, category_id=stage.complaint_category_id
    )
    if stage.service_stage_id is not None and stage.service_stage is not None:
        complaints = complaints.filter(service_id=stage.service_stage.service_id)
    return complaints.count()


@dataclass
class StageRow:
    stage: JourneyStage
    time: StageTime | None
    positive: Estimate | None
    complaints: int | None
    standard: PeriodResult | None
    costliest: bool = False


@dataclass
class JourneyBurden:
    rows: list[StageRow]
    tax: TimeTax | None
    costliest: StageRow | None

    @property
    def untimed_stages(self) -> list[StageRow]:
        return [row for row in self.rows if row.time is None]

    @property
    def stages_without_error(self) -> list[StageRow]:
        return [
            row for row in self.rows if row.time is not None and row.time.standard_error is None
        ]


def journey_stages(*, journey: Journey) -> QuerySet[JourneyStage]:
    return journey.stages.select_related(
        "journey",
        "service_stage",
        "service_stage__service",
        "standard",
        "standard__agency",
        "standard__service__agency",
        "complaint_category",
        "time_question",
        "time_question__survey",
    )


def journey_burden(*, journey: Journey) -> JourneyBurden:
    """Per stage its time, percent positive, complaints and standard result; the time tax and
    the stage that costs the customer most."""
    rows = [
        StageRow(
            stage=stage,
            time=stage_time(stage),
            positive=stage_positive(stage),
            complaints=stage_complaints(stage),
            standard=standard_latest(standard=stage.standard) if stage.standard else None,
        )
        for stage in journey_stages(journey=journey)
    ]
    times = [row.time for row in rows]
    index = costliest(times)
    top = rows[index] if index is not None else None
    if top is not None:
        top.costliest = True
    return JourneyBurden(rows=rows, tax=time_tax(times), costliest=top)
