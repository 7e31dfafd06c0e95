"""Language codes are checked against ISO 639, not only their shape."""

import pytest

from cxgov.core.languages import is_language_code


@pytest.mark.parametrize("code", ["en", "es", "ZH", "zh-hant", "pt-br", "asl", "sr-latn"])
def test_real_codes_are_accepted(code):
    assert is_language_code(code)


@pytest.mark.parametrize("code", ["xx", "qq", "english", "xx-yy", "e", "", "zz-hant"])
def test_made_up_codes_are_refused(code):
    assert not is_language_code(code)
