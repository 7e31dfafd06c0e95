"""A survey as one JSON document: its JSON Schema, the checks beyond it, export and reading.

The document (`"format": "cxgov-survey/1"`) holds the survey's texts in English and Spanish,
its audience and its questions, each with every field of `DEFINITION_QUESTION_FIELDS`. The
schema is built here and kept in `docs/survey-definition.schema.json` (a test compares them).
Problems are reported as (JSON pointer, plain reason), never as a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from cxgov.surveys.models import (
    CHOICE_KINDS,
    CONTEXT_FIELDS,
    Audience,
    Question,
    QuestionKind,
    Survey,
)

FORMAT = "cxgov-survey/1"
SCHEMA_ID = "https://cxgov.example.gov/schemas/survey-definition.schema.json"
# Larger documents are refused before they are parsed (the staff upload and the API alike).
MAX_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 200
MAX_OPTIONS = 100
MAX_CONDITION_DEPTH = 8
# Nesting deeper than this is refused before the schema walks it (a condition nests at most
# MAX_CONDITION_DEPTH, inside a rule, inside a question, inside the document).
MAX_DEPTH = MAX_CONDITION_DEPTH * 2 + 8
MAX_PROBLEMS = 20
LEAF_OPS = ("in", "not_in", "answered", "not_answered", "gte", "lte")

_TEXT = {"type": "string"}


def _text(limit: int) -> dict[str, Any]:
    return {**_TEXT, "maxLength": limit}


def _count(maximum: int | None = None) -> dict[str, Any]:
    base: dict[str, Any] = {"type": ["integer", "null"]}
    return base | ({"minimum": 0, "maximum": maximum} if maximum else {})


_OPTION = {
    "type": "object",
    "required": ["value", "label"],
    "additionalProperties": False,
    "properties": {
        "value": {"type": "string", "minLength": 1, "maxLength": 200},
        "label": _text(300),
        "label_es": _text(300),
    },
}

# Each question field of the document: (the value it takes when left out, its schema). The
# model field of the same name stores it; fields the Question model lacks are skipped on export
# and import (`question_fields`).
DEFINITION_QUESTION_FIELDS: dict[str, tuple[Any, dict[str, Any]]] = {
    "key": ("", {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,60}$"}),
    "kind": ("", {"enum": list(QuestionKind.values)}),
    "text": ("", {**_text(500), "minLength": 1}),
    "text_es": ("", _text(500)),
    "help_text": ("", _text(300)),
    "help_text_es": ("", _text(300)),
    "required": (False, {"type": "boolean"}),
    "options": ([], {"type": "array", "maxItems": MAX_OPTIONS, "items": _OPTION}),
    "allow_other": (False, {"type": "boolean"}),
    "min_value": (None, {"type": ["integer", "null"], "minimum": -(2**31), "maximum": 2**31 - 1}),
    "max_value": (None, {"type": ["integer", "null"], "minimum": -(2**31), "maximum": 2**31 - 1}),
    "min_length": (None, _count(5000)),
    "max_length": (None, _count(5000)),
    "pattern": ("", _text(200)),
    "show_if": ({}, {"oneOf": [{"$ref": "#/$defs/condition"}, {"$ref": "#/$defs/no_condition"}]}),
    "context_field": ("", {"enum": ["", *CONTEXT_FIELDS]}),
    "scrub": (False, {"type": "boolean"}),
    "page": (1, {"type": "integer", "minimum": 1, "maximum": MAX_QUESTIONS}),
    "skip_rules": (
        [],
        {
            "type": "array",
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["when", "to_page"],
                "additionalProperties": False,
                "properties": {
                    "when": {"$ref": "#/$defs/condition"},
                    "to_page": {
                        "oneOf": [
                            {"type": "integer", "minimum": 1, "maximum": MAX_QUESTIONS},
                            {"const": "end"},
                        ]
                    },
                },
            },
        },
    ),
    "randomize_options": (False, {"type": "boolean"}),
}
REQUIRED_QUESTION_FIELDS = ("key", "kind", "text")
# The survey's own fields, in the order the document lists them.
SURVEY_TEXT_FIELDS = ("title", "title_es", "intro", "intro_es", "thank_you", "thank_you_es")


def question_fields() -> dict[str, Any]:
    """The document's question fields the Question model has, each with its default."""
    present = {f.name for f in Question._meta.get_fields()}
    return {
        name: default
        for name, (default, _schema) in DEFINITION_QUESTION_FIELDS.items()
        if name in present
    }


def _condition_schema() -> dict[str, Any]:
    leaf = {
        "type": "object",
        "required": ["question"],
        "additionalProperties": False,
        "properties": {
            "question": {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,60}$"},
            "op": {"enum": list(LEAF_OPS)},
            "values": {
                "type": "array",
                "maxItems": MAX_OPTIONS,
                "items": {"type": ["string", "integer"], "maxLength": 200},
            },
            "value": {"type": "number"},
        },
    }
    group = {
        "type": "array",
        "minItems": 1,
        "maxItems": 20,
        "items": {"$ref": "#/$defs/condition"},
    }
    return {
        "oneOf": [
            leaf,
            {
                "type": "object",
                "required": ["all"],
                "additionalProperties": False,
                "properties": {"all": group},
            },
            {
                "type": "object",
                "required": ["any"],
                "additionalProperties": False,
                "properties": {"any": group},
            },
        ]
    }


def definition_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a survey definition document."""
    question = {
        "type": "object",
        "required": list(REQUIRED_QUESTION_FIELDS),
        "additionalProperties": False,
        "properties": {name: schema for name, (_d, schema) in DEFINITION_QUESTION_FIELDS.items()},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cxgov survey definition",
        "description": "One survey: its texts in English and Spanish, audience and questions.",
        "type": "object",
        "required": ["format", "title", "questions"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "title": {**_text(200), "minLength": 1},
            "title_es": _text(200),
            "intro": _text(5000),
            "intro_es": _text(5000),
            "thank_you": _text(5000),
            "thank_you_es": _text(5000),
            "audience": {"enum": list(Audience.values)},
            "questions": {"type": "array", "maxItems": MAX_QUESTIONS, "items": question},
        },
        "$defs": {
            "condition": _condition_schema(),
            "no_condition": {"type": "object", "maxProperties": 0},
        },
    }


_VALIDATOR = Draft202012Validator(definition_schema())


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (a JSON pointer) and why."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


class DefinitionError(Exception):
    """A document that was not accepted, with every problem found (up to MAX_PROBLEMS)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems[:MAX_PROBLEMS]
        super().__init__("; ".join(str(p) for p in self.problems))


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _reason(error: SchemaError) -> str:
    """A schema error in plain words."""
    kind, expected = error.validator, error.validator_value
    if kind == "required":
        missing = [name for name in expected if name not in (error.instance or {})]
        return _("%(field)s is missing.") % {"field": ", ".join(missing)}
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = sorted(str(k) for k in error.instance if k not in known)[:5]
        return _("Unknown field: %(fields)s.") % {"fields": ", ".join(extra)}
    if kind == "type":
        types = expected if isinstance(expected, list) else [expected]
        return _("Must be %(type)s.") % {
            "type": _(" or ").join(_TYPE_NAMES.get(t, t) for t in types)
        }
    if kind in ("enum", "const"):
        allowed = expected if kind == "enum" else [expected]
        return _("Must be one of: %(values)s.") % {
            "values": ", ".join(json.dumps(v) for v in allowed[:20])
        }
    if kind == "maxLength":
        return _("Longer than %(n)s characters.") % {"n": expected}
    if kind == "minLength":
        return _("Must not be empty.")
    if kind == "maxItems":
        return _("More than %(n)s items.") % {"n": expected}
    if kind == "minItems":
        return _("Give at least %(n)s item.") % {"n": expected}
    if kind in ("minimum", "maximum"):
        return _("Must be between the allowed limits (%(kind)s %(n)s).") % {
            "kind": kind,
            "n": expected,
        }
    if kind == "pattern":
        return _("Use 1 to 60 letters, digits, dashes or underscores.")
    if kind == "maxProperties":
        return _("Must be an empty object or a condition.")
    if kind == "oneOf":
        if list(error.absolute_path)[-1:] == ["to_page"]:
            return _('Must be a page number or "end".')
        return _(
            'Not a valid condition: use {"question": key, "values": [...]}, a rule with "op", '
            'or {"all": [...]} / {"any": [...]}.'
        )
    return _("Not valid here.")


def _depth_ok(value: Any) -> bool:
    """Whether nesting stays within MAX_DEPTH (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def definition_parse(raw: bytes | str) -> dict[str, Any]:
    """The document in `raw` once it is valid JSON and passes `definition_check`."""
    if len(raw) > MAX_BYTES:
        raise DefinitionError(
            [Problem("", _("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // 1024 // 1024})]
        )
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        document = json.loads(text)
    except UnicodeDecodeError:
        raise DefinitionError([Problem("", _("The file is not UTF-8 text."))]) from None
    except RecursionError:
        raise DefinitionError([Problem("", _("The document nests too deeply."))]) from None
    except ValueError as error:
        raise DefinitionError(
            [Problem("", _("The file is not valid JSON: %(error)s.") % {"error": error})]
        ) from None
    definition_check(document)
    return document  # type: ignore[no-any-return]


def definition_check(document: Any) -> None:
    """Raise DefinitionError naming every problem: the schema's, then the checks it cannot
    express (unique keys and option values, conditions on earlier questions, page order)."""
    if not _depth_ok(document):
        raise DefinitionError([Problem("", _("The document nests too deeply."))])
    problems = [
        Problem(_pointer(error.absolute_path), _reason(error))
        for error in sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path))
    ]
    problems += _nul_problems(document)
    if not problems:
        problems = list(_semantic_problems(document))
    if problems:
        raise DefinitionError(problems)


_NUL = gettext_noop("The text contains a NUL character.")


def _nul_problems(document: Any) -> list[Problem]:
    """Each text holding a NUL character: no database stores one."""
    found: list[Problem] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(document, ())]
    while stack and len(found) < MAX_PROBLEMS:
        item, path = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            found.append(Problem(_pointer(path), _(_NUL)))
        elif isinstance(item, dict):
            for key, value in item.items():
                if "\x00" in key:
                    found.append(Problem(_pointer((*path, key)), _(_NUL)))
                stack.append((value, (*path, key)))
        elif isinstance(item, list):
            stack.extend((value, (*path, index)) for index, value in enumerate(item))
    return sorted(found, key=lambda problem: problem.pointer)


def _condition_leaves(condition: Mapping[str, Any], path: str) -> Iterator[tuple[str, dict]]:
    stack: list[tuple[Mapping[str, Any], str]] = [(condition, path)]
    while stack:
        item, where = stack.pop()
        for group in ("all", "any"):
            if group in item:
                stack.extend((c, f"{where}/{group}/{i}") for i, c in enumerate(item[group]))
        if "question" in item:
            yield where, dict(item)


def _condition_depth(condition: Mapping[str, Any]) -> int:
    depth, level = 0, [condition]
    while level:
        depth += 1
        level = [c for item in level for g in ("all", "any") for c in item.get(g, [])]
    return depth


def _condition_problems(
    condition: Mapping[str, Any], where: str, earlier: Mapping[str, Mapping[str, Any]]
) -> Iterator[Problem]:
    if _condition_depth(condition) > MAX_CONDITION_DEPTH:
        yield Problem(where, _("Conditions nest too deeply."))
        return
    for path, leaf in _condition_leaves(condition, where):
        target = earlier.get(leaf["question"])
        if target is None:
            yield Problem(
                path + "/question",
                _("“%(key)s” is not an earlier question.") % {"key": leaf["question"]},
            )
            continue
        op = leaf.get("op", "in")
        if op in ("in", "not_in") and not leaf.get("values"):
            yield Problem(path, _("Give the values the answer is compared with."))
        if op in ("gte", "lte") and "value" not in leaf:
            yield Problem(path, _("Give the number the answer is compared with."))


def _semantic_problems(document: Mapping[str, Any]) -> Iterator[Problem]:
    earlier: dict[str, Mapping[str, Any]] = {}
    last_page = 1
    employee = document.get("audience") == Audience.EMPLOYEE
    for index, question in enumerate(document["questions"]):
        where = f"/questions/{index}"
        key = question["key"]
        if key in earlier:
            yield Problem(where + "/key", _("The key “%(key)s” is used twice.") % {"key": key})
        kind = question["kind"]
        options = question.get("options", [])
        if kind in CHOICE_KINDS and not options:
            yield Problem(where + "/options", _("A choice question needs at least one option."))
        seen: set[str] = set()
        for number, option in enumerate(options):
            if option["value"] in seen:
                yield Problem(
                    f"{where}/options/{number}/value",
                    _("The option value “%(value)s” is used twice.") % {"value": option["value"]},
                )
            seen.add(option["value"])
        for low, high in (("min_value", "max_value"), ("min_length", "max_length")):
            low_value, high_value = question.get(low), question.get(high)
            if low_value is not None and high_value is not None and low_value > high_value:
                yield Problem(
                    f"{where}/{low}", _("Must not be more than %(high)s.") % {"high": high}
                )
        if question.get("pattern"):
            try:
                re.compile(question["pattern"])
            except re.error:
                yield Problem(where + "/pattern", _("Not a valid regular expression."))
        if kind == QuestionKind.EMAIL and employee:
            yield Problem(where + "/kind", _("Employee surveys do not collect email addresses."))
        if question.get("show_if"):
            yield from _condition_problems(question["show_if"], where + "/show_if", earlier)
        page = question.get("page", 1)
        # Hidden questions carry the link's context and are never shown, so their page is free.
        if kind != QuestionKind.HIDDEN:
            if page < last_page:
                yield Problem(
                    where + "/page", _("Pages must not go back: the page before is later.")
                )
            last_page = page
        # A skip rule is read once its own question is answered: it may name that question.
        here = {**earlier, key: question}
        for number, rule in enumerate(question.get("skip_rules", [])):
            rule_at = f"{where}/skip_rules/{number}"
            yield from _condition_problems(rule["when"], rule_at + "/when", here)
            if rule["to_page"] != "end" and rule["to_page"] <= page:
                yield Problem(rule_at + "/to_page", _("Skip forward: to a later page or “end”."))
        earlier[key] = question


def survey_definition(survey: Survey) -> dict[str, Any]:
    """The survey's definition document, every field written out (as `definition_parse`
    reads it back)."""
    fields = question_fields()
    return {
        "format": FORMAT,
        **{name: getattr(survey, name) for name in SURVEY_TEXT_FIELDS},
        "audience": survey.audience,
        "questions": [
            {name: getattr(question, name) for name in fields}
            for question in survey.questions.order_by("position", "id")
        ],
    }


def survey_fields_of(document: Mapping[str, Any]) -> dict[str, Any]:
    """The Survey fields a document sets."""
    return {
        **{name: document.get(name, "") for name in SURVEY_TEXT_FIELDS},
        "audience": document.get("audience", Audience.CUSTOMER),
    }


def question_values_of(question: Mapping[str, Any]) -> dict[str, Any]:
    """The Question fields one question of a document sets, defaults for those left out."""
    return {name: question.get(name, _copy(default)) for name, default in question_fields().items()}


def _copy(default: Any) -> Any:
    return type(default)() if isinstance(default, list | dict) else default


def definition_dumps(document: Mapping[str, Any]) -> str:
    """The document as the download writes it: stable key order, two-space indents."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
