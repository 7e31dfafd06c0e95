"""Charts are well-formed, labelled SVG for any label and value, with round ticks."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.insights.charts import horizontal_bar_svg, line_svg, nice_ticks, tick_label

SVG = "{http://www.w3.org/2000/svg}"
LABEL = st.text(min_size=1, max_size=80)
VALUE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own SVG, not outside input


def _axis_ticks(svg: str, axis: str) -> list[str]:
    group = _parse(svg).find(f"{SVG}g[@data-axis='{axis}']")
    assert group is not None
    return [text.text or "" for text in group.iter(f"{SVG}text")]


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(LABEL, min_size=1, max_size=6),
    values=st.lists(VALUE, min_size=6, max_size=6),
    axis=LABEL,
)
def test_any_label_and_value_draw_a_well_formed_bar_chart(labels, values, axis):
    svg = horizontal_bar_svg(
        labels=labels,
        values=values[: len(labels)],
        title="Title <&>",
        value_label=axis,
        description="d",
        chart_id="c",
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "Title <&>"
    assert "style=" not in svg
    assert len(root.findall(f"{SVG}rect")) == len(labels)
    for rect in root.iter(f"{SVG}rect"):
        assert float(rect.get("width")) >= 0
        assert 0 <= float(rect.get("x")) <= float(root.get("width"))


@settings(max_examples=40, deadline=None)
@given(
    labels=st.lists(LABEL, min_size=1, max_size=30),
    values=st.lists(st.one_of(VALUE, st.just(math.nan)), min_size=30, max_size=30),
)
def test_any_series_draws_a_well_formed_line_chart(labels, values):
    svg = line_svg(
        labels=labels,
        values=values[: len(labels)],
        title="t",
        value_label="Score",
        description="d",
        chart_id="c",
    )
    root = _parse(svg)
    shown = [v for v in values[: len(labels)] if not math.isnan(v)]
    assert len(root.findall(f"{SVG}circle")) == len(shown)


def test_a_missing_period_breaks_the_line():
    svg = line_svg(
        labels=["Q1", "Q2", "Q3", "Q4", "Q5"],
        values=[70.0, 71.0, math.nan, 72.0, 73.0],
        title="t",
        value_label="Score",
        description="d",
        chart_id="c",
    )
    assert len(_parse(svg).findall(f"{SVG}polyline")) == 2


def test_counts_get_whole_number_ticks_and_rates_keep_fractions():
    def ticks(values: list[float]) -> list[str]:
        svg = horizontal_bar_svg(
            labels=["a", "b"], values=values, title="t", value_label="n", description="d",
            chart_id="c",
        )  # fmt: skip
        return _axis_ticks(svg, "x")

    counts = ticks([1, 3])
    assert counts and all("." not in tick for tick in counts)
    assert any("." in tick for tick in ticks([0.4, 1.2]))


@pytest.mark.parametrize(
    ("low", "high", "whole", "expected"),
    [
        (0, 3, True, [0, 1, 2, 3]),
        (0, 1.2, False, [0, 0.25, 0.5, 0.75, 1.0, 1.25]),
        (0, 100, False, [0, 20, 40, 60, 80, 100]),
        (-40, 60, False, [-40, -20, 0, 20, 40, 60]),
        (50, 80, False, [50, 60, 70, 80]),
        (0, 0, True, [0, 1]),
    ],
)
def test_ticks_are_round_and_cover_the_values(low, high, whole, expected):
    assert nice_ticks(low, high, whole=whole) == pytest.approx(expected)


def test_tick_labels_carry_the_decimals_their_step_needs():
    assert [tick_label(t, [0, 0.25]) for t in (0, 0.25)] == ["0.00", "0.25"]
    assert tick_label(20000, [0, 5000]) == "20,000"


def test_long_labels_are_cut_in_the_chart_and_escaped():
    long = "A very long service name <with markup> " * 5
    svg = horizontal_bar_svg(
        labels=[long], values=[3], title="t", value_label="n", description="d", chart_id="c"
    )
    texts = [t.text or "" for t in _parse(svg).iter(f"{SVG}text")]
    assert any(t.endswith("…") and t.startswith("A very long") for t in texts)
    assert "<with" not in re.sub(r"&lt;with", "", svg)


def test_control_characters_from_imports_do_not_break_the_svg():
    svg = horizontal_bar_svg(
        labels=["Bad\x00name\x1f"], values=[1], title="t\x07", value_label="n",
        description="d", chart_id="c",
    )  # fmt: skip
    _parse(svg)
