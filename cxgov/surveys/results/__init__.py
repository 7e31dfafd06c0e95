"""Survey results read from rollups: distributions, percent positive, means, trends, tables.

The contract for pages, reports, exports and the API:

- Everything here reads only `AnswerRollup` and `ResponseRollup` (and, for response rates, the
  invitation list), never individual answers, so a page costs the same at any volume.
- Callers pass surveys and agencies they have already reached through an `access_*` selector;
  nothing here checks access.
- Every share and mean is an `Estimate` with its n and 95% interval (Wilson for shares, Student t
  for means). A group with fewer answers than the suppression threshold comes back with
  `suppressed=True` and no figures at all besides its n. On an employee survey the views a
  reader can open are decided together (`disclosure`): a suppressed cell there carries no n
  either (0), and `response_counts` answers None for a view that may not be shown.
- "Percent positive" is defined once, in `POSITIVE_VALUES`: 4-5 on 1-5 agreement scales, thumbs
  up or "yes" on two-way questions, and the top two points (9-10) on 0-10 and 1-10 ratings.
  Choice, number, text and date questions have none.
- Days are the agency's local calendar days; fiscal quarters run October-December (Q1) onward.
- Imported quarterly figures (source "imported") count alongside collected responses.

The package: `queries` (filters, their period, rollup sums), `estimates` (the figures, exported
here), `selectors` (what rollups cannot give: comments, key drivers, oversight lists), and the
staff pages in `forms`, `views` and `urls`. The A-11 summary rows are `cxgov.a11.summary`.
"""

from cxgov.surveys.results.estimates import (
    BREAKDOWNS,
    COUNTED_KINDS,
    POSITIVE_VALUES,
    DistributionRow,
    GroupResult,
    QuestionResult,
    SurveyResults,
    TableRow,
    TextQuestionResult,
    TrendPoint,
    breakdown,
    positive_values,
    quarterly_trend,
    question_results,
    response_counts,
    response_rate,
    responses_shown,
    results_table,
    survey_results,
    surveys_with_results,
)
from cxgov.surveys.results.queries import (
    PeriodRollups,
    ResultFilters,
    filtered_rollups,
    period,
    period_rollups,
    rollup_sums,
)

__all__ = [
    "BREAKDOWNS",
    "COUNTED_KINDS",
    "POSITIVE_VALUES",
    "DistributionRow",
    "GroupResult",
    "PeriodRollups",
    "QuestionResult",
    "ResultFilters",
    "SurveyResults",
    "TableRow",
    "TextQuestionResult",
    "TrendPoint",
    "breakdown",
    "filtered_rollups",
    "period",
    "period_rollups",
    "positive_values",
    "quarterly_trend",
    "question_results",
    "response_counts",
    "response_rate",
    "responses_shown",
    "results_table",
    "rollup_sums",
    "survey_results",
    "surveys_with_results",
]
