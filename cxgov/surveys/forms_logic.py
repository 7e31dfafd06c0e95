"""The logic editor of one question: its page, when it is shown and where its page skips to.

Plain rows (question, operator, values) so it works without JavaScript. A condition is groups
of rows, two levels deep: "any" of groups whose rows must all hold, or "all" of groups of
which any row must hold, like (A and B) or C. A stored condition these rows cannot say exactly
(deeper, or shaped otherwise) is shown read-only and kept as it is on save.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.surveys.logic import END
from cxgov.surveys.models import CHOICE_KINDS, Question, QuestionKind

MAX_GROUPS = 10
MAX_GROUP_ROWS = 10
SKIP_ROWS = 3
MAX_PAGE = 50

OPERATORS = [
    ("in", _("is one of")),
    ("not_in", _("is none of")),
    ("answered", _("is answered")),
    ("not_answered", _("is not answered")),
    ("gte", _("is at least")),
    ("lte", _("is at most")),
]
_OPS = {op for op, _label in OPERATORS}
_NO_VALUES = ("answered", "not_answered")
_OTHER = {"all": "any", "any": "all"}
_LAYOUT = re.compile(r"\d{1,9}(,\d{1,9}){0,99}")
_LAYOUT_BROKEN = _(
    "The condition rows came back in a shape this page never sends. Open the page again."
)

Leaf = dict[str, Any]


def _row_of(leaf: Leaf) -> dict[str, str]:
    """A leaf as its row's three fields."""
    return {
        "question": str(leaf.get("question", "")),
        "op": str(leaf.get("op", "in")),
        "values": ", ".join(str(v) for v in leaf.get("values", []) or []),
    }


def _leaf_of(row: dict[str, str]) -> Leaf | None:
    """The leaf a row says (values not checked), None for an empty row."""
    if not row.get("question"):
        return None
    op = row.get("op") or "in"
    leaf: Leaf = {"question": row["question"]}
    if op != "in":
        leaf["op"] = op
    if op not in _NO_VALUES:
        leaf["values"] = [v.strip() for v in (row.get("values") or "").split(",") if v.strip()]
    return leaf


def condition_of(match: str, groups: list[list[Leaf]]) -> dict[str, Any]:
    """The condition the rows say: `match` of the groups, each group the other of its rows.

    A group of one row is that row's condition, and a lone row under "all" is the condition
    itself, which is what the editor always wrote for one row."""
    items: list[dict[str, Any]] = [
        group[0] if len(group) == 1 else {_OTHER[match]: group} for group in groups if group
    ]
    if not items:
        return {}
    if len(items) == 1 and match == "all" and "question" in items[0]:
        return items[0]
    return {match: items}


def _normal(condition: Any) -> Any:
    """A condition as the engine reads it: "in" spelled out, values as text."""
    if not isinstance(condition, dict):
        return condition
    for name in ("all", "any"):
        if name in condition and isinstance(condition[name], list):
            return {
                name: [_normal(c) for c in condition[name]],
                **{k: v for k, v in condition.items() if k != name},
            }
    values = condition.get("values", [])
    return {
        **condition,
        "op": condition.get("op", "in"),
        "values": [str(v) for v in values] if isinstance(values, list) else values,
    }


def groups_of(condition: Any, *, keys: set[str]) -> tuple[str, list[list[Leaf]]] | None:
    """(match, groups of leaves) that the rows show exactly, or None when they cannot.

    Exactly means: writing the rows back gives the same condition, every question is one the
    rows offer, and it fits the rows' limits."""
    if not condition:
        return "all", []
    if not isinstance(condition, dict):
        return None
    if "question" in condition:
        match, groups = "all", [[condition]]
    else:
        names = [name for name in ("all", "any") if name in condition]
        if len(names) != 1 or not isinstance(condition[names[0]], list):
            return None
        match, groups = names[0], []
        for part in condition[match]:
            if not isinstance(part, dict):
                return None
            inner = part.get(_OTHER[match])
            if "question" in part:
                groups.append([part])
            elif set(part) == {_OTHER[match]} and isinstance(inner, list):
                groups.append(list(inner))
            else:
                return None
    if len(groups) > MAX_GROUPS or any(not 0 < len(g) <= MAX_GROUP_ROWS for g in groups):
        return None
    leaves = [leaf for group in groups for leaf in group]
    if not all(
        isinstance(leaf, dict)
        and "question" in leaf
        and leaf.get("question") in keys
        and leaf.get("op", "in") in _OPS
        for leaf in leaves
    ):
        return None
    rebuilt = condition_of(match, [[_leaf_of(_row_of(leaf)) or {} for leaf in g] for g in groups])
    return (match, groups) if _normal(rebuilt) == _normal(condition) else None


class QuestionLogicForm(forms.Form):
    """Page, option order, the show-if rows in groups and the skip rules of one question.

    "Add a condition" / "Add a group" (submit buttons, `add_row` = group number, `add_group`)
    show the form again as typed with one more row, saving nothing: `rows_changed` is then
    true. The number of rows in each group travels in the hidden `layout` ("2,1")."""

    page = forms.IntegerField(
        label=_("Page"),
        min_value=1,
        max_value=MAX_PAGE,
        help_text=_("Questions with the same number are shown together; 1 is the first page."),
    )
    randomize_options = forms.BooleanField(
        label=_("Show the options in a different order to each person"),
        required=False,
        help_text=_("Only for “Choose one” and “Choose any” questions."),
    )
    match = forms.ChoiceField(
        label=_("Show this question when"),
        choices=[
            ("all", _("every group below holds; a group holds when any of its conditions does")),
            ("any", _("any group below holds; a group holds when all of its conditions do")),
        ],
        widget=forms.RadioSelect,
        initial="all",
    )

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self._built: dict[str, Any] = {}
        self.layout_problem = ""
        self.rows_changed = False
        questions = list(question.survey.questions.order_by("page", "position", "id"))
        others = [q for q in questions if q.pk != question.pk and q.kind != QuestionKind.HIDDEN]
        # A kept condition is described by text even where it names a hidden question.
        self._texts = {q.key: q.text for q in questions}
        # Labelled by the question's words: keys mean nothing to most editors.
        self._choices = choices = [("", _("(no condition)"))] + [
            (q.key, _("Page %(page)s: %(text)s") % {"page": q.page, "text": q.text[:80]})
            for q in others
        ]
        # A skip rule may also look at this question's own answer.
        skip_choices = [
            *choices,
            (question.key, _("This question: %(text)s") % {"text": question.text[:80]}),
        ]
        self._targets = [("", _("(no skip)")), (END, _("The end of the survey"))] + [
            (str(n), _("Page %(n)s") % {"n": n}) for n in range(2, MAX_PAGE + 1)
        ]
        stored = groups_of(question.show_if, keys={q.key for q in others})
        # None: shown read-only and kept on save, never replaced by rows that say less.
        self.condition_kept = None if stored is not None else question.show_if
        skip_keys = {q.key for q in others} | {question.key}
        self.skip_kept = None if self._skips_fit(question, skip_keys) else question.skip_rules
        if stored is not None:
            self.layout = self._layout(stored[1])
            self.fields["match"].initial = stored[0]
            for g, group in enumerate(stored[1], start=1):
                for r, leaf in enumerate(group, start=1):
                    self._add_row(f"cond_{g}_{r}", choices, _row_of(leaf))
            for g, rows in enumerate(self.layout, start=1):
                for r in range(1, rows + 1):
                    if f"cond_{g}_{r}_question" not in self.fields:
                        self._add_row(f"cond_{g}_{r}", choices, None)
        else:
            self.layout = []
            del self.fields["match"]
            self.fields["clear_condition"] = forms.BooleanField(
                label=_("Clear this condition: always show the question"), required=False
            )
        if self.skip_kept is not None:
            self.fields["clear_skip_rules"] = forms.BooleanField(
                label=_("Clear these skip rules"), required=False
            )
        else:
            rules = question.skip_rules or []
            for n in range(1, SKIP_ROWS + 1):
                rule = rules[n - 1] if n <= len(rules) else None
                self._add_row(f"skip_{n}", skip_choices, _row_of(rule["when"]) if rule else None)
                self.fields[f"skip_{n}_to"] = forms.ChoiceField(
                    label=_("Then go to"),
                    choices=self._targets,
                    required=False,
                    initial=str(rule["to_page"]) if rule else "",
                )
        self.fields["page"].initial = question.page
        if question.kind not in CHOICE_KINDS:
            del self.fields["randomize_options"]
        else:
            self.fields["randomize_options"].initial = question.randomize_options
        if self.is_bound and self.condition_kept is None:
            self._rows_change()

    def _skips_fit(self, question: Question, keys: set[str]) -> bool:
        """Whether the skip rows show the stored rules exactly: each "when" one row."""
        rules = question.skip_rules or []
        targets = {value for value, _label in self._targets}
        return len(rules) <= SKIP_ROWS and all(
            isinstance(rule, dict)
            and str(rule.get("to_page")) in targets
            and isinstance(rule.get("when"), dict)
            and "question" in rule["when"]
            and groups_of(rule["when"], keys=keys) is not None
            for rule in rules
        )

    def _add_row(
        self, prefix: str, choices: list[tuple[str, Any]], initial: dict[str, str] | None
    ) -> None:
        initial = initial or {}
        self.fields[f"{prefix}_question"] = forms.ChoiceField(
            label=_("Question"),
            choices=choices,
            required=False,
            initial=initial.get("question", ""),
            error_messages={
                "invalid_choice": _(
                    "Choose a question from the list: “%(value)s” is not one offered here."
                )
            },
        )
        self.fields[f"{prefix}_op"] = forms.ChoiceField(
            label=_("Operator"), choices=OPERATORS, required=False, initial=initial.get("op", "in")
        )
        self.fields[f"{prefix}_values"] = forms.CharField(
            label=_("Values"),
            required=False,
            max_length=200,
            initial=initial.get("values", ""),
            help_text=_("Option values or numbers separated by commas, like 4, 5."),
        )

    def _layout(self, stored: list[list[Leaf]]) -> list[int]:
        """Rows per group: as posted (checked, within the limits), else as stored."""
        default = [len(group) for group in stored] or [1]
        if not self.is_bound:
            return default
        posted = str(self.data.get("layout", ""))[:400]
        if not posted:
            return default
        if not _LAYOUT.fullmatch(posted):
            self.layout_problem = str(_LAYOUT_BROKEN)
            return default
        counts = [int(n) for n in posted.split(",")]
        if len(counts) > MAX_GROUPS:
            self.layout_problem = str(
                _("A condition has at most %(n)s groups.") % {"n": MAX_GROUPS}
            )
        elif any(n > MAX_GROUP_ROWS for n in counts):
            self.layout_problem = str(
                _("A group has at most %(n)s conditions.") % {"n": MAX_GROUP_ROWS}
            )
        elif 0 in counts:
            self.layout_problem = str(_LAYOUT_BROKEN)
        return [max(1, min(n, MAX_GROUP_ROWS)) for n in counts[:MAX_GROUPS]]

    def _rows_change(self) -> None:
        """ "Add a condition" or "Add a group": one more empty row, the rest as typed."""
        add_row, add_group = self.data.get("add_row"), self.data.get("add_group")
        if add_row is None and add_group is None:
            return
        if add_group is not None and len(self.layout) < MAX_GROUPS:
            self.layout.append(1)
        elif add_row is not None and str(add_row).isdigit() and len(str(add_row)) <= 3:
            g = int(add_row)
            if 1 <= g <= len(self.layout) and self.layout[g - 1] < MAX_GROUP_ROWS:
                self.layout[g - 1] += 1
        for g, rows in enumerate(self.layout, start=1):
            for r in range(1, rows + 1):
                if f"cond_{g}_{r}_question" not in self.fields:
                    self._add_row(f"cond_{g}_{r}", self._choices, None)
        self.rows_changed = True
        self.layout_problem = ""
        # Shown again as typed, without errors: nothing is saved yet.
        self.initial = {name: self[name].data for name in self.fields}
        self.data, self.is_bound = {}, False

    @property
    def layout_value(self) -> str:
        return ",".join(str(n) for n in self.layout)

    def condition_groups(self) -> list[dict[str, Any]]:
        """The groups of rows for the template: number, rows of bound fields, room for more."""
        return [
            {
                "number": g,
                "rows": [
                    [self[f"cond_{g}_{r}_{part}"] for part in ("question", "op", "values")]
                    for r in range(1, rows + 1)
                ],
                "can_add": rows < MAX_GROUP_ROWS,
            }
            for g, rows in enumerate(self.layout, start=1)
        ]

    @property
    def can_add_group(self) -> bool:
        return len(self.layout) < MAX_GROUPS

    def skip_rows(self) -> list[list[forms.BoundField]]:
        if self.skip_kept is not None:
            return []
        return [
            [self[f"skip_{n}_{part}"] for part in ("question", "op", "values", "to")]
            for n in range(1, SKIP_ROWS + 1)
        ]

    def describe(self, condition: Any) -> str:
        """A kept condition in words, by question text (keys mean nothing to most editors)."""
        if not isinstance(condition, dict) or not condition:
            return ""
        for name, word in (("all", _("all of")), ("any", _("any of"))):
            if name in condition and isinstance(condition[name], list):
                parts = "; ".join(self.describe(c) for c in condition[name])
                return f"{word} ({parts})"
        key = str(condition.get("question", ""))
        text = self._texts.get(key) or _("a question not offered here")
        op = dict(OPERATORS).get(str(condition.get("op", "in")), str(condition.get("op", "")))
        values = ", ".join(str(v) for v in condition.get("values", []) or [])
        return f"“{text}” {op} {values}".strip()

    @property
    def kept_condition_text(self) -> str:
        return self.describe(self.condition_kept)

    def kept_skip_rules(self) -> list[str]:
        """The kept skip rules in words."""
        targets = dict(self._targets)
        return [
            _("When %(condition)s, go to %(target)s")
            % {
                "condition": self.describe(rule.get("when")),
                "target": targets.get(str(rule.get("to_page")), str(rule.get("to_page"))),
            }
            for rule in (self.skip_kept or [])
            if isinstance(rule, dict)
        ]

    def _leaf(self, prefix: str) -> Leaf | None:
        data = self.cleaned_data
        leaf = _leaf_of(
            {part: data.get(f"{prefix}_{part}") or "" for part in ("question", "op", "values")}
        )
        if leaf is not None and leaf.get("values") == []:
            self.add_error(f"{prefix}_values", _("Give the values this condition looks for."))
        return leaf

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.layout_problem:
            raise forms.ValidationError(self.layout_problem)
        for n in range(1, SKIP_ROWS + 1 if self.skip_kept is None else 1):
            if bool(data.get(f"skip_{n}_question")) != bool(data.get(f"skip_{n}_to")):
                self.add_error(
                    f"skip_{n}_to", _("A skip rule needs both a condition and a page to go to.")
                )
        if not self.errors:
            self._built = self._build()
        return data

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments of question_update: page, show_if, skip_rules, option order;
        a condition or skip rules shown read-only are left out, so they stay as stored,
        unless the editor ticked to clear them."""
        return self._built

    def _build(self) -> dict[str, Any]:
        fields: dict[str, Any] = {"page": self.cleaned_data["page"]}
        if self.condition_kept is None:
            groups = [
                [leaf for r in range(1, rows + 1) if (leaf := self._leaf(f"cond_{g}_{r}"))]
                for g, rows in enumerate(self.layout, start=1)
            ]
            fields["show_if"] = condition_of(self.cleaned_data["match"], groups)
        elif self.cleaned_data.get("clear_condition"):
            fields["show_if"] = {}
        if self.skip_kept is None:
            rules = []
            for n in range(1, SKIP_ROWS + 1):
                leaf = self._leaf(f"skip_{n}")
                target = self.cleaned_data.get(f"skip_{n}_to")
                if leaf is not None and target:
                    rules.append({"when": leaf, "to_page": END if target == END else int(target)})
            fields["skip_rules"] = rules
        elif self.cleaned_data.get("clear_skip_rules"):
            fields["skip_rules"] = []
        if "randomize_options" in self.fields:
            fields["randomize_options"] = self.cleaned_data["randomize_options"]
        return fields
