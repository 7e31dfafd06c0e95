"""Every string the public can meet is translated in every language the site speaks.

The English-string test reads the pages it can render; error states, rarer paths and emails slip
past it. This test reads the code instead: it extracts the msgids of the public-side sources the
way makemessages does (gettext's `xgettext` for Python, with Django's keywords; Django's
`templatize` then `xgettext` for templates) and fails on each one left empty in a catalogue other
than English and Spanish (for a plural entry, any empty form). Spanish is checked whole by
scripts/check_translations.py.

How the source list is chosen: only code whose strings can reach a member of the public, a
complainant or a survey respondent. That is the public app itself (its views, forms, template
tags and languages middleware; not its tests or the operator's management commands), the
templates of the public site and what they include or extend (base, error pages, the PDF
document shell, the header, footer and form includes; not the staff-only includes nor the
signed-in session dialog), the complainant emails and their subjects, the survey invitation
message and PRA statement, the answers' validation and the options and piping of survey logic,
the complaint forms a person fills in, the refusals and notices the complaint and survey
services give a complainant or respondent, the published plan document, holiday names and
standard results the public pages show, the model choices those pages and emails show by their
labels, and the USWDS component strings and language tags the public templates load. Where a
module mixes public and staff code, only the named classes and functions count (e.g. the
complaint forms module's ComplaintForm but not its StaffComplaintForm). Open311
answers are left out: they speak the API's English by the GeoReport specification, and mark
nothing for translation. The few strings of these sources that only staff see (a signed-in
user's header, a survey preview, a staff email or refusal in a function that also answers the
public) are named in STAFF_ONLY with the reason.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import templatize

from cxgov.testing.catalogue import catalogue_path, entries

ROOT = Path(settings.BASE_DIR)

# The languages besides English and Spanish (decision 0061).
LANGUAGES = [code for code, _name in settings.LANGUAGES if code not in ("en", "es")]

# The keywords makemessages gives xgettext (django/core/management/commands/makemessages.py).
KEYWORDS = [
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext:1,2",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "pgettext_lazy:1c,2",
    "npgettext:1c,2,3",
    "npgettext_lazy:1c,2,3",
]


@dataclass(frozen=True)
class Scope:
    """The part of a module that reaches the public: only the named classes and functions, or
    the whole module but the named ones ("Outer.Inner" names a nested class)."""

    only: tuple[str, ...] = ()
    leave_out: tuple[str, ...] = ()


# Python sources: a glob, and the part of each file whose strings reach the public (None: the
# whole file).
PYTHON: list[tuple[str, Scope | None]] = [
    ("cxgov/public/*.py", None),
    ("cxgov/public/templatetags/*.py", None),
    (
        "cxgov/complaints/forms.py",
        Scope(
            only=(
                "MultipleFileInput",
                "MultipleFileField",
                "_own_detail",
                "ChosenContactForm",
                "ComplaintForm",
                "BarrierReportForm",
                "StatusLookupForm",
                "ReviewForm",
                "ReplyForm",
            )
        ),
    ),
    ("cxgov/complaints/tasks.py", Scope(only=("_subject",))),
    ("cxgov/surveys/validation.py", None),
    (
        "cxgov/surveys/logic.py",
        Scope(only=("question_options", "options_ordered", "_answer_label", "pipe")),
    ),
    ("cxgov/surveys/distribution.py", Scope(only=("pra_statement", "invitation_message"))),
    # Choice labels the public pages and complainant emails show (get_…_display, .label).
    (
        "cxgov/complaints/models.py",
        Scope(only=("Status", "Review", "ResponseCategory", "Message.Direction")),
    ),
    ("cxgov/registry/models.py", Scope(only=("ChannelKind",))),
    ("cxgov/standards/models.py", Scope(only=("ResultSource", "ThresholdUnit", "CalendarKind"))),
    ("cxgov/actions/models.py", Scope(only=("SourceKind",))),
    ("cxgov/standards/results.py", None),
    ("cxgov/core/calendar.py", None),
    ("cxgov/complaints/attachments.py", None),
    # The published plan, not its staff-side version diff.
    (
        "cxgov/plans/document.py",
        Scope(
            leave_out=(
                "DiffLine",
                "SectionDiff",
                "_context",
                "plan_diff",
                "_item_lines",
                "section_lines",
            )
        ),
    ),
    # What a respondent's submission can be refused with, and the quota's polite closing.
    (
        "cxgov/surveys/services.py",
        Scope(
            only=(
                "_resolve_context",
                "_check_access",
                "_access_code_check",
                "_valid_submission_id",
                "quota_cell_label",
                "quota_full_message",
            )
        ),
    ),
    # What a complainant's filing, review, reply or emailed message can be refused or told with.
    (
        "cxgov/complaints/services.py",
        Scope(
            only=(
                "_complaint_for_key",
                "complaint_create",
                "_postal_checked",
                "complaint_review",
                "_clean_text",
                "complaint_reply_add",
                "inbound_mail_receive",
                "complaint_merge",
            )
        ),
    ),
    ("cxgov/core/templatetags/uswds.py", None),
    ("cxgov/core/templatetags/translated.py", None),
    ("cxgov/core/templatetags/bidi.py", None),
]

TEMPLATES = [
    "templates/base.html",
    "templates/document.html",
    "templates/[0-9][0-9][0-9].html",
    "templates/403_csrf.html",
    "templates/public/**/*.html",
    "templates/includes/address_fields.html",
    "templates/includes/banner.html",
    "templates/includes/contact_form_fields.html",
    "templates/includes/field.html",
    "templates/includes/footer.html",
    "templates/includes/form.html",
    "templates/includes/form_errors.html",
    "templates/includes/header.html",
    "templates/includes/language_switch.html",
    "templates/includes/untranslated_note.html",
    "templates/complaints/email/acknowledgment.txt",
    "templates/complaints/email/response.txt",
    "templates/complaints/email/closure.txt",
    "templates/complaints/email/message.txt",
]


# Strings of the listed sources that only staff see, each with why.
STAFF_ONLY = {
    "The customer wrote about complaint %(number)s": "the email to staff of a customer's reply",
    "A complaint cannot be merged into itself.": "staff merge cases",
    "A duplicate must link to a complaint of the same agency.": "staff merge cases",
    "Only an open complaint can be merged into another. This one is %(status)s.": (
        "staff merge cases"
    ),
    "Complaint %(number)s is %(status)s: merge into the case that carries on.": (
        "staff merge cases"
    ),
    "Sign out": "the header shows it only to a signed-in user",
    "Preview: this is how the public sees the survey. Answers here are not saved.": (
        "shown only on a staff member's preview of a survey"
    ),
    "Preview only: the survey is not submitted from here.": (
        "shown only on a staff member's preview of a survey"
    ),
}


@dataclass(frozen=True)
class Extracted:
    """One msgid of the public-side sources, with where it is used."""

    msgid: str
    plural: bool
    places: tuple[str, ...]


def _files(patterns: list[str]) -> list[Path]:
    found: list[Path] = []
    for pattern in patterns:
        matched = sorted(p for p in ROOT.glob(pattern) if p.is_file())
        assert matched, f"the public source list names {pattern}, which matches nothing"
        found += [p for p in matched if p not in found]
    return found


def _xgettext(paths: list[Path], cwd: Path) -> str:
    keywords = [f"--keyword={k}" for k in KEYWORDS]
    done = subprocess.run(  # noqa: S603 - gettext's xgettext on the project's own sources
        ["xgettext", "--language=Python", "--from-code=UTF-8", "-k", *keywords, "-o", "-"]
        + [str(p.relative_to(cwd)) for p in paths],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _pot_entries(pot: str) -> list[tuple[str, bool, list[tuple[str, int]]]]:
    """msgid, whether it has a plural, and its `file:line` places, from xgettext's output."""
    found = []
    for block in pot.split("\n\n"):
        places: list[tuple[str, int]] = []
        parts: dict[str, list[str]] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#:"):
                for ref in line[2:].split():
                    name, _, number = ref.rpartition(":")
                    places.append((name, int(number)))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                parts[key].append(ast.literal_eval(line))
            elif line:
                key, _, rest = line.partition(" ")
                parts[key] = [ast.literal_eval(rest)]
        msgid = "".join(parts.get("msgid", []))
        if msgid:
            found.append((msgid, "msgid_plural" in parts, places))
    return found


def _lines(path: Path, scope: Scope | None) -> Callable[[int], bool]:
    """Whether a line of the module is in its public part."""
    if scope is None:
        return lambda line: True
    spans: dict[str, tuple[int, int]] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                spans[prefix + node.name] = (node.lineno, node.end_lineno or node.lineno)
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")).body, "")
    absent = set(scope.only + scope.leave_out) - set(spans)
    assert not absent, f"{path.relative_to(ROOT)} has no class or function {sorted(absent)}"
    only = [spans[name] for name in scope.only]
    left_out = [spans[name] for name in scope.leave_out]
    return lambda line: (
        (not only or any(a <= line <= b for a, b in only))
        and not any(a <= line <= b for a, b in left_out)
    )


def public_msgids(scratch: Path) -> dict[str, Extracted]:
    """Every msgid of the public-side sources, keyed by itself."""
    found: dict[str, Extracted] = {}

    def add(msgid: str, plural: bool, place: str) -> None:
        old = found.get(msgid)
        places = (*old.places, place) if old else (place,)
        found[msgid] = Extracted(msgid, plural or bool(old and old.plural), places)

    for pattern, scope in PYTHON:
        for path in _files([pattern]):
            if path.parent.name == "tests":
                continue
            public = _lines(path, scope)
            for msgid, plural, places in _pot_entries(_xgettext([path], ROOT)):
                for name, line in places:
                    if public(line):
                        add(msgid, plural, f"{name}:{line}")

    # Templates go through templatize, as makemessages does, into Python that xgettext reads.
    templatized = []
    for path in _files(TEMPLATES):
        relative = path.relative_to(ROOT)
        out = scratch / f"{relative}.py"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(relative)))
        templatized.append(out)
    for msgid, plural, places in _pot_entries(_xgettext(templatized, scratch)):
        for name, line in places:
            add(msgid, plural, f"{name.removesuffix('.py')}:{line}")
    for msgid in STAFF_ONLY:
        assert msgid in found, f"STAFF_ONLY names {msgid!r}, which no public source uses"
        del found[msgid]
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Extracted]:
    if shutil.which("xgettext") is None:
        pytest.fail("gettext's xgettext is needed to read the public strings (apt install gettext)")
    return public_msgids(tmp_path_factory.mktemp("templatized"))


def test_the_public_sources_hold_the_strings_that_were_missed(
    extracted: dict[str, Extracted],
) -> None:
    """The extraction reaches error states, rare paths and runtime-looked-up messages."""
    for msgid in (
        "We could not find a complaint with that tracking number and email address.",
        "Answer this if you chose “%(answers)s” for “%(question)s”.",
        "Thumbs up: yes",
        "From you",
        "This survey is not open yet.",
        "This survey is closed. Thank you for your interest.",
        "We received your complaint %(number)s",
        "No files selected.",
    ):
        assert msgid in extracted, msgid
    assert "Staff home" not in extracted


def _empty(language: str, wanted: dict[str, Extracted]) -> list[str]:
    by_msgid = {entry.msgid: entry for entry in entries(catalogue_path(language))}
    problems = []
    for msgid in sorted(wanted):
        entry = by_msgid.get(msgid)
        where = ", ".join(wanted[msgid].places[:3])
        if entry is None:
            problems.append(f"{language}: not in the catalogue: {msgid!r} ({where})")
        elif "fuzzy" in entry.flags or not all(entry.msgstrs):
            problems.append(f"{language}: not translated: {msgid!r} ({where})")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_string_is_translated(language: str, extracted: dict[str, Extracted]) -> None:
    """A public string left empty shows English to a person who chose another language."""
    problems = _empty(language, extracted)
    assert not problems, (
        f"{len(problems)} public strings are not translated in locale/"
        f"{catalogue_path(language).parent.parent.name}/LC_MESSAGES/django.po:\n"
        + "\n".join(problems)
    )


def test_placeholders_survive_translation(extracted: dict[str, Extracted]) -> None:
    """A translation keeps every placeholder of its English, or the page raises or lies."""
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%[sd]")
    problems = []
    for language in LANGUAGES:
        for entry in entries(catalogue_path(language)):
            if entry.msgid not in extracted or not all(entry.msgstrs):
                continue
            english = set(placeholder.findall(entry.msgid + entry.msgid_plural))
            for text in entry.msgstrs:
                if set(placeholder.findall(text)) - english:
                    problems.append(f"{language}: {entry.msgid!r} → {text!r}")
    assert not problems, "translations with placeholders the English lacks:\n" + "\n".join(problems)
