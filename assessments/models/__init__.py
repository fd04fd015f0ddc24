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
from assessments.models.records import (
    Case,
    CaseQuerySet,
    CaseReopening,
    Contact,
    Patient,
    PatientQuerySet,
)
from assessments.models.submissions import SubmissionKey
from assessments.models.wording import MeasureItemWording

__all__ = [
    "Case",
    "CaseQuerySet",
    "CaseReopening",
    "ChangeThreshold",
    "Contact",
    "CurrentView",
    "CurrentViewReason",
    "Goal",
    "Informant",
    "Measure",
    "MeasureItemWording",
    "MeasureResponse",
    "MeasureResponseVersion",
    "MeasureScore",
    "Patient",
    "PatientQuerySet",
    "ScoringRules",
    "SubmissionKey",
]
