"""The accessibility statement, the barrier report form and the conformance report page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.models import Category, Complaint, SlaPolicy
from cxgov.complaints.services import (
    BARRIER_CATEGORY_NAME,
    barrier_category_ensure,
    barrier_report_create,
)
from cxgov.core.models import AuditEvent
from cxgov.public import acr
from cxgov.testing.data import REPOSITORY

pytestmark = pytest.mark.django_db

VALID = {
    "page_url": "https://example.gov/apply/step-2",
    "what_happened": "The date field cannot be filled with my screen reader.",
    "assistive_technology": "NVDA 2024.1 with Firefox",
    "contact_email": "sam@example.com",
    "contact_preference": "email",
}


def _post(client, slug="alpha", prefix="", **extra):
    return client.post(f"{prefix}/agencies/{slug}/accessibility/report/", {**VALID, **extra})


@pytest.mark.parametrize(
    ("prefix", "words"),
    [
        ("", ["WCAG", "2.2", "Section 508", "axe-core", "320", "another format"]),
        ("/es", ["WCAG", "2.2", "Sección 508", "axe-core", "320", "otro formato"]),
    ],
)
def test_statement_names_the_standard_the_tests_limits_and_help(client, agency_a, prefix, words):
    page = client.get(f"{prefix}/accessibility/").content.decode()
    for word in words:
        assert word in page
    # Known limits are the report's partially supported criteria, with their remarks.
    for criterion in acr.known_limits():
        assert f"{criterion.num} {criterion.handle}" in page
    assert f'href="{prefix}/agencies/alpha/accessibility/report/"' in page
    assert f'href="{prefix}/accessibility/conformance/"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/feedback/",
        "/complaints/",
        "/complaints/status/",
        "/agencies/alpha/",
        "/agencies/alpha/complaints/new/",
        "/accessibility/",
        "/accessibility/conformance/",
        "/accessibility/report/",
        "/agencies/alpha/accessibility/report/",
    ],
)
def test_every_public_page_links_to_the_accessibility_statement(client, agency_a, path):
    for prefix in ("", "/es"):
        page = client.get(prefix + path).content.decode()
        footer = page.split('class="usa-footer', 1)[1]
        links = re.findall(r'class="usa-footer__primary-link" href="([^"]+)"', footer)
        # The same help, in the same order, on every page (WCAG 3.2.6).
        assert links[:3] == [
            f"{prefix}/feedback/",
            f"{prefix}/complaints/",
            f"{prefix}/accessibility/",
        ]


def test_contact_fields_name_their_purpose_for_autofill(client, agency_a):
    for path in ("/agencies/alpha/complaints/new/", "/agencies/alpha/accessibility/report/"):
        page = client.get(path).content.decode()
        assert re.search(r'<input[^>]*autocomplete="name"[^>]*id="id_contact_name"', page)
        assert re.search(r'<input[^>]*autocomplete="email"[^>]*id="id_contact_email"', page)
        assert re.search(r'<input[^>]*autocomplete="tel"[^>]*id="id_contact_phone"', page)
    status = client.get("/complaints/status/").content.decode()
    assert re.search(r'<input[^>]*autocomplete="email"[^>]*id="id_email"', status)


def test_english_remarks_on_spanish_pages_are_marked_as_english(client, agency_a):
    page = client.get("/es/accessibility/conformance/").content.decode()
    assert '<html lang="es">' in page
    remark = acr.CRITERIA[0].remarks
    assert re.search(rf'lang="en">\s*{re.escape(remark)}', page)
    statement = client.get("/es/accessibility/").content.decode()
    limit = acr.known_limits()[0]
    assert f'<li lang="en"><strong>{limit.num} {limit.handle}' in statement
    english = client.get("/accessibility/conformance/").content.decode()
    assert 'lang="en">' not in english.split("<main", 1)[1]


def test_conformance_page_lists_every_criterion_with_its_level(client):
    page = client.get("/accessibility/conformance/").content.decode()
    rows = re.findall(r'<tr id="sc-([0-9.]+)">', page)
    assert rows == [criterion.num for criterion in acr.CRITERIA]
    assert page.count(">Partially supports<") == len(acr.known_limits())
    spanish = client.get("/es/accessibility/conformance/").content.decode()
    assert "Admite parcialmente" in spanish


def test_openacr_download_is_the_checked_in_file(client):
    response = client.get("/accessibility/openacr.yaml")
    assert response["Content-Type"].startswith("application/yaml")
    checked_in = (REPOSITORY / acr.OUTPUT).read_text(encoding="utf-8")
    assert response.content.decode() == checked_in


def test_choose_agency_page_links_to_each_agency_form(client, agency_a, agency_b):
    page = client.get("/accessibility/report/?agency=bravo").content.decode()
    assert "/agencies/bravo/accessibility/report/" in page
    assert "/agencies/alpha/accessibility/report/" not in page


def test_barrier_report_opens_a_tracked_case_in_its_own_category_and_sla(client, agency_a):
    response = _post(client)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.category.name == BARRIER_CATEGORY_NAME
    assert complaint.category.name_es == "Barrera de accesibilidad"
    assert complaint.attributes == {
        "page_url": VALID["page_url"],
        "assistive_technology": VALID["assistive_technology"],
    }
    policy = SlaPolicy.objects.get(agency=agency_a, category=complaint.category)
    assert (policy.acknowledge_business_days, policy.respond_days, policy.final_days) == (1, 10, 30)
    assert policy.respond_in_business_days
    # Ten business days span at least twelve calendar days, even from a Sunday.
    assert complaint.respond_due_at - complaint.received_at >= timedelta(days=12)
    filed = client.get(response["Location"]).content.decode()
    assert complaint.tracking_number in filed
    assert client.get(f"/complaints/status/{complaint.tracking_number}/").status_code == 200
    assert AuditEvent.objects.filter(action="complaint.category.create").count() == 1


def test_the_category_is_made_once_and_a_changed_policy_is_kept(agency_a):
    category = barrier_category_ensure(agency=agency_a)
    SlaPolicy.objects.filter(category=category).update(respond_days=5)
    again = barrier_report_create(
        agency=agency_a, page_url="/x", what_happened="Focus is lost", contact_email="a@b.example"
    )
    assert again.category == category
    assert Category.objects.filter(agency=agency_a, name=BARRIER_CATEGORY_NAME).count() == 1
    assert SlaPolicy.objects.get(category=category).respond_days == 5


def test_open311_clients_see_the_barrier_questions(client, agency_a):
    category = barrier_category_ensure(agency=agency_a)
    codes = [field["code"] for field in category.extra_fields]
    assert codes == ["page_url", "assistive_technology"]


def test_missing_page_and_story_get_field_errors_and_nothing_is_stored(client, agency_a):
    response = _post(client, page_url="  ", what_happened="   ", contact_email="nope")
    assert response.status_code == 400
    body = response.content.decode()
    for field in ("page_url", "what_happened", "contact_email"):
        assert f'id="id_{field}_error"' in body
    assert 'role="alert"' in body
    assert not Complaint.objects.exists()
    assert not Category.objects.exists()


def test_spanish_report_is_filed_in_spanish(client, agency_a):
    response = _post(client, prefix="/es")
    assert response["Location"].startswith("/es/accessibility/report/filed/")
    assert Complaint.objects.get().language == "es"
    assert "número de seguimiento" in client.get(response["Location"]).content.decode()


def test_honeypot_report_is_dropped_quietly(client, agency_a):
    assert _post(client, website="http://spam.example").status_code == 302
    assert not Complaint.objects.exists()


def test_a_resent_form_files_one_report(client, agency_a):
    _post(client, idempotency_key="k" * 32)
    _post(client, idempotency_key="k" * 32)
    assert Complaint.objects.count() == 1


def test_filed_page_is_only_for_the_person_who_filed(client, agency_a):
    complaint = barrier_report_create(
        agency=agency_a, page_url="/x", what_happened="y", contact_email="a@b.example"
    )
    assert (
        client.get(f"/accessibility/report/filed/{complaint.tracking_number}/").status_code == 404
    )


def test_unknown_agency_is_not_found(client, agency_a):
    assert client.get("/agencies/nobody/accessibility/report/").status_code == 404
    assert _post(client, slug="nobody").status_code == 404


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    page_url=st.text(max_size=600),
    story=st.text(max_size=300),
    technology=st.text(max_size=250),
    email=st.sampled_from(["sam@example.com", "", "x", "a@b", "<script>@x.gov"])
    | st.text(max_size=40),
    phone=st.text(max_size=50),
    preference=st.sampled_from(["email", "phone", "postal_mail", "x", ""]),
)
def test_hostile_input_never_breaks_the_form(
    client, agency_a, page_url, story, technology, email, phone, preference
):
    before = Complaint.objects.count()
    response = _post(
        client,
        page_url=page_url,
        what_happened=story,
        assistive_technology=technology,
        contact_email=email,
        contact_phone=phone,
        contact_preference=preference,
        idempotency_key="",
    )
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Complaint.objects.count() == before
        assert "Traceback" not in response.content.decode()
    else:
        complaint = Complaint.objects.order_by("-pk").first()
        assert complaint.attributes["page_url"] == page_url.strip()
        assert "\x00" not in complaint.what_happened
        assert complaint.received_at <= timezone.now()
