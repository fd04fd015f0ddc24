from assessments.models.current_view import CurrentView, CurrentViewReason
from assessments.models.outcomes import (
    ChangeThreshold,
    Goal,
    Informant,
    Measure,
    MeasureResponse,
    MeasureResponseVersion,
    MeasureScore,
    ScoringRules,
)
from assessments.models.records import Case, CaseQuerySet, Contact, Patient, PatientQuerySet

__all__ = [
    "Case",
    "CaseQuerySet",
    "ChangeThreshold",
    "Contact",
    "CurrentView",
    "CurrentViewReason",
    "Goal",
    "Informant",
    "Measure",
    "MeasureResponse",
    "MeasureResponseVersion",
    "MeasureScore",
    "Patient",
    "PatientQuerySet",
    "ScoringRules",
]
