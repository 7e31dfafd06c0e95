"""The priority matrix: quadrants from average importance and performance, and an accessible SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxgov.insights.priority_matrix import (
    FIX_FIRST,
    KEEP_UP,
    LOWER_PRIORITY,
    QUADRANTS,
    WATCH,
    Cuts,
    MatrixPoint,
    matrix_cuts,
    priority_matrix_svg,
    quadrant,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own SVG, not outside input


LABELS = {
    FIX_FIRST: "Fix first",
    KEEP_UP: "Keep up",
    WATCH: "Watch",
    LOWER_PRIORITY: "Lower priority",
}
POINTS = [
    MatrixPoint("Ease", importance=0.40, performance=0.50),
    MatrixPoint("Efficiency", importance=0.30, performance=0.90),
    MatrixPoint("Transparency", importance=0.20, performance=0.60),
    MatrixPoint('Employees <& "helpful">', importance=0.10, performance=0.80),
]


def test_cuts_are_equal_share_and_mean_performance() -> None:
    cuts = matrix_cuts(POINTS)
    assert cuts.importance == pytest.approx(0.25)
    assert cuts.performance == pytest.approx((0.5 + 0.9 + 0.6 + 0.8) / 4)


def test_each_driver_lands_in_its_quadrant() -> None:
    cuts = matrix_cuts(POINTS)  # importance 0.25, performance 0.70
    assert [quadrant(p, cuts) for p in POINTS] == [FIX_FIRST, KEEP_UP, WATCH, LOWER_PRIORITY]


def test_a_point_on_a_line_counts_as_above_it() -> None:
    cuts = Cuts(importance=0.25, performance=0.5)
    assert quadrant(MatrixPoint("x", 0.25, 0.5), cuts) == KEEP_UP


def test_empty_matrix_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one driver"):
        matrix_cuts([])


def test_svg_is_well_formed_and_labelled_for_screen_readers() -> None:
    svg = priority_matrix_svg(
        points=POINTS,
        title="What matters most for trust",
        description="Ease is in the fix-first quadrant.",
        chart_id="drivers",
        quadrant_labels=LABELS,
        importance_label="Importance",
        performance_label="Percent positive",
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "drivers-title drivers-desc"
    assert root.find(f"{SVG}title").text == "What matters most for trust"
    assert root.find(f"{SVG}desc").text == "Ease is in the fix-first quadrant."
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for name in QUADRANTS:
        assert LABELS[name] in texts
    # Labels are escaped, not injected as markup.
    assert 'Employees <& "helpful">' in texts
    assert len(list(root.iter(f"{SVG}circle"))) == len(POINTS)
    assert "style=" not in svg  # a strict Content-Security-Policy forbids inline styles


def test_points_sit_where_their_numbers_say() -> None:
    svg = priority_matrix_svg(
        points=[MatrixPoint("A", importance=0.5, performance=0.25)],
        title="t",
        description="d",
        chart_id="c",
        quadrant_labels=LABELS,
        importance_label="Importance",
        performance_label="Percent positive",
        cuts=Cuts(importance=0.5, performance=0.5),
    )
    circle = _parse(svg).find(f"{SVG}circle")
    # Plot area: x 70..620 (550 wide), y 20..380 (360 high), importance axis to 50%.
    assert float(circle.get("cx")) == pytest.approx(70 + 0.25 * 550)
    assert float(circle.get("cy")) == pytest.approx(20)


@given(
    st.lists(
        st.tuples(
            st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), max_size=30),
            st.floats(min_value=0, max_value=1),
            st.floats(min_value=0, max_value=1),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_drivers_give_a_parseable_svg(rows: list[tuple[str, float, float]]) -> None:
    points = [MatrixPoint(label, imp, perf) for label, imp, perf in rows]
    svg = priority_matrix_svg(
        points=points,
        title="t",
        description="d",
        chart_id="c",
        quadrant_labels=LABELS,
        importance_label="i",
        performance_label="p",
    )
    assert len(list(_parse(svg).iter(f"{SVG}circle"))) == len(points)
