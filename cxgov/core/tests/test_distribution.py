"""The large tables keep the rule that lets Citus distribute them by agency."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Coalesce
from django.test.utils import isolate_apps

from cxgov.core.distribution import (
    DISTRIBUTION_FIELD,
    large_models,
    unique_sets_without_agency,
)


def test_every_large_model_has_an_agency_column():
    for model in large_models():
        field = model._meta.get_field(DISTRIBUTION_FIELD)
        assert isinstance(field, models.ForeignKey), model._meta.label


def test_every_unique_constraint_of_a_large_model_includes_its_agency():
    offending = {
        model._meta.label: unique_sets_without_agency(model)
        for model in large_models()
        if unique_sets_without_agency(model)
    }
    assert offending == {}


@isolate_apps("cxgov.core")
def test_the_rule_catches_a_unique_constraint_without_agency():
    class Keyed(models.Model):
        agency = models.ForeignKey("core.Agency", on_delete=models.CASCADE)
        number = models.CharField(max_length=20, unique=True)
        day = models.DateField()

        class Meta:
            app_label = "core"
            constraints = (
                models.UniqueConstraint(fields=["number", "day"], name="keyed_number_day"),
                models.UniqueConstraint(fields=["agency", "day"], name="keyed_agency_day"),
            )

        def __str__(self) -> str:
            return self.number

    assert unique_sets_without_agency(Keyed) == [("number",), ("number", "day")]


@isolate_apps("cxgov.core")
def test_the_rule_reads_the_columns_of_a_unique_constraint_on_expressions():
    class Counted(models.Model):
        agency = models.ForeignKey("core.Agency", on_delete=models.CASCADE)
        day = models.DateField()
        service = models.IntegerField(null=True)

        class Meta:
            app_label = "core"
            constraints = (
                models.UniqueConstraint(
                    models.F("agency"),
                    models.F("day"),
                    Coalesce("service", 0),
                    name="counted_agency_key",
                ),
                models.UniqueConstraint(
                    models.F("day"), Coalesce("service", 0), name="counted_day_key"
                ),
                models.UniqueConstraint(
                    Coalesce("agency", 0), models.F("day"), name="counted_wrapped_agency_key"
                ),
            )

        def __str__(self) -> str:
            return str(self.day)

    assert [columns[0] for columns in unique_sets_without_agency(Counted)] == [
        "day",
        "Coalesce(F(agency), Value(0))",
    ]
