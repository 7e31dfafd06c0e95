"""Every write to surveys: definitions, the builder, invitations and the one intake path.

`response_submit` is behind every channel (page, widget, email link, QR code, API); bulk loads
go through `response_bulk_create`, which applies the same checks and leaves one audit event.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, Max, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cxgov.core.approvals import status_approval_state
from cxgov.core.bulk import planner_statistics_refresh
from cxgov.core.imports import (
    CREATED,
    UNCHANGED,
    FileRejectedError,
    ImportReport,
    Row,
    RowError,
    Source,
    parse_settle,
    read_table,
    rows_keep_first,
    shown,
)
from cxgov.core.languages import offered_languages
from cxgov.core.models import Agency, Membership, User
from cxgov.core.permissions import Can, roles_with
from cxgov.core.ratelimit import RateLimited, rate_check
from cxgov.core.services import (
    audit_record,
    months_purge,
    object_create,
    object_update,
    position_move,
    related_replace,
    status_change,
)
from cxgov.core.signals import send_after_commit
from cxgov.core.tasks import email_send, task_enqueue_with_write
from cxgov.registry.models import ChannelKind, CustomerSegment, Service, ServiceStage
from cxgov.surveys.bank import TEMPLATES, bank_item
from cxgov.surveys.definition import (
    DefinitionError,
    Problem,
    definition_parse,
    question_values_of,
    survey_definition,
    survey_fields_of,
)
from cxgov.surveys.distribution import contact_hash, phone_normalise
from cxgov.surveys.logic import (
    condition_keys,
    plan_compile,
    question_logic_errors,
    survey_plan,
)
from cxgov.surveys.models import (
    CHOICE_KINDS,
    SCALE_RANGES,
    AccessCode,
    Answer,
    Audience,
    Clearance,
    DriverRun,
    Invitation,
    InvitationChannel,
    InvitationStatus,
    OptOut,
    PopulationMargin,
    Question,
    QuestionKind,
    Quota,
    QuotaSegment,
    Response,
    ResponseDraft,
    ResponseSource,
    ResponseStatus,
    Submission,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from cxgov.surveys.results.disclosure import disclosure_claim
from cxgov.surveys.results.queries import ResultFilters
from cxgov.surveys.results.selectors import (
    driver_payload,
    driver_questions,
    driver_spec,
    driver_spec_key,
    driver_spec_seed,
    outcome_questions,
    survey_has_drivers,
)
from cxgov.surveys.rollups import (
    rollups_intake_open,
    rollups_lock_response,
    rollups_response_changed,
)
from cxgov.surveys.selectors import (
    BurdenLedger,
    clearances_to_alert,
    responses_by_submission,
    survey_origin_allowed,
)
from cxgov.surveys.signals import response_submitted
from cxgov.surveys.validation import CleanSubmission, SubmissionError, submission_clean

# Fields of a question that may change after responses exist: wording only.
TEXT_FIELDS = frozenset({"text", "text_es", "help_text", "help_text_es"})
# The fields of a question its form edits, in the order the form shows them.
QUESTION_FORM_FIELDS = (
    "key",
    "kind",
    "text",
    "text_es",
    "help_text",
    "help_text_es",
    "required",
    "allow_other",
    "min_value",
    "max_value",
    "min_length",
    "max_length",
    "pattern",
    "context_field",
    "scrub",
)
# Every field a caller may set: the form's, and those the builder's option rows, logic and
# page editors (or an imported definition) set.
QUESTION_FIELDS = frozenset(QUESTION_FORM_FIELDS) | {
    "options",
    "show_if",
    "page",
    "skip_rules",
    "randomize_options",
}


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _locked(survey: Survey) -> bool:
    return survey.responses.exists()


def _refuse_if_locked(survey: Survey) -> None:
    if _locked(survey):
        raise ValidationError(
            _("This survey has responses: only the wording of its questions can change.")
        )


# --- definitions ---------------------------------------------------------------------------


def _question_from_spec(survey: Survey, spec: Mapping[str, Any], position: int) -> Question:
    name = survey.agency.name
    name_es = survey.agency.name_es or name
    fields = dict(spec)
    fields["text"] = fields["text"].replace("{agency}", name)
    fields["text_es"] = fields.get("text_es", "").replace("{agency}", name_es)
    question = Question(survey=survey, position=position, **fields)
    question.full_clean(exclude=["survey"])
    return question


@transaction.atomic
def survey_create(
    *,
    actor: User | None,
    agency: Agency,
    template: str = "blank",
    title: str = "",
    services: Iterable[Service] = (),
    **fields: Any,
) -> Survey:
    """Create a draft survey, filled with a template's questions unless it is "blank"."""
    spec = TEMPLATES.get(template)
    if template != "blank" and spec is None:
        raise ValidationError({"template": _("Choose a template from the list.")})
    survey = Survey(
        agency=agency,
        template="" if template == "blank" else template,
        title=title or (spec["title"] if spec else _("New survey")),
        title_es=fields.pop("title_es", "") or (spec["title_es"] if spec else ""),
        audience=fields.pop("audience", None) or (spec["audience"] if spec else Audience.CUSTOMER),
        **fields,
    )
    survey.pra_copy()
    survey.full_clean()
    survey.save()
    survey.services.set([s for s in services if s.agency_id == agency.pk])
    if spec:
        Question.objects.bulk_create(
            _question_from_spec(survey, q, (i + 1) * 10) for i, q in enumerate(spec["questions"]())
        )
    audit_record(
        actor=actor,
        action="survey.create",
        agency=agency,
        target=survey,
        data={"template": template},
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    actor: User | None,
    survey: Survey,
    services: Iterable[Service] | None = None,
    **fields: Any,
) -> dict[str, list[Any]]:
    """Change a survey's settings; returns what changed."""
    changed: dict[str, list[Any]] = {}
    for name, new in fields.items():
        old = getattr(survey, name)
        if old != new:
            changed[name] = [str(old), str(new)]
            setattr(survey, name, new)
    if survey.is_employee:
        # Employee answers stay inside the agency: never stored with addresses, never public.
        survey.store_ip_address = False
        survey.results_public = False
    if "clearance" in changed:
        if survey.clearance is None:
            survey.omb_control_number, survey.omb_expiration_date = "", None
        survey.pra_copy()
    if changed:
        survey.full_clean()
        survey.save()
    if services is not None:
        change = related_replace(
            related=survey.services,
            objects=[s for s in services if s.agency_id == survey.agency_id],
            key="pk",
        )
        if change:
            changed["services"] = [str(values) for values in change]
    if changed:
        audit_record(actor=actor, action="survey.update", target=survey, data=changed)
        survey_version_record(actor=actor, survey=survey)
    return changed


@transaction.atomic
def survey_burden_estimate_set(
    *,
    actor: User | None,
    survey: Survey,
    expected_respondents: int | None,
    responses_per_respondent: int | None,
    expected_minutes: int | None,
) -> dict[str, list[Any]]:
    """Record the agency's expected collection for the instrument's PRA request package
    (respondents a year, responses each, and optionally its own minutes); returns what changed.

    Respondents and frequency go together: one without the other is refused.
    """
    if (expected_respondents is None) != (responses_per_respondent is None):
        raise ValidationError(
            _("Enter both the expected respondents and how often each responds, or neither.")
        )
    values = {
        "expected_respondents": expected_respondents,
        "responses_per_respondent": responses_per_respondent,
        "expected_minutes": expected_minutes,
    }
    changed = {
        name: [getattr(survey, name), new]
        for name, new in values.items()
        if getattr(survey, name) != new
    }
    if not changed:
        return changed
    for name, (_old, new) in changed.items():
        setattr(survey, name, new)
    survey.full_clean()
    survey.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, action="survey.burden_estimate", target=survey, data=changed)
    return changed


def _set_status(*, actor: User | None, survey: Survey, status: str) -> Survey:
    status_change(actor=actor, instance=survey, status=status, agency=survey.agency)
    return survey


# The key of surveys among the kinds of publishable records (`core.approvals`).
APPROVAL_KIND = "survey"


@transaction.atomic
def survey_publish(*, actor: User | None, survey: Survey) -> Survey:
    """Make a draft survey live, once it passes `survey_publish_check`: the publish step of
    its approval (`core.approvals`)."""
    survey_publish_check(survey=survey)
    _set_status(actor=actor, survey=survey, status=SurveyStatus.LIVE)
    survey_version_record(actor=actor, survey=survey)
    return survey


def survey_publish_check(*, survey: Survey) -> None:
    """Refuse, naming why, a survey that cannot be published: no question people can answer,
    a question without Spanish text, or an expired OMB approval.

    A customer survey is a collection of information under the Paperwork Reduction Act: it
    needs a current clearance or a recorded exemption. Employee surveys need neither.
    """
    answerable = survey.questions.exclude(kind=QuestionKind.HIDDEN)
    if not answerable.exists():
        raise ValidationError(_("Add at least one question before publishing."))
    missing_es = [q.key for q in answerable if not q.text_es]
    if missing_es:
        raise ValidationError(
            _("Give Spanish text for every question first: %(keys)s.")
            % {"keys": ", ".join(missing_es)}
        )
    if not survey.is_employee:
        _clearance_check(survey)
    if survey.omb_expiration_date and survey.omb_expiration_date < timezone.localdate():
        raise ValidationError(
            {"omb_expiration_date": _("The OMB approval has expired: renew it first.")}
        )


def _clearance_check(survey: Survey) -> None:
    clearance = survey.clearance
    if clearance is None:
        raise ValidationError(
            {
                "clearance": _(
                    "A public survey needs a current Paperwork Reduction Act clearance or a "
                    "recorded exemption before it is published: choose one in the survey's "
                    "settings."
                )
            }
        )
    today = timezone.localdate()
    if not clearance.is_current(today):
        raise ValidationError(
            {
                "clearance": _(
                    "The clearance %(clearance)s expired on %(day)s: renew it or choose a "
                    "current one in the survey's settings before publishing."
                )
                % {"clearance": clearance, "day": clearance.expiry or "—"}
            }
        )
    if not clearance.is_exempt and survey.burden_minutes is None:
        raise ValidationError(
            {
                "burden_minutes": _(
                    "Enter the estimated minutes per response approved for this survey: the "
                    "public page states it and the burden ledger counts it."
                )
            }
        )


@transaction.atomic
def survey_close(*, actor: User | None, survey: Survey) -> Survey:
    """Stop taking responses."""
    return _set_status(actor=actor, survey=survey, status=SurveyStatus.CLOSED)


@transaction.atomic
def survey_unpublish(*, actor: User | None, survey: Survey, reason: str) -> Survey:
    """Stop a published survey taking responses (the unpublish step of its approval); one
    already closed stays closed. The reason is audited."""
    previous = survey.status
    if survey.status == SurveyStatus.LIVE:
        survey.status = SurveyStatus.CLOSED
        survey.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="survey.unpublish",
        target=survey,
        data={"status": [previous, survey.status], "reason": reason},
    )
    return survey


# Where a survey with no approval row yet stands: published once it has gone live.
survey_approval_state = status_approval_state(published={SurveyStatus.LIVE, SurveyStatus.CLOSED})


@transaction.atomic
def surveys_close_expired(*, now: datetime | None = None) -> int:
    """Close every live survey past its close date or its OMB expiration; returns how many."""
    now = now or timezone.now()
    count = 0
    for survey in Survey.objects.filter(status=SurveyStatus.LIVE).select_related("agency"):
        if survey.open_problem(now) in ("closed", "expired"):
            _set_status(actor=None, survey=survey, status=SurveyStatus.CLOSED)
            count += 1
    return count


@transaction.atomic
def survey_duplicate(*, actor: User | None, survey: Survey) -> Survey:
    """A new draft with the same settings and questions and no responses."""
    copy = Survey.objects.get(pk=survey.pk)
    copy.pk = None
    copy.id = None
    copy.public_id = Survey._meta.get_field("public_id").get_default()
    copy.status = SurveyStatus.DRAFT
    copy.title = (_("Copy of %(title)s") % {"title": survey.title})[:200]
    copy.created_at = timezone.now()
    copy.save()
    copy.services.set(survey.services.all())
    questions = list(survey.questions.all())
    for question in questions:
        question.pk = None
        question.id = None
        question.survey = copy
    Question.objects.bulk_create(questions)
    audit_record(
        actor=actor,
        action="survey.duplicate",
        agency=survey.agency,
        target=copy,
        data={"from": survey.pk},
    )
    return copy


# --- questions -----------------------------------------------------------------------------


def _survey_touch(survey: Survey) -> None:
    """Mark the survey changed, so its compiled logic plan is built again."""
    survey.updated_at = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(updated_at=survey.updated_at)


def _question_changed(
    *, actor: User | None, question: Question, action: str, data: dict[str, Any]
) -> None:
    """After a question's write: mark its survey changed, audit `action` and record the
    survey's new version."""
    survey = question.survey
    _survey_touch(survey)
    audit_record(actor=actor, action=action, agency=survey.agency, target=question, data=data)
    survey_version_record(actor=actor, survey=survey)


def _question_clean(question: Question) -> None:
    if question.kind in CHOICE_KINDS and not question.options:
        raise ValidationError({"options": _("Give at least one option.")})
    errors = question_logic_errors(question, list(question.survey.questions.all()))
    if errors:
        raise ValidationError(errors)
    if question.kind == QuestionKind.EMAIL and question.survey.is_employee:
        raise ValidationError({"kind": _("Employee surveys do not collect email addresses.")})
    question.full_clean()


def _position_after_last(survey: Survey) -> int:
    """The position of a question added after the survey's last one."""
    return (survey.questions.aggregate(last=Max("position"))["last"] or 0) + 10


def _question_append(
    *, actor: User | None, question: Question, data: dict[str, Any] | None = None
) -> Question:
    """Check and save a question added at the end of its survey, and record the addition with
    the survey, the key and `data`."""
    _question_clean(question)
    question.save()
    _question_changed(
        actor=actor,
        question=question,
        action="question.add",
        data={"survey": question.survey_id, "key": question.key, **(data or {})},
    )
    return question


@transaction.atomic
def question_add(*, actor: User | None, survey: Survey, **fields: Any) -> Question:
    """Add a question at the end of the survey."""
    _refuse_if_locked(survey)
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    position = _position_after_last(survey)
    if "page" not in fields:
        fields["page"] = survey.questions.aggregate(page=Max("page"))["page"] or 1
    question = Question(survey=survey, position=position, **fields)
    return _question_append(actor=actor, question=question)


def _key_free(survey: Survey, key: str) -> str:
    """`key`, or `key_2`, `key_3`... when the survey already has a question of that key."""
    taken = set(survey.questions.values_list("key", flat=True))
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        suffix = f"_{number}"
        candidate = key[: 60 - len(suffix)] + suffix
    return candidate


@transaction.atomic
def question_add_from_bank(*, actor: User | None, survey: Survey, bank: str, item: str) -> Question:
    """Add one item of a question bank at the end of the survey, key made unique.

    It comes with its options, English and Spanish text and hint, but no show-if condition:
    the question it would depend on may not be in this survey.
    """
    _refuse_if_locked(survey)
    spec = bank_item(bank, item)
    if spec is None:
        raise ValidationError(_("Choose a question from the library."))
    spec.pop("show_if", None)
    spec["key"] = _key_free(survey, spec["key"])
    question = _question_from_spec(survey, spec, _position_after_last(survey))
    return _question_append(actor=actor, question=question, data={"bank": bank, "item": item})


@transaction.atomic
def question_update(*, actor: User | None, question: Question, **fields: Any) -> dict[str, Any]:
    """Change a question; once its survey has responses only the wording may change."""
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    changed = {k: [getattr(question, k), v] for k, v in fields.items() if getattr(question, k) != v}
    if set(changed) - TEXT_FIELDS:
        _refuse_if_locked(question.survey)
    for name, (_old, new) in changed.items():
        setattr(question, name, new)
    if changed:
        _question_clean(question)
        question.save()
        _question_changed(
            actor=actor,
            question=question,
            action="question.update",
            data={k: [str(o), str(n)] for k, (o, n) in changed.items()},
        )
    return changed


@transaction.atomic
def question_move(*, actor: User | None, question: Question, direction: str) -> None:
    """Swap a question with the one before ("up") or after ("down") it."""
    _refuse_if_locked(question.survey)
    offset = {"up": -1, "down": 1}.get(direction)
    if offset is None:
        return
    siblings = question.survey.questions.order_by("position", "id")
    if position_move(items=siblings, item=question, offset=offset) is None:
        return
    _question_changed(
        actor=actor, question=question, action="question.move", data={"direction": direction}
    )


@transaction.atomic
def question_remove(*, actor: User | None, question: Question) -> None:
    """Remove a question from a survey without responses; later conditions on it go too."""
    survey = question.survey
    _refuse_if_locked(survey)
    for other in survey.questions.exclude(pk=question.pk):
        uses = question.key in condition_keys(other.show_if)
        rules = [r for r in other.skip_rules or [] if question.key not in condition_keys(r["when"])]
        if uses or rules != other.skip_rules:
            other.show_if = {} if uses else other.show_if
            other.skip_rules = rules
            other.save(update_fields=["show_if", "skip_rules"])
    _survey_touch(survey)
    audit_record(
        actor=actor,
        action="question.remove",
        agency=survey.agency,
        target=question,
        data={"survey": survey.pk, "key": question.key},
    )
    question.delete()
    survey_version_record(actor=actor, survey=survey)


# --- definition documents and versions -----------------------------------------------------


@transaction.atomic
def survey_import(*, actor: User | None, agency: Agency, raw: bytes | str) -> Survey:
    """Create a draft survey from a definition document (`surveys.definition`).

    Raises DefinitionError naming each problem by its JSON pointer; nothing is stored then.
    """
    document = definition_parse(raw)
    survey = Survey(agency=agency, **survey_fields_of(document))
    _definition_clean(survey, "", exclude=["agency"])
    survey.save()
    questions = []
    for index, spec in enumerate(document["questions"]):
        question = Question(survey=survey, position=(index + 1) * 10, **question_values_of(spec))
        _definition_clean(question, f"/questions/{index}", exclude=["survey"])
        questions.append(question)
    Question.objects.bulk_create(questions)
    audit_record(
        actor=actor,
        action="survey.import",
        agency=agency,
        target=survey,
        data={"questions": len(questions)},
    )
    return survey


def _definition_clean(instance: Model, pointer: str, *, exclude: list[str]) -> None:
    """The model's own checks, as problems of the document."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as refused:
        raise DefinitionError(
            [
                Problem(f"{pointer}/{name}" if name != "__all__" else pointer, message)
                for name, messages in refused.message_dict.items()
                for message in messages
            ]
        ) from None


def survey_version_record(*, actor: User | None, survey: Survey) -> SurveyVersion | None:
    """The one write path of versions: once a survey is live, store its definition document as
    a new version when it differs from the latest one (or there is none). Every service that
    changes a survey or its questions calls it; returns the new version, if any."""
    if survey.status != SurveyStatus.LIVE:
        return None
    with transaction.atomic():
        # The survey row's lock numbers concurrent versions one after another.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        document = survey_definition(survey)
        latest = survey.versions.order_by("-number").first()
        if latest is not None and latest.definition == document:
            return None
        version = SurveyVersion.objects.create(
            survey=survey,
            number=(latest.number if latest else 0) + 1,
            definition=document,
            published_by=actor if actor is not None and actor.pk else None,
        )
        audit_record(
            actor=actor,
            action="survey.version",
            agency=survey.agency,
            target=survey,
            data={"version": version.number},
        )
    return version


def _intake_state(survey: Survey) -> tuple[int | None, list[Quota]]:
    """The id of the version a response answers now, and the survey's quotas: one query when
    the survey has no quotas. A live survey published before versions existed gets its first
    version here."""
    latest = SurveyVersion.objects.filter(survey_id=OuterRef("pk")).order_by("-number")
    row = (
        Survey.objects.filter(pk=survey.pk)
        .values_list(
            Subquery(latest.values("pk")[:1]),
            Exists(Quota.objects.filter(survey_id=OuterRef("pk"))),
        )
        .first()
    )
    version_id, has_quotas = row if row is not None else (None, False)
    if version_id is None and survey.status == SurveyStatus.LIVE:
        version = survey_version_record(actor=None, survey=survey)
        version_id = version.pk if version is not None else None
    return version_id, list(survey.quotas.all()) if has_quotas else []


# --- quotas --------------------------------------------------------------------------------


def _quota_cells(resolved: _Resolved, clean: CleanSubmission) -> set[tuple[str, str, str]]:
    """The (segment, key, value) cells a response falls in."""
    cells = {(QuotaSegment.LANGUAGE.value, "", resolved.language)}
    if resolved.service is not None:
        cells.add((QuotaSegment.SERVICE.value, "", resolved.service.slug))
    if resolved.channel:
        cells.add((QuotaSegment.CHANNEL.value, "", resolved.channel))
    for answer in clean.answers:
        value = answer.value_int if answer.value_int is not None else answer.value_text
        cells.add((QuotaSegment.ANSWER.value, answer.question.key, str(value)))
    return cells


def _quotas_take(quotas: Sequence[Quota], resolved: _Resolved, clean: CleanSubmission) -> None:
    """Count the response in each of its cells, or raise SubmissionError `quota_full` when one
    is full. Each count is a conditional UPDATE that never passes the limit: concurrent
    submissions wait on the row and see the committed count. Call inside a transaction, so a
    refusal gives back the cells already counted."""
    if not quotas:
        return
    cells = _quota_cells(resolved, clean)
    matching = [q for q in quotas if (q.segment, q.key, q.value) in cells]
    for quota in matching:
        taken = Quota.objects.filter(pk=quota.pk, count__lt=F("limit")).update(count=F("count") + 1)
        if not taken:
            raise SubmissionError({"__all__": quota_full_message(quota)}, code="quota_full")
    if matching:
        Quota.objects.filter(
            pk__in=[q.pk for q in matching], closed_at__isnull=True, count__gte=F("limit")
        ).update(closed_at=timezone.now())


def quota_cell_label(quota: Quota) -> str:
    """Whom a quota's cell holds, in the page's language."""
    if quota.segment == QuotaSegment.SERVICE:
        service = Service.objects.filter(agency_id=quota.survey.agency_id, slug=quota.value).first()
        name = service.display_name if service is not None else quota.value
        return _("people using %(service)s") % {"service": name}
    if quota.segment == QuotaSegment.CHANNEL:
        label = dict(ChannelKind.choices).get(quota.value, quota.value)
        return _("people reached by %(channel)s") % {"channel": str(label).lower()}
    if quota.segment == QuotaSegment.LANGUAGE:
        language = dict(settings.LANGUAGES).get(quota.value, quota.value)
        return _("people answering in %(language)s") % {"language": str(language)}
    question = quota.survey.questions.filter(key=quota.key).first()
    return _("people who gave your answer to “%(question)s”") % {
        "question": question.display_text if question is not None else quota.key
    }


def quota_full_message(quota: Quota) -> str:
    return _(
        "Thank you for your time. This survey already has enough answers from %(cell)s, so "
        "it is not taking more from them. There is nothing more you need to do."
    ) % {"cell": quota_cell_label(quota)}


def quota_closed_for(*, survey: Survey, context: SubmissionContext) -> Quota | None:
    """A full quota the context alone (service, channel, language) puts a new respondent in:
    the page turns them away politely before they answer."""
    closed = [q for q in survey.quotas.filter(closed_at__isnull=False) if q.segment != "answer"]
    if not closed:
        return None
    cells = _quota_cells(_resolve_context(survey, context), CleanSubmission())
    return next((q for q in closed if (q.segment, q.key, q.value) in cells), None)


def _quota_value_check(survey: Survey, segment: str, key: str, value: str) -> None:
    if segment == QuotaSegment.SERVICE:
        if not Service.objects.filter(agency_id=survey.agency_id, slug=value).exists():
            raise ValidationError({"value": _("Enter the short name of one of your services.")})
    elif segment == QuotaSegment.CHANNEL:
        if value not in ChannelKind.values:
            raise ValidationError(
                {
                    "value": _("Enter a channel code: %(codes)s.")
                    % {"codes": ", ".join(ChannelKind.values)}
                }
            )
    elif segment == QuotaSegment.LANGUAGE:
        if value not in dict(settings.LANGUAGES):
            raise ValidationError({"value": _("Enter en or es.")})
    else:
        question = survey.questions.filter(key=key).first()
        if question is None:
            raise ValidationError({"key": _("Enter the key of one of the survey's questions.")})
        allowed = _question_values(question)
        if allowed is not None and value not in allowed:
            raise ValidationError(
                {
                    "value": _("Enter one of the question's values: %(values)s.")
                    % {"values": ", ".join(allowed)}
                }
            )


def _question_values(question: Question) -> list[str] | None:
    """The answer values a closed question takes, or None for an open one."""
    if question.kind in SCALE_RANGES:
        low, high = SCALE_RANGES[question.kind]
        return [str(n) for n in range(low, high + 1)]
    if question.kind in CHOICE_KINDS:
        return [str(o["value"]) for o in question.options]
    return None


def _quota_count_now(survey: Survey, segment: str, key: str, value: str) -> int:
    """Valid responses already in the cell: a quota added to a live survey starts from them."""
    responses = survey.responses.filter(status=ResponseStatus.VALID, deleted_at__isnull=True)
    if segment == QuotaSegment.SERVICE:
        return responses.filter(service__slug=value).count()
    if segment == QuotaSegment.CHANNEL:
        return responses.filter(channel=value).count()
    if segment == QuotaSegment.LANGUAGE:
        return responses.filter(language=value).count()
    answers = Answer.objects.filter(survey=survey, question__key=key, response__in=responses)
    match = answers.filter(value_text=value)
    if re.fullmatch(r"-?[0-9]{1,9}", value):
        match = answers.filter(value_int=int(value)) | match
    return match.values("response").distinct().count()


@transaction.atomic
def quota_add(
    *, actor: User | None, survey: Survey, segment: str, key: str, value: str, limit: int
) -> Quota:
    """Add a quota cell to a survey; it starts with the valid responses already in it."""
    key = key.strip() if segment == QuotaSegment.ANSWER else ""
    value = value.strip()
    if segment not in QuotaSegment.values:
        raise ValidationError({"segment": _("Choose a segment from the list.")})
    _quota_value_check(survey, segment, key, value)
    if survey.quotas.filter(segment=segment, key=key, value=value).exists():
        raise ValidationError(_("This survey already has a quota for that cell."))
    quota = Quota(survey=survey, segment=segment, key=key, value=value, limit=limit)
    quota.full_clean()
    quota.count = min(_quota_count_now(survey, segment, key, value), limit)
    if quota.count >= limit:
        quota.closed_at = timezone.now()
    quota.save()
    audit_record(
        actor=actor,
        action="quota.add",
        agency=survey.agency,
        target=survey,
        data={"segment": segment, "key": key, "value": value, "limit": limit},
    )
    return quota


@transaction.atomic
def quota_remove(*, actor: User | None, quota: Quota) -> None:
    """Remove a quota: its cell takes answers again."""
    audit_record(
        actor=actor,
        action="quota.remove",
        agency=quota.survey.agency,
        target=quota.survey,
        data={"segment": quota.segment, "key": quota.key, "value": quota.value},
    )
    quota.delete()


# --- intake --------------------------------------------------------------------------------


@dataclass
class SubmissionContext:
    """Where a response came from. Strings as received; `response_submit` checks them."""

    source: str = ResponseSource.WEB
    language: str = "en"
    service: str = ""
    channel: str = ""
    stage: str = ""
    segment: str = ""
    location_code: str = ""
    page_url: str = ""
    referrer: str = ""
    ip_address: str = ""
    origin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A NUL can name nothing and no database stores it: drop it from whatever was sent,
        # so a mangled link still counts as an answer with its context marked unknown.
        for name, value in vars(self).items():
            if isinstance(value, str) and "\x00" in value:
                setattr(self, name, value.replace("\x00", ""))


@dataclass
class _Resolved:
    service: Service | None = None
    stage: ServiceStage | None = None
    segment: CustomerSegment | None = None
    channel: str = ""
    location_code: str = ""
    language: str = "en"
    unknown: dict[str, str] = field(default_factory=dict)


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
_ID = re.compile(r"[0-9]{1,18}")
M = TypeVar("M", bound=Model)


def _by_id(*, found: _Resolved, name: str, queryset: QuerySet[M], value: str) -> M | None:
    """The object whose id the context value `name` is, as received; None when it matches
    nothing, the value then kept in `found` as unknown."""
    ref = str(value)[:20]
    match = queryset.filter(pk=int(ref)).first() if _ID.fullmatch(ref) else None
    if match is None:
        found.unknown[name] = value
    return match


def _resolve_context_once(
    survey: Survey, context: SubmissionContext, resolved: dict[tuple[str, ...], _Resolved]
) -> _Resolved:
    """`_resolve_context`, once per distinct context: the rows of a bulk load or a batch share
    few, so each is resolved once instead of queried per row. `resolved` is the batch's cache."""
    c = context
    key = (c.service, c.stage, c.segment, c.channel, c.location_code, c.language, c.source)
    if key not in resolved:
        resolved[key] = _resolve_context(survey, c)
    return resolved[key]


def _resolve_context(survey: Survey, context: SubmissionContext) -> _Resolved:
    """Match the context to the agency's records; what matches nothing is kept as received.

    A stale link (a renamed service, an old QR code's channel) must never cost an answer: the
    response is attributed to "unknown" for that field and the raw value is stored with it.
    """
    found = _Resolved(language=context.language, location_code=context.location_code)
    if context.service:
        # One query: the agency's services, only those linked to the survey when it has any.
        linked = Survey.services.through.objects.filter(survey_id=survey.pk)
        services = Service.objects.filter(agency_id=survey.agency_id).filter(
            Q(Exists(linked.filter(service_id=OuterRef("pk")))) | ~Q(Exists(linked))
        )
        ref = str(context.service)[:80]
        if _ID.fullmatch(ref):
            found.service = services.filter(pk=int(ref)).first()
        elif _SLUG.fullmatch(ref):
            found.service = services.filter(slug=ref).first()
        if found.service is None:
            found.unknown["service"] = context.service
    if context.stage:
        stages = ServiceStage.objects.filter(service__agency_id=survey.agency_id)
        found.stage = _by_id(found=found, name="stage", queryset=stages, value=context.stage)
    elif survey.stage_id:
        found.stage = survey.stage
    if context.segment:
        segments = CustomerSegment.objects.filter(agency_id=survey.agency_id)
        found.segment = _by_id(
            found=found, name="segment", queryset=segments, value=context.segment
        )
    if context.channel:
        if context.channel in ChannelKind.values:
            found.channel = context.channel
        else:
            found.unknown["channel"] = context.channel
    if len(context.location_code) > 40 or not all(
        c.isalnum() or c in "-_." for c in context.location_code
    ):
        found.unknown["location_code"], found.location_code = context.location_code, ""
    if context.language not in dict(settings.LANGUAGES):
        found.unknown["language"], found.language = context.language, "en"
    if context.source not in ResponseSource.values:
        # Set by our own entry points, never by the respondent: a wrong one is a bug to refuse.
        raise SubmissionError({"source": _("Unknown source.")}, code="context")
    found.unknown = {key: _printable(value)[:80] for key, value in found.unknown.items()}
    return found


def _rate_limited(survey: Survey, ip_address: str) -> bool:
    """Count this attempt; True when the address has sent too many to this survey this hour."""
    try:
        rate_check(
            scope=f"survey_hour:{survey.pk}",
            key=ip_address,
            limit=settings.SURVEY_RATE_LIMIT_PER_HOUR if ip_address else 0,
            window=3600,
        )
    except RateLimited:
        return True
    return False


def _check_access(
    survey: Survey,
    *,
    context: SubmissionContext,
    token: str,
    access_code: str,
    honeypot: str,
) -> Invitation | None:
    """The invitation a token names (locked for update), after every gate a submission passes."""
    problem = survey.open_problem()
    if problem:
        raise SubmissionError(
            {"__all__": _("This survey is not taking responses now.")}, code=problem
        )
    if honeypot:
        raise SubmissionError(
            {"__all__": _("Your response looks automated and was not saved.")}, code="honeypot"
        )
    if context.source == ResponseSource.WIDGET and not survey_origin_allowed(
        survey=survey, origin=context.origin
    ):
        raise SubmissionError(
            {"__all__": _("This survey may not be answered from this web site.")}, code="origin"
        )
    if _rate_limited(survey, context.ip_address):
        raise SubmissionError(
            {"__all__": _("Too many responses from your connection. Try again in an hour.")},
            code="rate_limited",
        )
    invitation = None
    if token:
        invitation = (
            Invitation.objects.select_for_update()
            .filter(survey=survey, token_hash=_token_hash(token[:200]))
            .first()
        )
        if invitation is None:
            raise SubmissionError(
                {"token": _("This survey link is not valid. Use the link from your email.")},
                code="token_invalid",
            )
        if invitation.used_at is not None:
            raise SubmissionError(
                {"token": _("This survey link was already used. Each link works once.")},
                code="token_used",
            )
    elif survey.is_employee:
        _access_code_check(survey, access_code)
    return invitation


def _access_code_check(survey: Survey, access_code: str) -> None:
    """An employee survey with single-use codes takes each code once (used here, inside the
    submission's transaction); one without them takes its shared code, if it has one."""
    if survey.access_codes.exists():
        typed = access_code_normalise(access_code)
        taken = (
            AccessCode.objects.filter(
                survey=survey, code_hash=_access_code_hash(typed), used_on__isnull=True
            ).update(used_on=_anonymous_time().date())
            if typed
            else 0
        )
        if not taken:
            raise SubmissionError(
                {"access_code": _("The access code is not right or was already used.")},
                code="access_code",
            )
        return
    if survey.access_code and not hmac.compare_digest(
        access_code.strip().encode(), survey.access_code.encode()
    ):
        raise SubmissionError(
            {"access_code": _("The access code is not right.")}, code="access_code"
        )


def _printable(text: str) -> str:
    # Addresses come from browsers and other sites: drop control characters, NUL included.
    return "".join(c for c in str(text) if c.isprintable())


def _anonymous_time() -> datetime:
    """Noon UTC today: employee responses and used invitations keep only the day."""
    return timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)


def _response_row(
    survey: Survey,
    *,
    submission_id: str,
    context: SubmissionContext,
    resolved: _Resolved,
    clean: CleanSubmission,
    consent_to_contact: bool,
    version_id: int | None,
    submitted_at: datetime | None = None,
) -> Response:
    employee = survey.is_employee
    return Response(
        survey=survey,
        agency_id=survey.agency_id,
        version_id=version_id,
        submission_id=submission_id,
        submitted_at=submitted_at or (_anonymous_time() if employee else timezone.now()),
        language=resolved.language,
        source=context.source,
        service=resolved.service,
        stage=resolved.stage,
        segment=resolved.segment,
        channel=resolved.channel,
        location_code=resolved.location_code,
        context_unknown=resolved.unknown,
        page_url="" if employee else _printable(context.page_url)[:500],
        referrer="" if employee else _printable(context.referrer)[:500],
        ip_address=(context.ip_address or None)
        if survey.store_ip_address and not employee
        else None,
        contact_email="" if employee else clean.contact_email,
        consent_to_contact=bool(consent_to_contact and clean.contact_email and not employee),
    )


# From this many answers on, PostgreSQL gets them by COPY: a third less time than the same
# rows as prepared INSERTs (bench/intake.py). A single response's few stay INSERTs, which
# Django's statement log sees.
ANSWERS_COPY_FROM = 100


def _answers_insert(rows: list[tuple[Any, ...]]) -> None:
    """Insert answer rows with one prepared statement, or by COPY when there are many: bulk
    loads skip model instances."""
    meta = Answer._meta
    columns = [
        "response_id",
        "submitted_at",
        "survey_id",
        "agency_id",
        "question_id",
        "value_int",
        "value_number",
        "value_text",
        "value_date",
        "note",
    ]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql" and len(rows) >= ANSWERS_COPY_FROM:
        # The driver writes aware datetimes, decimals and dates as PostgreSQL reads them.
        copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(meta.db_table), ", ".join(quote(c) for c in columns)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    moment = meta.get_field("submitted_at")
    number = meta.get_field("value_number")
    day = meta.get_field("value_date")
    prepared = [
        (
            row[0],
            moment.get_db_prep_save(row[1], connection),
            *row[2:6],
            None if row[6] is None else number.get_db_prep_save(row[6], connection),
            row[7],
            None if row[8] is None else day.get_db_prep_save(row[8], connection),
            row[9],
        )
        for row in rows
    ]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608 - model names
        quote(meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _valid_submission_id(submission_id: str) -> str:
    submission_id = (submission_id or "").strip()
    if not submission_id:
        return secrets.token_hex(16)
    if len(submission_id) > 64 or not all(c.isalnum() or c in "-_" for c in submission_id):
        raise SubmissionError(
            {"submission_id": _("Use up to 64 letters, numbers, dashes or underscores.")}
        )
    return submission_id


def response_submit(
    *,
    survey: Survey,
    answers: Mapping[str, Any],
    submission_id: str = "",
    context: SubmissionContext | None = None,
    token: str = "",
    access_code: str = "",
    honeypot: str = "",
    consent_to_contact: bool = False,
) -> Response:
    """Check and store one response; the same submission id again returns the stored one.

    Raises SubmissionError (with a code and one reason per field) and stores nothing when
    anything is wrong. `response_submitted` is sent once the response is committed.
    """
    context = context or SubmissionContext()
    submission_id = _valid_submission_id(submission_id)
    # Idempotency is the unique constraint: store first, and look the id up only when the
    # insert or a check refused it (a repeat after its link was used or the survey closed
    # still answers with the stored response).
    try:
        return _response_store(
            survey=survey,
            answers=answers,
            submission_id=submission_id,
            context=context,
            token=token,
            access_code=access_code,
            honeypot=honeypot,
            consent_to_contact=consent_to_contact,
        )
    except (IntegrityError, SubmissionError):
        existing = responses_by_submission(survey=survey, submission_ids=[submission_id])
        if not existing:
            raise
        return existing[submission_id]


@transaction.atomic
def _response_store(
    *,
    survey: Survey,
    answers: Mapping[str, Any],
    submission_id: str,
    context: SubmissionContext,
    token: str,
    access_code: str,
    honeypot: str,
    consent_to_contact: bool,
) -> Response:
    invitation = _check_access(
        survey, context=context, token=token, access_code=access_code, honeypot=honeypot
    )
    plan = survey_plan(survey)
    clean = submission_clean(
        questions=plan.questions, raw=answers, employee=survey.is_employee, plan=plan
    )
    _context_from_invitation(survey, context=context, invitation=invitation)
    resolved = _resolve_context(survey, context)
    version_id, quotas = _intake_state(survey)
    _quotas_take(quotas, resolved, clean)
    response = _response_row(
        survey,
        submission_id=submission_id,
        context=context,
        resolved=resolved,
        clean=clean,
        consent_to_contact=consent_to_contact,
        version_id=version_id,
    )
    # A batch of one: the same insert of the response and its answers as the batch path.
    _responses_store(survey, [(response, clean)], batch_size=BATCH_LIMIT)
    if invitation is not None:
        _invitation_use(survey, invitation)
    audit_record(
        actor=None,
        action="response.submit",
        agency=survey.agency,
        # An employee response is not named, so its time cannot be matched to an invitation.
        target=survey if survey.is_employee else response,
        data={"survey": survey.pk, "source": context.source},
    )
    send_after_commit(response_submitted, sender=Response, response=response)
    return response


# --- unfinished multi-page answers -----------------------------------------------------------


def response_draft_start(
    *, survey: Survey, context: Mapping[str, Any], language: str, page: int
) -> tuple[ResponseDraft, str]:
    """A new server-side draft and its token; only the token's hash is stored."""
    token = secrets.token_urlsafe(24)
    now = timezone.now()
    draft = ResponseDraft.objects.create(
        survey=survey,
        token_hash=_token_hash(token),
        context=dict(context),
        language=language[:8],
        page=page,
        history=[page],
        created_at=now,
        expires_at=now + timedelta(days=settings.SURVEY_DRAFT_DAYS),
    )
    return draft, token


def response_draft_save(
    *, draft: ResponseDraft, answers: Mapping[str, Any], page: int, history: Sequence[int]
) -> ResponseDraft:
    """Keep a draft's answers and page; each save gives it SURVEY_DRAFT_DAYS more."""
    draft.answers = dict(answers)
    draft.page = page
    draft.history = list(history)
    draft.expires_at = timezone.now() + timedelta(days=settings.SURVEY_DRAFT_DAYS)
    draft.save(update_fields=["answers", "page", "history", "expires_at", "updated_at"])
    return draft


def response_draft_discard(*, draft: ResponseDraft) -> None:
    """Delete a draft once its response is stored: its link stops working."""
    ResponseDraft.objects.filter(pk=draft.pk).delete()


def _context_from_invitation(
    survey: Survey, *, context: SubmissionContext, invitation: Invitation | None
) -> None:
    """An invitation's service and segment fill what the context left empty."""
    if invitation is None or survey.is_employee:
        return
    if invitation.service_id and not context.service:
        context.service = str(invitation.service_id)
    if invitation.segment_id and not context.segment:
        context.segment = str(invitation.segment_id)


def _invitation_use(survey: Survey, invitation: Invitation) -> None:
    invitation.used_at = _anonymous_time() if survey.is_employee else timezone.now()
    invitation.status = InvitationStatus.ANSWERED
    invitation.save(update_fields=["used_at", "status"])


def _rollups_fold_ask(survey: Survey) -> None:
    """Before inserting responses: hold the survey's fold off until this intake commits, and
    queue one with the write unless one is already asked for (decision 0068)."""
    if rollups_intake_open(survey_id=survey.pk):
        from cxgov.surveys.tasks import rollups_fold_task

        task_enqueue_with_write(rollups_fold_task, survey_id=survey.pk)


def _responses_store(
    survey: Survey, prepared: Sequence[tuple[Response, CleanSubmission]], *, batch_size: int
) -> int:
    """Insert prepared responses and their answers at once; the number of answers. The worker
    folds them into the rollups."""
    if prepared:
        _rollups_fold_ask(survey)
    Response.objects.bulk_create([r for r, _c in prepared], batch_size=batch_size)
    # A submission id stored before (or twice here) fails this insert, and the transaction
    # with it: idempotency is the unique key, not a lookup.
    Submission.objects.bulk_create(
        [
            Submission(
                agency_id=survey.agency_id,
                survey_id=survey.pk,
                submission_id=response.submission_id,
                response_id=response.pk,
            )
            for response, _clean in prepared
        ],
        batch_size=batch_size,
    )
    answers = [
        (
            response.pk,
            response.submitted_at,
            survey.pk,
            survey.agency_id,
            a.question.pk,
            a.value_int,
            a.value_number,
            a.value_text,
            a.value_date,
            a.note,
        )
        for response, clean in prepared
        for a in clean.answers
    ]
    for start in range(0, len(answers), batch_size * 5):
        _answers_insert(answers[start : start + batch_size * 5])
    # The driver analyses are marked stale by the fold (`driver_runs_mark_stale`).
    _disclosure_ask(survey)
    # Vacuumed, not only analysed: the counts of A-11 reports read an index alone, which
    # needs the new pages marked all-visible (decision 0076).
    planner_statistics_refresh(
        tables=[Response, Submission, Answer], rows=len(answers), visibility=True
    )
    return len(answers)


@dataclass
class BulkResponse:
    """One response of a bulk load (demo data, paper batches)."""

    answers: Mapping[str, Any]
    submitted_at: datetime
    context: SubmissionContext
    submission_id: str = ""


@transaction.atomic
def response_bulk_create(
    *, actor: User | None, survey: Survey, rows: Sequence[BulkResponse], batch_size: int = 2000
) -> int:
    """Check every row like `response_submit`, then store them all at once; one audit event.

    All or nothing: a bad row raises SubmissionError naming its index and stores none.
    """
    questions = list(survey.questions.all())
    plan = plan_compile(questions)
    prepared: list[tuple[Response, CleanSubmission]] = []
    contexts: dict[tuple[str, ...], _Resolved] = {}
    version_id, quotas = _intake_state(survey)
    for index, row in enumerate(rows):
        try:
            clean = submission_clean(
                questions=questions, raw=row.answers, employee=survey.is_employee, plan=plan
            )
            resolved = _resolve_context_once(survey, row.context, contexts)
            submission_id = _valid_submission_id(row.submission_id)
            _quotas_take(quotas, resolved, clean)
        except SubmissionError as refused:
            raise SubmissionError(
                {f"row {index + 1}: {k}": v for k, v in refused.errors.items()}, code=refused.code
            ) from None
        response = _response_row(
            survey,
            submission_id=submission_id,
            context=row.context,
            resolved=resolved,
            clean=clean,
            consent_to_contact=False,
            version_id=version_id,
            submitted_at=row.submitted_at,
        )
        prepared.append((response, clean))
    answers = _responses_store(survey, prepared, batch_size=batch_size)
    audit_record(
        actor=actor,
        action="response.bulk_create",
        target=survey,
        data={"responses": len(prepared), "answers": answers},
    )
    return len(prepared)


BATCH_LIMIT = 1000


@dataclass
class BatchItem:
    """One response of an API batch, as the caller sent it."""

    answers: Mapping[str, Any]
    submission_id: str
    context: SubmissionContext
    token: str = ""
    access_code: str = ""
    consent_to_contact: bool = False


@dataclass
class BatchOutcome:
    """What became of one batch item: the stored response's id, or why it was refused."""

    index: int
    submission_id: str
    response: Response | None = None
    code: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.response is not None


def response_batch_submit(
    *, actor: User | None, survey: Survey, items: Sequence[BatchItem]
) -> list[BatchOutcome]:
    """Check each item on its own, store the good ones at once; one outcome per item.

    An item whose submission id is already stored (earlier, or earlier in this batch) gets the
    stored response, as `response_submit` answers a repeat. Raises SubmissionError only when
    the survey takes no responses at all.
    """
    if len(items) > BATCH_LIMIT:
        raise SubmissionError(
            {"__all__": _("Send at most %(limit)s responses at once.") % {"limit": BATCH_LIMIT}},
            code="batch_too_large",
        )
    try:
        return _batch_store(actor=actor, survey=survey, items=items)
    except IntegrityError:
        # Another request stored some of these submission ids meanwhile: they are repeats now.
        return _batch_store(actor=actor, survey=survey, items=items)


@transaction.atomic
def _batch_store(
    *, actor: User | None, survey: Survey, items: Sequence[BatchItem]
) -> list[BatchOutcome]:
    problem = survey.open_problem()
    if problem:
        raise SubmissionError(
            {"__all__": _("This survey is not taking responses now.")}, code=problem
        )
    questions = list(survey.questions.all())
    version_id, quotas = _intake_state(survey)
    plan = plan_compile(questions)
    wanted = [(item.submission_id or "").strip()[:64] for item in items]
    usable = [w for w in wanted if w and all(c.isalnum() or c in "-_" for c in w)]
    stored = responses_by_submission(survey=survey, submission_ids=usable)
    outcomes: list[BatchOutcome] = []
    fresh: dict[str, tuple[Response, CleanSubmission]] = {}
    invitations: dict[int, Invitation] = {}
    contexts: dict[tuple[str, ...], _Resolved] = {}
    for index, item in enumerate(items):
        outcome = BatchOutcome(index=index, submission_id=wanted[index])
        outcomes.append(outcome)
        try:
            outcome.submission_id = _valid_submission_id(item.submission_id)
            repeat = (
                stored.get(outcome.submission_id) or fresh.get(outcome.submission_id, (None,))[0]
            )
            if repeat is not None:
                outcome.response = repeat
                continue
            context = item.context
            # No per-address limit: a batch comes from a signed-in importer, like a file upload.
            context.ip_address = ""
            # Each item in a savepoint: a single-use code or a quota count taken by an item that
            # is refused is given back.
            with transaction.atomic() if survey.is_employee or quotas else nullcontext():
                invitation = _check_access(
                    survey,
                    context=context,
                    token=item.token,
                    access_code=item.access_code,
                    honeypot="",
                )
                if invitation is not None and invitation.pk in invitations:
                    raise SubmissionError(
                        {"token": _("This survey link was already used. Each link works once.")},
                        code="token_used",
                    )
                clean = submission_clean(
                    questions=questions,
                    raw=item.answers,
                    employee=survey.is_employee,
                    plan=plan,
                )
                _context_from_invitation(survey, context=context, invitation=invitation)
                resolved = _resolve_context_once(survey, context, contexts)
                _quotas_take(quotas, resolved, clean)
        except SubmissionError as refused:
            outcome.code, outcome.errors = refused.code, refused.errors
            continue
        outcome.response = _response_row(
            survey,
            submission_id=outcome.submission_id,
            context=context,
            resolved=resolved,
            clean=clean,
            consent_to_contact=item.consent_to_contact,
            version_id=version_id,
        )
        fresh[outcome.submission_id] = (outcome.response, clean)
        if invitation is not None:
            invitations[invitation.pk] = invitation
    answers = _responses_store(survey, list(fresh.values()), batch_size=BATCH_LIMIT)
    for invitation in invitations.values():
        _invitation_use(survey, invitation)
    audit_record(
        actor=actor,
        action="response.batch_submit",
        target=survey,
        data={
            "items": len(items),
            "stored": len(fresh),
            "repeats": sum(1 for o in outcomes if o.accepted) - len(fresh),
            "refused": sum(1 for o in outcomes if not o.accepted),
            "answers": answers,
        },
    )
    transaction.on_commit(
        lambda: _responses_announce([response for response, _clean in fresh.values()]),
        robust=True,
    )
    return outcomes


def _responses_announce(responses: Sequence[Response]) -> None:
    for response in responses:
        response_submitted.send(sender=Response, response=response)


# --- response management -------------------------------------------------------------------


@transaction.atomic
def response_mark(*, actor: User | None, response: Response, spam: bool) -> Response:
    """Mark a response as spam, or as valid again."""
    status = ResponseStatus.SPAM if spam else ResponseStatus.VALID
    was_counted = rollups_lock_response(response)
    if response.status != status:
        response.status = status
        response.save(update_fields=["status"])
        rollups_response_changed(response=response, was_counted=was_counted)
        drivers_mark_stale(survey=response.survey)
        audit_record(
            actor=actor,
            action=f"response.{status}",
            agency=response.survey.agency,
            target=response,
        )
    return response


@transaction.atomic
def response_delete(*, actor: User | None, response: Response, restore: bool = False) -> Response:
    """Hide a response from results and exports (soft delete), or bring it back."""
    deleted_at = None if restore else timezone.now()
    was_counted = rollups_lock_response(response)
    if (response.deleted_at is None) != (deleted_at is None):
        response.deleted_at = deleted_at
        response.save(update_fields=["deleted_at"])
        rollups_response_changed(response=response, was_counted=was_counted)
        drivers_mark_stale(survey=response.survey)
        audit_record(
            actor=actor,
            action="response.restore" if restore else "response.delete",
            agency=response.survey.agency,
            target=response,
        )
    return response


# --- invitations ---------------------------------------------------------------------------

# Invitations that may still be sent or reminded: not bounced, answered or opted out.
_REACHABLE = (
    InvitationStatus.QUEUED,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.STARTED,
)


@dataclass
class InvitationRow:
    """One good row of an invitation list: whom to invite, how, and in which language."""

    row: int
    channel: str
    contact: str
    language: str = "en"
    service: Service | None = None
    segment: CustomerSegment | None = None

    @property
    def contact_hash(self) -> str:
        return contact_hash(self.contact)


def invitation_rows_parse(
    *, survey: Survey, source: Source
) -> tuple[ImportReport, list[InvitationRow]]:
    """The usable rows of an invitation list: `email` or `phone` (a row with both is texted
    only when it has no email), optional `language` (en or es), `service` short name and
    `segment` name.

    Reads the file through the import framework: a bad row is an error naming its row (as a
    spreadsheet numbers it, header = 1) and column and is left out; the good rows are returned.
    A person listed twice is invited once.
    """
    report = ImportReport(
        format="invitations",
        kinds={
            "invitations": _("People invited"),
            "not_invited": _("People listed but not invited"),
        },
    )
    try:
        table = read_table(source)
    except FileRejectedError as exc:
        return report.fail(exc.error), []
    if "email" not in table.columns and "phone" not in table.columns:
        return report.fail(RowError(0, "", _("The file needs an email or a phone column."))), []
    services = {s.slug: s for s in Service.objects.filter(agency_id=survey.agency_id)}
    segments = {
        s.name.lower(): s for s in CustomerSegment.objects.filter(agency_id=survey.agency_id)
    }
    offered = offered_languages(agency=survey.agency)
    rows = rows_keep_first(
        (
            (row, _invitation_row(row, services=services, segments=segments, offered=offered))
            for row in table.rows
        ),
        key=lambda invitation: invitation.contact_hash,
        column="email",
        repeated=lambda first: _("Already listed on row %(n)s; invited once.") % {"n": first},
    )
    parse_settle(report=report, table=table, keep_valid=True)
    return report, rows


def _invitation_row(
    row: Row,
    *,
    services: Mapping[str, Service],
    segments: Mapping[str, CustomerSegment],
    offered: list[str],
) -> InvitationRow | None:
    email = row.get("email").lower()
    typed_phone = row.get("phone")
    phone = phone_normalise(typed_phone) if typed_phone else ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            row.fail("email", _("%(v)s is not an email address.") % {"v": shown(email)})
    if typed_phone and not phone:
        row.fail("phone", _("%(v)s is not a phone number.") % {"v": shown(typed_phone)})
    if not email and not typed_phone:
        row.fail("email", _("Give an email address or a phone number."))
    language = (row.get("language") or "en").lower()[:8]
    if language not in offered:
        row.fail(
            "language",
            _("%(v)s is not a language the agency offers (%(codes)s).")
            % {"v": shown(row.get("language")), "codes": ", ".join(offered)},
        )
    service = services.get(row.get("service")) if row.get("service") else None
    if row.get("service") and service is None:
        row.fail(
            "service", _("No service with short name %(v)s.") % {"v": shown(row.get("service"))}
        )
    segment = segments.get(row.get("segment").lower()) if row.get("segment") else None
    if row.get("segment") and segment is None:
        row.fail(
            "segment", _("No customer segment named %(v)s.") % {"v": shown(row.get("segment"))}
        )
    if not row.ok:
        return None
    channel = InvitationChannel.EMAIL if email else InvitationChannel.SMS
    return InvitationRow(
        row=row.number,
        channel=channel,
        contact=email or phone,
        language=language,
        service=service,
        segment=segment,
    )


@dataclass
class InvitationPlan:
    """What adding a list did: new people, people this survey already has, and those left out."""

    added: int = 0
    known: int = 0
    not_sampled: int = 0
    # (row number, reason) of each person the fatigue cap or an opt-out left out.
    left_out: list[tuple[int, str]] = field(default_factory=list)


def invitations_import(*, actor: User | None, survey: Survey, source: Source) -> ImportReport:
    """Invite the people of an uploaded list; bad rows are reported and the good ones kept.

    The report counts new people as created, people this survey already invited as unchanged,
    and people the sampling rule, the fatigue cap or an opt-out left out as not invited (the
    last two with a warning on their row).
    """
    report, rows = invitation_rows_parse(survey=survey, source=source)
    if report.rejected or not rows:
        return report
    try:
        plan = invitations_add(actor=actor, survey=survey, rows=rows)
    except ValidationError as exc:
        return report.fail(RowError(0, "", " ".join(exc.messages)))
    report.count("invitations", CREATED, plan.added)
    report.count("invitations", UNCHANGED, plan.known)
    report.count("not_invited", UNCHANGED, plan.not_sampled + len(plan.left_out))
    report.warnings += [RowError(number, "email", reason) for number, reason in plan.left_out]
    report.warnings.sort(key=lambda warning: warning.row)
    report.applied = True
    return report


def _sampled(survey: Survey, rows: Sequence[InvitationRow]) -> list[InvitationRow]:
    """One in `invite_one_in` transactions, counted across every file the survey was given."""
    every = max(1, survey.invite_one_in)
    seen = survey.transactions_seen
    Survey.objects.filter(pk=survey.pk).update(transactions_seen=seen + len(rows))
    return [row for i, row in enumerate(rows, start=seen + 1) if i % every == 0]


@transaction.atomic
def invitations_add(
    *, actor: User | None, survey: Survey, rows: Sequence[InvitationRow]
) -> InvitationPlan:
    """Add people to a survey's invitation list and queue their messages.

    Sampling keeps one in `survey.invite_one_in` transactions; then nobody who opted out of
    the agency's invitations, or was invited to any of its surveys in the last
    `SURVEY_FATIGUE_DAYS`, is invited (matched by contact hash, across files and surveys).
    The list is kept apart from the answers: no response ever points to an invitation.
    """
    from cxgov.surveys.tasks import invitations_send

    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.CLOSED:
        raise ValidationError(_("This survey is closed: it takes no invitations."))
    plan = InvitationPlan()
    chosen = _sampled(survey, rows)
    plan.not_sampled = len(rows) - len(chosen)
    hashes = [row.contact_hash for row in chosen]
    known = set(
        survey.invitations.filter(contact_hash__in=hashes).values_list("contact_hash", flat=True)
    )
    opted_out = set(
        OptOut.objects.filter(agency_id=survey.agency_id, contact_hash__in=hashes).values_list(
            "contact_hash", flat=True
        )
    )
    days = settings.SURVEY_FATIGUE_DAYS
    recent = (
        set(
            Invitation.objects.filter(
                survey__agency_id=survey.agency_id,
                contact_hash__in=hashes,
                created_at__gt=timezone.now() - timedelta(days=days),
            ).values_list("contact_hash", flat=True)
        )
        if days
        else set()
    )
    new = []
    for row in chosen:
        if row.contact_hash in known:
            plan.known += 1
        elif row.contact_hash in opted_out:
            plan.left_out.append(
                (row.row, _("Asked for no more survey invitations from this agency; not invited."))
            )
        elif row.contact_hash in recent:
            plan.left_out.append(
                (
                    row.row,
                    _(
                        "Invited to one of the agency's surveys in the last %(days)s days; "
                        "not invited again."
                    )
                    % {"days": days},
                )
            )
        else:
            new.append(
                Invitation(
                    survey=survey,
                    channel=row.channel,
                    email=row.contact if row.channel == InvitationChannel.EMAIL else "",
                    phone=row.contact if row.channel == InvitationChannel.SMS else "",
                    contact_hash=row.contact_hash,
                    language=row.language,
                    service=row.service,
                    segment=row.segment,
                    # Unusable until the message goes out with a fresh token.
                    token_hash=_token_hash(secrets.token_urlsafe(32)),
                )
            )
    Invitation.objects.bulk_create(new)
    plan.added = len(new)
    audit_record(
        actor=actor,
        action="invitation.add",
        target=survey,
        data={
            "added": plan.added,
            "already": plan.known,
            "not_sampled": plan.not_sampled,
            "left_out": len(plan.left_out),
        },
    )
    if new:
        transaction.on_commit(lambda: invitations_send.enqueue(survey_id=survey.pk, reminder=False))
    return plan


def _reminders_due(survey: Survey, *, due_only: bool) -> QuerySet[Invitation]:
    due = survey.invitations.filter(
        used_at__isnull=True,
        sent_at__isnull=False,
        reminded_at__isnull=True,
        status__in=_REACHABLE,
    )
    if due_only:
        due = due.filter(sent_at__lte=timezone.now() - timedelta(days=survey.remind_after_days))
    return due


@transaction.atomic
def invitations_remind(*, actor: User | None, survey: Survey) -> int:
    """Queue one reminder for everyone invited who has not answered; returns how many."""
    from cxgov.surveys.tasks import invitations_send

    waiting = _reminders_due(survey, due_only=False).count()
    audit_record(
        actor=actor,
        action="invitation.remind",
        target=survey,
        data={"waiting": waiting},
    )
    transaction.on_commit(lambda: invitations_send.enqueue(survey_id=survey.pk, reminder=True))
    return waiting


def surveys_with_reminders_due() -> list[int]:
    """Live surveys with a reminder schedule whose non-respondents are due one (for the task)."""
    now = timezone.now()
    due = []
    for survey in Survey.objects.filter(status=SurveyStatus.LIVE, remind_after_days__gt=0):
        if survey.open_problem(now):
            continue
        if _reminders_due(survey, due_only=True).exists():
            due.append(survey.pk)
    return due


@transaction.atomic
def invitations_issue(
    *, survey: Survey, reminder: bool, due_only: bool = False
) -> list[tuple[Invitation, str]]:
    """Give each invitation due a message a fresh single-use token: (invitation, raw token).

    Only the hash is stored, so a reminder carries a new link and the earlier one stops working.
    Nobody who opted out since the list was given is sent anything.
    """
    if reminder:
        due = _reminders_due(survey, due_only=due_only)
    else:
        due = survey.invitations.filter(
            used_at__isnull=True, sent_at__isnull=True, status=InvitationStatus.QUEUED
        )
    opted_out = OptOut.objects.filter(agency_id=survey.agency_id).values("contact_hash")
    due.filter(contact_hash__in=opted_out).update(status=InvitationStatus.OPTED_OUT)
    due = due.exclude(contact_hash__in=opted_out).select_for_update()
    now = timezone.now()
    issued: list[tuple[Invitation, str]] = []
    for invitation in due:
        raw = secrets.token_urlsafe(24)
        invitation.token_hash = _token_hash(raw)
        if reminder:
            invitation.reminded_at = now
        else:
            invitation.sent_at = now
            invitation.status = InvitationStatus.SENT
        issued.append((invitation, raw))
    Invitation.objects.bulk_update(
        [invitation for invitation, _raw in issued],
        ["token_hash", "sent_at", "reminded_at", "status"],
    )
    if issued:
        audit_record(
            actor=None,
            action="invitation.remind_sent" if reminder else "invitation.sent",
            target=survey,
            data={"count": len(issued)},
        )
    return issued


def invitation_delivery_failed(*, invitation: Invitation, reminder: bool, bounced: bool) -> None:
    """Record a message that did not leave: bounced for good, or queued again for a retry."""
    if bounced:
        invitation.status = InvitationStatus.BOUNCED
    elif reminder:
        invitation.reminded_at = None
    else:
        invitation.sent_at = None
        invitation.status = InvitationStatus.QUEUED
    invitation.save(update_fields=["status", "sent_at", "reminded_at"])
    if bounced:
        audit_record(
            actor=None,
            action="invitation.bounced",
            target=invitation.survey,
            data={"invitation": invitation.pk, "channel": invitation.channel},
        )


def invitation_bounce_reported(
    *, invitation_id: int, channel: str = InvitationChannel.EMAIL
) -> bool:
    """A delivery failure reported after the message left (a bounce in the mailbox, a text
    provider's "failed" or "undelivered" status report): the invitation of that channel is
    bounced, so no reminder goes to that address. True when this changed it.

    Answered wins (the person was reached), and an opt-out stays; a report read again changes
    nothing, so reading the same bounce twice is harmless. A text whose link was opened
    reached the phone, so a failure report for it arrives out of order and changes nothing.
    """
    bounceable = [InvitationStatus.QUEUED, InvitationStatus.SENT]
    if channel == InvitationChannel.EMAIL:
        bounceable += [InvitationStatus.OPENED, InvitationStatus.STARTED]
    invitation = (
        Invitation.objects.select_related("survey__agency")
        .filter(pk=invitation_id, channel=channel, used_at__isnull=True, status__in=bounceable)
        .first()
    )
    if invitation is None:
        return False
    with transaction.atomic():
        # One conditional UPDATE instead of a lock: if an answer, an opt-out or the same report
        # got there first, the status read above is gone and nothing changes.
        changed = Invitation.objects.filter(
            pk=invitation.pk, status=invitation.status, used_at__isnull=True
        ).update(status=InvitationStatus.BOUNCED)
        if not changed:
            return False
        audit_record(
            actor=None,
            action="invitation.bounced",
            target=invitation.survey,
            data={
                "invitation": invitation.pk,
                "channel": invitation.channel,
                "was": invitation.status,
            },
        )
    return True


def _invitation_by_token(survey: Survey, token: str) -> Invitation | None:
    if not token:
        return None
    return Invitation.objects.filter(survey=survey, token_hash=_token_hash(token[:200])).first()


def invitation_seen(*, survey: Survey, token: str, started: bool) -> None:
    """The person opened the survey from their link (`started`: and sent answers not yet kept).

    Moves the invitation's status forward only: a later step is never undone by an earlier one.
    """
    invitation = _invitation_by_token(survey, token)
    if invitation is None or invitation.used_at is not None:
        return
    order: list[str] = [
        InvitationStatus.QUEUED,
        InvitationStatus.SENT,
        InvitationStatus.OPENED,
        InvitationStatus.STARTED,
    ]
    target: str = InvitationStatus.STARTED if started else InvitationStatus.OPENED
    if invitation.status in order and order.index(invitation.status) < order.index(target):
        Invitation.objects.filter(pk=invitation.pk, status=invitation.status).update(status=target)


@transaction.atomic
def invitation_opt_out(*, invitation: Invitation) -> OptOut:
    """The person asked for no more survey invitations from the invitation's agency.

    Only the contact's keyed hash is kept; every invitation of theirs not yet answered stops.
    """
    agency_id = invitation.survey.agency_id
    opt_out, created = OptOut.objects.get_or_create(
        agency_id=agency_id, contact_hash=invitation.contact_hash
    )
    stopped = (
        Invitation.objects.filter(survey__agency_id=agency_id, contact_hash=invitation.contact_hash)
        .exclude(status=InvitationStatus.ANSWERED)
        .update(status=InvitationStatus.OPTED_OUT)
    )
    if created:
        audit_record(
            actor=None,
            action="invitation.opt_out",
            agency=invitation.survey.agency,
            target=opt_out,
            data={"invitations_stopped": stopped},
        )
    return opt_out


# --- single-use anonymous access codes of employee surveys ----------------------------------

ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ACCESS_CODE_MOST = 5000


def access_code_normalise(code: str) -> str:
    """A typed code as it is hashed: no case, spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()[:40]


def _access_code_hash(code: str) -> str:
    return salted_hmac(
        "cxgov.surveys.access_code", access_code_normalise(code), algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def access_codes_issue(*, actor: User | None, survey: Survey, count: int) -> list[str]:
    """Issue `count` single-use codes for an employee survey; returns them, never stored.

    Each code opens the survey once. Nothing records who got which code, and once codes exist
    the shared access code no longer opens the survey.
    """
    if not survey.is_employee:
        raise ValidationError(_("Single-use codes are for employee surveys."))
    if not 1 <= count <= ACCESS_CODE_MOST:
        raise ValidationError(
            _("Issue from 1 to %(most)s codes at a time.") % {"most": ACCESS_CODE_MOST}
        )
    codes = []
    for _n in range(count):
        raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(12))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 12, 4)))
    AccessCode.objects.bulk_create(
        [AccessCode(survey=survey, code_hash=_access_code_hash(code)) for code in codes]
    )
    audit_record(
        actor=actor, action="survey.access_codes_issue", target=survey, data={"count": count}
    )
    return codes


# --- Paperwork Reduction Act clearances ----------------------------------------------------

# The fields of a clearance a form may set (the agency is the service's), in the order the
# clearance form shows them.
CLEARANCE_FIELDS = (
    "title",
    "kind",
    "control_number",
    "parent",
    "expires_on",
    "burden_hours",
    "exemption_reason",
    "results_publishable",
)


def _clearance_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields).difference(CLEARANCE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    return dict(fields)


def _instruments_refresh(clearance: Clearance) -> None:
    """Copy the clearance's number and expiry onto its surveys (and its fast-tracks' surveys)."""
    covered = Survey.objects.filter(clearance=clearance) | Survey.objects.filter(
        clearance__parent=clearance
    )
    for survey in covered.select_related("clearance__parent"):
        before = (survey.omb_control_number, survey.omb_expiration_date)
        survey.pra_copy()
        if (survey.omb_control_number, survey.omb_expiration_date) != before:
            survey.save(update_fields=["omb_control_number", "omb_expiration_date", "updated_at"])


@transaction.atomic
def clearance_create(*, actor: User | None, agency: Agency, **fields: Any) -> Clearance:
    """Record a PRA clearance, fast-track request or exemption of the agency."""
    clearance = Clearance(agency=agency, **_clearance_fields(fields))
    return object_create(actor=actor, instance=clearance, action="clearance.create", agency=agency)


@transaction.atomic
def clearance_update(
    *, actor: User | None, clearance: Clearance, **fields: Any
) -> dict[str, list[Any]]:
    """Change a clearance; its surveys show the new number and expiry. Returns what changed."""
    changed = object_update(
        actor=actor,
        instance=clearance,
        fields=_clearance_fields(fields),
        action="clearance.update",
        agency=clearance.agency,
    )
    if changed:
        _instruments_refresh(clearance)
    return changed


def _clearance_admins(clearance: Clearance) -> list[str]:
    return sorted(
        set(
            Membership.objects.active()
            .filter(
                agency_id=clearance.agency_id,
                role__in=roles_with(Can.ADMINISTER_AGENCY) & roles_with(Can.MANAGE_CLEARANCES),
                user__is_active=True,
            )
            .values_list("user__email", flat=True)
        )
    )


def _clearance_alert_text(ledger: BurdenLedger, *, burden: bool, expiry: bool) -> tuple[str, str]:
    clearance = ledger.clearance
    lines = []
    if burden:
        lines.append(
            _(
                "Fiscal year %(year)s: %(used)s of the %(approved)s approved burden hours are "
                "used (%(percent)s%%)."
            )
            % {
                "year": ledger.year,
                "used": f"{ledger.hours_used:,.1f}",
                "approved": f"{clearance.burden_hours:,}",
                "percent": ledger.percent_used,
            }
        )
    if expiry:
        lines.append(
            _("The approval expires on %(day)s.") % {"day": clearance.expiry}
            if not ledger.expired
            else _("The approval expired on %(day)s.") % {"day": clearance.expiry}
        )
    lines.append(
        _(
            "Ask OMB for more hours or a renewal in time, or close the surveys that use it. "
            "Its ledger is on the clearance's page in cxgov."
        )
    )
    subject = _("PRA clearance needs attention: %(clearance)s") % {"clearance": clearance}
    return subject, "\n\n".join(lines)


@transaction.atomic
def clearances_alert(*, today: date | None = None) -> int:
    """Email each agency's administrators once when a clearance's burden passes the warning
    share for a fiscal year, or its expiry comes near; returns how many clearances alerted."""
    sent = 0
    for ledger in clearances_to_alert(today=today):
        clearance = Clearance.objects.select_for_update().get(pk=ledger.clearance.pk)
        burden = ledger.burden_warning and clearance.burden_warned_year != ledger.year
        expiry = (ledger.expiry_warning or ledger.expired) and (
            clearance.expiry_warned_on != ledger.clearance.expiry
        )
        if not (burden or expiry):
            continue
        if burden:
            clearance.burden_warned_year = ledger.year
        if expiry:
            clearance.expiry_warned_on = ledger.clearance.expiry
        clearance.save(update_fields=["burden_warned_year", "expiry_warned_on"])
        recipients = _clearance_admins(clearance)
        subject, body = _clearance_alert_text(ledger, burden=burden, expiry=expiry)
        audit_record(
            actor=None,
            action="clearance.alert",
            agency=ledger.clearance.agency,
            target=clearance,
            data={"burden": burden, "expiry": expiry, "recipients": len(recipients)},
        )
        if recipients:
            task_enqueue_with_write(email_send, subject=subject, body=body, to=recipients)
        sent += 1
    return sent


# --- population margins (decision 0040) ------------------------------------------------------


@transaction.atomic
def population_margin_save(
    *, actor: User, survey: Survey, variable: str, counts: Mapping[str, int]
) -> PopulationMargin:
    """Give (or replace) the survey's population counts for `variable`, audited.

    Every count is a whole number above zero, and the counts add up to the same population as
    the survey's other margins (no weights could meet margins of different populations).
    """
    if not counts or any(
        isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in counts.values()
    ):
        raise ValidationError(
            {"counts": _("Every count must be a whole number above zero.")}, code="not_positive"
        )
    total = sum(counts.values())
    others = {
        m.total for m in PopulationMargin.objects.filter(survey=survey).exclude(variable=variable)
    }
    if others and others != {total}:
        raise ValidationError(
            {
                "counts": _(
                    "These counts add up to %(total)s, but the survey's other margins add up "
                    "to %(other)s: every margin must count the same population."
                )
                % {"total": total, "other": min(others)}
            },
            code="totals_differ",
        )
    margin = (
        PopulationMargin.objects.select_for_update()
        .filter(survey=survey, variable=variable)
        .first()
    )
    if margin is None:
        return object_create(
            actor=actor,
            instance=PopulationMargin(
                agency=survey.agency, survey=survey, variable=variable, counts=dict(counts)
            ),
            action="survey.margin_create",
            agency=survey.agency,
        )
    object_update(
        actor=actor,
        instance=margin,
        fields={"counts": dict(counts)},
        action="survey.margin_update",
        agency=survey.agency,
    )
    return margin


@transaction.atomic
def population_margin_delete(*, actor: User, margin: PopulationMargin) -> None:
    """Remove one of a survey's margins, audited; results weight to the others, if any."""
    audit_record(
        actor=actor,
        action="survey.margin_delete",
        agency=margin.agency,
        target=margin.survey,
        data={"variable": margin.variable, "counts": margin.counts},
    )
    margin.delete()


# --- key driver analyses -------------------------------------------------------------------


def _drivers_queue(survey_id: int) -> None:
    from cxgov.surveys.tasks import drivers_compute_task

    task_enqueue_with_write(drivers_compute_task, survey_id=survey_id)


# Filtered analyses kept per survey: each new filter on the drivers page stores one, and every
# stored one is recomputed when responses change, so the oldest asked for are dropped. The
# unfiltered analyses (one per outcome, which the actions' suggestions read) are always kept.
DRIVER_RUNS_KEPT = 50


def _unfiltered(spec: Mapping[str, Any]) -> bool:
    filters = spec.get("filters") if isinstance(spec, Mapping) else None
    return not filters or not any(value not in (None, "") for value in filters.values())


def drivers_prune(*, survey: Survey, keep: int | None = None) -> int:
    """Delete the survey's filtered analyses beyond the `keep` (DRIVER_RUNS_KEPT) asked for
    most recently; returns how many were deleted. A page that asks again gets one anew."""
    limit = DRIVER_RUNS_KEPT if keep is None else keep
    filtered = [
        pk
        for pk, spec in DriverRun.objects.filter(survey=survey)
        .order_by("-requested_at", "-pk")
        .values_list("pk", "spec")
        if not _unfiltered(spec)
    ]
    old = filtered[max(limit, 1) :]
    if not old:
        return 0
    deleted, _detail = DriverRun.objects.filter(pk__in=old).delete()
    return deleted


# Analyses other apps need of every survey (the survey report's, one per fiscal year), named
# by functions of the survey that each app registers in its AppConfig.ready. The worker asks for
# the missing ones whenever responses change, so no page has to ask while it is read.
DriverSpecProvider = Callable[[Survey], Iterable[Mapping[str, Any]]]
_DRIVER_SPEC_PROVIDERS: list[DriverSpecProvider] = []


def drivers_spec_provider_register(provider: DriverSpecProvider) -> None:
    """Register a function giving the driver specs a survey should always have stored."""
    if provider not in _DRIVER_SPEC_PROVIDERS:
        _DRIVER_SPEC_PROVIDERS.append(provider)


def drivers_provided(*, survey: Survey) -> int:
    """Ask for the analyses the registered providers need and are not stored; returns how many
    were added (the caller computes them: `drivers_compute` runs this first)."""
    added = 0
    for provider in _DRIVER_SPEC_PROVIDERS:
        for spec in provider(survey):
            key = driver_spec_key(spec)
            _run, created = DriverRun.objects.get_or_create(
                survey=survey, key=key, defaults={"spec": dict(spec), "seed": driver_spec_seed(key)}
            )
            added += created
    return added


def drivers_request(*, survey: Survey, spec: Mapping[str, Any]) -> DriverRun:
    """Ask the worker for a driver analysis a page needs and has not got (no audit: nothing a
    person decided changes). One task serves every analysis of the survey waiting at once.
    Storing a new one drops the oldest filtered ones beyond DRIVER_RUNS_KEPT (`drivers_prune`)."""
    key = driver_spec_key(spec)
    with transaction.atomic():
        waiting = DriverRun.objects.filter(survey=survey, stale=True).exists()
        run, created = DriverRun.objects.get_or_create(
            survey=survey, key=key, defaults={"spec": dict(spec), "seed": driver_spec_seed(key)}
        )
        if created:
            drivers_prune(survey=survey)
            if not waiting:
                _drivers_queue(survey.pk)
    return run


def drivers_mark_stale(*, survey: Survey) -> None:
    """The survey's responses changed (a status, a deletion): its stored analyses and an
    employee survey's disclosure decision are out of date (call inside the write's
    transaction)."""
    _disclosure_ask(survey)
    driver_runs_mark_stale(survey=survey)


def _disclosure_ask(survey: Survey) -> None:
    """Have the worker make an employee survey's disclosure decision again
    (`results.disclosure.disclosure_decide`), one task per burst of responses."""
    if survey.is_employee and disclosure_claim(survey_id=survey.pk):
        from cxgov.surveys.tasks import disclosure_decide_task

        task_enqueue_with_write(disclosure_decide_task, survey_id=survey.pk)


def driver_runs_mark_stale(*, survey: Survey) -> None:
    """The survey's stored driver analyses are out of date (call inside the write's
    transaction). Queues the one task that recomputes them unless one is waiting, so a burst
    of responses is one recomputation; a survey's first counted responses ask for the analysis
    over all of them, which the actions' suggestions read.

    New responses are marked by the fold that adds them to the rollups, not by intake: the
    update locks the survey's analyses until commit, which would make concurrent responses to
    one survey wait for each other."""
    runs = DriverRun.objects.filter(survey=survey)
    waiting = runs.filter(stale=True).exists()
    if runs.update(stale=True, generation=F("generation") + 1):
        if not waiting:
            _drivers_queue(survey.pk)
        return
    # The compiled plan (kept per survey version) answers which questions there are: a survey
    # without drivers sends no query for them on each response.
    questions = survey_plan(survey).questions
    if not survey_has_drivers(survey=survey, questions=questions):
        return
    drivers = driver_questions(survey=survey, questions=questions)
    for outcome in outcome_questions(survey=survey, questions=questions):
        spec = driver_spec(outcome=outcome, drivers=drivers, filters=ResultFilters())
        key = driver_spec_key(spec)
        DriverRun.objects.get_or_create(
            survey=survey, key=key, defaults={"spec": spec, "seed": driver_spec_seed(key)}
        )
    _drivers_queue(survey.pk)


def drivers_compute(*, survey_id: int, provided: bool = True) -> int:
    """Recompute every stale analysis of the survey; returns how many were stored.

    First asks for the analyses other apps' providers need (`drivers_provided`) unless
    `provided` is false: a bulk load that computes before the planner statistics are fresh
    (the demo) leaves those to its own later step.

    Each result is stored only if no change came while it was computed (its `generation`);
    if one did, the task is queued again, so the newest responses are always computed once.
    """
    survey = Survey.objects.select_related("agency").filter(pk=survey_id).first()
    if survey is None:
        return 0
    stored = 0
    if provided:
        drivers_provided(survey=survey)
    waiting = list(DriverRun.objects.filter(survey=survey, stale=True).order_by("requested_at"))
    for run in waiting:
        payload = driver_payload(survey=survey, spec=run.spec, seed=run.seed or 0)
        stored += DriverRun.objects.filter(pk=run.pk, generation=run.generation).update(
            result=payload, stale=False, computed_at=timezone.now()
        )
    if DriverRun.objects.filter(survey=survey, stale=True).exists():
        _drivers_queue(survey.pk)
    return stored


def responses_months_purge(*, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Remove responses, their answers and submission ids of whole months older than
    settings.RESPONSE_RETENTION_MONTHS; rollups stay (decision 0074). 0 keeps them all."""
    return months_purge(
        tables=[
            (Submission, "response__submitted_at"),
            (Answer, "submitted_at"),
            (Response, "submitted_at"),
        ],
        months=settings.RESPONSE_RETENTION_MONTHS,
        action="responses.months_purge",
        now=now,
        dry_run=dry_run,
    )
