"""A CX analyst builds a survey in Chromium; axe checks each builder page, the survey's detail
page (which the keyboard walks and a phone shows without sideways scroll) and the logic editor."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxgov.core.models import Agency
from cxgov.surveys.demo import invitation_rows
from cxgov.surveys.models import Invitation, Survey
from cxgov.surveys.services import survey_create
from cxgov.testing.browser import assert_no_axe_violations
from cxgov.testing.browser_helpers import click_and_load, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_builds_previews_and_publishes_a_survey(
    demo_data, page, page_without_js, live_server
) -> None:
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(live_server.url + "/staff/agencies/fba/surveys/")
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("link", name="Create a survey"))
    assert_no_axe_violations(page)
    page.locator("label[for='id_template_1']").click()
    page.locator("#id_title").fill("Phone line check-in")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/surveys/*/")
    assert_no_axe_violations(page)
    survey = Survey.objects.get(title="Phone line check-in")

    click_and_load(page, page.get_by_role("link", name="Add a question", exact=True))
    click_and_load(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.locator(".usa-error-message").count() >= 2
    assert_no_axe_violations(page)
    page.locator("#id_key").fill("wait")
    page.locator("#id_kind").select_option("yes_no")
    page.locator("#id_text").fill("Did you wait more than 10 minutes?")
    page.locator("#id_text_es").fill("¿Esperó más de 10 minutos?")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/surveys/*/#questions")
    click_and_load(
        page, page.get_by_role("button", name="Move “Did you wait more than 10 minutes?” up")
    )

    click_and_load(page, page.get_by_role("link", name="Preview"))
    expect(page.get_by_text("Did you wait more than 10 minutes?")).to_be_visible()
    assert_no_axe_violations(page)
    page.go_back()
    # A public survey is refused review until it has a PRA clearance, then published under one
    # by a second member.
    click_and_load(page, page.get_by_role("link", name="Send for review and publish"))
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("needs a current Paperwork Reduction Act clearance")).to_be_visible()
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("link", name="Open the record itself"))
    click_and_load(page, page.get_by_role("link", name="Settings"))
    page.locator("#id_clearance").select_option(
        label="Generic clearance for customer experience surveys (1234-0042)"
    )
    page.locator("#id_burden_minutes").fill("3")
    click_and_load(page, page.get_by_role("button", name="Save"))
    click_and_load(page, page.get_by_role("link", name="Send for review and publish"))
    click_and_load(page, page.get_by_role("button", name="Send for review"))
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    second = page_without_js
    sign_in(second, live_server.url, "admin@fba.example.gov")
    second.goto(live_server.url + f"/staff/agencies/fba/reviews/survey/{survey.pk}/")
    click_and_load(second, second.get_by_role("button", name="Approve"))
    click_and_load(second, second.get_by_role("button", name="Publish"))
    expect(second.get_by_text("Published: the public can see it now.")).to_be_visible()
    survey.refresh_from_db()
    assert survey.status == "live"
    for prefix, statement in (
        ("", "estimated to average 3 minutes per response"),
        ("/es", "un promedio de 3 minutos por respuesta"),
    ):
        page.goto(f"{live_server.url}{prefix}/surveys/{survey.public_id}/")
        pra = page.locator("section", has_text="1234-0042")
        expect(pra).to_contain_text(statement)
        assert_no_axe_violations(page)
    for path in ("responses/", "settings/", "invitations/"):
        page.goto(live_server.url + f"/staff/agencies/fba/surveys/{survey.pk}/{path}")
        assert_no_axe_violations(page)
    # The demo's survey with thousands of responses, and the public "Give feedback" links.
    demo = Survey.objects.get(agency__slug="fba", template="a11_v2")
    page.goto(live_server.url + f"/staff/agencies/fba/surveys/{demo.pk}/responses/?channel=phone")
    assert_no_axe_violations(page)
    for prefix in ("", "/es"):
        page.goto(live_server.url + prefix + "/feedback/")
        page.locator(f"a[href='{prefix}/surveys/{demo.public_id}/']").click()
        page.wait_for_url(f"**/surveys/{demo.public_id}/")
        assert_no_axe_violations(page)


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent")


def test_analyst_reorders_by_keyboard_edits_option_rows_and_adds_library_items(
    demo_data, page, page_without_js, live_server
) -> None:
    agency = Agency.objects.get(slug="fba")
    survey = survey_create(actor=None, agency=agency, template="a11_v2", title="Rows check")
    went_well = survey.questions.get(key="went_well")
    base = f"{live_server.url}/staff/agencies/fba/surveys/{survey.pk}/"
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(base)
    preview = page.locator("iframe[data-phone-preview]")
    assert 388 <= preview.bounding_box()["width"] <= 392
    expect(
        page.frame_locator("iframe[data-phone-preview]").get_by_role("heading", name="Rows check")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # Keyboard only: from the row's Edit link, Tab to "Move … down" and press Enter.
    page.get_by_role("link", name="Edit “What went well?”").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page) == "Move “What went well?” down"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"#question-{went_well.pk}")
    assert _focused(page) == f"question-{went_well.pk}"
    page.keyboard.press("Tab")
    assert _focused(page) == "Edit “What went well?”"
    assert list(survey.questions.values_list("key", flat=True))[:3] == [
        "trust",
        "went_poorly",
        "went_well",
    ]

    # Option rows: add one, remove one, without saving in between; then save.
    page.goto(f"{live_server.url}/staff/agencies/fba/surveys/questions/{went_well.pk}/edit/")
    assert_no_axe_violations(page)
    rows = page.locator(".cx-option-row")
    before = rows.count()
    click_and_load(page, page.get_by_role("button", name="Add another option"))
    expect(rows).to_have_count(before + 1)
    page.locator(f"#id_options-{before}-value").fill("quick")
    page.locator(f"#id_options-{before}-label").fill("It was quick")
    page.locator(f"#id_options-{before}-label_es").fill("Fue rápido")
    click_and_load(page, page.get_by_role("button", name="Remove option 1"))
    expect(rows).to_have_count(before)
    expect(page.locator("#id_options-0-value")).to_have_value("ease")
    # A duplicate value is marked on its own row.
    page.locator("#id_options-1-value").fill("ease")
    click_and_load(page, page.get_by_role("button", name="Save", exact=True))
    expect(page.locator("#id_options-1-value_error")).to_contain_text("already uses this value")
    assert_no_axe_violations(page)
    page.locator("#id_options-1-value").fill("efficiency")
    # With JavaScript the preview follows the form before it is saved.
    page.locator("#id_text").fill("What worked for you?")
    page.locator("#id_text").blur()
    frame = page.frame_locator("iframe[data-phone-preview]")
    expect(frame.locator("legend", has_text="What worked for you?")).to_be_attached()
    click_and_load(page, page.get_by_role("button", name="Save", exact=True))
    went_well.refresh_from_db()
    assert went_well.text == "What worked for you?"
    assert [o["value"] for o in went_well.options][-1] == "quick"
    assert "effectiveness" not in [o["value"] for o in went_well.options]

    # The library adds one item, in English and in Spanish.
    click_and_load(page, page.get_by_role("link", name="Add a question from the library"))
    assert_no_axe_violations(page)
    click_and_load(
        page,
        page.get_by_role("button", name="Add “What is one idea that would make service better?”"),
    )
    expect(page.get_by_role("status")).to_contain_text("Added “What is one idea")
    page.goto(f"{live_server.url}/es/staff/agencies/fba/surveys/{survey.pk}/questions/library/")
    assert_no_axe_violations(page)
    click_and_load(page, page.get_by_role("button", name="Agregar “¿Qué tan cerca está"))
    assert survey.questions.filter(key__in=["ideas", "acsi_ideal"]).count() == 2
    page.goto(f"{live_server.url}/es/staff/agencies/fba/surveys/{survey.pk}/")
    expect(page.get_by_role("button", name="Subir “¿Qué tan cerca está")).to_be_visible()
    assert_no_axe_violations(page)

    # On a 320 px phone the builder itself never scrolls sideways, preview included.
    page.set_viewport_size({"width": 320, "height": 800})
    for path in (
        f"{survey.pk}/",
        f"questions/{went_well.pk}/edit/",
        f"{survey.pk}/questions/library/",
    ):
        page.goto(f"{live_server.url}/staff/agencies/fba/surveys/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path

    # Without JavaScript the move lands on the row's address, and "Update the preview" works.
    second = page_without_js
    sign_in(second, live_server.url, "analyst@fba.example.gov")
    second.goto(base)
    click_and_load(second, second.get_by_role("button", name="Move “What worked for you?” up"))
    assert second.url.endswith(f"#question-{went_well.pk}")
    second.goto(f"{live_server.url}/staff/agencies/fba/surveys/questions/{went_well.pk}/edit/")
    second.locator("#id_text").fill("What helped?")
    second.get_by_role("button", name="Update the preview").click()
    expect(
        second.frame_locator("iframe[data-phone-preview]").locator(
            "legend", has_text="What helped?"
        )
    ).to_be_attached()
    went_well.refresh_from_db()
    assert went_well.text == "What worked for you?"


def test_analyst_survey_detail_and_logic_pages_are_clean_keyboard_reachable_and_fit_a_phone(
    demo_data, page, live_server
) -> None:
    # The demo's A-11 v2 survey: three pages and show-if logic; it gets invitations here.
    survey = Survey.objects.get(agency__slug="fba", template="a11_v2")
    assert len({q.page for q in survey.questions.all()}) > 1
    assert any(q.show_if for q in survey.questions.all())
    # Another seed than the demo's own invitations, whose token hashes are taken.
    invitations, _opt_outs = invitation_rows(survey, list(survey.services.all()), seed=2)
    Invitation.objects.bulk_create(invitations)
    sign_in(page, live_server.url, "analyst@fba.example.gov")
    page.goto(f"{live_server.url}/staff/agencies/fba/surveys/{survey.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
    expect(page.get_by_role("link", name="See each invitation")).to_be_visible()
    assert_no_axe_violations(page)

    wanted = {
        "Settings",
        "Preview",
        "See results",
        "See each invitation",
        "Download the survey definition (JSON)",
    }
    reached: set[str] = set()
    logic_reached = False
    # Each Tab press moves focus; stop once everything wanted was focused.
    for _press in range(400):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.innerText.trim()")
        reached.add(name)
        logic_reached = logic_reached or name.startswith("Logic of “")
        if wanted <= reached and logic_reached:
            break
    assert wanted <= reached, wanted - reached
    assert logic_reached

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(fits)

    # The logic editor of a question with a condition, its groups grown by a button.
    follow_up = next(q for q in survey.questions.all() if q.show_if)
    click_and_load(page, page.get_by_role("link", name=f"Logic of “{follow_up.text}”"))
    expect(page.locator("select[name='cond_1_1_question']")).to_have_value(
        follow_up.show_if["question"]
    )
    assert page.evaluate(fits)
    click_and_load(page, page.get_by_role("button", name="Add a group"))
    expect(page.locator("select[name='cond_2_1_question']")).to_be_visible()
    assert_no_axe_violations(page)
