"""The time tax arithmetic: sum of means, root-sum-of-squares of standard errors, a normal
95% interval that never goes below zero, and the costliest stage."""

from __future__ import annotations

import math

import pytest

from cxgov.journeys.burden import Z_95, StageTime, costliest, research_time, survey_time, time_tax


def test_no_timed_stage_has_no_time_tax() -> None:
    assert time_tax([None, None]) is None
    assert costliest([None]) is None
    assert survey_time([]) is None


def test_the_total_adds_means_and_the_squares_of_standard_errors() -> None:
    times = [StageTime(10, 3), None, StageTime(20, 4), StageTime(5)]
    tax = time_tax(times)
    assert tax is not None
    assert tax.minutes == 35 and tax.standard_error == pytest.approx(5)
    assert (tax.low, tax.high) == (pytest.approx(35 - Z_95 * 5), pytest.approx(35 + Z_95 * 5))
    assert tax.stages_timed == 3 and tax.stages_without_error == 1
    assert costliest(times) == 2


def test_the_interval_stops_at_zero_and_a_tie_names_the_first_stage() -> None:
    tax = time_tax([StageTime(1, 10)])
    assert tax is not None and tax.low == 0
    assert costliest([StageTime(5), StageTime(5)]) == 0


def test_research_and_survey_times_give_their_standard_errors() -> None:
    assert research_time(minutes=15, low=10, high=20, n=None).standard_error == pytest.approx(
        10 / (2 * Z_95)
    )
    assert research_time(minutes=15, low=None, high=None, n=30).standard_error is None
    one = survey_time([12])
    assert one is not None and one.minutes == 12 and one.standard_error is None
    two = survey_time([10, 20])
    assert two is not None and two.standard_error == pytest.approx(math.sqrt(50) / math.sqrt(2))
