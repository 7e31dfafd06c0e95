"""The Accessibility Conformance Report: every WCAG 2.2 A and AA criterion, judged and proved.

`CRITERIA` is the checked-in mapping: for each criterion, the conformance level claimed, the
remarks, the axe-core rules that check it (run in Chromium by the browser tests on every
public page) and the project's own tests that prove it (keyboard, reflow, forms). `acr_build`
(`cxgov acr_build`) writes it as GSA's OpenACR YAML (schema openacr-0.1.0, catalog
2.5-edition-wcag-2.2-en) to docs/accessibility/openacr.yaml; the public page
/accessibility/conformance/ renders the same data. Tests fail when the YAML is stale, when a
named test no longer exists, and when axe-core's rules for a criterion change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from itertools import pairwise
from pathlib import Path
from typing import Any

SUPPORTS = "supports"
PARTIALLY_SUPPORTS = "partially-supports"
DOES_NOT_SUPPORT = "does-not-support"
NOT_APPLICABLE = "not-applicable"
# The conformance terms of the OpenACR catalogs ("not-evaluated" is for level AAA only).
LEVELS = (SUPPORTS, PARTIALLY_SUPPORTS, DOES_NOT_SUPPORT, NOT_APPLICABLE)
CATALOG = "2.5-edition-wcag-2.2-en"
COMPONENT = "web"
AXE_VERSION = "4.14.1"
# Bump REPORT_VERSION and LAST_MODIFIED when a conformance level or remark changes.
REPORT_DATE = "2026-11-20"
LAST_MODIFIED = "2026-11-20"
REPORT_VERSION = 1
OUTPUT = Path("docs") / "accessibility" / "openacr.yaml"

# The tests named as evidence; a test checks each one exists.
_KEYBOARD = "cxgov/public/tests/test_browser_accessibility.py"
KEYBOARD_COMPLAINT = f"{_KEYBOARD}::test_complaint_flow_by_keyboard_only"
KEYBOARD_SURVEY = f"{_KEYBOARD}::test_survey_flow_by_keyboard_only"
REFLOW = f"{_KEYBOARD}::test_public_pages_reflow_at_320_px_and_200_percent_zoom"
AXE_ACCESSIBILITY = f"{_KEYBOARD}::test_accessibility_pages_have_no_axe_violations"
AXE_HOME = "cxgov/public/tests/test_browser.py::test_home_page_has_banner_and_no_axe_violations"
AXE_SPANISH = "cxgov/public/tests/test_browser.py::test_spanish_page_has_no_axe_violations"
AXE_NO_JS = "cxgov/public/tests/test_browser.py::test_pages_work_without_javascript"
AXE_EVERY_LANGUAGE = (
    "cxgov/public/tests/test_browser_every_language.py::"
    "test_every_public_page_has_no_axe_violations_without_javascript"
)
SESSION_WARNING = (
    "cxgov/public/tests/test_browser.py::test_idle_staff_are_warned_before_sign_out_and_can_stay"
)
AXE_COMPLAINT = (
    "cxgov/complaints/tests/test_browser.py::"
    "test_person_files_and_tracks_a_complaint_without_javascript"
)
FORM_ERRORS = (
    "cxgov/complaints/tests/test_browser.py::test_form_errors_are_announced_and_accessible"
)
AXE_SURVEY = (
    "cxgov/surveys/tests/test_browser_public.py::"
    "test_answer_without_javascript_page_by_page_asks_only_the_relevant_group"
)
_PAGES = "cxgov/public/tests/test_accessibility_pages.py"
FOOTER_HELP = f"{_PAGES}::test_every_public_page_links_to_the_accessibility_statement"
AUTOFILL = f"{_PAGES}::test_contact_fields_name_their_purpose_for_autofill"
ENGLISH_PARTS = f"{_PAGES}::test_english_remarks_on_spanish_pages_are_marked_as_english"


@dataclass(frozen=True)
class Criterion:
    """One WCAG 2.2 success criterion as this report judges it."""

    num: str
    handle: str
    level: str  # "A" or "AA"
    conformance: str
    remarks: str
    axe: tuple[str, ...] = ()
    tests: tuple[str, ...] = ()

    @property
    def notes(self) -> str:
        """The OpenACR remarks: the judgement, then the evidence."""
        parts = [self.remarks]
        if self.axe:
            rules = "rule" if len(self.axe) == 1 else "rules"
            parts.append(
                f"Checked by axe-core {AXE_VERSION} {rules} {', '.join(self.axe)} in Chromium."
            )
        if self.tests:
            parts.append(f"Tests: {', '.join(self.tests)}.")
        if not self.axe and not self.tests and self.conformance != NOT_APPLICABLE:
            parts.append(REVIEWED_BY_HAND)
        return " ".join(parts)


def _a(num: str, handle: str, conformance: str, remarks: str, **evidence: Any) -> Criterion:
    return Criterion(num, handle, "A", conformance, remarks, **evidence)


def _aa(num: str, handle: str, conformance: str, remarks: str, **evidence: Any) -> Criterion:
    return Criterion(num, handle, "AA", conformance, remarks, **evidence)


NO_MEDIA = "cxgov shows no audio or video."
REVIEWED_BY_HAND = "Reviewed by hand; no automated test checks this criterion."
_PUBLIC_AXE = (AXE_HOME, AXE_COMPLAINT, AXE_SURVEY, AXE_ACCESSIBILITY)

CRITERIA: tuple[Criterion, ...] = (
    _a(
        "1.1.1",
        "Non-text Content",
        SUPPORTS,
        "Images carry text alternatives; every chart is an SVG with a title and description, "
        "shown beside a table of its numbers.",
        axe=(
            "aria-meter-name",
            "aria-progressbar-name",
            "image-alt",
            "input-image-alt",
            "object-alt",
            "role-img-alt",
            "svg-img-alt",
        ),
        tests=_PUBLIC_AXE,
    ),
    _a(
        "1.2.1",
        "Audio-only and Video-only (Prerecorded)",
        NOT_APPLICABLE,
        NO_MEDIA,
    ),
    _a("1.2.2", "Captions (Prerecorded)", NOT_APPLICABLE, NO_MEDIA, axe=("video-caption",)),
    _a("1.2.3", "Audio Description or Media Alternative (Prerecorded)", NOT_APPLICABLE, NO_MEDIA),
    _a(
        "1.3.1",
        "Info and Relationships",
        SUPPORTS,
        "Pages use USWDS semantic markup: headings, lists, tables with header cells, labels "
        "tied to their fields and fieldsets with legends for groups of radio buttons.",
        axe=(
            "aria-hidden-body",
            "aria-required-children",
            "aria-required-parent",
            "definition-list",
            "dlitem",
            "list",
            "listitem",
            "td-headers-attr",
            "th-has-data-cells",
        ),
        tests=_PUBLIC_AXE,
    ),
    _a(
        "1.3.2",
        "Meaningful Sequence",
        SUPPORTS,
        "The reading and focus order follow the source order; the keyboard tests walk each "
        "public form in that order.",
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY),
    ),
    _a(
        "1.3.3",
        "Sensory Characteristics",
        SUPPORTS,
        "Instructions name fields and buttons by their text, never by shape, colour, size or "
        "position.",
    ),
    _a(
        "1.4.1",
        "Use of Color",
        SUPPORTS,
        "Links in text are underlined; errors, open or closed status and chart values are "
        "given in words as well as colour.",
        axe=("link-in-text-block",),
        tests=_PUBLIC_AXE,
    ),
    _a("1.4.2", "Audio Control", NOT_APPLICABLE, NO_MEDIA, axe=("no-autoplay-audio",)),
    _a(
        "2.1.1",
        "Keyboard",
        SUPPORTS,
        "Every control is a native link, button or form field. Keyboard-only tests file a "
        "complaint and answer a survey with Tab, Shift+Tab, Enter, Space and the arrow keys.",
        axe=("frame-focusable-content", "scrollable-region-focusable", "server-side-image-map"),
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY),
    ),
    _a(
        "2.1.2",
        "No Keyboard Trap",
        SUPPORTS,
        "Focus moves forward through every page and back with Shift+Tab; the staff session "
        "dialog closes with its buttons or Escape.",
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY),
    ),
    _a(
        "2.1.4",
        "Character Key Shortcuts",
        NOT_APPLICABLE,
        "cxgov defines no keyboard shortcuts.",
    ),
    _a(
        "2.2.1",
        "Timing Adjustable",
        PARTIALLY_SUPPORTS,
        "Public pages have no time limits. Staff sessions end after 30 idle minutes: with "
        "JavaScript a dialog warns two minutes before and one button extends the session, but "
        "without JavaScript there is no warning, and every staff session ends 12 hours after "
        "sign-in whatever the activity (both are security settings an agency may lengthen).",
        axe=("meta-refresh",),
        tests=(SESSION_WARNING,),
    ),
    _a(
        "2.2.2",
        "Pause, Stop, Hide",
        SUPPORTS,
        "Nothing moves, blinks, scrolls or updates by itself.",
        axe=("blink", "marquee"),
    ),
    _a(
        "2.3.1",
        "Three Flashes or Below Threshold",
        SUPPORTS,
        "Nothing on any page flashes.",
    ),
    _a(
        "2.4.1",
        "Bypass Blocks",
        SUPPORTS,
        "A 'Skip to main content' link is the first stop of the Tab key on every page, and "
        "the keyboard tests use it.",
        axe=("bypass",),
        tests=(KEYBOARD_COMPLAINT,),
    ),
    _a(
        "2.4.2",
        "Page Titled",
        SUPPORTS,
        "Every page has a title naming the page and the site.",
        axe=("document-title",),
        tests=_PUBLIC_AXE,
    ),
    _a(
        "2.4.3",
        "Focus Order",
        SUPPORTS,
        "Focus follows the visual order; after a failed submission the error summary links to "
        "each field in error.",
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY, FORM_ERRORS),
    ),
    _a(
        "2.4.4",
        "Link Purpose (In Context)",
        SUPPORTS,
        "Link text names where the link goes.",
        axe=("area-alt", "link-name"),
        tests=_PUBLIC_AXE,
    ),
    _a(
        "2.5.1",
        "Pointer Gestures",
        NOT_APPLICABLE,
        "No function needs a path-based or multipoint gesture.",
    ),
    _a(
        "2.5.2",
        "Pointer Cancellation",
        SUPPORTS,
        "Only native controls, which act on release of the pointer.",
    ),
    _a(
        "2.5.3",
        "Label in Name",
        SUPPORTS,
        "The accessible name of each field and button is its visible label.",
        axe=("label-content-name-mismatch",),
        tests=(KEYBOARD_COMPLAINT,),
    ),
    _a(
        "2.5.4",
        "Motion Actuation",
        NOT_APPLICABLE,
        "No function is worked by moving the device.",
    ),
    _a(
        "3.1.1",
        "Language of Page",
        SUPPORTS,
        "The html element names the page's language, in each of the twelve languages the site "
        "offers (English, and the others under their prefix such as /es/ or /zh-hans/); Arabic "
        'pages also carry dir="rtl".',
        axe=("html-has-lang", "html-lang-valid", "html-xml-lang-mismatch"),
        tests=(AXE_HOME, AXE_SPANISH, AXE_EVERY_LANGUAGE),
    ),
    _a(
        "3.2.1",
        "On Focus",
        SUPPORTS,
        "Focusing a control never submits a form or opens a page.",
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY),
    ),
    _a(
        "3.2.2",
        "On Input",
        SUPPORTS,
        "Choosing an answer only reveals the follow-up question on the same page; forms are "
        "sent with their button, and the language switcher is a link.",
        tests=(KEYBOARD_SURVEY,),
    ),
    _a(
        "3.2.6",
        "Consistent Help",
        SUPPORTS,
        "The footer of every page links, in the same order, to feedback, complaints and the "
        "accessibility statement with its barrier report form.",
        tests=(FOOTER_HELP,),
    ),
    _a(
        "3.3.1",
        "Error Identification",
        SUPPORTS,
        "A field in error is marked and described in text beside it, and an alert at the top "
        "of the form lists every error with a link to its field.",
        tests=(FORM_ERRORS,),
    ),
    _a(
        "3.3.2",
        "Labels or Instructions",
        SUPPORTS,
        "Every field has a visible label, required fields are marked, and hints give the "
        "expected format.",
        axe=("form-field-multiple-labels",),
        tests=_PUBLIC_AXE,
    ),
    _a(
        "3.3.7",
        "Redundant Entry",
        SUPPORTS,
        "No flow asks twice for what the person already gave: after filing, the status page "
        "opens without typing the tracking number again.",
        tests=(KEYBOARD_COMPLAINT,),
    ),
    _a(
        "4.1.1",
        "Parsing",
        SUPPORTS,
        "WCAG 2.2 removed this criterion as obsolete and treats it as always satisfied; it is "
        "listed because the VPAT 2.5 WCAG 2.2 catalog keeps it for WCAG 2.0 and 2.1 readers.",
    ),
    _a(
        "4.1.2",
        "Name, Role, Value",
        SUPPORTS,
        "Native HTML controls and USWDS components expose their name, role and state.",
        axe=(
            "area-alt",
            "aria-allowed-attr",
            "aria-braille-equivalent",
            "aria-command-name",
            "aria-conditional-attr",
            "aria-deprecated-role",
            "aria-hidden-body",
            "aria-hidden-focus",
            "aria-input-field-name",
            "aria-prohibited-attr",
            "aria-required-attr",
            "aria-roles",
            "aria-tab-name",
            "aria-toggle-field-name",
            "aria-tooltip-name",
            "aria-valid-attr-value",
            "aria-valid-attr",
            "button-name",
            "duplicate-id-aria",
            "frame-title-unique",
            "frame-title",
            "input-button-name",
            "input-image-alt",
            "label",
            "link-name",
            "nested-interactive",
            "select-name",
            "summary-name",
        ),
        tests=_PUBLIC_AXE,
    ),
    _aa("1.2.4", "Captions (Live)", NOT_APPLICABLE, NO_MEDIA),
    _aa("1.2.5", "Audio Description (Prerecorded)", NOT_APPLICABLE, NO_MEDIA),
    _aa(
        "1.3.4",
        "Orientation",
        SUPPORTS,
        "No page locks its orientation; public pages are checked in a 320 px wide portrait "
        "viewport.",
        tests=(REFLOW,),
    ),
    _aa(
        "1.3.5",
        "Identify Input Purpose",
        SUPPORTS,
        "Fields asking for the person's own name, email address and phone number carry "
        "autocomplete tokens.",
        axe=("autocomplete-valid",),
        tests=(AUTOFILL,),
    ),
    _aa(
        "1.4.3",
        "Contrast (Minimum)",
        SUPPORTS,
        "USWDS colours; text is at least 4.5:1 against its background.",
        axe=("color-contrast",),
        tests=_PUBLIC_AXE,
    ),
    _aa(
        "1.4.4",
        "Resize Text",
        SUPPORTS,
        "Public pages at 200% zoom keep all text and controls without horizontal scrolling.",
        axe=("meta-viewport",),
        tests=(REFLOW,),
    ),
    _aa(
        "1.4.5",
        "Images of Text",
        SUPPORTS,
        "Text is text; chart labels are SVG text.",
    ),
    _aa(
        "1.4.10",
        "Reflow",
        PARTIALLY_SUPPORTS,
        "Public pages fit a 320 px wide viewport without horizontal scrolling (checked on every "
        "public page kind). Staff pages are not checked at 320 px, and their wide data tables "
        "scroll sideways inside the page.",
        tests=(REFLOW,),
    ),
    _aa(
        "1.4.11",
        "Non-text Contrast",
        SUPPORTS,
        "USWDS field borders and the focus outline exceed 3:1; chart bars are USWDS primary "
        "blue on white.",
    ),
    _aa(
        "1.4.12",
        "Text Spacing",
        SUPPORTS,
        "No inline spacing styles; the content security policy forbids inline styles.",
        axe=("avoid-inline-spacing",),
        tests=_PUBLIC_AXE,
    ),
    _aa(
        "1.4.13",
        "Content on Hover or Focus",
        SUPPORTS,
        "No content appears on hover or focus except the browser's own title tooltips.",
    ),
    _aa(
        "2.4.5",
        "Multiple Ways",
        SUPPORTS,
        "Pages are reached from the main navigation, from each agency's page, from "
        "breadcrumbs and from the footer.",
    ),
    _aa(
        "2.4.6",
        "Headings and Labels",
        SUPPORTS,
        "Headings name their sections and labels name their fields.",
    ),
    _aa(
        "2.4.7",
        "Focus Visible",
        SUPPORTS,
        "USWDS draws a 4 px outline around the focused element; the keyboard tests check the "
        "outline on every stop.",
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY),
    ),
    _aa(
        "2.4.11",
        "Focus Not Obscured (Minimum)",
        SUPPORTS,
        "Nothing sticks over the content; the keyboard tests check that every focused element "
        "lies inside the viewport.",
        tests=(KEYBOARD_COMPLAINT, KEYBOARD_SURVEY),
    ),
    _aa(
        "2.5.7",
        "Dragging Movements",
        SUPPORTS,
        "No function needs dragging; questions in the survey builder move with buttons.",
    ),
    _aa(
        "2.5.8",
        "Target Size (Minimum)",
        SUPPORTS,
        "Buttons and form controls are at least 24 by 24 CSS pixels; links in sentences are "
        "exempt.",
        axe=("target-size",),
        tests=_PUBLIC_AXE,
    ),
    _aa(
        "3.1.2",
        "Language of Parts",
        PARTIALLY_SUPPORTS,
        "English passages on pages in other languages, such as this report's remarks, are "
        'marked lang="en", and so is an agency\'s text shown in English for want of a '
        "translation, with a note saying so. The published customer service plan and CX "
        "action plan documents are kept in English and Spanish only, so their English on "
        "pages in the other languages is not marked.",
        axe=("valid-lang",),
        tests=(ENGLISH_PARTS,),
    ),
    _aa(
        "3.2.3",
        "Consistent Navigation",
        SUPPORTS,
        "One page template gives every page the same header, navigation and footer in the "
        "same order.",
        tests=(FOOTER_HELP,),
    ),
    _aa(
        "3.2.4",
        "Consistent Identification",
        SUPPORTS,
        "The same function has the same name on every page.",
    ),
    _aa(
        "3.3.3",
        "Error Suggestion",
        SUPPORTS,
        "Each error message says what to enter, for example the expected email address form.",
        tests=(FORM_ERRORS,),
    ),
    _aa(
        "3.3.4",
        "Error Prevention (Legal, Financial, Data)",
        SUPPORTS,
        "No public page makes a legal commitment or a financial transaction; every field is "
        "checked and the form returned with its errors before anything is stored.",
        tests=(FORM_ERRORS,),
    ),
    _aa(
        "3.3.8",
        "Accessible Authentication (Minimum)",
        SUPPORTS,
        "Staff sign in with email and password, which password managers may fill and paste; "
        "the second step accepts a pasted code. There is no CAPTCHA.",
    ),
    _aa(
        "4.1.3",
        "Status Messages",
        SUPPORTS,
        'Success messages have role="status" and error summaries role="alert".',
        tests=(FORM_ERRORS,),
    ),
)


def criteria_by_level(level: str) -> list[Criterion]:
    return [criterion for criterion in CRITERIA if criterion.level == level]


def conformance_counts() -> tuple[int, int]:
    """(criteria supported, criteria that apply) among the A and AA criteria of this report."""
    applicable = [c for c in CRITERIA if c.conformance != NOT_APPLICABLE]
    return sum(c.conformance == SUPPORTS for c in applicable), len(applicable)


def known_limits() -> list[Criterion]:
    """The criteria not fully supported: the accessibility statement lists their remarks."""
    return [c for c in CRITERIA if c.conformance in (PARTIALLY_SUPPORTS, DOES_NOT_SUPPORT)]


def _product_version() -> str:
    try:
        return version("cxgov")
    except PackageNotFoundError:
        return "unknown"


def _chapter(level: str) -> dict[str, Any]:
    return {
        "criteria": [
            {
                "num": criterion.num,
                "components": [
                    {
                        "name": COMPONENT,
                        "adherence": {"level": criterion.conformance, "notes": criterion.notes},
                    }
                ],
            }
            for criterion in criteria_by_level(level)
        ]
    }


def report() -> dict[str, Any]:
    """The report as OpenACR data, in the schema's key order."""
    return {
        "title": "cxgov Accessibility Conformance Report",
        "product": {
            "name": "cxgov",
            "version": _product_version(),
            "description": (
                "Customer experience tools for public agencies: service inventory, standards, "
                "surveys, complaints, plans and reports, with a public site in English and "
                "Spanish and staff pages."
            ),
        },
        "author": {
            "name": "cxgov maintainers",
            "company_name": "cxgov",
            # Replace with the deployment's accessibility contact.
            "email": "accessibility@cxgov.invalid",
        },
        "report_date": REPORT_DATE,
        "last_modified_date": LAST_MODIFIED,
        "version": REPORT_VERSION,
        "notes": (
            "Covers the web pages of cxgov, public and staff, in English and Spanish. PDFs "
            "(plans, reports) are tagged PDF/UA-1 but are not evaluated here. Generated by "
            "`cxgov acr_build` from cxgov/public/acr.py; do not edit by hand."
        ),
        "evaluation_methods_used": (
            f"axe-core {AXE_VERSION} (WCAG 2.0, 2.1 and 2.2 A and AA rules) in Chromium on "
            "every public page kind, in English and Spanish, with and without JavaScript; "
            "keyboard-only Playwright tests of the complaint and survey flows (Tab, Shift+Tab, "
            "Enter, Space, arrow keys) checking focus visibility and position; a reflow check at "
            "320 CSS px and at 200% zoom; review by hand for the criteria no tool checks."
        ),
        "legal_disclaimer": (
            "This report describes the software as tested at the date above. Agencies that "
            "change templates, content or settings should test their own deployment."
        ),
        "license": "CC0-1.0",
        "repository": str(OUTPUT),
        "feedback": "/accessibility/report/",
        "catalog": CATALOG,
        "chapters": {
            "success_criteria_level_a": _chapter("A"),
            "success_criteria_level_aa": _chapter("AA"),
            "success_criteria_level_aaa": {
                "notes": "Level AAA is not claimed.",
                "disabled": True,
            },
        },
    }


def missing_tests(repository: Path) -> list[str]:
    """The tests named as evidence that no longer exist in `repository`."""
    missing = []
    for test in sorted({test for criterion in CRITERIA for test in criterion.tests}):
        path, _sep, name = test.partition("::")
        file = repository / path
        if not file.exists() or not re.search(
            rf"^def {re.escape(name)}\(", file.read_text(encoding="utf-8"), re.MULTILINE
        ):
            missing.append(test)
    return missing


# YAML: written here rather than with a YAML library, which the site does not otherwise need.
_PLAIN = re.compile(r"^[A-Za-z](?:[A-Za-z0-9 ._/-]*[A-Za-z0-9._/-])?$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_WIDTH = 92


def _scalar(value: Any, indent: int, first: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and len(text) < 60:
        return text
    quoted = _UNPRINTABLE.sub(_escape, json.dumps(text, ensure_ascii=False))
    return _fold(quoted, indent, first)


# Characters YAML does not allow raw, or reads as line breaks, inside a double-quoted scalar.
_UNPRINTABLE = re.compile(
    "[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _fold(quoted: str, indent: int, first: int) -> str:
    """Wrap a double-quoted scalar at single spaces; YAML folds each break back into a space.

    `first` is where the scalar starts on its first line, `indent` where later lines start.
    """
    words = quoted.split(" ")
    lines = [words[0]]
    for previous, word in pairwise(words):
        start = first if len(lines) == 1 else indent
        if previous and word and start + len(lines[-1]) + 1 + len(word) > _WIDTH:
            lines.append(word)
        else:
            lines[-1] += " " + word
    return f"\n{' ' * indent}".join(lines)


def _dump(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                out.append(f"{pad}{key}:")
                out.extend(_dump(item, indent + 2))
            else:
                lead = f"{pad}{key}: "
                out.append(lead + _scalar(item, indent + 2, len(lead)))
    else:
        for item in value:
            inner = _dump(item, indent + 2)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out.extend(inner[1:])
    return out


def report_yaml() -> str:
    """The report as OpenACR YAML text, byte for byte what `acr_build` writes."""
    header = "# Generated by `cxgov acr_build` from cxgov/public/acr.py. Do not edit by hand.\n"
    return header + "\n".join(_dump(report(), 0)) + "\n"
