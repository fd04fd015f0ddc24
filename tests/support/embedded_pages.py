"""Run in a subprocess by tests/test_embedded_default.py: the `make run` set-up (SQLite, Celery in-process)
seeded with demo data, then every report page and download opened as the demo users who may see them (each
user re-running one report), and the managers' pages: both dashboard tabs with every drill-down list and CSV
table they link to, a filter change, the re-grouping page and its CSV, the caseload and a case."""

import os
import re
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
    call_command("seed_demo", cases=int(sys.argv[1]), seed=1, as_of=timezone.localdate(), packs=True)
    assert not ReportRun.objects.exclude(status="done").exists()
    client = Client()
    opened = 0
    for username in ("commissioner", "manager", "service.manager"):
        user = User.objects.get(username=username)
        client.force_login(user)
        assert client.get("/reports/").status_code == 200
        for n, offer in enumerate(offers(user)):
            url = f"/reports/{offer.kind.report}/{offer.scope.kind}/{offer.scope.code}/"
            page = client.get(url)
            assert page.status_code == 200 and page.context["table"] is not None, url
            for fmt in ("csv", "xlsx"):
                month = page.context["month"].label()
                assert client.get(f"{url}{month}.{fmt}").status_code == 200, (url, fmt)
            if n == 0:
                # "Re-run" once a user: the seed above ran every kind in this process already (reports'
                # own code on SQLite), and the request, the in-process task and the pack it re-makes are
                # one path for every kind.
                run = client.post(url, {"period": page.context["month"].label()}, follow=True)
                assert run.status_code == 200 and "Done" in run.content.decode(), url  # ran in-process
            opened += 1
    for username in ("clinician", "manager"):
        client.force_login(User.objects.get(username=username))
        assert client.get("/cases/").status_code == 200
    print(f"opened {opened} report pages")
    print(f"downloaded {demo_packs(client)} demo packs")
    print(f"opened {managers_pages(client)} managers' pages")
    print(f"loaded the demo extract: {demo_extract_upload(client)} rows rejected")
    print(f"opened {payment_pages(client)} payment pages")


def demo_packs(client: Client) -> int:
    """make run's demo (seed_demo --packs) offers its commissioner and service manager last month's pack."""
    downloaded = 0
    for username in ("commissioner", "service.manager"):
        client.force_login(User.objects.get(username=username))
        index = client.get("/reports/").content.decode()
        links = re.findall(r'href="(/reports/packs/[^"]+\.pdf)"', index)
        assert len(links) == 1, (username, links)
        pdf = client.get(links[0])
        assert pdf.status_code == 200 and pdf.getvalue().startswith(b"%PDF")
        downloaded += 1
    return downloaded


def payment_pages(client: Client) -> int:
    """Contracts and statements for both parties, a statement computed in-process from its contract page,
    its downloads, and an agreed statement refused a change by SQLite's triggers."""
    from django.db import DatabaseError

    from payments.models import Statement

    opened = 0
    for username in ("commissioner", "service.manager"):
        user = User.objects.get(username=username)
        client.force_login(user)
        assert client.get("/payments/contracts/").status_code == 200
        for statement in Statement.objects.in_scope_of(user):
            assert client.get(f"/payments/contracts/{statement.contract_id}/").status_code == 200
            assert client.get(f"/payments/statements/{statement.pk}/").status_code == 200
            opened += 1
        first = Statement.objects.in_scope_of(user).first()
        assert first is not None
        for fmt in ("csv", "xlsx", "pdf"):
            assert client.get(f"/payments/statements/{first.pk}.{fmt}").status_code == 200
    contract_id = Statement.objects.in_scope_of(user).first().contract_id  # type: ignore[union-attr]
    month = Statement.objects.filter(contract_id=contract_id).latest("period").period
    computed = client.post(f"/payments/contracts/{contract_id}/", {"period": f"{month:%Y-%m}"}, follow=True)
    assert computed.status_code == 200 and "Done" in computed.content.decode()  # ran in-process
    agreed = Statement.objects.agreed().first()
    assert agreed is not None
    try:
        Statement.objects.filter(pk=agreed.pk).update(payable_ytd=0)
    except DatabaseError:
        pass
    else:
        raise AssertionError("SQLite let an agreed statement change")
    return opened


def managers_pages(client: Client) -> int:
    """Every page a manager reaches from the dashboards, for a team manager and a service manager."""
    opened = 0
    for username in ("manager", "service.manager"):
        client.force_login(User.objects.get(username=username))
        links: set[str] = set()
        for tab in ("/dashboard/", "/dashboard/data-quality/"):
            page = client.get(tab)
            body = page.content.decode()
            assert page.status_code == 200, tab
            links |= set(re.findall(r'href="(/dashboard/(?:cases/[a-z0-9-]+/|[a-z-]+\.csv)[^"]*)"', body))
        filtered = client.get("/dashboard/?period=3m", headers={"HX-Request": "true"})
        assert filtered.status_code == 200
        assert len([link for link in links if "/cases/" in link]) >= 10, links
        for link in sorted(links):
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link
        regrouping = client.get("/groupings/regrouping/")
        assert regrouping.status_code == 200 and regrouping.context["total"] > 0
        assert client.get("/groupings/regrouping/movement.csv").status_code == 200
        case = client.get("/cases/").context["page"][0]
        assert client.get(f"/cases/{case.pk}/").status_code == 200
        opened += 2 + len(links) + 3
    return opened


def demo_extract_upload(client: Client) -> int:
    """The demo's data manager uploads demo/extract/ (run in-process) and reads the import's page."""
    import io
    import zipfile
    from pathlib import Path

    from imports.models import ImportRun

    client.force_login(User.objects.get(username="data.manager"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted((Path(settings.BASE_DIR) / "demo" / "extract").glob("*.csv")):
            out.write(path, path.name)
    archive.seek(0)
    archive.name = "extract.zip"
    page = client.post("/imports/", {"extract": archive, "mode": "delta"}, follow=True)
    body = page.content.decode()
    assert page.status_code == 200 and "Done" in body and "is not an AttendOrDNACode" in body, body[-2000:]
    return ImportRun.objects.get().rejected_rows


if __name__ == "__main__":
    main()
