from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from camhs_pbr import views

admin.site.site_header = "camhs-pbr administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("reports.urls")),  # /reports/
    path("", include("dashboards.urls")),  # /dashboard/
    path("", include("assessments.urls")),
    path("", include("groupings.urls")),
    path("", include("consistency.urls")),  # /consistency/
    path("", include("lab.urls")),  # /lab/
    path("", include("imports.urls")),  # /imports/
    path("payments/", include("payments.urls")),  # contracts and statements
    path("api/", include("api.urls")),  # /api/v1/ and /api/fhir/ for other systems
]
