"""Suggest a complaint's category from its text: TF-IDF words and word pairs with a linear
model (logistic loss), trained on the agency's own labelled complaints.

A trained model is stored as data, never as pickled objects: a NumPy `.npz` archive of plain
arrays (the vocabulary, idf weights, coefficients, intercepts and classes), read back with
`allow_pickle=False` and checked before use. Suggesting recomputes the same TF-IDF features and
logistic probabilities from those arrays. Pure: NumPy, SciPy, scikit-learn and the standard
library, no Django.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import normalize

MIN_EXAMPLES = 10
TEST_SHARE = 0.2
# Written into every stored model; a model without it (such as an older pickled one) is refused.
FORMAT = "cxgov-complaint-classifier-1"
_ARRAYS = ("format", "vocabulary", "idf", "coef", "intercept", "classes")
# The most bytes a stored model may unpack to (a 50,000-term model with 50 classes is ~25 MB).
MAX_MODEL_BYTES = 256 * 1024 * 1024
# Shared by training and suggesting, so both cut text into the same terms.
_VECTORIZER = {"ngram_range": (1, 2), "min_df": 1, "max_features": 50_000, "sublinear_tf": True}


class ClassifierFormatError(ValueError):
    """The stored bytes are not a model this module wrote (an older pickled one, or damaged)."""


@dataclass(frozen=True)
class TrainedClassifier:
    """The fitted model as data (`.npz` bytes), and how it did on examples it had not seen."""

    model: bytes
    labels: list[str]
    accuracy: float
    macro_f1: float
    n_train: int
    n_test: int


def _pipeline(seed: int) -> Pipeline:
    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(**_VECTORIZER)),
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


def fit(texts: Sequence[str], labels: Sequence[str], *, seed: int = 12862) -> Pipeline:
    """The fitted pipeline (in memory only; `model_dump` turns it into data to store)."""
    return _pipeline(seed).fit(list(texts), list(labels))


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
    held_out = fit(x_train, y_train, seed=seed)
    predicted = held_out.predict(x_test)
    accuracy = float(accuracy_score(y_test, predicted))
    macro_f1 = float(f1_score(y_test, predicted, average="macro", zero_division=0))
    final = fit(texts, labels, seed=seed)
    return TrainedClassifier(
        model=model_dump(final),
        labels=sorted(counts),
        accuracy=accuracy,
        macro_f1=macro_f1,
        n_train=len(x_train),
        n_test=len(x_test),
    )


def model_dump(pipeline: Pipeline) -> bytes:
    """A fitted pipeline's weights as a compressed `.npz` archive of plain arrays."""
    vectorizer: TfidfVectorizer = pipeline.named_steps["tfidf"]
    linear: SGDClassifier = pipeline.named_steps["model"]
    vocabulary = vectorizer.vocabulary_
    out = io.BytesIO()
    np.savez_compressed(
        out,
        format=np.array(FORMAT),
        vocabulary=np.array(sorted(vocabulary, key=vocabulary.__getitem__), dtype=str),
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        coef=np.asarray(linear.coef_, dtype=np.float64),
        intercept=np.asarray(linear.intercept_, dtype=np.float64),
        classes=np.asarray(linear.classes_, dtype=str),
    )
    return out.getvalue()


@dataclass(frozen=True)
class LoadedModel:
    """A stored model read back: term columns, idf weights and the linear model's weights."""

    columns: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    classes: np.ndarray


def _refused(reason: str) -> ClassifierFormatError:
    return ClassifierFormatError(
        f"The stored classifier cannot be used ({reason}); train it again to replace it."
    )


@lru_cache(maxsize=8)
def model_load(model: bytes) -> LoadedModel:
    """The model in `model` bytes, checked; ClassifierFormatError for anything else.

    Only plain numeric and text arrays are read (`allow_pickle=False`), so bytes from an
    older version that pickled the pipeline, or from anyone else, are refused, never run.
    """
    if not model.startswith(b"PK\x03\x04"):
        raise _refused("it is not in the data format; older versions stored pickled code")
    try:
        with zipfile.ZipFile(io.BytesIO(model)) as archive:
            members = archive.infolist()
            if sorted(m.filename for m in members) != sorted(f"{a}.npy" for a in _ARRAYS):
                raise _refused("it holds other arrays than a classifier")
            if sum(m.file_size for m in members) > MAX_MODEL_BYTES:
                raise _refused("it is too large")
        with np.load(io.BytesIO(model), allow_pickle=False) as data:
            arrays = {name: data[name] for name in _ARRAYS}
    except (OSError, ValueError, EOFError, KeyError, MemoryError, zipfile.BadZipFile) as error:
        if isinstance(error, ClassifierFormatError):
            raise
        raise _refused("it cannot be read") from error
    return _checked(arrays)


def _checked(arrays: dict[str, np.ndarray]) -> LoadedModel:
    vocabulary, idf, coef = arrays["vocabulary"], arrays["idf"], arrays["coef"]
    intercept, classes = arrays["intercept"], arrays["classes"]
    if arrays["format"].shape != () or str(arrays["format"]) != FORMAT:
        raise _refused("it was written in another format")
    n_terms, n_classes = len(vocabulary), len(classes)
    shapes_agree = (
        vocabulary.ndim == 1
        and vocabulary.dtype.kind == "U"
        and classes.ndim == 1
        and classes.dtype.kind == "U"
        and n_classes >= 2
        and idf.shape == (n_terms,)
        and coef.shape == (1 if n_classes == 2 else n_classes, n_terms)
        and intercept.shape == (coef.shape[0],)
        and all(a.dtype == np.float64 for a in (idf, coef, intercept))
    )
    if not shapes_agree:
        raise _refused("its arrays do not fit together")
    if not (np.isfinite(idf).all() and np.isfinite(coef).all() and np.isfinite(intercept).all()):
        raise _refused("it holds numbers that are not finite")
    columns = {str(term): n for n, term in enumerate(vocabulary)}
    if len(columns) != n_terms:
        raise _refused("its vocabulary repeats a term")
    return LoadedModel(columns=columns, idf=idf, coef=coef, intercept=intercept, classes=classes)


def _probabilities(model: LoadedModel, texts: Sequence[str]) -> np.ndarray:
    """What the fitted pipeline's `predict_proba` gives, computed from the stored arrays."""
    analyze = TfidfVectorizer(**_VECTORIZER).build_analyzer()
    rows: list[int] = []
    cols: list[int] = []
    for row, text in enumerate(texts):
        for term in analyze(text):
            column = model.columns.get(term)
            if column is not None:
                rows.append(row)
                cols.append(column)
    counts = csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)),
        shape=(len(texts), len(model.columns)),
    )
    counts.sum_duplicates()
    # As TfidfTransformer: sublinear term frequency, idf weights, rows scaled to length 1.
    counts.data = np.log(counts.data) + 1
    counts.data *= model.idf[counts.indices]
    features = normalize(counts, norm="l2", copy=False)
    scores = np.asarray(features @ model.coef.T) + model.intercept
    # As the linear model's logistic probabilities: one-vs-rest, then scaled to sum to 1.
    chances = expit(scores)
    if chances.shape[1] == 1:
        return np.hstack([1 - chances, chances])
    return chances / chances.sum(axis=1, keepdims=True)


def suggest(model: bytes, texts: Sequence[str]) -> list[tuple[str, float]]:
    """The most likely label of each text, with the model's probability for it.

    Raises ClassifierFormatError when `model` is not a stored classifier in the data format.
    """
    if not texts:
        return []
    return loaded_suggest(model_load(model), texts)


def loaded_suggest(loaded: LoadedModel, texts: Sequence[str]) -> list[tuple[str, float]]:
    """As `suggest`, with a model already read by `model_load` (kept by a caller between
    calls, so the stored bytes are neither fetched nor hashed again)."""
    if not texts:
        return []
    probabilities = _probabilities(loaded, list(texts))
    result = []
    for row in probabilities:
        best = int(row.argmax())
        result.append((str(loaded.classes[best]), float(row[best])))
    return result
