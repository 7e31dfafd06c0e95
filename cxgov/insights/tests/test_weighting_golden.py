"""cxgov's design-based estimates against R's survey package, to 1e-6.

golden/survey_golden.csv holds what docs/golden/survey_golden.R computed with R (survey 4.1.1)
on GSA's synthetic A-11 responses: raked and trimmed weights, weighted and unweighted shares and
means with their linearisation standard errors, `svyby` domain estimates, Kish design effects,
effective n and the intervals on it. Here cxgov computes each figure again; R is not needed.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from cxgov.insights.weighting import (
    WeightedEstimate,
    Weights,
    domain_estimates,
    rake_weights,
    weighted_estimate,
)
from cxgov.testing.data import needs_shared, shared_path

GOLDEN = Path(__file__).parent / "golden" / "survey_golden.csv"
DATA = "govcxanalyzer/fake-omb-a11-survey-response-level-data.csv"
POPULATION = {
    "UserGroup": {
        "Group1": 2000.0,
        "Group2": 3000.0,
        "Group3": 3500.0,
        "Group4": 1000.0,
        "Group5": 500.0,
    },
    "Region": {"Region1": 3000.0, "Region2": 4000.0, "Region3": 3000.0},
}
TRIM = 5.0
TOLERANCE = 1e-6

pytestmark = needs_shared(DATA)


def _golden() -> dict[tuple[str, str, str, str, str], float]:
    with GOLDEN.open(newline="") as handle:
        return {
            (r["design"], r["figure"], r["variable"], r["domain"], r["statistic"]): float(
                r["value"]
            )
            for r in csv.DictReader(handle)
        }


def _respondents() -> dict[str, list[str]]:

    with shared_path(DATA).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = {
        "UserGroup": [r["UserGroup"] for r in rows],
        "Region": [r["Region"] for r in rows],
        "Years": [r["Years"] for r in rows],
        "satisfaction": [r["Satisfaction"] for r in rows],
        "trust": [r["Trust/Confidence"] for r in rows],
        # As the R script does: helpfulness unanswered on every tenth row.
        "helpfulness": ["" if (i + 1) % 10 == 0 else r["Helpfulness"] for i, r in enumerate(rows)],
    }
    return columns


def _values(column: list[str], *, share: bool) -> np.ndarray:
    numbers = np.array([float(v) if v else np.nan for v in column])
    if share:
        return np.where(np.isnan(numbers), np.nan, (numbers >= 4).astype(float))
    return numbers


@pytest.fixture(scope="module")
def golden() -> dict[tuple[str, str, str, str, str], float]:
    return _golden()


@pytest.fixture(scope="module")
def designs() -> dict[str, np.ndarray | Weights]:
    columns = _respondents()
    margins = {v: columns[v] for v in POPULATION}
    trimmed = rake_weights(margins, POPULATION, trim=TRIM)
    return {
        "unweighted": np.ones(len(columns["Region"])),
        "raked": rake_weights(margins, POPULATION, trim=None),
        "raked_trimmed": trimmed,
        "fixed_weights": trimmed.values,
    }


def _weights(design: np.ndarray | Weights) -> np.ndarray:
    return design.values if isinstance(design, Weights) else design


@pytest.mark.parametrize("design", ["raked", "raked_trimmed", "fixed_weights"])
def test_every_weight_matches_r(design, designs, golden):
    weights = _weights(designs[design])
    expected = np.array(
        [golden[(design, "weight", "row", str(i + 1), "weight")] for i in range(weights.size)]
    )
    assert np.max(np.abs(weights - expected) / expected) < TOLERANCE


def test_trimming_cut_the_largest_weights_and_kept_the_population(designs):
    trimmed = designs["raked_trimmed"]
    assert isinstance(trimmed, Weights)
    assert trimmed.trimmed > 0
    assert trimmed.values.sum() == pytest.approx(10_000)
    assert trimmed.values.max() == pytest.approx(TRIM * trimmed.raked.mean())


def _check(estimate: WeightedEstimate, golden, key: tuple[str, str, str, str]) -> None:
    figures = {
        "value": estimate.value,
        "standard_error": estimate.standard_error,
        "design_effect": estimate.design_effect,
        "effective_n": estimate.effective_n,
        "n": estimate.n,
        "low": estimate.low,
        "high": estimate.high,
    }
    for statistic, ours in figures.items():
        theirs = golden[(*key, statistic)]
        assert ours is not None, (key, statistic)
        assert ours == pytest.approx(theirs, rel=TOLERANCE, abs=TOLERANCE), (key, statistic)


VARIABLES = ["satisfaction", "trust", "helpfulness"]


@pytest.mark.parametrize("design", ["unweighted", "raked", "raked_trimmed", "fixed_weights"])
@pytest.mark.parametrize("variable", VARIABLES)
@pytest.mark.parametrize("share", [True, False], ids=["share", "mean"])
def test_whole_sample_estimates_match_svymean(design, variable, share, designs, golden):
    columns = _respondents()
    values = _values(columns[variable], share=share)
    name = f"{variable}_positive" if share else variable
    estimate = weighted_estimate(values, designs[design], share=share)
    _check(estimate, golden, (design, "share" if share else "mean", name, ""))


@pytest.mark.parametrize("design", ["unweighted", "raked", "raked_trimmed", "fixed_weights"])
@pytest.mark.parametrize("variable", VARIABLES)
@pytest.mark.parametrize("share", [True, False], ids=["share", "mean"])
def test_domain_estimates_match_svyby(design, variable, share, designs, golden):

    columns = _respondents()
    values = _values(columns[variable], share=share)
    name = f"{variable}_positive" if share else variable
    found = domain_estimates(values, designs[design], columns["Years"], share=share)
    assert set(found) == {"0-1 years", "1-2 years", "2-3 years", "3-4 years", "4-5 years"}
    for domain, estimate in found.items():
        _check(estimate, golden, (design, "share" if share else "mean", name, domain))


@pytest.mark.parametrize("design", ["unweighted", "raked_trimmed"])
def test_the_measure_registry_gives_r_figures_from_raw_answers(design, designs, golden):
    from cxgov.insights.measures import AGREEMENT_1_5, POINT_SCALE, TOP_2_BOX

    answers = _values(_respondents()["helpfulness"], share=False)
    share = TOP_2_BOX.estimate_weighted(answers, designs[design], AGREEMENT_1_5)
    _check(share, golden, (design, "share", "helpfulness_positive", ""))
    mean = POINT_SCALE.estimate_weighted(answers, designs[design], AGREEMENT_1_5)
    _check(mean, golden, (design, "mean", "helpfulness", ""))
    by_years = TOP_2_BOX.estimate_domains(
        answers, designs[design], AGREEMENT_1_5, _respondents()["Years"]
    )
    for domain, estimate in by_years.items():
        _check(estimate, golden, (design, "share", "helpfulness_positive", domain))
