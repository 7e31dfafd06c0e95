"""Every write to maturity assessments: saving one year's answers, audited in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from cxgov.core.models import Agency, User
from cxgov.core.services import audit_record
from cxgov.maturity.bank import HIGHEST, LOWEST, STATEMENTS
from cxgov.maturity.models import FIRST_YEAR, LAST_YEAR, Answer, Assessment

URL_LIMIT = 500
NOTE_LIMIT = 2000
_URL = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class AnswerInput:
    """What a member gave one statement: a score (None: not scored yet), a link and a note."""

    score: int | None = None
    evidence_url: str = ""
    note: str = ""


def field_key(statement: str, part: str) -> str:
    """The form field (and error key) of one part of a statement's answer: score, url, note."""
    return f"{statement.replace('.', '_')}_{part}"


def _answer_errors(statement: str, given: AnswerInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if given.score is not None and not LOWEST <= given.score <= HIGHEST:
        errors[field_key(statement, "score")] = _(
            "Give a score from %(low)s to %(high)s, or leave it empty."
        ) % {"low": LOWEST, "high": HIGHEST}
    url = given.evidence_url.strip()
    if len(url) > URL_LIMIT:
        errors[field_key(statement, "url")] = _(
            "Keep the evidence link to %(limit)s characters."
        ) % {"limit": URL_LIMIT}
    elif url:
        try:
            _URL(url)
        except ValidationError:
            errors[field_key(statement, "url")] = _(
                "Give the evidence as a web address starting with https:// or http://."
            )
    if len(given.note) > NOTE_LIMIT:
        errors[field_key(statement, "note")] = _(
            "Keep the evidence note to %(limit)s characters (it has %(count)s)."
        ) % {"limit": NOTE_LIMIT, "count": len(given.note)}
    return errors


@transaction.atomic
def assessment_save(
    *,
    actor: User | None,
    agency: Agency,
    fiscal_year: int,
    answers: Mapping[str, AnswerInput],
) -> Assessment:
    """Store the agency's answers for `fiscal_year`, creating its assessment the first time.

    Statements left out keep their stored answer. Every problem is named by its field; nothing
    is stored when any answer is refused. The audit event lists the changed scores.
    """
    errors: dict[str, str] = {}
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        errors["fiscal_year"] = _("Choose a fiscal year from %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    for statement, given in answers.items():
        if statement not in STATEMENTS:
            errors[statement] = _("Unknown statement: %(key)s.") % {"key": statement[:40]}
            continue
        errors.update(_answer_errors(statement, given))
    if errors:
        raise ValidationError(errors)
    assessment, created = Assessment.objects.select_for_update().get_or_create(
        agency=agency, fiscal_year=fiscal_year, defaults={"updated_by": actor}
    )
    stored = {answer.statement: answer for answer in assessment.answers.all()}
    changed: dict[str, list[int | None]] = {}
    for statement, given in answers.items():
        values = {
            "score": given.score,
            "evidence_url": given.evidence_url.strip(),
            "note": given.note.strip(),
        }
        answer = stored.get(statement)
        if answer is None:
            Answer.objects.create(assessment=assessment, statement=statement, **values)
            if given.score is not None:
                changed[statement] = [None, given.score]
            continue
        before = answer.score
        if any(getattr(answer, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(answer, name, value)
            answer.save()
            if before != given.score:
                changed[statement] = [before, given.score]
    if not created:
        assessment.updated_by = actor if actor is not None and actor.pk else None
        assessment.save(update_fields=["updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="maturity.assessment_created" if created else "maturity.assessment_saved",
        agency=agency,
        target=assessment,
        data={"fiscal_year": fiscal_year, "scores": changed},
    )
    return assessment
