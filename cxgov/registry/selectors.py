"""Reads of the service inventory.

Public reads show only published services. Staff reads start with an access_* selector that
answers 404 alike for a missing object and one of an agency the user has no role in.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from django.apps import apps
from django.db.models import Count, Field, Model, Prefetch, Q, QuerySet
from django.http import Http404

from cxgov.core.models import (
    Agency,
    AuditEvent,
    AuthoredTranslation,
    TranslationSource,
    User,
)
from cxgov.core.selectors import AgencyObjectAccess, part_access
from cxgov.insights.calendars import OpenStatus, open_status
from cxgov.registry.models import (
    Channel,
    ChannelClosure,
    CustomerSegment,
    OpeningHours,
    Service,
    ServiceStage,
    ServiceStatus,
)

# --- public --------------------------------------------------------------------------------


def agencies_public() -> QuerySet[Agency]:
    """Every agency, with its parent and how many published services it has, by name."""
    return (
        Agency.objects.select_related("parent")
        .annotate(
            published_services=Count("services", filter=Q(services__status=ServiceStatus.PUBLISHED))
        )
        .order_by("name")
    )


def agency_public(*, slug: str) -> Agency:
    """An agency by slug for the public site."""
    agency = Agency.objects.filter(slug=slug).first()
    if agency is None:
        raise Http404
    return agency


def agency_public_by_name(*, name: str) -> tuple[Agency, ...] | None:
    """The agency with this short name or abbreviation (any case) and its bureaus, or None."""
    agency = (
        Agency.objects.filter(Q(slug=name) | Q(abbreviation__iexact=name)).order_by("pk").first()
    )
    if agency is None:
        return None
    return (agency, *Agency.objects.filter(parent=agency).order_by("pk"))


def services_published(*, agency: Agency) -> QuerySet[Service]:
    """The agency's published services, by name."""
    return agency.services.filter(status=ServiceStatus.PUBLISHED).order_by("name")


def services_catalogue(
    *, agency: Agency | None = None, segment: str = "", channel_kind: str = "", text: str = ""
) -> QuerySet[Service]:
    """Every agency's published services, narrowed by agency, customer segment name, channel
    kind and words of the name (English or Spanish), by agency then name."""
    services = Service.objects.filter(status=ServiceStatus.PUBLISHED).select_related("agency")
    if agency is not None:
        services = services.filter(agency=agency)
    if segment:
        services = services.filter(segments__name=segment)
    if channel_kind:
        services = services.filter(channels__kind=channel_kind)
    for word in text.split():
        services = services.filter(Q(name__icontains=word) | Q(name_es__icontains=word))
    return services.distinct().order_by("agency__name", "name", "pk")


def catalogue_agencies() -> QuerySet[Agency]:
    """Agencies with at least one published service, by name."""
    return (
        Agency.objects.filter(services__status=ServiceStatus.PUBLISHED).distinct().order_by("name")
    )


def catalogue_segments() -> list[CustomerSegment]:
    """One customer segment per name among published services' segments, by name.

    Segments belong to an agency; the catalogue filters on the name, so agencies that name
    the same customers alike are filtered together.
    """
    segments = CustomerSegment.objects.filter(services__status=ServiceStatus.PUBLISHED).order_by(
        "name", "pk"
    )
    by_name: dict[str, CustomerSegment] = {}
    for segment in segments:
        by_name.setdefault(segment.name, segment)
    return list(by_name.values())


def catalogue_channel_kinds() -> list[str]:
    """The kinds of channel that published services offer."""
    return list(
        Channel.objects.filter(service__status=ServiceStatus.PUBLISHED)
        .values_list("kind", flat=True)
        .distinct()
        .order_by("kind")
    )


def _channels_with_calendar() -> Prefetch:
    return Prefetch(
        "channels",
        queryset=Channel.objects.prefetch_related(
            Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch(
                "closures",
                queryset=ChannelClosure.objects.filter(date__gte=date.today()).order_by("date"),
            ),
        ),
    )


def _service_published(**lookup: Any) -> Service:
    """The published service matching `lookup` with its channels, hours, upcoming closures,
    stages and segments; Http404 when there is none."""
    service = (
        Service.objects.filter(status=ServiceStatus.PUBLISHED, **lookup)
        .select_related("agency")
        .prefetch_related(_channels_with_calendar(), "stages", "segments")
        .first()
    )
    if service is None:
        raise Http404
    return service


def service_public(*, agency_slug: str, service_slug: str) -> Service:
    """A published service with its channels, hours and upcoming closures."""
    return _service_published(agency__slug=agency_slug, slug=service_slug)


def service_public_by_id(*, service_id: int) -> Service:
    """A published service by id, for the API."""
    return _service_published(pk=service_id)


def service_identity(*, service: Service) -> dict[str, Any]:
    """A service's id, slug, names and descriptions, as plain values for a plan snapshot or an
    export."""
    return {
        "id": service.pk,
        "slug": service.slug,
        "name": service.name,
        "name_es": service.name_es,
        "description": service.description,
        "description_es": service.description_es,
    }


def channel_contact(*, channel: Channel) -> dict[str, Any]:
    """How a channel is reached and when, as plain values for a plan snapshot or an export."""
    return {
        "kind": channel.kind,
        "name": channel.name,
        "name_es": channel.name_es,
        "url": channel.url,
        "phone": channel.phone,
        "tty": channel.tty,
        "address": channel.address,
        "instructions": channel.instructions,
        "instructions_es": channel.instructions_es,
        "languages": [str(code) for code in channel.languages or []],
        "always_open": channel.always_open,
        "closed_on_federal_holidays": channel.closed_on_federal_holidays,
    }


def channel_open_status(*, channel: Channel, at: datetime) -> OpenStatus:
    """Whether the channel is open at `at`, in its agency's time zone, holidays included.

    Uses the prefetched hours and closures when present, so a page of channels costs no
    extra queries.
    """
    weekly: dict[int, list] = {}
    for hours in channel.hours.all():
        weekly.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    return open_status(
        at=at,
        time_zone=channel.service.agency.time_zone,
        weekly_hours=weekly,
        closed_dates={closure.date: closure.name for closure in channel.closures.all()},
        closed_on_federal_holidays=channel.closed_on_federal_holidays,
        always_open=channel.always_open,
    )


# --- staff ---------------------------------------------------------------------------------


def services_for_agency(*, agency: Agency) -> QuerySet[Service]:
    """All of an agency's services, any status, with their segments (call access_agency first)."""
    return (
        agency.services.annotate(channel_count=Count("channels"))
        .prefetch_related("segments")
        .order_by("name")
    )


def segments_for_agency(*, agency: Agency) -> QuerySet[CustomerSegment]:
    """An agency's customer segments with how many services each is linked to."""
    return agency.segments.annotate(service_count=Count("services")).order_by("name")


access_service = AgencyObjectAccess(
    Service.objects.select_related("agency"),
    id_name="service_id",
    doc="A service of the agency in the URL, if the user may `need` there.",
)


access_channel = part_access(Channel, parent="service", id_name="channel_id", noun="A channel")
access_stage = part_access(
    ServiceStage, parent="service", id_name="stage_id", noun="A journey stage"
)


access_segment = AgencyObjectAccess(
    CustomerSegment.objects.select_related("agency"),
    id_name="segment_id",
    doc="A customer segment of the agency in the URL, if the user may `need` there.",
)


def services_for_export(*, agency: Agency) -> QuerySet[Service]:
    """Every service of the agency with what an export writes (call access_agency first)."""
    return agency.services.order_by("name").prefetch_related(
        "segments",
        "stages",
        Prefetch(
            "channels",
            queryset=Channel.objects.prefetch_related(
                Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
                "closures",
            ),
        ),
    )


def segments_by_id(*, agency: Agency, ids: Iterable[int]) -> list[CustomerSegment]:
    """The agency's segments among these ids; an id of another agency's is left out."""
    return list(agency.segments.filter(pk__in=list(ids)))


def channel_detail(*, channel: Channel) -> Channel:
    """The channel with its hours, upcoming closures and agency, fetched in a few queries."""
    return (
        Channel.objects.filter(pk=channel.pk)
        .select_related("service__agency")
        .prefetch_related(
            Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch(
                "closures",
                queryset=ChannelClosure.objects.filter(date__gte=date.today()).order_by("date"),
            ),
        )
        .get()
    )


def channels_for_service(*, service: Service) -> QuerySet[Channel]:
    """The service's channels with their hours and upcoming closures (check access first)."""
    return Channel.objects.filter(service=service).prefetch_related(
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch(
            "closures",
            queryset=ChannelClosure.objects.filter(date__gte=date.today()).order_by("date"),
        ),
    )


def service_detail(*, service: Service) -> Service:
    """The service with everything its staff page shows, fetched in a few queries."""
    return (
        Service.objects.filter(pk=service.pk)
        .select_related("agency")
        .prefetch_related(_channels_with_calendar(), "stages", "segments")
        .get()
    )


def service_history(*, service: Service, limit: int = 50) -> QuerySet[AuditEvent]:
    """Audit events about the service and its stages and channels, newest first."""
    stage_ids = [str(pk) for pk in service.stages.values_list("pk", flat=True)]
    channel_ids = [str(pk) for pk in service.channels.values_list("pk", flat=True)]
    return AuditEvent.objects.filter(
        Q(target_type="registry.service", target_id=str(service.pk))
        | Q(target_type="registry.servicestage", target_id__in=stage_ids)
        | Q(target_type="registry.channel", target_id__in=channel_ids)
    ).select_related("actor")[:limit]


@dataclass(frozen=True)
class ChannelInsightRow:
    channel: Channel
    volume: int | None
    share: float | None
    cost_per_transaction: Decimal | None
    total_cost: Decimal | None

    @property
    def share_percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 1)


@dataclass(frozen=True)
class ChannelInsight:
    rows: list[ChannelInsightRow]
    total_volume: int
    digital_volume: int
    digital_share: float | None
    total_cost: Decimal | None
    channels_without_volume: int

    @property
    def digital_share_percent(self) -> float | None:
        return None if self.digital_share is None else round(self.digital_share * 100, 1)


def channel_insight(*, service: Service) -> ChannelInsight:
    """Volume by channel, digital take-up, and cost per transaction and in total."""
    channels = list(service.channels.all())
    total = sum(c.annual_volume or 0 for c in channels)
    digital = sum(c.annual_volume or 0 for c in channels if c.is_digital)
    rows = []
    costs: list[Decimal] = []
    for channel in channels:
        volume = channel.annual_volume
        cost = (
            channel.cost_per_transaction * volume
            if channel.cost_per_transaction is not None and volume is not None
            else None
        )
        if cost is not None:
            costs.append(cost)
        rows.append(
            ChannelInsightRow(
                channel=channel,
                volume=volume,
                share=(volume / total) if volume is not None and total else None,
                cost_per_transaction=channel.cost_per_transaction,
                total_cost=cost,
            )
        )
    return ChannelInsight(
        rows=rows,
        total_volume=total,
        digital_volume=digital,
        digital_share=(digital / total) if total else None,
        total_cost=sum(costs, Decimal(0)) if costs else None,
        channels_without_volume=sum(1 for c in channels if c.annual_volume is None),
    )


# --- whole-agency export ---------------------------------------------------------------------

# Never exported: secrets (hashes that unlock something, the nonce of an invitation link) and
# the user's password.
EXPORT_EXCLUDED_FIELDS = frozenset({"password", "token_hash", "nonce"})
# The largest number of foreign-key hops between a model and its agency that is followed.
_EXPORT_MAX_DEPTH = 4


@dataclass(frozen=True)
class ExportTable:
    """One model's rows of one agency, with the foreign-key path from the model to it."""

    label: str
    model: type[Model]
    agency_path: str
    queryset: QuerySet
    # Rows owned elsewhere that the agency's rows point to; a restore keeps existing ones.
    shared_ids: frozenset = frozenset()

    @property
    def fields(self) -> list[Field]:
        return [f for f in self.model._meta.concrete_fields if f.name not in EXPORT_EXCLUDED_FIELDS]


def _agency_path(model: type[Model], depth: int = 0, seen: frozenset = frozenset()) -> str | None:
    """The shortest `a__b__agency` lookup from `model` to Agency, or None if there is none."""
    if model is Agency:
        return "pk"
    if depth >= _EXPORT_MAX_DEPTH:
        return None
    best: str | None = None
    for field in model._meta.concrete_fields:
        related = field.related_model if (field.many_to_one or field.one_to_one) else None
        if not isinstance(related, type) or related is model or related in seen:
            continue
        if related is Agency:
            path: str | None = field.name
        else:
            rest = _agency_path(related, depth + 1, seen | {model})
            path = None if rest is None else f"{field.name}__{rest}"
        if path is not None and (best is None or path.count("__") < best.count("__")):
            best = path
    return best


def agency_path(model: type[Model]) -> str | None:
    """The lookup from `model` to the agency that owns its rows (`pk` for Agency), or None."""
    return _agency_path(model)


def _export_models() -> list[tuple[type[Model], str]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.app_config.name.startswith("cxgov."):
            continue
        path = _agency_path(model)
        if path is not None:
            found.append((model, path))
    return found


def _dependency_order(models: list[type[Model]]) -> list[type[Model]]:
    """Models ordered so every model comes after those its foreign keys point to."""
    remaining = list(models)
    ordered: list[type[Model]] = []
    while remaining:
        for model in remaining:
            needs = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and f.related_model is not model
            }
            if not needs & set(remaining):
                ordered.append(model)
                remaining.remove(model)
                break
        else:  # a cycle: keep the rest in label order
            ordered.extend(sorted(remaining, key=lambda m: m._meta.label))
            break
    return ordered


def _translations_of(queryset: QuerySet, exported: dict[str, QuerySet]) -> QuerySet:
    """The translations among `queryset` whose record is among the `exported` rows: a
    translation names its record by model label and id, not by a foreign key, so one left
    behind by a deleted record would otherwise travel with the agency."""
    named = [
        Q(model=label, object_id__in=exported[label].values("pk"))
        for label in queryset.values_list("model", flat=True).distinct().order_by()
        if label in exported
    ]
    if not named:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, named))


def _record_of(unit: str) -> tuple[str, str]:
    label, _sep, rest = unit.partition("/")
    return label, rest.partition("/")[0]


def _sources_of(queryset: QuerySet, exported: dict[str, QuerySet]) -> QuerySet:
    """The notes of what Spanish was written from among `queryset` whose record is among the
    `exported` rows (a unit names its record as `registry.service/12/name`)."""
    units = [(pk, _record_of(unit)) for pk, unit in queryset.values_list("pk", "unit")]
    wanted: dict[str, set[str]] = {}
    for _pk, (label, object_id) in units:
        if label in exported and object_id.isdigit():
            wanted.setdefault(label, set()).add(object_id)
    here = {
        (label, str(pk))
        for label, ids in wanted.items()
        for pk in exported[label].filter(pk__in=ids).values_list("pk", flat=True)
    }
    return queryset.exclude(pk__in=[pk for pk, record in units if record not in here])


def agency_export_tables(*, agency: Agency) -> list[ExportTable]:
    """Every model's rows of the agency, dependencies first (call access_agency first).

    Rows of other owners that the agency's rows point to (a shared benchmark series, a parent
    agency) come along as shared rows, so the export restores on its own. Users appear only as
    those the rows point to, without passwords.
    """
    found = dict(_export_models())
    ordered = _dependency_order(list(found))
    owned = {model: model._default_manager.filter(**{found[model]: agency.pk}) for model in ordered}
    shared: dict[type[Model], set[Any]] = {model: set() for model in ordered}

    def rows(model: type[Model]) -> QuerySet:
        return model._default_manager.filter(
            Q(pk__in=owned[model].values("pk")) | Q(pk__in=shared[model])
        ).order_by("pk")

    for _round in range(_EXPORT_MAX_DEPTH + 1):
        grew = False
        for model in ordered:
            for field in model._meta.concrete_fields:
                target = field.related_model
                if (
                    not (field.many_to_one or field.one_to_one)
                    or not isinstance(target, type)
                    or target not in owned
                ):
                    continue
                wanted = set(
                    rows(model)
                    .exclude(**{f"{field.attname}__isnull": True})
                    .values_list(field.attname, flat=True)
                    .distinct()
                )
                have = set(owned[target].filter(pk__in=wanted).values_list("pk", flat=True))
                missing = wanted - have - shared[target]
                if missing:
                    shared[target] |= missing
                    grew = True
        if not grew:
            break

    tables = []
    user_ids: set[int] = set()
    exported = {model._meta.label_lower: rows(model) for model in ordered}
    for model in ordered:
        queryset = rows(model)
        if model is AuthoredTranslation:
            queryset = _translations_of(queryset, exported)
        elif model is TranslationSource:
            queryset = _sources_of(queryset, exported)
        tables.append(
            ExportTable(
                label=model._meta.label,
                model=model,
                agency_path=found[model],
                queryset=queryset,
                shared_ids=frozenset(shared[model]),
            )
        )
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                user_ids.update(
                    v for v in queryset.values_list(field.attname, flat=True) if v is not None
                )
    users = ExportTable(
        label=User._meta.label,
        model=User,
        agency_path="",
        queryset=User.objects.filter(pk__in=user_ids).order_by("pk"),
        shared_ids=frozenset(user_ids),
    )
    return [users, *tables]
