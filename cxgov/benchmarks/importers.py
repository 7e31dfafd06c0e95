"""Import benchmark figures from CSV: our cxgov format and the published ACSI scores file.

Parsing checks every row and collects every problem (row, column, reason) before anything is
written; a file with any problem changes nothing. A good file is applied in one transaction
through `cxgov.benchmarks.services`, so each write is audited, and importing it again changes
nothing: series are keyed within their source and observations by series and period.

The cxgov format is documented in docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cxgov.benchmarks import services
from cxgov.benchmarks.models import Metric, Scale, Sector, SourceKind
from cxgov.core.imports import (
    FileRejectedError,
    ImportReport,
    Row,
    RowError,
    Source,
    Table,
    parse_settle,
    read_table,
    shown,
)
from cxgov.core.models import Agency, User

FORMATS = ("cxgov", "acsi-published", "performance-gov")

CXGOV_COLUMNS = (
    "source_key",
    "source_kind",
    "source_name",
    "source_url",
    "series_key",
    "series_name",
    "entity",
    "metric",
    "scale",
    "wording",
    "mode",
    "population",
    "sector",
    "industry",
    "is_aggregate",
    "series_url",
    "period",
    "value",
    "sample_size",
    "standard_error",
    "observation_url",
    "derived",
    "note",
)
CXGOV_REQUIRED = (
    "source_key",
    "source_kind",
    "source_name",
    "series_key",
    "entity",
    "metric",
    "scale",
    "sector",
    "period",
    "value",
)
ACSI_COLUMNS = (
    "scope",
    "entity",
    "segment_or_metric",
    "period",
    "score",
    "scale",
    "derived",
    "source_url",
)

_PERIOD = re.compile(r"^(\d{4})(-(Q[1-4]|0[1-9]|1[0-2]))?$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_URL = URLValidator(schemes=["http", "https"])

# The range a value may take on each scale.
SCALE_RANGES: dict[str, tuple[float, float]] = {
    "0-100": (0, 100),
    "percent": (0, 100),
    "proportion": (0, 1),
    "1-5": (1, 5),
    "1-7": (1, 7),
    "1-10": (1, 10),
    "-100-100": (-100, 100),
    "days": (0, 100_000),
    "hours": (0, 1_000_000),
    "minutes": (0, 10_000_000),
}

ACSI_SOURCE_KEY = "acsi-published"
ACSI_WORDING = (
    "ACSI: overall satisfaction; how well expectations were met; how the service compares "
    "with an ideal (three 1-10 items)"
)
# ACSI component scores (drivers), as the published file names them.
_ACSI_COMPONENT = re.compile(
    r"^(customer service|information|process|website|call center|complaint handling)", re.I
)
_ACSI_SECTORS = {
    "federal_government": ("federal", True),
    "department": ("federal", False),
    "agency": ("federal", False),
    "e_government": ("federal", True),
    "private_sector": ("private", False),
    "national": ("national", True),
}


_LABELS = {
    "sources": _("Sources"),
    "series": _("Series"),
    "observations": _("Observations"),
}


def _report(*, dry_run: bool) -> ImportReport:
    return ImportReport(dry_run=dry_run, kinds=dict(_LABELS))


@dataclass
class Record:
    """One observation with its series and source, parsed and validated."""

    row: int
    source: dict[str, str]
    series: dict[str, Any]
    observation: dict[str, Any]


class _Checker:
    """Typed cells of one row, on top of the shared `Row` (which keeps its problems)."""

    def __init__(self, row: Row) -> None:
        self.source = row
        self.row = row.number
        self.cells = {name: value.strip() for name, value in row.cells.items()}

    @property
    def ok(self) -> bool:
        return self.source.ok

    def fail(self, column: str, reason: str) -> None:
        self.source.fail(column, reason)

    def text(self, column: str, *, limit: int | None = None, required: bool = False) -> str:
        """Free text: longer than a field holds is kept in full in the note, with a warning."""
        value = self.cells.get(column, "").strip()
        if required and not value:
            self.fail(column, gettext("is required"))
        return self.source.fit(column, value, limit=limit)

    def key(self, column: str, *, limit: int, required: bool = False) -> str:
        """An identifier: it must fit its field whole."""
        value = self.cells.get(column, "").strip()
        if required and not value:
            self.fail(column, gettext("is required"))
        elif len(value) > limit:
            self.fail(column, gettext("is longer than %(n)s characters") % {"n": limit})
        return value[:limit]

    def choice(self, column: str, choices: list[str]) -> str:
        value = self.cells.get(column, "").lower()
        if value not in choices:
            self.fail(
                column,
                gettext("%(value)s is not one of: %(choices)s")
                % {"value": shown(value), "choices": ", ".join(choices)},
            )
        return value

    def period(self, column: str) -> tuple[str, int]:
        value = self.cells.get(column, "")
        match = _PERIOD.match(value)
        if not match or not 1900 <= int(match.group(1)) <= 2100:
            self.fail(
                column,
                gettext("%(value)s is not a period like 2024, 2024-Q1 or 2024-06")
                % {"value": shown(value)},
            )
            return "", 0
        return value, int(match.group(1))

    def number(self, column: str, *, required: bool) -> Decimal | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.fail(column, gettext("is required"))
            return None
        try:
            number = Decimal(value.replace(",", "")) if len(value) <= 30 else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(column, gettext("%(value)s is not a number") % {"value": shown(value)})
            return None
        if abs(number) >= Decimal("1e8"):
            self.fail(column, gettext("%(value)s is too large") % {"value": shown(value)})
            return None
        return number.quantize(Decimal("0.0001"))

    def whole(self, column: str) -> int | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            self.fail(
                column,
                gettext("%(value)s is not a whole number of at most 9 digits")
                % {"value": shown(value)},
            )
            return None
        return int(value)

    def flag(self, column: str) -> bool:
        value = self.cells.get(column, "").lower()
        if value in {"", "no", "false", "0", "n"}:
            return False
        if value in {"yes", "true", "1", "y"}:
            return True
        self.fail(column, gettext("%(value)s is not yes or no") % {"value": shown(value)})
        return False

    def url(self, column: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            return ""
        if len(value) > 500:
            self.fail(column, gettext("is longer than %(n)s characters") % {"n": 500})
            return ""
        try:
            _URL(value)
        except ValidationError:
            self.fail(
                column,
                gettext("%(value)s is not a web address starting http:// or https://")
                % {"value": shown(value)},
            )
            return ""
        return value


def _in_range(check: _Checker, column: str, value: Decimal | None, scale: str) -> None:
    if value is None or scale not in SCALE_RANGES:
        return
    low, high = SCALE_RANGES[scale]
    if not low <= float(value) <= high:
        check.fail(
            column,
            gettext("%(value)s is outside the %(scale)s scale (%(low)s to %(high)s)")
            % {"value": value, "scale": scale, "low": f"{low:g}", "high": f"{high:g}"},
        )


def _cxgov_record(check: _Checker) -> Record:
    source_key = check.key("source_key", limit=80, required=True).lower()
    if source_key and not _KEY.match(source_key):
        check.fail("source_key", gettext("use lowercase letters, digits, - and _ only"))
    scale = check.choice("scale", [str(value) for value in Scale.values])
    value = check.number("value", required=True)
    _in_range(check, "value", value, scale)
    standard_error = check.number("standard_error", required=False)
    if standard_error is not None and standard_error < 0:
        check.fail("standard_error", gettext("cannot be negative"))
    period, year = check.period("period")
    entity = check.text("entity", limit=300, required=True)
    series_key = check.key("series_key", limit=300, required=True)
    return Record(
        row=check.row,
        source={
            "key": source_key,
            "kind": check.choice("source_kind", [str(v) for v in SourceKind.values]),
            "name": check.text("source_name", limit=200, required=True),
            "url": check.url("source_url"),
        },
        series={
            "key": series_key,
            "name": check.text("series_name", limit=300) or series_key[:300],
            "entity": entity,
            "metric": check.choice("metric", [str(v) for v in Metric.values]),
            "scale": scale,
            "wording": check.text("wording"),
            "mode": check.text("mode", limit=100),
            "population": check.text("population", limit=300),
            "sector": check.choice("sector", [str(v) for v in Sector.values]),
            "industry": check.text("industry", limit=200),
            "is_aggregate": check.flag("is_aggregate"),
            "url": check.url("series_url"),
        },
        observation={
            "period": period,
            "year": year,
            "value": value,
            "sample_size": check.whole("sample_size"),
            "standard_error": standard_error,
            "source_url": check.url("observation_url"),
            "derived": check.flag("derived"),
            "note": check.text("note"),
        },
    )


def acsi_metric(segment: str) -> tuple[str, str, str]:
    """(metric, wording, population) of a row of the published ACSI file."""
    text = segment.strip()
    if "trust" in text.lower():
        return "trust", text, ""
    if _ACSI_COMPONENT.match(text):
        return "acsi_component", text, ""
    population = "" if text.upper().startswith("ACSI") else text
    return "acsi_index", ACSI_WORDING, population


def _acsi_record(check: _Checker) -> Record:
    scope = check.choice("scope", sorted(_ACSI_SECTORS))
    entity = check.text("entity", limit=300, required=True)
    segment = check.text("segment_or_metric", limit=300, required=True)
    if check.cells.get("scale", "") != "0-100":
        check.fail(
            "scale",
            gettext("%(value)s is not 0-100") % {"value": shown(check.cells.get("scale", ""))},
        )
    value = check.number("score", required=True)
    _in_range(check, "score", value, "0-100")
    period, year = check.period("period")
    url = check.url("source_url")
    if not url and check.ok:
        check.fail("source_url", gettext("is required: every published figure keeps its source"))
    sector, aggregate = _ACSI_SECTORS.get(scope, ("federal", False))
    metric, wording, population = acsi_metric(segment)
    key = f"{scope}|{entity}|{segment}".lower()[:300]
    return Record(
        row=check.row,
        source={
            "key": ACSI_SOURCE_KEY,
            "kind": "acsi",
            "name": "American Customer Satisfaction Index (published scores)",
            "url": "https://www.theacsi.org/",
        },
        series={
            "key": key,
            "name": segment,
            "entity": entity,
            "metric": metric,
            "scale": "0-100",
            "wording": wording,
            "mode": "",
            "population": population[:300],
            "sector": sector,
            "industry": entity[:200] if scope == "private_sector" else "",
            "is_aggregate": aggregate,
            "url": "",
        },
        observation={
            "period": period,
            "year": year,
            "value": value,
            "sample_size": None,
            "standard_error": None,
            "source_url": url,
            "derived": check.flag("derived"),
            "note": check.text("source_note"),
        },
    )


PERFORMANCE_GOV_COLUMNS = (
    "attributes_organization_name",
    "attributes_service_provider_name",
    "attributes_collection_year",
    "attributes_collection_quarter",
    "attributes_service_provided",
    "attributes_channel",
)
PERFORMANCE_GOV_URL = "https://github.com/GSA/HISP-CX-Data"
_QUESTIONS = range(1, 12)


def _likert_counts(check: _Checker, prefix: str) -> list[int] | None:
    counts = []
    for level in range(1, 6):
        column = f"{prefix}_{level}"
        raw = check.cells.get(column, "") or "0"
        try:
            number = Decimal(raw) if len(raw) <= 20 else None
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number < 0 or number != number.to_integral():
            check.fail(column, gettext("%(value)s is not a count") % {"value": shown(raw)})
            return None
        counts.append(int(number))
    return counts


def _performance_gov_records(check: _Checker) -> list[Record]:
    """One row of performance.gov A-11 quarterly data: per question, mean points and % agree.

    The point-scale mean is the published figure; its standard error comes from the counts.
    Percent agree (4 or 5 of 5) is computed from the counts, so it is marked derived.
    """
    organisation = check.text("attributes_organization_name", limit=300, required=True)
    provider = check.text("attributes_service_provider_name", limit=300, required=True)
    service = check.text("attributes_service_provided", limit=300)
    point = check.text("attributes_transaction_point", limit=300)
    channel = check.text("attributes_channel", limit=100)
    year_text = check.cells.get("attributes_collection_year", "")
    quarter = check.cells.get("attributes_collection_quarter", "")
    if not (
        year_text.isascii()
        and year_text.isdigit()
        and len(year_text) == 4
        and 1900 <= int(year_text) <= 2100
    ):
        check.fail("attributes_collection_year", gettext("is not a year"))
    if quarter not in {"1", "2", "3", "4"}:
        check.fail("attributes_collection_quarter", gettext("is not a quarter from 1 to 4"))
    if not check.ok:
        return []
    year = int(year_text)
    period = f"{year}-Q{quarter}"
    records = []
    bases: set[str] = set()
    for number in _QUESTIONS:
        prefix = f"attributes_q{number}"
        wording = check.text(f"{prefix}_text")
        counts = _likert_counts(check, prefix)
        if not wording or counts is None or sum(counts) == 0:
            continue
        n = sum(counts)
        if n > 999_999_999:
            check.fail(f"{prefix}_1", gettext("the counts add up to more than 999,999,999"))
            continue
        mean = check.number(f"{prefix}_point_scale", required=False)
        _in_range(check, f"{prefix}_point_scale", mean, "1-5")
        computed = sum(level * count for level, count in enumerate(counts, start=1)) / n
        variance = sum(
            count * (level - computed) ** 2 for level, count in enumerate(counts, start=1)
        )
        error = Decimal(str(round((variance / max(n - 1, 1)) ** 0.5 / n**0.5, 4)))
        agree = Decimal(str(round((counts[3] + counts[4]) / n * 100, 3)))
        base = f"{organisation}|{provider}|{service}|{point}|{channel}|{wording_hash(wording)}"
        if base in bases:
            # The same question asked twice in one survey: tell them apart by position.
            base = f"{base}|q{number}"
        bases.add(base)
        series = {
            "entity": provider,
            "wording": wording,
            "mode": channel,
            "population": service,
            "sector": "federal",
            "industry": "",
            "is_aggregate": False,
            "url": "",
        }
        source = {
            "key": "performance-gov",
            "kind": "performance_gov",
            "name": "performance.gov A-11 Section 280 quarterly CX data",
            "url": PERFORMANCE_GOV_URL,
        }
        observation = {
            "period": period,
            "year": year,
            "sample_size": n,
            "source_url": PERFORMANCE_GOV_URL,
            "note": f"{organisation}; {point}".strip("; ")[:2000],
        }
        if mean is not None:
            records.append(
                Record(
                    check.row,
                    source,
                    {
                        **series,
                        "key": f"{provider[:200]}|{wording_hash(base)}|points",
                        "name": f"{service}: {wording}"[:300],
                        "metric": "a11_points",
                        "scale": "1-5",
                    },
                    {**observation, "value": mean, "standard_error": error, "derived": False},
                )
            )
        records.append(
            Record(
                check.row,
                source,
                {
                    **series,
                    "key": f"{provider[:200]}|{wording_hash(base)}|agree",
                    "name": f"{service}: {wording}"[:300],
                    "metric": "percent_agree",
                    "scale": "percent",
                },
                {**observation, "value": agree, "standard_error": None, "derived": True},
            )
        )
    return records


def wording_hash(wording: str) -> str:
    """A short stable key for a question's wording (case and spacing ignored)."""
    return hashlib.sha256(" ".join(wording.casefold().split()).encode()).hexdigest()[:16]


_PARSERS: dict[str, tuple[tuple[str, ...], Callable[[_Checker], Record | list[Record]]]] = {
    "cxgov": (CXGOV_REQUIRED, _cxgov_record),
    "acsi-published": (ACSI_COLUMNS, _acsi_record),
    "performance-gov": (PERFORMANCE_GOV_COLUMNS, _performance_gov_records),
}


def benchmarks_parse(table: Table, *, format: str) -> list[Record]:
    """Every usable row of the table as records; problems stay on the rows."""
    _required, parse = _PARSERS[format]
    records = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        check = _Checker(row)
        parsed = parse(check) if row.ok else []
        if not check.ok:
            continue
        for record in parsed if isinstance(parsed, list) else [parsed]:
            if row.kept:
                kept = "\n".join(f"{column}: {text}" for column, text in row.kept.items())
                note = record.observation.get("note", "")
                record.observation["note"] = f"{note}\n\n{kept}".strip()
            identity = (record.source["key"], record.series["key"], record.observation["period"])
            if identity in seen:
                check.fail(
                    "period",
                    gettext("the same series and period are already on row %(row)s")
                    % {"row": seen[identity]},
                )
                continue
            seen[identity] = row.number
            records.append(record)
    return records


def benchmarks_import(
    *,
    actor: User | None,
    file: Source,
    format: str,
    agency: Agency | None = None,
    dry_run: bool = False,
    keep_valid: bool = False,
) -> ImportReport:
    """Parse a file, then (unless any row is bad) apply it all in one transaction.

    With `agency` the figures belong to that agency's library; without, to the shared one.
    `keep_valid` imports the good rows and offers the bad ones as a CSV with their reasons.
    """
    report = _report(dry_run=dry_run)
    if format not in _PARSERS:
        return report.fail(
            RowError(
                0, "format", gettext("%(value)s is not a known format") % {"value": shown(format)}
            )
        )
    try:
        table = read_table(file, required=_PARSERS[format][0])
    except FileRejectedError as exc:
        return report.fail(exc.error)
    records = benchmarks_parse(table, format=format)
    if not parse_settle(report=report, table=table, keep_valid=keep_valid):
        return report
    bad = {row.number for row in table.rows if not row.ok}
    records = [record for record in records if record.row not in bad]
    try:
        with transaction.atomic():
            _apply(records, actor=actor, agency=agency, report=report)
            if dry_run:
                transaction.set_rollback(True)
    except _ConflictError as error:
        report.errors.append(RowError(error.row, error.column, error.reason))
        report.rejected = True
        report.clear_tallies()
        return report
    report.applied = not dry_run
    return report


class _ConflictError(Exception):
    def __init__(self, row: int, column: str, reason: str) -> None:
        super().__init__(reason)
        self.row, self.column, self.reason = row, column, reason


def _apply(
    records: list[Record], *, actor: User | None, agency: Agency | None, report: ImportReport
) -> None:
    sources: dict[str, Any] = {}
    series_by_key: dict[tuple[str, str], Any] = {}
    for record in records:
        key = record.source["key"]
        if key not in sources:
            source, outcome = services.source_ensure(actor=actor, agency=agency, **record.source)
            sources[key] = source
            report.count("sources", outcome)
        source = sources[key]
        if source.kind == "own_history" and agency is None:
            raise _ConflictError(
                record.row, "source_kind", gettext("own measures belong to an agency")
            )
        series_key = (key, record.series["key"])
        if series_key not in series_by_key:
            series, outcome = services.series_ensure(actor=actor, source=source, **record.series)
            series_by_key[series_key] = series
            report.count("series", outcome)
        _, outcome = services.observation_record(
            actor=actor, series=series_by_key[series_key], **record.observation
        )
        report.count("observations", outcome)
