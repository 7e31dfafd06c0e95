"""Checks one submission's answers against its survey's questions, with no database writes.

Every problem is reported by question key with a plain reason; nothing is half accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from cxgov.insights.scrub import scrub_text
from cxgov.surveys.logic import Plan, plan_compile, walk
from cxgov.surveys.models import (
    CHOICE_KINDS,
    SCALE_RANGES,
    TEXT_KINDS,
    TEXT_LIMIT,
    Question,
    QuestionKind,
)

# A submission may not carry more keys than this, whatever the survey.
MAX_KEYS = 200
OTHER_SUFFIX = "_other"


class SubmissionError(Exception):
    """A submission that was not stored, with one reason per field (or `__all__`)."""

    def __init__(self, errors: Mapping[str, str], *, code: str = "invalid") -> None:
        self.errors = dict(errors)
        self.code = code
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass
class CleanAnswer:
    """One typed value ready to become an Answer row."""

    question: Question
    value_int: int | None = None
    value_number: Decimal | None = None
    value_text: str = ""
    value_date: date | None = None
    note: str = ""


@dataclass
class CleanSubmission:
    answers: list[CleanAnswer] = field(default_factory=list)
    contact_email: str = ""


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        return int(value.strip())
    return None


def _values(raw: Any) -> list[Any]:
    """A raw answer as a list: forms send lists, JSON sends scalars or lists."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [v for v in raw if v not in ("", None)]
    if raw == "":
        return []
    return [raw]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _check_text(question: Question, text: str, *, scrub: bool) -> tuple[str, str]:
    """(clean text, error) for a text answer."""
    text = text.strip()
    limit = min(question.max_length or TEXT_LIMIT, TEXT_LIMIT)
    if len(text) > limit:
        return "", _("Use %(n)s characters or fewer.") % {"n": limit}
    if question.min_length and len(text) < question.min_length:
        return "", _("Use at least %(n)s characters.") % {"n": question.min_length}
    if "\x00" in text:
        return "", _("The answer contains characters that are not allowed.")
    if question.pattern:
        try:
            matches = re.fullmatch(question.pattern, text) is not None
        except re.error:
            matches = True
        if not matches:
            return "", _("The answer is not in the expected format.")
    return (scrub_text(text) if scrub else text), ""


def _check_one(
    question: Question, values: list[Any], raw: Mapping[str, Any], *, scrub_all: bool
) -> tuple[list[CleanAnswer], str]:
    kind = question.kind
    if kind in SCALE_RANGES:
        if len(values) != 1:
            return [], _("Choose one answer.")
        number = _as_int(values[0])
        low, high = SCALE_RANGES[kind]
        if number is None or not low <= number <= high:
            return [], _("Choose a whole number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
        return [CleanAnswer(question, value_int=number)], ""
    if kind in CHOICE_KINDS:
        allowed = {str(o["value"]) for o in question.options}
        if question.allow_other:
            allowed.add("other")
        if kind == QuestionKind.SINGLE and len(values) != 1:
            return [], _("Choose one answer.")
        chosen: list[str] = []
        for value in values:
            text = _text(value)
            if text is None or text not in allowed:
                return [], _("Choose from the options given.")
            if text not in chosen:
                chosen.append(text)
        other_text = _text(raw.get(question.key + OTHER_SUFFIX, "")) or ""
        note, error = _check_text(question, other_text, scrub=True) if other_text else ("", "")
        if error:
            return [], error
        return [
            CleanAnswer(question, value_text=v, note=note if v == "other" else "") for v in chosen
        ], ""
    if len(values) != 1:
        return [], _("Give one answer.")
    value = values[0]
    if kind in TEXT_KINDS:
        text = _text(value)
        if text is None:
            return [], _("Give the answer as text.")
        clean, error = _check_text(question, text, scrub=question.scrub or scrub_all)
        return ([CleanAnswer(question, value_text=clean)] if not error and clean else []), error
    if kind == QuestionKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return [], _("Enter a number.")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return [], _("Enter a number.")
        if not number.is_finite() or abs(number) >= Decimal(10) ** 13:
            return [], _("Enter a number.")
        if question.min_value is not None and number < question.min_value:
            return [], _("Enter %(n)s or more.") % {"n": question.min_value}
        if question.max_value is not None and number > question.max_value:
            return [], _("Enter %(n)s or less.") % {"n": question.max_value}
        return [CleanAnswer(question, value_number=number.quantize(Decimal("0.000001")))], ""
    if kind == QuestionKind.DATE:
        text = _text(value)
        try:
            day = date.fromisoformat(text.strip()) if text else None
        except ValueError:
            day = None
        if day is None:
            return [], _("Enter a date as YYYY-MM-DD.")
        return [CleanAnswer(question, value_date=day)], ""
    return [], _("This question cannot be answered directly.")


def submission_clean(
    *,
    questions: Sequence[Question],
    raw: Mapping[str, Any],
    employee: bool,
    plan: Plan | None = None,
    page: int | None = None,
) -> CleanSubmission:
    """Typed answers for a submission, or SubmissionError naming every problem.

    The survey's logic decides what is asked: answers to questions the respondent's path does
    not show (a false condition, a skipped page) are dropped, and only shown questions are
    required. With `page`, only that page's questions are checked (the page flow's Next).
    """
    if not isinstance(raw, Mapping):
        raise SubmissionError({"answers": _("Send the answers as an object of question keys.")})
    if len(raw) > MAX_KEYS:
        raise SubmissionError({"answers": _("Too many answers were sent.")})
    by_key = {q.key: q for q in questions}
    errors: dict[str, str] = {}
    for key in raw:
        base = key[: -len(OTHER_SUFFIX)] if key.endswith(OTHER_SUFFIX) else key
        question = by_key.get(key) or by_key.get(base)
        if question is None or question.kind == QuestionKind.HIDDEN:
            errors[str(key)[:80]] = _("There is no such question in this survey.")
    given = {key: _values(value) for key, value in raw.items()}
    plan = plan or plan_compile(questions)
    path = walk(plan, given, until=page)
    clean = CleanSubmission()
    for question in plan.questions:
        if question.kind == QuestionKind.HIDDEN:
            continue
        if page is not None and question.page != page:
            continue
        values = given.get(question.key, [])
        if question.key not in path.shown:
            # Not asked on this respondent's path: whatever came for it is discarded.
            continue
        if not values:
            if question.required:
                errors[question.key] = _("Answer this question.")
            continue
        if question.kind == QuestionKind.EMAIL:
            email = _text(values[0]) if len(values) == 1 else None
            if employee:
                errors[question.key] = _("Employee surveys do not collect email addresses.")
                continue
            try:
                validate_email((email or "").strip())
            except ValidationError:
                errors[question.key] = _("Enter an email address like name@example.com.")
                continue
            clean.contact_email = (email or "").strip()[:254]
            continue
        answers, error = _check_one(question, values, raw, scrub_all=employee)
        if error:
            errors[question.key] = error
        else:
            clean.answers.extend(answers)
    if errors:
        raise SubmissionError(errors)
    return clean
