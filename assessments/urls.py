from django.urls import path

from assessments import measure_views, views

app_name = "assessments"
urlpatterns = [
    path("cases/", views.caseload, name="caseload"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/correct/", views.contact_correct, name="contact_correct"),
    path("cases/<int:pk>/discharge/", views.case_discharge, name="case_discharge"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:patient_pk>/referrals/new/", views.referral_create, name="referral_create"),
    path(
        "cases/<int:pk>/measures/<str:measure>/<str:informant>/new/",
        measure_views.measure_create,
        name="measure_create",
    ),
    path(
        "cases/<int:pk>/measures/<int:response_pk>/correct/",
        measure_views.measure_correct,
        name="measure_correct",
    ),
    path("cases/<int:pk>/goals/new/", measure_views.goal_create, name="goal_create"),
]
