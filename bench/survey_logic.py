"""Milliseconds the survey logic engine takes per response at 50 questions.

Run: .venv/bin/python bench/survey_logic.py [--count 2000]

A 50-question survey on five pages, with grouped show-if conditions, skip rules and piping, is
compiled into a plan once; then each response is checked with `submission_clean` (which walks
the plan: pages, skips, visibility, then each shown answer). The baseline is a plain loop over
the same answers checking each value against its question's range, with no logic. Nothing
touches the database.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PARSER = argparse.ArgumentParser(description=__doc__.splitlines()[0])
PARSER.add_argument("--count", type=int, default=2000)

from support.django_setup import django_start  # noqa: E402

ARGS = django_start(PARSER)

from cxgov.surveys.logic import pipe, plan_compile, walk  # noqa: E402
from cxgov.surveys.models import Question  # noqa: E402
from cxgov.surveys.validation import submission_clean  # noqa: E402

QUESTIONS = 50
PER_PAGE = 10


def _questions() -> list[Question]:
    questions = []
    for n in range(QUESTIONS):
        page = n // PER_PAGE + 1
        question = Question(
            pk=n + 1,
            key=f"q{n}",
            kind="rating_10",
            text=f"Question {n} after {{answer.q{max(n - PER_PAGE, 0)}}}",
            page=page,
            position=n,
        )
        if n >= PER_PAGE and n % 3 == 0:
            question.show_if = {
                "any": [
                    {"question": f"q{n - PER_PAGE}", "op": "gte", "values": ["3"]},
                    {
                        "all": [
                            {"question": "q0", "values": ["1", "2"]},
                            {"question": "q1", "op": "answered"},
                        ]
                    },
                ]
            }
        if n % PER_PAGE == PER_PAGE - 1 and page < 4:
            question.skip_rules = [
                {"when": {"question": f"q{n}", "op": "lte", "values": ["1"]}, "to_page": page + 2}
            ]
        questions.append(question)
    return questions


def _baseline(questions: list[Question], rows: list[dict[str, int]]) -> float:
    start = time.perf_counter()
    for row in rows:
        clean = {}
        for question in questions:
            value = row.get(question.key)
            if value is not None and isinstance(value, int) and 1 <= value <= 10:
                clean[question.key] = value
    return time.perf_counter() - start


def main() -> None:
    questions = _questions()
    plan = plan_compile(questions)
    rng = random.Random(7)  # noqa: S311 (made-up answers)
    rows = [{q.key: rng.randint(1, 10) for q in questions} for _ in range(ARGS.count)]
    baseline = _baseline(questions, rows)
    start = time.perf_counter()
    for row in rows:
        submission_clean(questions=questions, raw=row, employee=False, plan=plan)
    checked = time.perf_counter() - start
    start = time.perf_counter()
    for row in rows:
        path = walk(plan, {k: [v] for k, v in row.items()})
        for question in questions:
            pipe(question.text, plan=plan, answers=path.answers, context={})
    logic = time.perf_counter() - start
    count = len(rows)
    per = 1000 / count
    print(f"questions: {QUESTIONS}, responses: {count}")
    print(f"plain dict validation loop:      {baseline * per:8.3f} ms/response")
    print(f"walk and piping alone:           {logic * per:8.3f} ms/response")
    print(f"submission_clean with the logic: {checked * per:8.3f} ms/response")
    print(
        f"RESULT name=survey_logic value={checked * per:.3f} unit=ms "
        f"baseline={baseline * per:.3f} ratio={checked / baseline:.1f}"
    )


if __name__ == "__main__":
    main()
