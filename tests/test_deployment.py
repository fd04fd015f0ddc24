"""The deployment files our users run: docker-compose and the documented environment variables."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_names_every_service_with_its_command():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"migrate", "web", "worker", "beat", "postgres", "redis"}
    assert "gunicorn" in services["web"]["command"] and "camhs_pbr.wsgi" in services["web"]["command"]
    assert "celery -A camhs_pbr worker" in services["worker"]["command"]
    assert "celery -A camhs_pbr beat" in services["beat"]["command"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["CELERY_BROKER_URL"].startswith(
            "redis://"
        )
    # One cache for every web process and worker, in another Redis database than the broker's.
    web_cache, worker_cache = (
        services["web"]["environment"]["CACHE_URL"],
        services["worker"]["environment"]["CACHE_URL"],
    )
    assert web_cache == worker_cache and web_cache.startswith("redis://")
    assert web_cache != services["web"]["environment"]["CELERY_BROKER_URL"]


def test_only_the_migrations_connect_as_the_tables_owner():
    """The web, worker and beat connect as the application's role; the owner's password is given to the
    one-shot `migrate` service alone, and the web starts after it has finished."""
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    owner = services["postgres"]["environment"]["POSTGRES_USER"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert re.match(r"postgres://camhs_app:", env["DATABASE_URL"])
        assert "MIGRATION_DATABASE_URL" not in env
        assert "migrate" not in services[name]["command"]
    migrate = services["migrate"]
    assert migrate["command"] == "python manage.py migrate --noinput"
    assert migrate["environment"]["MIGRATION_DATABASE_URL"].startswith(f"postgres://{owner}:")
    assert services["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    init = (ROOT / "deploy" / "postgres" / "10-app-role.sh").read_text()
    assert "CREATE ROLE camhs_app LOGIN" in init
    assert any("docker-entrypoint-initdb.d" in volume for volume in services["postgres"]["volumes"])


def test_the_web_port_is_reachable_only_from_the_host_where_its_proxy_runs():
    """X-Forwarded-For is believed from TRUSTED_PROXIES only; a port open on every interface would let anyone
    reach the app around its proxy."""
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert all(str(port).startswith("127.0.0.1:") for port in web.get("ports", []))
    assert web["environment"]["TRUSTED_PROXIES"]


def test_every_environment_variable_the_settings_read_is_documented_in_the_readme():
    settings_source = (ROOT / "camhs_pbr" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|list)\("([A-Z_]+)"', settings_source))
    readme = (ROOT / "README.md").read_text()
    assert names, "settings read no variables?"
    assert sorted(n for n in names if f"`{n}`" not in readme) == []


def test_the_ci_script_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme.split("\n## ")[0]
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_gunicorn_runs_processes_that_each_take_a_connection_only_when_free(monkeypatch):
    """gunicorn.conf.py as gunicorn reads it: sync workers (threaded ones kept keep-alive connections in the
    process that accepted them, and one process served most requests), as many as WEB_CONCURRENCY, which
    docker-compose.yml leaves to the file; each worker imports the views before its first request."""
    from gunicorn.app.base import Application

    class TheConfigFile(Application):
        def load_config(self) -> None:
            self.load_config_from_file(str(ROOT / "gunicorn.conf.py"))

        def load(self) -> None:
            return None

    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    config = TheConfigFile().cfg
    assert config.worker_class_str == "sync" and config.threads == 1
    assert config.workers == 7
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "--workers" not in compose["services"]["web"]["command"]

    from django.urls import get_resolver
    from django.urls.resolvers import _get_cached_resolver  # type: ignore[attr-defined]

    _get_cached_resolver.cache_clear()  # as a new worker process starts
    assert "url_patterns" not in vars(get_resolver())
    config.post_worker_init(None)
    assert "url_patterns" in vars(get_resolver())  # the URLconf read, and with it every view imported
