"""Service standards (EO 12862 §1(c)): posted promises, the events that measure them, results.

A standard's results come from one `source`: its own event feed (raw events → per-day rollups),
per-period results the agency reports, or (built by other apps) survey rollups and the complaint
lifecycle through the result-provider registry in `cxgov.standards.results`.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.i18n import LocalizedField
from cxgov.core.models import agency_field, optional_link
from cxgov.registry.models import Channel, Service


class StandardKind(models.TextChoices):
    """Kinds of standard, with Canada's codes (TML, ACS, ACY, OTH) and SAT for satisfaction."""

    TIMELINESS = "TML", _("Timeliness")
    ACCESS = "ACS", _("Access")
    ACCURACY = "ACY", _("Accuracy")
    SATISFACTION = "SAT", _("Satisfaction")
    OTHER = "OTH", _("Other")


class ResultSource(models.TextChoices):
    EVENTS = "events", _("Measured from transaction events")
    REPORTED = "reported", _("Results reported by the agency")
    SURVEY = "survey", _("Customer survey results")
    COMPLAINTS = "complaints", _("Complaint handling times")


class ThresholdUnit(models.TextChoices):
    SECONDS = "seconds", _("seconds")
    MINUTES = "minutes", _("minutes")
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    BUSINESS_DAYS = "business_days", _("business days")


class CalendarKind(models.TextChoices):
    ROUND_THE_CLOCK = "24x7", _("Every hour of every day")
    BUSINESS_DAYS = "business_days", _("Business days (Monday to Friday, not federal holidays)")


class ReportingPeriod(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    FISCAL_YEAR = "fiscal_year", _("The agency's fiscal year")


class StandardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    RETIRED = "retired", _("Retired")


def events_version_new() -> str:
    """A fresh `Standard.events_version`."""
    return secrets.token_hex(8)


class Standard(models.Model):
    """A public promise about one service (optionally one channel), and how it is measured."""

    agency = agency_field("standards")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="standards")
    channel = optional_link(Channel, on_delete=models.SET_NULL, related_name="standards")
    channel_code = models.CharField(
        _("channel as published"), max_length=20, blank=True, help_text=_("e.g. TEL, ONL.")
    )
    kind = models.CharField(
        _("type"), max_length=3, choices=StandardKind.choices, default=StandardKind.TIMELINESS
    )
    source = models.CharField(
        _("where results come from"),
        max_length=16,
        choices=ResultSource.choices,
        default=ResultSource.EVENTS,
    )
    statement = models.TextField(_("public statement"))
    statement_es = models.TextField(_("public statement in Spanish"), blank=True)
    how_measured = models.TextField(_("how it is measured"), blank=True)
    how_measured_es = models.TextField(_("how it is measured, in Spanish"), blank=True)
    target = models.DecimalField(
        _("target share"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("The share of transactions that must meet the threshold, e.g. 0.9."),
    )
    threshold = models.FloatField(
        _("threshold"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    threshold_unit = models.CharField(
        _("threshold unit"),
        max_length=16,
        choices=ThresholdUnit.choices,
        default=ThresholdUnit.BUSINESS_DAYS,
    )
    calendar = models.CharField(
        _("calendar"),
        max_length=16,
        choices=CalendarKind.choices,
        default=CalendarKind.BUSINESS_DAYS,
    )
    closure_dates = models.JSONField(
        _("agency closure dates"), default=list, blank=True, help_text=_("ISO dates.")
    )
    business_opens = models.TimeField(_("business hours start"), null=True, blank=True)
    business_closes = models.TimeField(_("business hours end"), null=True, blank=True)
    pause_statuses = models.JSONField(_("statuses that pause the clock"), default=list, blank=True)
    period = models.CharField(
        _("reporting period"),
        max_length=16,
        choices=ReportingPeriod.choices,
        default=ReportingPeriod.MONTH,
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    imported_from = models.CharField(_("imported from"), max_length=40, blank=True)
    source_id = models.CharField(max_length=100, blank=True, db_index=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    results_updated_at = models.DateTimeField(null=True, blank=True)
    # Changed to a new random value whenever the standard's events change: the quantiles kept
    # for it (`ElapsedQuantile`) hold for one value only. Random, not a time or a counter, so
    # two writes in one frozen instant (tests) or after a restore still differ.
    events_version = models.CharField(max_length=32, default=events_version_new, editable=False)

    class Meta:
        ordering: ClassVar = ["service__name", "id"]

    def __str__(self) -> str:
        return self.statement[:120]

    display_statement = LocalizedField("statement")
    display_how_measured = LocalizedField("how_measured")


class StandardVersion(models.Model):
    """The standard as it was before a change, kept so past results can be read against it."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    valid_until = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["standard", "version"], name="standard_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} v{self.version}"


class StandardEvent(models.Model):
    """One raw transaction as received, with what ingestion computed from it (kept for audit)."""

    # No index of its own: both composite indexes below lead with the standard, so they serve
    # every read and cascade by standard, and ingest keeps one index fewer (decision 0072).
    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    # The standard's agency, kept on the row so the table can be distributed by agency
    # (docs/scale.md); reads go through the standard, so no index of its own.
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    event_id = models.CharField(max_length=100)
    channel = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    elapsed = models.FloatField(null=True, blank=True)
    met = models.BooleanField(null=True)
    day = models.DateField()
    bucket = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # No unique key: on PostgreSQL the table is partitioned by the month of `day`, which
        # an event changes when it closes, so a key with the month could not catch a resend.
        # The write path keeps one row per event id instead (`services.events_write`,
        # decision 0073).
        indexes: ClassVar = [
            # Finds the stored rows a resent batch replaces.
            models.Index(fields=["standard", "event_id"], name="event_standard_event_id"),
            # Covers the exact quantiles' reads: one bucket, a span of days, ordered by
            # elapsed time (`selectors.ElapsedQuantiles`), so only that bucket's events are
            # scanned.
            models.Index(
                fields=["standard", "bucket", "day", "elapsed"], name="event_bucket_day_elapsed"
            ),
        ]

    def __str__(self) -> str:
        return self.event_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.agency_id is None:
            self.agency_id = self.standard.agency_id
        super().save(*args, **kwargs)


class DailyRollup(models.Model):
    """A standard's events of one local day: the mergeable counts every result is summed from.

    Closed events count on the day they ended; open ones on the day they started.
    """

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="rollups")
    # As on StandardEvent: the standard's agency, for distribution by agency.
    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    still_open = models.PositiveIntegerField(default=0)
    histogram = models.JSONField(default=list)

    class Meta:
        ordering: ClassVar = ["day"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["standard", "day", "agency"], name="rollup_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.day}: {self.met}/{self.total}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.agency_id is None:
            self.agency_id = self.standard.agency_id
        super().save(*args, **kwargs)


class ReportedResult(models.Model):
    """A period's result entered or imported by an agency without an event feed."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="reported")
    period_start = models.DateField()
    period_end = models.DateField()
    label = models.CharField(max_length=40)
    volume_meeting_target = models.PositiveBigIntegerField(null=True, blank=True)
    total_volume = models.PositiveBigIntegerField(null=True, blank=True)
    # None: judge it from the volumes. `assessed=False`: the source gave no verdict at all.
    target_met = models.BooleanField(null=True)
    assessed = models.BooleanField(default=True)
    comments = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["period_start"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["standard", "period_start"], name="reported_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.label}"


class MissedPeriod(models.Model):
    """A closed period whose result fell short of the target; flagged until acknowledged."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="misses")
    period_start = models.DateField()
    period_end = models.DateField()
    share = models.FloatField()
    n = models.PositiveBigIntegerField()
    notified_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-period_start"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["standard", "period_start"], name="miss_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} missed {self.period_start}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DONE = "done", _("Done")


class EventFileRun(models.Model):
    """An events file split into batches that workers ingest in parallel (`ingest_events
    --batches`); its rollups are rebuilt once, by the worker that finishes the last batch."""

    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="file_runs")
    source = models.CharField(max_length=100, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    header = models.JSONField(default=list, blank=True)
    directory = models.CharField(max_length=500)
    batches = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default="queued")
    rows_read = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.standard_id} {self.source} ({self.batches} batches)"


class EventFileBatch(models.Model):
    """One batch of an `EventFileRun`: the rows whose event ids hash to it, ingested once."""

    run = models.ForeignKey(EventFileRun, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    path = models.CharField(max_length=500)
    rows = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default="queued")
    worker = models.CharField(max_length=200, blank=True)
    accepted = models.PositiveBigIntegerField(default=0)
    replaced = models.PositiveBigIntegerField(default=0)
    rejected = models.PositiveBigIntegerField(default=0)
    # [row, column, reason] of the batch's first bad rows.
    errors = models.JSONField(default=list, blank=True)
    days = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["run", "number"], name="event_batch_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number} {self.status}"


class ElapsedQuantile(models.Model):
    """An exact elapsed-time quantile of a standard's events over a span of days, as computed
    for one `Standard.events_version` (`selectors.ElapsedQuantiles`).

    Reading one takes a query over the events, 10-20 ms at ten million; a page shows dozens.
    Kept here, a page reads all of a standard's at once. Rows of an earlier version are
    never read and go when the events next change (`services._events_changed`).
    """

    agency = models.ForeignKey(
        "core.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The unique key leads with the standard and serves its reads and cascades.
    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    version = models.CharField(max_length=32)
    first = models.DateField()
    last = models.DateField()
    share = models.FloatField()
    # None when the span has no closed event left to read (its months purged).
    value = models.FloatField(null=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["standard", "version", "first", "last", "share", "agency"],
                name="elapsed_quantile_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.first}/{self.last} q{self.share}: {self.value}"
