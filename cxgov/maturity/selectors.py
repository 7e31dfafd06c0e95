"""Reads of maturity assessments: the access check, one year's answers and dimension scores,
the year-on-year trend and every agency's scores side by side for oversight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.utils import timezone

from cxgov.core.models import Agency, User
from cxgov.core.permissions import Can
from cxgov.core.selectors import access_agency, agency_calendar
from cxgov.insights.fiscal import fiscal_year_of
from cxgov.maturity.bank import DIMENSION_OF, DIMENSIONS, Dimension
from cxgov.maturity.models import FIRST_YEAR, LAST_YEAR, Answer, Assessment


def access_maturity(
    *, user: User, agency_slug: str, fiscal_year: int | None = None, need: Can = Can.VIEW_MATURITY
) -> Agency:
    """The agency if the user's role there holds `need`; a fiscal year outside the years an
    assessment may have answers the same 404 as a missing agency."""
    agency = access_agency(user=user, agency_slug=agency_slug, need=need)
    if fiscal_year is not None and not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise Http404
    return agency


def current_fiscal_year(*, agency: Agency, today: date | None = None) -> int:
    calendar = agency_calendar(agency=agency)
    return calendar.fiscal_year(today or calendar.today())


def federal_fiscal_year(today: date | None = None) -> int:
    """The federal fiscal year running now, the oversight page's default."""
    return fiscal_year_of(today or timezone.localdate())


def assessment_for(*, agency: Agency, fiscal_year: int) -> Assessment | None:
    return Assessment.objects.filter(agency=agency, fiscal_year=fiscal_year).first()


def answers_for(*, assessment: Assessment | None) -> dict[str, Answer]:
    """The stored answers by statement key (none without an assessment)."""
    if assessment is None:
        return {}
    return {answer.statement: answer for answer in assessment.answers.all()}


def dimension_scores(answers: dict[str, Answer]) -> dict[str, float | None]:
    """Each dimension's mean score over its scored statements (None when none is scored),
    rounded to one decimal as shown."""
    scores: dict[str, list[int]] = {d.key: [] for d in DIMENSIONS}
    for key, answer in answers.items():
        if answer.score is not None and key in DIMENSION_OF:
            scores[DIMENSION_OF[key]].append(answer.score)
    return {
        key: (round(sum(values) / len(values), 1) if values else None)
        for key, values in scores.items()
    }


@dataclass(frozen=True)
class TrendRow:
    dimension: Dimension
    previous: float | None
    current: float | None

    @property
    def change(self) -> float | None:
        if self.previous is None or self.current is None:
            return None
        return round(self.current - self.previous, 1)


def maturity_trend(*, agency: Agency, fiscal_year: int) -> list[TrendRow]:
    """Per dimension: the previous fiscal year's score beside this one's."""
    found = {
        assessment.fiscal_year: assessment
        for assessment in Assessment.objects.filter(
            agency=agency, fiscal_year__in=(fiscal_year - 1, fiscal_year)
        ).prefetch_related("answers")
    }
    previous = dimension_scores(answers_for(assessment=found.get(fiscal_year - 1)))
    current = dimension_scores(answers_for(assessment=found.get(fiscal_year)))
    return [TrendRow(d, previous[d.key], current[d.key]) for d in DIMENSIONS]


def assessment_years(*, agency: Agency) -> list[int]:
    return list(
        Assessment.objects.filter(agency=agency)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
    )


@dataclass(frozen=True)
class AgencyScores:
    agency: Agency
    scores: list[float | None]  # in the order of DIMENSIONS
    assessed: bool

    @property
    def cells(self) -> list[tuple[Dimension, float | None]]:
        return list(zip(DIMENSIONS, self.scores, strict=True))


def scores_side_by_side(*, fiscal_year: int) -> list[AgencyScores]:
    """Every agency's dimension scores for the fiscal year (call `access_site` first); an agency
    without an assessment is listed as not assessed."""
    assessments = {
        assessment.agency_id: assessment
        for assessment in Assessment.objects.filter(fiscal_year=fiscal_year).prefetch_related(
            "answers"
        )
    }
    rows = []
    for agency in Agency.objects.order_by("name"):
        assessment = assessments.get(agency.pk)
        scores = dimension_scores(answers_for(assessment=assessment))
        rows.append(
            AgencyScores(
                agency=agency,
                scores=[scores[d.key] for d in DIMENSIONS],
                assessed=assessment is not None,
            )
        )
    return rows
