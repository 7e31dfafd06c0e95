"""The public service performance page from rollups, against its figures from raw answers.

Run: .venv/bin/python bench/service_page.py [--responses 1000000] [--database-url postgres://…]

Without --database-url it uses a scratch SQLite file. It makes N synthetic responses to the
A-11 v1 trust and satisfaction questions of one published survey of one service (channels,
languages and days over the eight quarters the page shows), keeps the answers in memory as a
pandas DataFrame and writes only their rollups (one bincount, then bulk INSERTs). Then, in this
process, it times the whole page (`GET /agencies/<slug>/services/<service>/performance/`:
every query, the figures, the chart and the template) against the baseline: the page's survey
figures (percent agreeing with its Wilson interval and n, per measure and quarter) computed
from the raw answers with vectorized pandas. It checks both give the same figures and prints
one line: RESULT name=service_performance_page value=<page ms> unit=ms baseline=<ms> ratio=<x>.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--responses", type=int, default=1_000_000)
PARSER.add_argument("--repeat", type=int, default=5, help="best of this many runs")

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(PARSER)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from support.rollup_rows import rollups_insert  # noqa: E402

from cxgov.insights.estimates import Z_95  # noqa: E402
from cxgov.insights.measures import TOP_2_BOX  # noqa: E402
from cxgov.registry.models import Service  # noqa: E402
from cxgov.reports.performance import service_performance  # noqa: E402
from cxgov.surveys.models import Survey  # noqa: E402
from cxgov.surveys.selectors import suppression_threshold  # noqa: E402
from cxgov.surveys.services import survey_create, survey_update  # noqa: E402
from cxgov.testing.factories import AgencyFactory, ServiceFactory  # noqa: E402

# The page is read on this day: its latest full quarter is FY2026 Q4 (July-September 2026).
TODAY = date(2026, 11, 2)
FIRST_DAY = np.datetime64("2024-10-01")  # FY2025 Q1, the first of the eight quarters shown
DAYS = 730
CHANNELS = np.array(["website", "phone", "in_person", "email"])
LANGUAGES = np.array(["en", "es"])
MEASURES = ("trust", "satisfaction")
SKIP_SHARE = 0.05


def _survey() -> tuple[Service, Survey, list[int]]:
    agency = AgencyFactory(slug="bench-page", name="Bench Agency")
    service = ServiceFactory(agency=agency, name="Bench service", slug="bench-service")
    survey = survey_create(
        actor=None, agency=agency, template="a11_v1", title="Bench", services=[service]
    )
    survey_update(actor=None, survey=survey, results_public=True)
    questions = [survey.questions.get(key=key).pk for key in MEASURES]
    return service, survey, questions


def _synthesize(n: int) -> dict[str, np.ndarray]:
    """Per-response context and a 1-5 answer (0 = skipped) per measure, rising over time."""
    rng = np.random.default_rng(20261205)
    day = rng.integers(0, DAYS, n, dtype=np.int64)
    lean = rng.normal(0, 0.6, n) + day / DAYS * 0.5
    answers = np.clip(np.rint(rng.normal(3.5, 1.1, (n, len(MEASURES))) + lean[:, None]), 1, 5)
    answers[rng.random((n, len(MEASURES))) < SKIP_SHARE] = 0
    return {
        "channel": rng.choice(len(CHANNELS), n, p=[0.5, 0.25, 0.15, 0.1]).astype(np.int64),
        "language": (rng.random(n) < 0.15).astype(np.int64),
        "day": day,
        "answers": answers.astype(np.int64),
    }


def _write_rollups(
    service: Service, survey: Survey, questions: list[int], data: dict[str, np.ndarray]
) -> int:
    """Aggregate with one bincount per table, then bulk-insert the non-empty cells."""
    n = data["day"].size
    width = len(MEASURES)
    context = (data["day"] * len(CHANNELS) + data["channel"]) * 2 + data["language"]
    contexts = DAYS * len(CHANNELS) * 2
    question = np.broadcast_to(np.arange(width), (n, width))
    value = data["answers"]
    answered = value > 0
    code = (context[:, None] * width + question) * 5 + (value - 1)
    counts = np.bincount(code[answered], minlength=contexts * width * 5)
    cells = np.flatnonzero(counts)
    v = cells % 5 + 1
    q = (cells // 5) % width
    ctx = cells // (5 * width)
    c = counts[cells]
    answer_rows = list(
        zip(
            [survey.pk] * cells.size,
            np.asarray(questions)[q].tolist(),
            (FIRST_DAY + ctx // (2 * len(CHANNELS))).astype(str).tolist(),
            [service.pk] * cells.size,
            CHANNELS[(ctx // 2) % len(CHANNELS)].tolist(),
            LANGUAGES[ctx % 2].tolist(),
            v.astype(str).tolist(),
            c.tolist(),
            (c * v).astype(float).tolist(),
            (c * v * v).astype(float).tolist(),
            strict=True,
        )
    )
    per_context = np.bincount(context, minlength=contexts)
    used = np.flatnonzero(per_context)
    response_rows = list(
        zip(
            [survey.pk] * used.size,
            (FIRST_DAY + used // (2 * len(CHANNELS))).astype(str).tolist(),
            [service.pk] * used.size,
            CHANNELS[(used // 2) % len(CHANNELS)].tolist(),
            LANGUAGES[used % 2].tolist(),
            per_context[used].tolist(),
            strict=True,
        )
    )
    return rollups_insert(answer_rows, response_rows)


def _answers_frame(data: dict[str, np.ndarray]) -> pd.DataFrame:
    """The raw answers in long format, one row per answer given, as the database holds them."""
    n = data["day"].size
    value = data["answers"]
    answered = value > 0
    rows = np.broadcast_to(np.arange(n)[:, None], value.shape)[answered]
    measure = np.broadcast_to(np.arange(len(MEASURES)), value.shape)[answered]
    return pd.DataFrame(
        {
            "measure": pd.Categorical.from_codes(measure, categories=list(MEASURES)),
            "value": value[answered].astype(np.int8),
            "day": FIRST_DAY + data["day"][rows].astype("timedelta64[D]"),
        }
    )


def _pandas_figures(frame: pd.DataFrame, min_n: int) -> dict[tuple[str, str], tuple]:
    """Percent agreeing (4 or 5) with its Wilson interval and n, per measure and fiscal quarter."""
    day = frame["day"].dt
    fiscal_year = day.year + (day.month >= 10)
    quarter = ((day.month - 10) % 12) // 3 + 1
    label = "FY" + fiscal_year.astype(str) + " Q" + quarter.astype(str)
    grouped = frame.assign(agree=frame["value"] >= 4, label=label).groupby(
        ["measure", "label"], observed=True
    )["agree"]
    table = grouped.agg(["sum", "count"])
    n = table["count"].to_numpy(dtype=float)
    share = table["sum"].to_numpy(dtype=float) / n
    z2 = Z_95 * Z_95
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_95 * np.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    figures = {}
    for i, (measure, quarter_label) in enumerate(table.index):
        if n[i] < min_n:
            continue
        figures[(measure, quarter_label)] = (
            TOP_2_BOX.publish(float(share[i])),
            TOP_2_BOX.publish(max(0.0, float(centre[i] - half[i]))),
            TOP_2_BOX.publish(min(1.0, float(centre[i] + half[i]))),
            int(n[i]),
        )
    return figures


def _page_figures(service: Service) -> dict[tuple[str, str], tuple]:
    performance = service_performance(service=service, today=TODAY)
    figures = {}
    for point in performance.trend:
        for measure in MEASURES:
            figure = getattr(point, measure)
            if figure.shown:
                figures[(measure, str(point.quarter))] = (
                    figure.value,
                    figure.low,
                    figure.high,
                    figure.n,
                )
    return figures


def _best(run, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    database_prepare()
    settings.ALLOWED_HOSTS = ["testserver"]
    service, survey, questions = _survey()
    data = _synthesize(ARGS.responses)
    rollups = _write_rollups(service, survey, questions, data)
    frame = _answers_frame(data)
    min_n = suppression_threshold()
    url = f"/agencies/{service.agency.slug}/services/{service.slug}/performance/"
    client = Client()
    with time_machine.travel(TODAY, tick=True):
        page_time, response = _best(lambda: client.get(url), ARGS.repeat)
        if response.status_code != 200:
            raise SystemExit(f"the page answered {response.status_code}")
        page_figures = _page_figures(service)
    baseline_time, baseline_figures = _best(lambda: _pandas_figures(frame, min_n), ARGS.repeat)
    shown = {key: value for key, value in baseline_figures.items() if key in page_figures}
    if shown != page_figures or len(page_figures) != 2 * 8:
        raise SystemExit("the page and the raw answers disagree")
    print(f"responses: {ARGS.responses}, answers: {len(frame)}, rollup rows: {rollups}")
    print(
        f"RESULT name=service_performance_page value={page_time * 1000:.1f} unit=ms "
        f"baseline={baseline_time * 1000:.1f} ratio={page_time / baseline_time:.3f}"
    )


if __name__ == "__main__":
    main()
