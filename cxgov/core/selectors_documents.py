"""Reads every plan document shares (the customer service plan and the annual CX action plan)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from cxgov.core.permissions import Can
from cxgov.core.selectors import AgencyObjectAccess

M = TypeVar("M", bound=Model)


def document_access(model: type[M], *, id_name: str, doc: str) -> AgencyObjectAccess[M]:
    """An `access_<noun>` selector for a plan document: with its agency, for those who may edit
    plans unless `need` says otherwise."""
    return AgencyObjectAccess(
        model._default_manager.select_related("agency"),
        id_name=id_name,
        default_need=Can.EDIT_PLANS,
        doc=doc,
    )
