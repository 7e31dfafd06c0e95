"""Survey logic: pages, show-if conditions, skip rules, piping and option order.

Pure functions over a survey's questions, no database writes. A survey's questions are
compiled once into a `Plan` (cached per survey id and `updated_at`), and every entry point
(the page flow, the widget, the API, batches) walks the same plan, so a one-shot submission
obeys exactly the rules the pages apply.

A condition is `{}` (always), a leaf `{"question": key, "op": "in", "values": [...]}` (`op`
defaults to `in`; also `not_in`, `answered`, `not_answered`, `gte`, `lte`) or a group
`{"all": [condition, ...]}` / `{"any": [condition, ...]}`, nested freely.
"""

from __future__ import annotations

import random
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cxgov.surveys.models import (
    CHOICE_KINDS,
    LIKERT_LABELS,
    SCALE_RANGES,
    Question,
    QuestionKind,
    Survey,
)

OPS = ("in", "not_in", "answered", "not_answered", "gte", "lte")
VALUE_OPS = frozenset({"in", "not_in"})
NUMBER_OPS = frozenset({"gte", "lte"})
END = "end"
# Deeper nesting than this is refused: nobody needs it and it bounds evaluation.
MAX_DEPTH = 4
MAX_ITEMS = 50
CONTEXT_TOKENS = ("service", "agency", "channel")
TOKEN = re.compile(r"\{(answer|context)\.([A-Za-z0-9_-]{1,60})\}")
# Anything shaped like a token, to refuse what TOKEN does not know.
TOKEN_LIKE = re.compile(r"\{([a-z_]+)\.([^{}\s]*)\}")

Answers = Mapping[str, Sequence[Any]]


# --- conditions ----------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def condition_holds(condition: Mapping[str, Any] | None, answers: Answers) -> bool:
    """Whether a (checked) condition holds for answers given as key → list of values."""
    if not condition:
        return True
    if "all" in condition:
        return all(condition_holds(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(condition_holds(c, answers) for c in condition["any"])
    given = [str(v) for v in answers.get(condition.get("question", ""), ())]
    op = condition.get("op", "in")
    if op == "answered":
        return bool(given)
    if op == "not_answered":
        return not given
    wanted = [str(v) for v in condition.get("values", ())]
    if op in VALUE_OPS:
        found = any(v in wanted for v in given)
        return found if op == "in" else not found
    number = _number(given[0]) if len(given) == 1 else None
    bound = _number(wanted[0]) if wanted else None
    if number is None or bound is None:
        return False
    return number >= bound if op == "gte" else number <= bound


def condition_keys(condition: Mapping[str, Any] | None) -> set[str]:
    """Every question key a condition names."""
    if not condition:
        return set()
    if "all" in condition or "any" in condition:
        parts = condition.get("all", condition.get("any")) or []
        return set().union(*(condition_keys(c) for c in parts if isinstance(c, Mapping)))
    return {str(condition.get("question", ""))}


def condition_problem(condition: Any, *, depth: int = 0) -> str:
    """Why a condition is malformed, or "" when its shape is right (keys are checked apart)."""
    if condition in ({}, None):
        return "" if depth == 0 else _("A condition group cannot be empty.")
    if not isinstance(condition, Mapping):
        return _("A condition must be an object.")
    if depth > MAX_DEPTH:
        return _("Conditions can be nested at most %(n)s deep.") % {"n": MAX_DEPTH}
    groups = [name for name in ("all", "any") if name in condition]
    if groups:
        parts = condition[groups[0]]
        if len(groups) > 1 or len(condition) > 1:
            return _("A condition group has either “all” or “any”, nothing else.")
        if not isinstance(parts, list) or not parts or len(parts) > MAX_ITEMS:
            return _("A condition group lists from 1 to %(n)s conditions.") % {"n": MAX_ITEMS}
        for part in parts:
            problem = condition_problem(part, depth=depth + 1)
            if problem:
                return problem
        return ""
    if set(condition) - {"question", "op", "values"}:
        return _("A condition has only “question”, “op” and “values”.")
    if not isinstance(condition.get("question"), str) or not condition["question"]:
        return _("A condition must name an earlier question.")
    op = condition.get("op", "in")
    if op not in OPS:
        return _("Unknown condition operator “%(op)s”. Use one of: %(ops)s.") % {
            "op": str(op)[:20],
            "ops": ", ".join(OPS),
        }
    values = condition.get("values", [])
    if not isinstance(values, list) or len(values) > MAX_ITEMS:
        return _("A condition's values must be a list.")
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        return _("A condition's values must be words or whole numbers.")
    if op in VALUE_OPS and not values:
        return _("Give at least one answer the condition looks for.")
    if op in NUMBER_OPS and (len(values) != 1 or _number(values[0]) is None):
        return _("A “%(op)s” condition compares with exactly one number.") % {"op": op}
    return ""


# --- the plan ------------------------------------------------------------------------------


@dataclass
class Plan:
    """A survey's questions in answering order, grouped by page."""

    questions: list[Question]
    pages: list[int]
    by_page: dict[int, list[Question]]
    by_key: dict[str, Question]

    @property
    def multi_page(self) -> bool:
        return len(self.pages) > 1

    def page_after(self, page: int) -> int | None:
        later = [p for p in self.pages if p > page]
        return later[0] if later else None


def plan_compile(questions: Iterable[Question]) -> Plan:
    """The plan of these questions (hidden-context questions stay in it, never shown)."""
    ordered = sorted(questions, key=lambda q: (q.page, q.position, q.pk or 0))
    by_page: dict[int, list[Question]] = {}
    for question in ordered:
        by_page.setdefault(question.page, []).append(question)
    # A page of only hidden-context questions is never shown.
    pages = sorted(
        p for p, qs in by_page.items() if any(q.kind != QuestionKind.HIDDEN for q in qs)
    ) or [1]
    return Plan(
        questions=ordered,
        pages=pages,
        by_page=by_page,
        by_key={q.key: q for q in ordered},
    )


_CACHE: OrderedDict[tuple[int, str, str], Plan] = OrderedDict()
_CACHE_SIZE = 256


def survey_plan(survey: Survey) -> Plan:
    """The survey's plan, compiled once per survey version (`updated_at`) in this process."""
    key = (survey.pk, survey.public_id, survey.updated_at.isoformat() if survey.updated_at else "")
    plan = _CACHE.get(key)
    if plan is None:
        plan = plan_compile(survey.questions.all())
        _CACHE[key] = plan
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return plan


@dataclass
class Walk:
    """Where answers lead: the pages visited in order and the questions shown on them."""

    pages: list[int] = field(default_factory=list)
    shown: set[str] = field(default_factory=set)
    # The answers of shown questions only: what conditions and piping may see.
    answers: dict[str, list[Any]] = field(default_factory=dict)
    ended_early: bool = False


def _next_page(plan: Plan, page: int, answers: Answers) -> int | None:
    for question in plan.by_page.get(page, ()):
        for rule in question.skip_rules or ():
            if condition_holds(rule.get("when"), answers):
                target = rule.get("to_page")
                if target == END:
                    return None
                # A rule naming a page that has since gone goes to the next page there is.
                later = [p for p in plan.pages if p >= int(target)]
                return later[0] if later else None
    return plan.page_after(page)


def walk(plan: Plan, answers: Answers, *, until: int | None = None) -> Walk:
    """Follow the answers from the first page, through skip rules, to the end (or `until`).

    A question is shown when its page is visited and its condition holds on the answers of
    questions shown before it; the answers of questions not shown do not count.
    """
    result = Walk()
    page: int | None = plan.pages[0]
    while page is not None and page not in result.pages:
        result.pages.append(page)
        for question in plan.by_page.get(page, ()):
            if question.kind == QuestionKind.HIDDEN:
                continue
            if condition_holds(question.show_if, result.answers):
                result.shown.add(question.key)
                values = answers.get(question.key)
                if values:
                    result.answers[question.key] = list(values)
        if page == until:
            break
        after = _next_page(plan, page, result.answers)
        if after is None and page != plan.pages[-1]:
            result.ended_early = True
        page = after
    return result


def next_page(plan: Plan, page: int, answers: Answers) -> int | None:
    """The page after `page` for these answers (None: the survey ends there)."""
    return _next_page(plan, page, walk(plan, answers, until=page).answers)


def page_number(plan: Plan, page: int) -> int:
    """The page's place (1-based) among the survey's pages."""
    return plan.pages.index(page) + 1 if page in plan.pages else 1


# --- options, piping -----------------------------------------------------------------------


def question_options(question: Question) -> list[tuple[str, str]]:
    """(value, label) pairs in the page's language, in the survey's order."""
    kind = question.kind
    if kind == QuestionKind.LIKERT:
        return [(value, str(label)) for value, label in LIKERT_LABELS]
    if kind == QuestionKind.THUMBS:
        return [("1", _("Thumbs up: yes")), ("0", _("Thumbs down: no"))]
    if kind == QuestionKind.YES_NO:
        return [("1", _("Yes")), ("0", _("No"))]
    if kind == QuestionKind.NPS:
        return [(str(n), str(n)) for n in range(11)]
    if kind == QuestionKind.RATING_10:
        return [(str(n), str(n)) for n in range(1, 11)]
    return question.display_options()


def options_ordered(question: Question, *, seed: str) -> list[tuple[str, str]]:
    """The options as this respondent sees them: shuffled, stably per seed, when asked for."""
    options = question_options(question)
    if question.randomize_options and question.kind in CHOICE_KINDS and seed:
        random.Random(f"{seed}:{question.key}").shuffle(options)  # noqa: S311 (not security)
    return options


def _answer_label(question: Question, values: Sequence[Any]) -> str:
    labels = dict(question_options(question))
    if question.kind in SCALE_RANGES or question.kind in CHOICE_KINDS:
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    return ", ".join(str(v) for v in values)


def pipe(text: str, *, plan: Plan, answers: Answers, context: Mapping[str, str]) -> str:
    """Text with `{answer.KEY}` and `{context.NAME}` filled in; unknown or unanswered: blank.

    The result is plain text: templates escape it like any other.
    """
    if "{" not in text:
        return text

    def fill(match: re.Match[str]) -> str:
        kind, name = match.group(1), match.group(2)
        if kind == "context":
            return str(context.get(name, "")) if name in CONTEXT_TOKENS else ""
        question = plan.by_key.get(name)
        values = answers.get(name) or ()
        return _answer_label(question, values) if question is not None and values else ""

    filled = TOKEN_LIKE.sub(lambda m: fill(m) if TOKEN.fullmatch(m.group(0)) else "", text)
    # English shown for want of a translation stays marked as such (`core.i18n.Untranslated`).
    return type(text)(filled)


# --- checks when a question is saved ---------------------------------------------------------

# Kinds whose options have an order that means something: never shuffled.
ORDERED_KINDS = frozenset(SCALE_RANGES)


def _before(other: Question, question: Question) -> bool:
    return (other.page, other.position) < (question.page, question.position)


def question_logic_errors(question: Question, siblings: Sequence[Question]) -> dict[str, str]:
    """Problems with a question's logic among the survey's other questions, by field."""
    errors: dict[str, str] = {}
    others = {q.key: q for q in siblings if q.pk != question.pk or q.pk is None}
    others.pop(question.key, None)
    problem = condition_problem(question.show_if or {})
    if problem:
        errors["show_if"] = problem
    else:
        for key in sorted(condition_keys(question.show_if)):
            other = others.get(key)
            if other is None or not _before(other, question):
                errors["show_if"] = _(
                    "A condition can only use questions on earlier pages or earlier on the "
                    "same page; “%(key)s” is not one."
                ) % {"key": key[:60]}
                break
    rules = question.skip_rules or []
    if not isinstance(rules, list) or len(rules) > MAX_ITEMS:
        errors["skip_rules"] = _("Skip rules must be a list.")
        rules = []
    for rule in rules:
        if not isinstance(rule, Mapping) or set(rule) != {"when", "to_page"}:
            errors["skip_rules"] = _("Each skip rule has “when” and “to_page”.")
            break
        problem = condition_problem(rule["when"]) or (
            "" if rule["when"] else _("A skip rule needs a condition.")
        )
        if problem:
            errors["skip_rules"] = problem
            break
        target = rule["to_page"]
        if target != END and (
            isinstance(target, bool) or not isinstance(target, int) or target <= question.page
        ):
            errors["skip_rules"] = _(
                "A skip rule goes to a later page than this one (%(page)s) or to the end."
            ) % {"page": question.page}
            break
        for key in sorted(condition_keys(rule["when"])):
            other = others.get(key)
            if key != question.key and (other is None or other.page > question.page):
                errors["skip_rules"] = _(
                    "A skip rule can only use questions on this page or earlier ones; "
                    "“%(key)s” is not one."
                ) % {"key": key[:60]}
                break
    if question.randomize_options and question.kind not in CHOICE_KINDS:
        errors["randomize_options"] = _(
            "Only “Choose one” and “Choose any” questions can show options in random order: "
            "the order of a scale means something."
        )
    for name in ("text", "text_es", "help_text", "help_text_es"):
        for match in TOKEN_LIKE.finditer(getattr(question, name) or ""):
            kind, ref = match.group(1), match.group(2)
            earlier = others.get(ref)
            known = (kind == "context" and ref in CONTEXT_TOKENS) or (
                kind == "answer"
                and earlier is not None
                and earlier.page < question.page
                and earlier.kind != QuestionKind.HIDDEN
            )
            if not known:
                errors[name] = _(
                    "“%(token)s” cannot be filled in. Use {answer.KEY} with a question on an "
                    "earlier page, or {context.service}, {context.agency} or {context.channel}."
                ) % {"token": match.group(0)[:80]}
                break
    return errors
