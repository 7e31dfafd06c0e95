"""Action plans: work items with an owner and a due date, linked to the evidence that prompted them.

A link (`ActionSource`) keeps a human label and a snapshot of what it pointed at (ids of the
standard and period, the survey and question, the theme's terms), so it still reads right when
a theme is recomputed or a period's figures change.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import DocumentStatus, actor_field, agency_field, optional_link


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


class SourceKind(models.TextChoices):
    DRIVER_GAP = "driver_gap", _("Driver gap")
    MISSED_STANDARD = "missed_standard", _("Missed standard")
    COMPLAINT_THEME = "complaint_theme", _("Complaint theme")
    EMPLOYEE_THEME = "employee_theme", _("Employee barrier")
    EMPLOYEE_IDEA = "employee_idea", _("Employee idea")
    OTHER = "other", _("Other")


# Kinds that came from front-line employees: they may see the actions their answers prompted.
EMPLOYEE_KINDS = (SourceKind.EMPLOYEE_THEME, SourceKind.EMPLOYEE_IDEA)


class ActionItem(models.Model):
    """One thing an agency will do, who owns it, and by when."""

    agency = agency_field("action_items")
    service = optional_link(
        "registry.Service",
        on_delete=models.SET_NULL,
        related_name="action_items",
        verbose_name=_("service"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what will be done"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = actor_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["due_date", "id"]
        indexes: ClassVar = [models.Index(fields=["agency", "status", "due_date"])]
        constraints: ClassVar = [
            # Closed exactly when done or dropped, so "open" counts never disagree with closed_at.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["done", "dropped"], closed_at__isnull=False)
                    | Q(status__in=["open", "in_progress"], closed_at__isnull=True)
                ),
                name="action_closed_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        """Still open after its due date."""
        return self.is_open and self.due_date < (today or timezone.localdate())


class ActionSource(models.Model):
    """What prompted an action: a kind, a human label and a snapshot reference."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(_("prompted by"), max_length=20, choices=SourceKind.choices)
    label = models.CharField(_("label"), max_length=300)
    # Ids and figures as they were when the link was made, e.g. {"standard_id": 3,
    # "period_start": "2026-07-01", "share": 0.71, "n": 412}.
    reference = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.label}"


ACTION_PLAN_TEXT_MAX_LENGTH = 20_000


class ActionPlan(models.Model):
    """An agency's annual CX action plan (OMB Circular A-11 section 280) for one fiscal year:
    its own words in English and Spanish, and the action items staff chose for it.

    Publishing (a step of its review, `core.approvals`) freezes the plan's text and items into
    `snapshot`, which is all the public page and the PDF read.
    """

    agency = agency_field("action_plans")
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    summary_en = models.TextField(
        _("summary in English"), blank=True, max_length=ACTION_PLAN_TEXT_MAX_LENGTH
    )
    summary_es = models.TextField(
        _("summary in Spanish"), blank=True, max_length=ACTION_PLAN_TEXT_MAX_LENGTH
    )
    budget_notes_en = models.TextField(
        _("budget notes in English"), blank=True, max_length=ACTION_PLAN_TEXT_MAX_LENGTH
    )
    budget_notes_es = models.TextField(
        _("budget notes in Spanish"), blank=True, max_length=ACTION_PLAN_TEXT_MAX_LENGTH
    )
    # The action items the plan tells the public about: chosen by staff, never all of them.
    items = models.ManyToManyField(
        ActionItem, blank=True, related_name="action_plans", verbose_name=_("action items")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
    )
    # What the public reads: the text and items as they were when last published.
    snapshot = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = actor_field()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[models.Manager[ActionPlan]] = models.Manager()

    class Meta:
        ordering: ClassVar = ["-fiscal_year"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "fiscal_year"], name="action_plan_one_per_agency_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} CX action plan FY{self.fiscal_year}"
