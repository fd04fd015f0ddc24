from django.urls import path

from consistency import views

app_name = "consistency"
urlpatterns = [
    path("consistency/audits/", views.audits, name="audits"),
    path("consistency/audits/<int:pk>/", views.audit_detail, name="audit"),
    path("consistency/audits/<int:pk>/assign/", views.audit_assign, name="audit_assign"),
    path("consistency/audits/<int:pk>/close/", views.audit_close, name="audit_close"),
    path("consistency/audits/<int:pk>/agreement/", views.audit_agreement_page, name="audit_agreement"),
    path("consistency/agreement/", views.agreement, name="agreement"),
    path("consistency/to-rate/", views.my_audit_cases, name="my_audit_cases"),
    path("consistency/to-rate/<int:pk>/", views.rate_audit_case, name="rate_audit_case"),
]
urlpatterns += [
    path("consistency/vignettes/", views.vignettes, name="vignettes"),
    path("consistency/vignettes/<int:pk>/", views.vignette, name="vignette"),
    path("consistency/vignettes/my-record.csv", views.vignette_record, name="vignette_record"),
    path("consistency/vignettes/agreement/", views.vignette_agreement, name="vignette_agreement"),
]
