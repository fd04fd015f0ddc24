"""The rules of imports/rows.py and imports/checks.py, set-based over the staging tables on PostgreSQL.

The rules of one row: SQL casts every row that plainly keeps them (a test at least as strict as rows.py, over
the common shapes of each cell) into the file's typed table, `import_valid_<file>`, in one statement; the few
rows it does not pass (a fault, or an unusual shape such as an NHS number typed with spaces) are judged by
rows.py itself, streamed, so a rejected row's column and reason are the embedded path's words by construction,
and a row rows.py passes joins the typed table with rows.py's values. The rules across files (a duplicate key,
an NHS number twice or held by another patient, the patient, referral and member of staff a row names, age at
referral, a second open referral to a team, a contact or Current View before its referral) are SQL, with
checks.py's reasons and its order: the first fault of a row is its reason, and a row naming a rejected row is
rejected "with that reason". Rejections go to `import_rejected` (file, line, column, reason); a typed row is
valid while no rejection names its line. tests/imports/test_parity.py holds both paths to the same answers.
"""

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from assessments import limits, validation
from assessments.current_view_items import ALL_ITEMS, ITEMS_BY_ID
from imports import codes, rows, staging
from imports.files import CONTACTS, CURRENT_VIEWS, FILES, PATIENTS, REFERRALS, STAFF, ExtractFile, FileSpec

REJECTED = "import_rejected"
NULL = "\\N"


def valid_table(spec: FileSpec) -> str:
    return f"import_valid_{spec.name.removesuffix('.csv')}"


def _failed_table(spec: FileSpec) -> str:
    return f"import_failed_{spec.name.removesuffix('.csv')}"


def _ref_table(spec: FileSpec) -> str:
    return f"import_ref_{spec.name.removesuffix('.csv')}"


def still_valid(spec: FileSpec, alias: str) -> str:
    """SQL: the typed row `alias` of `spec`'s file has not been rejected."""
    return (
        f"NOT EXISTS (SELECT 1 FROM {REJECTED} AS rejected "
        f"WHERE rejected.file = '{spec.name}' AND rejected.line = {alias}.line)"
    )


def py_repr(text: str) -> str:
    """SQL: Python's repr() of the text expression (exact for printable ASCII, which is what keys hold)."""
    return (
        f"(CASE WHEN strpos({text}, '''') > 0 AND strpos({text}, '\"') = 0 "
        f"THEN '\"' || replace({text}, '\\', '\\\\') || '\"' "
        f"ELSE '''' || replace(replace({text}, '\\', '\\\\'), '''', '\\''') || '''' END)"
    )


def _dmy(expression: str) -> str:
    return f"to_char({expression}, 'DD/MM/YYYY')"


# --- the rules of one row, as tests over the staging row `s` -------------------------------------------------


def _key(cell: str) -> str:
    # No counted repetition in these patterns: PostgreSQL's regular expressions are several times slower with one.
    return f"({cell} ~ '^[A-Za-z0-9][A-Za-z0-9_./-]*$' AND octet_length({cell}) <= {rows.KEY_LENGTH})"


def _name(cell: str) -> str:
    return f"({cell} ~ '^[A-Za-z]([A-Za-z .''-]*[A-Za-z.])?$' AND octet_length({cell}) <= {rows.NAME_LENGTH})"


CALENDAR, CLOCK = "import_calendar", "import_clock"


def _calendar(cursor, today: dt.date) -> None:
    """Every date a cell may hold, as written (YYYY-MM-DD), with its start in the service's time zone and
    whether the clocks change that day; and every time of day (HH:MM). A date or time cell is read by a join
    to these, several times faster than a pattern and a cast per row; a cell that finds no row is judged by
    rows.py (a fault, or a form such as HH:MM:SS)."""
    latest = max(
        limit.latest(today) for limit in (limits.DATE_OF_BIRTH, limits.RECORD_DATE, limits.CONTACT_DATE)
    )
    earliest = min(
        limit.earliest for limit in (limits.DATE_OF_BIRTH, limits.RECORD_DATE, limits.CONTACT_DATE)
    )
    cursor.execute(f"DROP TABLE IF EXISTS {CALENDAR}, {CLOCK}")
    cursor.execute(
        f"""
        CREATE TEMP TABLE {CALENDAR} ON COMMIT DROP AS
        SELECT to_char(day, 'YYYY-MM-DD') AS said, day::date AS day, day AT TIME ZONE %(zone)s AS midnight,
               (day + interval '1 day') AT TIME ZONE %(zone)s - day AT TIME ZONE %(zone)s = interval '1 day'
                   AS steady
        FROM generate_series(%(earliest)s::timestamp, %(latest)s::timestamp, interval '1 day') AS day
        """,
        {"zone": settings.TIME_ZONE, "earliest": earliest, "latest": latest},
    )
    cursor.execute(
        f"CREATE TEMP TABLE {CLOCK} ON COMMIT DROP AS SELECT to_char(minute, 'HH24:MI') AS said, "
        "minute - DATE '2000-01-01' AS span FROM generate_series(TIMESTAMP '2000-01-01', TIMESTAMP '2000-01-01 23:59', interval '1 minute') "
        "AS minute"
    )
    cursor.execute(f"ANALYZE {CALENDAR}")
    cursor.execute(f"ANALYZE {CLOCK}")


def _date(cell: str) -> str:
    """SQL: the cell `s.<column>` as a date when it is one written YYYY-MM-DD, else NULL (joined by _days)."""
    return f"{_day_alias(cell)}.day"


def _day_alias(cell: str) -> str:
    return "day_" + cell.removeprefix("s.")


def _days(*cells: str) -> str:
    return " ".join(
        f"LEFT JOIN {CALENDAR} AS {_day_alias(cell)} ON {_day_alias(cell)}.said = {cell}" for cell in cells
    )


def _in_range(cell: str, limit: limits.DateRange, today: dt.date) -> str:
    return f"{_date(cell)} BETWEEN DATE '{limit.earliest.isoformat()}' AND DATE '{limit.latest(today).isoformat()}'"


def _one_of(cell: str, allowed: Iterable[str]) -> str:
    return f"{cell} IN ({', '.join(_quote(value) for value in sorted(allowed))})"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _small_number(cell: str) -> str:
    """SQL: a cell of one to three ASCII digits as a number, else NULL."""
    return f"(CASE WHEN {cell} ~ '^[0-9][0-9]?[0-9]?$' THEN {cell}::int END)"


def _mapped(cell: str, table: Mapping[int, str]) -> str:
    """SQL: the product's value of a national code as codes.py reads it (a number of up to three digits, so
    "5", "05" and "005" alike), else NULL."""
    whens = " ".join(
        f"WHEN {_quote(said)} THEN {_quote(str(value))}"
        for code, value in sorted(table.items())
        for said in sorted({str(code), f"{code:02d}", f"{code:03d}"})
    )
    return f"(CASE {cell} {whens} END)"


def _nhs_number(cell: str) -> str:
    """SQL: ten digits whose last is the Modulus 11 check of the first nine (a check of 10 never is)."""
    weighted = " + ".join(f"substr({cell}, {n}, 1)::int * {11 - n}" for n in range(1, 10))
    check = f"mod(11 - mod({weighted}, 11), 11)"
    return f"(CASE WHEN {cell} ~ '^[0-9]{{10}}$' THEN {check} = substr({cell}, 10, 1)::int ELSE false END)"


def _postcode(cell: str) -> str:
    # Written as stored (outward and inward parts, one space): validation.normalised_postcode gives it back.
    return f"{cell} ~ '^[A-Z]{{1,2}}[0-9][A-Z0-9]? [0-9][A-Z]{{2}}$'"


def _rating(cell: str, item: str) -> tuple[str, str]:
    """(SQL test, SQL value) of a Current View item written as rows.RATINGS reads it, in lower case."""
    vocabulary = rows.RATINGS[ITEMS_BY_ID[item].response_scale]
    said = f'lower({cell} COLLATE "C")'
    whens = " ".join(
        f"WHEN {_quote(word)} THEN {code}" for word, code in sorted(vocabulary.items()) if code is not None
    )
    return _one_of(said, vocabulary), f"(CASE {said} {whens} END)::smallint"


@dataclass(frozen=True)
class _Typed:
    """A file's typed table: its columns (name, SQL type, SQL value over the staging row `s`), the reference
    tables joined, and the tests a row passes for those values to be rows.py's."""

    columns: Sequence[tuple[str, str, str]]
    joins: str
    tests: Sequence[str]


def _typed(spec: FileSpec, today: dt.date) -> _Typed:
    c = {name: f"s.{staging.column(name)}" for name in spec.columns}
    if spec is PATIENTS:
        return _Typed(
            [
                ("local_id", "text", c["LocalPatientId"]),
                ("nhs_number", "text", c["NHSNumber"]),
                ("date_of_birth", "date", _date(c["PersonBirthDate"])),
                ("gender", "text", c["Gender"]),
                ("ethnic_category", "text", c["EthnicCategory"]),
                ("postcode", "text", c["Postcode"]),
                ("given_name", "text", c["GivenName"]),
                ("family_name", "text", c["FamilyName"]),
            ],
            _days(c["PersonBirthDate"]),
            [
                _key(c["LocalPatientId"]),
                _nhs_number(c["NHSNumber"]),
                _in_range(c["PersonBirthDate"], limits.DATE_OF_BIRTH, today),
                _one_of(c["Gender"], codes.GENDERS),
                _one_of(c["EthnicCategory"], codes.ETHNIC_CATEGORIES),
                _postcode(c["Postcode"]),
                _name(c["GivenName"]),
                _name(c["FamilyName"]),
            ],
        )
    if spec is STAFF:
        return _Typed(
            [
                ("local_id", "text", c["CareProfLocalId"]),
                ("first_name", "text", c["GivenName"]),
                ("last_name", "text", c["FamilyName"]),
                ("profession_id", "bigint", "profession.id"),
                ("team_id", "bigint", "team.id"),
            ],
            f"LEFT JOIN accounts_profession AS profession ON profession.code = {c['ProfessionCode']} "
            f"LEFT JOIN accounts_team AS team ON team.provider_id = %(provider)s AND team.code = {c['TeamCode']}",
            [
                _key(c["CareProfLocalId"]),
                _name(c["GivenName"]),
                _name(c["FamilyName"]),
                "profession.id IS NOT NULL",
                "team.id IS NOT NULL",
            ],
        )
    if spec is REFERRALS:
        referred = _date(c["ReferralRequestReceivedDate"])
        later = []
        for column in ("AcceptedDate", "ServDischDate"):
            later.append(
                f"({c[column]} = '' OR ({_in_range(c[column], limits.RECORD_DATE, today)} "
                f"AND {_date(c[column])} >= {referred}))"
            )
        return _Typed(
            [
                ("local_id", "text", c["ServiceRequestId"]),
                ("patient", "text", c["LocalPatientId"]),
                ("team_id", "bigint", "team.id"),
                ("commissioner_id", "bigint", "commissioner.id"),
                ("referral_date", "date", _date(c["ReferralRequestReceivedDate"])),
                ("referral_source", "text", c["SourceOfReferral"]),
                ("accepted_date", "date", _date(c["AcceptedDate"])),
                ("closed_date", "date", _date(c["ServDischDate"])),
                ("discharge_reason", "text", c["DischargeReason"]),
            ],
            f"LEFT JOIN accounts_team AS team ON team.provider_id = %(provider)s AND team.code = {c['TeamCode']} "
            f"LEFT JOIN accounts_commissioner AS commissioner ON commissioner.code = {c['OrgIDComm']} "
            + _days(c["ReferralRequestReceivedDate"], c["AcceptedDate"], c["ServDischDate"]),
            [
                _in_range(c["ReferralRequestReceivedDate"], limits.RECORD_DATE, today),
                *later,
                f"(({c['ServDischDate']} = '' AND {c['DischargeReason']} = '') OR ({c['ServDischDate']} <> '' "
                f"AND {_one_of(c['DischargeReason'], codes.DISCHARGE_REASONS)}))",
                _key(c["ServiceRequestId"]),
                _key(c["LocalPatientId"]),
                "team.id IS NOT NULL",
                "commissioner.id IS NOT NULL",
                _one_of(c["SourceOfReferral"], codes.REFERRAL_SOURCES),
            ],
        )
    if spec is CONTACTS:
        day = _day_alias(c["CareContDate"])
        local = f"({day}.day + clock.span)"
        moment = f"({local} AT TIME ZONE %(zone)s)"
        # An hour that happens twice (the clocks going back): rows.py's datetime takes the first (fold 0).
        earlier = f"({moment} - interval '1 hour')"
        starts_at = (
            f"(CASE WHEN {day}.steady THEN {day}.midnight + clock.span "
            f"WHEN ({earlier} AT TIME ZONE %(zone)s) = {local} THEN {earlier} ELSE {moment} END)"
        )
        attendance = _mapped(c["AttendOrDNACode"], codes.ATTENDANCE)
        return _Typed(
            [
                ("local_id", "text", c["CareContactId"]),
                ("referral", "text", c["ServiceRequestId"]),
                ("staff", "text", c["CareProfLocalId"]),
                ("starts_at", "timestamptz", starts_at),
                ("day", "date", f"{day}.day"),
                ("duration_minutes", "int", f"{c['ClinContDurOfCareCont']}::int"),
                ("attendance", "text", attendance),
                ("mode", "text", _mapped(c["ConsMechanismMH"], codes.CONTACT_MECHANISM)),
            ],
            _days(c["CareContDate"]) + f" LEFT JOIN {CLOCK} AS clock ON clock.said = {c['CareContTime']}",
            [
                _in_range(c["CareContDate"], limits.CONTACT_DATE, today),
                "clock.span IS NOT NULL",
                f"{_small_number(c['ClinContDurOfCareCont'])} BETWEEN {limits.CONTACT_MINUTES.low} "
                f"AND {limits.CONTACT_MINUTES.high}",
                f"{attendance} IS NOT NULL",
                f"{_mapped(c['ConsMechanismMH'], codes.CONTACT_MECHANISM)} IS NOT NULL",
                f"NOT ({attendance} = 'attended' AND {_date(c['CareContDate'])} > DATE '{today.isoformat()}')",
                _key(c["CareContactId"]),
                _key(c["ServiceRequestId"]),
                _key(c["CareProfLocalId"]),
            ],
        )
    assert spec is CURRENT_VIEWS
    items = [(item, *_rating(c[item], item)) for item in ALL_ITEMS]
    return _Typed(
        [
            ("local_id", "text", c["AssessmentId"]),
            ("referral", "text", c["ServiceRequestId"]),
            ("staff", "text", c["CareProfLocalId"]),
            ("completed_on", "date", _date(c["CompletedDate"])),
            *((item, "smallint", value) for item, _, value in items),
        ],
        _days(c["CompletedDate"]),
        [
            _in_range(c["CompletedDate"], limits.RECORD_DATE, today),
            *(test for _, test, _ in items),
            _key(c["AssessmentId"]),
            _key(c["ServiceRequestId"]),
            _key(c["CareProfLocalId"]),
        ],
    )


# --- a load's checks ----------------------------------------------------------------------------------------


Parser = Callable[[Mapping[str, str]], dict[str, Any]]


def check(
    files: Mapping[str, ExtractFile],
    ref: rows.Reference,
    provider_id: int,
    at: Callable[[dt.date, dt.time], dt.datetime],
) -> dict[str, int]:
    """Stage the files and check every row (the rejections in `import_rejected`); the rows read per file."""
    params = {"provider": provider_id, "zone": settings.TIME_ZONE}
    parsers: dict[FileSpec, Parser] = {
        PATIENTS: lambda cells: rows.patient(cells, ref),
        STAFF: lambda cells: rows.staff(cells, ref),
        REFERRALS: lambda cells: rows.referral(cells, ref),
        CONTACTS: lambda cells: rows.contact(cells, ref, at),
        CURRENT_VIEWS: lambda cells: rows.current_view(cells, ref),
    }
    read: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {REJECTED}")
        cursor.execute(f"CREATE TEMP TABLE {REJECTED} (file text, line bigint, col text, reason text)")
        cursor.execute(f"CREATE INDEX ON {REJECTED} (file, line)")
        _calendar(cursor, ref.today)
        for spec in FILES:
            cursor.execute(
                f"DROP TABLE IF EXISTS {valid_table(spec)}, {_failed_table(spec)}, {_ref_table(spec)}"
            )
            typed = _typed(spec, ref.today)
            columns = ", ".join(f"{name} {kind}" for name, kind, _ in typed.columns)
            cursor.execute(
                f"CREATE TEMP TABLE {valid_table(spec)} (line bigint, {columns}) {staging.ON_COMMIT}"
            )
            cursor.execute(
                f"CREATE TEMP TABLE {_failed_table(spec)} (line bigint, local_id text) {staging.ON_COMMIT}"
            )
            extract = files.get(spec.name)
            if extract is None:
                continue
            staged = staging.stage(extract)
            cursor.execute(f"SELECT count(*) FROM {staged}")
            read[spec.name] = cursor.fetchone()[0]
            _row_rules(cursor, spec, typed, staged, parsers[spec], params)
            # Temporary tables are never analysed by autovacuum; the checks and the merge join on keys and dates,
            # never on a Current View's ratings.
            joined = ", ".join(["line", *(name for name, _, _ in typed.columns if name not in ITEMS_BY_ID)])
            cursor.execute(f"ANALYZE {valid_table(spec)} ({joined})")
            _duplicates(cursor, spec)
        # The planner's view of the rejections as they grow: a few rows or a hundred thousand.
        cursor.execute(f"ANALYZE {REJECTED}")
        _nhs_numbers(cursor, provider_id)
        cursor.execute(f"ANALYZE {REJECTED}")
        _referrals(cursor, files, provider_id)
        for spec in (CONTACTS, CURRENT_VIEWS):
            if spec.name in files:
                _dependants(cursor, spec)
        cursor.execute(f"ANALYZE {REJECTED}")
    return read


def _row_rules(cursor, spec: FileSpec, typed: _Typed, staged: str, parser: Parser, params: dict) -> None:
    test = " AND ".join(f"({test})" for test in typed.tests)
    values = ", ".join(f"{value} AS {name}" for name, _, value in typed.columns)
    # Every row against small tables (the calendar, the clock, the codes): hash joins, whatever the planner
    # guesses from a dozen tests it takes for independent (and so passed by a handful of rows).
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute(
        f"INSERT INTO {valid_table(spec)} SELECT s.line, {values} FROM {staged} AS s {typed.joins} "
        f"WHERE s.shape IS NULL AND {test}",
        params,
    )
    cursor.execute("SET LOCAL enable_nestloop = on")
    cells = ", ".join(f"s.{staging.column(c)}" for c in spec.columns)
    suspects = cursor.connection.cursor(name=f"suspects_{spec.name.removesuffix('.csv')}")
    suspects.itersize = 2000
    # The rows the test did not pass (found by their lines: the test is not run twice), read as a stream; what
    # rows.py passes joins the typed table, which the stream's snapshot, taken before, does not see.
    suspects.execute(
        f"SELECT s.line, s.shape, {cells} FROM {staged} AS s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {valid_table(spec)} AS v WHERE v.line = s.line) ORDER BY s.line"
    )
    judged = _Judged(spec, [name for name, _, _ in typed.columns])
    for line, shape, *found in suspects:
        if shape is not None:
            judged.reject(line, "", shape)
            continue
        row = dict(zip(spec.columns, found, strict=True))
        try:
            judged.keep(line, parser(row))
        except rows.Fault as fault:
            judged.reject(line, fault.column, fault.reason, row[spec.key].strip())
        if judged.full():
            judged.write(cursor)
    suspects.close()
    judged.write(cursor)


class _Judged:
    """The rows rows.py judged, buffered and COPYed a block at a time: rejections, the keys of the rejected rows,
    and the rows it passed with their values."""

    def __init__(self, spec: FileSpec, columns: list[str]) -> None:
        self.spec, self.columns = spec, columns
        self.rejected, self.failed, self.kept = _Block(), _Block(), _Block()

    def reject(self, line: int, column: str, reason: str, key: str = "") -> None:
        self.rejected.add([self.spec.name, line, column, reason])
        if key:
            self.failed.add([line, key])

    def keep(self, line: int, values: dict[str, Any]) -> None:
        self.kept.add([line, *(values[name] for name in self.columns)])

    def full(self) -> bool:
        return self.rejected.count + self.kept.count >= 2000

    def write(self, cursor) -> None:
        self.rejected.copy(cursor, REJECTED, "file, line, col, reason")
        self.failed.copy(cursor, _failed_table(self.spec), "line, local_id")
        self.kept.copy(cursor, valid_table(self.spec), ", ".join(["line", *self.columns]))


class _Block:
    def __init__(self) -> None:
        self.buffer, self.count = io.StringIO(), 0
        self.writer = csv.writer(self.buffer, lineterminator="\n")

    def add(self, values: list[Any]) -> None:
        self.writer.writerow([NULL if value is None else value for value in values])
        self.count += 1

    def copy(self, cursor, table: str, columns: str) -> None:
        if self.count:
            self.buffer.seek(0)
            cursor.connection.cursor().copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')", self.buffer
            )
        self.buffer.seek(0)
        self.buffer.truncate()
        self.count = 0


def _duplicates(cursor, spec: FileSpec) -> None:
    """A key on more than one row: each of its rows that passed its own rules is rejected, naming every line."""
    valid, failed = valid_table(spec), _failed_table(spec)
    reason = f"'{spec.key} ' || {py_repr('twice.local_id')} || ' appears more than once (lines ' || twice.lines || ')'"
    cursor.execute(
        f"""
        WITH twice AS (
            SELECT local_id, string_agg(line::text, ', ' ORDER BY line) AS lines FROM (
                SELECT line, local_id FROM {valid} WHERE local_id IN (
                    SELECT local_id FROM (SELECT local_id FROM {valid} UNION ALL SELECT local_id FROM {failed}) AS k
                    GROUP BY local_id HAVING count(*) > 1)
                UNION ALL SELECT line, local_id FROM {failed}
            ) AS keyed GROUP BY local_id HAVING count(*) > 1
        )
        INSERT INTO {REJECTED}
        SELECT '{spec.name}', v.line, '{spec.key}', {reason} FROM {valid} AS v JOIN twice USING (local_id)
        """
    )


def _nhs_numbers(cursor, provider_id: int) -> None:
    """An NHS number on more than one row, or held by another of the provider's patients."""
    valid = valid_table(PATIENTS)
    cursor.execute(
        f"""
        INSERT INTO {REJECTED}
        SELECT 'patients.csv', v.line, 'NHSNumber',
               'this NHS number is on more than one row (lines ' || twice.lines || ')'
        FROM {valid} AS v JOIN (
            SELECT nhs_number, string_agg(line::text, ', ' ORDER BY line) AS lines
            FROM {valid} AS v WHERE {still_valid(PATIENTS, "v")} GROUP BY nhs_number HAVING count(*) > 1
        ) AS twice USING (nhs_number)
        WHERE {still_valid(PATIENTS, "v")}
        """
    )
    registered = limits.PATIENT_ALREADY_REGISTERED[:-1]
    cursor.execute(
        f"""
        INSERT INTO {REJECTED}
        SELECT 'patients.csv', v.line, 'NHSNumber', {_quote(registered + ": ")} || CASE WHEN held.local_id = ''
               THEN 'a patient entered in this product'
               ELSE 'the patient with LocalPatientId ' || {py_repr("held.local_id")} END || '.'
        FROM {valid} AS v JOIN assessments_patient AS held
          ON held.provider_id = %s AND held.nhs_number = v.nhs_number AND held.local_id <> v.local_id
        WHERE {still_valid(PATIENTS, "v")}
        """,
        [provider_id],
    )


def _reference(cursor, spec: FileSpec, held: str, fields: Sequence[str], provider_id: int) -> None:
    """What a row of another file may name in `spec`'s: each key of the file (its first line; whether its row
    passed), and the provider's records held under keys the file does not hold (line NULL)."""
    valid, failed, ref = valid_table(spec), _failed_table(spec), _ref_table(spec)
    kept = ", ".join(f"min({field}) FILTER (WHERE ok) AS {field}" for field in fields)
    nulls = ", ".join(f"NULL::date AS {field}" for field in fields)  # the fields a key carries are dates
    held_fields = ", ".join(f"h.{field}" for field in fields)
    cursor.execute(
        f"""
        CREATE TEMP TABLE {ref} ON COMMIT DROP AS
        SELECT local_id, min(line) AS line, bool_or(ok) AS ok{", " + kept if fields else ""} FROM (
            SELECT local_id, line, {still_valid(spec, "v")} AS ok{", " + ", ".join(fields) if fields else ""}
            FROM {valid} AS v
            UNION ALL SELECT local_id, line, false{", " + nulls if fields else ""} FROM {failed}
        ) AS keyed GROUP BY local_id
        """
    )
    cursor.execute(
        f"INSERT INTO {ref} SELECT h.local_id, NULL, true{', ' + held_fields if fields else ''} FROM {held} "
        f"AND h.local_id <> '' AND NOT EXISTS (SELECT 1 FROM {ref} AS r WHERE r.local_id = h.local_id)",
        [provider_id],
    )
    cursor.execute(f"CREATE INDEX ON {ref} (local_id)")
    cursor.execute(f"ANALYZE {ref}")


def _depends(alias: str, key: str, spec: FileSpec, column: str, what: str) -> str:
    """SQL: checks.py's reason a row cannot name `key` in `spec`'s file (joined as `alias`), or NULL."""
    article = "an " if what[0] in "aeiou" else "a "
    return (
        f"CASE WHEN {alias}.ok THEN NULL "
        f"WHEN {alias}.local_id IS NOT NULL "
        f"THEN 'its {what} ({spec.name} line ' || {alias}.line || ') was rejected' "
        f"ELSE '{column} ' || {py_repr(key)} || ' is not {article}{what} of this provider "
        f"(not in {spec.name} nor loaded before)' END"
    )


def _referrals(cursor, files: Mapping[str, ExtractFile], provider_id: int) -> None:
    """The patient a referral names and the age at referral; then one open referral per patient and team."""
    _reference(
        cursor,
        PATIENTS,
        "assessments_patient AS h WHERE h.provider_id = %s",
        ["date_of_birth"],
        provider_id,
    )
    valid = valid_table(REFERRALS)
    born, referred = "p.date_of_birth", "v.referral_date"
    before_birthday = (
        f"CASE WHEN (extract(month FROM {referred}), extract(day FROM {referred})) < "
        f"(extract(month FROM {born}), extract(day FROM {born})) THEN 1 ELSE 0 END"
    )
    age = f"(extract(year FROM {referred}) - extract(year FROM {born}) - {before_birthday})::int"
    low, high = validation.MIN_AGE_AT_REFERRAL, validation.MAX_AGE_AT_REFERRAL
    cursor.execute(
        f"""
        INSERT INTO {REJECTED}
        SELECT 'referrals.csv', line, CASE WHEN patient_fault IS NULL THEN 'ReferralRequestReceivedDate'
               ELSE 'LocalPatientId' END, coalesce(patient_fault, age_fault)
        FROM (
            SELECT v.line,
                   CASE WHEN p.local_id IS NULL THEN
                       'LocalPatientId ' || {py_repr("v.patient")} ||
                       ' is not a patient of this provider (not in patients.csv nor loaded before)'
                   ELSE {_depends("p", "v.patient", PATIENTS, "LocalPatientId", "patient")} END AS patient_fault,
                   CASE WHEN {referred} < {born} THEN 'The referral date is before the patient''s date of birth.'
                        WHEN {age} NOT BETWEEN {low} AND {high} THEN 'The patient is ' || {age} ||
                            ' at referral; this service accepts referrals for ages {low} to {high}.'
                   END AS age_fault
            FROM {valid} AS v LEFT JOIN {_ref_table(PATIENTS)} AS p ON p.local_id = v.patient
            WHERE {still_valid(REFERRALS, "v")}
        ) AS judged
        WHERE patient_fault IS NOT NULL OR age_fault IS NOT NULL
        """
    )
    cursor.execute(f"ANALYZE {REJECTED}")
    # One open referral per patient and team (the form's rule and the database's): the extract's open ones, in
    # order of referral date, and the open ones held that this extract does not restate.
    cursor.execute(
        f"""
        WITH held_open AS (
            SELECT patient.local_id AS patient, c.team_id, count(*) AS open FROM assessments_case AS c
            JOIN assessments_patient AS patient ON patient.id = c.patient_id
            WHERE patient.provider_id = %s AND patient.local_id <> '' AND c.closed_date IS NULL
              AND NOT EXISTS (
                  SELECT 1 FROM {valid} AS v WHERE v.local_id = c.local_id AND {still_valid(REFERRALS, "v")})
            GROUP BY patient.local_id, c.team_id
        ), ranked AS (
            SELECT v.line, v.patient, v.team_id,
                   row_number() OVER (PARTITION BY v.patient, v.team_id ORDER BY v.referral_date, v.line) AS n
            FROM {valid} AS v WHERE v.closed_date IS NULL AND {still_valid(REFERRALS, "v")}
        )
        INSERT INTO {REJECTED}
        SELECT 'referrals.csv', ranked.line, 'TeamCode', %s
        FROM ranked LEFT JOIN held_open USING (patient, team_id)
        WHERE ranked.n > 1 OR coalesce(held_open.open, 0) > 0
        """,
        [provider_id, limits.ONE_OPEN_REFERRAL_PER_TEAM],
    )
    cursor.execute(f"ANALYZE {REJECTED}")
    _reference(
        cursor,
        REFERRALS,
        "assessments_case AS h WHERE h.source_provider_id = %s",
        ["referral_date"],
        provider_id,
    )
    _reference(cursor, STAFF, "accounts_user AS h WHERE h.provider_id = %s", [], provider_id)


def _dependants(cursor, spec: FileSpec) -> None:
    """A contact's or Current View's referral and member of staff, and its date not before the referral's."""
    day, what, column = (
        ("v.day", "contact date", "CareContDate")
        if spec is CONTACTS
        else ("v.completed_on", "date completed", "CompletedDate")
    )
    before = f"'The {what} (' || {_dmy(day)} || ') is before the referral date (' || {_dmy('r.referral_date')} || ').'"
    cursor.execute(
        f"""
        INSERT INTO {REJECTED}
        SELECT '{spec.name}', line,
               CASE WHEN referral_fault IS NOT NULL THEN 'ServiceRequestId'
                    WHEN staff_fault IS NOT NULL THEN 'CareProfLocalId' ELSE '{column}' END,
               coalesce(referral_fault, staff_fault, date_fault)
        FROM (
            SELECT v.line,
                   {_depends("r", "v.referral", REFERRALS, "ServiceRequestId", "referral")} AS referral_fault,
                   {_depends("st", "v.staff", STAFF, "CareProfLocalId", "member of staff")} AS staff_fault,
                   CASE WHEN {day} < r.referral_date THEN {before} END AS date_fault
            FROM {valid_table(spec)} AS v
            LEFT JOIN {_ref_table(REFERRALS)} AS r ON r.local_id = v.referral
            LEFT JOIN {_ref_table(STAFF)} AS st ON st.local_id = v.staff
            WHERE {still_valid(spec, "v")}
        ) AS judged
        WHERE referral_fault IS NOT NULL OR staff_fault IS NOT NULL OR date_fault IS NOT NULL
        """
    )


def rejected_count(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {REJECTED} WHERE file = %s", [name])
        return cursor.fetchone()[0]


def rejections() -> list[tuple[str, int, str, str]]:
    """The rejections, file by file in load order and by line."""
    order = " ".join(f"WHEN '{spec.name}' THEN {n}" for n, spec in enumerate(FILES))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT file, line, col, reason FROM {REJECTED} ORDER BY CASE file {order} END, line")
        return list(cursor.fetchall())


def save_rejections(run_id: int) -> None:
    """Write the rejections to the run's rows, set-based."""
    order = " ".join(f"WHEN '{spec.name}' THEN {n}" for n, spec in enumerate(FILES))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO imports_rejection (run_id, file, line, "column", reason) '
            f"SELECT %s, file, line, col, reason FROM {REJECTED} ORDER BY CASE file {order} END, line",
            [run_id],
        )
