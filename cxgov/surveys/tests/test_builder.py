"""The survey builder: single items from the question banks, option rows, keyboard-friendly
reordering, the phone preview and labels that say each question's text."""

from __future__ import annotations

import pytest
from django.test import Client

from cxgov.core.models import Agency
from cxgov.surveys.logic import survey_plan
from cxgov.surveys.models import Question, Survey
from cxgov.surveys.services import question_add_from_bank, response_submit, survey_create

pytestmark = pytest.mark.django_db


def option_rows(*rows: tuple[str, str, str], total: int | None = None) -> dict[str, str]:
    """The POST data of a question form's option rows."""
    data = {
        "options-TOTAL_FORMS": str(len(rows) if total is None else total),
        "options-INITIAL_FORMS": "0",
    }
    for i, (value, label, label_es) in enumerate(rows):
        data |= {
            f"options-{i}-value": value,
            f"options-{i}-label": label,
            f"options-{i}-label_es": label_es,
        }
    return data


def _base(survey: Survey) -> str:
    return f"/staff/agencies/{survey.agency.slug}/surveys/{survey.pk}/"


def _question(key: str = "visit", **extra: str) -> dict[str, str]:
    return {
        "key": key,
        "kind": "single",
        "text": "Why did you visit?",
        "text_es": "¿Por qué?",
    } | extra


@pytest.fixture
def blank(agency_a: Agency) -> Survey:
    return survey_create(actor=None, agency=agency_a, template="blank")


def test_the_library_lists_every_bank_in_the_page_language(
    analyst_a_client: Client, blank: Survey
) -> None:
    page = analyst_a_client.get(_base(blank) + "questions/library/").content.decode()
    for heading in ("A-11 v2", "A-11 v1", "ACSI", "Employees"):
        assert f">{heading}</h2>" in page
    assert "How satisfied are you with Agency Alpha overall?" in page
    assert "What gets in the way of serving customers well?" in page
    assert "Scale of 1 to 10" in page or "rating" in page.lower()
    spanish = analyst_a_client.get("/es" + _base(blank) + "questions/library/").content.decode()
    assert "¿Qué le impide atender bien a los clientes?" in spanish
    assert ">Empleados</h2>" in spanish


def test_adding_one_item_brings_its_options_spanish_and_hint(
    analyst_a_client: Client, blank: Survey
) -> None:
    url = _base(blank) + "questions/library/"
    reply = analyst_a_client.post(url, {"item": "employee:team"})
    assert reply.status_code == 302 and reply["Location"].endswith("#item-employee-team")
    team = blank.questions.get()
    assert team.key == "team" and team.kind == "single" and team.text_es
    assert team.options[0] == {"value": "phone", "label": "Phone", "label_es": "Teléfono"}
    analyst_a_client.post(url, {"item": "employee:barriers"})
    barriers = blank.questions.get(key="barriers")
    assert barriers.help_text_es == "No incluya nombres ni datos de contacto."
    assert barriers.position > team.position


def test_an_item_whose_key_is_taken_gets_a_new_key_and_no_condition(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    url = _base(survey) + "questions/library/"
    analyst_a_client.post(url, {"item": "a11_v2:went_well"})
    analyst_a_client.post(url, {"item": "a11_v2:went_well"})
    copies = survey.questions.filter(key__startswith="went_well").order_by("position")
    assert [q.key for q in copies] == ["went_well", "went_well_2", "went_well_3"]
    assert copies[2].show_if == {}
    analyst_a_client.post(url, {"item": "a11_v1:trust"})
    assert survey.questions.filter(key="trust_2", kind="likert").exists()


@pytest.mark.parametrize("item", ["", "acsi", "acsi:", "nope:trust", "acsi:../../x", "a" * 5000])
def test_an_unknown_library_item_is_refused_plainly(
    analyst_a_client: Client, blank: Survey, item: str
) -> None:
    reply = analyst_a_client.post(_base(blank) + "questions/library/", {"item": item}, follow=True)
    assert reply.status_code == 200
    assert "Choose a question from the library." in reply.content.decode()
    assert not blank.questions.exists()


def test_the_library_is_closed_once_a_survey_has_responses(
    analyst_a_client: Client, a11_survey: Survey
) -> None:
    response_submit(survey=a11_survey, answers={"trust": "1"}, submission_id="s1")
    reply = analyst_a_client.post(
        _base(a11_survey) + "questions/library/", {"item": "acsi:acsi_ideal"}
    )
    assert reply.status_code == 302
    assert not a11_survey.questions.filter(key="acsi_ideal").exists()


def test_the_service_makes_keys_unique_within_sixty_characters(blank: Survey) -> None:
    Question.objects.create(survey=blank, key="acsi_ideal", kind="yes_no", text="x", position=1)
    added = question_add_from_bank(actor=None, survey=blank, bank="acsi", item="acsi_ideal")
    assert added.key == "acsi_ideal_2" and added.kind == "rating_10"


def test_a_question_from_the_library_is_in_the_surveys_compiled_plan_at_once(blank: Survey) -> None:
    before = survey_plan(blank)
    added = question_add_from_bank(actor=None, survey=blank, bank="acsi", item="acsi_ideal")
    blank.refresh_from_db()
    assert survey_plan(blank) is not before
    assert added.key in {question.key for question in blank.questions.all()}
    assert added.key in survey_plan(blank).by_key


def test_option_rows_are_saved_in_order_and_shown_again_as_rows(
    analyst_a_client: Client, blank: Survey
) -> None:
    url = _base(blank) + "questions/new/"
    rows = option_rows(("renew", "Renew", "Renovar"), ("", "", ""), ("apply", "Apply", ""))
    assert analyst_a_client.post(url, _question() | rows).status_code == 302
    visit = blank.questions.get()
    assert visit.options == [
        {"value": "renew", "label": "Renew", "label_es": "Renovar"},
        {"value": "apply", "label": "Apply", "label_es": ""},
    ]
    page = analyst_a_client.get(f"/staff/agencies/alpha/surveys/questions/{visit.pk}/edit/")
    html = page.content.decode()
    assert 'name="options-1-value" value="apply"' in html
    assert 'name="options-2-value"' in html  # one empty row to add another


def test_add_another_option_and_remove_show_the_form_again_without_saving(
    analyst_a_client: Client, blank: Survey
) -> None:
    url = _base(blank) + "questions/new/"
    rows = option_rows(("renew", "Renew", "Renovar"), ("apply", "Apply", "Solicitar"))
    added = analyst_a_client.post(url, _question() | rows | {"options-add": "1"})
    assert added.status_code == 200
    html = added.content.decode()
    assert 'name="options-2-value"' in html and "usa-error-message" not in html
    assert 'value="Why did you visit?"' in html
    removed = analyst_a_client.post(url, _question(key="") | rows | {"options-remove": "0"})
    html = removed.content.decode()
    assert removed.status_code == 200 and "usa-error-message" not in html
    assert 'name="options-0-value" value="apply"' in html and "Renovar" not in html
    assert not blank.questions.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("same", "One", ""), ("same", "Two", "")), "Another option above already uses this"),
        ((("renew", "", "Renovar"),), "Give the English label."),
        ((("Renew Now", "Renew", ""),), "Give a value of lowercase letters"),
        ((("renew", "x" * 500, ""),), "at most 200 characters"),
        ((), "Give at least one option."),
        ((("", "", ""),), "Give at least one option."),
    ],
)
def test_bad_option_rows_get_a_clear_error_on_their_row(
    analyst_a_client: Client, blank: Survey, rows: tuple, message: str
) -> None:
    reply = analyst_a_client.post(_base(blank) + "questions/new/", _question() | option_rows(*rows))
    assert reply.status_code == 400
    assert message in reply.content.decode()
    assert not blank.questions.exists()


def test_formula_like_labels_are_kept_as_typed_and_shown_as_text(
    analyst_a_client: Client, blank: Survey
) -> None:
    label = '=HYPERLINK("http://evil.example","x") <b>'
    rows = option_rows(("renew", label, "+cmd|' /C calc'!A0"))
    assert (
        analyst_a_client.post(_base(blank) + "questions/new/", _question() | rows).status_code
        == 302
    )
    visit = blank.questions.get()
    assert visit.options[0]["label"] == label
    preview = analyst_a_client.get(_base(blank) + "preview/").content.decode()
    assert "&lt;b&gt;" in preview and "<b>" not in preview.split("<main", 1)[1]


def test_a_tampered_row_count_is_refused_not_crashed(
    analyst_a_client: Client, blank: Survey
) -> None:
    url = _base(blank) + "questions/new/"
    for total in ("100000", "-1", "x"):
        data = _question() | option_rows(("renew", "Renew", ""))
        data["options-TOTAL_FORMS"] = total
        assert analyst_a_client.post(url, data).status_code == 400
        assert analyst_a_client.post(url, data | {"options-add": "1"}).status_code == 200
    assert not blank.questions.exists()


def test_move_buttons_name_the_question_text_and_return_to_its_row(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    page = analyst_a_client.get(_base(survey)).content.decode()
    assert "Move “What went well?” up" in page and "Move “What went well?” down" in page
    assert "Edit “What went well?”" in page and "Remove “What went well?”" in page
    assert "Move went_well" not in page and "Edit went_well" not in page
    spanish = analyst_a_client.get("/es" + _base(survey)).content.decode()
    assert "“¿Qué salió bien?”" in spanish
    went_well = survey.questions.get(key="went_well")
    reply = analyst_a_client.post(
        f"/staff/agencies/alpha/surveys/questions/{went_well.pk}/move/up/"
    )
    assert reply["Location"].endswith(f"#question-{went_well.pk}")
    assert f'id="question-{went_well.pk}" tabindex="-1"' in page
    assert list(survey.questions.values_list("key", flat=True))[:2] == ["went_well", "trust"]


def test_builder_pages_show_a_phone_width_preview_that_only_this_site_may_frame(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    question = survey.questions.get(key="went_well")
    for url in (_base(survey), f"/staff/agencies/alpha/surveys/questions/{question.pk}/edit/"):
        html = analyst_a_client.get(url).content.decode()
        assert f'src="{_base(survey)}preview/"' in html and 'width="390"' in html
    preview = analyst_a_client.get(_base(survey) + "preview/")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert analyst_a_client.get(_base(survey))["X-Frame-Options"] == "DENY"


def test_the_preview_shows_an_unsaved_question_and_saves_nothing(
    analyst_a_client: Client, agency_a: Agency
) -> None:
    survey = survey_create(actor=None, agency=agency_a, template="a11_v2")
    question = survey.questions.get(key="went_well")
    data = _question(key="went_well", kind="multiple", text="What worked for you?")
    data |= option_rows(("fast", "It was fast", "Fue rápido"))
    html = analyst_a_client.post(
        _base(survey) + f"preview/?question={question.pk}", data
    ).content.decode()
    assert "What worked for you?" in html and "It was fast" in html
    assert "What went well?" not in html
    new = analyst_a_client.post(_base(survey) + "preview/", _question(key="fresh")).content.decode()
    assert "Why did you visit?" not in new  # a choice question with no options is not valid
    question.refresh_from_db()
    assert question.text == "What went well?" and survey.questions.count() == 8
