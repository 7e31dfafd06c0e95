"""Staff pages of journeys: the agency's journeys and personas, a journey's stages with their
burden and time tax, the forms, and oversight's site-wide life experiences."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxgov.core.pages import (
    form_page_save,
    move_offset,
    object_form_page,
    object_page,
    post_action,
)
from cxgov.core.permissions import Can, user_can
from cxgov.core.selectors import access_agency, access_site
from cxgov.core.templatetags.breadcrumbs import Crumb
from cxgov.journeys import services
from cxgov.journeys.forms import JourneyForm, JourneyStageForm, LifeExperienceForm, PersonaForm
from cxgov.journeys.models import Journey
from cxgov.journeys.selectors import (
    access_journey,
    access_journey_stage,
    access_persona,
    journey_burden,
    journeys_for,
    life_experiences,
    personas_for,
)


def _journey_url(slug: str, journey_id: int) -> str:
    return reverse("journeys:journey_detail", kwargs={"slug": slug, "journey_id": journey_id})


@login_required
def journey_list(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug)
    return render(
        request,
        "journeys/list.html",
        {
            "agency": agency,
            "journeys": journeys_for(agency=agency),
            "personas": personas_for(agency=agency),
            "can_manage": user_can(user=request.user, agency=agency, need=Can.MANAGE_JOURNEYS),
            "nav_section": "staff",
        },
    )


@object_page(access_journey, "journeys/detail.html")
def journey_detail(request: HttpRequest, journey: Journey) -> dict[str, Any]:
    return {
        "services": journey.services.all(),
        "burden": journey_burden(journey=journey),
        "can_manage": user_can(user=request.user, agency=journey.agency, need=Can.MANAGE_JOURNEYS),
    }


@login_required
def journey_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_JOURNEYS)
    form = JourneyForm(request.POST or None, agency=agency)

    def save(_data: dict[str, Any]) -> Any:
        fields, chosen = form.values()
        return services.journey_create(actor=request.user, agency=agency, services=chosen, **fields)

    return form_page_save(
        request,
        section="journeys",
        form=form,
        save=save,
        success_url=lambda journey: _journey_url(slug, journey.pk),
        success_message=_("Journey created."),
        page={
            "title": _("New journey"),
            "agency": agency,
            "cancel_url": reverse("journeys:journey_list", kwargs={"slug": slug}),
        },
    )


@login_required
def journey_edit(request: HttpRequest, slug: str, journey_id: int) -> HttpResponse:
    journey = access_journey(
        user=request.user, agency_slug=slug, journey_id=journey_id, need=Can.MANAGE_JOURNEYS
    )
    initial = model_to_dict(journey, fields=[*services.JOURNEY_FIELDS, "services"])
    form = JourneyForm(request.POST or None, agency=journey.agency, initial=initial)

    def save(_data: dict[str, Any]) -> Any:
        fields, chosen = form.values()
        return services.journey_update(
            actor=request.user, journey=journey, services=chosen, **fields
        )

    return _journey_form_page(
        request, journey, form=form, save=save, done=_("Journey saved."), title=_("Edit journey")
    )


def _journey_form_page(request: HttpRequest, journey: Journey, **page: Any) -> HttpResponse:
    """A form page about `journey` (itself or one of its stages) that goes back to its page."""
    journey_url = _journey_url(journey.agency.slug, journey.pk)
    return object_form_page(
        request, journey, name="journey", section="journeys", back_url=journey_url, **page
    )


def _stage_page(
    request: HttpRequest,
    journey: Journey,
    *,
    save: Callable[..., Any],
    done: str,
    title: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """The form page of a stage of `journey`: `save` is the service, called with `actor=` and
    the form's values; saved, the page goes back to the journey's stages."""
    form = JourneyStageForm(request.POST or None, agency=journey.agency, initial=initial)
    return _journey_form_page(
        request,
        journey,
        form=form,
        save=lambda _data: save(actor=request.user, **form.values()),
        anchor="#stages",
        done=done,
        title=title,
    )


@login_required
def stage_create(request: HttpRequest, slug: str, journey_id: int) -> HttpResponse:
    journey = access_journey(
        user=request.user, agency_slug=slug, journey_id=journey_id, need=Can.MANAGE_JOURNEYS
    )
    return _stage_page(
        request,
        journey,
        save=partial(services.journey_stage_create, journey=journey),
        done=_("Stage added."),
        title=_("Add a stage to %(journey)s") % {"journey": journey.title},
    )


@login_required
def stage_edit(request: HttpRequest, slug: str, journey_stage_id: int) -> HttpResponse:
    stage = access_journey_stage(
        user=request.user, agency_slug=slug, journey_stage_id=journey_stage_id
    )
    return _stage_page(
        request,
        stage.journey,
        initial=model_to_dict(stage, fields=list(services.STAGE_FIELDS)),
        save=partial(services.journey_stage_update, journey_stage=stage),
        done=_("Stage saved."),
        title=_("Edit stage %(stage)s") % {"stage": stage.name},
    )


@login_required
def stage_delete(request: HttpRequest, slug: str, journey_stage_id: int) -> HttpResponse:
    stage = access_journey_stage(
        user=request.user, agency_slug=slug, journey_stage_id=journey_stage_id
    )
    next_url = _journey_url(slug, stage.journey_id) + "#stages"
    if request.method != "POST":
        return render(
            request,
            "journeys/stage_delete.html",
            {
                "agency": stage.journey.agency,
                "journey": stage.journey,
                "stage": stage,
                "cancel_url": next_url,
                "nav_section": "staff",
            },
        )
    return post_action(
        request,
        lambda: services.journey_stage_delete(actor=request.user, journey_stage=stage),
        done=_("Stage removed."),
        next_url=next_url,
    )


@login_required
@require_POST
def stage_move(
    request: HttpRequest, slug: str, journey_stage_id: int, direction: str
) -> HttpResponse:
    stage = access_journey_stage(
        user=request.user, agency_slug=slug, journey_stage_id=journey_stage_id
    )
    services.journey_stage_move(
        actor=request.user, journey_stage=stage, offset=move_offset(direction)
    )
    return redirect(_journey_url(slug, stage.journey_id) + "#stages")


@login_required
def persona_create(request: HttpRequest, slug: str) -> HttpResponse:
    agency = access_agency(user=request.user, agency_slug=slug, need=Can.MANAGE_JOURNEYS)
    form = PersonaForm(request.POST or None, agency=agency)
    list_url = reverse("journeys:journey_list", kwargs={"slug": slug}) + "#personas"
    return form_page_save(
        request,
        section="journeys",
        form=form,
        save=lambda data: services.persona_create(actor=request.user, agency=agency, **data),
        success_url=list_url,
        success_message=_("Persona created."),
        page={"title": _("New persona"), "agency": agency, "cancel_url": list_url},
    )


@login_required
def persona_edit(request: HttpRequest, slug: str, persona_id: int) -> HttpResponse:
    persona = access_persona(user=request.user, agency_slug=slug, persona_id=persona_id)
    initial = model_to_dict(persona, fields=list(services.PERSONA_FIELDS))
    form = PersonaForm(request.POST or None, agency=persona.agency, initial=initial)
    list_url = reverse("journeys:journey_list", kwargs={"slug": slug}) + "#personas"
    return form_page_save(
        request,
        section="journeys",
        form=form,
        save=lambda data: services.persona_update(actor=request.user, persona=persona, **data),
        success_url=list_url,
        success_message=_("Persona saved."),
        page={
            "title": _("Edit persona %(name)s") % {"name": persona.name},
            "agency": persona.agency,
            "cancel_url": list_url,
        },
    )


@login_required
def life_experience_list(request: HttpRequest) -> HttpResponse:
    """Every life experience with the agencies' journeys tagged with it, and a form to add one
    (site-wide oversight grant)."""
    access_site(user=request.user, need=Can.OVERSEE_GOVERNMENT)
    form = LifeExperienceForm(request.POST or None)
    here = reverse("life_experiences:list")
    title = _("Life experiences")
    return form_page_save(
        request,
        section="",
        form=form,
        save=lambda data: services.life_experience_create(actor=request.user, **data),
        success_url=here,
        success_message=_("Life experience added."),
        page={
            "template": "journeys/life_experiences.html",
            "title": title,
            "experiences": life_experiences(),
            "crumbs": [
                Crumb(_("Staff home"), reverse("core:staff_home")),
                Crumb(_("Oversight"), reverse("oversight:home")),
                Crumb(title),
            ],
        },
    )
