"""Reading or exporting survey responses (page, CSV, API) is an audit event."""

from __future__ import annotations

import pytest

from cxgov.core.models import AuditEvent
from cxgov.core.services import token_create
from cxgov.surveys.services import response_submit

pytestmark = pytest.mark.django_db


def test_response_csv_export_is_audited_with_its_filters(analyst_a_client, analyst_a, a11_survey):
    response_submit(survey=a11_survey, answers={"trust": 1})
    url = f"/staff/agencies/alpha/surveys/{a11_survey.pk}/responses.csv?channel=website"
    response = analyst_a_client.get(url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(action="survey.responses_export")
    assert event.actor == analyst_a
    assert event.agency == a11_survey.agency
    assert event.target_id == str(a11_survey.pk)
    assert event.data == {"filters": "channel=website"}


def test_response_list_page_is_audited(analyst_a_client, analyst_a, a11_survey):
    response_submit(survey=a11_survey, answers={"trust": 1})
    url = f"/staff/agencies/alpha/surveys/{a11_survey.pk}/responses/"
    assert analyst_a_client.get(url).status_code == 200
    event = AuditEvent.objects.get(action="survey.responses_read")
    assert event.actor == analyst_a
    assert event.data["via"] == "page"


def test_response_list_through_the_api_is_audited(client, analyst_a, a11_survey):
    response_submit(survey=a11_survey, answers={"trust": 1})
    raw = token_create(user=analyst_a, name="reader", scope="read")[1]
    response = client.get(
        f"/api/v1/surveys/{a11_survey.pk}/responses", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="survey.responses_read")
    assert event.actor == analyst_a
    assert event.data == {"via": "api", "limit": 50}
