"""Reads for customer service plans: access checks, the live records a plan is assembled from,
and the published versions the public site shows."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cxgov.benchmarks.selectors import selections_for_agency
from cxgov.complaints.models import Category
from cxgov.complaints.selectors import sla_policies_for_agency
from cxgov.core.models import Agency, DocumentStatus
from cxgov.core.selectors import authored_texts_frozen
from cxgov.core.selectors_documents import document_access
from cxgov.insights.fiscal import fiscal_year_bounds
from cxgov.plans.models import Plan, PlanSection, PlanVersion, SectionKey
from cxgov.registry.models import (
    Channel,
    ChannelClosure,
    CustomerSegment,
    OpeningHours,
    Service,
)
from cxgov.registry.selectors import channel_contact, service_identity, services_published
from cxgov.standards.models import Standard
from cxgov.standards.selectors import standard_latest, standards_posted
from cxgov.surveys.models import Audience, Survey, SurveyStatus

# 2: authored texts carry their other languages from `core.AuthoredTranslation`
# (`translations`, and a third element of each [English, Spanish] service name pair).
# 3: so do the agency's name and mission, channels' names and instructions, and segments' names.
SNAPSHOT_SCHEMA = 3


access_plan = document_access(
    Plan,
    id_name="plan_id",
    doc="A plan of the agency in the URL, if the user's role there holds `need`.",
)


def plans_for_agency(*, agency: Agency) -> QuerySet[Plan]:
    """The agency's plans, newest year first (call access_agency first)."""
    return Plan.objects.filter(agency=agency).prefetch_related(
        Prefetch("versions", queryset=PlanVersion.objects.defer("snapshot"))
    )


def plan_sections(*, plan: Plan) -> dict[str, PlanSection]:
    """The draft's sections by key, in plan order."""
    found = {section.key: section for section in plan.sections.all()}
    return {key: found[key] for key in SectionKey.values if key in found}


def plan_versions(*, plan: Plan) -> QuerySet[PlanVersion]:
    """The plan's versions, newest first."""
    return plan.versions.select_related("created_by").defer("snapshot")


def plan_version(*, plan: Plan, number: int) -> PlanVersion:
    """One version of the plan, or 404."""
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return version


def version_published_latest(*, agency: Agency) -> PlanVersion | None:
    """The newest version of the agency's most recent published plan, for the public site."""
    return (
        PlanVersion.objects.filter(plan__agency=agency, plan__status=DocumentStatus.PUBLISHED)
        .select_related("plan")
        .order_by("-plan__year", "-number")
        .first()
    )


def version_published(*, agency: Agency, version_id: int) -> PlanVersion | None:
    """One version of the agency's published plans (the one a prepared PDF was asked for)."""
    return (
        PlanVersion.objects.filter(
            pk=version_id, plan__agency=agency, plan__status=DocumentStatus.PUBLISHED
        )
        .select_related("plan")
        .first()
    )


def has_published_plan(*, agency: Agency) -> bool:
    """Whether the public site has a plan to show for the agency."""
    return Plan.objects.filter(agency=agency, status=DocumentStatus.PUBLISHED).exists()


# --- the live records a plan is assembled from ----------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


class _Translations:
    """The agency's translations of the texts a snapshot names, read once per model."""

    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self._by_model: dict[str, dict[int, dict[str, dict[str, str]]]] = {}

    def of(self, model: type[Model], pk: int | None) -> dict[str, dict[str, str]]:
        """A record's texts by English field, each {language: text}."""
        label = model._meta.label_lower
        if label not in self._by_model:
            self._by_model[label] = authored_texts_frozen(agency=self.agency, model=label)
        return self._by_model[label].get(pk, {}) if pk is not None else {}

    def name(self, service: Service | None) -> dict[str, str]:
        return self.of(Service, service.pk if service else None).get("name", {})


def _channel(channel: Channel, first: date, last: date, texts: _Translations) -> dict[str, Any]:
    return {
        "id": channel.pk,
        **channel_contact(channel=channel),
        "translations": texts.of(Channel, channel.pk),
        "hours": [[h.weekday, _hhmm(h.opens), _hhmm(h.closes)] for h in channel.hours.all()],
        "closures": [
            [c.date.isoformat(), c.name] for c in channel.closures.all() if first <= c.date <= last
        ],
    }


def _services(
    agency: Agency, first: date, last: date, texts: _Translations
) -> list[dict[str, Any]]:
    channels = Channel.objects.prefetch_related(
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
        Prefetch("closures", queryset=ChannelClosure.objects.order_by("date")),
    )
    services = services_published(agency=agency).prefetch_related(
        Prefetch("channels", queryset=channels), "segments"
    )
    return [
        {
            **service_identity(service=service),
            "translations": texts.of(Service, service.pk),
            "channels": [
                _channel(channel, first, last, texts) for channel in service.channels.all()
            ],
        }
        for service in services
    ]


def _segments(agency: Agency, texts: _Translations) -> list[dict[str, Any]]:
    used_by: dict[int, list[Any]] = {}
    for service in services_published(agency=agency).prefetch_related("segments"):
        for segment in service.segments.all():
            used_by.setdefault(segment.pk, []).append(
                [service.name, service.name_es, texts.name(service)]
            )
    return [
        {
            "id": segment.pk,
            "name": segment.name,
            "name_es": segment.name_es,
            "description": segment.description,
            "estimated_size": segment.estimated_size,
            "services": used_by.get(segment.pk, []),
            "translations": texts.of(CustomerSegment, segment.pk),
        }
        for segment in agency.segments.order_by("name")
    ]


def _standards(agency: Agency, texts: _Translations) -> list[dict[str, Any]]:
    rows = []
    for standard in standards_posted(agency=agency):
        latest = standard_latest(standard=standard)
        rows.append(
            {
                "id": standard.pk,
                "service": standard.service.name,
                "service_es": standard.service.name_es,
                "statement": standard.statement,
                "statement_es": standard.statement_es,
                "how_measured": standard.how_measured,
                "how_measured_es": standard.how_measured_es,
                "target": str(standard.target),
                "threshold": standard.threshold,
                "threshold_unit": standard.threshold_unit,
                "translations": {
                    **texts.of(Standard, standard.pk),
                    "service": texts.name(standard.service),
                },
                "latest": None
                if latest is None
                else {
                    "label": latest.label,
                    "n": latest.n,
                    "met": latest.met,
                    "share": latest.share,
                    "ci_low": latest.ci_low,
                    "ci_high": latest.ci_high,
                    "status": latest.status,
                    "closed": latest.closed,
                },
            }
        )
    return rows


def plan_surveys_choosable(*, agency: Agency) -> QuerySet[Survey]:
    """The agency's customer surveys a plan may name: drafts and live ones, by title."""
    return Survey.objects.filter(
        agency=agency,
        audience=Audience.CUSTOMER,
        status__in=[SurveyStatus.DRAFT, SurveyStatus.LIVE],
    ).order_by("title", "pk")


def plan_surveys_chosen(*, plan: Plan) -> QuerySet[Survey]:
    """The surveys staff chose for the plan, and only those (none is added on its own)."""
    return (
        plan.surveys.filter(agency=plan.agency)
        .prefetch_related("services")
        .order_by("opens_at", "title", "pk")
    )


def _surveys(plan: Plan, texts: _Translations) -> list[dict[str, Any]]:
    return [
        {
            "id": survey.pk,
            "title": survey.title,
            "title_es": survey.title_es,
            "status": survey.status,
            "opens": _iso(survey.opens_at.date() if survey.opens_at else None),
            "closes": _iso(survey.closes_at.date() if survey.closes_at else None),
            "services": [[s.name, s.name_es, texts.name(s)] for s in survey.services.all()],
            "translations": texts.of(Survey, survey.pk),
        }
        for survey in plan_surveys_chosen(plan=plan)
    ]


def _benchmarks(agency: Agency, texts: _Translations) -> list[dict[str, Any]]:
    return [
        {
            "id": choice.pk,
            "service": choice.service.name,
            "service_es": choice.service.name_es,
            "series": choice.series.name,
            "entity": choice.series.entity,
            "source": choice.series.source.name,
            "source_kind": choice.series.source.kind,
            "metric": choice.series.metric,
            "url": choice.series.url or choice.series.source.url,
            "reason": choice.reason,
            "translations": {"service": texts.name(choice.service)},
        }
        for choice in selections_for_agency(agency=agency)
    ]


def _complaint_policies(agency: Agency, texts: _Translations) -> list[dict[str, Any]]:
    policies = sla_policies_for_agency(agency=agency).order_by("service__name", "category__name")
    return [
        {
            "service": policy.service.name if policy.service else "",
            "service_es": policy.service.name_es if policy.service else "",
            "category": policy.category.name if policy.category else "",
            "category_es": policy.category.name_es if policy.category else "",
            "acknowledge_business_days": policy.acknowledge_business_days,
            "respond_days": policy.respond_days,
            "respond_in_business_days": policy.respond_in_business_days,
            "final_days": policy.final_days,
            "review_days": policy.review_days,
            "translations": {
                "service": texts.name(policy.service),
                "category": texts.of(Category, policy.category_id).get("name", {}),
            },
        }
        for policy in policies
    ]


def plan_records(*, plan: Plan) -> dict[str, Any]:
    """The agency's live records for the plan's year, as plain JSON-ready data, with the
    surveys staff chose for the plan.

    Every language of every authored name is kept (Spanish in `_es` keys, the others under
    `translations`), so one snapshot renders the plan in any language as it was published.
    """
    agency, year = plan.agency, plan.year
    texts = _Translations(agency)
    first, last = fiscal_year_bounds(year)
    return {
        "schema": SNAPSHOT_SCHEMA,
        "assembled_at": timezone.now().isoformat(),
        "year": year,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "agency": {
            "slug": agency.slug,
            "name": agency.name,
            "name_es": agency.name_es,
            "mission": agency.mission,
            "mission_es": agency.mission_es,
            "time_zone": agency.time_zone,
            "translations": texts.of(Agency, agency.pk),
        },
        "segments": _segments(agency, texts),
        "services": _services(agency, first, last, texts),
        "standards": _standards(agency, texts),
        "surveys": _surveys(plan, texts),
        "benchmarks": _benchmarks(agency, texts),
        "complaint_policies": _complaint_policies(agency, texts),
    }


def plan_snapshot_draft(*, plan: Plan) -> dict[str, Any]:
    """What publishing the plan now would freeze: live records plus the draft's text."""
    snapshot = plan_records(plan=plan)
    texts = _Translations(plan.agency)
    snapshot["authored"] = {
        key: {
            **texts.of(PlanSection, section.pk).get("text_en", {}),
            "en": section.text_en,
            "es": section.text_es,
        }
        for key, section in plan_sections(plan=plan).items()
    }
    return snapshot
