import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def reference_data(db):
    """Reference rows of the data migrations; a transactional test's flush removes them, so put them back."""
    from django.apps import apps

    from accounts.reference import install_professions
    from assessments.reference import install_outcome_reference
    from groupings.reference import install_v1

    install_professions(apps)
    install_v1(apps)
    install_outcome_reference(apps)


@pytest.fixture
def service(reference_data):
    """A provider with two teams, a commissioner, and a clinician in the first team."""
    from accounts.models import Role
    from tests import factories

    provider = factories.provider()
    team_a, team_b = factories.team(provider), factories.team(provider)
    return {
        "provider": provider,
        "team_a": team_a,
        "team_b": team_b,
        "commissioner": factories.commissioner(),
        "clinician": factories.user(Role.CLINICIAN, teams=(team_a,)),
    }


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on Redis, using the test database. Tests using it need transaction=True."""
    from django.conf import settings
    from django.db import connection

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("Tests that need a worker run against Redis: set CELERY_BROKER_URL (see `make test`).")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "camhs_pbr",
            "worker",
            "-Q",
            queue,
            "-c",
            "2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    from camhs_pbr.celery import app

    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1.0):
            break
        if worker.poll() is not None:
            pytest.fail("The Celery worker exited at start-up")
    else:
        worker.terminate()
        pytest.fail("The Celery worker did not answer within 60 s")
    yield app
    worker.terminate()
    worker.wait(timeout=30)
