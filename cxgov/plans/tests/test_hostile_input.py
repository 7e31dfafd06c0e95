"""Hostile text in the section editor: saved as written or refused with a field error."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.plans.models import TEXT_MAX_LENGTH, PlanSection
from cxgov.plans.services import plan_create

odd_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60).map(
        lambda chunk: chunk * (TEXT_MAX_LENGTH // max(1, len(chunk)) + 1)
    ),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "‮ reversed ‬",
            "🏳️‍🌈" * 500,
            "\u200b" * 50,
            "Ä" * (TEXT_MAX_LENGTH + 1),
            ". . . ! ? ¿¡",
            "\r\n\r\n\r\n",
            "Word. " * 3000,
        ]
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(english=odd_text, spanish=odd_text)
def test_section_text_is_saved_or_refused_never_a_crash(
    admin_a_client: Client, agency_a, english: str, spanish: str
) -> None:
    plan = plan_create(actor=None, agency=agency_a, year=2027)
    url = f"/staff/agencies/alpha/plans/{plan.pk}/sections/training/"
    try:
        response = admin_a_client.post(url, {"text_en": english, "text_es": spanish})
        assert response.status_code in (302, 400)
        section = PlanSection.objects.get(plan=plan, key="training")
        if response.status_code == 302:
            assert section.text_en == english.strip()
            assert section.text_es == spanish.strip()
            page = admin_a_client.get(url)
            assert page.status_code == 200
            assert b"<script>alert" not in page.content
        else:
            assert b"usa-error-message" in response.content
            assert section.text_en == "" and section.text_es == ""
    finally:
        plan.delete()
