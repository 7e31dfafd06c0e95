"""The classifier is stored as plain arrays: pickled bytes are refused, never run, and the
stored arrays suggest exactly what the fitted pipeline predicts."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import numpy as np
import pytest

from cxgov.complaints.models import ClassifierModel, Complaint
from cxgov.insights import complaint_classifier

pytestmark = pytest.mark.django_db

HISTORY = (
    [
        (f"My benefit payment {i} is late and the deposit never arrived", "payments")
        for i in range(15)
    ]
    + [(f"The field office {i} was closed and the waiting room rude", "offices") for i in range(15)]
    + [(f"The website login {i} fails with an error page", "website") for i in range(12)]
)
PROBES = [
    "The deposit of my payment is late",
    "The office was closed and staff were rude",
    "I cannot log in to the website",
    "login page payment office",
    "words the model never saw",
    "",
]


def pickle_that_writes(path: Path) -> bytes:
    """Pickle protocol 0 that calls exec() to write `uid=0(root)` into `path` when loaded.

    Written by hand so that no pickle module is needed to build it.
    """
    code = f"open({str(path)!r}, 'w').write('uid=0(root)')"
    return b"cbuiltins\nexec\n(V" + code.encode() + b"\ntR."


@pytest.mark.parametrize("binary", [False, True], ids=["three categories", "two categories"])
def test_stored_arrays_suggest_what_the_fitted_pipeline_predicts(binary):
    texts = [text for text, _label in HISTORY]
    labels = [
        ("payments" if label == "payments" else "other") if binary else label
        for _text, label in HISTORY
    ]
    trained = complaint_classifier.train(texts, labels)
    pipeline = complaint_classifier.fit(texts, labels)
    expected = pipeline.predict_proba(PROBES)
    suggested = complaint_classifier.suggest(trained.model, PROBES)
    assert [label for label, _p in suggested] == list(pipeline.predict(PROBES))
    assert np.allclose([p for _l, p in suggested], expected.max(axis=1), rtol=0, atol=1e-12)
    assert b"pickle" not in trained.model and trained.model.startswith(b"PK\x03\x04")


def test_a_pickled_classifier_is_refused_not_run(tmp_path):
    marker = tmp_path / "owned"
    with pytest.raises(complaint_classifier.ClassifierFormatError, match="train it again"):
        complaint_classifier.suggest(pickle_that_writes(marker), ["my payment is late"])
    assert not marker.exists()


def test_an_archive_with_other_arrays_is_refused(tmp_path):
    texts = [text for text, _label in HISTORY]
    labels = [label for _text, label in HISTORY]
    trained = complaint_classifier.train(texts, labels)
    with np.load(io.BytesIO(trained.model), allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["coef"] = arrays["coef"][:, :-1]
    out = tmp_path / "bad.npz"
    np.savez(out, **arrays)
    with pytest.raises(complaint_classifier.ClassifierFormatError, match="do not fit"):
        complaint_classifier.suggest(out.read_bytes(), ["my payment is late"])


def test_anonymous_complaint_with_a_pickled_classifier_stored_is_filed_and_runs_nothing(
    client, agency_a, tmp_path, caplog, django_capture_on_commit_callbacks
):
    marker = tmp_path / "owned"
    ClassifierModel.objects.create(
        agency=agency_a,
        version=1,
        model=pickle_that_writes(marker),
        labels=["1", "2"],
        accuracy=1,
        macro_f1=1,
        n_train=10,
        n_test=2,
    )
    # The suggestion is the worker's: run what the intake queued.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/agencies/alpha/complaints/new/",
            {
                "what_happened": "My payment is late.",
                "contact_email": "maria@example.com",
                "contact_preference": "email",
            },
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.suggested_category is None
    assert not marker.exists()
    assert "train_complaint_classifier --agency alpha" in caplog.text


def test_migration_deletes_pickled_classifiers_and_keeps_stored_arrays(agency_a, tmp_path):
    from django.apps import apps

    texts = [text for text, _label in HISTORY]
    labels = [label for _text, label in HISTORY]
    fields = {"labels": [], "accuracy": 1, "macro_f1": 1, "n_train": 1, "n_test": 1}
    ClassifierModel.objects.create(
        agency=agency_a, version=1, model=pickle_that_writes(tmp_path / "x"), **fields
    )
    kept = ClassifierModel.objects.create(
        agency=agency_a,
        version=2,
        model=complaint_classifier.train(texts, labels).model,
        **fields,
    )
    migration = importlib.import_module(
        "cxgov.complaints.migrations.0004_classifier_stored_as_data"
    )
    migration.delete_pickled_classifiers(apps, None)
    assert list(ClassifierModel.objects.values_list("pk", flat=True)) == [kept.pk]
