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
    is_open_episode_on,
    open_episode_on,
    open_episode_on_sql,
    open_referral_on,
    open_referral_on_sql,
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
    "is_open_episode_on",
    "open_episode_on",
    "open_episode_on_sql",
    "open_referral_on",
    "open_referral_on_sql",
]
