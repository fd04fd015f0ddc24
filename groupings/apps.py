from django.apps import AppConfig


class GroupingsConfig(AppConfig):
    name = "groupings"
    verbose_name = "Needs-based groupings"
