"""Every write to journeys, stages, personas and life experiences, each audited."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cxgov.core.models import Agency, User
from cxgov.core.services import (
    audit_record,
    object_create,
    object_update,
    position_move_record,
    related_replace,
)
from cxgov.journeys.models import Journey, JourneyStage, LifeExperience, Persona, TimeSource
from cxgov.registry.models import ChannelKind, Service

# The fields of a stage a form may set (the journey and position are the service's), in the
# order the stage form shows them.
STAGE_FIELDS = (
    "name",
    "name_es",
    "service_stage",
    "customer_actions",
    "channels",
    "pain_points",
    "moments_that_matter",
    "time_source",
    "minutes",
    "minutes_low",
    "minutes_high",
    "sample_n",
    "time_question",
    "standard",
    "complaint_category",
    "forms_count",
    "visits_count",
    "documents_count",
)
JOURNEY_FIELDS = frozenset({"title", "description", "persona", "life_experience"})
PERSONA_FIELDS = frozenset({"name", "name_es", "segment", "description"})


def _own(agency: Agency, fields: dict[str, Any], links: dict[str, str]) -> None:
    """Refuse a link to another agency's row (the forms offer only the agency's own)."""
    errors = {}
    for name, path in links.items():
        row = fields.get(name)
        if row is None:
            continue
        owner = row
        for part in path.split("__"):
            owner = getattr(owner, part)
        if owner != agency.pk:
            errors[name] = _("Choose one of your agency's own.")
    if errors:
        raise ValidationError(errors)


def _known(fields: dict[str, Any], allowed: Collection[str]) -> dict[str, Any]:
    unknown = set(fields).difference(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return fields


def _stage_check(agency: Agency, fields: dict[str, Any]) -> None:
    _own(
        agency,
        fields,
        {
            "service_stage": "service__agency_id",
            "time_question": "survey__agency_id",
            "standard": "agency_id",
            "complaint_category": "agency_id",
        },
    )
    channels = fields.get("channels")
    if channels is not None and (
        not isinstance(channels, list) or not set(channels) <= set(ChannelKind.values)
    ):
        raise ValidationError({"channels": _("Choose channels from the list.")})
    source = fields.get("time_source")
    if source == TimeSource.RESEARCH and fields.get("minutes") is None:
        raise ValidationError({"minutes": _("Enter the customer minutes the research found.")})
    if source == TimeSource.SURVEY and fields.get("time_question") is None:
        raise ValidationError(
            {"time_question": _("Choose the survey question that asks for the minutes.")}
        )
    low, high = fields.get("minutes_low"), fields.get("minutes_high")
    if (low is None) != (high is None):
        raise ValidationError({"minutes_high": _("Give both ends of the interval, or neither.")})
    if low is not None and high is not None:
        minutes = fields.get("minutes")
        if low > high or (minutes is not None and not low <= minutes <= high):
            raise ValidationError(
                {"minutes_high": _("The interval runs from low to high around the mean.")}
            )


@transaction.atomic
def journey_create(
    *, actor: User | None, agency: Agency, services: Iterable[Service] = (), **fields: Any
) -> Journey:
    fields = _known(fields, JOURNEY_FIELDS)
    _own(agency, fields, {"persona": "agency_id"})
    services = list(services)
    if any(service.agency_id != agency.pk for service in services):
        raise ValidationError({"services": _("Choose one of your agency's own.")})
    journey = object_create(
        actor=actor,
        instance=Journey(agency=agency, **fields),
        action="journey.create",
        agency=agency,
    )
    journey.services.set(services)
    return journey


@transaction.atomic
def journey_update(
    *,
    actor: User | None,
    journey: Journey,
    services: Iterable[Service] | None = None,
    **fields: Any,
) -> dict[str, list[Any]]:
    fields = _known(fields, JOURNEY_FIELDS)
    agency = journey.agency
    _own(agency, fields, {"persona": "agency_id"})
    changed = object_update(
        actor=actor, instance=journey, fields=fields, action="journey.update", agency=agency
    )
    if services is not None:
        services = list(services)
        if any(service.agency_id != agency.pk for service in services):
            raise ValidationError({"services": _("Choose one of your agency's own.")})
        moved = related_replace(related=journey.services, objects=services, key="pk")
        if moved:
            audit_record(
                actor=actor,
                action="journey.services",
                agency=agency,
                target=journey,
                data={"services": moved},
            )
            changed["services"] = moved
    return changed


@transaction.atomic
def journey_stage_create(
    *, actor: User | None, journey: Journey, name: str, **fields: Any
) -> JourneyStage:
    """Add a stage at the end of the journey."""
    fields = _known({"name": name, **fields}, STAGE_FIELDS)
    _stage_check(journey.agency, fields)
    last = journey.stages.order_by("-position").values_list("position", flat=True).first()
    return object_create(
        actor=actor,
        instance=JourneyStage(journey=journey, position=(last or 0) + 10, **fields),
        action="journey.stage_create",
        agency=journey.agency,
    )


@transaction.atomic
def journey_stage_update(
    *, actor: User | None, journey_stage: JourneyStage, **fields: Any
) -> dict[str, list[Any]]:
    fields = _known(fields, STAGE_FIELDS)
    current = {name: getattr(journey_stage, name) for name in STAGE_FIELDS}
    _stage_check(journey_stage.journey.agency, {**current, **fields})
    return object_update(
        actor=actor,
        instance=journey_stage,
        fields=fields,
        action="journey.stage_update",
        agency=journey_stage.journey.agency,
    )


@transaction.atomic
def journey_stage_move(*, actor: User | None, journey_stage: JourneyStage, offset: int) -> None:
    """Move a stage up (negative offset) or down among its journey's stages."""
    position_move_record(
        actor=actor,
        items=journey_stage.journey.stages.all(),
        item=journey_stage,
        offset=offset,
        action="journey.stage_move",
        agency=journey_stage.journey.agency,
    )


@transaction.atomic
def journey_stage_delete(*, actor: User | None, journey_stage: JourneyStage) -> None:
    audit_record(
        actor=actor,
        action="journey.stage_delete",
        agency=journey_stage.journey.agency,
        target=journey_stage,
        data={"name": journey_stage.name},
    )
    journey_stage.delete()


@transaction.atomic
def persona_create(*, actor: User | None, agency: Agency, **fields: Any) -> Persona:
    fields = _known(fields, PERSONA_FIELDS)
    _own(agency, fields, {"segment": "agency_id"})
    if Persona.objects.filter(agency=agency, name=fields.get("name", "")).exists():
        raise ValidationError({"name": _("The agency has a persona of that name already.")})
    return object_create(
        actor=actor,
        instance=Persona(agency=agency, **fields),
        action="persona.create",
        agency=agency,
    )


@transaction.atomic
def persona_update(*, actor: User | None, persona: Persona, **fields: Any) -> dict[str, list[Any]]:
    fields = _known(fields, PERSONA_FIELDS)
    _own(persona.agency, fields, {"segment": "agency_id"})
    name = fields.get("name", persona.name)
    if Persona.objects.filter(agency=persona.agency, name=name).exclude(pk=persona.pk).exists():
        raise ValidationError({"name": _("The agency has a persona of that name already.")})
    return object_update(
        actor=actor, instance=persona, fields=fields, action="persona.update", agency=persona.agency
    )


@transaction.atomic
def life_experience_create(*, actor: User | None, name: str, **fields: Any) -> LifeExperience:
    """A site-wide life experience (call `access_site` with OVERSEE_GOVERNMENT first)."""
    fields = _known(fields, frozenset({"name_es", "description"}))
    if LifeExperience.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": _("There is a life experience of that name already.")})
    return object_create(
        actor=actor,
        instance=LifeExperience(name=name.strip(), **fields),
        action="life_experience.create",
        agency=None,
    )
