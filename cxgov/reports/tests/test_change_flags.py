"""A report flags a change only when it survives multiplicity control and is large enough."""

from __future__ import annotations

from cxgov.core.tables import Table
from cxgov.insights.estimates import proportion_change
from cxgov.reports.selectors.document import _ChangeFamily


def _settled(family: _ChangeFamily, cells: list[object]) -> list[str]:
    table = Table("t", "t", ["change"], rows=[[cell] for cell in cells])
    family.settle([table])
    return [row[0] for row in table.rows]


def test_one_change_significant_alone_is_not_flagged_among_twenty():
    # 60/100 against 45/100: p = 0.034 alone, but Benjamini-Hochberg over 20 tests lifts it
    # above 5% while the other 19 rows are flat.
    alone = proportion_change(45, 100, 60, 100)
    assert alone is not None and alone.significant
    family = _ChangeFamily(minimum_effect=0.02)
    cells = [family.cell((45, 100), (60, 100), 10)]
    cells += [family.cell((50, 100), (50, 100), 10) for _ in range(19)]
    assert _settled(family, cells) == ["No significant change"] * 20


def test_the_same_change_alone_is_flagged_with_its_points():
    family = _ChangeFamily(minimum_effect=0.02)
    assert _settled(family, [family.cell((45, 100), (60, 100), 10)]) == [
        "Up 15.0 points (significant)"
    ]


def test_a_significant_change_under_the_agencys_minimum_is_not_flagged():
    # 1 point on 200,000 answers a side is significant (p < 0.001) but under 2 points.
    family = _ChangeFamily(minimum_effect=0.02)
    cells = [family.cell((100_000, 200_000), (98_000, 200_000), 10)]
    assert _settled(family, cells) == ["No significant change"]
    smaller = _ChangeFamily(minimum_effect=0.005)
    cells = [smaller.cell((100_000, 200_000), (98_000, 200_000), 10)]
    assert _settled(smaller, cells) == ["Down 1.0 points (significant)"]


def test_direction_and_points_are_written_for_flagged_changes():
    family = _ChangeFamily(minimum_effect=0.02)
    cells = [
        family.cell((50, 100), (55, 100), 5),
        family.cell((500, 1000), (600, 1000), 5),
        family.cell((600, 1000), (500, 1000), 5),
    ]
    assert _settled(family, cells) == [
        "No significant change",
        "Up 10.0 points (significant)",
        "Down 10.0 points (significant)",
    ]


def test_small_or_missing_periods_say_there_is_nothing_to_compare():
    family = _ChangeFamily(minimum_effect=0.02)
    cells = [family.cell(None, (5, 10), 10), family.cell((3, 9), (5, 10), 10)]
    assert _settled(family, cells) == ["No earlier figure to compare"] * 2
