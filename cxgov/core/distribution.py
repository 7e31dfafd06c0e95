"""The large tables, and the rule that lets Citus distribute them by agency (docs/scale.md).

Citus requires the distribution column in every unique constraint of a distributed table, so
each model named here has an `agency` column and includes it in each of its unique
constraints and unique fields (the primary key aside). `cxgov/core/tests/test_distribution.py`
checks the rule on every model named; a large model that does not keep it yet is left out and
listed in docs/scale.md.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

DISTRIBUTION_FIELD = "agency"

LARGE_MODELS: tuple[str, ...] = (
    "core.AuditEvent",
    "complaints.Complaint",
    "standards.StandardEvent",
    "standards.DailyRollup",
    "webhooks.Event",
    "surveys.Response",
    "surveys.Submission",
    "surveys.Answer",
    "surveys.AnswerRollup",
    "surveys.ResponseRollup",
    "surveys.AnswerQuarterRollup",
    "surveys.ResponseQuarterRollup",
    "webhooks.Delivery",
    "webhooks.Attempt",
    "complaints.Transition",
    "complaints.Pause",
    "complaints.Note",
    "complaints.Message",
    "complaints.Attachment",
    "complaints.Escalation",
    "complaints.IntakeKey",
)


def large_models() -> list[type[models.Model]]:
    """The models of LARGE_MODELS (by label, so core imports no domain app)."""
    return [apps.get_model(label) for label in LARGE_MODELS]


def unique_sets_without_agency(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The model's unique field sets, other than its primary key, that leave out its agency."""
    sets: list[tuple[str, ...]] = [
        (field.name,)
        for field in model._meta.local_concrete_fields
        if field.unique and not field.primary_key
    ]
    sets += [tuple(fields) for fields in model._meta.unique_together]
    sets += [
        _constraint_columns(constraint)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    ]
    return [fields for fields in sets if DISTRIBUTION_FIELD not in fields]


def _constraint_columns(constraint: models.UniqueConstraint) -> tuple[str, ...]:
    """A unique constraint's fields, or for one on expressions the names of its plain column
    references (`F("agency")`); a column inside a function (`Coalesce("service", 0)`) is shown
    as the expression, since only a bare column can be the distribution column."""
    if constraint.fields:
        return tuple(constraint.fields)
    return tuple(
        expression.name if isinstance(expression, models.F) else repr(expression)
        for expression in constraint.expressions
    )
