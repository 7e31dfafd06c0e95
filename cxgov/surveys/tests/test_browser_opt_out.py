"""The opt-out page of an invitation in Chromium: without JavaScript, English and Spanish, at
320 px, with nothing axe finds."""

from __future__ import annotations

import pytest

from cxgov.surveys.distribution import opt_out_token
from cxgov.surveys.models import Invitation, OptOut, Survey
from cxgov.surveys.services import InvitationRow, invitations_add
from cxgov.testing.browser import assert_no_axe_violations_as_served
from cxgov.testing.browser_helpers import click_and_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("lang", "button", "done"),
    [
        ("", "Send me no more survey invitations", "You will get no more survey invitations"),
        ("/es", "No enviarme más invitaciones a encuestas", "No recibirá más invitaciones"),
    ],
)
def test_a_person_opts_out_without_javascript_at_320_px(
    browser, page_without_js, live_server, a11_survey: Survey, lang: str, button: str, done: str
) -> None:
    invitations_add(
        actor=None,
        survey=a11_survey,
        rows=[InvitationRow(row=2, channel="email", contact="pat@example.com")],
    )
    token = opt_out_token(Invitation.objects.get())
    page = page_without_js
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto(f"{live_server.url}{lang}/surveys/opt-out/{token}/")
    assert_no_axe_violations_as_served(browser, page)
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    click_and_load(page, page.get_by_role("button", name=button))

    assert done in page.content()
    assert_no_axe_violations_as_served(browser, page)
    assert OptOut.objects.count() == 1
