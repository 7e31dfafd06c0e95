"""factory_boy factories for core, registry and a few domain records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from cxgov.core.models import Agency, ApiToken, Membership, Role, User
from cxgov.registry.models import Service, ServiceStatus

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    abbreviation = factory.Sequence(lambda n: f"TA{n}")
    time_zone = "America/New_York"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    status = ServiceStatus.PUBLISHED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.gov")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CX_ANALYST


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "test token"
    prefix = factory.Sequence(lambda n: f"{n:08x}")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.CustomerSegment"

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Channel"

    service = factory.SubFactory(ServiceFactory)
    kind = "phone"
    name = factory.Sequence(lambda n: f"Channel {n}")
    phone = "800-555-0100"


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Category"

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class ComplaintTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Team"

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class ClearanceFactory(factory.django.DjangoModelFactory):
    """A current standard PRA clearance with a year left and 1,000 approved burden hours."""

    class Meta:
        model = "surveys.Clearance"

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Customer survey clearance {n}")
    kind = "standard"
    control_number = factory.Sequence(lambda n: f"1234-{n % 10000:04d}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    burden_hours = 1000
    results_publishable = True


def cleared(survey: Any, *, minutes: int = 2, **clearance: Any) -> Any:
    """The survey linked to a current clearance of its agency (a public survey needs one to be
    published), through `survey_update` as the settings page does.

    A survey made with an OMB control number and expiry keeps them: the clearance carries them
    (one per number and agency, shared by the surveys that give the same number).
    """
    from cxgov.surveys.models import Clearance
    from cxgov.surveys.services import survey_update

    if survey.omb_control_number:
        clearance.setdefault("control_number", survey.omb_control_number)
    if survey.omb_expiration_date:
        clearance.setdefault("expires_on", survey.omb_expiration_date)
    found = None
    if "control_number" in clearance:
        found = Clearance.objects.filter(
            agency=survey.agency, control_number=clearance["control_number"]
        ).first()
    survey_update(
        actor=None,
        survey=survey,
        clearance=found or ClearanceFactory(agency=survey.agency, **clearance),
        burden_minutes=minutes,
    )
    return survey


class SurveyFactory(factory.django.DjangoModelFactory):
    """A live customer survey with no questions; surveys.services fills one from a template."""

    class Meta:
        model = "surveys.Survey"

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Survey {n}")
    status = "live"


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "standards.Standard"

    service = factory.SubFactory(ServiceFactory)
    agency = factory.SelfAttribute("service.agency")
    statement = factory.Sequence(lambda n: f"We decide 80% of applications within {n + 1} days")
    target = "0.8000"
    threshold = 10.0
    threshold_unit = "business_days"
    calendar = "business_days"
    status = "posted"
