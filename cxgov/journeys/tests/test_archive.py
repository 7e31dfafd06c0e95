"""A restored journey keeps its site-wide life experience when that row is here, and loses
only the link, with a warning, when it is not (decision 0054)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxgov.journeys.models import Journey, LifeExperience
from cxgov.registry.tests.test_agency_archive_attacks import (  # noqa: F401 (fixture)
    RESTORED,
    _crafted,
    _restore,
    _signing_key,
)

pytestmark = pytest.mark.django_db


def _journey(life_experience_id: int) -> dict:
    return {
        "id": 7001,
        "agency_id": RESTORED["id"],
        "title": "Retiring",
        "description": "",
        "persona_id": None,
        "life_experience_id": life_experience_id,
        "created_at": "2026-01-05T09:00:00+00:00",
        "updated_at": "2026-01-05T09:00:00+00:00",
    }


def test_a_restored_journey_keeps_a_life_experience_that_is_here(tmp_path: Path) -> None:
    here = LifeExperience.objects.create(name="Approaching retirement")
    _restore(
        tmp_path, _crafted({"core.Agency": [RESTORED], "journeys.Journey": [_journey(here.pk)]})
    )
    assert Journey.objects.get(title="Retiring").life_experience == here


def test_a_restored_journey_drops_a_life_experience_that_is_not_here(tmp_path: Path) -> None:
    out = _restore(
        tmp_path, _crafted({"core.Agency": [RESTORED], "journeys.Journey": [_journey(4242)]})
    )
    journey = Journey.objects.get(title="Retiring")
    assert journey.life_experience is None and journey.agency.slug == "restored"
    assert "site-wide row that is not here" in out
