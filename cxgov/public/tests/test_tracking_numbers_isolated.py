"""In Arabic, every complaint tracking number a page shows sits in `<bdi>`: in headings and
sentences, in the messages on the status page, in form errors and in the notices after a
reply, so its groups keep their order inside right-to-left text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils.safestring import mark_safe

from cxgov.complaints.models import Complaint, Status
from cxgov.complaints.services import complaint_create, complaint_merge, complaint_transition
from cxgov.core.models import Agency
from cxgov.core.templatetags.bidi import TRACKING_NUMBER, bdi_numbers

pytestmark = pytest.mark.django_db

STATUS = "/ar/complaints/status/"
EMAIL = "ana@example.com"


class _Numbers(HTMLParser):
    """Tracking numbers in a page's text, each with whether it sits inside a `<bdi>` (the
    `<title>`, plain text, is left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, bool]] = []
        self._bdi = 0
        self._title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._bdi += tag == "bdi"
        self._title = self._title or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._bdi -= tag == "bdi" and self._bdi > 0
        self._title = self._title and tag != "title"

    def handle_data(self, data: str) -> None:
        if not self._title:
            self.found += [(number, self._bdi > 0) for number in TRACKING_NUMBER.findall(data)]


def _numbers(html: str) -> list[tuple[str, bool]]:
    parser = _Numbers()
    parser.feed(html)
    return parser.found


@pytest.fixture(autouse=True)
def arabic(settings, agency_a: Agency):
    settings.LANGUAGES = [("en", "English"), ("es", "Spanish"), ("ar", "Arabic")]
    Agency.objects.filter(pk=agency_a.pk).update(languages=["en", "es", "ar"])


def _complaint(agency: Agency) -> Complaint:
    return complaint_create(
        agency=agency,
        what_happened="My payment never came.",
        contact_email=EMAIL,
        language="ar",
        send_acknowledgment=False,
    )


def _look_up(client: Client, complaint: Complaint) -> str:
    answer = client.post(STATUS, {"tracking_number": complaint.tracking_number, "email": EMAIL})
    assert answer.status_code == 302
    return client.get(answer["Location"]).content.decode()


def _isolated(html: str, *numbers: str) -> None:
    found = _numbers(html)
    assert {number for number, _inside in found} >= set(numbers), found
    assert all(inside for _number, inside in found), found


def test_a_filter_isolates_numbers_in_free_text_and_leaves_tags_alone():
    html = str(bdi_numbers('See C-AB12-CD34-EF56 <b>& "C-AB12"</b>'))
    assert html == (
        'See <bdi dir="ltr">C-AB12-CD34-EF56</bdi> &lt;b&gt;&amp; &quot;C-AB12&quot;&lt;/b&gt;'
    )
    link = mark_safe('<a href="/s/C-AB12-CD34-EF56/">C-AB12-CD34-EF56</a>')
    assert str(bdi_numbers(link)) == (
        '<a href="/s/C-AB12-CD34-EF56/"><bdi dir="ltr">C-AB12-CD34-EF56</bdi></a>'
    )


def test_the_confirmation_pages_isolate_the_number(client: Client, agency_a: Agency):
    complaint = _complaint(agency_a)
    _look_up(client, complaint)
    for path in (
        f"/ar/complaints/filed/{complaint.tracking_number}/",
        f"/ar/accessibility/report/filed/{complaint.tracking_number}/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        _isolated(response.content.decode(), complaint.tracking_number)


def test_a_merged_complaints_status_page_isolates_every_number(
    client: Client, agency_a: Agency, handler_a
):
    survivor = _complaint(agency_a)
    merged = _complaint(agency_a)
    complaint_merge(complaint=merged, into=survivor, actor=handler_a)

    page = _look_up(client, merged)
    assert 'id="merged-into"' in page
    # Heading, alert and the message telling the customer about the merge.
    _isolated(page, merged.tracking_number, survivor.tracking_number)
    assert len([n for n, _inside in _numbers(page) if n == survivor.tracking_number]) >= 3

    refused = client.post(f"{STATUS}{merged.tracking_number}/reply/", {"body": "Hello?"})
    assert refused.status_code == 400
    _isolated(refused.content.decode(), survivor.tracking_number)


def test_the_notice_of_a_follow_up_complaint_isolates_its_number(
    client: Client, agency_a: Agency, handler_a
):
    closed = _complaint(agency_a)
    complaint_transition(complaint=closed, to_status=Status.RESPONDED, actor=handler_a)
    complaint_transition(complaint=closed, to_status=Status.CLOSED, actor=handler_a)
    _look_up(client, closed)

    answer = client.post(f"{STATUS}{closed.tracking_number}/reply/", {"body": "Again."})
    assert answer.status_code == 302
    follow_up = Complaint.objects.get(follow_up_of=closed)
    landed = client.get(answer["Location"]).content.decode()
    assert 'role="status"' in landed
    _isolated(landed, follow_up.tracking_number)
