from django.urls import path

from groupings import views

app_name = "groupings"
urlpatterns = [
    path("cases/<int:pk>/current-views/new/", views.current_view_create, name="current_view_create"),
    path(
        "cases/<int:pk>/current-views/<int:view_pk>/", views.current_view_detail, name="current_view_detail"
    ),
    path(
        "cases/<int:pk>/current-views/<int:view_pk>/correct/",
        views.current_view_correct,
        name="current_view_correct",
    ),
    path("groupings/regrouping/", views.regrouping, name="regrouping"),
    path("groupings/regrouping/movement.csv", views.regrouping_movement_csv, name="regrouping_movement_csv"),
]
