"""Admin behaviour shared by versioned reference data."""


class OneCurrentVersionAdmin:
    """Saving a row as current makes every other row of its table not current (one current version).

    The form leaves the one-current constraint to save_model, which retires the old row first in the same
    transaction; the database constraint still guards the invariant.
    """

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class Form(base):
            def _get_validation_exclusions(self):
                return super()._get_validation_exclusions() | {"is_current"}

        return Form

    def save_model(self, request, obj, form, change):
        if obj.is_current:
            type(obj).objects.exclude(pk=obj.pk).filter(is_current=True).update(is_current=False)
        super().save_model(request, obj, form, change)
