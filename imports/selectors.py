"""Reads of imports, scoped to one provider."""

from dataclasses import dataclass

from django.db.models import Model

from assessments.models import Case, Contact, CurrentView, Patient

SHOWN = 500


@dataclass(frozen=True)
class Absent:
    """One kind of record a full extract no longer held: how many, and the first SHOWN (local id, since)."""

    file: str
    key: str
    count: int
    rows: list[tuple[str, object]]


def not_in_extract(provider_id: int) -> list[Absent]:
    """The provider's records flagged as not in the latest (full) extract, by kind."""
    kinds: list[tuple[str, str, type[Model], str]] = [
        ("patients.csv", "LocalPatientId", Patient, "provider_id"),
        ("referrals.csv", "ServiceRequestId", Case, "source_provider_id"),
        ("contacts.csv", "CareContactId", Contact, "source_provider_id"),
        ("current_views.csv", "AssessmentId", CurrentView, "source_provider_id"),
    ]
    groups = []
    for file, key, model, provider_field in kinds:
        flagged = model._default_manager.filter(  # type: ignore[attr-defined]
            **{provider_field: provider_id, "not_in_latest_extract__isnull": False}
        ).order_by("local_id")
        groups.append(
            Absent(
                file,
                key,
                flagged.count(),
                list(flagged.values_list("local_id", "not_in_latest_extract")[:SHOWN]),
            )
        )
    return groups
