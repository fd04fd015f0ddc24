"""The audit trail (issue 15): who did what to which record, when, and with what outcome.

An event holds identifiers and the names of changed fields, never clinical content: no answers, ratings,
names, NHS numbers, free text or search terms. Rows are append-only: a database trigger refuses UPDATE and
DELETE (migration accounts 0004), the database sets each event's time (0010), and in production the
application's role may only read and add to the table (accounts/database_roles.py). Services call `record` inside their transaction, so the trail cannot
drift from what happened; views record reads, and signals record logins and admin actions.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from camhs_pbr.figures_cache import Latest
from camhs_pbr.logs import current_request_id


class Action(models.TextChoices):
    VIEW_CASE = "view_case", "Viewed a case page"
    VIEW_CASELOAD = "view_caseload", "Viewed the caseload"
    SEARCH_CASELOAD = "search_caseload", "Searched the caseload"
    REGISTER_PATIENT = "register_patient", "Registered a patient"
    OPEN_REFERRAL = "open_referral", "Opened a referral"
    RECORD_CONTACT = "record_contact", "Recorded a contact"
    CORRECT_CONTACT = "correct_contact", "Corrected a contact"
    DISCHARGE_CASE = "discharge_case", "Discharged a case"
    REOPEN_CASE = "reopen_case", "Reopened a case"
    RECORD_CURRENT_VIEW = "record_current_view", "Recorded a Current View"
    CORRECT_CURRENT_VIEW = "correct_current_view", "Corrected a Current View"
    RECORD_MEASURE = "record_measure", "Recorded an outcome measure"
    CORRECT_MEASURE = "correct_measure", "Corrected an outcome measure"
    SET_GOAL = "set_goal", "Agreed a goal"
    ALLOCATE_GROUPING = "allocate_grouping", "Allocated a grouping"
    START_REGROUPING = "start_regrouping", "Started a re-grouping run"
    PUBLISH_RULES_VERSION = "publish_rules_version", "Published a lab tree as a rules version"
    REQUEST_LAB_RUN = "request_lab_run", "Requested a lab run"
    PUBLISH_ALLOCATION_HELP = "publish_allocation_help", "Published a classifier for allocation help"
    WITHDRAW_ALLOCATION_HELP = "withdraw_allocation_help", "Withdrew a classifier from allocation help"
    REQUEST_REPORT_RUN = "request_report_run", "Requested a report run"
    EXECUTE_REPORT_RUN = "execute_report_run", "Executed a report run"
    EXPORT_REPORT = "export_report", "Downloaded a report"
    REQUEST_RATER_AUDIT = "request_rater_audit", "Started a second-rater audit"
    ASSIGN_SECOND_RATER = "assign_second_rater", "Assigned a case to a second rater"
    VIEW_AUDIT_CASE = "view_audit_case", "Viewed a case to rate it for an audit"
    RECORD_AUDIT_RATING = "record_audit_rating", "Recorded a second rating for an audit"
    CLOSE_RATER_AUDIT = "close_rater_audit", "Closed a second-rater audit"
    REQUEST_AGREEMENT = "request_agreement", "Requested agreement figures"
    LOAD_VIGNETTES = "load_vignettes", "Loaded training vignettes"
    RATE_VIGNETTE = "rate_vignette", "Rated a training vignette"
    EXPORT_VIGNETTE_RECORD = "export_vignette_record", "Downloaded a vignette training record"
    EXPORT_AUDIT = "export_audit", "Exported audit events"
    REQUEST_IMPORT = "request_import", "Requested a records import"
    IMPORT_RECORDS = "import_records", "Loaded records from an extract"
    UPDATE_FROM_EXTRACT = "update_from_extract", "Updated a record from an extract"
    LOGIN = "login", "Logged in"
    LOGIN_FAILED = "login_failed", "Failed to log in"
    LOGOUT = "logout", "Logged out"
    ACCESS_REFUSED = "access_refused", "Was refused access"
    ADMIN_ADD = "admin_add", "Added in the admin"
    ADMIN_CHANGE = "admin_change", "Changed in the admin"
    ADMIN_DELETE = "admin_delete", "Deleted in the admin"
    SET_PASSWORD = "set_password", "Set another user's password"
    CHANGE_PASSWORD = "change_password", "Changed their own password"
    ADD_TOTP_DEVICE = "add_totp_device", "Added an authenticator app"
    UNLOCK_LOGIN = "unlock_login", "Unlocked a user's login"
    ISSUE_ENROLMENT_CODE = "issue_enrolment_code", "Issued a code to set up an authenticator app"
    REQUEST_STATEMENT = "request_statement", "Requested a contract statement"
    EXECUTE_STATEMENT = "execute_statement", "Computed a contract statement"
    AGREE_STATEMENT = "agree_statement", "Agreed a contract statement"
    CHALLENGE_STATEMENT = "challenge_statement", "Challenged a line of a contract statement"
    ANSWER_CHALLENGE = "answer_challenge", "Answered a challenge of a statement line"
    LOAD_CONTRACT = "load_contract", "Loaded a contract from a file"
    ADOPT_PRICE_LIST = "adopt_price_list", "Made a price list version from proposed prices"
    VIEW_STATEMENT_CASES = "view_statement_cases", "Viewed the cases behind a statement line"
    EXPORT_STATEMENT = "export_statement", "Downloaded a contract statement"


# What an administrator did in the admin (rows edited in place): stamps of kept figures read the latest of
# these (`latest_admin_change`), through the partial index below.
ADMIN_ACTIONS = (Action.ADMIN_ADD, Action.ADMIN_CHANGE, Action.ADMIN_DELETE)


class Outcome(models.TextChoices):
    DONE = "done", "Done"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    """One thing a person (or the system, when `user` is empty) did; append-only."""

    # Set by the database, whatever the caller sends (a trigger on PostgreSQL: migration accounts 0010).
    at = models.DateTimeField(db_default=Now(), db_index=True)
    # No database constraint and no cascade: an audit row outlives whatever it names and is never updated.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, help_text="As it was at the time.")
    role = models.CharField(max_length=20, blank=True, help_text="As it was at the time.")
    action = models.CharField(max_length=30, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    patient_id = models.BigIntegerField("internal patient id", null=True, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    changed_fields = models.JSONField(default=list, blank=True, help_text="Names only, never values.")
    request_id = models.CharField(max_length=36, blank=True, db_index=True)

    class Meta:
        app_label = "accounts"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
            # The latest admin change without walking back through every page view's event (the log grows
            # by one row per page; the dashboards read this on each request).
            models.Index(fields=["-id"], condition=Q(action__in=ADMIN_ACTIONS), name="auditevent_admin_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} {self.username or 'system'} {self.action} {self.outcome}"


def record(
    action: str,
    *,
    by: Any,
    target: models.Model | None = None,
    case: Any = None,
    case_id: int | None = None,
    patient_id: int | None = None,
    outcome: str = Outcome.DONE,
    changed: Iterable[str] = (),
    object_type: str = "",
    object_id: object = "",
    username: str = "",
) -> AuditEvent:
    """Write one audit event. `by` is the acting user (None or anonymous for the system or a stranger);
    `target` the record acted on; `case` (anything with `pk` and `patient_id`) the case it belongs to."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
    if case is not None:
        patient_id = patient_id or case.patient_id
    return AuditEvent.objects.create(
        user=user,
        username=user.get_username() if user else username[:150],
        role=getattr(user, "role", "") if user else "",
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        case_id=case.pk if case is not None else case_id,
        patient_id=patient_id,
        outcome=outcome,
        changed_fields=sorted(set(changed)),
        request_id=current_request_id(),
    )


def latest_admin_change() -> Latest:
    """A stamp's source (camhs_pbr.figures_cache.stamp) for any change made in the admin: names, members and
    details are edited there in place, so kept figures that show them are stale after one."""
    return (AuditEvent.objects.filter(action__in=ADMIN_ACTIONS), "pk")


def change_actor(by: Any) -> dict[str, Any]:
    """Who an event of change names (its user, as they were) and its request: the columns record_changes
    writes on every event, for a writer of events in SQL (imports/sql_merge.py) to write the same."""
    user = by if by is not None and getattr(by, "is_authenticated", False) else None
    return {
        "user_id": user.pk if user else None,
        "username": user.get_username() if user else "",
        "role": getattr(user, "role", "") if user else "",
        "outcome": Outcome.DONE,
        "request_id": current_request_id(),
    }


def record_changes(
    action: str, *, by: Any, changes: Iterable[tuple[str, object, int | None, int | None, Iterable[str]]]
) -> int:
    """One audit event per changed record, written together: (object type, id, case id, patient id, the names
    of the fields that changed; never their values). Returns how many."""
    actor = change_actor(by)
    user = by if actor["user_id"] is not None else None
    request_id = actor["request_id"]
    events = [
        AuditEvent(
            user=user,
            username=actor["username"],
            role=actor["role"],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            case_id=case_id,
            patient_id=patient_id,
            outcome=Outcome.DONE,
            changed_fields=sorted(set(changed)),
            request_id=request_id,
        )
        for object_type, object_id, case_id, patient_id, changed in changes
    ]
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    return len(events)
