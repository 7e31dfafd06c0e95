"""The oversight home and the A-11 reports it opens, through HTTP, on the demo data."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from cxgov.a11.models import Collection, CollectionStatus
from cxgov.complaints.models import Complaint
from cxgov.core.models import Agency, Role, User
from cxgov.core.permissions import Can, user_can
from cxgov.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

QUARTER = {"fiscal_year": 2026, "quarter": 4}
SECTIONS = ("calendar", "trust", "trust-fell", "standards", "complaints", "reports")
_CSRF = re.compile(r'(value|content)="[A-Za-z0-9]{32,64}"')


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def oversight(demo_data: None) -> Client:
    user = User.objects.get(email="oversight@omb.example.gov")
    assert user_can(user=user, agency=None, need=Can.OVERSEE_GOVERNMENT)
    return _client(user)


def _home(client: Client, **query: object) -> str:
    response = client.get(reverse("oversight:home"), {**QUARTER, **query})
    assert response.status_code == 200
    return response.content.decode()


def test_the_oversight_user_sees_every_section(oversight: Client) -> None:
    page = _home(oversight)
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in page, anchor
    assert "Oversight across government, FY2026 Q4" in page
    # The calendar names every agency with services and the quarters before the chosen one.
    for agency in Agency.objects.filter(services__isnull=False).distinct():
        assert agency.display_name in page
    for quarter in ("FY2026 Q1", "FY2026 Q2", "FY2026 Q3", "FY2026 Q4"):
        assert quarter in page
    # Government-wide trust for eight quarters, and the reports of the quarter with links.
    assert "Government-wide trust, quarter by quarter" in page
    assert "FY2025 Q1" in page
    handed_in = Collection.objects.filter(
        fiscal_year=2026, quarter=4, status__in=["submitted", "published"]
    )
    assert handed_in.exists()
    for collection in handed_in:
        assert reverse("oversight:report", kwargs={"collection_id": collection.pk}) in page
    # Drafts are the agency's work in progress: not linked.
    for draft in Collection.objects.filter(status="draft"):
        assert reverse("oversight:report", kwargs={"collection_id": draft.pk}) not in page


def test_spanish_page_answers(oversight: Client) -> None:
    response = oversight.get("/es/staff/oversight/", QUARTER)
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()


def test_late_providers_are_listed(oversight: Client) -> None:
    page = _home(oversight)
    # nppo has services and no FY2026 Q4 report; the due date (30 October 2026) has passed.
    nppo = Agency.objects.get(slug="nppo")
    assert "late with their FY2026 Q4 reports" in page or "late with its FY2026 Q4" in page
    alert = page.split('id="late-heading"', 1)[1].split("</div></div>", 1)[0]
    assert nppo.display_name in alert
    assert "days past due" in alert
    # fba left a draft in FY2026 Q4 (the "Update" service): late too.
    assert Agency.objects.get(slug="fba").display_name in alert


def test_no_personal_data_on_the_page(oversight: Client) -> None:
    page = _home(oversight)
    complaints = Complaint.objects.all()
    assert complaints.exists()
    personal = set()
    for complaint in complaints:
        personal |= {complaint.contact_email, complaint.contact_name, complaint.contact_phone}
        personal.add(complaint.tracking_number)
    for user in User.objects.all():
        personal |= {user.email, user.full_name}
    personal.discard("")
    found = sorted(value for value in personal if value in page)
    assert not found, f"personal data on the oversight home: {found}"
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", page), "an email address on the page"


def _not_found_body(client: Client, path: str) -> tuple[int, str]:
    response = client.get(path, QUARTER)
    # The language links of a missing page keep its address as it is (no /es/ twin to find).
    body = _CSRF.sub("", response.content.decode())
    for code, _name in settings.LANGUAGES:
        body = body.replace(f"/{code}{path}", path)
    body = body.replace(path, "PATH")
    return response.status_code, body


@pytest.mark.parametrize("email", ["admin@fba.example.gov", "analyst@fba.example.gov"])
def test_agency_role_without_the_grant_gets_the_missing_page(demo_data: None, email: str) -> None:
    client = _client(User.objects.get(email=email))
    got = _not_found_body(client, reverse("oversight:home"))
    missing = _not_found_body(client, "/staff/oversight/no-such-page/")
    assert got[0] == 404
    assert got == missing
    collection = Collection.objects.filter(status="submitted").first()
    assert collection is not None
    report = reverse("oversight:report", kwargs={"collection_id": collection.pk})
    assert _not_found_body(client, report) == _not_found_body(
        client, reverse("oversight:report", kwargs={"collection_id": 999_999_999})
    )
    assert client.post(report, {"rating": "within_guidelines"}).status_code == 404


def test_agency_oversight_role_alone_is_not_the_grant(demo_data: None) -> None:
    user = UserFactory(email="regional@omb.example.gov")
    MembershipFactory(user=user, agency=Agency.objects.get(slug="fba"), role=Role.OVERSIGHT)
    client = _client(user)
    assert client.get(reverse("oversight:home")).status_code == 404
    assert reverse("oversight:home") not in client.get(reverse("core:staff_home")).content.decode()


def test_the_navigation_links_the_home_only_for_the_grant(oversight: Client) -> None:
    url = reverse("oversight:home")
    assert f'href="{url}"' in oversight.get(reverse("core:staff_home")).content.decode()
    admin = _client(User.objects.get(email="admin@fba.example.gov"))
    assert f'href="{url}"' not in admin.get(reverse("core:staff_home")).content.decode()


def test_the_oversight_user_opens_a_submitted_report_read_only(oversight: Client) -> None:
    collection = Collection.objects.filter(status="submitted").select_related("service").first()
    assert collection is not None
    url = reverse("oversight:report", kwargs={"collection_id": collection.pk})
    page = oversight.get(url).content.decode()
    assert collection.service.name in page
    assert "What the agency reported" in page
    assert f"{collection.volume_of_customers}" in page
    # Read-only: no field of the report is offered, only the rating form.
    assert 'name="volume_of_customers"' not in page
    assert 'name="rating"' in page
    assert "@" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    # A draft is the agency's own: it answers like a missing report.
    draft = Collection.objects.filter(status="draft").first()
    assert draft is not None
    assert (
        oversight.get(reverse("oversight:report", kwargs={"collection_id": draft.pk})).status_code
        == 404
    )


def test_the_rating_starts_empty_and_refuses_an_empty_choice(oversight: Client) -> None:
    collection = Collection.objects.filter(status="submitted", rating="").first()
    assert collection is not None
    url = reverse("oversight:report", kwargs={"collection_id": collection.pk})
    page = oversight.get(url).content.decode()
    assert re.search(r'<option value="" selected>Choose a rating</option>', page)
    refused = oversight.post(url, {"rating": "", "comment": "stray click"})
    assert refused.status_code == 400
    assert "Choose a rating from the list: no rating was saved." in refused.content.decode()
    collection.refresh_from_db()
    assert collection.rating == ""
    assert collection.rating_comment == ""
    saved = oversight.post(url, {"rating": "partially", "comment": "Response rate is low."})
    assert saved.status_code == 302
    collection.refresh_from_db()
    assert collection.rating == "partially"
    assert collection.rated_by is not None


def test_the_agency_oversight_table_refuses_an_empty_rating(demo_data: None) -> None:
    user = User.objects.get(email="oversight@omb.example.gov")
    user.user_permissions.remove(
        Permission.objects.get(content_type__app_label="core", codename="oversee_government")
    )
    client = _client(user)
    collection = Collection.objects.filter(
        agency__slug="fba", status=CollectionStatus.SUBMITTED, rating=""
    ).first()
    assert collection is not None
    table = client.get(reverse("a11:oversight", kwargs={"slug": "fba"}), QUARTER)
    body = table.content.decode()
    select = body.split(f'id="rating-{collection.pk}"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose a rating</option>' in select
    # The table links each report it rates.
    assert reverse("a11:collection", kwargs={"slug": "fba", "collection_id": collection.pk}) in body
    rate = reverse("a11:collection_rate", kwargs={"slug": "fba", "collection_id": collection.pk})
    response = client.post(rate, {"rating": ""}, follow=True)
    assert "Choose a rating from the list: no rating was saved." in response.content.decode()
    collection.refresh_from_db()
    assert collection.rating == ""


def test_the_agency_report_page_shows_a_submitted_report_read_only(demo_data: None) -> None:
    client = _client(User.objects.get(email="oversight@omb.example.gov"))
    collection = Collection.objects.filter(agency__slug="fba", status="submitted").first()
    assert collection is not None
    page = client.get(
        reverse("a11:collection", kwargs={"slug": "fba", "collection_id": collection.pk})
    ).content.decode()
    assert "What the agency reported" in page
    assert collection.transaction_point in page
