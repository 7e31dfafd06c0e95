"""Demo standards for the demo agency "fba", fed with six months of generated events.

The events are deterministic (a fixed random seed) and go through the real ingestion path.
One month of each timeliness standard is generated slow, so the pages show a missed period.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import polars as pl

from cxgov.core.models import Agency
from cxgov.core.selectors import agency_calendar
from cxgov.registry.models import ChannelKind, Service
from cxgov.standards import services
from cxgov.standards.ingest import events_parse
from cxgov.standards.models import Standard

MONTHS = 6
EVENTS_PER_MONTH = 250
SEED = 12862

# service name, statement (EN, ES), how measured (EN, ES), fields, typical minutes per event
STANDARDS: list[dict[str, Any]] = [
    {
        "service": "Apply for retirement benefits",
        "source_id": "demo-retirement-decision",
        "statement": "We decide 80% of retirement applications within 30 business days.",
        "statement_es": "Decidimos el 80 % de las solicitudes de jubilación en 30 días hábiles.",
        "how_measured": (
            "From the day we receive a complete application to the day we send the decision. "
            "Weekends, federal holidays and days we wait for documents from you do not count."
        ),
        "how_measured_es": (
            "Desde el día en que recibimos una solicitud completa hasta el día en que enviamos "
            "la decisión. No cuentan los fines de semana, los días feriados federales ni los días "
            "en que esperamos documentos de usted."
        ),
        "fields": {
            "target": "0.8000",
            "threshold": 30,
            "threshold_unit": "business_days",
            "calendar": "business_days",
            "pause_statuses": ["waiting_on_customer"],
        },
        "typical_days": 15.0,
    },
    {
        "service": "Apply for retirement benefits",
        "channel": ChannelKind.PHONE,
        "source_id": "demo-retirement-calls",
        "statement": "We answer 90% of calls within 3 minutes.",
        "statement_es": "Contestamos el 90 % de las llamadas en 3 minutos.",
        "how_measured": "From the moment you choose to speak with a person to when one answers.",
        "how_measured_es": (
            "Desde que usted elige hablar con una persona hasta que una le contesta."
        ),
        "fields": {
            "target": "0.9000",
            "threshold": 3,
            "threshold_unit": "minutes",
            "calendar": "24x7",
        },
        "typical_days": 1.2 / (24 * 60),
    },
    {
        "service": "Replace a benefits card",
        "source_id": "demo-card-mailing",
        "statement": "We mail 95% of replacement cards within 10 business days.",
        "statement_es": (
            "Enviamos por correo el 95 % de las tarjetas de reemplazo en 10 días hábiles."
        ),
        "how_measured": "From the day you ask for a new card to the day we mail it.",
        "how_measured_es": (
            "Desde el día en que pide una tarjeta nueva hasta el día en que la enviamos."
        ),
        "fields": {
            "target": "0.9500",
            "threshold": 10,
            "threshold_unit": "business_days",
            "calendar": "business_days",
            "period": "quarter",
        },
        "typical_days": 4.0,
    },
]


def _month_starts(today: date) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        starts.append(date(year, month, 1))
    return list(reversed(starts))


def _events(spec: dict[str, Any], today: date, rng: np.random.Generator) -> pl.DataFrame:
    """Events of six months; the third month runs about twice as slow as the others."""
    ids: list[str] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    for index, first in enumerate(_month_starts(today)):
        opening = datetime(first.year, first.month, 1, 13, tzinfo=UTC).timestamp()
        begin = opening + rng.uniform(0, 27 * 86400, EVENTS_PER_MONTH)
        slow = 2.1 if index == 2 else 1.0
        # Calendar time is about 1.45 times business time (weekends and holidays).
        scale = spec["typical_days"] * slow * (1.45 if spec["fields"]["calendar"] != "24x7" else 1)
        length = rng.gamma(4.0, scale / 4.0, EVENTS_PER_MONTH) * 86400
        finish = begin + length
        # The newest work is partly still open.
        finish[(index == MONTHS - 1) & (rng.uniform(size=EVENTS_PER_MONTH) < 0.1)] = np.nan
        ids.extend(f"{spec['source_id']}-{index}-{n}" for n in range(EVENTS_PER_MONTH))
        starts.append(begin)
        ends.append(finish)
    start = np.concatenate(starts)
    end = np.concatenate(ends)
    end = np.where(end > datetime.now(UTC).timestamp(), np.nan, end)
    return pl.DataFrame(
        {
            "id": ids,
            "start": pl.Series((start * 1e6).astype(np.int64)).cast(pl.Datetime("us", "UTC")),
            "end": pl.Series((np.nan_to_num(end) * 1e6).astype(np.int64))
            .cast(pl.Datetime("us", "UTC"))
            .scatter(np.flatnonzero(np.isnan(end)), None),
        }
    )


def demo_load(*, today: date | None = None) -> list[Standard]:
    """Create the demo standards and their events once; running again changes nothing."""
    agency = Agency.objects.filter(slug="fba").first()
    if agency is None:
        return []
    today = today or agency_calendar(agency=agency).today()
    rng = np.random.default_rng(SEED)
    created = []
    for spec in STANDARDS:
        if Standard.objects.filter(agency=agency, source_id=spec["source_id"]).exists():
            continue
        service = Service.objects.filter(agency=agency, name=spec["service"]).first()
        if service is None:
            continue
        channel = (
            service.channels.filter(kind=spec["channel"]).first() if "channel" in spec else None
        )
        standard = services.standard_create(
            actor=None,
            service=service,
            channel=channel,
            statement=spec["statement"],
            statement_es=spec["statement_es"],
            how_measured=spec["how_measured"],
            how_measured_es=spec["how_measured_es"],
            source_id=spec["source_id"],
            **spec["fields"],
        )
        services.standard_post(actor=None, standard=standard)
        batch = events_parse(_events(spec, today, rng), standard=standard)
        services.events_ingest(actor=None, standard=standard, batch=batch, source="demo")
        created.append(standard)
    return created
