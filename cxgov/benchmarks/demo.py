"""Demo benchmarks: the published ACSI scores, an own measure and a choice.

The library is the published ACSI file (`data/acsi_published_scores.csv`, a copy of
../shared/data/acsi/acsi_published_scores.csv: 119 federal, department, agency,
e-government, national, sector and industry scores from 1999 to 2024, each with its year and
the source URL it was published at), loaded through the `acsi-published` importer, as
`cxgov import_benchmarks FILE --format acsi-published` loads it. The own measures of the demo
service are invented for the demo.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from cxgov.benchmarks import services
from cxgov.benchmarks.importers import ACSI_SOURCE_KEY, ACSI_WORDING, benchmarks_import
from cxgov.benchmarks.models import Selection, Series
from cxgov.registry.models import Service

ACSI_FILE = Path(__file__).resolve().parent / "data" / "acsi_published_scores.csv"
# The series the demo service chose as best in business, by its key in the ACSI source.
CHOSEN_KEY = "agency|pension benefit guaranty corporation|retirees"

DEMO_SERVICE = ("fba", "apply-for-retirement-benefits")
# Invented own measures of the demo service: ACSI-style index with n and standard error.
DEMO_OWN = [("2023", "70.2", 412, "1.1"), ("2024", "72.5", 530, "0.9")]


@transaction.atomic
def demo_load() -> None:
    """Load the published ACSI library, the demo service's own measures and its choice once."""
    report = benchmarks_import(actor=None, file=ACSI_FILE, format="acsi-published")
    if not report.applied:  # pragma: no cover - the file is part of the repository
        raise ValueError(f"the ACSI file did not load: {report.errors[:3]}")
    chosen = Series.objects.filter(
        source__key=ACSI_SOURCE_KEY, source__agency__isnull=True, key=CHOSEN_KEY
    ).first()
    service = Service.objects.filter(agency__slug=DEMO_SERVICE[0], slug=DEMO_SERVICE[1]).first()
    if service is None:
        return
    for period, value, n, error in DEMO_OWN:
        services.own_measure_record(
            actor=None,
            service=service,
            metric="acsi_index",
            scale="0-100",
            wording=ACSI_WORDING,
            period=period,
            year=int(period),
            value=Decimal(value),
            sample_size=n,
            standard_error=Decimal(error),
            note="Demo figure, invented.",
        )
    if chosen is not None and not Selection.objects.filter(service=service).exists():
        services.selection_save(
            actor=None,
            service=service,
            series=chosen,
            reason=(
                "PBGC serves retirees with a comparable benefit claim and scores highest on the "
                "ACSI among benefit programs; demo choice."
            ),
        )
