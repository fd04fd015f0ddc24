from django.urls import path, re_path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/dictionary/", views.dictionary, name="dictionary"),
    re_path(
        r"^reports/packs/(?P<scope_kind>[-\w]+)/(?P<scope_code>[-\w]+)/(?P<period>\d{4}-\d{2})\.pdf$",
        views.pack,
        name="pack",
    ),
    path("reports/<slug:report>/<slug:scope_kind>/<slug:scope_code>/", views.report, name="report"),
    re_path(
        r"^reports/(?P<report>[-\w]+)/(?P<scope_kind>[-\w]+)/(?P<scope_code>[-\w]+)/(?P<period>\d{4}-\d{2})\.(?P<fmt>csv|xlsx)$",
        views.download,
        name="download",
    ),
]
