"""Language codes are checked against ISO 639, not only their shape."""

import pytest

from cxgov.core.languages import is_language_code


@pytest.mark.parametrize("code", ["en", "es", "ZH", "zh-hant", "pt-br", "asl", "sr-latn"])
def test_real_codes_are_accepted(code):
    assert is_language_code(code)


@pytest.mark.parametrize("code", ["xx", "qq", "english", "xx-yy", "e", "", "zz-hant"])
def test_made_up_codes_are_refused(code):
    assert not is_language_code(code)


def test_tagalog_and_haitian_creole_have_their_names_like_django_own_languages():
    from django.utils.translation import get_language_info

    assert get_language_info("tl")["name_local"] == "Tagalog"
    assert get_language_info("ht")["name"] == "Haitian Creole"
    assert get_language_info("ht")["name_local"] == "Kreyòl ayisyen"
    assert get_language_info("ar")["bidi"] is True


def test_every_site_language_has_a_name_in_itself():
    from django.conf import settings

    from cxgov.core.languages import native_name

    names = {code: native_name(code) for code, _name in settings.LANGUAGES}
    assert names["es"] == "Español"
    assert names["fr"] == "Français"
    assert names["zh-hant"] == "繁體中文"
    assert names["ht"] == "Kreyòl ayisyen"
    assert all(names.values())


@pytest.mark.django_db
def test_an_agency_offers_english_first_and_only_site_languages(agency_a):
    from cxgov.core.languages import offered_languages

    agency_a.languages = ["ar", "xx", "es", "ar"]
    assert offered_languages(agency=agency_a) == ["en", "es", "ar"]
    agency_a.languages = []
    assert offered_languages(agency=agency_a) == ["en"]


@pytest.mark.django_db
def test_site_wide_pages_offer_spanish_and_every_language_an_agency_offers(agency_a, agency_b):
    from cxgov.core.languages import site_languages

    agency_a.languages = ["en"]
    agency_a.save()
    agency_b.languages = ["en", "vi", "ht"]
    agency_b.save()
    assert site_languages() == ["en", "es", "vi", "ht"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("asked", "written"),
    [("zh-hans", "zh-hans"), ("es-MX", "es"), ("ES", "es"), ("ko", "en"), ("", "en"), ("x", "en")],
)
def test_people_are_written_to_in_their_language_when_the_agency_offers_it(
    agency_a, asked, written
):
    from cxgov.core.languages import language_for

    agency_a.languages = ["en", "es", "zh-hans"]
    assert language_for(agency=agency_a, language=asked) == written


@pytest.mark.django_db
def test_setting_languages_refuses_unknown_codes_and_keeps_english(agency_a, admin_a):
    from django.core.exceptions import ValidationError

    from cxgov.core.models import AuditEvent
    from cxgov.core.services import agency_languages_set

    with pytest.raises(ValidationError, match="xx"):
        agency_languages_set(actor=admin_a, agency=agency_a, languages=["fr", "xx"])
    agency_languages_set(actor=admin_a, agency=agency_a, languages=["pt-br", "ko"])
    agency_a.refresh_from_db()
    assert agency_a.languages == ["en", "ko", "pt-br"]
    assert AuditEvent.objects.filter(action="agency.languages_set", agency=agency_a).exists()
