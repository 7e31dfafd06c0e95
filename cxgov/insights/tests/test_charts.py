"""Chart labels are plain text: matplotlib never reads a `$` in them as the start of math."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cxgov.insights.benchmark_charts import line_svg
from cxgov.insights.charts import horizontal_bar_svg, percent_bars_svg, plain_text

LABEL = st.text(alphabet=st.sampled_from("$\\^_{}ab 1"), min_size=1, max_size=12)


def test_plain_text_escapes_every_dollar_sign():
    assert plain_text("Pay $5 or $10") == r"Pay \$5 or \$10"


@settings(max_examples=25, deadline=None)
@given(labels=st.lists(LABEL, min_size=1, max_size=3), axis=LABEL)
def test_any_label_draws_a_bar_chart(labels, axis):
    svg = horizontal_bar_svg(
        labels=labels,
        values=[1.0] * len(labels),
        title="t",
        value_label=axis,
        description="d",
        chart_id="c",
    )
    assert svg.startswith("<svg")


def test_dollar_signs_draw_a_line_chart():
    svg = line_svg(
        labels=["$FY24$", r"$\frac{1}{0}$"],
        values=[1.0, 2.0],
        title="t",
        value_label="$ spent",
        description="d",
        chart_id="c",
    )
    assert svg.startswith("<svg")


def test_counts_get_whole_number_ticks_and_rates_keep_fractions():
    import re

    def ticks(values):
        svg = horizontal_bar_svg(
            labels=["a", "b"],
            values=values,
            title="t",
            value_label="n",
            description="d",
            chart_id="c",
        )
        return re.findall(r"<!-- ([0-9.]+) -->", svg)

    counts = ticks([1, 3])
    assert counts and all("." not in tick for tick in counts)
    assert any("." in tick for tick in ticks([0.4, 1.2]))


def test_percent_bars_are_labelled_sized_by_value_and_free_of_style() -> None:
    svg = percent_bars_svg(
        labels=["FY2026 Q1", "<Q2>"],
        values=[50.0, 100.0],
        title="Trust & more",
        description="Numbers in the table.",
        chart_id="trust",
    )
    assert svg.startswith('<svg role="img" aria-labelledby="trust-title trust-desc"')
    assert '<title id="trust-title">Trust &amp; more</title>' in svg
    assert 'width="200.0"' in svg and 'width="400.0"' in svg
    assert "&lt;Q2&gt;" in svg and "<Q2>" not in svg
    assert "style" not in svg
