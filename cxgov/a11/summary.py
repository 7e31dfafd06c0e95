"""The A-11 quarterly summary: one row per agency, service, channel, quarter and question.

Read from the survey rollups (`cxgov.surveys.results`), so collected responses and imported
performance.gov quarters count alike. The `summary` export format writes these rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from cxgov.core.models import Agency
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.insights.measures import (
    AGREEMENT_1_5,
    PERCENT_POSITIVE,
    POINT_SCALE,
    TOP_2_BOX,
    TWO_WAY,
    round_half_up,
)
from cxgov.registry.models import Service
from cxgov.surveys.models import AnswerRollup, Audience, Question, QuestionKind, Survey
from cxgov.surveys.results import ResultFilters, filtered_rollups, rollup_sums
from cxgov.surveys.selectors import suppression_threshold

A11_TEMPLATES = ("a11_v1", "a11_v2", "a11_v2_likert")


def _percent(value: float | None) -> float | None:
    """A share as a percentage to one place, rounded half up as performance.gov rounds."""
    return None if value is None else float(round_half_up(100 * value, 1))


def a11_summary_rows(
    *, fiscal_year: int, quarter: int | None, agencies: Iterable[Agency] | QuerySet[Agency]
) -> list[dict[str, Any]]:
    """One row per agency, service, channel, fiscal quarter and A-11 question.

    Covers surveys made from the A-11 templates and imported A-11 quarters. Columns: agency,
    service, channel, fiscal_year, quarter, survey, question_key, question_text, n,
    count_1..count_5, mean (A-11 point_scale, 2 dp), percent_agree and its low and high
    (percent, 1 dp), suppressed. Thumbs questions leave the counts and mean empty and give
    the share of thumbs up as percent_agree. Figures come from the measure registry
    (`insights.measures`: point scale, top-2-box, percent positive), rounded half up from the
    exact counts, as performance.gov publishes them.

    Customer cells are published whatever their n, as performance.gov publishes them; only
    employee surveys keep the employee-survey threshold (cells under it keep only n).
    """
    filters = ResultFilters(fiscal_year=fiscal_year, quarter=quarter)
    surveys = {
        s.pk: s
        for s in Survey.objects.filter(
            Q(template__in=A11_TEMPLATES) | Q(imported_quarters__isnull=False),
            agency__in=agencies,
        )
        .distinct()
        .select_related("agency")
    }
    questions = {
        q.pk: q
        for q in Question.objects.filter(
            survey_id__in=list(surveys), kind__in=[QuestionKind.LIKERT, QuestionKind.THUMBS]
        )
    }
    queryset = filtered_rollups(
        AnswerRollup.objects.filter(question_id__in=list(questions)), filters
    )
    cells: dict[tuple[int, int, int | None, str, FiscalQuarter], dict[str, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    for summed in rollup_sums(
        queryset, "survey_id", "question_id", "service_id", "channel", "quarter"
    ):
        key = (
            summed["survey_id"],
            summed["question_id"],
            summed["service_id"],
            summed["channel"],
            summed["quarter"],
        )
        cells[key][summed["value_key"]] += int(summed["n"])
    services = {s.pk: s.name for s in Service.objects.filter(pk__in={k[2] for k in cells if k[2]})}
    min_n = suppression_threshold()
    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for (survey_id, question_id, service_id, channel, fq), counts in cells.items():
        survey, question = surveys[survey_id], questions[question_id]
        likert = question.kind == QuestionKind.LIKERT
        n = sum(counts.values())
        suppressed = survey.audience == Audience.EMPLOYEE and n < min_n
        by_value = {int(k): v for k, v in counts.items() if k.isascii() and k.isdigit()}
        share, scale = (TOP_2_BOX, AGREEMENT_1_5) if likert else (PERCENT_POSITIVE, TWO_WAY)
        agree = share.estimate(by_value, scale)
        exact_agree = share.exact(by_value, scale)
        mean = POINT_SCALE.publish(POINT_SCALE.exact(by_value, scale)) if likert else None
        row: dict[str, Any] = {
            "agency": survey.agency.name,
            "service": services.get(service_id, "") if service_id else "",
            "channel": channel,
            "fiscal_year": fq.year,
            "quarter": fq.quarter,
            "survey": survey.title,
            "question_key": question.key,
            "question_text": question.text,
            "n": n,
        }
        for value in range(1, 6):
            row[f"count_{value}"] = by_value.get(value, 0) if likert and not suppressed else None
        row["mean"] = None if suppressed or mean is None else float(mean)
        published = share.publish(exact_agree)
        row["percent_agree"] = None if suppressed or published is None else float(published)
        row["percent_agree_low"] = None if suppressed else _percent(agree.low)
        row["percent_agree_high"] = None if suppressed else _percent(agree.high)
        row["suppressed"] = suppressed
        order = (row["agency"], row["service"], channel, fq, survey.title, survey_id)
        rows.append(((*order, question.position, question.pk), row))
    ordered = sorted(rows, key=lambda pair: pair[0])
    return [row for _key, row in ordered]
