import gc
import uuid

import pytest
from hypothesis import settings as hypothesis_settings

# Property tests check behaviour, not speed: a loaded CI machine must not fail them on hypothesis' deadline.
hypothesis_settings.register_profile("camhs", deadline=None)
hypothesis_settings.load_profile("camhs")

DB_BLOCKER = pytest.StashKey[object]()


def pytest_sessionstart(session):
    """Every log record of the session goes to a file that must hold no patient's details (issue 28)."""
    from tests.support.personal_data_in_logs import Capture

    session.config._personal_data_in_logs = capture = Capture()
    capture.start()


def pytest_configure(config):
    from tests.support import template_database

    template_database.name_the_run(config)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix) -> None:
    """pytest-django's, and under pytest-xdist each process's test database a copy of one migrated template."""
    from tests.support import template_database

    template_database.copy_from_template(request.config)


def pytest_sessionfinish(session, exitstatus):
    from tests.support import template_database

    template_database.drop(session.config)
    capture = getattr(session.config, "_personal_data_in_logs", None)
    problems = [capture.finish() if capture else ""]
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: its controller reports what it found
        workeroutput["personal_data_in_logs"] = problems[0]
    problems += getattr(session.config, "_personal_data_from_workers", [])
    for problem in filter(None, problems):
        session.config.get_terminal_writer().line("\n" + problem, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: a worker's finding in its logs fails the whole run."""
    problem = getattr(node, "workeroutput", {}).get("personal_data_in_logs")
    if problem:
        node.config._personal_data_from_workers = [
            *getattr(node.config, "_personal_data_from_workers", []),
            problem,
        ]


# pytest-xdist (`--dist loadfile --no-loadscope-reorder`, as `make test` runs it) hands each process a whole
# file at a time, in collection order (without that option, the files with the most tests first): a long file
# handed out last keeps one process busy while the other has nothing left. These, the longest (seconds summed
# over a file's tests in a whole run, 2026-12-07 17:10 UTC), go first, so the short files fill the gaps at the
# end (in that run the three processes ended within a second of each other).
LONGEST_FILES_FIRST = (
    "tests/browser/test_accessibility.py",  # 76 s
    "tests/reports/test_summaries_on_demo_data.py",  # 20 s
    "tests/test_batch_outputs_unchanged.py",  # 40 s
    "tests/test_hostile_parameters.py",  # 27 s
    "tests/test_hostile_url_sweep.py",  # 37 s
    "tests/groupings/test_rules_vectorised.py",  # 25 s
    "tests/test_embedded_default.py",  # 51 s
    "tests/groupings/test_regrouping_crashes.py",  # 31 s
    "tests/browser/test_pages_fit_the_screen.py",  # 15 s
    "tests/dashboards/test_dashboard_queries.py",  # 16 s
    "tests/test_settings.py",  # 16 s
    "tests/runs/test_run_kinds_survive_a_killed_worker.py",  # 15 s
    "tests/runs/test_run_kinds_survive_the_queue_down.py",  # 14 s
    "tests/test_seed_demo.py",  # 16 s
)


def pytest_collection_finish(session):
    """Python's cycle collector, tuned for a test process (not for the app): what collection imported is frozen
    out of its scans, and it runs after 100,000 new objects rather than 700. A process's heap is large (Django,
    pandas, every test module) and mostly permanent, so each collection rescanned it: about a tenth of the
    CPU of a run of request-heavy files (tests/test_hostile_parameters.py, tests/test_authorisation_matrix.py
    and tests/assessments/, December 2026: 40.4-40.9 s of CPU, 36.3-37.6 s so)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """The longest files first (LONGEST_FILES_FIRST); every other file, and the tests inside each file, keep
    their order."""
    rank = {name: position for position, name in enumerate(LONGEST_FILES_FIRST)}
    root = config.rootpath

    def position(item) -> int:
        name = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        return rank.get(name, len(rank))

    items.sort(key=position)


def install_reference_rows() -> None:
    """The reference rows of the data migrations (each installer leaves rows already there as they are)."""
    from django.apps import apps

    from accounts.reference import install_professions
    from assessments.reference import install_outcome_reference
    from groupings.reference import install_demo_v2, install_v1
    from reports.reference import install_costs

    install_professions(apps)
    install_v1(apps)
    install_demo_v2(apps)
    install_outcome_reference(apps)
    install_costs(apps)


@pytest.fixture(autouse=True)
def _report_kinds_as_registered():
    """A test-only report kind (tests/support/slow_report.py) registered by one test is gone for the next, as
    another file's tests in the same pytest-xdist process list every registered report."""
    from reports.kinds import KINDS, REPORT_LABELS

    registered, labels = dict(KINDS), dict(REPORT_LABELS)
    yield
    KINDS.clear()
    KINDS.update(registered)
    REPORT_LABELS.clear()  # the report field's choices: register() names a kind there too
    REPORT_LABELS.update(labels)


@pytest.fixture
def reference_data(db):
    """Reference rows of the data migrations; a transactional test's flush removes them, so put them back."""
    install_reference_rows()


@pytest.fixture(autouse=True, scope="session")
def _db_blocker_for_hooks(request, django_db_blocker):
    request.config.stash[DB_BLOCKER] = django_db_blocker


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, the reference rows go back for the tests after it: pytest-django
    runs such tests last, but under pytest-xdist a process takes whole files, and the next file's tests read
    the migrations' rows (professions, rules versions) without asking for them."""
    yield
    marker = item.get_closest_marker("django_db")
    flushed = (marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))) or (
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )
    # After the session's last test the test database is already gone: nothing to put back.
    if flushed and nextitem is not None and DB_BLOCKER in item.config.stash:
        with item.config.stash[DB_BLOCKER].unblock():
            install_reference_rows()


@pytest.fixture
def service(reference_data):
    """A provider with two teams, a commissioner, and a clinician in the first team."""
    from tests import factories

    return factories.service()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process on Redis, using the test database. Tests using it need transaction=True."""
    from django.conf import settings
    from django.db import connection

    from camhs_pbr.celery import app
    from tests.support.workers import shared_cache_url, start_worker, stop, wait_until_answering

    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("Tests that need a worker run against Redis: set CELERY_BROKER_URL (see `make test`).")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    worker = start_worker(
        database_url=url,
        broker_url=broker,
        queue=queue,
        name=queue,
        concurrency=2,
        extra_env={"CACHE_URL": shared_cache_url(broker)},  # the tests that read its counts use it too
    )
    app.conf.task_default_queue = queue
    try:
        wait_until_answering(app, [queue], [worker])
    except RuntimeError as error:
        stop([worker])
        pytest.fail(str(error))
    yield app
    stop([worker])


@pytest.fixture
def worker_cache(settings):
    """Django's cache in Redis, shared with the celery_worker process (emptied before the test)."""
    from django.core.cache import cache

    from tests.support.workers import shared_cache_url

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": shared_cache_url(settings.CELERY_BROKER_URL),
        }
    }
    cache.clear()
    yield cache
    cache.clear()
