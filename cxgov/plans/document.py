"""A plan snapshot as the reader sees it: localized sections, facts, and plain-text lines.

One renderer serves the public page, the PDF, the staff preview and the diff between
versions, so what is compared is exactly what is published. The snapshot keeps raw values
(codes, numbers, dates) and the authored texts as published, in every language they had then;
fixed words (labels, units, statuses) are translated here, in the page's language. An authored
text with no translation in that language shows its English marked `lang="en"` (a snapshot
from before the other languages were frozen has English and Spanish only).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cxgov.benchmarks.models import Metric, SourceKind
from cxgov.core.i18n import SOURCE_LANGUAGE, SPANISH, english_only, localized_frozen, page_language
from cxgov.plans.models import SectionKey
from cxgov.public.templatetags.cx_format import language_name, tel_href
from cxgov.registry.models import ChannelKind, OpeningHours
from cxgov.standards.models import ThresholdUnit
from cxgov.standards.results import STATUS_LABELS

# The timelines a complaint gets when the agency has set none (the SlaPolicy defaults).
DEFAULT_POLICY = {
    "acknowledge_business_days": 1,
    "respond_days": 15,
    "respond_in_business_days": False,
    "final_days": 60,
    "review_days": 30,
}


@dataclass
class Name:
    text: str
    lang: str = ""


@dataclass
class Fact:
    label: str
    value: str
    url: str = ""
    lang: str = ""  # "en" when the page shows English text the record has no translation for
    # The value as a list of names, each with its own language (a list of service names).
    names: list[Name] = field(default_factory=list)


@dataclass
class Item:
    heading: str
    facts: list[Fact] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    lang: str = ""


@dataclass
class Section:
    key: str
    title: str
    text: str
    text_lang: str  # set when the text is not in the page's language (English fallback)
    items: list[Item]
    steps: list[str]
    empty: str


@dataclass
class PlanDocument:
    title: str
    agency_name: str
    agency_slug: str
    mission: str
    year: int
    first_day: date
    last_day: date
    sections: list[Section]


def _lang(text: str) -> str:
    """ "en" for English shown on a page in another language."""
    return str(getattr(text, "lang", ""))


def _pick(record: dict[str, Any], name: str) -> str:
    """The record's `name` text in the page's language: Spanish from its `_es` key, another
    language from `translations` (snapshots since schema 2), else the English, `Untranslated`."""
    texts = {
        **(record.get("translations") or {}).get(name, {}),
        SPANISH: str(record.get(f"{name}_es") or ""),
    }
    return localized_frozen(str(record.get(name) or ""), texts)


def _headed(
    record: dict[str, Any], name: str, facts: list[Fact], children: list[Item] | None = None
) -> Item:
    """An item headed by the record's `name` text in the page's language (or English)."""
    heading = _pick(record, name)
    return Item(heading=heading, facts=facts, children=children or [], lang=_lang(heading))


def _text_fact(label: str, record: dict[str, Any], name: str) -> list[Fact]:
    """The record's `name` text as a fact in the page's language (or English); none if empty."""
    text = _pick(record, name)
    return [Fact(label, text, lang=_lang(text))] if text else []


def _english_fact(label: str, text: str, url: str = "") -> Fact:
    """A fact whose text is only written in English, marked so on other pages."""
    shown = english_only(text)
    return Fact(label, shown, url=url, lang=_lang(shown))


def _names_fact(label: str, pairs: list[list[Any]]) -> Fact:
    """Service names ([English, Spanish, {language: text}]; older snapshots have no third),
    each in the page's language or English."""
    names = []
    for english, spanish, *others in pairs:
        texts = {**(others[0] if others else {}), SPANISH: spanish}
        text = localized_frozen(english, texts)
        names.append(Name(text, _lang(text)))
    return Fact(label, ", ".join(name.text for name in names), names=names)


def _day(value: str | None) -> str:
    return formats.date_format(date.fromisoformat(value), "DATE_FORMAT") if value else ""


def _percent(share: float | None) -> str:
    if share is None:
        return ""
    return formats.number_format(share * 100, 1) + " %"


def _label(choices: Any, value: str | int) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _web(url: str | None) -> str:
    # Only web addresses become links: a record can never put a script URL on the page.
    return url if url and url.lower().startswith(("https://", "http://")) else ""


def _number(value: float) -> str:
    return formats.number_format(int(value) if float(value).is_integer() else value)


def _hours(channel: dict[str, Any], time_zone: str) -> str:
    if channel["always_open"]:
        return _("Open 24 hours, every day")
    by_day: dict[int, list[str]] = {}
    for weekday, opens, closes in channel["hours"]:
        span = "{}–{}".format(
            formats.time_format(time.fromisoformat(opens), "TIME_FORMAT"),
            formats.time_format(time.fromisoformat(closes), "TIME_FORMAT"),
        )
        by_day.setdefault(weekday, []).append(span)
    if not by_day:
        return ""
    # Runs of days with the same hours read as one line: "Monday to Friday: 9 a.m.–5 p.m.".
    runs: list[tuple[int, int, str]] = []
    for day, spans in sorted(by_day.items()):
        joined = ", ".join(spans)
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == joined:
            runs[-1] = (runs[-1][0], day, joined)
        else:
            runs.append((day, day, joined))
    days = []
    for first, last, joined in runs:
        name = _label(OpeningHours.Weekday, first)
        if last > first:
            name = _("%(first)s to %(last)s") % {
                "first": name,
                "last": _label(OpeningHours.Weekday, last),
            }
        days.append(f"{name}: {joined}")
    return _("%(days)s (time zone: %(zone)s)") % {"days": "; ".join(days), "zone": time_zone}


def _channel(channel: dict[str, Any], time_zone: str) -> Item:
    facts = [Fact(_("Type"), _label(ChannelKind, channel["kind"]))]
    if channel["phone"]:
        facts.append(Fact(_("Phone"), channel["phone"], url=tel_href(channel["phone"])))
    if channel["tty"]:
        facts.append(Fact(_("TTY or relay"), channel["tty"]))
    if channel["url"]:
        facts.append(Fact(_("Web address"), channel["url"], url=_web(channel["url"])))
    if channel["address"]:
        facts.append(Fact(_("Address"), channel["address"]))
    hours = _hours(channel, time_zone)
    if hours:
        facts.append(Fact(_("Hours"), hours))
        if channel["closed_on_federal_holidays"] and not channel["always_open"]:
            facts.append(Fact(_("Federal holidays"), _("Closed")))
    if channel["closures"]:
        closures = [
            f"{_day(day)} ({reason})" if reason else _day(day)
            for day, reason in channel["closures"]
        ]
        facts.append(Fact(_("Also closed on"), "; ".join(closures)))
    if channel["languages"]:
        names = ", ".join(language_name(code) for code in channel["languages"])
        facts.append(Fact(_("Languages"), names))
    facts += _text_fact(_("What to know"), channel, "instructions")
    return _headed(channel, "name", facts)


def _segments(snapshot: dict[str, Any]) -> list[Item]:
    items = []
    for segment in snapshot["segments"]:
        facts = []
        if segment["description"]:
            facts.append(_english_fact(_("Who they are"), segment["description"]))
        if segment["estimated_size"]:
            size = formats.number_format(segment["estimated_size"], force_grouping=True)
            facts.append(Fact(_("About how many"), size))
        if segment["services"]:
            facts.append(_names_fact(_("Services they use"), segment["services"]))
        items.append(_headed(segment, "name", facts))
    return items


def _services(snapshot: dict[str, Any]) -> list[Item]:
    zone = snapshot["agency"]["time_zone"]
    return [
        _headed(
            service,
            "name",
            _text_fact(_("What it is"), service, "description"),
            [_channel(channel, zone) for channel in service["channels"]],
        )
        for service in snapshot["services"]
    ]


def _result(latest: dict[str, Any] | None) -> str:
    if latest is None:
        return _("There are no results yet.")
    status = str(STATUS_LABELS.get(latest["status"], STATUS_LABELS["no_data"]))
    if latest["share"] is None:
        return f"{status}: {latest['label']}"
    detail = _(
        "%(share)s in %(period)s, out of %(n)s (95%% confidence interval %(low)s – %(high)s)."
    ) % {
        "share": _percent(latest["share"]),
        "period": latest["label"],
        "n": formats.number_format(latest["n"], force_grouping=True),
        "low": _percent(latest["ci_low"]),
        "high": _percent(latest["ci_high"]),
    }
    return f"{status}. {detail}"


def _standards(snapshot: dict[str, Any]) -> list[Item]:
    items = []
    for standard in snapshot["standards"]:
        facts = [
            *_text_fact(_("Service"), standard, "service"),
            Fact(
                _("Target"),
                _("%(target)s of the time") % {"target": _percent(float(standard["target"]))},
            ),
        ]
        if standard["threshold"] is not None:
            facts.append(
                Fact(
                    _("Time limit"),
                    "{} {}".format(
                        _number(standard["threshold"]),
                        _label(ThresholdUnit, standard["threshold_unit"]),
                    ),
                )
            )
        facts.append(Fact(_("Latest result"), _result(standard["latest"])))
        facts += _text_fact(_("How it is measured"), standard, "how_measured")
        items.append(_headed(standard, "statement", facts))
    return items


def _survey_dates(survey: dict[str, Any]) -> str:
    opens, closes = _day(survey["opens"]), _day(survey["closes"])
    if opens and closes:
        return _("From %(opens)s to %(closes)s") % {"opens": opens, "closes": closes}
    if opens:
        return _("From %(opens)s") % {"opens": opens}
    if closes:
        return _("Until %(closes)s") % {"closes": closes}
    return _("All year")


def _surveys(snapshot: dict[str, Any]) -> list[Item]:
    items = []
    for survey in snapshot["surveys"]:
        facts = [Fact(_("When"), _survey_dates(survey))]
        if survey["services"]:
            facts.append(_names_fact(_("About"), survey["services"]))
        items.append(_headed(survey, "title", facts))
    return items


def _source(choice: dict[str, Any]) -> Fact:
    url = _web(choice["url"])
    english = page_language().split("-")[0] == SOURCE_LANGUAGE
    if choice.get("source_kind") == SourceKind.ACSI and not english:
        # The published ACSI library's source is named by its importer, not by the agency:
        # its kind says the same in the page's language.
        return Fact(_("Source"), _label(SourceKind, SourceKind.ACSI), url=url)
    return _english_fact(_("Source"), choice["source"], url=url)


def _benchmarks(snapshot: dict[str, Any]) -> list[Item]:
    # The compared series, a source the agency named and the reason are in English only.
    return [
        _headed(
            choice,
            "service",
            [
                _english_fact(_("We compare with"), f"{choice['entity']}: {choice['series']}"),
                Fact(_("Measure"), _label(Metric, choice["metric"])),
                _source(choice),
                _english_fact(_("Why we chose it"), choice["reason"]),
            ],
        )
        for choice in snapshot["benchmarks"]
    ]


def _policy_steps(policy: dict[str, Any]) -> list[str]:
    acknowledge = policy["acknowledge_business_days"]
    respond = policy["respond_days"]
    final = policy["final_days"]
    review = policy["review_days"]
    if policy["respond_in_business_days"]:
        answer = ngettext(
            "We answer within %(days)s business day.",
            "We answer within %(days)s business days.",
            respond,
        ) % {"days": respond}
    else:
        answer = ngettext(
            "We answer within %(days)s day.", "We answer within %(days)s days.", respond
        ) % {"days": respond}
    return [
        _("Tell us what went wrong with our online complaint form."),
        ngettext(
            "We confirm we got it within %(days)s business day and give you a tracking number.",
            "We confirm we got it within %(days)s business days and give you a tracking number.",
            acknowledge,
        )
        % {"days": acknowledge},
        answer,
        ngettext(
            "If we need more time, we tell you why and finish within %(days)s day.",
            "If we need more time, we tell you why and finish within %(days)s days.",
            final,
        )
        % {"days": final},
        ngettext(
            "You then have %(days)s day to accept our answer or ask us to look again.",
            "You then have %(days)s days to accept our answer or ask us to look again.",
            review,
        )
        % {"days": review},
        _("You can check where your complaint is at any time with your tracking number."),
    ]


def _complaints(snapshot: dict[str, Any]) -> tuple[list[str], list[Item]]:
    policies = snapshot["complaint_policies"]
    general = next((p for p in policies if not p["service"] and not p["category"]), DEFAULT_POLICY)
    items = []
    for policy in policies:
        if policy is general:
            continue
        names = [name for name in (_pick(policy, "service"), _pick(policy, "category")) if name]
        # The heading is marked English only when every name in it is.
        lang = "en" if names and all(_lang(name) for name in names) else ""
        items.append(
            Item(
                heading=" · ".join(names),
                facts=[Fact(_("Steps"), " ".join(_policy_steps(policy)[1:5]))],
                lang=lang,
            )
        )
    return _policy_steps(general), items


_EMPTY = {
    SectionKey.CUSTOMERS: gettext_lazy("We have not described our customer groups yet."),
    SectionKey.SERVICES: gettext_lazy("We have not listed any services yet."),
    SectionKey.STANDARDS: gettext_lazy("We have not posted any service standards yet."),
    SectionKey.SURVEYS: gettext_lazy("No customer surveys are planned for this year yet."),
    SectionKey.BENCHMARKS: gettext_lazy("We have not chosen any benchmarks yet."),
    SectionKey.COMPLAINTS: "",
    SectionKey.TRAINING: "",
}


def plan_document(snapshot: dict[str, Any]) -> PlanDocument:
    """The snapshot rendered in the active language."""
    authored = snapshot.get("authored", {})
    builders = {
        SectionKey.CUSTOMERS: _segments,
        SectionKey.SERVICES: _services,
        SectionKey.STANDARDS: _standards,
        SectionKey.SURVEYS: _surveys,
        SectionKey.BENCHMARKS: _benchmarks,
    }
    sections = []
    for key in SectionKey:
        texts = authored.get(key.value, {})
        shown = localized_frozen(str(texts.get("en") or ""), texts)
        steps: list[str] = []
        if key == SectionKey.COMPLAINTS:
            steps, items = _complaints(snapshot)
        elif key in builders:
            items = builders[key](snapshot)
        else:
            items = []
        sections.append(
            Section(
                key=key.value,
                title=str(key.label),
                text=shown,
                text_lang=_lang(shown),
                items=items,
                steps=steps,
                empty=str(_EMPTY[key]) if not items and not steps else "",
            )
        )
    agency = snapshot["agency"]
    return PlanDocument(
        title=_("Customer service plan for fiscal year %(year)s") % {"year": snapshot["year"]},
        agency_name=_pick(agency, "name"),
        agency_slug=agency["slug"],
        mission=_pick(agency, "mission"),
        year=snapshot["year"],
        first_day=date.fromisoformat(snapshot["first_day"]),
        last_day=date.fromisoformat(snapshot["last_day"]),
        sections=sections,
    )


def _item_lines(item: Item, indent: str = "") -> list[str]:
    lines = [f"{indent}{item.heading}"]
    lines += [f"{indent}  {fact.label}: {fact.value}" for fact in item.facts]
    for child in item.children:
        lines += _item_lines(child, indent + "  ")
    return lines


def section_lines(section: Section) -> list[str]:
    """A section as plain-text lines: the text, then every record, then the steps."""
    lines = [line.strip() for line in section.text.splitlines() if line.strip()]
    for item in section.items:
        lines += _item_lines(item)
    lines += [f"{number}. {step}" for number, step in enumerate(section.steps, start=1)]
    return lines


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed", "skipped"
    text: str


@dataclass
class SectionDiff:
    title: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.kind in ("added", "removed") for line in self.lines)


CONTEXT_LINES = 2


def _context(same: list[str]) -> list[DiffLine]:
    # Long unchanged runs shrink to a few lines each side of a change, and a count.
    if len(same) <= 2 * CONTEXT_LINES + 1:
        return [DiffLine("same", text) for text in same]
    hidden = len(same) - 2 * CONTEXT_LINES
    skipped = ngettext(
        "%(count)s unchanged line not shown", "%(count)s unchanged lines not shown", hidden
    ) % {"count": hidden}
    return [
        *(DiffLine("same", text) for text in same[:CONTEXT_LINES]),
        DiffLine("skipped", skipped),
        *(DiffLine("same", text) for text in same[-CONTEXT_LINES:]),
    ]


def plan_diff(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    """Section by section, what changed from the old snapshot to the new, line by line."""
    before = plan_document(old).sections
    after = plan_document(new).sections
    diffs = []
    for old_section, new_section in zip(before, after, strict=True):
        a, b = section_lines(old_section), section_lines(new_section)
        lines: list[DiffLine] = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                lines += _context(a[i1:i2])
                continue
            lines += [DiffLine("removed", text) for text in a[i1:i2]]
            lines += [DiffLine("added", text) for text in b[j1:j2]]
        diffs.append(SectionDiff(title=new_section.title, lines=lines))
    return diffs
