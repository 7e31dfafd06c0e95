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
from cxgov.insights.estimates import percent_agree, point_scale, wilson
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.registry.models import Service
from cxgov.surveys.models import AnswerRollup, Question, QuestionKind, Survey
from cxgov.surveys.results import ResultFilters, filtered_rollups, rollup_sums
from cxgov.surveys.selectors import suppression_threshold

A11_TEMPLATES = ("a11_v1", "a11_v2", "a11_v2_likert")


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def a11_summary_rows(
    *, fiscal_year: int, quarter: int | None, agencies: Iterable[Agency] | QuerySet[Agency]
) -> list[dict[str, Any]]:
    """One row per agency, service, channel, fiscal quarter and A-11 question.

    Covers surveys made from the A-11 templates and imported A-11 quarters. Columns: agency,
    service, channel, fiscal_year, quarter, survey, question_key, question_text, n,
    count_1..count_5, mean (A-11 point_scale, 2 dp), percent_agree and its low and high
    (percent, 1 dp), suppressed. Thumbs questions leave the counts and mean empty and give
    the share of thumbs up as percent_agree. Cells under the threshold keep only n.
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
        suppressed = n < min_n
        by_value = {int(k): v for k, v in counts.items() if k.isdigit()}
        agree = percent_agree(by_value) if likert else wilson(by_value.get(1, 0), n)
        mean = point_scale(by_value).value if likert else None
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
        row["mean"] = None if suppressed or mean is None else round(mean, 2)
        row["percent_agree"] = None if suppressed else _percent(agree.value)
        row["percent_agree_low"] = None if suppressed else _percent(agree.low)
        row["percent_agree_high"] = None if suppressed else _percent(agree.high)
        row["suppressed"] = suppressed
        order = (row["agency"], row["service"], channel, fq, survey.title, survey_id)
        rows.append(((*order, question.position, question.pk), row))
    ordered = sorted(rows, key=lambda pair: pair[0])
    return [row for _key, row in ordered]
