from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data-quality/", views.dashboard_quality, name="dashboard_quality"),
    path("dashboard/cases/<slug:slug>/", views.dashboard_cases, name="dashboard_cases"),
    path("dashboard/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
]
