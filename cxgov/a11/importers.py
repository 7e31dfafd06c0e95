"""Import response-level files into a survey: Touchpoints' A-11 v2 file, a Touchpoints form
export, or our own response CSV.

Every row is parsed and checked against the survey's questions first; any problem (row,
column, reason) rejects the whole file and nothing is stored. A good file is stored in one
transaction by `response_bulk_create`. Each response's submission id comes from the file's own
id column, so importing the same file again stores nothing new. Formats: docs/a11.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cxgov.a11.formats import (
    A11_V2_COLUMNS,
    DRIVER_ORDER,
    IMPORT_FORMATS,
    TOUCHPOINTS_FORM_META,
)
from cxgov.core.imports import FileRejectedError, ImportReport, RowError, Source, read_table
from cxgov.core.models import User
from cxgov.insights.fiscal import FiscalQuarter
from cxgov.surveys.models import (
    SCALE_RANGES,
    Question,
    QuestionKind,
    ResponseSource,
    Survey,
)
from cxgov.surveys.selectors import RESPONSE_CONTEXT_COLUMNS, submission_ids_stored
from cxgov.surveys.services import BulkResponse, SubmissionContext, response_bulk_create
from cxgov.surveys.validation import SubmissionError, submission_clean

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CXGOV_CONTEXT = ("service", "channel", "location_code")
# Our own response export (cxgov.surveys.selectors.responses_csv_rows) before the question keys;
# a file may give the day alone as submitted_date.
CXGOV_META = ("response_id", *RESPONSE_CONTEXT_COLUMNS, "submitted_date")
_LABELS = {"responses": _("Responses"), "skipped": _("Rows skipped (spam, flagged or deleted)")}


def _report(*, dry_run: bool) -> ImportReport:
    return ImportReport(dry_run=dry_run, kinds=dict(_LABELS))


class _DryRunError(Exception):
    """Raised inside the transaction of a dry run so that nothing it wrote stays."""


@dataclass
class _Row:
    line: int
    submission_id: str
    answers: dict[str, Any]
    context: SubmissionContext
    submitted_at: datetime
    # Question key -> the file column it came from, to name columns in errors.
    columns: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _ResponseFile:
    """A response file read into rows, with what every format's parser needs beside them."""

    survey: Survey
    header: list[str]
    rows: list[tuple[int, list[str]]]
    # The context every response starts from (the import's service and channel).
    base: SubmissionContext
    # Where parsers count skipped rows and add each row's errors.
    report: ImportReport
    # When the responses were collected, for a format without dates (the A-11 v2 file).
    when: datetime | None = None


def _table(
    data: Source, *, twice_ok: frozenset[str] = frozenset()
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header as written and the non-blank rows, read by the shared import framework."""
    seen: set[str] = set()

    def name(cell: str) -> str:
        # Our own export names the context columns twice (the response's, then the hidden
        # question's); the second copy repeats the first and is marked to be ignored.
        cell = cell.strip()
        if cell in twice_ok and cell in seen:
            return f"{cell} (question)"
        seen.add(cell)
        return cell

    table = read_table(data, normalise=name, allow_empty=True)
    return table.columns, [(row.number, row.raw) for row in table.rows]


def submission_id_for(external_id: str) -> str:
    """The submission id a file's own id becomes: itself when it fits, else a stable hash."""
    external_id = external_id.strip()
    if _ID.fullmatch(external_id):
        return external_id
    return "x" + hashlib.sha256(external_id.encode()).hexdigest()[:40]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _parse_time(text: str) -> datetime | None:
    """A timestamp as Touchpoints (Ruby), ISO 8601 or US date-only text writes it; naive is UTC."""
    text = text.strip()
    if not text:
        return None
    found: datetime | None = None
    candidates = (text, text.replace(" UTC", "+00:00"))
    for candidate in candidates:
        try:
            found = datetime.fromisoformat(candidate)
            break
        except ValueError:
            continue
    if found is None:
        for pattern in ("%Y-%m-%d %H:%M:%S %z", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"):
            try:
                found = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if found is None or not 1990 <= found.year <= 2200:
        return None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    padded = cells + [""] * (len(header) - len(cells))
    return {name: value for name, value in zip(header, padded, strict=False) if name}


# --- Touchpoints A-11 v2 --------------------------------------------------------------------


def _a11_v2_questions(survey: Survey) -> dict[str, Question]:
    by_key = {q.key: q for q in survey.questions.all()}
    trust, well, poorly = by_key.get("trust"), by_key.get("went_well"), by_key.get("went_poorly")
    if (
        trust is None
        or trust.kind not in (QuestionKind.THUMBS, QuestionKind.LIKERT)
        or well is None
        or well.kind != QuestionKind.MULTIPLE
        or poorly is None
        or poorly.kind != QuestionKind.MULTIPLE
    ):
        raise FileRejectedError(
            gettext(
                "this survey is not an A-11 v2 survey: it needs a trust question (thumbs or 5 "
                "points) and the questions “What went well?” and “What didn't go so well?”"
            )
        )
    return by_key


def _reveals(question: Question, trust_value: str) -> bool:
    condition = question.show_if or {}
    if not condition.get("question"):
        return True
    return trust_value in {str(v) for v in condition.get("values", [])}


def _parse_a11_v2(source: _ResponseFile) -> list[_Row]:
    header, when, errors = source.header, source.when, source.report.errors
    missing = [c for c in A11_V2_COLUMNS if c not in header]
    extra = [c for c in header if c and c not in A11_V2_COLUMNS]
    if missing or extra:
        problems = []
        if missing:
            problems.append(gettext("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if extra:
            problems.append(gettext("unexpected columns: %(names)s") % {"names": ", ".join(extra)})
        raise FileRejectedError(
            "; ".join(problems)
            + gettext(" (the Touchpoints A-11 v2 file has exactly these 17 columns: %(cols)s)")
            % {"cols": ", ".join(A11_V2_COLUMNS)}
        )
    if when is None:
        raise FileRejectedError(
            gettext(
                "this format has no dates: give the fiscal year and quarter the responses were "
                "collected in"
            )
        )
    by_key = _a11_v2_questions(source.survey)
    trust_question, well, poorly = by_key["trust"], by_key["went_well"], by_key["went_poorly"]
    comments = by_key.get("comments")
    parsed: list[_Row] = []
    for line, cells in source.rows:
        row = _cells(header, cells)
        before = len(errors)
        external_id = row["external_id"].strip()
        if not external_id:
            errors.append(RowError(line, "external_id", gettext("give each response its id")))
        elif len(external_id) > 200:
            errors.append(
                RowError(line, "external_id", gettext("use an id of at most 200 characters"))
            )
        trust = row["question_1"].strip()
        low, high = SCALE_RANGES[trust_question.kind]
        if trust not in {str(v) for v in range(low, high + 1)}:
            errors.append(
                RowError(
                    line,
                    "question_1",
                    gettext("use a whole number from %(low)s to %(high)s")
                    % {"low": low, "high": high},
                )
            )
            trust = ""
        answers: dict[str, Any] = {"trust": trust} if trust else {}
        columns = {"trust": "question_1", "comments": "question_4"}
        for sign, question in (("positive", well), ("negative", poorly)):
            offered = {str(o["value"]) for o in question.options}
            chosen = []
            for driver in DRIVER_ORDER:
                column = f"{sign}_{driver}"
                value = row[column].strip().lower()
                if value not in ("1", "0", "null", ""):
                    errors.append(
                        RowError(
                            line,
                            column,
                            gettext("use 1 (chosen), 0 (not chosen) or null (not offered)"),
                        )
                    )
                elif value == "1":
                    if driver not in offered:
                        errors.append(
                            RowError(
                                line,
                                column,
                                gettext("this survey's question “%(q)s” does not offer “%(o)s”")
                                % {"q": question.text, "o": driver},
                            )
                        )
                    elif trust and not _reveals(question, trust):
                        errors.append(
                            RowError(
                                line,
                                column,
                                gettext(
                                    "chosen, but this survey asks “%(q)s” only after "
                                    "another answer to question_1 than %(v)s"
                                )
                                % {"q": question.text, "v": trust},
                            )
                        )
                    else:
                        chosen.append(driver)
                        columns.setdefault(question.key, column)
            if chosen:
                answers[question.key] = chosen
        text = row["question_4"]
        if text.strip():
            if comments is None or comments.kind not in (
                QuestionKind.LONG_TEXT,
                QuestionKind.SHORT_TEXT,
            ):
                errors.append(
                    RowError(
                        line,
                        "question_4",
                        gettext("this survey has no comments question to hold this text"),
                    )
                )
            else:
                answers["comments"] = text
        if len(errors) == before:
            parsed.append(
                _Row(
                    line=line,
                    submission_id=submission_id_for(external_id),
                    answers=answers,
                    context=_copy(source.base),
                    submitted_at=when,
                    columns=columns,
                )
            )
    return parsed


def _copy(base: SubmissionContext, **changes: str) -> SubmissionContext:
    values = {
        "source": ResponseSource.IMPORT,
        "language": base.language,
        "service": base.service,
        "channel": base.channel,
        "location_code": base.location_code,
    }
    values.update({k: v for k, v in changes.items() if v})
    return SubmissionContext(**values)


# --- question columns shared by the Touchpoints form export and our own CSV -------------------


def _answer_value(question: Question, text: str, *, separator: str) -> Any:
    if question.kind == QuestionKind.MULTIPLE:
        return [part.strip() for part in text.split(separator) if part.strip()]
    return text


def _questions_by_header(
    survey: Survey, header: list[str], meta: Mapping[str, str], *, by_text: bool
) -> dict[str, Question]:
    """File column -> question, for every column that is not a metadata column."""
    questions = list(survey.questions.all())
    keys = {q.key: q for q in questions}
    texts: dict[str, Question] = {}
    if by_text:
        for q in questions:
            for text in (q.text, q.text_es):
                if text:
                    texts.setdefault(_normal(text), q)
    found: dict[str, Question] = {}
    unknown = []
    for column in header:
        if not column or _normal(column) in meta:
            continue
        question = keys.get(column) or texts.get(_normal(column))
        if question is None:
            unknown.append(column)
        elif question in found.values():
            raise FileRejectedError(
                gettext("two columns answer the same question “%(q)s”") % {"q": question.text}
            )
        else:
            found[column] = question
    if unknown:
        raise FileRejectedError(
            gettext("no question of this survey has the text or key of these columns: %(c)s")
            % {"c": ", ".join(unknown)}
        )
    return found


_TRUE = {"true", "1", "yes", "t"}


def _parse_touchpoints_form(source: _ResponseFile) -> list[_Row]:
    header, errors = source.header, source.report.errors
    meta = dict(TOUCHPOINTS_FORM_META)
    lower = {_normal(h): h for h in header if h}
    for needed in ("id", "created at"):
        if needed not in lower:
            raise FileRejectedError(
                gettext("missing column: %(name)s") % {"name": needed.title().replace("Id", "ID")}
            )
    questions = _questions_by_header(source.survey, header, meta, by_text=True)
    parsed: list[_Row] = []
    for line, cells in source.rows:
        row = _cells(header, cells)
        get = {meta[_normal(h)]: v.strip() for h, v in row.items() if _normal(h) in meta}
        if get.get("flagged", "").lower() in _TRUE or get.get("deleted", "").lower() in _TRUE:
            source.report.count("skipped", "unchanged")
            continue
        ok = True
        external_id = get.get("id", "")
        if not external_id:
            errors.append(RowError(line, lower["id"], gettext("give each response its id")))
            ok = False
        when = _parse_time(get.get("created_at", ""))
        if when is None:
            errors.append(
                RowError(
                    line,
                    lower["created at"],
                    gettext("give the date and time, like 2024-01-15 10:20:30 UTC"),
                )
            )
            ok = False
        answers: dict[str, Any] = {}
        context: dict[str, str] = {"location_code": get.get("location_code", "")}
        columns: dict[str, str] = {}
        for column, question in questions.items():
            text = row.get(column, "")
            if not text.strip():
                continue
            if question.kind == QuestionKind.HIDDEN:
                if question.context_field in ("service", "channel", "location_code"):
                    context[question.context_field] = text.strip()
                continue
            answers[question.key] = _answer_value(question, text, separator=",")
            columns[question.key] = column
        if ok and when is not None:
            ctx = _copy(source.base, **context)
            ctx.page_url = get.get("page", "")
            ctx.referrer = get.get("referrer", "")
            parsed.append(_Row(line, submission_id_for(external_id), answers, ctx, when, columns))
    return parsed


def _parse_cxgov(source: _ResponseFile) -> list[_Row]:
    header, errors = source.header, source.report.errors
    meta = {name: name for name in CXGOV_META}
    meta.update({f"{name} (question)": "" for name in CXGOV_CONTEXT})
    if "response_id" not in header:
        raise FileRejectedError(gettext("missing column: %(name)s") % {"name": "response_id"})
    if "submitted_at" not in header and "submitted_date" not in header:
        raise FileRejectedError(gettext("missing column: %(name)s") % {"name": "submitted_at"})
    questions = _questions_by_header(source.survey, header, meta, by_text=False)
    parsed: list[_Row] = []
    for line, cells in source.rows:
        row = _cells(header, cells)
        if row.get("status", "").strip() == "spam":
            source.report.count("skipped", "unchanged")
            continue
        ok = True
        external_id = row["response_id"].strip()
        if not external_id:
            errors.append(RowError(line, "response_id", gettext("give each response its id")))
            ok = False
        stamp = row.get("submitted_at", "").strip()
        when: datetime | None
        if stamp:
            when = _parse_time(stamp)
        else:
            try:
                day = date.fromisoformat(row.get("submitted_date", "").strip())
                when = datetime.combine(day, time(12), tzinfo=UTC)
            except ValueError:
                when = None
        if when is None:
            column = "submitted_at" if "submitted_at" in header else "submitted_date"
            errors.append(RowError(line, column, gettext("give the date and time in ISO 8601")))
            ok = False
        answers: dict[str, Any] = {}
        columns: dict[str, str] = {}
        for column, question in questions.items():
            text = row.get(column, "")
            # Hidden context questions repeat the response's own columns; those are read below.
            if not text.strip() or question.kind == QuestionKind.HIDDEN:
                continue
            answers[question.key] = _answer_value(question, text, separator="|")
            columns[question.key] = column
        if ok and when is not None:
            ctx = _copy(
                source.base,
                language=row.get("language", "").strip(),
                service=row.get("service", "").strip(),
                channel=row.get("channel", "").strip(),
                location_code=row.get("location_code", "").strip(),
            )
            parsed.append(
                _Row(
                    line,
                    "cxgov-" + submission_id_for(external_id)[:58],
                    answers,
                    ctx,
                    when,
                    columns,
                )
            )
    return parsed


# --- the import -----------------------------------------------------------------------------


def _check_rows(survey: Survey, parsed: list[_Row], errors: list[RowError]) -> None:
    """Check each row's answers as `response_submit` would, naming the file's columns."""
    questions = list(survey.questions.all())
    seen: dict[str, int] = {}
    for row in parsed:
        first = seen.setdefault(row.submission_id, row.line)
        if first != row.line:
            errors.append(
                RowError(row.line, "", gettext("the same id as row %(row)s") % {"row": first})
            )
        try:
            submission_clean(questions=questions, raw=row.answers, employee=survey.is_employee)
        except SubmissionError as refused:
            for key, reason in refused.errors.items():
                errors.append(RowError(row.line, row.columns.get(key, key), reason))


def _existing_ids(survey: Survey, ids: list[str]) -> set[str]:
    return submission_ids_stored(survey=survey, submission_ids=ids)


def _store(
    survey: Survey, actor: User | None, new: list[_Row], errors: list[RowError], *, dry_run: bool
) -> bool:
    """Store the rows in one transaction (rolled back for a dry run); False on refusal."""
    bulk = [BulkResponse(r.answers, r.submitted_at, r.context, r.submission_id) for r in new]
    try:
        with transaction.atomic():
            response_bulk_create(actor=actor, survey=survey, rows=bulk)
            if dry_run:
                raise _DryRunError
    except _DryRunError:
        return True
    except SubmissionError as refused:
        for key, reason in refused.errors.items():
            match = re.match(r"row (\d+): (.*)", key)
            if match and 0 < int(match.group(1)) <= len(new):
                row = new[int(match.group(1)) - 1]
                name = match.group(2)
                errors.append(RowError(row.line, row.columns.get(name, name), reason))
            else:
                errors.append(RowError(0, key, reason))
        return False
    except IntegrityError:
        errors.append(
            RowError(
                0,
                "",
                gettext("another import of the same responses ran at the same time; try again"),
            )
        )
        return False
    return True


def responses_import(
    *,
    actor: User | None,
    survey: Survey,
    data: Source,
    format: str,
    dry_run: bool = False,
    period: FiscalQuarter | None = None,
    service: str = "",
    channel: str = "",
) -> ImportReport:
    """Check a response file against the survey and store it all, or nothing.

    `period` dates the rows of formats without dates (the A-11 v2 file): each response is
    dated noon UTC on the quarter's last day. `service` and `channel` fill rows that name none.
    """
    report = _report(dry_run=dry_run)
    parsers: dict[str, Callable[[_ResponseFile], list[_Row]]] = {
        "touchpoints-a11-v2": _parse_a11_v2,
        "touchpoints-form": _parse_touchpoints_form,
        "cxgov": _parse_cxgov,
    }
    base = SubmissionContext(source=ResponseSource.IMPORT, service=service, channel=channel)
    try:
        if format not in IMPORT_FORMATS:
            raise FileRejectedError(
                gettext("unknown format; use one of: %(f)s") % {"f": ", ".join(IMPORT_FORMATS)}
            )
        twice_ok = frozenset(CXGOV_CONTEXT) if format == "cxgov" else frozenset()
        header, rows = _table(data, twice_ok=twice_ok)
        report.rows_read = len(rows)
        parsed = parsers[format](
            _ResponseFile(
                survey=survey,
                header=header,
                rows=rows,
                base=base,
                report=report,
                when=datetime.combine(period.end, time(12), tzinfo=UTC) if period else None,
            )
        )
    except FileRejectedError as problem:
        return report.fail(problem.error)
    _check_rows(survey, parsed, report.errors)
    if report.errors:
        report.rejected = True
        return report
    existing = _existing_ids(survey, [r.submission_id for r in parsed])
    new = [r for r in parsed if r.submission_id not in existing]
    report.count("responses", "unchanged", len(parsed) - len(new))
    report.count("responses", "created", len(new))
    if new and not _store(survey, actor, new, report.errors, dry_run=dry_run):
        report.rejected = True
        report.clear_tallies()
        return report
    report.applied = not dry_run
    return report
