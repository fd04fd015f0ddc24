"""Settings read from the environment as a fresh process would: production switches and refusals."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_KEY = "dev-only-insecure-key-do-not-use-in-production"
SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in "
    "['DEBUG', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'REQUIRE_ADMIN_2FA']}))"
)


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT"}}
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "camhs_pbr.settings", **env},
        capture_output=True,
        text=True,
    )


def settings_of(**env: str) -> dict:
    process = start(**env)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_without_debug_the_app_refuses_to_start_without_a_secret_key():
    process = start()
    assert process.returncode != 0
    assert "refusing the development key" in process.stderr


def test_without_debug_the_app_refuses_the_development_key_given_explicitly():
    process = start(SECRET_KEY=DEVELOPMENT_KEY)
    assert process.returncode != 0 and "refusing the development key" in process.stderr


def test_with_debug_on_the_development_key_is_accepted():
    assert settings_of(DEBUG="1")["DEBUG"] is True


def test_production_settings_start_with_a_key_and_require_a_second_factor_for_administrators():
    production = settings_of(SECRET_KEY="a-production-key-from-the-environment")
    assert production["DEBUG"] is False and production["REQUIRE_ADMIN_2FA"] is True
    assert settings_of(DEBUG="1")["REQUIRE_ADMIN_2FA"] is False


def test_hsts_is_on_for_a_year_with_subdomains_once_https_is_enforced():
    plain = settings_of(SECRET_KEY="a-production-key-from-the-environment")
    https = settings_of(SECRET_KEY="a-production-key-from-the-environment", SECURE_SSL_REDIRECT="1")
    assert (plain["SECURE_HSTS_SECONDS"], plain["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (0, False)
    assert (https["SECURE_HSTS_SECONDS"], https["SECURE_HSTS_INCLUDE_SUBDOMAINS"]) == (31_536_000, True)


def test_the_deployment_check_passes_with_production_settings():
    process = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is theirs, never a deployment's.
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
            },
            "DEBUG": "0",
            "SECRET_KEY": "deploy-check-only-3f9c1a7e5b2d4c6e8a0b1d3f5e7c9a2b4d6f8e0a1c3e5",
            "ALLOWED_HOSTS": "camhs.example.nhs.uk",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_COOKIES": "1",
        },
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr


def test_schema_commands_run_without_a_key_but_other_commands_refuse_it():
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    schema = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert schema.returncode == 0, schema.stderr
    other = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert other.returncode != 0 and "refusing the development key" in other.stderr


def test_only_migrate_connects_to_the_migration_database(tmp_path):
    """`manage.py migrate` runs as the tables' owner (MIGRATION_DATABASE_URL); every other process connects
    as the application's role (DATABASE_URL), whose name the migrations grant their rights to."""
    app_db, owner_db = tmp_path / "app.sqlite3", tmp_path / "owner.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "SECRET_KEY": "settings-test-key-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{app_db}",
        "MIGRATION_DATABASE_URL": f"sqlite:///{owner_db}",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--plan"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert migrate.returncode == 0, migrate.stderr
    assert owner_db.exists() and not app_db.exists()
    shell = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.db import connection; connection.ensure_connection()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert shell.returncode == 0, shell.stderr
    assert app_db.exists()


LOG_FORMATS = (
    "import django, logging; django.setup(); from django.conf import settings; "
    "print(settings.LOG_FORMAT, type(logging.getLogger().handlers[0].formatter).__name__)"
)


def log_format_of(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "LOG_FORMAT"}}
    process = subprocess.run(
        [sys.executable, "-c", LOG_FORMATS],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "camhs_pbr.settings", **env},
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr
    return process.stdout.strip().splitlines()[-1]


def test_logs_are_json_lines_in_production_and_text_under_make_run_unless_chosen():
    key = "a-production-key-from-the-environment"
    assert log_format_of(SECRET_KEY=key) == "json JsonFormatter"
    assert log_format_of(DEBUG="1") == "text Formatter"
    assert log_format_of(SECRET_KEY=key, LOG_FORMAT="text") == "text Formatter"
    assert log_format_of(DEBUG="1", LOG_FORMAT="json") == "json JsonFormatter"


def test_an_unknown_log_format_is_refused_by_name():
    process = start(SECRET_KEY="a-production-key-from-the-environment", LOG_FORMAT="xml")
    assert process.returncode != 0 and "LOG_FORMAT must be json or text" in process.stderr
