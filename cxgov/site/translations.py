"""An agency's authored English and Spanish texts as XLIFF units, and an import applied back;
which of them are missing or stale.

The site app assembles the domain apps, so it is the one place that knows every model with a
`<field>_es` twin. Each write goes through `object_update`, audited as `translation.import`.
A Spanish text is stale when its English changed after it was written: saving a record
(`_remember_sources`, connected in `SiteConfig.ready`) keeps the hash of the English each
Spanish was written against (`core.TranslationSource`), and the translations page compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import pre_save

from cxgov.complaints.models import CannedResponse, Category
from cxgov.core.models import Agency, User
from cxgov.core.selectors import translation_sources
from cxgov.core.services import object_update, translation_source_record
from cxgov.core.xliff import (
    Problem,
    Unit,
    source_hash,
    xliff_read,
    xliff_read_units,
    xliff_write,
)
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


BY_MODEL = {kind.model: kind for kind in TRANSLATED}
# The language of the `_es` twins, the only one authored text is translated into so far.
LANGUAGE = "es"


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
    return xliff_write(
        translation_units(agency=agency), file_id=agency.slug, target_language=LANGUAGE
    )


def _apply(*, actor: User | None, agency: Agency, targets: dict[str, str], records: Any) -> int:
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
            # The file's English is the current English (checked): its Spanish is current now,
            # also when it came back unchanged from a vendor who reviewed a stale text.
            translation_source_record(
                agency_id=agency.pk,
                unit=uid,
                language=LANGUAGE,
                source=getattr(record, field),
            )
    return changed


def translations_import(*, actor: User | None, agency: Agency, data: bytes) -> int:
    """Apply a translated XLIFF file (XliffError when any unit is wrong, nothing applied);
    the number of texts whose Spanish changed."""
    records = _records(agency)
    known = {uid: getattr(record, field) for uid, (record, field) in records.items()}
    targets = xliff_read(data, target_language=LANGUAGE, known=known)
    return _apply(actor=actor, agency=agency, targets=targets, records=records)


@dataclass(frozen=True)
class ImportReport:
    """What an upload did: texts whose Spanish changed, units applied, and each unit refused."""

    changed: int
    applied: int
    problems: list[Problem]


def translations_import_sound_units(
    *, actor: User | None, agency: Agency, data: bytes
) -> ImportReport:
    """Apply every sound unit of a translated XLIFF file and report the others, unit by unit
    (the staff page). A problem of the whole file raises XliffError, nothing applied."""
    records = _records(agency)
    known = {uid: getattr(record, field) for uid, (record, field) in records.items()}
    targets, problems = xliff_read_units(data, target_language=LANGUAGE, known=known)
    changed = _apply(actor=actor, agency=agency, targets=targets, records=records)
    return ImportReport(changed=changed, applied=len(targets), problems=problems)


# --- coverage and stale texts ---------------------------------------------------------------

MISSING = "missing"
STALE = "stale"
CURRENT = "current"


@dataclass(frozen=True)
class TextStatus:
    """One authored text and the state of its Spanish."""

    unit: str
    kind: str
    record: str
    field: str
    source: str
    target: str
    state: str


@dataclass(frozen=True)
class Coverage:
    """How much of an agency's authored text one language has."""

    language: str
    total: int
    translated: int
    stale: int

    @property
    def missing(self) -> int:
        return self.total - self.translated

    @property
    def percent(self) -> int:
        """The share translated (stale included: the public page still shows it), rounded down,
        so 100 means every text."""
        return 100 * self.translated // self.total if self.total else 100


def translation_status(*, agency: Agency) -> list[TextStatus]:
    """Every authored text of the agency with the state of its Spanish."""
    hashes = translation_sources(agency=agency, language=LANGUAGE)
    found = []
    for uid, (record, field) in _records(agency).items():
        source = getattr(record, field)
        target = getattr(record, _spanish(field))
        if not target:
            state = MISSING
        elif uid in hashes and hashes[uid] != source_hash(source):
            state = STALE
        else:
            state = CURRENT
        meta = record._meta
        found.append(
            TextStatus(
                unit=uid,
                kind=str(meta.verbose_name),
                record=str(record),
                field=str(getattr(meta.get_field(field), "verbose_name", field)),
                source=source,
                target=target,
                state=state,
            )
        )
    return found


def translation_coverage(*, texts: list[TextStatus]) -> list[Coverage]:
    """Coverage per translated language of the texts `translation_status` gave."""
    return [
        Coverage(
            language=LANGUAGE,
            total=len(texts),
            translated=sum(text.state != MISSING for text in texts),
            stale=sum(text.state == STALE for text in texts),
        )
    ]


def _remember_sources(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Before a record with Spanish twins is saved: a Spanish text written now was written
    against the new English; an English text changed under an unchanged Spanish leaves that
    Spanish stale (its old English is remembered, unless an older one already is)."""
    if kwargs.get("raw") or instance.pk is None:
        return
    kind = BY_MODEL[sender]
    saved = kwargs.get("update_fields")
    fields = [f for f in kind.fields if saved is None or f in saved or _spanish(f) in saved]
    if not fields:
        return
    old = (
        sender._default_manager.filter(pk=instance.pk)
        .values(*fields, *map(_spanish, fields), agency_ref=F(kind.agency_path))
        .first()
    )
    if old is None:
        return
    for field in fields:
        english, spanish = getattr(instance, field), getattr(instance, _spanish(field))
        uid = _unit_id(instance, field)
        if spanish != old[_spanish(field)]:
            translation_source_record(
                agency_id=old["agency_ref"], unit=uid, language=LANGUAGE, source=english
            )
        elif english != old[field] and spanish:
            translation_source_record(
                agency_id=old["agency_ref"],
                unit=uid,
                language=LANGUAGE,
                source=old[field],
                keep=True,
            )


def translation_tracking_connect() -> None:
    """Watch every model with Spanish twins for changed English (`SiteConfig.ready`)."""
    for model in BY_MODEL:
        pre_save.connect(_remember_sources, sender=model, dispatch_uid=f"translations:{model}")
