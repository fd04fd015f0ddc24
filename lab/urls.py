from django.urls import path

from lab import views

app_name = "lab"
urlpatterns = [
    path("lab/", views.index, name="index"),
    path("lab/runs/<int:pk>/", views.run_detail, name="run"),
    path("lab/runs/<int:pk>/allocation-help/", views.allocation_help, name="allocation_help"),
    path("lab/runs/<int:pk>/publish/", views.publish_tree, name="publish_tree"),
]
