"""Context travels from every entry point to the stored response, and a stale value never
blocks an answer: it is kept as received and the field is attributed to "unknown"."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from cxgov.core.models import User
from cxgov.core.services import token_create
from cxgov.registry.models import Service, ServiceStage
from cxgov.surveys.models import Invitation, Response, Survey
from cxgov.surveys.services import _token_hash
from cxgov.testing.factories import SegmentFactory

pytestmark = pytest.mark.django_db

SITE = "https://www.example.gov"


@pytest.fixture
def stage(service_a: Service) -> ServiceStage:
    return ServiceStage.objects.create(service=service_a, name="Apply", position=1)


def _stored() -> Response:
    return Response.objects.get()


def test_the_service_page_button_carries_the_service_to_the_stored_response(
    client: Client, a11_survey: Survey, service_a: Service
) -> None:
    chooser = client.get(f"/feedback/?agency={service_a.agency.slug}&service={service_a.slug}")
    link = re.search(r'href="(/surveys/[^"]+)"', chooser.content.decode())
    assert link and "service=apply" in link.group(1)
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert 'name="service" value="apply"' in form
    client.post(
        f"/surveys/{a11_survey.public_id}/",
        {"submission_id": "svc-1", "q-trust": "1", "service": "apply"},
    )
    response = _stored()
    assert (response.service, response.source, response.context_unknown) == (service_a, "web", {})


def test_a_qr_code_link_stores_its_location_channel_and_stage(
    client: Client, a11_survey: Survey, stage: ServiceStage
) -> None:
    query = f"?loc=LOBBY-2&channel=in_person&stage={stage.pk}&service=apply"
    form = client.get(f"/es/surveys/{a11_survey.public_id}/{query}").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    url = f"/es/surveys/{a11_survey.public_id}/"
    page = client.post(url, {**hidden, "q-trust": "0"})
    # A-11 v2 has three pages: the later ones carry only the draft, never the context.
    while page.status_code == 200:
        fields = dict(
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode())
        )
        assert "loc" not in fields
        page = client.post(url, fields)
    response = _stored()
    assert (response.source, response.location_code, response.channel, response.stage) == (
        "qr",
        "LOBBY-2",
        "in_person",
        stage,
    )
    assert response.language == "es"


def test_the_widget_carries_every_context_field(
    client: Client, a11_survey: Survey, stage: ServiceStage
) -> None:
    a11_survey.allowed_origins = [SITE]
    a11_survey.save()
    segment = SegmentFactory(agency=a11_survey.agency)
    reply = client.post(
        f"/surveys/{a11_survey.public_id}/widget/",
        {
            "q-trust": "1",
            "service": "apply",
            "channel": "website",
            "stage": str(stage.pk),
            "segment": str(segment.pk),
            "loc": "HOME-BANNER",
        },
        HTTP_ORIGIN=SITE,
    )
    assert reply.status_code == 201
    response = _stored()
    assert (response.source, response.service.slug, response.channel) == (
        "widget",
        "apply",
        "website",
    )
    assert (response.stage, response.segment, response.location_code) == (
        stage,
        segment,
        "HOME-BANNER",
    )


def test_the_iframe_carries_its_context(client: Client, a11_survey: Survey) -> None:
    a11_survey.allowed_origins = [SITE]
    a11_survey.save()
    client.post(
        f"/surveys/{a11_survey.public_id}/embed/",
        {"submission_id": "frame-1", "q-trust": "1", "service": "apply", "channel": "website"},
    )
    response = _stored()
    assert (response.service.slug, response.channel) == ("apply", "website")
    assert "/embed/" in response.page_url


def test_an_invitation_gives_its_service_and_segment(
    client: Client, a11_survey: Survey, service_a: Service
) -> None:
    segment = SegmentFactory(agency=a11_survey.agency)
    Invitation.objects.create(
        survey=a11_survey,
        email="p@example.com",
        service=service_a,
        segment=segment,
        token_hash=_token_hash("tok-1"),
    )
    client.post(f"/surveys/{a11_survey.public_id}/", {"q-trust": "1", "t": "tok-1"})
    response = _stored()
    assert (response.source, response.service, response.segment) == ("email", service_a, segment)


def test_the_api_carries_its_context(client: Client, analyst_a: User, a11_survey: Survey) -> None:
    _token, raw = token_create(user=analyst_a, name="ivr")
    client.post(
        f"/api/v1/surveys/{a11_survey.pk}/responses",
        data=json.dumps(
            {
                "submission_id": "api-1",
                "answers": {"trust": 1},
                "context": {"service": "apply", "channel": "automated_phone", "language": "es"},
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    response = _stored()
    assert (response.source, response.service.slug, response.channel, response.language) == (
        "api",
        "apply",
        "automated_phone",
        "es",
    )


@pytest.mark.parametrize(
    ("field", "stale"),
    [
        ("channel", "fax-1999"),
        ("service", "renew-old"),
        ("stage", "999999"),
        ("segment", "veterans"),
        ("loc", "LOBBY 2 <b>"),
    ],
)
def test_a_stale_link_value_is_kept_as_sent_and_never_blocks_the_answer(
    client: Client, a11_survey: Survey, field: str, stale: str
) -> None:
    reply = client.post(
        f"/surveys/{a11_survey.public_id}/", {"submission_id": "s-1", "q-trust": "1", field: stale}
    )
    assert reply.status_code == 302
    response = _stored()
    key = "location_code" if field == "loc" else field
    assert response.context_unknown == {key: stale}
    assert response.answers.get().value_int == 1


@pytest.mark.parametrize("field", ["service", "channel", "stage", "segment", "loc"])
def test_a_nul_in_a_link_value_is_dropped_and_the_rest_kept_as_sent(
    client: Client, a11_survey: Survey, field: str
) -> None:
    reply = client.post(
        f"/surveys/{a11_survey.public_id}/",
        {"submission_id": "s-1", "q-trust": "1", field: "old\x00name"},
    )
    assert reply.status_code == 302
    response = _stored()
    if field == "loc":  # a well-formed location code once the NUL is gone
        assert (response.location_code, response.context_unknown) == ("oldname", {})
    else:
        assert response.context_unknown == {field: "oldname"}


def test_a_stale_widget_channel_and_api_context_are_kept_too(
    client: Client, analyst_a: User, a11_survey: Survey
) -> None:
    a11_survey.allowed_origins = [SITE]
    a11_survey.save()
    widget = client.post(
        f"/surveys/{a11_survey.public_id}/widget/",
        {"q-trust": "1", "submission_id": "w-1", "channel": "kiosk-2019"},
        HTTP_ORIGIN=SITE,
    )
    assert widget.status_code == 201
    _token, raw = token_create(user=analyst_a, name="ivr")
    api = client.post(
        f"/api/v1/surveys/{a11_survey.pk}/responses",
        data=json.dumps(
            {
                "submission_id": "a-1",
                "answers": {"trust": 0},
                "context": {"service": "gone", "language": "xx"},
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert api.status_code == 201
    unknown = dict(Response.objects.values_list("submission_id", "context_unknown"))
    assert unknown == {
        "w-1": {"channel": "kiosk-2019"},
        "a-1": {"service": "gone", "language": "xx"},
    }
    assert Response.objects.get(submission_id="a-1").language == "en"
