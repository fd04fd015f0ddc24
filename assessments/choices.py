"""Coded values of case records (NHS data dictionary lists where one exists)."""

from django.db import models


class Gender(models.TextChoices):
    """NHS data dictionary: Person stated gender code."""

    MALE = "1", "Male"
    FEMALE = "2", "Female"
    INDETERMINATE = "9", "Indeterminate (unable to be classified as male or female)"
    NOT_KNOWN = "X", "Not known (not recorded)"


class EthnicCategory(models.TextChoices):
    """NHS data dictionary: Ethnic category (2001 census categories)."""

    BRITISH = "A", "White: British"
    IRISH = "B", "White: Irish"
    OTHER_WHITE = "C", "White: Any other White background"
    WHITE_BLACK_CARIBBEAN = "D", "Mixed: White and Black Caribbean"
    WHITE_BLACK_AFRICAN = "E", "Mixed: White and Black African"
    WHITE_ASIAN = "F", "Mixed: White and Asian"
    OTHER_MIXED = "G", "Mixed: Any other mixed background"
    INDIAN = "H", "Asian or Asian British: Indian"
    PAKISTANI = "J", "Asian or Asian British: Pakistani"
    BANGLADESHI = "K", "Asian or Asian British: Bangladeshi"
    OTHER_ASIAN = "L", "Asian or Asian British: Any other Asian background"
    CARIBBEAN = "M", "Black or Black British: Caribbean"
    AFRICAN = "N", "Black or Black British: African"
    OTHER_BLACK = "P", "Black or Black British: Any other Black background"
    CHINESE = "R", "Other ethnic groups: Chinese"
    OTHER = "S", "Other ethnic groups: Any other ethnic group"
    NOT_STATED = "Z", "Not stated"
    NOT_KNOWN = "99", "Not known"


class ReferralSource(models.TextChoices):
    GP = "gp", "GP"
    OTHER_PRIMARY_CARE = "primary_care", "Other primary health care"
    SELF = "self", "Self-referral"
    CARER = "carer", "Carer or relative"
    EDUCATION = "education", "School or other education service"
    SOCIAL_CARE = "social_care", "Local authority social care"
    EMERGENCY_DEPARTMENT = "emergency", "Emergency department"
    PAEDIATRICS = "paediatrics", "Paediatrics or other secondary care"
    OTHER_MENTAL_HEALTH = "mental_health", "Another mental health service"
    JUSTICE = "justice", "Youth justice"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class DischargeReason(models.TextChoices):
    COMPLETED = "completed", "Treatment completed"
    NOT_ACCEPTED = "not_accepted", "Referral not accepted"
    DECLINED = "declined", "Declined or disengaged"
    TRANSFERRED = "transferred", "Referred to another service"
    ADULT_SERVICES = "adult_services", "Moved to adult services"
    MOVED_AWAY = "moved_away", "Moved out of area"
    OTHER = "other", "Other"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "dna", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class ContactMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    VIDEO = "video", "Video"
