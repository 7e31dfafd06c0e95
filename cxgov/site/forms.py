"""The translations page's upload form: one XLIFF file, refused when too large."""

from __future__ import annotations

from django import forms
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
