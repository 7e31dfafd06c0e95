"""Themes of GovCXAnalyzer's free text (639 synthetic A-11 rows), as the action pages use them."""

from __future__ import annotations

import csv

import pytest

from cxgov.insights.scrub import scrub_text
from cxgov.insights.themes import extract_themes
from cxgov.testing.data import SHARED_DATA, needs_shared

DATA = SHARED_DATA / "govcxanalyzer"
RESPONSES = DATA / "fake-omb-a11-survey-response-level-data.csv"

pytestmark = needs_shared("govcxanalyzer/fake-omb-a11-survey-response-level-data.csv")


def govcx_comments() -> list[str]:
    """Every FreeText cell of the response-level file, blanks and pandas' "nan" as empty."""
    with RESPONSES.open(encoding="utf-8") as handle:
        return [
            "" if row["FreeText"] in ("", "nan") else scrub_text(row["FreeText"])
            for row in csv.DictReader(handle)
        ]


@pytest.mark.parametrize("threshold", [3, 5, 8, 12, 20])
def test_govcx_themes_have_terms_examples_and_are_never_under_the_threshold(threshold):
    comments = govcx_comments()
    result = extract_themes(comments, min_size=threshold)
    assert result.comments_used == 99  # of 639 rows, 99 have free text
    assert result.themes, "the comments should yield at least one theme"
    for theme in result.themes:
        assert theme.size >= threshold
        assert len(theme.terms) == 6 and all(theme.terms)
        assert 1 <= len(theme.examples) <= 3
        assert len(theme.member_indexes) == theme.size
        # Examples are the theme's own comments, and indexes point into the input as given.
        members = {comments[i].strip() for i in theme.member_indexes}
        assert set(theme.examples) <= members
    assert sum(t.size for t in result.themes) + result.comments_in_suppressed_themes <= 99


def test_govcx_threshold_above_the_largest_theme_never_shows_a_smaller_one():
    comments = govcx_comments()
    largest = max(t.size for t in extract_themes(comments, min_size=3).themes)
    result = extract_themes(comments, min_size=largest + 1)
    assert all(t.size > largest for t in result.themes)


def test_govcx_drivers_file_without_free_text_gives_no_theme():
    path = DATA / "example-hisp-touchpoints-survey-drivers-cats.csv"
    with path.open(encoding="utf-8") as handle:
        texts = [row["FreeText"] for row in csv.DictReader(handle)]
    assert len(texts) == 639
    assert extract_themes(texts, min_size=5).themes == []
