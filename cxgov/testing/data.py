"""The shared public data beside the repository (`../shared/data/`), for data-backed tests.

Tests name a file relative to that folder and are skipped, with the reason, when it is absent,
so a clone that sits elsewhere still runs the rest of the suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED_DATA = REPOSITORY.parent / "shared" / "data"


def shared_path(relative: str) -> Path:
    """The path of a shared data file or folder; the calling test is skipped when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"the shared data file ../shared/data/{relative} is not beside the repository")
    return path


def shared_available(relative: str) -> bool:
    """Whether a shared data file is present, for `pytest.mark.skipif` at module level."""
    return (SHARED_DATA / relative).exists()


def needs_shared(relative: str) -> pytest.MarkDecorator:
    """Skip the marked tests, with the reason, when a shared data file or folder is absent."""
    return pytest.mark.skipif(
        not shared_available(relative),
        reason=f"the shared data file ../shared/data/{relative} is not beside the repository",
    )
