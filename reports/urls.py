from django.urls import path, re_path

from reports import dashboard_views, views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/<slug:report>/<slug:scope_kind>/<slug:scope_code>/", views.report, name="report"),
    re_path(
        r"^reports/(?P<report>[-\w]+)/(?P<scope_kind>[-\w]+)/(?P<scope_code>[-\w]+)/(?P<period>\d{4}-\d{2})\.(?P<fmt>csv|xlsx)$",
        views.download,
        name="download",
    ),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/data-quality/", dashboard_views.dashboard_quality, name="dashboard_quality"),
    path("dashboard/cases/<slug:slug>/", dashboard_views.dashboard_cases, name="dashboard_cases"),
    path("dashboard/<slug:table>.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
]
