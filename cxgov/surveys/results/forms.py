"""The results filter form: service, channel, segment, language, fiscal year and quarter (GET)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import Agency
from cxgov.registry.models import ChannelKind
from cxgov.surveys.models import NO_CATEGORY


class ResultFilterForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=None, required=False, empty_label=_("Any")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any")), *ChannelKind.choices], required=False
    )
    segment = forms.ModelChoiceField(
        label=_("Customer segment"), queryset=None, required=False, empty_label=_("Any")
    )
    language = forms.ChoiceField(
        label=_("Language of the answers"),
        choices=[("", _("Any")), ("en", _("English")), ("es", _("Spanish"))],
        required=False,
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("Fiscal year"), coerce=int, required=False, empty_value=None
    )
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", _("Whole year")),
            (1, _("Q1 (October to December)")),
            (2, _("Q2 (January to March)")),
            (3, _("Q3 (April to June)")),
            (4, _("Q4 (July to September)")),
        ],
    )

    def __init__(self, *args: Any, agency: Agency, fiscal_years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = agency.services.order_by("name")
        self.fields["segment"].queryset = agency.segments.order_by("name")
        self.fields["fiscal_year"].choices = [  # type: ignore[attr-defined]
            ("", _("All years")),
            *[(year, f"FY{year}") for year in fiscal_years],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("quarter") and not data.get("fiscal_year"):
            self.add_error("quarter", _("Choose a fiscal year to see one of its quarters."))
        return data


# More people than any US population: a count past this is a typing mistake.
MAX_COUNT = 10**10
# A count as typed: digits only (ASCII), perhaps signed, so "-5" is told it is not positive.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _line_read(
    line: str, *, number: int, allowed: set[str], counts: dict[str, int], variable: str
) -> tuple[str, int] | ValidationError:
    """One line's category and count, or the first problem with it."""

    def bad(message: str | Promise, code: str, **params: Any) -> ValidationError:
        return ValidationError(message, code=code, params={"line": number, **params})

    category, comma, amount = line.rpartition(",")
    category, amount = category.strip(), amount.strip()
    if not comma or not category:
        return bad(_("Line %(line)s is not “category, count”."), "malformed")
    if category not in allowed:
        message = _(
            "Line %(line)s: “%(category)s” is not a category of %(variable)s. Use one of: "
            "%(known)s."
        )
        known = ", ".join(sorted(allowed))
        return bad(message, "unknown_category", category=category, variable=variable, known=known)
    if category in counts:
        return bad(
            _("Line %(line)s: “%(category)s” is given twice."), "duplicate", category=category
        )
    if not _WHOLE_NUMBER.fullmatch(amount):
        return bad(
            _("Line %(line)s: “%(count)s” is not a whole number."), "not_a_number", count=amount
        )
    count = int(amount)
    if count <= 0:
        message = _("Line %(line)s: the count of “%(category)s” must be more than zero.")
        return bad(message, "not_positive", category=category)
    if count > MAX_COUNT:
        return bad(
            _("Line %(line)s: %(count)s is more people than any population."),
            "too_large",
            count=count,
        )
    return category, count


def margin_counts_parse(
    text: str, *, variable: str, known: Sequence[str], other_total: int | None
) -> dict[str, int]:
    """Lines of "category, count" as {category: count}, or a ValidationError per bad line.

    Every category must be one of `known` (or `none`), each given once, with a whole count
    above zero; and when the survey has other margins (`other_total`), the counts must add up
    to the same population.
    """
    counts: dict[str, int] = {}
    errors: list[ValidationError] = []
    allowed = {*known, NO_CATEGORY}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        read = _line_read(line, number=number, allowed=allowed, counts=counts, variable=variable)
        if isinstance(read, ValidationError):
            errors.append(read)
        else:
            category, count = read
            counts[category] = count
    if errors:
        raise ValidationError(errors)
    if not counts:
        raise ValidationError(_("Give at least one category and its count."), code="empty")
    total = sum(counts.values())
    if other_total is not None and total != other_total:
        raise ValidationError(
            _(
                "These counts add up to %(total)s, but the survey's other margins add up to "
                "%(other)s: every margin must count the same population."
            ),
            code="totals_differ",
            params={"total": total, "other": other_total},
        )
    return counts


class PopulationMarginForm(forms.Form):
    """A survey's population counts for one variable (staff form page)."""

    variable = forms.ChoiceField(label=_("Weight by"))
    counts = forms.CharField(
        label=_("Population counts"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One category a line: its name, a comma and how many people of the population it "
            "holds, without separators, e.g. “web, 120000”. Write “none” for responses without one."
        ),
    )

    def __init__(
        self,
        *args: Any,
        variables: Mapping[str, str],
        categories: Mapping[str, Sequence[str]],
        totals: Mapping[str, int],
        **kwargs: Any,
    ) -> None:
        """`variables` names each variable a margin can be given for, `categories` its known
        categories, `totals` the totals of the survey's margins already given."""
        super().__init__(*args, **kwargs)
        self.fields["variable"].choices = list(variables.items())  # type: ignore[attr-defined]
        self.categories = categories
        self.totals = totals

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        variable, text = cleaned.get("variable"), cleaned.get("counts")
        if not variable or text is None:
            return cleaned
        others = [total for name, total in self.totals.items() if name != variable]
        try:
            cleaned["counts"] = margin_counts_parse(
                text,
                variable=dict(self.fields["variable"].choices)[variable],  # type: ignore[attr-defined]
                known=self.categories.get(variable, ()),
                other_total=others[0] if others else None,
            )
        except ValidationError as error:
            self.add_error("counts", error)
        return cleaned
