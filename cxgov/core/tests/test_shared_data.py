"""Data-backed tests skip, saying which file, when ../shared/data is not beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxgov.testing import data


@pytest.fixture
def shared_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "shared" / "data"
    monkeypatch.setattr(data, "SHARED_DATA", folder)
    return folder


def test_an_absent_file_skips_the_test_and_names_the_file(shared_elsewhere: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match=r"\.\./shared/data/canada/si\.csv is not"):
        data.shared_path("canada/si.csv")
    assert not data.shared_available("canada/si.csv")


def test_the_module_level_mark_skips_with_the_same_reason(shared_elsewhere: Path) -> None:
    mark = data.needs_shared("canada/si.csv").mark
    assert mark.args == (True,)
    assert "../shared/data/canada/si.csv" in mark.kwargs["reason"]


def test_a_present_file_is_found_beside_the_repository(shared_elsewhere: Path) -> None:
    (shared_elsewhere / "canada").mkdir(parents=True)
    (shared_elsewhere / "canada" / "si.csv").write_text("id\n")
    assert data.shared_path("canada/si.csv") == shared_elsewhere / "canada" / "si.csv"
    assert data.shared_available("canada/si.csv")
    assert not data.needs_shared("canada/si.csv").mark.args[0]


def test_the_shared_folder_is_looked_for_beside_the_repository() -> None:
    assert data.REPOSITORY.parent / "shared" / "data" == data.SHARED_DATA
    assert (data.REPOSITORY / "pyproject.toml").exists()
