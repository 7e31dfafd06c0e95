"""Synthetic survey responses and standards events for the benches at federal scale.

Imported by bench scripts after they have set Django up; it times nothing and prints no RESULT
line of its own. Responses are drawn with numpy (a context per response and a 1-5 answer, or
none, per question, skewed positive; `answers_on_scales` moves them onto other scales) and
stored with `rollup_rows.raw_insert` after the rows already in the tables; events are written
to a Parquet file that the real ingest path reads.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from cxgov.surveys.models import Answer, Response

from .rollup_rows import raw_insert

CHANNELS = np.array(["website", "phone", "in_person", "email"])
LANGUAGES = np.array(["en", "es"])
SKIP_SHARE = 0.1


def responses_synthesize(
    n: int, *, services: int, questions: int, days: int, seed: int = 20261125
) -> dict[str, np.ndarray]:
    """Per response: a service, channel, language and day index, and one answer per question
    (1-5, 0 when skipped, and `answered` says which were given); each service leans a little
    differently, so groups really differ."""
    rng = np.random.default_rng(seed)
    service = rng.integers(0, services, n, dtype=np.int64)
    lean = rng.normal(0, 0.6, n) + (service - (services - 1) / 2) * 0.2
    answers = np.clip(np.rint(rng.normal(3.8, 1.1, (n, questions)) + lean[:, None]), 1, 5)
    answers[rng.random((n, questions)) < SKIP_SHARE] = 0
    return {
        "answered": answers > 0,
        "service": service,
        "channel": rng.choice(len(CHANNELS), n, p=[0.5, 0.25, 0.15, 0.1]).astype(np.int64),
        "language": (rng.random(n) < 0.15).astype(np.int64),
        "day": rng.integers(0, days, n, dtype=np.int64),
        "answers": answers.astype(np.int64),
    }


def responses_store(
    *,
    survey_id: int,
    services: list[int],
    questions: list[int],
    data: dict[str, np.ndarray],
    first_day: np.datetime64,
) -> int:
    """Store the responses (at noon UTC of their day) and their answers after the rows already
    stored, then move the id sequences past them; the answers stored."""
    n = data["day"].size
    first_response = (Response.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    first_answer = (Answer.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    suffix = "+00" if connection.vendor == "postgresql" else ""
    moments = (first_day + data["day"].astype("timedelta64[D]")).astype(str)
    responses = list(
        zip(
            range(first_response, first_response + n),
            [survey_id] * n,
            [f"{m} 12:00:00{suffix}" for m in moments.tolist()],
            LANGUAGES[data["language"]].tolist(),
            np.asarray(services)[data["service"]].tolist(),
            CHANNELS[data["channel"]].tolist(),
            strict=True,
        )
    )
    value = data["answers"]
    response_index, question_index = np.nonzero(data["answered"])
    answers = list(
        zip(
            range(first_answer, first_answer + response_index.size),
            (response_index + first_response).tolist(),
            [survey_id] * response_index.size,
            np.asarray(questions)[question_index].tolist(),
            value[response_index, question_index].tolist(),
            strict=True,
        )
    )
    raw_insert(responses, answers)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Response, Answer]):
            cursor.execute(statement)
    return len(answers)


def events_parquet_write(count: int, path: Path, *, first: datetime, span_days: int) -> None:
    """`count` events starting over `span_days` from `first`: gamma-distributed durations of
    about 12 days, 2% still open, ids "0".."count-1"."""
    rng = np.random.default_rng(12862)
    starts = first.timestamp() + rng.uniform(0, span_days * 86400, count)
    ends = starts + rng.gamma(3.0, 4.0, count) * 86400
    open_mask = rng.uniform(size=count) < 0.02
    table = pl.DataFrame(
        {
            "id": pl.Series(np.arange(count)).cast(pl.Utf8),
            "start": pl.Series((starts * 1e6).astype(np.int64)).cast(pl.Datetime("us", "UTC")),
            "end": pl.Series((ends * 1e6).astype(np.int64))
            .cast(pl.Datetime("us", "UTC"))
            .scatter(np.flatnonzero(open_mask), None),
        }
    )
    table.write_parquet(path)


def answers_on_scales(data: dict[str, np.ndarray], scales: list[tuple[int, int]]) -> None:
    """Move each question's 1-5 answers onto its own scale (low, high), in place: a thumbs
    question (0, 1) gets 0 for 1-3 and 1 for 4-5."""
    for column, (low, high) in enumerate(scales):
        points = data["answers"][:, column]
        data["answers"][:, column] = low + np.rint((points - 1) / 4 * (high - low)).astype(np.int64)
