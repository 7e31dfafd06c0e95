"""The translations page's forms: the languages the agency offers, and the upload of one XLIFF
file, refused when too large."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cxgov.core import xliff


class XliffUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Translated XLIFF file"),
        help_text=_(
            "The file downloaded from this page, with the Spanish filled in (XLIFF 2.0, "
            "up to 20 MB). Units that are sound are saved; each other unit is listed with why."
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
