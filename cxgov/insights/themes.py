"""Group free-text comments into themes: TF-IDF and non-negative matrix factorisation.

Each theme comes with its top terms and example comments. A theme with fewer comments than
the suppression threshold is never returned, so a small group cannot be singled out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

SPANISH_STOP_WORDS = frozenset(
    "a al algo como con de del el ella ellos en es esa ese eso esta este esto fue ha la las "
    "le les lo los me mi mis muy nada ni no nos o para pero por porque que se si sin sobre su "
    "sus te tu un una uno unos y ya".split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | SPANISH_STOP_WORDS)


@dataclass(frozen=True)
class Theme:
    """Comments that share vocabulary, described by their strongest terms."""

    terms: list[str]
    size: int
    examples: list[str]
    member_indexes: list[int]


@dataclass(frozen=True)
class ThemeResult:
    themes: list[Theme]
    comments_used: int
    comments_in_suppressed_themes: int


def extract_themes(
    comments: Sequence[str],
    *,
    max_themes: int = 8,
    min_size: int = 5,
    top_terms: int = 6,
    examples: int = 3,
    seed: int = 12862,
) -> ThemeResult:
    """Themes in the comments, largest first; themes under `min_size` are suppressed.

    Each comment joins the theme it loads on most. Empty comments are ignored. Deterministic
    for the same comments and seed.
    """
    kept = [(i, text.strip()) for i, text in enumerate(comments) if text and text.strip()]
    if len(kept) < min_size:
        return ThemeResult(themes=[], comments_used=len(kept), comments_in_suppressed_themes=0)
    texts = [text for _i, text in kept]
    vectorizer = TfidfVectorizer(
        stop_words=STOP_WORDS,
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.9,
        sublinear_tf=True,
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",  # noqa: S106 - a regex, not a password
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term occurs twice: nothing to group on
        return ThemeResult(themes=[], comments_used=len(kept), comments_in_suppressed_themes=0)
    k = max(1, min(max_themes, matrix.shape[0] // min_size, matrix.shape[1]))
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    # Many identical comments make NMF's reconstruction error exactly zero, and its sqrt of a
    # tiny negative rounding error warns; the fitted factors are unaffected.
    with np.errstate(invalid="ignore"):
        weights = model.fit_transform(matrix)
    vocabulary = np.array(vectorizer.get_feature_names_out())
    assignment = weights.argmax(axis=1)
    has_signal = weights.max(axis=1) > 0
    themes: list[Theme] = []
    suppressed = 0
    for component in range(k):
        members = np.flatnonzero((assignment == component) & has_signal)
        if members.size == 0:
            continue
        if members.size < min_size:
            suppressed += int(members.size)
            continue
        order = members[np.argsort(-weights[members, component])]
        themes.append(
            Theme(
                terms=[
                    str(t)
                    for t in vocabulary[np.argsort(-model.components_[component])[:top_terms]]
                ],
                size=int(members.size),
                examples=[texts[i] for i in order[:examples]],
                member_indexes=[kept[i][0] for i in order],
            )
        )
    themes.sort(key=lambda theme: -theme.size)
    return ThemeResult(
        themes=themes, comments_used=len(kept), comments_in_suppressed_themes=suppressed
    )
