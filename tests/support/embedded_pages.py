"""Run in a subprocess by tests/test_embedded_default.py: the `make run` set-up (SQLite, Celery in-process)
seeded with demo data, then every report page and download opened as the demo users who may see them."""

import os
import sys

os.environ.pop("CELERY_BROKER_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "camhs_pbr.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from reports.access import offers  # noqa: E402
from reports.models import ReportRun  # noqa: E402


def main() -> None:
    assert settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and settings.CELERY_TASK_ALWAYS_EAGER
    setup_test_environment()  # page contexts for the checks below
    call_command("migrate", verbosity=0)
    call_command("seed_demo", cases=int(sys.argv[1]), seed=1, as_of=timezone.localdate())
    assert not ReportRun.objects.exclude(status="done").exists()
    client = Client()
    opened = 0
    for username in ("commissioner", "manager", "service.manager"):
        user = User.objects.get(username=username)
        client.force_login(user)
        assert client.get("/reports/").status_code == 200
        for offer in offers(user):
            url = f"/reports/{offer.kind.report}/{offer.scope.kind}/{offer.scope.code}/"
            page = client.get(url)
            assert page.status_code == 200 and page.context["table"] is not None, url
            for fmt in ("csv", "xlsx"):
                month = page.context["month"].label()
                assert client.get(f"{url}{month}.{fmt}").status_code == 200, (url, fmt)
            run = client.post(url, {"period": page.context["month"].label()}, follow=True)
            assert run.status_code == 200 and "Done" in run.content.decode(), url  # ran in-process
            opened += 1
    for username in ("clinician", "manager"):
        client.force_login(User.objects.get(username=username))
        assert client.get("/cases/").status_code == 200
    print(f"opened {opened} report pages")


if __name__ == "__main__":
    main()
