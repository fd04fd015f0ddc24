"""An extract merged into one provider's records: everything the checks pass written in one transaction, keyed
by local id, so a second load of the same extract changes nothing and a later one updates only what changed
(one audit event per changed record naming its changed fields, never their values). `full` also flags the
provider's records the extract no longer holds; nothing is ever deleted."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from accounts.audit import Action, record, record_changes
from accounts.models import Provider, User
from assessments import discharge
from assessments.current_view_items import ALL_ITEMS
from assessments.models import Case, Contact, CurrentView, Patient
from camhs_pbr.lib.copy_rows import insert_rows
from camhs_pbr.lib.service_time import service_zone
from groupings.bulk import suggest_views
from groupings.selectors import current_rules_version
from imports import checks, sql_merge
from imports.fields import CASE_FIELDS, CONTACT_FIELDS, PATIENT_FIELDS, VIEW_FIELDS
from imports.files import CONTACTS, CURRENT_VIEWS, FILES, PATIENTS, REFERRALS, STAFF, ExtractFile
from imports.outcome import Counts, Outcome
from imports.practitioners import STAFF_FIELDS, load_staff
from imports.reference import at_in as _at_in
from imports.reference import reference

BATCH = 5000


def _keyed(
    model: type[Model], provider_field: str, provider: Provider, fields: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """The provider's records of `model` from extracts, by local id: their id, `fields` and absence flag."""
    manager = model._default_manager  # type: ignore[attr-defined]
    columns = ["pk", "local_id", *fields]
    if model is not User:
        columns.append("not_in_latest_extract")
    records = manager.filter(~Q(local_id=""), **{provider_field: provider}).values(*columns)
    return {record["local_id"]: record for record in records}


def held(provider: Provider) -> tuple[checks.Held, dict[str, dict[str, dict[str, Any]]]]:
    """What the provider's records hold, for the checks, and the keyed records themselves for the merge."""
    patients = _keyed(Patient, "provider", provider, PATIENT_FIELDS)
    staff = _keyed(User, "provider", provider, STAFF_FIELDS)
    cases = _keyed(Case, "source_provider", provider, CASE_FIELDS)
    local_of_patient = {record["pk"]: local for local, record in patients.items()}
    open_count: dict[tuple[str, int], int] = {}
    open_keys: dict[tuple[str, int], set[str]] = {}
    for patient_id, team_id, local in (
        Case.objects.open_referrals()
        .filter(patient__provider=provider, patient_id__in=local_of_patient)
        .values_list("patient_id", "team_id", "local_id")
    ):
        pair = (local_of_patient[patient_id], team_id)
        open_count[pair] = open_count.get(pair, 0) + 1
        if local:
            open_keys.setdefault(pair, set()).add(local)
    nhs_numbers = dict(Patient.objects.filter(provider=provider).values_list("nhs_number", "local_id"))
    summary = checks.Held(
        patients={local: record["date_of_birth"] for local, record in patients.items()},
        nhs_numbers=nhs_numbers,
        staff={local: record["profession_id"] for local, record in staff.items()},
        referrals={local: record["referral_date"] for local, record in cases.items()},
        open_referrals=open_count,
        open_keys={pair: frozenset(keys) for pair, keys in open_keys.items()},
    )
    records = {
        PATIENTS.name: patients,
        STAFF.name: staff,
        REFERRALS.name: cases,
        CONTACTS.name: _keyed(Contact, "source_provider", provider, CONTACT_FIELDS),
        CURRENT_VIEWS.name: _keyed(CurrentView, "source_provider", provider, VIEW_FIELDS),
    }
    return summary, records


def load(
    provider: Provider,
    files: Mapping[str, ExtractFile],
    *,
    full: bool = False,
    dry_run: bool = False,
    by: User | None = None,
    stage: Callable[[str], None] = lambda words: None,
) -> Outcome:
    """Check every row and merge what passes into the provider's records in one transaction (nothing when
    `dry_run`); the counts per file and every rejected row with its reason. On PostgreSQL the extract is staged
    and checked set-based (sql_merge.py); elsewhere (the embedded SQLite of `make run`: small extracts) each row
    is checked in Python here."""
    load_with = sql_merge.load if connection.vendor == "postgresql" else load_in_python
    return load_with(provider, files, full=full, dry_run=dry_run, by=by, stage=stage)


def load_in_python(
    provider: Provider,
    files: Mapping[str, ExtractFile],
    *,
    full: bool = False,
    dry_run: bool = False,
    by: User | None = None,
    stage: Callable[[str], None] = lambda words: None,
) -> Outcome:
    """load, each row checked in Python (checks.py) and the records it holds read into memory."""
    # Said before the transaction: a stage written inside it would not be seen until it commits.
    stage("Checking the rows and writing the records")
    with transaction.atomic():
        # One merge per provider at a time: a second extract waits for the first to commit.
        Provider.objects.select_for_update().get(pk=provider.pk)
        summary, records = held(provider)
        checked = checks.check(files, reference(provider), summary, _at_in(service_zone()))
        outcome = Outcome(held=checked.rejected)
        for name in files:
            outcome.counts[name] = Counts(
                read=checked.read.get(name, 0), rejected=checked.rejected_count(name)
            )
        merger = _Merger(provider, checked, records, outcome, by, full=full, files=files)
        merger.merge()
        if dry_run:
            transaction.set_rollback(True)
        else:
            record(Action.IMPORT_RECORDS, by=by, target=provider)
    return outcome


class _Merger:
    def __init__(self, provider, checked, records, outcome, by, *, full: bool, files) -> None:
        self.provider, self.checked, self.records, self.outcome, self.by = (
            provider,
            checked,
            records,
            outcome,
            by,
        )
        self.full, self.files = full, files
        self.now = timezone.now()
        self.changes: list[tuple[str, object, int | None, int | None, Iterable[str]]] = []

    def merge(self) -> None:
        self._patients()
        self._staff()
        self._cases()
        self._contacts()
        self._views()
        if self.changes:
            record_changes(Action.UPDATE_FROM_EXTRACT, by=self.by, changes=self.changes)

    def _plan(self, name: str, new_values: Mapping[str, dict[str, Any]], fields: tuple[str, ...]):
        """(new local ids, {local id: changed field names}) of a file, counted; flags cleared and set."""
        held = self.records[name]
        counts = self.outcome.counts[name]
        created, changed = [], {}
        for local, values in new_values.items():
            record_ = held.get(local)
            if record_ is None:
                created.append(local)
                continue
            names = [name_ for name_ in fields if record_[name_] != values[name_]]
            if names:
                changed[local] = names
        counts.loaded, counts.updated = len(created), len(changed)
        counts.unchanged = len(new_values) - len(created) - len(changed)
        return created, changed

    def _flags(self, model: type[Model], name: str, provider_field: str, present: Iterable[str]) -> None:
        held = self.records[name]
        present = set(present)
        back = [
            record_["pk"]
            for local, record_ in held.items()
            if local in present and record_.get("not_in_latest_extract")
        ]
        manager = model._default_manager  # type: ignore[attr-defined]
        if back:
            manager.filter(pk__in=back).update(not_in_latest_extract=None)
        if self.full and name in self.files:
            gone = [
                record_["pk"]
                for local, record_ in held.items()
                if local not in present and not record_.get("not_in_latest_extract")
            ]
            if gone:
                manager.filter(pk__in=gone).update(not_in_latest_extract=self.now)
            self.outcome.counts[name].flagged = len(gone)

    def _update(
        self,
        model: type[Model],
        name: str,
        values: Mapping[str, dict[str, Any]],
        changed,
        extra=lambda local, obj, names: None,
        case_of=lambda obj: (None, None),
    ):
        if not changed:
            return []
        held = self.records[name]
        objects = []
        fields: set[str] = set()
        for local, names in changed.items():
            obj = model(pk=held[local]["pk"])
            for name_ in names:
                setattr(obj, name_, values[local][name_])
            extra(local, obj, names)
            fields.update(names)
            objects.append(obj)
        extra_fields = {f for obj in objects for f in getattr(obj, "_import_extra", ())}
        model._default_manager.bulk_update(objects, sorted(fields | extra_fields), batch_size=2000)  # type: ignore[attr-defined]
        label = model._meta.label_lower
        for local, obj in zip(changed, objects, strict=True):
            case_id, patient_id = case_of(held[local])
            self.changes.append(
                (label, obj.pk, case_id, patient_id, [n.removesuffix("_id") for n in changed[local]])
            )
        return objects

    def _patients(self) -> None:
        values = self.checked.valid.get(PATIENTS.name, {})
        if PATIENTS.name not in self.files:
            return
        created, changed = self._plan(PATIENTS.name, values, PATIENT_FIELDS)
        fields = ("local_id", *PATIENT_FIELDS)
        insert_rows(
            Patient,
            ("provider_id", "registered_at", *fields),
            ([self.provider.pk, self.now, *(values[local][f] for f in fields)] for local in created),
            BATCH,
        )
        self._update(Patient, PATIENTS.name, values, changed, case_of=lambda held: (None, held["pk"]))
        self._flags(Patient, PATIENTS.name, "provider", values)
        self.patient_ids = dict(
            Patient.objects.filter(provider=self.provider, local_id__in=list(values)).values_list(
                "local_id", "pk"
            )
        )

    def _patient_id(self, local: str) -> int:
        found = getattr(self, "patient_ids", {}).get(local)
        return found if found is not None else self.records[PATIENTS.name][local]["pk"]

    def _staff(self) -> None:
        if STAFF.name not in self.files:
            return
        values = self.checked.valid.get(STAFF.name, {})
        self.staff, changes = load_staff(
            self.provider, values, self.records[STAFF.name], self.outcome.counts[STAFF.name]
        )
        self.changes.extend(changes)

    def _staff_of(self, local: str) -> tuple[int, int]:
        found = getattr(self, "staff", {}).get(local)
        if found is not None:
            return found
        record_ = self.records[STAFF.name][local]
        return record_["pk"], record_["profession_id"]

    def _cases(self) -> None:
        if REFERRALS.name not in self.files:
            return
        values = {
            local: {**row, "patient_id": self._patient_id(row["patient"])}
            for local, row in self.checked.valid.get(REFERRALS.name, {}).items()
        }
        created, changed = self._plan(REFERRALS.name, values, CASE_FIELDS)
        held = self.records[REFERRALS.name]
        # A referral closed by this extract ends what a discharge ends (the open allocation).
        newly_closed = [
            local
            for local, names in changed.items()
            if "closed_date" in names and held[local]["closed_date"] is None
        ]

        def bump(local: str, obj: Case, names: list[str]) -> None:
            obj.version = F("version") + 1  # type: ignore[assignment]
            obj.updated_at = self.now
            obj._import_extra = ("version", "updated_at")  # type: ignore[attr-defined]

        insert_rows(
            Case,
            ("source_provider_id", "local_id", "version", "created_at", "updated_at", *CASE_FIELDS),
            (
                [self.provider.pk, local, 1, self.now, self.now, *(values[local][f] for f in CASE_FIELDS)]
                for local in created
            ),
            BATCH,
        )
        self._update(
            Case, REFERRALS.name, values, changed, extra=bump, case_of=lambda h: (h["pk"], h["patient_id"])
        )
        self._flags(Case, REFERRALS.name, "source_provider", values)
        # The referrals an extract closes end as a discharge does (their open allocation ends): read in one query.
        for case in Case.objects.filter(pk__in=[held[local]["pk"] for local in newly_closed]).order_by("pk"):
            assert case.closed_date is not None
            for step in discharge.discharge_steps():
                step(case, case.closed_date)
        self.case_ids = {
            local: (pk, patient_id, referral_date)
            for local, pk, patient_id, referral_date in Case.objects.filter(
                source_provider=self.provider, local_id__in=list(values)
            ).values_list("local_id", "pk", "patient_id", "referral_date")
        }

    def _case_of(self, local: str) -> tuple[int, int]:
        found = getattr(self, "case_ids", {}).get(local)
        if found is not None:
            return found[0], found[1]
        record_ = self.records[REFERRALS.name][local]
        return record_["pk"], record_["patient_id"]

    def _contacts(self) -> None:
        if CONTACTS.name not in self.files:
            return
        values = {}
        for local, row in self.checked.valid.get(CONTACTS.name, {}).items():
            clinician_id, profession_id = self._staff_of(row["staff"])
            case_id, _ = self._case_of(row["referral"])
            values[local] = {
                **{f: row[f] for f in ("starts_at", "duration_minutes", "attendance", "mode")},
                "case_id": case_id,
                "clinician_id": clinician_id,
                "profession_id": profession_id,
            }
        created, changed = self._plan(CONTACTS.name, values, CONTACT_FIELDS)

        def profession(local: str, obj: Contact, names: list[str]) -> None:
            if "clinician_id" in names:  # the profession at the time of the contact: the new clinician's
                obj.profession_id = values[local]["profession_id"]
                obj._import_extra = ("profession_id",)  # type: ignore[attr-defined]

        fields = (*CONTACT_FIELDS, "profession_id")
        insert_rows(
            Contact,
            ("source_provider_id", "local_id", "recorded_at", *fields),
            ([self.provider.pk, local, self.now, *(values[local][f] for f in fields)] for local in created),
            BATCH,
        )
        case_patient = {}
        if changed:
            case_patient = dict(
                Case.objects.filter(
                    pk__in={self.records[CONTACTS.name][local]["case_id"] for local in changed}
                ).values_list("pk", "patient_id")
            )
        self._update(
            Contact,
            CONTACTS.name,
            values,
            changed,
            extra=profession,
            case_of=lambda h: (h["case_id"], case_patient.get(h["case_id"])),
        )
        self._flags(Contact, CONTACTS.name, "source_provider", values)

    def _views(self) -> None:
        if CURRENT_VIEWS.name not in self.files:
            return
        values = {}
        for local, row in self.checked.valid.get(CURRENT_VIEWS.name, {}).items():
            practitioner_id, _ = self._staff_of(row["staff"])
            case_id, _ = self._case_of(row["referral"])
            values[local] = {
                **{item: row[item] for item in ALL_ITEMS},
                "completed_on": row["completed_on"],
                "case_id": case_id,
                "practitioner_id": practitioner_id,
            }
        created, changed = self._plan(CURRENT_VIEWS.name, values, VIEW_FIELDS)
        insert_rows(
            CurrentView,
            ("source_provider_id", "local_id", "reason", "recorded_at", "recorded_by_id", *VIEW_FIELDS),
            (
                [
                    self.provider.pk,
                    local,
                    "",
                    self.now,
                    values[local]["practitioner_id"],
                    *(values[local][f] for f in VIEW_FIELDS),
                ]
                for local in created
            ),
            BATCH,
        )
        self._update(CurrentView, CURRENT_VIEWS.name, values, changed, case_of=lambda h: (h["case_id"], None))
        self._flags(CurrentView, CURRENT_VIEWS.name, "source_provider", values)
        rated = [local for local in created] + [
            local for local, names in changed.items() if set(names) & set(ALL_ITEMS)
        ]
        if rated:
            ids = list(
                CurrentView.objects.filter(source_provider=self.provider, local_id__in=rated).values_list(
                    "pk", flat=True
                )
            )
            suggest_views(ids, current_rules_version())


__all__ = ["FILES", "Counts", "Outcome", "held", "load", "load_in_python", "reference"]
