from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"

urlpatterns = [
    path("", views.reference_page, name="reference"),
    path("v1/schema", SpectacularAPIView.as_view(), name="schema"),
    path("v1/suggestions", views.SuggestionsView.as_view(), name="suggestions"),
    path("v1/cases", views.CaseListView.as_view(), name="cases"),
    path("v1/cases/<str:ref>/current-views", views.CurrentViewCreateView.as_view(), name="current_views"),
    path("v1/cases/<str:ref>/allocations", views.AllocationListView.as_view(), name="allocations"),
    path(
        "v1/reports/<str:report>/<str:scope_kind>/<str:scope_code>/<str:period>",
        views.FiguresView.as_view(),
        name="figures",
    ),
    path("fhir/Questionnaire/current-view", views.FhirQuestionnaireView.as_view(), name="fhir_questionnaire"),
    path(
        "v1/reports/<str:report>/<str:scope_kind>/<str:scope_code>/<str:period>",
        views.FiguresView.as_view(),
        name="figures",
    ),
    path("fhir/QuestionnaireResponse/$suggest", views.FhirSuggestView.as_view(), name="fhir_suggest"),
]
