# Case records are deliberately not registered in the admin: clinical data is reached only through the
# scoped clinician pages (Case.objects.visible_to). Outcome reference data is.
from django.contrib import admin

from assessments.models import ChangeThreshold, ScoringRules
from camhs_pbr.admin_mixins import LabelledListEditableAdmin, OneCurrentVersionAdmin


@admin.register(ScoringRules)
class ScoringRulesAdmin(OneCurrentVersionAdmin):
    list_display = ["label", "rcads_max_missing_per_subscale", "honosca_max_not_known", "is_current"]


@admin.register(ChangeThreshold)
class ChangeThresholdAdmin(LabelledListEditableAdmin):
    list_display = ["measure", "scale", "informant", "sd1", "r", "cutoff", "higher_is_worse"]
    list_filter = ["measure", "informant"]
    list_editable = ["sd1", "r", "cutoff"]
