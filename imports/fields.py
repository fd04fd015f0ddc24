"""The fields of each record an extract sets (beyond its local id), one list for both merges: the Python one
(merge.py) and the set-based one on PostgreSQL (sql_merge.py)."""

from assessments.current_view_items import ALL_ITEMS

PATIENT_FIELDS = (
    "nhs_number",
    "date_of_birth",
    "gender",
    "ethnic_category",
    "postcode",
    "given_name",
    "family_name",
)
CASE_FIELDS = (
    "patient_id",
    "team_id",
    "commissioner_id",
    "referral_date",
    "referral_source",
    "accepted_date",
    "closed_date",
    "discharge_reason",
)
CONTACT_FIELDS = ("case_id", "starts_at", "duration_minutes", "attendance", "mode", "clinician_id")
VIEW_FIELDS = ("case_id", "completed_on", "practitioner_id", *ALL_ITEMS)
