"""The logic editor of one question: its page, when it is shown and where its page skips to.

Plain rows (question, operator, values) so it works without JavaScript; conditions are built
one level deep ("all" or "any" of the rows), which is what the rows can express.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.surveys.logic import END
from cxgov.surveys.models import CHOICE_KINDS, Question, QuestionKind

CONDITION_ROWS = 4
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


def _leaves(condition: dict[str, Any] | None) -> tuple[str, list[dict[str, Any]]]:
    """("all" or "any", its leaf conditions) for the rows; a lone leaf is "all" of one."""
    if not condition:
        return "all", []
    for name in ("all", "any"):
        if name in condition:
            return name, [c for c in condition[name] if "question" in c]
    return "all", [condition]


class QuestionLogicForm(forms.Form):
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
            ("all", _("all of the conditions below hold")),
            ("any", _("any of the conditions below holds")),
        ],
        widget=forms.RadioSelect,
        initial="all",
    )

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        self._built: dict[str, Any] = {}
        others = [
            q
            for q in question.survey.questions.exclude(pk=question.pk).order_by(
                "page", "position", "id"
            )
            if q.kind != QuestionKind.HIDDEN
        ]
        # Labelled by the question's words: keys mean nothing to most editors.
        choices = [("", _("(no condition)"))] + [
            (q.key, _("Page %(page)s: %(text)s") % {"page": q.page, "text": q.text[:80]})
            for q in others
        ]
        # A skip rule may also look at this question's own answer.
        skip_choices = [
            *choices,
            (question.key, _("This question: %(text)s") % {"text": question.text[:80]}),
        ]
        targets = [("", _("(no skip)")), (END, _("The end of the survey"))] + [
            (str(n), _("Page %(n)s") % {"n": n}) for n in range(2, MAX_PAGE + 1)
        ]
        for prefix, rows in (("cond", CONDITION_ROWS), ("skip", SKIP_ROWS)):
            for n in range(1, rows + 1):
                self.fields[f"{prefix}_{n}_question"] = forms.ChoiceField(
                    label=_("Question"),
                    choices=skip_choices if prefix == "skip" else choices,
                    required=False,
                )
                self.fields[f"{prefix}_{n}_op"] = forms.ChoiceField(
                    label=_("Operator"), choices=OPERATORS, required=False, initial="in"
                )
                self.fields[f"{prefix}_{n}_values"] = forms.CharField(
                    label=_("Values"),
                    required=False,
                    max_length=200,
                    help_text=_("Option values or numbers separated by commas, like 4, 5."),
                )
                if prefix == "skip":
                    self.fields[f"skip_{n}_to"] = forms.ChoiceField(
                        label=_("Then go to"), choices=targets, required=False
                    )
        if question.kind not in CHOICE_KINDS:
            del self.fields["randomize_options"]
        self._initial_from(question)

    def _initial_from(self, question: Question) -> None:
        self.fields["page"].initial = question.page
        if "randomize_options" in self.fields:
            self.fields["randomize_options"].initial = question.randomize_options
        match, leaves = _leaves(question.show_if)
        self.fields["match"].initial = match
        for n, leaf in enumerate(leaves[:CONDITION_ROWS], start=1):
            self._row_initial(f"cond_{n}", leaf)
        for n, rule in enumerate((question.skip_rules or [])[:SKIP_ROWS], start=1):
            _match, rule_leaves = _leaves(rule.get("when"))
            if rule_leaves:
                self._row_initial(f"skip_{n}", rule_leaves[0])
                self.fields[f"skip_{n}_to"].initial = str(rule.get("to_page", ""))

    def _row_initial(self, prefix: str, leaf: dict[str, Any]) -> None:
        self.fields[f"{prefix}_question"].initial = leaf.get("question", "")
        self.fields[f"{prefix}_op"].initial = leaf.get("op", "in")
        self.fields[f"{prefix}_values"].initial = ", ".join(str(v) for v in leaf.get("values", []))

    def condition_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"cond_{n}_{part}"] for part in ("question", "op", "values")]
            for n in range(1, CONDITION_ROWS + 1)
        ]

    def skip_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"skip_{n}_{part}"] for part in ("question", "op", "values", "to")]
            for n in range(1, SKIP_ROWS + 1)
        ]

    def _leaf(self, prefix: str) -> dict[str, Any] | None:
        data = self.cleaned_data
        key = data.get(f"{prefix}_question")
        if not key:
            return None
        op = data.get(f"{prefix}_op") or "in"
        leaf: dict[str, Any] = {"question": key}
        if op != "in":
            leaf["op"] = op
        if op not in ("answered", "not_answered"):
            values = [v.strip() for v in (data.get(f"{prefix}_values") or "").split(",")]
            leaf["values"] = [v for v in values if v]
            if not leaf["values"]:
                self.add_error(f"{prefix}_values", _("Give the values this condition looks for."))
        return leaf

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for n in range(1, SKIP_ROWS + 1):
            if bool(data.get(f"skip_{n}_question")) != bool(data.get(f"skip_{n}_to")):
                self.add_error(
                    f"skip_{n}_to", _("A skip rule needs both a condition and a page to go to.")
                )
        if not self.errors:
            self._built = self._build()
        return data

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments of question_update: page, show_if, skip_rules, option order."""
        return self._built

    def _build(self) -> dict[str, Any]:
        leaves = [self._leaf(f"cond_{n}") for n in range(1, CONDITION_ROWS + 1)]
        found = [leaf for leaf in leaves if leaf is not None]
        show_if: dict[str, Any] = {}
        if len(found) == 1 and self.cleaned_data["match"] == "all":
            show_if = found[0]
        elif found:
            show_if = {self.cleaned_data["match"]: found}
        rules = []
        for n in range(1, SKIP_ROWS + 1):
            leaf = self._leaf(f"skip_{n}")
            target = self.cleaned_data.get(f"skip_{n}_to")
            if leaf is not None and target:
                rules.append({"when": leaf, "to_page": END if target == END else int(target)})
        fields: dict[str, Any] = {
            "page": self.cleaned_data["page"],
            "show_if": show_if,
            "skip_rules": rules,
        }
        if "randomize_options" in self.fields:
            fields["randomize_options"] = self.cleaned_data["randomize_options"]
        return fields
