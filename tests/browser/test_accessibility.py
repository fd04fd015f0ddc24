"""axe-core (npm axe-core, vendored in tests/browser/vendor) finds no WCAG 2.2 A/AA violation on any page of any
role: every page the site's URL table names, opened with the demo service's data by each role that may open it,
and the admin pages the project customises (each registered model's list and add form).

A new URL fails `test_every_page_is_checked_or_named_as_not_a_page` until it is added to PAGES (or, for a
download or an action, to NOT_PAGES).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role, User
from assessments.models import Case, MeasureResponse
from consistency.models import Audit
from groupings.models import Allocation, RulesVersion
from imports.models import ImportRun
from lab import model_files, services
from lab.methods import METHODS, fit
from lab.models import LabRun
from lab.synthetic import planted_episodes
from payments.models import Statement
from reports.models import ReportRun
from tests.support.logins import log_in_with_second_factor
from tests.test_authorisation_matrix import is_admins_own, url_names

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AS_OF = dt.date(2026, 10, 31)

# Not pages a person reads: downloads, actions, machine endpoints and Django's own sign-in screens' posts.
NOT_PAGES = {
    "health",  # JSON for load balancers
    "metrics",  # Prometheus text for the scraper
    "logout",  # POST only
    "home",  # redirects to the role's first page
    "reports:download",  # a CSV/XLSX file
    "reports:pack",  # a PDF file
    "dashboards:dashboard_csv",  # a CSV file
    "groupings:regrouping_movement_csv",  # a CSV file
    "favicon",  # an image
    "lab:allocation_help",  # POST only: publishes or withdraws, then back to the run page
    "lab:publish_tree",  # POST only: publishes, then back to the run page (errors: the run page, checked)
    "consistency:audit_assign",  # POST only: then back to the audit page (errors: the audit page, checked)
    "consistency:audit_close",  # POST only: then back to the audit page
    "consistency:vignette_record",  # a CSV file
    "imports:report",  # a CSV file
    # The API for other systems answers JSON (its reference page, api:reference, is checked).
    "api:schema",
    "api:suggestions",
    "api:cases",
    "api:current_views",
    "api:allocations",
    "api:figures",
    "api:fhir_questionnaire",
    "api:fhir_suggest",
    "payments:agree",  # POST only: then back to the statement page
    "payments:challenge",  # POST only: then back to the statement page
    "payments:answer",  # POST only: then back to the statement page
    "payments:download",  # a CSV/XLSX/PDF file
}


def _demo_urls() -> dict[str, list[tuple[str, str]]]:
    """url name -> [(role username, concrete URL)] for every page, with the demo service's records."""
    clinician = User.objects.get(username="clinician")
    case = (
        Case.objects.visible_to(clinician)
        .open_referrals()
        .filter(current_views__isnull=False)
        .order_by("pk")
        .first()
    )
    closed = Case.objects.visible_to(clinician).filter(closed_date__isnull=False).order_by("pk").first()
    assert case is not None and closed is not None
    view = case.current_views.order_by("-pk").first()
    contact = case.contacts.order_by("pk").first()
    assert contact is not None
    response = (
        MeasureResponse.objects.filter(case__in=Case.objects.visible_to(clinician)).order_by("pk").first()
    )
    assert view is not None and response is not None
    commissioner = User.objects.get(username="commissioner")
    assert commissioner.commissioner is not None
    run = (
        ReportRun.objects.filter(
            status="done", scope_kind="commissioner", scope_code=commissioner.commissioner.code
        )
        .order_by("pk")
        .first()
    )
    assert run is not None, "the demo seeds finished report runs for its commissioner"
    report_user = commissioner
    assert Allocation.objects.exists() and RulesVersion.objects.exists()
    clinical = ["clinician", "manager", "service.manager"]
    every = [*clinical, "commissioner", "admin"]

    def each(usernames: list[str], url: str) -> list[tuple[str, str]]:
        return [(name, url) for name in usernames]

    lab_runs = _lab_runs(User.objects.get(username="service.manager"))
    audit, rater, to_rate, rated = _audit(User.objects.get(username="manager"))
    import_run = _import_run(User.objects.get(username="data.manager"))
    vignettes = _vignettes(clinician)
    statements = list(Statement.objects.in_scope_of(User.objects.get(username="service.manager")))
    assert statements, "the demo seeds contract statements"
    contract_id = statements[0].contract_id
    return {
        "consistency:vignettes": each(clinical, reverse("consistency:vignettes")),
        "consistency:vignette": [
            ("clinician", reverse("consistency:vignette", args=[pk])) for pk in vignettes
        ],
        "consistency:vignette_agreement": each(
            ["manager", "service.manager"], reverse("consistency:vignette_agreement")
        ),
        "consistency:audits": each(["manager", "service.manager"], reverse("consistency:audits")),
        "consistency:audit": each(["manager"], reverse("consistency:audit", args=[audit.pk])),
        "consistency:audit_agreement": each(
            ["manager"], reverse("consistency:audit_agreement", args=[audit.pk])
        ),
        "consistency:agreement": each(["manager", "service.manager"], reverse("consistency:agreement")),
        "consistency:my_audit_cases": each([rater, "clinician"], reverse("consistency:my_audit_cases")),
        "consistency:rate_audit_case": [
            (rater, reverse("consistency:rate_audit_case", args=[to_rate])),
            (rater, reverse("consistency:rate_audit_case", args=[rated])),
        ],
        "imports:index": each(["data.manager"], reverse("imports:index")),
        "imports:run": each(["data.manager"], reverse("imports:run", args=[import_run.pk])),
        "imports:not_in_extract": each(["data.manager"], reverse("imports:not_in_extract")),
        "payments:contracts": each(["commissioner", "service.manager"], reverse("payments:contracts")),
        "payments:contract": each(
            ["commissioner", "service.manager"], reverse("payments:contract", args=[contract_id])
        ),
        "payments:statement": [
            (name, reverse("payments:statement", args=[s.pk]))
            for s in statements
            for name in ("commissioner", "service.manager")
        ],
        "payments:line_cases": each(
            ["service.manager"], reverse("payments:line_cases", args=[statements[0].pk, "UNGROUPED"])
        ),
        "payments:propose_prices": each(
            ["service.manager"], reverse("payments:propose_prices", args=[contract_id]) + "?period=2026-09"
        ),
        "lab:index": each(["service.manager"], reverse("lab:index")),
        "lab:run": [("service.manager", reverse("lab:run", args=[run.pk])) for run in lab_runs],
        "login": [("", reverse("login"))],
        "api:reference": [("", reverse("api:reference")), ("clinician", reverse("api:reference"))],
        "accounts:password_change": each(every, reverse("accounts:password_change")),
        "accounts:two_factor_setup": each([*clinical, "commissioner"], reverse("accounts:two_factor_setup")),
        "accounts:two_factor_verify": each(["admin"], reverse("accounts:two_factor_verify")),
        "admin:index": each(["admin"], reverse("admin:index")),
        "assessments:caseload": each(clinical, reverse("assessments:caseload")),
        "assessments:case_detail": each(clinical, reverse("assessments:case_detail", args=[case.pk])),
        "assessments:contact_create": each(
            ["clinician"], reverse("assessments:contact_create", args=[case.pk])
        ),
        "assessments:contact_correct": each(
            ["clinician"], reverse("assessments:contact_correct", args=[case.pk, contact.pk])
        ),
        "assessments:case_discharge": each(
            ["clinician"], reverse("assessments:case_discharge", args=[case.pk])
        ),
        "assessments:case_reopen": each(["clinician"], reverse("assessments:case_reopen", args=[closed.pk])),
        "assessments:patient_create": each(["clinician"], reverse("assessments:patient_create")),
        "assessments:referral_create": each(
            ["clinician"], reverse("assessments:referral_create", args=[case.patient_id])
        ),
        "assessments:measure_create": [
            ("clinician", reverse("assessments:measure_create", args=[case.pk, measure, informant]))
            for measure, informant in (("sdq", "parent"), ("rcads", "self"), ("honosca", "clinician"))
        ],
        "assessments:measure_correct": each(
            ["clinician"], reverse("assessments:measure_correct", args=[response.case_id, response.pk])
        ),
        "assessments:goal_create": each(["clinician"], reverse("assessments:goal_create", args=[case.pk])),
        "groupings:current_view_create": each(
            ["clinician"], reverse("groupings:current_view_create", args=[case.pk])
        ),
        "groupings:current_view_detail": each(
            ["clinician"], reverse("groupings:current_view_detail", args=[case.pk, view.pk])
        ),
        "groupings:current_view_correct": each(
            ["clinician"], reverse("groupings:current_view_correct", args=[case.pk, view.pk])
        ),
        "groupings:regrouping": each(["manager", "service.manager"], reverse("groupings:regrouping")),
        "dashboards:dashboard": each(["manager", "service.manager"], reverse("dashboards:dashboard")),
        "dashboards:dashboard_quality": each(
            ["manager", "service.manager"], reverse("dashboards:dashboard_quality")
        ),
        "dashboards:dashboard_cases": [
            (name, reverse("dashboards:dashboard_cases", args=[slug]))
            for name in ("manager", "service.manager")
            for slug in ("review-overdue", "quality-allocation")
        ],
        "reports:index": each(["commissioner", "manager", "service.manager"], reverse("reports:index")),
        "reports:dictionary": each(["commissioner", "service.manager"], reverse("reports:dictionary")),
        "reports:report": each(
            [report_user.username],
            f"{reverse('reports:report', args=[run.report, run.scope_kind, run.scope_code])}?period={run.period:%Y-%m}",
        ),
    }


def _audit(manager: User) -> tuple[Audit, str, int, int]:
    """An open audit of the team manager's team with two cases asked of a second rater, one of them rated:
    (the audit, the second rater's username, the case to rate, the rated case)."""
    from consistency import selectors
    from consistency import services as audits
    from consistency.tasks import sample_audit
    from groupings.selectors import current_rules_version

    team = manager.teams.get()
    audit = audits.start_audit(
        by=manager,
        team=team,
        period_from=AS_OF - dt.timedelta(days=365),
        period_to=AS_OF,
        size=2,
        method="stratified",
        seed=1,
    )
    sample_audit(audit.pk)
    cases = list(audit.cases.select_related("allocation__suggestion__current_view"))
    assert len(cases) == 2, "the demo has allocations in the year to its date"
    taken = selectors.first_raters(cases[0]) | selectors.first_raters(cases[1])
    rater = selectors.second_raters_for(manager).exclude(pk__in=taken).first()
    assert rater is not None
    audits.assign_second_raters(by=manager, audit=audit, choices={c.pk: rater for c in cases})
    audits.record_audit_rating(
        by=rater,
        audit_case=cases[1],
        ratings=cases[1].allocation.suggestion.current_view.ratings(),  # type: ignore[union-attr]
        grouping=current_rules_version().groupings.get(code="GA01"),
    )
    return audit, rater.username, cases[0].pk, cases[1].pk


def _vignettes(clinician: User) -> list[int]:
    """A demo vignette the clinician rated (its reference page) and one they have not (its form)."""
    from consistency import services as vignette_services
    from consistency.models import Vignette
    from groupings.selectors import current_rules_version

    rated, to_rate = Vignette.objects.order_by("code")[:2]
    vignette_services.record_vignette_rating(
        by=clinician,
        vignette=rated,
        ratings={**rated.ratings(), "p09": 1},
        grouping=current_rules_version().groupings.get(code="GA01"),
    )
    return [rated.pk, to_rate.pk]


def _import_run(manager: User) -> ImportRun:
    """The demo's extract loaded by its data manager: a done import with counts and rejected rows."""
    from imports import services
    from tests.imports.test_demo_extract import DEMO_EXTRACT

    assert manager.provider is not None
    run = services.request_import(
        by=manager, provider=manager.provider, path=DEMO_EXTRACT, name="extract", source="command", send=False
    )
    done = services.run_import(run.pk)
    assert done is not None
    return done


def _lab_runs(manager: User) -> list[LabRun]:
    """A done run of each method (fitted on synthetic episodes, so every chart is drawn), the classifier
    published for allocation help (the clinician's Current View page shows its estimate), and a queued run."""
    rules_version = RulesVersion.objects.get(is_current=True)
    assert manager.provider is not None
    found = []
    for method in METHODS:
        result = fit(method, planted_episodes(400, rules_version.ruleset(), seed=3), seed=0)
        run = LabRun.objects.create(
            provider=manager.provider,
            requested_by=manager,
            method=method,
            status="done",
            closed_from=dt.date(2025, 1, 1),
            closed_to=dt.date(2025, 12, 31),
            rules_version=rules_version,
            episodes=result.n,
            fingerprint="0" * 64,
            result=result.to_json(),
            seconds=1.0,
        )
        run.model_file = model_files.save(run.pk, run.fingerprint, result.model)
        run.save()
        found.append(run)
    services.publish_for_allocation_help(by=manager, run=found[-1])
    queued = LabRun.objects.create(
        provider=manager.provider,
        requested_by=manager,
        method="tree",
        closed_from=dt.date(2025, 1, 1),
        closed_to=dt.date(2025, 12, 31),
        rules_version=rules_version,
    )
    return [*found, queued]


def _admin_urls() -> list[str]:
    """The admin pages: each model the project registers, and Django's groups: its list, add form and a change
    form."""
    urls = [reverse("admin:index")]
    superuser_request = RequestFactory().get("/")
    superuser_request.user = User(is_active=True, is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        # The project's apps, and Django's groups (their permissions picker is a widget of the admin's own).
        if model._meta.app_label not in {
            "accounts",
            "assessments",
            "groupings",
            "reports",
            "payments",
            "auth",
        }:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(superuser_request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    # The project's own admin pages beside the model pages.
    urls.append(reverse("admin:assessments_measureitemwording_upload"))
    return urls


def test_every_page_is_checked_or_named_as_not_a_page():  # the URL table only: no database, so no flush after
    pages = {name for name in url_names() if not is_admins_own(name)}
    # A throwaway empty database has no demo records: list names only, from the table below.
    listed = set(_PAGE_NAMES) | NOT_PAGES
    assert pages - listed == set(), f"add these pages to the accessibility check: {sorted(pages - listed)}"
    assert listed - pages == set(), f"these names are no longer URLs: {sorted(listed - pages)}"


_PAGE_NAMES = (
    "login",
    "accounts:password_change",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "admin:index",
    "assessments:caseload",
    "assessments:case_detail",
    "assessments:contact_create",
    "assessments:contact_correct",
    "assessments:case_discharge",
    "assessments:case_reopen",
    "assessments:patient_create",
    "assessments:referral_create",
    "assessments:measure_create",
    "assessments:measure_correct",
    "assessments:goal_create",
    "groupings:current_view_create",
    "groupings:current_view_detail",
    "groupings:current_view_correct",
    "groupings:regrouping",
    "reports:index",
    "reports:dictionary",
    "reports:report",
    "dashboards:dashboard",
    "dashboards:dashboard_quality",
    "dashboards:dashboard_cases",
    "lab:index",
    "lab:run",
    "imports:index",
    "imports:run",
    "imports:not_in_extract",
    "api:reference",
    "consistency:audits",
    "consistency:audit",
    "consistency:audit_agreement",
    "consistency:agreement",
    "consistency:my_audit_cases",
    "consistency:rate_audit_case",
    "consistency:vignettes",
    "consistency:vignette",
    "consistency:vignette_agreement",
    "payments:contracts",
    "payments:contract",
    "payments:statement",
    "payments:line_cases",
    "payments:propose_prices",
)


def _sign_in(context, live_server, username: str) -> None:
    """Give the browser the session of `username` (administrators with their second factor), or none."""
    context.clear_cookies()
    if not username:
        return
    client = Client()
    user = User.objects.get(username=username)
    if user.role == Role.ADMINISTRATOR:
        log_in_with_second_factor(client, user)
    else:
        client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _violations(page) -> list[str]:
    result = page.evaluate(
        # Violations only: axe's "no-passes" reporter does not gather the rules a page passed.
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], "
        "reporter: 'no-passes'})",
        WCAG_22_AA,
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


@pytest.fixture
def demo_service(reference_data, settings, tmp_path):
    settings.LAB_MODELS_DIR = tmp_path  # the lab runs' fitted models
    call_command("seed_demo", cases=40, seed=1, as_of=AS_OF, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_no_page_of_any_role_has_a_wcag_22_aa_violation(browser, live_server, demo_service):
    # The site's CSP forbids the inline script axe is injected as; this context alone lifts it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.add_init_script(path=AXE)  # in every page the context opens, sent to the browser once
    context.set_default_timeout(10_000)
    page = context.new_page()
    visits = [(username, url) for urls in _demo_urls().values() for username, url in urls]
    visits += [("admin", url) for url in _admin_urls()]
    found: list[str] = []
    signed_in_as = None
    for username, url in sorted(visits):
        if username != signed_in_as:
            _sign_in(context, live_server, username)
            signed_in_as = username
        response = page.goto(url)
        if response is None or response.status != 200:
            found.append(f"{url} as {username or 'anonymous'}: HTTP {response and response.status}")
            continue
        found += [f"{url} as {username or 'anonymous'}: {problem}" for problem in _violations(page)]
    context.close()
    assert not found, "WCAG 2.2 A/AA violations found by axe-core:\n" + "\n".join(found)
