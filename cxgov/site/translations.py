"""An agency's authored texts in every language as XLIFF units, imports and edits applied back;
which of them are missing, machine drafts, reviewed or stale (decisions 0052 and 0062).

The site app assembles the domain apps, so it is the one place that knows every model with
translated fields. Spanish is kept in each field's `<field>_es` column (with its status and the
hash of its English in `core.TranslationSource`); every other language in
`core.AuthoredTranslation`. Each write is audited (`translation.import`, `translation.update`).
A translation is stale when its English changed after it was written: saving a record
(`_remember_sources`, connected in `SiteConfig.ready`) keeps the hash of the English each
Spanish was written against; a table row carries its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import pre_save
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cxgov.actions.models import ActionPlan
from cxgov.complaints.models import CannedResponse, Category
from cxgov.core.i18n import (
    OPTION_PREFIX,
    SOURCE_LANGUAGE,
    SPANISH,
    spanish_field,
    table_fields_register,
)
from cxgov.core.languages import offered_languages
from cxgov.core.models import Agency, TranslationStatus, User
from cxgov.core.selectors import authored_translations, translation_sources
from cxgov.core.services import (
    audit_record,
    authored_translation_save,
    object_update,
    translation_source_record,
)
from cxgov.core.xliff import (
    Problem,
    Target,
    Unit,
    XliffError,
    source_hash,
    xliff_read_segments,
    xliff_write,
)
from cxgov.plans.models import PlanSection
from cxgov.registry.models import Channel, CustomerSegment, Service
from cxgov.reports.models import SurveyReport
from cxgov.standards.models import Standard
from cxgov.surveys.models import Question, Survey


@dataclass(frozen=True)
class Translated:
    """A model with Spanish twins: the path from it to its agency (`SELF` for the agency
    itself) and its English fields, each with a twin named by `_spanish`."""

    model: type[models.Model]
    agency_path: str
    fields: tuple[str, ...]
    # Its `options` JSON holds choices whose labels are texts too (`option:<value>`).
    options: bool = False
    # What staff call it on the translations page, when its model has no name of its own.
    label: Any = None
    # The records its name reads, fetched with it so that listing texts costs one query a kind.
    related: tuple[str, ...] = ()


# The agency path of the agency's own record.
SELF = "pk"

TRANSLATED = (
    Translated(Service, "agency", ("name", "description")),
    Translated(Channel, "service__agency", ("name", "instructions"), label=_lazy("channel")),
    Translated(CustomerSegment, "agency", ("name",), label=_lazy("customer segment")),
    Translated(Survey, "agency", ("title", "intro", "thank_you")),
    Translated(Question, "survey__agency", ("text", "help_text"), options=True),
    Translated(PlanSection, "plan__agency", ("text_en",), related=("plan__agency",)),
    Translated(Standard, "agency", ("statement", "how_measured")),
    Translated(CannedResponse, "agency", ("body",)),
    Translated(Category, "agency", ("name",), related=("parent",)),
    Translated(
        SurveyReport,
        "agency",
        ("what_we_heard", "what_we_changed", "management_and_budget"),
        label=_lazy("survey report"),
        related=("agency",),
    ),
    Translated(
        ActionPlan,
        "agency",
        ("summary_en", "budget_notes_en"),
        label=_lazy("Action plan"),
        related=("agency",),
    ),
    # Last, so the files and pages made before it was translated keep their order.
    Translated(Agency, SELF, ("name", "mission")),
)


BY_MODEL = {kind.model: kind for kind in TRANSLATED}
# Spanish, whose texts stay in the `_es` columns the API and imports read and write.
LANGUAGE = SPANISH
# A choice's label is a text of its question, named by the choice's value.
OPTION_FIELD = OPTION_PREFIX
_spanish = spanish_field


def translation_languages() -> list[str]:
    """Every configured language authored text is translated into: all but English."""
    return [code.lower() for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def translation_languages_offered(*, agency: Agency) -> list[str]:
    """The languages the agency offers (decision 0061) that its texts are translated into: the
    ones its translations page lists."""
    offered = set(offered_languages(agency=agency))
    return [code for code in translation_languages() if code in offered]


def language_name(code: str) -> str:
    """A configured language's name in the page's language (settings.LANGUAGES)."""
    return str(dict(settings.LANGUAGES).get(code, code))


def language_is_rtl(code: str) -> bool:
    """Whether the language is written right to left (Django's language table; a language
    it does not know is taken as left to right)."""
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return False


def _unit_id(record: models.Model, field: str) -> str:
    return f"{record._meta.label_lower}/{record.pk}/{field}"


def _option(record: models.Model, field: str) -> dict[str, Any]:
    value = field.removeprefix(OPTION_FIELD)
    options = getattr(record, "options", None) or []
    return next((o for o in options if str(o.get("value")) == value), {})


def english_text(record: models.Model, field: str) -> str:
    """A text's English: the field, or the label of the option an `option:<value>` names."""
    if field.startswith(OPTION_FIELD):
        return str(_option(record, field).get("label") or "")
    return str(getattr(record, field) or "")


def _spanish_text(record: models.Model, field: str) -> str:
    if field.startswith(OPTION_FIELD):
        return str(_option(record, field).get("label_es") or "")
    return str(getattr(record, _spanish(field)) or "")


def _spanish_write(record: models.Model, field: str, text: str) -> dict[str, Any]:
    """The fields to save so that a text's Spanish is `text`."""
    if not field.startswith(OPTION_FIELD):
        return {_spanish(field): text}
    value = field.removeprefix(OPTION_FIELD)
    options = [
        {**o, "label_es": text} if str(o.get("value")) == value else o
        for o in getattr(record, "options", None) or []
    ]
    return {"options": options}


def text_fields(kind: Translated, record: models.Model) -> list[str]:
    """The texts of one record: its translated fields, then one per option with a label."""
    fields = list(kind.fields)
    if kind.options:
        fields += [
            f"{OPTION_FIELD}{o.get('value')}" for o in getattr(record, "options", None) or []
        ]
    return fields


def field_label(record: models.Model, field: str) -> str:
    """What a text is, for staff: the field's name, or "option “value”"."""
    if field.startswith(OPTION_FIELD):
        return _("option “%(value)s”") % {"value": field.removeprefix(OPTION_FIELD)}
    return str(getattr(record._meta.get_field(field), "verbose_name", field))


def _of_agency(kind: Translated, agency: Agency) -> dict[str, Any]:
    """The filter for a kind's records of the agency (by id for the agency itself)."""
    return {SELF: agency.pk} if kind.agency_path == SELF else {kind.agency_path: agency}


def _records(agency: Agency) -> dict[str, tuple[models.Model, str]]:
    """Each unit id of the agency → its record and English field, records with English only."""
    found: dict[str, tuple[models.Model, str]] = {}
    for kind in TRANSLATED:
        records = kind.model._default_manager.filter(**_of_agency(kind, agency))
        for record in records.select_related(*kind.related).order_by("pk"):
            for field in text_fields(kind, record):
                if english_text(record, field):
                    found[_unit_id(record, field)] = (record, field)
    return found


@dataclass(frozen=True)
class Stored:
    """A text's translation in one language as stored, with the hash of its English (None
    when the Spanish was never edited since it was written, so current)."""

    text: str
    status: str
    source_hash: str | None


def _stored(
    agency: Agency, language: str, records: dict[str, tuple[models.Model, str]]
) -> dict[str, Stored]:
    if language == SPANISH:
        sources = translation_sources(agency=agency, language=language)
        found = {}
        for uid, (record, field) in records.items():
            digest, status = sources.get(uid, (None, TranslationStatus.HUMAN_REVIEWED))
            found[uid] = Stored(_spanish_text(record, field), status, digest)
        return found
    rows = authored_translations(agency=agency, language=language)
    return {uid: Stored(row.text, row.status, row.source_hash) for uid, row in rows.items()}


def translation_units(*, agency: Agency, language: str = SPANISH) -> list[Unit]:
    """The agency's authored texts with their translation into `language`, one unit per
    field with English."""
    records = _records(agency)
    stored = _stored(agency, language, records)
    units = []
    for uid, (record, field) in records.items():
        found = stored.get(uid)
        units.append(
            Unit(uid, english_text(record, field), found.text, found.status)
            if found
            else Unit(uid, english_text(record, field))
        )
    return units


def translations_export(*, agency: Agency, language: str = SPANISH) -> bytes:
    """The agency's texts as an XLIFF 2.0 file, English source and `language` target."""
    return xliff_write(
        translation_units(agency=agency, language=language),
        file_id=agency.slug,
        target_language=language,
    )


def translation_save(
    *,
    actor: User | None,
    agency: Agency,
    record: models.Model,
    field: str,
    language: str,
    text: str,
    status: str,
    action: str,
) -> bool:
    """Write one text's translation made from its current English, in its column (Spanish)
    or the table (other languages); True when its text or status changed."""
    uid = _unit_id(record, field)
    if language != SPANISH:
        return authored_translation_save(
            actor=actor,
            agency=agency,
            record=record,
            field=field,
            source=english_text(record, field),
            language=language,
            text=text,
            status=status,
            action=action,
        )
    _digest, status_before = translation_sources(agency=agency, language=language).get(
        uid, ("", TranslationStatus.HUMAN_REVIEWED)
    )
    changed = object_update(
        actor=actor,
        instance=record,
        fields=_spanish_write(record, field, text),
        action=action,
        agency=agency,
    )
    if text and not changed and status != status_before:
        audit_record(
            actor=actor,
            action=action,
            agency=agency,
            target=record,
            data={"field": field, "language": language, "status": [status_before, status]},
        )
    # The English is the current English (checked): the Spanish is current now, also when
    # it came back unchanged from a vendor who reviewed a stale text.
    translation_source_record(
        agency_id=agency.pk,
        unit=uid,
        language=language,
        source=english_text(record, field),
        status=status,
    )
    return bool(changed) or (bool(text) and status != status_before)


def _apply(
    *,
    actor: User | None,
    agency: Agency,
    language: str,
    targets: dict[str, Target],
    records: Any,
) -> int:
    changed = 0
    with transaction.atomic():
        for uid, target in targets.items():
            record, field = records[uid]
            if translation_save(
                actor=actor,
                agency=agency,
                record=record,
                field=field,
                language=language,
                text=target.text,
                status=target.status,
                action="translation.import",
            ):
                changed += 1
    return changed


def _read(
    agency: Agency, data: bytes
) -> tuple[str, dict[str, Target], list[Problem], dict[str, tuple[models.Model, str]]]:
    records = _records(agency)
    known = {uid: english_text(record, field) for uid, (record, field) in records.items()}
    language, targets, problems = xliff_read_segments(
        data, languages=translation_languages(), known=known
    )
    return language, targets, problems, records


def translations_import(*, actor: User | None, agency: Agency, data: bytes) -> int:
    """Apply a translated XLIFF file into the language its `trgLang` names (XliffError when
    any unit is wrong, nothing applied); the number of texts whose translation changed."""
    language, targets, problems, records = _read(agency, data)
    if problems:
        raise XliffError(problems)
    return _apply(actor=actor, agency=agency, language=language, targets=targets, records=records)


@dataclass(frozen=True)
class ImportReport:
    """What an upload did: its language, texts whose translation changed, units applied, and
    each unit refused."""

    language: str
    changed: int
    applied: int
    problems: list[Problem]


def translations_import_sound_units(
    *, actor: User | None, agency: Agency, data: bytes
) -> ImportReport:
    """Apply every sound unit of a translated XLIFF file and report the others, unit by unit
    (the staff page). A problem of the whole file raises XliffError, nothing applied."""
    language, targets, problems, records = _read(agency, data)
    changed = _apply(
        actor=actor, agency=agency, language=language, targets=targets, records=records
    )
    return ImportReport(language=language, changed=changed, applied=len(targets), problems=problems)


# --- coverage, stale and missing texts ------------------------------------------------------

MISSING = TranslationStatus.MISSING
STALE = TranslationStatus.STALE


@dataclass(frozen=True)
class TextStatus:
    """One authored text and the state of its translation into one language."""

    unit: str
    kind: str
    record: str
    field: str
    source: str
    target: str
    state: str

    @property
    def state_label(self) -> str:
        return str(TranslationStatus(self.state).label)


@dataclass(frozen=True)
class Coverage:
    """How much of an agency's authored text one language has, by state."""

    language: str
    total: int
    machine_draft: int
    reviewed: int
    stale: int

    @property
    def name(self) -> str:
        return language_name(self.language)

    @property
    def translated(self) -> int:
        """Texts with a translation, stale ones included (the public page still shows them)."""
        return self.machine_draft + self.reviewed + self.stale

    @property
    def missing(self) -> int:
        return self.total - self.translated

    @property
    def percent(self) -> int:
        """The share translated, rounded down, so 100 means every text."""
        return 100 * self.translated // self.total if self.total else 100


def _state(source: str, stored: Stored | None) -> str:
    if stored is None or not stored.text:
        return MISSING
    if stored.source_hash is not None and stored.source_hash != source_hash(source):
        return STALE
    return stored.status


def translation_status(*, agency: Agency, language: str = SPANISH) -> list[TextStatus]:
    """Every authored text of the agency with the state of its translation into `language`."""
    return translation_statuses(agency=agency, languages=[language])[language]


def translation_statuses(*, agency: Agency, languages: list[str]) -> dict[str, list[TextStatus]]:
    """`translation_status` for several languages, reading the agency's records once."""
    records = _records(agency)
    return {language: _statuses(agency, language, records) for language in languages}


def _statuses(
    agency: Agency, language: str, records: dict[str, tuple[models.Model, str]]
) -> list[TextStatus]:
    stored = _stored(agency, language, records)
    found = []
    for uid, (record, field) in records.items():
        source = english_text(record, field)
        mine = stored.get(uid)
        kind = BY_MODEL[type(record)]
        found.append(
            TextStatus(
                unit=uid,
                kind=str(kind.label or record._meta.verbose_name),
                record=str(record),
                field=field_label(record, field),
                source=source,
                target=mine.text if mine else "",
                state=_state(source, mine),
            )
        )
    return found


def translation_coverage(*, texts: dict[str, list[TextStatus]]) -> list[Coverage]:
    """Coverage per language of the texts `translation_status` gave for each."""
    return [
        Coverage(
            language=language,
            total=len(found),
            machine_draft=sum(t.state == TranslationStatus.MACHINE_DRAFT for t in found),
            reviewed=sum(t.state == TranslationStatus.HUMAN_REVIEWED for t in found),
            stale=sum(t.state == STALE for t in found),
        )
        for language, found in texts.items()
    ]


def translation_text(*, agency: Agency, unit: str) -> tuple[models.Model, str] | None:
    """The record and English field a unit id of this agency names, or None."""
    try:
        label, pk, field = unit.split("/")
    except ValueError:
        return None
    kind = next((k for k in TRANSLATED if k.model._meta.label_lower == label), None)
    if kind is None or not pk.isdigit():
        return None
    record = kind.model._default_manager.filter(**_of_agency(kind, agency)).filter(pk=pk).first()
    if record is None or field not in text_fields(kind, record):
        return None
    if not english_text(record, field):
        return None
    return record, field


def translation_stored(
    *, agency: Agency, record: models.Model, field: str, language: str
) -> tuple[str, str]:
    """A text's translation and its state in a language (for the edit form)."""
    uid = _unit_id(record, field)
    stored = _stored(agency, language, {uid: (record, field)}).get(uid)
    return (stored.text if stored else ""), _state(english_text(record, field), stored)


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
    """Watch every model with Spanish twins for changed English, and tell the readers which
    fields have other languages in the table (`SiteConfig.ready`)."""
    for kind in TRANSLATED:
        table_fields_register(
            kind.model._meta.label_lower, (*kind.fields, *(("options",) if kind.options else ()))
        )
    for model in BY_MODEL:
        pre_save.connect(_remember_sources, sender=model, dispatch_uid=f"translations:{model}")
