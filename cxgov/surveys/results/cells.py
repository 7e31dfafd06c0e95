"""Figures as the results pages and their CSV files show them: the same text in both, whether
the page computes the figures or the worker prepared them (decision 0063)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cxgov.core.tables import Table
from cxgov.insights.weighting import WeightedEstimate
from cxgov.surveys.models import Question
from cxgov.surveys.results.selectors import WeightedResults, WeightedRow


def percent_text(value: float | None) -> str:
    """A share as a percent with one decimal, "" for none."""
    if value is None:
        return ""
    text = f"{100 * value:.1f}"
    # Rounding noise from a regression must not show as "-0.0".
    return "0.0" if text == "-0.0" else text


def number_text(value: float | None, places: int = 2) -> str:
    """A number with `places` decimals, "" for none."""
    return "" if value is None else f"{value:.{places}f}"


def fewer_text(threshold: int) -> str:
    """What a cell says instead of a figure from too few responses."""
    return _("fewer than %(n)s responses") % {"n": threshold}


def estimate_columns(value: str) -> list[str]:
    """The headers of a percent and its interval: the `value` column's, then its interval's."""
    return [value, _("95% interval, low (%)"), _("95% interval, high (%)")]


def _weighted_cells(estimate: WeightedEstimate | None, *, percent: bool) -> list[str]:
    """Value, interval low and high, design effect and effective n of a weighted figure."""
    if estimate is None or estimate.value is None:
        return ["", "", "", "", ""]
    shown = percent_text if percent else number_text
    return [
        shown(estimate.value),
        shown(estimate.low),
        shown(estimate.high),
        number_text(estimate.design_effect),
        number_text(estimate.effective_n, 1),
    ]


def _weighted_columns(first: str) -> list[str]:
    return [
        first,
        _("Answers (n)"),
        *estimate_columns(_("Weighted percent positive (%)")),
        _("Design effect (Kish)"),
        _("Effective n"),
        _("Weighted mean"),
        _("Mean, lower limit (95%)"),
        _("Mean, upper limit (95%)"),
        _("Design effect of the mean (Kish)"),
        _("Effective n of the mean"),
    ]


def _weighted_row_cells(row: WeightedRow, threshold: int) -> list[Any]:
    """A weighted row; a group with fewer answers than the threshold shows no figures."""
    n = max(
        row.positive.n if row.positive is not None else 0,
        row.mean.n if row.mean is not None else 0,
    )
    if n < threshold:
        return [row.label, fewer_text(threshold), *[""] * 10]
    return [
        row.label,
        n,
        *_weighted_cells(row.positive, percent=True),
        *_weighted_cells(row.mean, percent=False),
    ]


def weighted_tables(
    weighted: WeightedResults | None, breakdown: Question | None, threshold: int
) -> list[Table]:
    """The weighted summary and, for the breakdown question, its weighted groups (svyby)."""
    if weighted is None or weighted.error is not None:
        return []
    summary = Table(
        "weighted",
        _("Summary by question, weighted to the population margins"),
        _weighted_columns(_("Question")),
    )
    summary.rows = [_weighted_row_cells(row, threshold) for row in weighted.rows]
    tables = [summary]
    names = {
        "service": _("service"),
        "channel": _("channel"),
        "segment": _("customer segment"),
        "language": _("language"),
    }
    for variable, rows in weighted.breakdowns.items():
        if breakdown is None:
            break
        table = Table(
            f"weighted-by-{variable}",
            _("“%(question)s” by %(dimension)s, weighted")
            % {"question": breakdown.display_text, "dimension": names[variable]},
            _weighted_columns(names[variable].capitalize()),
        )
        table.rows = [_weighted_row_cells(row, threshold) for row in rows]
        tables.append(table)
    return tables
