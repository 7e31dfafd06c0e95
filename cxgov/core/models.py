"""Tenancy and accounts: agencies, users, memberships and roles, API tokens, recovery codes,
the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from cxgov.core.i18n import LocalizedField
from cxgov.core.tokens import recovery_code_hashes

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_M = TypeVar("_M", bound=models.Model)

# The languages a person reads the site and its emails in.
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]


class NamedRecord(models.Model):
    """A row known by its `name`, with a Spanish `name_es` for pages in Spanish.

    No fields of its own: each model declares `name` and `name_es` where its columns stand, so
    the order of its columns (and of the whole-agency export's) stays its own (decision 0036).
    """

    if TYPE_CHECKING:
        name: str

    display_name = LocalizedField("name")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Expiring(models.Model):
    """A row that stops working at its `expires_at`, declared by each model (decision 0036)."""

    if TYPE_CHECKING:
        expires_at: datetime

    class Meta:
        abstract = True

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


def actor_field() -> models.ForeignKey[User | None, User | None]:
    """The user who did something to a row (created, submitted, reviewed it...): optional, no
    reverse accessor, and emptied rather than blocking when the account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


def agency_field(related_name: str) -> models.ForeignKey[Agency, Agency]:
    """The agency a row belongs to: required, and the row is deleted with its agency."""
    return models.ForeignKey(Agency, on_delete=models.CASCADE, related_name=related_name)


def optional_link(
    to: str | type[models.Model],
    *,
    on_delete: Callable[..., None],
    related_name: str = "+",
    verbose_name: StrOrPromise | None = None,
    help_text: StrOrPromise = "",
    db_index: bool = True,
) -> models.ForeignKey[Any, Any]:
    """An optional reference to another row: the context a row was recorded in (the service of a
    survey response, the category of an SLA policy), or a row it may be filed under (the persona
    of a journey). Without a `related_name` it has no reverse accessor."""
    # None and "" are Django's own defaults, so a field that leaves them out deconstructs the
    # same as one declared without them: no migration follows.
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=verbose_name,
        help_text=help_text,
        db_index=db_index,
    )


def optional_agency_field(related_name: str) -> models.ForeignKey[Agency | None, Agency | None]:
    """The agency a row may belong to (a row without one is shared by every agency, or needs
    none), deleted with its agency."""
    return optional_link(
        Agency, on_delete=models.CASCADE, related_name=related_name, verbose_name=_("agency")
    )


def default_agency_languages() -> list[str]:
    """English and Spanish: what every agency offered before agencies chose."""
    return ["en", "es"]


class Agency(NamedRecord):
    """A public agency, optionally part of a parent department."""

    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    slug = models.SlugField(_("short name in web addresses"), max_length=60, unique=True)
    parent = optional_link(
        "self", on_delete=models.PROTECT, related_name="children", verbose_name=_("parent agency")
    )
    website = models.URLField(_("website"), blank=True)
    mission = models.TextField(_("mission"), blank=True)
    mission_es = models.TextField(_("mission in Spanish"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/New_York")
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("month the fiscal year starts"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "1 for January to 12 for December; the federal fiscal year starts in October. "
            "A fiscal year is named for the calendar year it ends in."
        ),
    )
    minimum_change_points = models.DecimalField(
        _("smallest change worth flagging (points)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_(
            "A change between periods is flagged only when it is significant after the "
            "false discovery rate control and at least this many percentage points (on "
            "0-100 for means of a fixed scale)."
        ),
    )
    source = models.CharField(_("imported from"), max_length=40, blank=True)
    source_id = models.CharField(max_length=100, blank=True, db_index=True)
    # DCAT-US 1.1 asks every federal dataset for these (the /data.json catalogue).
    omb_bureau_code = models.CharField(
        _("OMB bureau code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{3}:\d{2}$", _("Use the form 015:11."))],
        help_text=_("Agency and bureau code from OMB Circular A-11 Appendix C, e.g. 015:11."),
    )
    federal_program_code = models.CharField(
        _("Federal Program Inventory code"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^\d{3}:\d{3}$", _("Use the form 015:001."))],
        help_text=_("The agency's primary program in the Federal Program Inventory, e.g. 015:001."),
    )
    approval_by_second_member = models.BooleanField(
        _("approval by a second member"),
        default=True,
        help_text=_(
            "Surveys, customer service plans, posted standards and A-11 reports are approved "
            "by a member other than the one who sent them for review."
        ),
    )

    languages = models.JSONField(
        _("languages offered"),
        default=default_agency_languages,
        help_text=_(
            "The languages the agency's public pages, surveys, complaint forms and emails are "
            "offered in. English is always offered."
        ),
    )

    class Meta:
        # The table keeps the name it had when agencies lived in registry, so no data moved.
        db_table = "registry_agency"
        ordering: ClassVar = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    display_mission = LocalizedField("mission")


class AgencyClosure(models.Model):
    """A day the agency is closed beyond the federal holidays (an executive order, a storm).

    Closed days are skipped like holidays wherever the agency counts business days: complaint
    deadlines and service standards measured in business days (`core.calendar`).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="closures")
    day = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)
    reason = models.CharField(
        _("reason"),
        max_length=300,
        blank=True,
        help_text=_("Why the agency is closed, e.g. the executive order that closed it."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "day"], name="agency_closure_one_per_day"),
        ]
        ordering: ClassVar = ["day"]
        verbose_name = _("agency closure")

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"


class TranslationStatus(models.TextChoices):
    """The state of one authored text in one language, the same words for every language.

    Only the two middle ones are stored; missing (no text) and stale (the English changed
    since the translation was written) are worked out when asked (decision 0062)."""

    MISSING = "missing", _("missing")
    MACHINE_DRAFT = "machine_draft", _("machine draft")
    HUMAN_REVIEWED = "human_reviewed", _("human reviewed")
    STALE = "stale", _("stale")


# What a person may set on a translation; missing and stale follow from the texts.
STORED_STATUSES = (TranslationStatus.MACHINE_DRAFT, TranslationStatus.HUMAN_REVIEWED)


class TranslationSource(models.Model):
    """The English a translation was made from, as a hash, per translated field and language.

    `unit` names the record and field as the XLIFF files do (`registry.service/12/name`). When
    the field's English no longer has this hash, its translation is stale: the public page
    keeps showing it, the agency's translations page lists it. A field without a row has a
    current translation (one never edited since it was written).
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="translation_sources")
    unit = models.CharField(max_length=200)
    language = models.CharField(max_length=12)
    source_hash = models.CharField(max_length=64)
    # Spanish written by staff in a form is reviewed; an imported one says what its file said.
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in STORED_STATUSES],
        default=TranslationStatus.HUMAN_REVIEWED,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[TranslationSource]] = models.Manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["agency", "unit", "language"], name="translation_source_one_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.language})"


# The longest translation a person can write in the form or a restore brings.
AUTHORED_TEXT_MAX_LENGTH = 20_000


class AuthoredTranslation(models.Model):
    """An authored text in a language other than English and Spanish (Spanish keeps its
    `<field>_es` columns, decision 0062).

    The text is named as the XLIFF units name it: `model` (`registry.service`), `object_id` and
    `field` (the English field, `name`). `source_hash` is the hash of the English it was
    written against: when the English no longer has it, the translation is stale.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="authored_translations"
    )
    model = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=60)
    language = models.CharField(max_length=12)
    text = models.TextField(blank=True)
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in STORED_STATUSES],
        default=TranslationStatus.MACHINE_DRAFT,
    )
    source_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = actor_field()

    objects: ClassVar[models.Manager[AuthoredTranslation]] = models.Manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["model", "object_id", "field", "language"],
                name="authored_translation_one_per_text",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["model", "language"])]

    def __str__(self) -> str:
        return f"{self.model}/{self.object_id}/{self.field} ({self.language})"

    @property
    def unit(self) -> str:
        return f"{self.model}/{self.object_id}/{self.field}"


class UserManager(BaseUserManager["User"]):
    """Creates users who sign in with their email address."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        """Emails are matched without regard to case, as people type them differently."""
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Agency access comes from memberships, not from flags here.

    `is_staff` and `is_superuser` are for site administrators only (Django admin).
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="en",
        choices=LANGUAGE_CHOICES,
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("site administrator"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Site-wide grants (cxgov.core.permissions.SITE_CAPABILITIES); no agency role holds them.
        permissions: ClassVar = [
            ("import_government_data", "Import government-wide data that creates agencies"),
            ("oversee_government", "Oversee A-11 reporting and aggregates across every agency"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    """What a member may do in an agency."""

    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    CX_ANALYST = "cx_analyst", _("CX analyst")
    COMPLAINT_HANDLER = "complaint_handler", _("Complaint handler")
    FRONTLINE_EMPLOYEE = "frontline_employee", _("Front-line employee")
    OVERSIGHT = "oversight", _("Oversight")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """The memberships that grant their role: a deactivated one grants nothing."""
        return self.filter(is_active=True)


class Membership(models.Model):
    """One role a user holds in one agency; a user may hold several.

    A deactivated membership (`is_active` false) stays listed for the agency's administrators
    but grants nothing: every permission check reads `Membership.objects.active()`.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = agency_field("memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="membership_unique_role"
            ),
        ]
        ordering: ClassVar = ["agency__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"


class MemberInvitation(Expiring):
    """An agency administrator's invitation for a person to take a role in the agency.

    The emailed link is signed (`core.tokens.member_invitation_token`) from the id and `nonce`,
    so no secret is stored or queued; it works once (`accepted_at`), until `expires_at`, and
    not after it was cancelled or replaced by a newer invitation (`cancelled_at`).
    """

    agency = agency_field("invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    language = models.CharField(
        _("language of the email"),
        max_length=8,
        default="en",
        choices=LANGUAGE_CHOICES,
    )
    nonce = models.CharField(max_length=32)
    invited_by = actor_field()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = actor_field()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["agency", "email"])]

    def __str__(self) -> str:
        return f"{self.email} · {self.agency} · {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and not self.is_expired


class TokenScope(models.TextChoices):
    """What an API token may do: read only, read and write, or provision one agency's members
    over SCIM (only at /scim/v2/, never the REST API)."""

    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")
    SCIM = "scim", _("SCIM provisioning")


class TokenArea(models.TextChoices):
    """The parts of the API a token may call; each API operation belongs to exactly one."""

    REGISTRY = "registry", _("Service inventory")
    SURVEYS = "surveys", _("Surveys, responses and results")
    STANDARDS = "standards", _("Service standards")
    COMPLAINTS = "complaints", _("Complaints")
    ACTIONS = "actions", _("Actions")
    A11 = "a11", _("A-11 reports")
    BENCHMARKS = "benchmarks", _("Benchmarks")
    MEMBERS = "members", _("Members and audit log")


class ApiToken(Expiring):
    """A personal API token with a scope, the areas it may call and an expiry; only a hash of
    the secret is stored.

    `all_areas` marks tokens made before areas existed (and those made in code without a
    choice): they may call every area, so no integration broke when areas came in. A token
    made on the page or through the API names its areas in `areas`.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    expires_at = models.DateTimeField(_("expires"))
    areas = models.JSONField(_("areas"), default=list, blank=True)
    all_areas = models.BooleanField(_("all areas"), default=False)
    # The one agency a SCIM token provisions; empty for every other scope.
    agency = optional_agency_field("scim_tokens")

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(scope="scim", agency__isnull=False)
                | (~models.Q(scope="scim") & models.Q(agency__isnull=True)),
                name="api_token_agency_only_for_scim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def may_call(self, area: str) -> bool:
        """Whether the token may call an operation of `area`."""
        return self.all_areas or area in self.areas

    def area_labels(self) -> list[str]:
        """The token's areas, named, in the order of `TokenArea`."""
        if self.all_areas:
            return [str(_("All areas"))]
        return [str(label) for value, label in TokenArea.choices if value in self.areas]


class ScimIdentity(models.Model):
    """How an agency's identity provider knows a person it provisions over SCIM.

    `active` is the provider's word (its `active` attribute); the person's memberships in the
    agency follow it. A SCIM DELETE sets `deleted_at` instead of removing anything, so the
    account, its memberships and the audit trail stay; the provider no longer sees the person.
    `account_created` says SCIM made the account: only then may the provider change its email,
    name or password, so one agency can never take over an account another agency uses.
    """

    agency = agency_field("scim_identities")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scim_identities")
    external_id = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    account_created = models.BooleanField(default=False)
    # SCIM closed the account (no active role anywhere was left): reactivating reopens it.
    account_closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "user"], name="scim_identity_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency}"


class SamlAssertionUse(models.Model):
    """A SAML assertion that signed someone in, kept until it expires so it signs in only once.

    The provider's assertion id is unique per provider; a second use of the same one (a replay
    of a captured response) is refused by the unique constraint, across every worker."""

    issuer = models.CharField(max_length=500)
    assertion_id = models.CharField(max_length=200)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["issuer", "assertion_id"], name="saml_assertion_used_once"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["expires_at"], name="saml_assertion_expiry")]

    def __str__(self) -> str:
        return f"{self.issuer} {self.assertion_id}"


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """The rows of a record that is added to and read, never changed or removed in bulk;
    each record's queryset says what it refuses with."""

    update_refusal: ClassVar[str]
    delete_refusal: ClassVar[str]

    def update(self, **kwargs: Any) -> int:
        raise PermissionError(self.update_refusal)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(self.delete_refusal)


class AuditEventQuerySet(AppendOnlyQuerySet["AuditEvent"]):
    """Audit events can be added and read, never changed or removed in bulk."""

    update_refusal = delete_refusal = "Audit events are append-only."


class AuditEvent(models.Model):
    """An append-only record of one write: who did what to which object, and when."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = optional_link(User, on_delete=models.SET_NULL, related_name="audit_events")
    actor_label = models.CharField(max_length=254, blank=True)
    agency = optional_link(Agency, on_delete=models.SET_NULL, related_name="audit_events")
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class DeadLetter(models.Model):
    """A background task that failed every allowed attempt, kept for staff to inspect and retry."""

    task_path = models.CharField(_("task"), max_length=200)
    queue_name = models.CharField(max_length=100, default="default")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    agency = optional_link(Agency, on_delete=models.CASCADE, related_name="dead_letters")
    attempts = models.PositiveIntegerField(_("attempts"))
    error = models.TextField(_("error"))
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(_("failed"), default=timezone.now, db_index=True)
    retried_at = models.DateTimeField(_("retried"), null=True, blank=True)
    retried_by = actor_field()

    class Meta:
        ordering: ClassVar = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_path} ({self.failed_at:%Y-%m-%d %H:%M})"


class RateCounter(models.Model):
    """Attempts counted for one limit, one caller and one window (see cxgov.core.ratelimit).

    `key` names the limit, a keyed hash of the caller and the window, never the caller itself;
    the row is useless once `expires` has passed and is deleted then.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class TaskLease(models.Model):
    """A worker's claim on a running background task, renewed by its heartbeat.

    A task still "running" after its lease expired was stranded by a worker that stopped (killed,
    out of memory, machine lost); `tasks_stranded_recover` queues it again or dead-letters it.
    """

    task_id = models.UUIDField(primary_key=True)
    worker_id = models.CharField(max_length=64)
    lease_expires_at = models.DateTimeField(db_index=True)
    heartbeat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.task_id} held by {self.worker_id} until {self.lease_expires_at:%H:%M:%S}"


class PeriodicTaskRun(models.Model):
    """When a periodic task (cxgov.core.schedule) was last queued, shared by every worker.

    A worker queues a due task only if its conditional UPDATE of `last_enqueued_at` changed this
    row, so several workers checking at once queue it once.
    """

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_worker_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} last queued {self.last_enqueued_at}"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A person's single-use recovery codes: a django-otp device beside the authenticator app.

    One per person; new codes replace the old ones under the same device, so a session that
    passed the second step with a recovery code stays verified.
    """

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user"], name="one_recovery_code_device_per_user")
        ]

    def get_throttle_factor(self) -> int:
        # The same back-off as authenticator-app codes: 1, 2, 4, 8 ... seconds after failures.
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        """Use up the matching unused code; wrong codes slow the next attempt down.

        django-otp's device contract makes verifying a write; services.second_factor_verify is
        the one caller, and it audits and emails the person.
        """
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        used = self.codes.filter(
            code_hash__in=recovery_code_hashes(token), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    """One recovery code, kept only as its keyed hash (`tokens.recovery_code_hashes`)."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.device.user_id}"


class DocumentStatus(models.TextChoices):
    """Whether the public reads a reviewed plan document: the customer service plan or the
    annual CX action plan (`core.services_documents`)."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class ApprovalState(models.TextChoices):
    """Where a publishable record stands on its one way to the public (`core.approvals`)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class ApprovalAct(models.TextChoices):
    """One step of an approval: a change of state, or a comment that leaves the state alone."""

    SUBMIT = "submit", _("Sent for review")
    RETURN = "return", _("Returned to draft")
    APPROVE = "approve", _("Approved")
    PUBLISH = "publish", _("Published")
    UNPUBLISH = "unpublish", _("Unpublished")
    COMMENT = "comment", _("Comment")


APPROVAL_TEXT_MAX_LENGTH = 4000


class Approval(models.Model):
    """The review state of one publishable record of an agency: a survey, a plan, a posted
    standard or an A-11 report, named by its kind (`core.approvals`) and its id."""

    agency = agency_field("approvals")
    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.PositiveBigIntegerField()
    state = models.CharField(
        _("state"), max_length=16, choices=ApprovalState.choices, default=ApprovalState.DRAFT
    )
    submitted_by = actor_field()
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = actor_field()
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = actor_field()
    published_at = models.DateTimeField(null=True, blank=True)
    unpublished_reason = models.TextField(blank=True, max_length=APPROVAL_TEXT_MAX_LENGTH)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="approval_one_per_record"),
        ]
        indexes: ClassVar = [models.Index(fields=["agency", "state"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.state}"


class ApprovalStepQuerySet(AppendOnlyQuerySet["ApprovalStep"]):
    """Steps are a record of what happened: added, never changed."""

    update_refusal = "Approval steps cannot be changed."
    delete_refusal = "Approval steps cannot be deleted."


class ApprovalStep(models.Model):
    """One step of an approval, with who took it and what they wrote."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="steps")
    act = models.CharField(_("step"), max_length=16, choices=ApprovalAct.choices)
    from_state = models.CharField(max_length=16, choices=ApprovalState.choices)
    to_state = models.CharField(max_length=16, choices=ApprovalState.choices)
    actor = actor_field()
    actor_label = models.CharField(max_length=300, blank=True)
    body = models.TextField(_("comment"), blank=True, max_length=APPROVAL_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ApprovalStepQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.approval}: {self.act}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Approval steps cannot be changed.")
        super().save(*args, **kwargs)


def _prepared_storage() -> Any:
    from cxgov.core.prepared import prepared_storage

    return prepared_storage()


class PreparedFileStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PreparedFile(models.Model):
    """A file too slow to build in a page request (an agency export, a PDF), built by the
    worker and kept in private storage until a newer version of the same file is ready; or the
    figures of a page too slow to compute in its request, kept as JSON in `data` (decision 0063).

    One row per `kind` (the builder registered in `core.prepared`), agency, `key` (digest of the
    builder's `params`) and `version` (what the content depends on, such as a published plan's
    version); derived, so never part of an agency archive (decision 0049).
    """

    kind = models.CharField(max_length=60)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="prepared_files")
    key = models.CharField(max_length=64)
    version = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=PreparedFileStatus.choices, default=PreparedFileStatus.QUEUED
    )
    file = models.FileField(storage=_prepared_storage, max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    inline = models.BooleanField(default=False)
    # A page's figures (a builder that returns `BuiltData`); kept while a newer build runs.
    data = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[PreparedFile]] = models.Manager()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "agency", "key", "version"], name="prepared_file_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:8]} {self.version} ({self.status})"
