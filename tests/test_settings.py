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
