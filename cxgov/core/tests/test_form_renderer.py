"""Every form renders USWDS controls through the project's form renderer, with no per-form help."""

from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the card.")
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField()


def _html(form: forms.Form) -> str:
    return Template("{% for field in form %}{{ field.as_field_group }}{% endfor %}").render(
        Context({"form": form})
    )


def test_widgets_and_options_get_uswds_classes():
    html = _html(_Form())
    assert 'class="usa-input"' in html and 'class="usa-textarea"' in html
    assert html.count('class="usa-radio__input"') == 2
    assert 'class="usa-checkbox__input"' in html
    assert '<label class="usa-label" for="id_name">' in html


def test_errors_are_marked_and_described():
    form = _Form({"kind": "a"})
    assert not form.is_valid()
    html = _html(form)
    assert 'class="usa-input usa-input--error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_error"' in html
