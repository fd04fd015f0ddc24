from celery import shared_task
from django.db import connection


@shared_task(ignore_result=False)
def worker_health() -> dict:
    """Answered by a worker: proves it is running and which database it reaches (its name only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"worker": "ok", "database": connection.settings_dict["NAME"]}
