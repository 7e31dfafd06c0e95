"""Suggest a complaint's category from its text: TF-IDF words and word pairs with a linear
model (logistic loss), trained on the agency's own labelled complaints.
Pure: scikit-learn and the standard library, no Django.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

MIN_EXAMPLES = 10
TEST_SHARE = 0.2


@dataclass(frozen=True)
class TrainedClassifier:
    """The fitted pipeline as bytes, and how it did on examples it had not seen."""

    model: bytes
    labels: list[str]
    accuracy: float
    macro_f1: float
    n_train: int
    n_test: int


def _pipeline(seed: int) -> Pipeline:
    return Pipeline(
        [
            (
                "tfidf",
                TfidfVectorizer(
                    ngram_range=(1, 2), min_df=1, max_features=50_000, sublinear_tf=True
                ),
            ),
            # Logistic loss by stochastic gradient descent: a linear model with probabilities,
            # fast on many categories where lbfgs takes seconds.
            (
                "model",
                SGDClassifier(
                    loss="log_loss", alpha=1e-4, max_iter=50, tol=None, random_state=seed
                ),
            ),
        ]
    )


def train(texts: Sequence[str], labels: Sequence[str], *, seed: int = 12862) -> TrainedClassifier:
    """Fit, measure on a held-out fifth (stratified where every class allows), refit on all."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    if len(texts) < MIN_EXAMPLES or len(set(labels)) < 2:
        raise ValueError(
            f"Need at least {MIN_EXAMPLES} labelled complaints in two or more categories."
        )
    counts = Counter(labels)
    stratify = list(labels) if min(counts.values()) >= 2 else None
    n_test = max(round(len(texts) * TEST_SHARE), len(counts) if stratify else 1)
    if stratify is not None and n_test > len(texts) - len(counts):
        stratify = None
    x_train, x_test, y_train, y_test = train_test_split(
        list(texts), list(labels), test_size=n_test, random_state=seed, stratify=stratify
    )
    if len(set(y_train)) < 2:
        raise ValueError("The training part holds only one category.")
    held_out = _pipeline(seed).fit(x_train, y_train)
    predicted = held_out.predict(x_test)
    accuracy = float(accuracy_score(y_test, predicted))
    macro_f1 = float(f1_score(y_test, predicted, average="macro", zero_division=0))
    final = _pipeline(seed).fit(list(texts), list(labels))
    return TrainedClassifier(
        model=pickle.dumps(final, protocol=pickle.HIGHEST_PROTOCOL),
        labels=sorted(counts),
        accuracy=accuracy,
        macro_f1=macro_f1,
        n_train=len(x_train),
        n_test=len(x_test),
    )


@lru_cache(maxsize=8)
def _load(model: bytes) -> Pipeline:
    # Only bytes this module wrote into the agency's own database are ever unpickled.
    return pickle.loads(model)  # noqa: S301  # nosec B301


def suggest(model: bytes, texts: Sequence[str]) -> list[tuple[str, float]]:
    """The most likely label of each text, with the model's probability for it."""
    if not texts:
        return []
    pipeline = _load(model)
    probabilities = pipeline.predict_proba(list(texts))
    classes = pipeline.classes_
    result = []
    for row in probabilities:
        best = int(row.argmax())
        result.append((str(classes[best]), float(row[best])))
    return result
