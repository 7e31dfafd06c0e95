"""The benchmark library: sources, series with comparability metadata, observations per period.

EO 12862 §1(d): "customer service equal to the best in business". A series is one measure of
one organisation (or aggregate) over time; two series can be compared only when their metric,
scale and question wording agree, or an explicit documented conversion links them
(`cxgov.insights.acsi.comparability`).

A source or series with no agency is the shared, published library (read by everyone); one with
an agency belongs to that agency (an upload on its staff page, or its own measures entered by
hand) and is read only through `cxgov.benchmarks.selectors`.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import agency_field, optional_agency_field, optional_link
from cxgov.registry.models import Service


class SourceKind(models.TextChoices):
    ACSI = "acsi", _("American Customer Satisfaction Index")
    PERFORMANCE_GOV = "performance_gov", _("performance.gov A-11 data")
    PEER = "peer", _("Peer agency")
    OWN_HISTORY = "own_history", _("The agency's own measures")
    CUSTOM = "custom", _("Other source")


class Metric(models.TextChoices):
    ACSI_INDEX = "acsi_index", _("ACSI index")
    ACSI_COMPONENT = "acsi_component", _("ACSI component score")
    PERCENT_SATISFIED = "percent_satisfied", _("Percent satisfied")
    PERCENT_AGREE = "percent_agree", _("Percent agree (A-11)")
    A11_POINTS = "a11_points", _("A-11 point scale mean")
    TRUST = "trust", _("Trust")
    NPS = "nps", _("Net Promoter Score")
    STANDARD_ATTAINMENT = "standard_attainment", _("Service-standard attainment")
    TIME_TO_SERVE = "time_to_serve", _("Time to serve")


class Scale(models.TextChoices):
    INDEX_0_100 = "0-100", _("0 to 100 index")
    PERCENT = "percent", _("Percent (0 to 100)")
    PROPORTION = "proportion", _("Proportion (0 to 1)")
    MEAN_1_5 = "1-5", _("Mean of a 1 to 5 scale")
    MEAN_1_7 = "1-7", _("Mean of a 1 to 7 scale")
    MEAN_1_10 = "1-10", _("Mean of a 1 to 10 scale")
    NPS = "-100-100", _("-100 to 100")
    DAYS = "days", _("Days")
    HOURS = "hours", _("Hours")
    MINUTES = "minutes", _("Minutes")


class Sector(models.TextChoices):
    PRIVATE = "private", _("Private sector")
    FEDERAL = "federal", _("Federal government")
    STATE_LOCAL = "state_local", _("State and local government")
    NATIONAL = "national", _("National (all sectors)")


class Source(models.Model):
    """Where benchmark figures come from: a publisher, a data set or the agency itself."""

    agency = optional_agency_field("benchmark_sources")
    kind = models.CharField(_("kind of source"), max_length=20, choices=SourceKind.choices)
    key = models.SlugField(_("key"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("benchmark source")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(agency=None), name="benchmark_source_shared_key"
            ),
            models.UniqueConstraint(fields=["agency", "key"], name="benchmark_source_agency_key"),
        ]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """One measure of one organisation or aggregate over time, with what makes it comparable."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="series")
    agency = optional_agency_field("benchmark_series")
    service = optional_link(
        Service,
        on_delete=models.CASCADE,
        related_name="benchmark_series",
        verbose_name=_("service measured"),
    )
    key = models.CharField(_("key"), max_length=300)
    name = models.CharField(_("name"), max_length=300)
    entity = models.CharField(_("organisation measured"), max_length=300)
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    scale = models.CharField(_("scale"), max_length=20, choices=Scale.choices)
    wording = models.TextField(_("question wording"), blank=True)
    mode = models.CharField(_("survey mode"), max_length=100, blank=True)
    population = models.CharField(_("population"), max_length=300, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    is_aggregate = models.BooleanField(
        _("average across organisations"),
        default=False,
        help_text=_("For example the federal government ACSI, an average of many agencies."),
    )
    url = models.URLField(_("web address"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering: ClassVar = ["sector", "entity", "name"]
        verbose_name = _("benchmark series")
        verbose_name_plural = _("benchmark series")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "key"], name="benchmark_series_source_key"),
        ]

    def __str__(self) -> str:
        return f"{self.entity}: {self.name}"


class Observation(models.Model):
    """The value of a series in one period, with its sample size or standard error when known."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations")
    period = models.CharField(
        _("period"), max_length=20, help_text=_("A year (2024), quarter (2024-Q1) or month.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    standard_error = models.DecimalField(
        _("standard error"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    source_url = models.URLField(_("source web address"), max_length=500, blank=True)
    derived = models.BooleanField(
        _("derived"),
        default=False,
        help_text=_("Computed from other published figures rather than published itself."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering: ClassVar = ["series", "period"]
        verbose_name = _("benchmark observation")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["series", "period"], name="benchmark_observation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.period}: {self.value}"


class Selection(models.Model):
    """A benchmark the agency chose as "best in business" for a service, and why (EO §1(d))."""

    agency = agency_field("benchmark_choices")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="benchmark_choices")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="selections")
    reason = models.TextField(_("why this benchmark"))
    chosen_by = models.CharField(_("chosen by"), max_length=300, blank=True)
    chosen_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["service", "chosen_at"]
        verbose_name = _("best-in-business selection")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["service", "series"], name="benchmark_selection_once"),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.series}"
