"""Price lists, contracts, monthly statements and their challenges (issue 32).

An agreed statement, its lines, and a price list an agreed statement used are immutable: the database
refuses to change them (triggers of migration 0002, on PostgreSQL and SQLite), and the models refuse first
with a message in words."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Commissioner, Provider, Role
from camhs_pbr.runs.models import Run, one_active_run_per
from payments import financial_year

UNGROUPED = "UNGROUPED"


class Immutable(Exception):
    """A change to an agreed statement or to a price list an agreed statement used."""


def _money(**options: object) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, **options)  # type: ignore[arg-type]


def _fraction(default: str | None, help_text: str, **options: object) -> models.DecimalField:
    if default is not None:
        options["default"] = Decimal(default)
    return models.DecimalField(max_digits=6, decimal_places=4, help_text=help_text, **options)  # type: ignore[arg-type]


class PriceList(models.Model):
    """A dated, versioned price per grouping per month of care between one commissioner and one provider.
    A new version is made for any change; one used by an agreed statement is read-only."""

    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    valid_from = models.DateField(help_text="The first day these prices apply.")
    price_base_year = models.CharField(
        max_length=7, help_text='Financial year of the prices, e.g. "2026/27".'
    )
    source = models.TextField(blank=True, help_text="Where these prices come from (a proposal, a file).")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commissioner__code", "provider__code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["commissioner", "provider", "version"], name="one_price_list_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Prices {self.commissioner.code}-{self.provider.code} v{self.version} from {self.valid_from:%d/%m/%Y}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.used_by_agreed_statement:
            raise Immutable(f"{self} was used by an agreed statement: make a new version instead.")
        super().save(*args, **kwargs)

    @property
    def used_by_agreed_statement(self) -> bool:
        return self.pk is not None and Statement.objects.agreed().filter(price_list=self).exists()

    def prices(self) -> dict[str, Decimal]:
        """Price per month of care by grouping code (UNGROUPED included)."""
        return dict(self.lines.values_list("grouping", "price"))


class PriceListLine(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="lines")
    grouping = models.CharField(max_length=10, help_text=f"A grouping code, or {UNGROUPED}.")
    price = _money(help_text="Price of one month of care (GBP).")

    class Meta:
        ordering = ["price_list", "grouping"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "grouping"], name="one_price_per_grouping"),
            models.CheckConstraint(condition=Q(price__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.grouping}: £{self.price}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.price_list.used_by_agreed_statement:
            raise Immutable(f"{self.price_list} was used by an agreed statement: make a new version instead.")
        super().save(*args, **kwargs)


class ContractQuerySet(models.QuerySet["Contract"]):
    def in_scope_of(self, user) -> ContractQuerySet:  # type: ignore[no-untyped-def]
        """The contracts `user` is a party to: their ICB's (commissioners) or their provider's (service
        managers, through the one scoping rule's teams); nobody else's."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.role == Role.COMMISSIONER:
            return self.filter(commissioner__in=Commissioner.objects.in_scope_of(user))
        if user.role == Role.SERVICE_MANAGER:
            return self.filter(provider__in=Provider.objects.in_scope_of(user))
        return self.none()


class Contract(models.Model):
    """One ICB's contract with one provider for a financial year (April to March): the plan (months of care
    per grouping for the year), the price list, the outcome-linked share and the risk-share corridor."""

    reference = models.CharField("contract reference", max_length=40, unique=True)
    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    financial_year = models.PositiveSmallIntegerField(help_text="The year of its April: 2026 for 2026/27.")
    price_list = models.ForeignKey(PriceList, on_delete=models.PROTECT, related_name="contracts")
    outcome_share = _fraction("0", "w: the share of the payable linked to outcomes, 0 to 0.20.")
    paired_target = _fraction("0.5", "Target share of closed episodes with a paired measure.")
    improved_target = _fraction("0.5", "Target share of paired episodes reliably improved.")
    corridor = _fraction("0.05", "c: the band around plan inside which activity is paid as it comes.")
    marginal_rate = _fraction("0.5", "s: the share of activity beyond the band that moves payment.")
    cap = _fraction(None, "Optional: at most this share of plan (1.1 = 110%).", null=True, blank=True)
    floor = _fraction(None, "Optional: at least this share of plan (0.9 = 90%).", null=True, blank=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-financial_year", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome_share__gte=0, outcome_share__lte=Decimal("0.2")),
                name="outcome_share_0_to_20",
            ),
            models.CheckConstraint(condition=Q(corridor__gte=0, corridor__lte=1), name="corridor_0_to_1"),
            models.CheckConstraint(
                condition=Q(marginal_rate__gte=0, marginal_rate__lte=1), name="marginal_rate_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(
                    paired_target__gte=0, paired_target__lte=1, improved_target__gte=0, improved_target__lte=1
                ),
                name="outcome_targets_0_to_1",
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(floor__isnull=True) | Q(cap__gte=models.F("floor")),
                name="cap_not_below_floor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.year_label})"

    @property
    def year_label(self) -> str:
        return financial_year.label(self.financial_year)


class PlanLine(models.Model):
    """Planned months of care of one grouping for the contract's year (the monthly plan is a twelfth)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="plan")
    grouping = models.CharField(max_length=10)
    planned_months = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["contract", "grouping"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "grouping"], name="one_plan_line_per_grouping"),
            models.CheckConstraint(condition=Q(planned_months__gte=0), name="planned_months_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.grouping}: {self.planned_months} months of care"


AGREED = Q(commissioner_agreed_at__isnull=False, provider_agreed_at__isnull=False)


class StatementQuerySet(models.QuerySet["Statement"]):
    def agreed(self) -> StatementQuerySet:
        return self.filter(AGREED)

    def in_scope_of(self, user) -> StatementQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(contract__in=Contract.objects.in_scope_of(user))


class Statement(Run):
    """One contract's statement for one month (year to date), a run on the run platform; a draft until a
    commissioner user and a service manager of the provider agree it. Recomputing an agreed month makes a
    restatement: the next version, beside the agreed one."""

    rerun_in_place = True

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="statements")
    period = models.DateField(help_text="The first day of the statement's month.")
    version = models.PositiveSmallIntegerField(default=1)
    restates = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="restatements"
    )
    price_list = models.ForeignKey(
        PriceList, on_delete=models.PROTECT, null=True, blank=True, related_name="statements"
    )
    data_as_of = models.DateTimeField(null=True, blank=True)
    # The terms it was computed with, and its money (to the penny); empty until computed.
    outcome_share = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    corridor = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    marginal_rate = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    cap = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    floor = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    closed_episodes = models.PositiveIntegerField(null=True, blank=True)
    paired_episodes = models.PositiveIntegerField(null=True, blank=True)
    improved_episodes = models.PositiveIntegerField(null=True, blank=True)
    paired_share = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    improved_share = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    paired_target = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    improved_target = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    achievement = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    plan_value = _money(null=True, blank=True)
    activity_value = _money(null=True, blank=True)
    variance = _money(null=True, blank=True)
    corridor_adjustment = _money(null=True, blank=True)
    payable_before_outcome = _money(null=True, blank=True)
    outcome_withheld = _money(null=True, blank=True)
    outcome_earned = _money(null=True, blank=True)
    payable_ytd = _money(null=True, blank=True)
    previous_payable_ytd = _money(null=True, blank=True)
    carried_over = _money(null=True, blank=True)
    payment_this_month = _money(null=True, blank=True)
    commissioner_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    commissioner_agreed_at = models.DateTimeField(null=True, blank=True)
    provider_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_agreed_at = models.DateTimeField(null=True, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "-period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period", "version"], name="one_statement_per_contract_month_and_version"
            ),
            one_active_run_per("contract", "period", name="one_active_statement_run_per_contract_and_month"),
            models.CheckConstraint(
                condition=Q(commissioner_agreed_at__isnull=True) | Q(commissioner_agreed_by__isnull=False),
                name="commissioner_agreement_names_who",
            ),
            models.CheckConstraint(
                condition=Q(provider_agreed_at__isnull=True) | Q(provider_agreed_by__isnull=False),
                name="provider_agreement_names_who",
            ),
        ]

    def __str__(self) -> str:
        restated = f" (restatement {self.version})" if self.version > 1 else ""
        return f"{self.contract.reference} {self.period:%Y-%m}{restated}"

    @property
    def agreed(self) -> bool:
        return self.commissioner_agreed_at is not None and self.provider_agreed_at is not None

    @property
    def computed(self) -> bool:
        return self.data_as_of is not None

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.pk is not None and Statement.objects.agreed().filter(pk=self.pk).exists():
            raise Immutable(f"The statement {self} is agreed: recompute the month for a restatement.")
        super().save(*args, **kwargs)


class StatementLine(models.Model):
    """One grouping of the price list, year to date (exact counts; amounts to the penny)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    grouping = models.CharField(max_length=10)
    planned_months = models.DecimalField(max_digits=14, decimal_places=4)
    actual_months = models.PositiveIntegerField()
    price = _money()
    plan_value = _money()
    activity_value = _money()
    variance = _money()

    class Meta:
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "grouping"], name="one_statement_line_per_grouping")
        ]

    def __str__(self) -> str:
        return f"{self.grouping} of {self.statement}"


class Challenge(models.Model):
    """A commissioner's challenge of one line of a statement, with the provider's answer."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="challenges")
    grouping = models.CharField(max_length=10)
    reason = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "raised_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="challenge_has_a_reason")]

    def __str__(self) -> str:
        return f"Challenge of {self.grouping} in {self.statement}"
