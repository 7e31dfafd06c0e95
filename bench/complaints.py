"""Complaints classified per second and complaints filed per second, each beside a plain
baseline run in the same process on the same database.

Run: .venv/bin/python bench/complaints.py [--count 500] [--database-url postgres://…/cxgov_complaints]

Without --database-url it uses a scratch SQLite file.
- Classification: `insights.complaint_classifier.suggest` (the stored TF-IDF + linear model,
  plain arrays, one complaint at a time as intake does) against the same training data's
  fitted pipeline's `predict` on the whole batch at once.
- Intake: `services.complaint_create` (tracking number, routing, SLA deadlines on the business
  calendar, the queued category suggestion, transition, audit event, one transaction each)
  against one plain INSERT of the same complaint row per transaction, with no checks
  (`RESULT name=complaint_create`, milliseconds per complaint, target ratio ≤ 5), and against a
  row of one plain `bulk_create` of them all (`complaint_create_vs_bulk_row`, the figure
  reported before decision 0064).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--count", type=int, default=500)
# Complaints per turn when plain INSERTs and complaint_create are timed in turns.
CHUNK = 10

from support.django_setup import database_prepare, django_start  # noqa: E402

ARGS = django_start(PARSER, TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend")

from django.utils import timezone  # noqa: E402

from cxgov.complaints.demo import TAXONOMY, _narrative  # noqa: E402
from cxgov.complaints.models import Category, Complaint  # noqa: E402
from cxgov.complaints.selectors import labelled_complaints  # noqa: E402
from cxgov.complaints.services import (  # noqa: E402
    complaint_classifier_train,
    complaint_create,
    tracking_number_new,
)
from cxgov.insights.complaint_classifier import fit, suggest  # noqa: E402
from cxgov.testing.factories import AgencyFactory  # noqa: E402


def _texts(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs = []
    issues = [
        (issue, templates) for issues in TAXONOMY.values() for issue, templates in issues.items()
    ]
    for _ in range(count):
        issue, templates = rng.choice(issues)
        pairs.append((issue, _narrative(rng, rng.choice(templates))))
    return pairs


def main() -> None:
    database_prepare()
    rng = random.Random(12862)  # noqa: S311 - reproducible test data, not secrets
    agency = AgencyFactory(name="Bench Agency", slug="bench")
    categories = {}
    for product, issues in TAXONOMY.items():
        parent = Category.objects.create(agency=agency, name=product)
        for issue in issues:
            categories[issue] = Category.objects.create(agency=agency, parent=parent, name=issue)
    history = _texts(rng, 300)
    for issue, text in history:
        complaint_create(
            agency=agency, category=categories[issue], what_happened=text, send_acknowledgment=False
        )
    stored = complaint_classifier_train(agency=agency, actor=None)
    model = bytes(stored.model)
    texts = [text for _issue, text in _texts(rng, ARGS.count)]

    pipeline = fit(*labelled_complaints(agency=agency))
    start = time.perf_counter()
    pipeline.predict(texts)
    batch = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        suggest(model, [text])
    single = time.perf_counter() - start

    def row(text: str) -> Complaint:
        return Complaint(
            agency=agency,
            what_happened=text,
            tracking_number=tracking_number_new(),
            received_at=timezone.now(),
        )

    start = time.perf_counter()
    Complaint.objects.bulk_create([row(text) for text in texts])
    bulk = time.perf_counter() - start
    # One plain INSERT per complaint, each its own transaction, as one intake is; taken in turns
    # with complaint_create, a few complaints each, so both see the same load on a shared host.
    plain = full = 0.0
    for first in range(0, len(texts), CHUNK):
        chunk = texts[first : first + CHUNK]
        start = time.perf_counter()
        for text in chunk:
            row(text).save(force_insert=True)
        plain += time.perf_counter() - start
        start = time.perf_counter()
        for text in chunk:
            complaint_create(
                agency=agency,
                what_happened=text,
                contact_email="a@example.com",
                send_acknowledgment=False,
            )
        full += time.perf_counter() - start

    n = len(texts)
    print(
        f"complaints: {n}; classifier v{stored.version}, "
        f"accuracy {stored.accuracy:.3f}, macro F1 {stored.macro_f1:.3f}"
    )
    print(f"classify, batch predict baseline: {n / batch:10.0f} complaints/s")
    print(
        f"classify, suggest one at a time:  {n / single:10.0f} complaints/s"
        f"  ({single / batch:.1f}x the baseline time)"
    )
    print(f"intake, plain bulk_create:        {n / bulk:10.0f} complaints/s")
    print(f"intake, plain INSERT each:        {n / plain:10.0f} complaints/s")
    print(
        f"intake, complaint_create:         {n / full:10.0f} complaints/s"
        f"  ({full / plain:.1f}x a plain INSERT, {full / bulk:.1f}x a bulk_create row)"
    )
    print(
        f"RESULT name=complaint_suggest_one value={n / single:.0f} unit=complaints/s "
        f"baseline={n / batch:.0f} ratio={batch / single:.3f}"
    )
    # Milliseconds per complaint; the ratio is the time against the baseline's (target ≤ 5).
    for name, seconds, baseline in (
        ("complaint_create", full, plain),
        ("complaint_create_vs_bulk_row", full, bulk),
    ):
        print(
            f"RESULT name={name} value={seconds / n * 1000:.3f} unit=ms "
            f"baseline={baseline / n * 1000:.3f} ratio={seconds / baseline:.2f}"
        )


if __name__ == "__main__":
    main()
