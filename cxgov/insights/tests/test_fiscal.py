from datetime import date

import pytest

from cxgov.insights.fiscal import FiscalQuarter, fiscal_quarter, fiscal_year_bounds


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 1), FiscalQuarter(2026, 1)),
        (date(2025, 12, 31), FiscalQuarter(2026, 1)),
        (date(2026, 1, 1), FiscalQuarter(2026, 2)),
        (date(2026, 6, 30), FiscalQuarter(2026, 3)),
        (date(2026, 9, 30), FiscalQuarter(2026, 4)),
    ],
)
def test_quarter_one_is_october_to_december(day, expected):
    assert fiscal_quarter(day) == expected


def test_quarter_bounds_and_neighbours():
    q1 = FiscalQuarter(2026, 1)
    assert (q1.start, q1.end) == (date(2025, 10, 1), date(2025, 12, 31))
    assert FiscalQuarter(2026, 4).end == date(2026, 9, 30)
    assert q1.previous() == FiscalQuarter(2025, 4)
    assert FiscalQuarter(2025, 4).next() == q1
    assert str(q1) == "FY2026 Q1"
    assert fiscal_year_bounds(2026) == (date(2025, 10, 1), date(2026, 9, 30))


def test_bad_quarter_is_refused():
    with pytest.raises(ValueError, match="quarter must be 1 to 4"):
        FiscalQuarter(2026, 5)
