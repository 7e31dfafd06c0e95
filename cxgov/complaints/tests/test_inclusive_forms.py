"""The public complaint form includes everyone: a call or a letter instead of email, with the
USWDS address fields, and radios rendered once."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxgov.complaints.forms import ReviewForm
from cxgov.complaints.models import Complaint, ContactPreference
from cxgov.complaints.services import complaint_create
from cxgov.core.addresses import PostalAddress

pytestmark = pytest.mark.django_db

NEW = "/agencies/alpha/complaints/new/"
STORY = {"what_happened": "Nobody answered my letters about my claim."}
ADDRESS = {
    "postal_line_1": "12 Elm Street",
    "postal_line_2": "Apt 3",
    "postal_city": "Springfield",
    "postal_state": "IL",
    "postal_zip": "62701",
}


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each label by its `for`."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        self.tags.append((tag, found))
        if tag == "label":
            self._label_for = found.get("for", "")
            self.labels.setdefault(self._label_for, "")

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[self._label_for] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _assert_one_uswds_radio_per_choice(html: str, name: str, choices) -> None:
    tags = _parse(html)
    radios = [attrs for tag, attrs in tags.tags if tag == "input" and attrs.get("name") == name]
    assert len(radios) == len(choices)
    assert all(attrs.get("type") == "radio" for attrs in radios)
    labels = [attrs for tag, attrs in tags.tags if tag == "label"]
    for value, text in choices:
        inputs = [attrs for attrs in radios if attrs.get("value") == str(value)]
        assert len(inputs) == 1, value
        assert "usa-radio__input" in inputs[0]["class"].split()
        matching = [attrs for attrs in labels if attrs.get("for") == inputs[0]["id"]]
        assert len(matching) == 1
        assert "usa-radio__label" in matching[0]["class"].split()
        assert tags.labels[inputs[0]["id"]].strip() == str(text)


# --- email optional when the person asks for a call or a letter -------------------------------


def test_mail_preference_files_without_email_and_keeps_the_address(client, agency_a):
    response = client.post(
        NEW, {**STORY, **ADDRESS, "postal_zip": "627011234", "contact_preference": "postal_mail"}
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.contact_email == ""
    assert complaint.contact_preference == ContactPreference.POSTAL_MAIL
    assert (
        complaint.postal_line_1,
        complaint.postal_line_2,
        complaint.postal_city,
        complaint.postal_state,
        complaint.postal_zip,
    ) == ("12 Elm Street", "Apt 3", "Springfield", "IL", "62701-1234")
    assert complaint.postal_address == "12 Elm Street\nApt 3\nSpringfield, IL 62701-1234"
    filed = client.get(response["Location"]).content.decode()
    assert complaint.tracking_number in filed
    assert "We also sent it to your email address" not in filed


def test_phone_preference_files_without_email(client, agency_a):
    response = client.post(
        NEW, {**STORY, "contact_preference": "phone", "contact_phone": "217-555-0100"}
    )
    assert response.status_code == 302
    assert Complaint.objects.get().contact_phone == "217-555-0100"


def test_phone_preference_without_a_phone_number_says_so(client, agency_a):
    response = client.post(NEW, {**STORY, "contact_preference": "phone"})
    assert response.status_code == 400
    assert "Give a phone number so we can call you." in response.content.decode()


def test_email_preference_still_needs_an_email_address(client, agency_a):
    response = client.post(NEW, {**STORY, "contact_preference": "email"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_contact_email_error"' in body
    assert "Give an email address so we can write to you, or choose phone or mail." in body
    assert not Complaint.objects.exists()


def test_mail_preference_without_an_address_names_each_missing_part(client, agency_a):
    response = client.post(
        NEW, {**STORY, "contact_preference": "postal_mail", "postal_line_2": "Apt 3"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "Give your street address so we can send you a letter.",
        "Give the city of your mailing address.",
        "Choose the state, territory or military post of your address.",
        "Give the ZIP code of your mailing address.",
    ):
        assert message in body
    for name in ("postal_line_1", "postal_city", "postal_state", "postal_zip"):
        assert f'id="id_{name}_error"' in body
    assert 'id="id_postal_line_2_error"' not in body
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("zip_code", ["1234", "123456", "ABCDE", "12345-67", "١٢٣٤٥"])
def test_zip_code_needs_5_or_9_digits(client, agency_a, zip_code):
    response = client.post(
        NEW, {**STORY, **ADDRESS, "postal_zip": zip_code, "contact_preference": "postal_mail"}
    )
    assert response.status_code == 400
    assert "Enter a ZIP code with 5 digits, or 9 digits as 12345-6789." in (
        response.content.decode()
    )


def test_unknown_state_is_refused(client, agency_a):
    response = client.post(
        NEW, {**STORY, **ADDRESS, "postal_state": "ZZ", "contact_preference": "postal_mail"}
    )
    assert response.status_code == 400
    assert 'id="id_postal_state_error"' in response.content.decode()


def test_spanish_errors_say_what_to_fix(client, agency_a):
    response = client.post(
        "/es" + NEW,
        {
            **STORY,
            **ADDRESS,
            "postal_city": "",
            "postal_zip": "12",
            "contact_preference": "postal_mail",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Dé la ciudad de su dirección postal." in body
    assert "Escriba un código postal de 5 dígitos, o de 9 dígitos como 12345-6789." in body
    email = client.post("/es" + NEW, {**STORY, "contact_preference": "email"}).content.decode()
    assert "Dé una dirección de correo electrónico para que podamos escribirle" in email


def test_form_has_the_uswds_address_fields_in_a_fieldset(client, agency_a):
    body = client.get(NEW).content.decode()
    tags = _parse(body)
    fields = {attrs.get("name"): (tag, attrs) for tag, attrs in tags.tags if attrs.get("name")}
    assert fields["postal_line_1"][1]["autocomplete"] == "address-line1"
    assert fields["postal_city"][1]["autocomplete"] == "address-level2"
    assert fields["postal_state"][0] == "select"
    assert "usa-select" in fields["postal_state"][1]["class"]
    assert fields["postal_zip"][1]["class"].split() == ["usa-input", "usa-input--medium"]
    assert fields["postal_zip"][1]["inputmode"] == "numeric"
    assert '<option value="PR">PR - Puerto Rico</option>' in body
    legend = body.index("Mailing address</legend>")
    assert body.rindex("<fieldset", 0, legend) < body.index('name="postal_line_1"')
    # Email is no longer marked required; its hint says when it is.
    assert "Required if you choose email." in body


def test_service_refuses_an_unknown_state_and_writes_the_zip_one_way(agency_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        complaint_create(
            agency=agency_a,
            what_happened="x",
            postal=PostalAddress(line_1="1 Main St", state="XX"),
            send_acknowledgment=False,
        )
    assert "postal_state" in error.value.message_dict
    complaint = complaint_create(
        agency=agency_a,
        what_happened="x",
        postal=PostalAddress(line_1="1 Main St", city="Ponce", state="PR", zip_code="00716 1234"),
        send_acknowledgment=False,
    )
    assert complaint.postal_zip == "00716-1234"
    assert complaint.postal_address == "1 Main St\nPonce, PR 00716-1234"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    line_1=st.text(max_size=250),
    line_2=st.text(max_size=250),
    city=st.text(max_size=120),
    state=st.one_of(st.sampled_from(["IL", "PR", "AE", ""]), st.text(max_size=5)),
    zip_code=st.one_of(st.from_regex(r"\d{5}(-?\d{4})?", fullmatch=True), st.text(max_size=15)),
    phone=st.text(max_size=50),
    preference=st.sampled_from(["email", "phone", "postal_mail", "x", ""]),
)
def test_hostile_address_input_never_breaks_the_form(
    client, agency_a, line_1, line_2, city, state, zip_code, phone, preference
):
    response = client.post(
        NEW,
        {
            **STORY,
            "contact_preference": preference,
            "contact_phone": phone,
            "postal_line_1": line_1,
            "postal_line_2": line_2,
            "postal_city": city,
            "postal_state": state,
            "postal_zip": zip_code,
        },
    )
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        complaint = Complaint.objects.order_by("-pk").first()
        assert complaint is not None
        assert complaint.contact_email == ""
        assert complaint.postal_state in ("", "IL", "PR", "AE") or len(complaint.postal_state) == 2
        assert len(complaint.postal_zip) in (0, 5, 10)
        assert "\x00" not in complaint.postal_address


# --- radios render once --------------------------------------------------------------------


def test_contact_preference_radios_render_once_with_uswds_classes(client, agency_a):
    body = client.get(NEW).content.decode()
    _assert_one_uswds_radio_per_choice(body, "contact_preference", ContactPreference.choices)


def test_contact_preference_radios_render_once_after_an_error(client, agency_a):
    body = client.post(NEW, {"contact_preference": "phone"}).content.decode()
    _assert_one_uswds_radio_per_choice(body, "contact_preference", ContactPreference.choices)


def test_review_form_radios_render_once_with_uswds_classes(rf: RequestFactory):
    form = ReviewForm()
    html = render_to_string("includes/form.html", {"form": form}, request=rf.get("/"))
    _assert_one_uswds_radio_per_choice(html, "decision", form.fields["decision"].choices)
