"""Monthly reports: costing reference data, report runs and their stored results (SPEC §5, §7)."""

from django.db import models
from django.db.models import Q

from accounts.models import Profession
from camhs_pbr.runs.models import Run
from groupings.models import RulesVersion

__all__ = [
    "HEADLINE",
    "ReferenceContactCost",
    "ReportPack",
    "ReportRow",
    "ReportRun",
    "ScopeKind",
    "UnitCost",
]


class UnitCost(models.Model):
    """Hourly cost of a profession's clinical time from a date (SPEC §5, PROPOSED model): a contact costs
    its duration x the unit cost of its profession in force on the contact's date."""

    profession = models.ForeignKey(Profession, on_delete=models.PROTECT, related_name="unit_costs")
    valid_from = models.DateField(help_text="The first day this hourly cost applies.")
    hourly_cost = models.DecimalField("hourly cost (GBP)", max_digits=8, decimal_places=2)
    price_base_year = models.CharField(
        max_length=7, help_text='Financial year of the prices, e.g. "2013/14".'
    )
    source = models.TextField(blank=True, help_text="Where this figure comes from.")

    class Meta:
        ordering = ["profession__name", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["profession", "valid_from"], name="one_unit_cost_per_profession_and_day"
            ),
            models.CheckConstraint(condition=Q(hourly_cost__gt=0), name="unit_cost_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.profession}: £{self.hourly_cost}/hour from {self.valid_from:%d/%m/%Y}"


class ReferenceContactCost(models.Model):
    """The cost of one contact used for indicative prices: expected appointments x this (SPEC §5)."""

    valid_from = models.DateField(unique=True)
    contact_cost = models.DecimalField("contact cost (GBP)", max_digits=8, decimal_places=2)
    price_base_year = models.CharField(max_length=7)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(contact_cost__gt=0), name="reference_contact_cost_positive")
        ]

    def __str__(self) -> str:
        return f"£{self.contact_cost} per contact from {self.valid_from:%d/%m/%Y}"


# The report kinds' values and labels, filled in by reports.kinds.register: the registry of report kinds is
# the one home of a report, and a run's `report` choices are read from it (reports.apps imports it at start).
REPORT_LABELS: dict[str, str] = {}


def report_choices() -> list[tuple[str, str]]:
    """(value, label) of every registered report kind, by value."""
    return sorted(REPORT_LABELS.items())


class ScopeKind(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner (ICB)"
    PROVIDER = "provider", "Provider"


class ReportRun(Run):
    """One report for one month and one scope under one rules version: unique, re-run in place. Its rows,
    `rows` and `data_as_of` are those of its last successful execution, kept while it runs again or fails."""

    rerun_in_place = True

    report = models.CharField(max_length=10, choices=report_choices)
    period = models.DateField(help_text="The first day of the month reported.")
    scope_kind = models.CharField(max_length=12, choices=ScopeKind.choices)
    scope_code = models.CharField(max_length=10, help_text="ODS code of the commissioner or provider.")
    rules_version = models.ForeignKey(RulesVersion, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField(default=0)
    data_as_of = models.DateTimeField(
        null=True, blank=True, help_text="When the data of the last successful execution was read."
    )

    class Meta:
        ordering = ["-period", "report", "scope_kind", "scope_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "period", "scope_kind", "scope_code", "rules_version"],
                name="one_run_per_report_period_scope_and_rules_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_report_display()} {self.period:%Y-%m} {self.scope_kind} {self.scope_code}"

    @property
    def has_result(self) -> bool:
        """A successful execution's rows are stored (the last good result, whatever the run does now)."""
        return self.data_as_of is not None


HEADLINE = "headline"
"""The `table` of a run's stored headline rows (a report kind with a `headline`), beside its own rows."""


class ReportRow(models.Model):
    """One row of a run's result, raw (before disclosure control), in the report's column order."""

    run = models.ForeignKey(ReportRun, on_delete=models.CASCADE, related_name="result_rows")
    table = models.CharField(
        max_length=20,
        blank=True,
        default="",
        help_text="Empty for the report's own rows; else the name of another table of the same run "
        "(the case-mix's headline figures of three months).",
    )
    position = models.PositiveIntegerField()
    values = models.JSONField()

    class Meta:
        ordering = ["run", "table", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "table", "position"], name="one_report_row_per_table_and_position"
            )
        ]

    def __str__(self) -> str:
        return f"row {self.position} of {self.run}"


class ReportPack(models.Model):
    """The monthly PDF pack of one commissioner or provider: its reports' charts, tables and definitions.

    The monthly beat asks for it with the month's reports; it is made (again) once none of the scope's runs of
    that month of the reports it shows is queued or running (reports.runs.make_pack_when_reports_are_done)."""

    scope_kind = models.CharField(max_length=12, choices=ScopeKind.choices)
    scope_code = models.CharField(max_length=10, help_text="ODS code of the commissioner or provider.")
    period = models.DateField(help_text="The first day of the month reported.")
    rules_version = models.ForeignKey(RulesVersion, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    made_at = models.DateTimeField(null=True, blank=True, help_text="When the PDF below was made.")
    pdf = models.BinaryField(default=b"", editable=False)
    error = models.TextField(blank=True, help_text="Why the last attempt to make it failed, in words.")

    class Meta:
        ordering = ["-period", "scope_kind", "scope_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_kind", "scope_code", "period", "rules_version"],
                name="one_pack_per_scope_period_and_rules_version",
            ),
        ]

    def __str__(self) -> str:
        return f"pack {self.period:%Y-%m} {self.scope_kind} {self.scope_code}"

    @property
    def made(self) -> bool:
        return self.made_at is not None
