"""An extract merged set-based on PostgreSQL, from the valid rows of the typed tables imports/sql_checks.py
leaves: per file, one UPDATE ... FROM of the records whose fields are distinct from the extract's (each with
one audit event naming the changed fields, written by the same statement), one INSERT ... SELECT of the new
keys, and the full mode's flags as two UPDATEs. The counts per file come from the statements' row counts.
Staff are a provider's workforce, not an extract's size: merge.load_staff writes them with the ORM."""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import Action, change_actor, record
from accounts.models import Provider, User
from assessments import discharge
from assessments.current_view_items import ALL_ITEMS
from assessments.models import Case
from camhs_pbr.lib.service_time import service_zone
from groupings.bulk import suggest_views
from groupings.selectors import current_rules_version
from imports import sql_checks, staging
from imports.fields import CASE_FIELDS, PATIENT_FIELDS
from imports.files import CONTACTS, CURRENT_VIEWS, PATIENTS, REFERRALS, STAFF, ExtractFile, FileSpec
from imports.outcome import Counts, Outcome
from imports.practitioners import STAFF_FIELDS, load_staff
from imports.reference import at_in, reference
from imports.sql_checks import still_valid, valid_table

SUGGEST_CHUNK = 50_000


def load(
    provider: Provider,
    files: Mapping[str, ExtractFile],
    *,
    full: bool = False,
    dry_run: bool = False,
    by: User | None = None,
    stage: Callable[[str], None] = lambda words: None,
) -> Outcome:
    """merge.load on PostgreSQL: the files COPYed into staging tables, checked set-based and merged, in one
    transaction after a lock on the provider; a dry run rolls the merge back and keeps the counts and the
    rejections (in `import_rejected`, for the run's rows)."""
    # Said before the transaction: a stage written inside it would not be seen until it commits.
    stage("Checking the rows and writing the records")
    outcome = Outcome()
    with transaction.atomic():
        # One merge per provider at a time: a second extract waits for the first to commit.
        Provider.objects.select_for_update().get(pk=provider.pk)
        read = sql_checks.check(files, reference(provider), provider.pk, at_in(service_zone()))
        for name in files:
            outcome.counts[name] = Counts(read=read.get(name, 0), rejected=sql_checks.rejected_count(name))
        with transaction.atomic():
            merge(provider, list(files), outcome.counts, full=full, by=by, now=timezone.now())
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            record(Action.IMPORT_RECORDS, by=by, target=provider)
    return outcome


@dataclass(frozen=True)
class _Target:
    """Where a file's rows go: the table, its provider column, the extract's values over the valid row `v` and
    its joins (column -> SQL), the columns a new row also gets, and how an event names the case and patient."""

    table: str
    object_type: str
    provider_column: str
    values: Mapping[str, str]
    joins: str = ""
    new_only: Mapping[str, str] | None = None
    audit_case: str = "NULL"
    audit_patient: str = "NULL"


def _targets(provider_id: int) -> dict[FileSpec, _Target]:
    p = int(provider_id)
    return {
        PATIENTS: _Target(
            "assessments_patient",
            "assessments.patient",
            "provider_id",
            {f: f"v.{f}" for f in PATIENT_FIELDS},
            new_only={"registered_at": "%(now)s"},
            audit_patient="updated.id",
        ),
        REFERRALS: _Target(
            "assessments_case",
            "assessments.case",
            "source_provider_id",
            {
                "patient_id": "patient.id",
                **{f: f"v.{f}" for f in CASE_FIELDS if f != "patient_id"},
            },
            joins=f"JOIN assessments_patient AS patient ON patient.provider_id = {p} "
            "AND patient.local_id = v.patient AND patient.local_id <> ''",
            new_only={"version": "1", "created_at": "%(now)s", "updated_at": "%(now)s"},
            audit_case="updated.id",
            audit_patient="updated.held_patient_id",
        ),
        CONTACTS: _Target(
            "assessments_contact",
            "assessments.contact",
            "source_provider_id",
            {
                "case_id": "referral.id",
                "starts_at": "v.starts_at",
                "duration_minutes": "v.duration_minutes",
                "attendance": "v.attendance",
                "mode": "v.mode",
                "clinician_id": "clinician.id",
            },
            joins=_case_and_staff(p, "clinician"),
            new_only={"recorded_at": "%(now)s", "profession_id": "clinician.profession_id"},
            audit_case="updated.held_case_id",
            audit_patient="(SELECT c.patient_id FROM assessments_case AS c WHERE c.id = updated.held_case_id)",
        ),
        CURRENT_VIEWS: _Target(
            "assessments_currentview",
            "assessments.currentview",
            "source_provider_id",
            {
                "case_id": "referral.id",
                "completed_on": "v.completed_on",
                "practitioner_id": "clinician.id",
                **{item: f"v.{item}" for item in ALL_ITEMS},
            },
            joins=_case_and_staff(p, "clinician"),
            new_only={"reason": "''", "recorded_at": "%(now)s", "recorded_by_id": "clinician.id"},
            audit_case="updated.held_case_id",
        ),
    }


def _case_and_staff(provider_id: int, staff: str) -> str:
    return (
        f"JOIN assessments_case AS referral ON referral.source_provider_id = {provider_id} "
        "AND referral.local_id = v.referral AND referral.local_id <> '' "
        f"JOIN accounts_user AS {staff} ON {staff}.provider_id = {provider_id} "
        f"AND {staff}.local_id = v.staff AND {staff}.local_id <> ''"
    )


def merge(
    provider: Provider,
    present: Sequence[str],
    counts: Mapping[str, Counts],
    *,
    full: bool,
    by: User | None,
    now: dt.datetime,
) -> None:
    """Write the valid rows of the files `present` into the provider's records; fill in `counts`."""
    params = {"provider": provider.pk, "now": now, "action": Action.UPDATE_FROM_EXTRACT, **change_actor(by)}
    targets = _targets(provider.pk)
    for spec in (PATIENTS, STAFF, REFERRALS, CONTACTS, CURRENT_VIEWS):
        if spec.name not in present:
            continue
        if spec is STAFF:
            _staff(provider, counts[spec.name], by)
            with connection.cursor() as cursor:
                _grown(cursor, "accounts_user", counts[spec.name].loaded)
            continue
        target = targets[spec]
        with connection.cursor() as cursor:
            if spec is CURRENT_VIEWS:
                cursor.execute("DROP TABLE IF EXISTS import_rated")
                cursor.execute(f"CREATE TEMP TABLE import_rated (id bigint) {staging.ON_COMMIT}")
            closing = _update(cursor, spec, target, params, counts[spec.name])
            _insert(cursor, spec, target, params, counts[spec.name])
            _flags(cursor, spec, target, params, counts[spec.name], full=full)
            if spec in (PATIENTS, REFERRALS):
                _grown(cursor, target.table, counts[spec.name].loaded)
        if spec is REFERRALS:
            # The referrals an extract closes end as a discharge does (their open allocation ends).
            for case in Case.objects.filter(pk__in=closing).order_by("pk"):
                assert case.closed_date is not None
                for step in discharge.discharge_steps():
                    step(case, case.closed_date)
        if spec is CURRENT_VIEWS:
            _suggest()


def _grown(cursor, table: str, loaded: int) -> None:
    """What the next files join to may have just grown from nothing (a first extract): when it at least doubled,
    the planner is told (ANALYZE, whose lock waits for another provider's first load; a nightly delta skips it)."""
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
    if loaded and loaded >= max(cursor.fetchone()[0], 0):
        cursor.execute(f"ANALYZE {table}")


def _source(spec: FileSpec, target: _Target) -> str:
    values = ", ".join(f"{value} AS {column}" for column, value in target.values.items())
    extra = ", ".join(f"{value} AS {column}" for column, value in (target.new_only or {}).items())
    return (
        f"SELECT v.line, v.local_id, {values}{', ' + extra if extra else ''} "
        f"FROM {valid_table(spec)} AS v {target.joins} WHERE {still_valid(spec, 'v')}"
    )


def _update(cursor, spec: FileSpec, target: _Target, params: dict, counts: Counts) -> list[int]:
    """Update the held records whose fields the extract changes, each with its audit event (the names of the
    changed fields, in name order); the ids of the referrals it closes."""
    changed = ", ".join(
        f"CASE WHEN held.{column} IS DISTINCT FROM source.{column} THEN '{column.removesuffix('_id')}' END"
        for column in target.values
    )
    sets = ", ".join(f"{column} = plan.{column}" for column in target.values)
    held = {
        REFERRALS: "held.patient_id AS held_patient_id, "
        "held.closed_date IS NULL AND source.closed_date IS NOT NULL AS closing",
        CONTACTS: "held.case_id AS held_case_id",
        CURRENT_VIEWS: "held.case_id AS held_case_id",
    }.get(spec, "NULL AS unused")
    returned = {
        REFERRALS: "plan.held_patient_id, plan.closing",
        CONTACTS: "plan.held_case_id",
        CURRENT_VIEWS: "plan.held_case_id",
    }.get(spec, "NULL AS unused")
    extra = ""
    if spec is REFERRALS:
        sets += ", version = t.version + 1, updated_at = %(now)s"
    if spec is CONTACTS:  # the profession at the time of the contact: the new clinician's
        sets += (
            ", profession_id = CASE WHEN 'clinician' = ANY(plan.changed) THEN plan.profession_id "
            "ELSE t.profession_id END"
        )
    if spec is CURRENT_VIEWS:  # a view whose ratings changed gets its suggestion again
        items = ", ".join(f"'{item}'" for item in ALL_ITEMS)
        returned += f", plan.changed && ARRAY[{items}] AS rated"
        extra = ", rated AS (INSERT INTO import_rated SELECT id FROM updated WHERE rated)"
    closing = "ARRAY(SELECT id FROM updated WHERE closing)" if spec is REFERRALS else "NULL::bigint[]"
    cursor.execute(
        f"""
        WITH source AS ({_source(spec, target)}),
        plan AS (
            SELECT held.id, source.*, {held}, array_remove(ARRAY[{changed}], NULL) AS changed
            FROM source JOIN {target.table} AS held ON held.{target.provider_column} = %(provider)s
                 AND held.local_id = source.local_id AND held.local_id <> ''
        ),
        updated AS (
            UPDATE {target.table} AS t SET {sets} FROM plan
            WHERE t.id = plan.id AND plan.changed <> '{{}}'
            RETURNING t.id, plan.line, plan.changed, {returned}
        ),
        events AS (
            INSERT INTO accounts_auditevent (user_id, username, role, action, object_type, object_id, case_id,
                                             patient_id, outcome, changed_fields, request_id)
            SELECT %(user_id)s, %(username)s, %(role)s, %(action)s, '{target.object_type}', updated.id::text,
                   {target.audit_case}, {target.audit_patient}, %(outcome)s,
                   to_jsonb(ARRAY(SELECT name FROM unnest(updated.changed) AS name ORDER BY name COLLATE "C")),
                   %(request_id)s
            FROM updated ORDER BY updated.line
            RETURNING 1
        ){extra}
        SELECT (SELECT count(*) FROM events), {closing}
        """,
        params,
    )
    counts.updated, closing_ids = cursor.fetchone()
    return list(closing_ids or [])


def _insert(cursor, spec: FileSpec, target: _Target, params: dict, counts: Counts) -> None:
    columns = [*target.values, *(target.new_only or {})]
    insert = (
        f"INSERT INTO {target.table} ({target.provider_column}, local_id, {', '.join(columns)}) "
        f"SELECT %(provider)s, source.local_id, {', '.join(f'source.{c}' for c in columns)} "
        f"FROM ({_source(spec, target)}) AS source "
        f"WHERE NOT EXISTS (SELECT 1 FROM {target.table} AS held WHERE held.{target.provider_column} = %(provider)s "
        "AND held.local_id = source.local_id AND held.local_id <> '') "
        # Contacts in the order of their case: the case's indexes grow at one end and the foreign keys checked
        # at commit read the cases in order (8% less time at a tenth of national scale, more as the tables outgrow
        # the buffers); the rest in the order of their lines.
        + ("ORDER BY source.case_id, source.starts_at" if spec is CONTACTS else "ORDER BY source.line")
    )
    if spec is CURRENT_VIEWS:
        cursor.execute(
            f"WITH inserted AS ({insert} RETURNING id) INSERT INTO import_rated SELECT id FROM inserted",
            params,
        )
    else:
        cursor.execute(insert, params)
    counts.loaded = cursor.rowcount
    counts.unchanged = counts.read - counts.rejected - counts.loaded - counts.updated


def _flags(cursor, spec: FileSpec, target: _Target, params: dict, counts: Counts, *, full: bool) -> None:
    """A record back in the extract loses its flag; in full mode a record the file no longer holds gets one."""
    present = (
        f"SELECT 1 FROM {valid_table(spec)} AS v WHERE v.local_id = t.local_id AND {still_valid(spec, 'v')}"
    )
    cursor.execute(
        f"UPDATE {target.table} AS t SET not_in_latest_extract = NULL WHERE t.{target.provider_column} = "
        f"%(provider)s AND t.local_id <> '' AND t.not_in_latest_extract IS NOT NULL AND EXISTS ({present})",
        params,
    )
    if full:
        cursor.execute(
            f"UPDATE {target.table} AS t SET not_in_latest_extract = %(now)s WHERE t.{target.provider_column} = "
            f"%(provider)s AND t.local_id <> '' AND t.not_in_latest_extract IS NULL AND NOT EXISTS ({present})",
            params,
        )
        counts.flagged = cursor.rowcount


def _staff(provider: Provider, counts: Counts, by: User | None) -> None:
    from accounts.audit import record_changes

    fields = ", ".join(["local_id", *STAFF_FIELDS, "team_id"])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {fields} FROM {valid_table(STAFF)} AS v WHERE {still_valid(STAFF, 'v')} ORDER BY v.line"
        )
        names = [column[0] for column in cursor.description]
        values: dict[str, dict[str, Any]] = {row[0]: dict(zip(names, row, strict=True)) for row in cursor}
    held = {
        record["local_id"]: record
        for record in User.objects.filter(provider=provider)
        .exclude(local_id="")
        .values("pk", "local_id", *STAFF_FIELDS)
    }
    _, changes = load_staff(provider, values, held, counts)
    counts.unchanged = counts.read - counts.rejected - counts.loaded - counts.updated
    if changes:
        record_changes(Action.UPDATE_FROM_EXTRACT, by=by, changes=changes)


def _suggest() -> None:
    """Each new Current View, and each whose ratings changed, gets the current rules version's suggestion."""
    version = current_rules_version()
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT id FROM import_rated WHERE id > %s ORDER BY id LIMIT %s", [last, SUGGEST_CHUNK]
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return
            suggest_views(ids, version)
            last = ids[-1]
