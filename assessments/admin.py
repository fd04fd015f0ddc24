# Case records are deliberately not registered in the admin: clinical data is reached only through the
# scoped clinician pages (Case.objects.visible_to).
