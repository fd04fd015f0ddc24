"""The Celery app: workers run bulk re-grouping and monthly reports against the same database."""

import os

from celery import Celery

from camhs_pbr import task_logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")

app = Celery("camhs_pbr")
app.config_from_object("django.conf:settings", namespace="CELERY")
if not app.conf.broker_url:
    # Item assignment is what attribute assignment does at run time; the stubs make the names read-only.
    app.conf["broker_url"] = "memory://"
    app.conf["result_backend"] = "cache+memory://"
app.conf.include = ["camhs_pbr.tasks", "camhs_pbr.runs.tasks"]
app.autodiscover_tasks()
task_logs.connect()
