"""Forms of journeys, stages, personas and life experiences: each link offers only the
agency's own rows (the services check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cxgov.core.models import Agency
from cxgov.journeys import selectors
from cxgov.journeys.models import Journey, JourneyStage, LifeExperience, Persona
from cxgov.journeys.services import STAGE_FIELDS
from cxgov.registry.models import ChannelKind


class JourneyForm(forms.ModelForm):
    class Meta:
        model = Journey
        fields = ("title", "description", "services", "persona", "life_experience")
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = selectors.service_choices(agency=agency)  # type: ignore[attr-defined]
        self.fields["persona"].queryset = selectors.personas_for(agency=agency)  # type: ignore[attr-defined]
        self.fields["life_experience"].queryset = selectors.life_experiences()  # type: ignore[attr-defined]
        self.fields["life_experience"].help_text = _(
            "Life experiences are shared by every agency; oversight staff add them."
        )

    def values(self) -> tuple[dict[str, Any], list[Any]]:
        data = dict(self.cleaned_data)
        services = list(data.pop("services", []))
        return data, services


class JourneyStageForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels used"),
        choices=ChannelKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = JourneyStage
        fields = STAGE_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("customer_actions", "pain_points", "moments_that_matter")
        }
        help_texts = {
            "minutes": _("From research: the mean minutes a customer spends at this stage."),
            "minutes_low": _("The research's 95% interval; leave both ends empty if it gave none."),
            "sample_n": _("How many people the research observed."),
            "time_question": _(
                "From a survey: a number question asking how many minutes this stage took."
            ),
            "standard": _("Its events give the wait and processing time and whether it was met."),
            "complaint_category": _("Complaints in this category count at this stage."),
        }

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = {
            "service_stage": selectors.service_stage_choices(agency=agency),
            "time_question": selectors.time_question_choices(agency=agency),
            "standard": selectors.standard_choices(agency=agency),
            "complaint_category": selectors.category_choices(agency=agency),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]
        self.fields["service_stage"].label_from_instance = (  # type: ignore[attr-defined]
            lambda stage: f"{stage.service.name}: {stage.name}"
        )
        self.fields["time_question"].label_from_instance = (  # type: ignore[attr-defined]
            lambda question: f"{question.survey.title}: {question.text}"
        )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["channels"] = list(data.get("channels") or [])
        return data


class PersonaForm(forms.ModelForm):
    class Meta:
        model = Persona
        fields = ("name", "name_es", "segment", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = selectors.segment_choices(agency=agency)  # type: ignore[attr-defined]

    def validate_unique(self) -> None:
        # The service says when the name is taken (the agency is not a field of the form).
        pass


class LifeExperienceForm(forms.ModelForm):
    class Meta:
        model = LifeExperience
        fields = ("name", "name_es", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self) -> None:
        pass
