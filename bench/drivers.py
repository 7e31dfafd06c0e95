"""Key driver analysis for 20,000 responses and 7 drivers, computed by the worker's task.

Run: .venv/bin/python bench/drivers.py [--responses 20000] [--database-url postgres://…]

Without --database-url it uses a scratch SQLite file. It makes an employee-free customer
survey with a trust question and 7 agreement drivers, loads N synthetic responses through
`response_bulk_create` (the write path that marks analyses stale), then times
`surveys.tasks.drivers_compute_task` recomputing the stored analysis: the answer matrix read
from the database, exact Shapley R² over the 128 subsets and 2,000 bootstrap resamples. The
baseline, in this process on the same matrix, is one plain OLS fit of trust on the 7 drivers
with statsmodels, as an analyst would run it.
It checks that the task's R² equals the baseline's, then prints
RESULT name=drivers_task value=<ms> unit=ms baseline=<ms> ratio=<task / OLS>,
and the time of the key drivers page read from the stored result (printed, not a RESULT).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--responses", type=int, default=20_000)
PARSER.add_argument("--repeat", type=int, default=3, help="best of this many runs")

from support.django_setup import database_prepare, django_start  # noqa: E402

# The task runs in this process when queued, as the worker would run it.
ARGS = django_start(
    PARSER,
    TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    STAFF_MFA_REQUIRED="false",
)

import numpy as np  # noqa: E402
import statsmodels.api as sm  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from support.timing import best_of, result_line  # noqa: E402

from cxgov.core.models import Role  # noqa: E402
from cxgov.surveys.models import DriverRun, QuestionKind, Survey  # noqa: E402
from cxgov.surveys.results.queries import ResultFilters  # noqa: E402
from cxgov.surveys.results.selectors import (  # noqa: E402
    answer_matrix,
    driver_questions,
    outcome_questions,
)
from cxgov.surveys.services import (  # noqa: E402
    BulkResponse,
    SubmissionContext,
    question_add,
    response_bulk_create,
    survey_create,
    survey_publish,
)
from cxgov.surveys.tasks import drivers_compute_task  # noqa: E402
from cxgov.testing.factories import (  # noqa: E402
    AgencyFactory,
    MembershipFactory,
    ServiceFactory,
    UserFactory,
    cleared,
)

DRIVERS = 7


def _survey() -> Survey:
    agency = AgencyFactory(slug="bench-drivers", name="Bench Agency")
    service = ServiceFactory(agency=agency, name="Bench service", slug="bench-service")
    survey = survey_create(actor=None, agency=agency, template="blank", services=[service])
    fields = {"kind": QuestionKind.LIKERT, "text_es": "Pregunta."}
    question_add(actor=None, survey=survey, key="trust", text="I trust the agency.", **fields)
    for j in range(DRIVERS):
        question_add(actor=None, survey=survey, key=f"driver_{j}", text=f"Driver {j}.", **fields)
    return survey_publish(actor=None, survey=cleared(survey))


def _load(survey: Survey, n: int) -> None:
    """N responses: 1-5 drivers leaning together, trust mostly from the first three."""
    rng = np.random.default_rng(20261206)
    lean = rng.normal(0, 0.8, n)
    drivers = np.clip(np.rint(rng.normal(3.7, 1.0, (n, DRIVERS)) + lean[:, None]), 1, 5)
    weights = np.array([0.35, 0.25, 0.15, 0.1, 0.05, 0.05, 0.05])
    trust = np.clip(np.rint(drivers @ weights + rng.normal(0, 0.7, n)), 1, 5)
    start = datetime(2026, 1, 5, 12, tzinfo=UTC)
    context = SubmissionContext(service="bench-service")
    for first in range(0, n, 5000):
        rows = [
            BulkResponse(
                answers={"trust": int(trust[i])}
                | {f"driver_{j}": int(drivers[i, j]) for j in range(DRIVERS)},
                submitted_at=start + timedelta(minutes=i),
                submission_id=f"bench-{i}",
                context=context,
            )
            for i in range(first, min(n, first + 5000))
        ]
        response_bulk_create(actor=None, survey=survey, rows=rows)


def _ols_r_squared(matrix: np.ndarray) -> float:
    """The baseline: one statsmodels OLS fit of trust on every driver."""
    y, x = matrix[:, 0], matrix[:, 1:]
    return float(sm.OLS(y, sm.add_constant(x)).fit().rsquared)


def _recompute(survey: Survey) -> DriverRun:
    DriverRun.objects.filter(survey=survey).update(stale=True)
    drivers_compute_task.enqueue(survey_id=survey.pk)
    return DriverRun.objects.get(survey=survey)


def main() -> None:
    database_prepare()
    settings.ALLOWED_HOSTS = ["testserver"]
    survey = _survey()
    _load(survey, ARGS.responses)
    outcome = outcome_questions(survey=survey)[0]
    drivers = driver_questions(survey=survey)
    matrix = answer_matrix(survey=survey, questions=[outcome, *drivers], filters=ResultFilters())
    baseline, r2 = best_of(lambda: _ols_r_squared(matrix), ARGS.repeat)
    task, run = best_of(lambda: _recompute(survey), ARGS.repeat)
    result = run.result or {}
    if result.get("n") != ARGS.responses or not np.isclose(result["r_squared"], r2, atol=1e-9):
        raise SystemExit(f"the task's analysis differs from OLS: {result.get('r_squared')} {r2}")
    print(
        f"drivers: n={result['n']} drivers={len(drivers)} method={result['method']} "
        f"resamples={result['resamples']} seed={result['seed']} R²={result['r_squared']:.4f}"
    )
    print(result_line(name="drivers_task", value=task * 1000, unit="ms", baseline=baseline * 1000))
    settings.DEBUG = False
    analyst = UserFactory(email="analyst@bench.example.gov")
    MembershipFactory(user=analyst, agency=survey.agency, role=Role.CX_ANALYST)
    client = Client()
    client.force_login(analyst)
    url = f"/staff/agencies/{survey.agency.slug}/results/{survey.pk}/drivers/"
    client.get(url)  # the first request compiles templates and loads the URL map
    page, reply = best_of(lambda: client.get(url), ARGS.repeat)
    shown = reply.status_code == 200 and b"Being computed" not in reply.content
    print(
        f"drivers page from the stored result: {page * 1000:.1f} ms (status {reply.status_code}, "
        f"{'figures shown' if shown else 'no figures'})"
    )


if __name__ == "__main__":
    main()
