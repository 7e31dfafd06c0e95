"""Survey responses for statistics packages: SPSS (.sav), Stata (.dta), Excel (.xlsx) and R.

One codebook (`research_codebook`) names every variable and labels it and its values; the rows
are read through the same selector as the CSV export (`response_values`), so the filters, the
access check the caller made and the rule that employee survey answers are listed to nobody
hold alike. `research_file` writes one format to a temporary file and hands it back open, for
the caller to stream.

Variables, in the order of the CSV export:

- the response's own columns (`response_id`, `submitted_at` in UTC, language, source, service,
  channel, location code, status);
- one per question, named from its key: a whole number with value labels for agreement,
  thumbs, yes/no and 0-10 or 1-10 ratings (their end points labelled) and for choose-one
  questions (the option values when all are whole numbers, else 1, 2, … in option order, and
  "Other" after them); text for text, email and hidden context questions; a number for number
  questions; a date for date questions;
- a choose-any question is one 0/1 variable per option (`<key>_<option>`), empty when the
  question was not answered; a question offering "Other" adds `<key>_other_text` with the words
  typed beside it.

Names are valid in SPSS and Stata: lower case letters, digits and underscores, starting with a
letter, at most 28 characters (Stata's limit is 32, and the name of a variable's value labels
adds a number to it), never a reserved word. They are given out in the order the
questions were created, so reordering or adding questions never renames an earlier one; a
clash gets `_2`, `_3`, …. Labels are in the survey's default language (English), whatever the
language of the page that asks for the file.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

import polars as pl
import pyreadstat
from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cxgov.core.tables import csv_lines
from cxgov.surveys.models import LIKERT_LABELS, Question, QuestionKind, Response, Survey
from cxgov.surveys.selectors import (
    NOT_LISTED_LINE,
    ResponseValues,
    response_values,
    responses_listed,
    survey_questions,
)

# Stata allows 32 characters, and pyreadstat names a variable's value labels after it with a
# counter appended (`reason12`): 28 leaves room for up to 9,999 labelled variables.
NAME_LIMIT = 28
# Words SPSS and Stata keep for themselves, in lower case.
RESERVED = frozenset(
    {
        # SPSS
        *("all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"),
        # Stata
        *("byte", "double", "float", "if", "in", "int", "long", "strl", "using", "str"),
    }
)
# Rows per chunk read into the data frame, so the Python objects of all rows never coexist.
CHUNK_ROWS = 5000

NUMBER = "number"
TEXT = "text"
DATE = "date"
DATETIME = "datetime"

Cell = Callable[[ResponseValues], Any]


@dataclass
class Variable:
    """One column of the data set, its labels and how a response gives its value."""

    name: str
    label: str
    type: str  # NUMBER, TEXT, DATE or DATETIME
    source: str  # the question key or response column it comes from
    cell: Cell
    value_labels: dict[int, str] = field(default_factory=dict)
    measure: str = "nominal"  # SPSS: nominal, ordinal or scale


@dataclass
class Codebook:
    survey: Survey
    variables: list[Variable]
    # Why there are no rows, when there are none by rule (an employee survey).
    note: str = ""


# --- names ---------------------------------------------------------------------------------


def variable_name(text: str) -> str:
    """A name SPSS and Stata accept, made from a key: `Visit-Date` gives `visit_date`."""
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not name:
        name = "v"
    elif not name[0].isalpha():
        name = "v" + name
    if name in RESERVED or re.fullmatch(r"str\d+", name):
        name = "v_" + name
    return name[:NAME_LIMIT].rstrip("_")


class _Names:
    """Hands out names once each: a clash gets `_2`, `_3`, … within the length limit."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def give(self, text: str) -> str:
        base = variable_name(text)
        name, n = base, 2
        while name in self.taken:
            suffix = f"_{n}"
            name = base[: NAME_LIMIT - len(suffix)] + suffix
            n += 1
        self.taken.add(name)
        return name


# --- the codebook --------------------------------------------------------------------------


def _first(position: int) -> Cell:
    return lambda row: row.values[position][0] if row.values[position] else None


def _scale(position: int) -> Cell:
    def cell(row: ResponseValues) -> int | None:
        value = row.values[position][0] if row.values[position] else None
        return int(value) if isinstance(value, int) else None

    return cell


def _joined(position: int) -> Cell:
    return lambda row: "|".join(str(value) for value in row.values[position])


def _number(position: int) -> Cell:
    def cell(row: ResponseValues) -> float | None:
        value = row.values[position][0] if row.values[position] else None
        return float(value) if isinstance(value, int | float | Decimal) else None

    return cell


def _coded(position: int, codes: dict[str, int]) -> Cell:
    return lambda row: codes.get(str(row.values[position][0])) if row.values[position] else None


def _chosen(position: int, value: str) -> Cell:
    def cell(row: ResponseValues) -> int | None:
        given = row.values[position]
        return int(value in {str(v) for v in given}) if given else None

    return cell


def _note(position: int) -> Cell:
    return lambda row: row.notes[position]


def _options(question: Question) -> list[tuple[str, str]]:
    """(value, label) in the survey's default language, with "Other" when offered."""
    options = [(str(o["value"]), str(o.get("label") or o["value"])) for o in question.options]
    if question.allow_other:
        options.append(("other", "Other"))
    return options


def choice_codes(question: Question) -> dict[str, int]:
    """The number each option of a choose-one question is stored as: its value when every
    value is a distinct whole number, else its place in the list."""
    options = [value for value, _label in _options(question)]
    given = [value for value in options if value != "other"]
    whole = [int(value) for value in given if re.fullmatch(r"-?\d{1,9}", value)]
    if given and len(whole) == len(given) == len(set(whole)):
        codes = {value: int(value) for value in given}
        if "other" in options:
            codes["other"] = max(codes.values()) + 1
        return codes
    return {value: n for n, value in enumerate(options, start=1)}


def _scale_labels(kind: str) -> dict[int, str]:
    if kind == QuestionKind.LIKERT:
        return {int(value): str(label) for value, label in LIKERT_LABELS}
    return {
        QuestionKind.THUMBS: {0: "Thumbs down", 1: "Thumbs up"},
        QuestionKind.YES_NO: {0: "No", 1: "Yes"},
        QuestionKind.NPS: {0: "0 (lowest)", 10: "10 (highest)"},
        QuestionKind.RATING_10: {1: "1 (lowest)", 10: "10 (highest)"},
    }[kind]


def _question_variables(question: Question, position: int, names: _Names) -> list[Variable]:
    """The variables of one question, named in the order `names` is asked."""
    kind, key, label = question.kind, question.key, question.text
    if kind in (QuestionKind.LIKERT, QuestionKind.NPS, QuestionKind.RATING_10):
        return [
            Variable(
                names.give(key),
                label,
                NUMBER,
                key,
                _scale(position),
                _scale_labels(kind),
                "ordinal",
            )
        ]
    if kind in (QuestionKind.THUMBS, QuestionKind.YES_NO):
        return [
            Variable(names.give(key), label, NUMBER, key, _scale(position), _scale_labels(kind))
        ]
    found: list[Variable] = []
    if kind == QuestionKind.SINGLE:
        codes = choice_codes(question)
        labels = {codes[value]: text for value, text in _options(question)}
        found.append(Variable(names.give(key), label, NUMBER, key, _coded(position, codes), labels))
    elif kind == QuestionKind.MULTIPLE:
        for value, text in _options(question):
            found.append(
                Variable(
                    names.give(f"{key}_{value}"),
                    f"{label}: {text}",
                    NUMBER,
                    key,
                    _chosen(position, value),
                    {0: "Not chosen", 1: "Chosen"},
                )
            )
    elif kind == QuestionKind.NUMBER:
        found.append(Variable(names.give(key), label, NUMBER, key, _number(position), {}, "scale"))
    elif kind == QuestionKind.DATE:
        found.append(Variable(names.give(key), label, DATE, key, _first(position)))
    else:  # text, email (never stored as an answer) and hidden context fields
        found.append(Variable(names.give(key), label, TEXT, key, _joined(position)))
    if question.allow_other and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        found.append(
            Variable(
                names.give(f"{key}_other_text"),
                f"{label}: Other (the words given)",
                TEXT,
                key,
                _note(position),
            )
        )
    return found


def _context_variables(names: _Names) -> list[Variable]:
    def submitted(row: ResponseValues) -> datetime:
        moment = row.response.submitted_at.astimezone(UTC)
        return moment.replace(tzinfo=None, microsecond=0)

    def column(index: int) -> Cell:
        return lambda row: row.context[index]

    texts = [
        ("language", "Language of the answers"),
        ("source", "Where the response came from"),
        ("service", "Service"),
        ("channel", "Channel"),
        ("location_code", "Location code"),
        ("status", "Status (valid or spam)"),
    ]
    return [
        Variable(
            names.give("response_id"),
            "Response number",
            NUMBER,
            "response_id",
            lambda row: row.response.pk,
        ),
        Variable(
            names.give("submitted_at"), "Submitted (UTC)", DATETIME, "submitted_at", submitted
        ),
        *(
            Variable(names.give(key), text, TEXT, key, column(index))
            for index, (key, text) in enumerate(texts, start=1)
        ),
    ]


def research_codebook(*, survey: Survey, questions: list[Question] | None = None) -> Codebook:
    """Every variable of the survey's data set, in the order of the CSV export's columns."""
    questions = questions if questions is not None else survey_questions(survey=survey)
    names = _Names()
    context = _context_variables(names)
    by_question: dict[int, list[Variable]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        # Names are given out in creation order, so a new or moved question renames none.
        for position, question in sorted(enumerate(questions), key=lambda pair: pair[1].pk):
            by_question[position] = _question_variables(question, position, names)
    variables = context + [v for position in range(len(questions)) for v in by_question[position]]
    note = "" if responses_listed(survey=survey) else NOT_LISTED_LINE
    return Codebook(survey=survey, variables=variables, note=note)


def research_rows(
    *, codebook: Codebook, questions: list[Question], responses: QuerySet[Response]
) -> Iterator[list[Any]]:
    """One row per response, a value per variable (None where there is none)."""
    for row in response_values(survey=codebook.survey, questions=questions, responses=responses):
        yield [variable.cell(row) for variable in codebook.variables]


# --- the data frame ------------------------------------------------------------------------

_POLARS_TYPES: dict[str, Any] = {
    NUMBER: pl.Float64,
    TEXT: pl.String,
    DATE: pl.Date,
    DATETIME: pl.Datetime("us"),
}


def _frame(codebook: Codebook, rows: Iterator[list[Any]]) -> pl.DataFrame:
    schema = {v.name: _POLARS_TYPES[v.type] for v in codebook.variables}
    texts = [i for i, v in enumerate(codebook.variables) if v.type == TEXT]
    chunks = [pl.DataFrame(schema=schema)]
    chunk: list[list[Any]] = []
    for row in rows:
        for i in texts:
            row[i] = row[i] or ""
        chunk.append(row)
        if len(chunk) == CHUNK_ROWS:
            chunks.append(pl.DataFrame(chunk, schema=schema, orient="row"))
            chunk = []
    if chunk:
        chunks.append(pl.DataFrame(chunk, schema=schema, orient="row"))
    return pl.concat(chunks)


def _clip(text: str, *, chars: int | None = None, utf8_bytes: int | None = None) -> str:
    """Text cut to a file format's limit, never inside a character."""
    if chars is not None:
        text = text[:chars]
    if utf8_bytes is not None:
        text = text.encode()[:utf8_bytes].decode(errors="ignore")
    return text


# --- the formats ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResearchFormat:
    name: str  # as people know it: "SPSS"
    suffix: str
    content_type: str
    write: Callable[[Codebook, Iterator[list[Any]], str], None]


def _write_sav(codebook: Codebook, rows: Iterator[list[Any]], path: str) -> None:
    # SPSS keeps variable labels to 256 bytes, value labels to 120 and note lines to 80.
    variables = codebook.variables
    pyreadstat.write_sav(
        _frame(codebook, rows),
        path,
        file_label=_clip(codebook.survey.title, utf8_bytes=64),
        column_labels={v.name: _clip(v.label, utf8_bytes=256) for v in variables},
        variable_value_labels={
            v.name: {code: _clip(text, utf8_bytes=120) for code, text in v.value_labels.items()}
            for v in variables
            if v.value_labels
        },
        variable_measure={v.name: "nominal" if v.type == TEXT else v.measure for v in variables},
        note=codebook.note or None,
    )


def _write_dta(codebook: Codebook, rows: Iterator[list[Any]], path: str) -> None:
    # Stata keeps the file label and variable labels to 80 characters; it has no notes, so an
    # employee survey's reason for having no rows is its file label.
    variables = codebook.variables
    pyreadstat.write_dta(
        _frame(codebook, rows),
        path,
        file_label=_clip(codebook.note or codebook.survey.title, chars=80),
        column_labels={v.name: _clip(v.label, chars=80) for v in variables},
        variable_value_labels={v.name: v.value_labels for v in variables if v.value_labels},
    )


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A cell that is never a formula and holds no character a workbook refuses."""
    if not isinstance(value, str):
        if isinstance(value, datetime | date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = (
                "yyyy-mm-dd hh:mm:ss" if isinstance(value, datetime) else "yyyy-mm-dd"
            )
            return cell
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _write_xlsx(codebook: Codebook, rows: Iterator[list[Any]], path: str) -> None:
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("Responses")
    data.append([_xlsx_cell(data, v.name) for v in codebook.variables])
    if codebook.note:
        data.append([_xlsx_cell(data, codebook.note)])
    for row in rows:
        data.append([_xlsx_cell(data, value) for value in row])
    names = workbook.create_sheet("Variables")
    names.append(["Variable", "Label", "Type", "Question or column"])
    for v in codebook.variables:
        names.append([_xlsx_cell(names, text) for text in (v.name, v.label, v.type, v.source)])
    values = workbook.create_sheet("Value labels")
    values.append(["Variable", "Value", "Label"])
    for v in codebook.variables:
        for code, text in v.value_labels.items():
            values.append([_xlsx_cell(values, v.name), code, _xlsx_cell(values, text)])
    workbook.save(path)


def _r_string(text: str) -> str:
    """An R string literal of any text."""
    escaped = []
    for char in text.replace("\x00", ""):
        if char in '\\"':
            escaped.append("\\" + char)
        elif ord(char) < 32 or ord(char) == 127:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def _r_csv_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


_R_CLASSES = {NUMBER: "numeric", TEXT: "character", DATE: "character", DATETIME: "character"}


def research_r_script(codebook: Codebook, csv_name: str) -> str:
    """The R script that reads the CSV and gives every variable its labels."""
    survey = codebook.survey
    lines = [
        f"# Responses to survey {survey.pk}: {' '.join(survey.title.split())}",
        f'# Run it in the folder that holds {csv_name}: source("{csv_name[:-4]}.R").',
        "# Coded answers become factors with their labels; every column keeps its label in",
        '# attr(, "label"), as haven and labelled read it.',
        "data <- read.csv(",
        f"  {_r_string(csv_name)},",
        "  colClasses = c("
        + ", ".join(_r_string(_R_CLASSES[v.type]) for v in codebook.variables)
        + "),",
        '  na.strings = "", encoding = "UTF-8", check.names = FALSE',
        ")",
    ]
    for v in codebook.variables:
        column = f"data[[{_r_string(v.name)}]]"
        if v.type == DATE:
            lines.append(f"{column} <- as.Date({column})")
        elif v.type == DATETIME:
            lines.append(
                f'{column} <- as.POSIXct({column}, tz = "UTC", format = "%Y-%m-%d %H:%M:%S")'
            )
        if v.value_labels:
            codes = _factor_levels(v)
            levels = ", ".join(str(code) for code, _text in codes)
            labels = ", ".join(_r_string(text) for _code, text in codes)
            lines.append(f"{column} <- factor({column}, levels = c({levels}),")
            lines.append(f"  labels = c({labels}))")
        lines.append(f'attr({column}, "label") <- {_r_string(v.label)}')
    if codebook.note:
        lines.append(f'attr(data, "note") <- {_r_string(codebook.note)}')
    return "\n".join(lines) + "\n"


def _factor_levels(variable: Variable) -> list[tuple[int, str]]:
    """Every level of a coded variable: between labelled end points, the unlabelled numbers."""
    labels = variable.value_labels
    codes = sorted(labels)
    if variable.measure == "ordinal":
        codes = list(range(codes[0], codes[-1] + 1))
    return [(code, labels.get(code, str(code))) for code in codes]


def _write_r(codebook: Codebook, rows: Iterator[list[Any]], path: str) -> None:
    stem = f"survey-{codebook.survey.pk}-responses"
    header = [v.name for v in codebook.variables]
    body = ([_r_csv_cell(value) for value in row] for row in rows)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Zip64 from the start: a million responses can pass the plain zip's 2 GiB.
        with archive.open(f"{stem}.csv", "w", force_zip64=True) as out:
            for line in csv_lines(header, body):
                out.write(line.encode())
        archive.writestr(f"{stem}.R", research_r_script(codebook, f"{stem}.csv"))


RESEARCH_FORMATS: dict[str, ResearchFormat] = {
    "sav": ResearchFormat("SPSS", "sav", "application/x-spss-sav", _write_sav),
    "dta": ResearchFormat("Stata", "dta", "application/x-stata-dta", _write_dta),
    "xlsx": ResearchFormat(
        "Excel",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _write_xlsx,
    ),
    "r": ResearchFormat("R", "zip", "application/zip", _write_r),
}


def research_file(
    *, survey: Survey, responses: QuerySet[Response], fmt: str
) -> tuple[IO[bytes], str]:
    """The responses in one of RESEARCH_FORMATS, as an open temporary file at its start, and
    the file's name. The file is already unlinked: closing it frees the space."""
    chosen = RESEARCH_FORMATS[fmt]
    questions = survey_questions(survey=survey)
    codebook = research_codebook(survey=survey, questions=questions)
    rows = research_rows(codebook=codebook, questions=questions, responses=responses)
    handle, path = tempfile.mkstemp(prefix="cxgov-research-", suffix="." + chosen.suffix)
    os.close(handle)
    try:
        chosen.write(codebook, rows, path)
        built = open(path, "rb")  # noqa: SIM115 - the response streams and closes it
    finally:
        os.unlink(path)
    name = f"survey-{survey.pk}-responses{'-r' if fmt == 'r' else ''}.{chosen.suffix}"
    return built, name
