# Case records are deliberately not registered in the admin: clinical data is reached only through the
# scoped clinician pages (Case.objects.visible_to). Outcome reference data is.
from django.contrib import admin

from assessments.models import ChangeThreshold, ScoringRules


@admin.register(ScoringRules)
class ScoringRulesAdmin(admin.ModelAdmin):
    list_display = ["label", "rcads_max_missing_per_subscale", "honosca_max_not_known", "is_current"]

    def save_model(self, request, obj, form, change):
        if obj.is_current:
            ScoringRules.objects.exclude(pk=obj.pk).filter(is_current=True).update(is_current=False)
        super().save_model(request, obj, form, change)


@admin.register(ChangeThreshold)
class ChangeThresholdAdmin(admin.ModelAdmin):
    list_display = ["measure", "scale", "informant", "sd1", "r", "cutoff", "higher_is_worse"]
    list_filter = ["measure", "informant"]
    list_editable = ["sd1", "r", "cutoff"]
