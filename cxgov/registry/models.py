"""The service inventory: agencies and the services they give the public (EO 12862 §1(a))."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A public agency, optionally part of a parent department."""

    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    slug = models.SlugField(_("short name in web addresses"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    website = models.URLField(_("website"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    mission_es = models.TextField(_("mission in Spanish"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")
    source_id = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language, falling back to English."""
        if get_language() == "es" and self.name_es:
            return self.name_es
        return self.name

    @property
    def display_mission(self) -> str:
        if get_language() == "es" and self.mission_es:
            return self.mission_es
        return self.mission


class ServiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Service(models.Model):
    """A service an agency gives the public, such as "Apply for a passport"."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=300)
    name_es = models.CharField(_("name in Spanish"), max_length=300, blank=True)
    slug = models.SlugField(_("short name in web addresses"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    kind = models.CharField(_("kind of service"), max_length=100, blank=True)
    is_hisp = models.BooleanField(_("high-impact service (HISP)"), default=False)
    designated_for_improvement = models.BooleanField(_("designated for improvement"), default=False)
    customers_description = models.TextField(_("who its customers are"), blank=True)
    estimated_annual_customers = models.PositiveBigIntegerField(
        _("estimated customers a year"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.DRAFT
    )
    source_id = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar = ["agency__name", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "slug"], name="service_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if get_language() == "es" and self.name_es:
            return self.name_es
        return self.name

    @property
    def display_description(self) -> str:
        if get_language() == "es" and self.description_es:
            return self.description_es
        return self.description
