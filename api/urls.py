from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("v1/suggestions", views.SuggestionsView.as_view(), name="suggestions"),
    path("v1/cases", views.CaseListView.as_view(), name="cases"),
    path("v1/cases/<str:ref>/current-views", views.CurrentViewCreateView.as_view(), name="current_views"),
    path("v1/cases/<str:ref>/allocations", views.AllocationListView.as_view(), name="allocations"),
]
