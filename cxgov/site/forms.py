"""The translations page's forms: the languages the agency offers, the upload of one XLIFF
file, refused when too large, and one text's translation and its status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import validators
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cxgov.core import xliff
from cxgov.core.models import AUTHORED_TEXT_MAX_LENGTH, STORED_STATUSES


class XliffUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Translated XLIFF file"),
        help_text=_(
            "The file downloaded from this page, with the translations filled in (XLIFF 2.0, "
            "up to 20 MB; its trgLang says the language). Units that are sound are saved; each "
            "other unit is listed with why."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlf,.xliff,.xml"}),
    )

    def clean_file(self) -> UploadedFile:
        file: UploadedFile = self.cleaned_data["file"]
        # Checked before the file is read: a huge upload is refused without holding it.
        if (file.size or 0) > xliff.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."),
                params={"size": xliff.MAX_BYTES // 1024 // 1024},
            )
        return file


class TranslationForm(forms.Form):
    """One text's translation; an empty text leaves it missing."""

    STATUSES = tuple(status.value for status in STORED_STATUSES)

    text = forms.CharField(
        label=_("Translation"),
        required=False,
        strip=True,
        max_length=AUTHORED_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave it empty to show the English until a translation is written."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(status.value, status.label) for status in STORED_STATUSES],
        help_text=_("A machine draft has not been read by a person who speaks the language yet."),
    )

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if max_length:
            # The column the translation is stored in (Spanish's `_es` twin) may be short.
            text = self.fields["text"]
            assert isinstance(text, forms.CharField)  # noqa: S101 - declared above
            text.max_length = max_length
            text.validators.append(validators.MaxLengthValidator(max_length))
            text.widget.attrs["maxlength"] = str(max_length)


def _language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != "en"]


class AgencyLanguagesForm(forms.Form):
    """The languages the agency offers besides English, which it always offers."""

    # Tells this form's POST from the upload's: with no box ticked the browser sends no field.
    languages_form = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages offered besides English"),
        help_text=_(
            "The agency's public pages, surveys, complaint forms and emails are offered in these "
            "languages. A page opened in another language is shown in English."
        ),
        choices=_language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
