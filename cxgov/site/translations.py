"""An agency's authored English and Spanish texts as XLIFF units, and an import applied back.

The site app assembles the domain apps, so it is the one place that knows every model with a
`<field>_es` twin. Each write goes through `object_update`, audited as `translation.import`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction

from cxgov.complaints.models import CannedResponse, Category
from cxgov.core.models import Agency, User
from cxgov.core.services import object_update
from cxgov.core.xliff import Unit, xliff_read, xliff_write
from cxgov.plans.models import PlanSection
from cxgov.registry.models import Service
from cxgov.standards.models import Standard
from cxgov.surveys.models import Question, Survey


@dataclass(frozen=True)
class Translated:
    """A model with Spanish twins: the path from it to its agency and its English fields,
    each with a twin named by `_spanish`."""

    model: type[models.Model]
    agency_path: str
    fields: tuple[str, ...]


TRANSLATED = (
    Translated(Service, "agency", ("name", "description")),
    Translated(Survey, "agency", ("title", "intro", "thank_you")),
    Translated(Question, "survey__agency", ("text", "help_text")),
    Translated(PlanSection, "plan__agency", ("text_en",)),
    Translated(Standard, "agency", ("statement", "how_measured")),
    Translated(CannedResponse, "agency", ("body",)),
    Translated(Category, "agency", ("name",)),
)


def _spanish(field: str) -> str:
    """The Spanish twin of an English field: `name` → `name_es`, `text_en` → `text_es`."""
    return field.removesuffix("_en") + "_es"


def _unit_id(record: models.Model, field: str) -> str:
    return f"{record._meta.label_lower}/{record.pk}/{field}"


def _records(agency: Agency) -> dict[str, tuple[models.Model, str]]:
    """Each unit id of the agency → its record and English field, records with English only."""
    found: dict[str, tuple[models.Model, str]] = {}
    for kind in TRANSLATED:
        for record in kind.model._default_manager.filter(**{kind.agency_path: agency}).order_by(
            "pk"
        ):
            for field in kind.fields:
                if getattr(record, field):
                    found[_unit_id(record, field)] = (record, field)
    return found


def translation_units(*, agency: Agency) -> list[Unit]:
    """The agency's authored texts with their Spanish, one unit per field with English."""
    return [
        Unit(uid, getattr(record, field), getattr(record, _spanish(field)))
        for uid, (record, field) in _records(agency).items()
    ]


def translations_export(*, agency: Agency) -> bytes:
    """The agency's texts as an XLIFF 2.0 file, English source and Spanish target."""
    return xliff_write(translation_units(agency=agency), file_id=agency.slug, target_language="es")


def translations_import(*, actor: User | None, agency: Agency, data: bytes) -> int:
    """Apply a translated XLIFF file (XliffError when any unit is wrong, nothing applied);
    the number of texts whose Spanish changed."""
    records = _records(agency)
    known = {uid: getattr(record, field) for uid, (record, field) in records.items()}
    targets = xliff_read(data, target_language="es", known=known)
    changed = 0
    with transaction.atomic():
        for uid, target in targets.items():
            record, field = records[uid]
            if object_update(
                actor=actor,
                instance=record,
                fields={_spanish(field): target},
                action="translation.import",
                agency=agency,
            ):
                changed += 1
    return changed
