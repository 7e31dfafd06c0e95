"""Complaint measures by group: volume, share timely with n and Wilson CI, median days to
respond, dispute rate. Pure functions (no Django); small cells are suppressed.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cxgov.insights.proportions import wilson_interval

# Groups with fewer complaints with a known timely flag than this get no share.
MIN_CELL = 5


@dataclass(frozen=True)
class ComplaintFact:
    """What the measures need from one complaint."""

    group: str
    timely: bool | None
    days_to_respond: float | None
    disputed: bool


@dataclass(frozen=True)
class GroupMeasure:
    group: str
    complaints: int
    timely_n: int
    timely: int
    timely_share: float | None
    timely_ci_low: float | None
    timely_ci_high: float | None
    median_days_to_respond: float | None
    disputed: int
    dispute_rate: float | None

    @property
    def suppressed(self) -> bool:
        return self.timely_share is None


def measures_by_group(
    facts: Iterable[ComplaintFact], *, min_cell: int = MIN_CELL
) -> list[GroupMeasure]:
    """One measure per group, largest group first (then by name)."""
    groups: dict[str, list[ComplaintFact]] = {}
    for fact in facts:
        groups.setdefault(fact.group, []).append(fact)
    result = []
    for group, items in groups.items():
        known = [item.timely for item in items if item.timely is not None]
        timely = sum(1 for value in known if value)
        share = low = high = None
        if known and len(known) >= min_cell:
            share = timely / len(known)
            low, high = wilson_interval(timely, len(known))
        days = [item.days_to_respond for item in items if item.days_to_respond is not None]
        disputed = sum(1 for item in items if item.disputed)
        result.append(
            GroupMeasure(
                group=group,
                complaints=len(items),
                timely_n=len(known),
                timely=timely,
                timely_share=share,
                timely_ci_low=low,
                timely_ci_high=high,
                median_days_to_respond=statistics.median(days) if len(days) >= min_cell else None,
                disputed=disputed,
                dispute_rate=disputed / len(items) if len(items) >= min_cell else None,
            )
        )
    return sorted(result, key=lambda measure: (-measure.complaints, measure.group))


@dataclass(frozen=True)
class Theme:
    """A word or phrase that stands out across narratives, and how many mention it."""

    phrase: str
    narratives: int
    weight: float


def top_themes(texts: Sequence[str], *, limit: int = 10, min_narratives: int = 2) -> list[Theme]:
    """The phrases with the most TF-IDF weight over all narratives (English stop words out).

    Phrases found in fewer than `min_narratives` narratives are left out; so are masks such as
    CFPB's "XXXX".
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    documents = [text for text in texts if text and text.strip()]
    if len(documents) < min_narratives:
        return []
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2),
        stop_words="english",
        min_df=min_narratives,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]{2,}\b",  # noqa: S106 - a regex, not a secret
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:
        return []
    terms = vectorizer.get_feature_names_out()
    weights = matrix.sum(axis=0).A1
    present = (matrix > 0).sum(axis=0).A1
    ranked = sorted(range(len(terms)), key=lambda i: (-weights[i], terms[i]))
    themes = []
    for index in ranked:
        phrase = str(terms[index])
        if "xx" in phrase:
            continue
        themes.append(
            Theme(phrase=phrase, narratives=int(present[index]), weight=float(weights[index]))
        )
        if len(themes) >= limit:
            break
    return themes
