"""A service's ValidationError shows on the form that asked for the change, whatever its shape."""

from django import forms
from django.core.exceptions import ValidationError

from cxgov.core.forms import form_add_errors


class _NameForm(forms.Form):
    name = forms.CharField()


def _form() -> _NameForm:
    form = _NameForm({"name": "Farmers"})
    assert form.is_valid()
    return form


def test_field_messages_go_on_the_field_and_the_rest_to_the_summary():
    form = _form()
    form_add_errors(
        form, ValidationError({"name": "Already taken.", "agency": "Not yours.", "__all__": "No."})
    )
    assert form.errors["name"] == ["Already taken."]
    assert sorted(form.non_field_errors()) == ["No.", "Not yours."]


def test_an_error_without_fields_goes_to_the_summary():
    form = _form()
    form_add_errors(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]
