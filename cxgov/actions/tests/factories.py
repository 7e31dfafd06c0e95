"""Factories for action plan tests."""

from __future__ import annotations

from datetime import date

import factory

from cxgov.actions.models import ActionItem, ActionSource, SourceKind
from cxgov.testing.factories import AgencyFactory, UserFactory


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = date(2026, 12, 31)


class ActionSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionSource

    action = factory.SubFactory(ActionItemFactory)
    kind = SourceKind.OTHER
    label = factory.Sequence(lambda n: f"Reason {n}")
