"""Error reports (issue 28): Sentry only when SENTRY_DSN is set, and nothing personal in what is sent."""

import json
import os
import subprocess
import sys
from pathlib import Path

from camhs_pbr.sentry import scrub_event

ROOT = Path(__file__).resolve().parent.parent
NHS_NUMBER = "9434765919"
NAME = "Maya Rahman"


def an_event_with_personal_data() -> dict:
    """Shaped as sentry-sdk's Django and Celery integrations build an event for an error in a page."""
    return {
        "level": "error",
        "request": {
            "method": "POST",
            "url": f"https://camhs.example.nhs.uk/patients/new/?q={NHS_NUMBER}",
            "query_string": f"q={NHS_NUMBER}",
            "data": {"nhs_number": NHS_NUMBER, "given_name": "Maya", "family_name": "Rahman"},
            "cookies": {"sessionid": "a-session-key"},
            "headers": {"Cookie": "sessionid=a-session-key", "Referer": f"/cases/?q={NAME}"},
            "env": {"REMOTE_ADDR": "203.0.113.7"},
        },
        "user": {"id": "42", "username": "clinician.north", "email": "clinician@example.nhs.uk"},
        "extra": {"celery-job": {"task_name": "x", "args": [NAME], "kwargs": {}}},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "duplicate key value\nDETAIL:  Key (nhs_number)=(9434765919) already exists.\n"
                    f"while registering {NHS_NUMBER[:3]} {NHS_NUMBER[3:6]} {NHS_NUMBER[6:]}",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "assessments/services.py",
                                "function": "register_patient",
                                "lineno": 40,
                                "vars": {
                                    "given_name": "'Maya'",
                                    "family_name": "'Rahman'",
                                    "dob": "2013-02-01",
                                },
                            }
                        ]
                    },
                }
            ]
        },
        "breadcrumbs": {
            "values": [
                {"category": "query", "message": "SELECT 1", "data": {"params": [NHS_NUMBER, "Rahman"]}},
                {"category": "django.request", "message": f"Searched for {NHS_NUMBER}"},
            ]
        },
    }


def test_an_event_leaves_without_nhs_numbers_names_bodies_queries_cookies_or_variables():
    event = scrub_event(an_event_with_personal_data(), {})
    sent = json.dumps(event)
    for personal in (
        NHS_NUMBER,
        "943 476 5919",
        "Maya",
        "Rahman",
        "clinician.north",
        "example.nhs.uk/patients/new/?",
        "a-session-key",
        "2013-02-01",
        "203.0.113.7",
    ):
        assert personal not in sent, personal
    assert event["request"] == {"method": "POST", "url": "https://camhs.example.nhs.uk/patients/new/"}
    assert event["user"] == {"id": "42"}
    [exception] = event["exception"]["values"]
    assert exception["type"] == "IntegrityError" and exception["value"].startswith("duplicate key value")
    assert exception["stacktrace"]["frames"][0]["function"] == "register_patient"  # the stack is kept


SHOW = (
    "import json, django, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); "
    "print(json.dumps({'active': client.is_active(), 'pii': client.options.get('send_default_pii'), "
    "'locals': client.options.get('include_local_variables'), "
    "'before_send': getattr(client.options.get('before_send'), '__name__', None), "
    "'environment': client.options.get('environment')}))"
)


def sentry_of(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_") and k != "DEBUG"}
    process = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "camhs_pbr.settings", "SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_sentry_is_off_without_a_dsn_and_scrubs_every_event_with_one():
    assert sentry_of()["active"] is False
    on = sentry_of(SENTRY_DSN="https://public@sentry.example.invalid/1", SENTRY_ENVIRONMENT="staging")
    assert on == {
        "active": True,
        "pii": False,
        "locals": False,
        "before_send": "scrub_event",
        "environment": "staging",
    }
