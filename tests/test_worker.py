import pytest


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_health_check_reaches_a_real_worker_that_uses_the_test_database(client, celery_worker):
    from django.db import connection

    response = client.get("/health/?worker=1")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker": "ok"}
    from camhs_pbr.tasks import worker_health

    assert worker_health.delay().get(timeout=10)["database"] == connection.settings_dict["NAME"]


@pytest.mark.django_db
def test_the_health_check_without_worker_reports_the_database(client):
    assert client.get("/health/").json() == {"database": "ok"}
