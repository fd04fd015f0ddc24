from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/<int:pk>/", views.run_detail, name="run"),
    path("imports/<int:pk>/report.csv", views.report, name="report"),
    path("imports/not-in-extract/", views.not_in_extract, name="not_in_extract"),
]
