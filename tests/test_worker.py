import time

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


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_worker_health_check_answers_within_two_seconds_and_queues_nothing(client, celery_worker):
    from camhs_pbr.queueing import waiting_messages

    for _ in range(3):
        started = time.perf_counter()
        assert client.get("/health/?worker=1").status_code == 200
        assert time.perf_counter() - started < 2
    assert waiting_messages() == 0


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_hung_the_worker_health_check_answers_unavailable_within_seconds(client):
    from tests.support.brokers import publishing_to, silent_broker

    with silent_broker() as url, publishing_to(url):
        started = time.perf_counter()
        response = client.get("/health/?worker=1")
        assert time.perf_counter() - started < 6  # not yet 2 s: the ping's publish retries once
    assert (response.status_code, response.json()) == (503, {"database": "ok", "worker": "unavailable"})


def test_each_xdist_worker_shares_a_cache_of_its_own_with_its_celery_worker():
    from tests.support.workers import shared_cache_url

    broker = "redis://127.0.0.1:6379/15"
    caches = [shared_cache_url(broker, worker) for worker in ("gw0", "gw1", "gw2")]
    assert shared_cache_url(broker, "") == caches[0] == "redis://127.0.0.1:6379/14"  # one process: as before
    assert len(set(caches)) == 3 and broker not in caches  # flushing one never touches another or the queue
