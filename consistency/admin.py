# Second-rater audits and their ratings are not in the admin: they reach case records, read only through the
# scoped pages. The vignette library is reference data: listed here, and loaded from a CSV file.
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from accounts.access import AuthenticatedRequest
from consistency import services, vignettes
from consistency.models import Vignette


class VignetteUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8, with the header id, set, title, text, grouping (the reference, GH03 or GH03 + GA02), "
            "agreed_by and the 50 item columns as the batch grouper reads them; one line per vignette, each "
            "id new. A file with any bad line loads nothing."
        ),
    )


@admin.register(Vignette)
class VignetteAdmin(admin.ModelAdmin):
    """The training vignettes, loaded a file at a time; a loaded vignette's reference is not edited here, so
    the agreement of the clinicians who rated it keeps its meaning."""

    list_display = ["code", "vignette_set", "title", "reference_grouping", "agreed_by", "loaded_at"]
    list_filter = ["vignette_set"]
    search_fields = ["code", "title"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a file is checked as a whole: load one instead

    def has_change_permission(self, request: HttpRequest, obj: Vignette | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/", self.admin_site.admin_view(self.upload_view), name="consistency_vignette_upload"
        )
        return [upload, *super().get_urls()]

    def upload_view(self, request: AuthenticatedRequest) -> HttpResponse:
        if not request.user.has_perm("consistency.add_vignette"):
            raise PermissionDenied
        form = VignetteUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                loaded = services.load_vignette_file(
                    by=request.user, content=form.cleaned_data["file"].read(vignettes.MAX_FILE_BYTES + 1)
                )
            except vignettes.VignettesRefused as refused:
                for problem in refused.problems:
                    form.add_error("file", problem)
            else:
                messages.success(
                    request,
                    f"Loaded {loaded} vignette{'s' if loaded != 1 else ''}; clinicians can rate them now.",
                )
                return redirect("admin:consistency_vignette_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Load training vignettes from a CSV file",
            "form": form,
        }
        return TemplateResponse(request, "admin/consistency/vignette/upload.html", context)
