"""Organisations (providers, teams, commissioners), professions and users with roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class ProviderQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "ProviderQuerySet":
        """Providers whose aggregate reports `user` may see: those of the teams in the user's scope."""
        return self.filter(teams__in=Team.objects.in_scope_of(user)).distinct()


class Provider(models.Model):
    """An NHS trust or other organisation providing CAMHS."""

    code = models.CharField(max_length=10, unique=True, help_text="ODS organisation code")
    name = models.CharField(max_length=200)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamQuerySet(models.QuerySet["Team"]):
    def in_scope_of(self, user) -> "TeamQuerySet":
        """The teams whose cases `user` may see: the single rule behind every case-level scope."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role in (Role.CLINICIAN, Role.TEAM_MANAGER):
            return self.filter(members=user)
        if user.role == Role.SERVICE_MANAGER and user.provider_id:
            return self.filter(provider_id=user.provider_id)
        return self.none()

    def ids_in_scope_of(self, user) -> list[int]:
        """The ids of `in_scope_of(user)`, sorted: the scope as part of a cache key (two users with the same
        teams see the same cases)."""
        return sorted(self.in_scope_of(user).values_list("pk", flat=True))


class Team(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["provider__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="team_code_unique_per_provider")
        ]

    def __str__(self) -> str:
        return self.name


class CommissionerQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "CommissionerQuerySet":
        """The commissioner whose population's aggregates `user` may see: a commissioner user's own ICB.

        The other half of the one scoping rule: staff see cases through their teams (Team.in_scope_of),
        commissioners see aggregates of their ICB's population and never a case."""
        if not (user.is_authenticated and user.is_active) or user.role != Role.COMMISSIONER:
            return self.none()
        return self.filter(pk=user.commissioner_id)


class Commissioner(models.Model):
    """An integrated care board (ICB) paying for care."""

    code = models.CharField(max_length=10, unique=True, help_text="ODS code of the ICB")
    name = models.CharField(max_length=200)

    objects = CommissionerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Profession(models.Model):
    """Reference data: staff professions (contacts are costed by profession)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    TEAM_MANAGER = "team_manager", "Team manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    COMMISSIONER = "commissioner", "Commissioner"
    ADMINISTRATOR = "administrator", "Administrator"
    # A provider's administrator of data (issue 31): loads its records system's extracts, sees no case page.
    DATA_MANAGER = "data_manager", "Data manager"


CLINICAL_ROLES = (Role.CLINICIAN, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)
MANAGER_ROLES = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER)


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    teams = models.ManyToManyField(
        Team, blank=True, related_name="members", help_text="Clinicians and team managers: their teams."
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Service managers: their provider.",
    )
    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.PROTECT, null=True, blank=True, help_text="Commissioner users only."
    )
    profession = models.ForeignKey(Profession, on_delete=models.PROTECT, null=True, blank=True)
    local_id = models.CharField(
        "local id in the records system",
        max_length=40,
        blank=True,
        db_default="",
        help_text="CareProfLocalId of a practitioner loaded from the provider's records system; empty otherwise.",
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text="Set when an administrator sets the password; cleared when the user changes it.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.COMMISSIONER) | Q(commissioner__isnull=False),
                name="commissioner_user_has_commissioner",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.COMMISSIONER) | Q(commissioner__isnull=True),
                name="only_commissioner_users_have_commissioner",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SERVICE_MANAGER) | Q(provider__isnull=False),
                name="service_manager_has_provider",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.DATA_MANAGER) | Q(provider__isnull=False),
                name="data_manager_has_provider",
            ),
            models.UniqueConstraint(
                fields=["provider", "local_id"],
                condition=~Q(local_id=""),
                name="practitioner_local_id_unique_per_provider",
            ),
        ]

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_service_manager(self) -> bool:
        """Manages every team of a provider: the only role that runs the algorithm lab."""
        return self.role == Role.SERVICE_MANAGER

    @property
    def is_administrator(self) -> bool:
        """Reaches the Django admin or holds the administrator role: a second factor may be required."""
        return self.is_staff or self.is_superuser or self.role == Role.ADMINISTRATOR

    @property
    def is_data_manager(self) -> bool:
        return self.role == Role.DATA_MANAGER

    @property
    def from_records_system(self) -> bool:
        """A practitioner record loaded from an extract (it cannot log in until an administrator enables it)."""
        return bool(self.local_id)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


from accounts.audit import AuditEvent  # noqa: E402,F401  (the audit trail's model, registered with the app)


class EnrolmentCode(models.Model):
    """A one-time code another administrator (or `manage.py issue_enrolment_code`) gave an administrator to
    set up their first authenticator app: without it a stolen password alone could enrol the thief's app.

    Only a hash is kept; the code is shown once when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"enrolment code of {self.user} issued {self.issued_at:%d/%m/%Y %H:%M}"
