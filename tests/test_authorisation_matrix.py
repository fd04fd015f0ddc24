"""Who reaches which page: every URL pattern of the site, for each role, by GET and by POST.

A new URL without a rule in EXPECTED fails `test_every_url_has_a_rule`, asking for its rule. Each role is a
user of one world: a case of team A (provider 1, ICB 1); "own team" is a clinician of team A, "other team"
one of team B of the same provider, "other provider" one of a team of provider 2; the team manager manages
team A. A POST carries no data: it shows whether the role gets as far as the form, not what a good form does.
"""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Role
from assessments import services as assessment_services
from assessments.measures import MEASURES
from assessments.scoring import Answers
from groupings import services as grouping_services
from groupings.selectors import current_rules_version
from imports.models import ImportRun
from lab.models import LabRun
from reports.kinds import CASEMIX
from reports.models import ScopeKind
from reports.periods import Month
from tests import factories
from tests.groupings.helpers import ratings
from tests.support.logins import log_in_with_second_factor

pytestmark = pytest.mark.django_db

ROLES = (
    "own_team",
    "other_team",
    "other_provider",
    "team_manager",
    "commissioner",
    "administrator",
    "anonymous",
)
LOGIN = "login"  # a redirect to the login page
REDIRECT = "redirect"  # a redirect elsewhere (the role's home page, or the page it came from)
ADMIN_LOGIN = "admin login"  # a redirect to the admin's own login page


def rule(**statuses: object) -> dict[str, object]:
    assert set(statuses) == set(ROLES), f"a rule names every role: {sorted(set(ROLES) ^ set(statuses))}"
    return statuses


CASE_PAGE = rule(
    own_team=200,
    other_team=404,
    other_provider=404,
    team_manager=200,
    commissioner=403,
    administrator=403,
    anonymous=LOGIN,
)
CASE_FORM = {"GET": CASE_PAGE, "POST": CASE_PAGE}
# Opening the reopen page of an open case sends its team back to the case page (an empty POST shows the
# form's errors); everyone else is refused as for any case page.
CASE_FORM_OF_AN_OPEN_CASE = {
    "GET": {**CASE_PAGE, "own_team": REDIRECT, "team_manager": REDIRECT},
    "POST": CASE_PAGE,
}  # an empty POST re-renders the form with its errors
CASE_LIST = rule(
    own_team=200,
    other_team=200,
    other_provider=200,
    team_manager=200,
    commissioner=403,
    administrator=403,
    anonymous=LOGIN,
)
REPORTS_OF_THE_ICB = rule(
    own_team=403,
    other_team=403,
    other_provider=403,
    team_manager=403,
    commissioner=200,
    administrator=403,
    anonymous=LOGIN,
)
MANAGERS_ONLY = rule(
    own_team=403,
    other_team=403,
    other_provider=403,
    team_manager=200,
    commissioner=403,
    administrator=403,
    anonymous=LOGIN,
)
EVERYONE = rule(**dict.fromkeys(ROLES, 200))
SIGNED_IN = rule(**{**dict.fromkeys(ROLES, 200), "anonymous": LOGIN})
SIGNED_IN_SENT_ON = rule(**{**dict.fromkeys(ROLES, REDIRECT), "anonymous": LOGIN})
HOME: dict[str, object] = {
    **dict.fromkeys(ROLES, REDIRECT),
    "anonymous": LOGIN,
}  # to the caseload, the admin or reports
# The algorithm lab is for service managers of the run's provider alone (none of the roles above is one;
# SERVICE_MANAGERS below gives their rules): everyone else is refused, commissioners included.
LAB = rule(
    own_team=403,
    other_team=403,
    other_provider=403,
    team_manager=403,
    commissioner=403,
    administrator=403,
    anonymous=LOGIN,
)
CASE_TO_RATE = rule(
    own_team=200,
    other_team=404,
    other_provider=404,
    team_manager=404,
    commissioner=403,
    administrator=403,
    anonymous=LOGIN,
)
# Imports are for data managers of the run's provider alone (none of the roles above is one; DATA_MANAGERS
# below gives their rules).
IMPORTS = LAB
# A manager's read-only pages: GET only (a POST is refused with 405 once the role is allowed in).
MANAGERS_READ_ONLY = {"GET": MANAGERS_ONLY, "POST": {**MANAGERS_ONLY, "team_manager": 405}}
# A manager's figures page whose POST recalculates them (a background run), then back to the page.
MANAGERS_RECALCULATE = {"GET": MANAGERS_ONLY, "POST": {**MANAGERS_ONLY, "team_manager": REDIRECT}}
ADMIN_ONLY: dict[str, object] = {**dict.fromkeys(ROLES, ADMIN_LOGIN), "administrator": 200}
# The API with a session (keys: tests/api/test_api_scopes.py): no redirect to the login page but 401; the
# guards come before the method, so a role let in gets 405 for the other method; the matrix's POST is a form,
# not JSON (415), and a Current View without its Idempotency-Key is refused first (400).
CLINICAL = ("own_team", "other_team", "other_provider", "team_manager")
API_REFUSED = {"commissioner": 403, "administrator": 403, "anonymous": 401}
API_CLINICAL_ONLY = rule(**dict.fromkeys(CLINICAL, 200), **API_REFUSED)
API_CASE = rule(own_team=200, other_team=404, other_provider=404, team_manager=200, **API_REFUSED)
API_NOT_THIS_METHOD = rule(**dict.fromkeys(CLINICAL, 405), **API_REFUSED)

# url name -> {method: rule}
EXPECTED: dict[str, dict[str, dict[str, object]]] = {
    "home": {"GET": HOME, "POST": HOME},
    "health": {"GET": EVERYONE, "POST": EVERYONE},
    # Prometheus' scrape, for its bearer token only (tests/test_metrics.py); no token is configured here.
    "metrics": {"GET": rule(**dict.fromkeys(ROLES, 404)), "POST": rule(**dict.fromkeys(ROLES, 404))},
    # Everyone, signed in or not, is sent on to the icon among the static files.
    "favicon": {
        "GET": rule(**dict.fromkeys(ROLES, REDIRECT)),
        "POST": rule(**dict.fromkeys(ROLES, REDIRECT)),
    },
    "login": {"GET": EVERYONE, "POST": EVERYONE},  # an empty POST shows the form's errors
    "logout": {  # Django's LogoutView takes POST only; signing out leads to the login page
        "GET": rule(**dict.fromkeys(ROLES, 405)),
        "POST": rule(**dict.fromkeys(ROLES, LOGIN)),
    },
    "admin:index": {"GET": ADMIN_ONLY, "POST": ADMIN_ONLY},
    # Every signed-in user manages their own password and authenticator app.
    "accounts:password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    # The administrator of this world already has an app (production requires it): set-up sends them on.
    "accounts:two_factor_setup": {
        "GET": {**SIGNED_IN, "administrator": REDIRECT},
        "POST": {**SIGNED_IN, "administrator": REDIRECT},
    },
    # Asking for a code only makes sense half-way through a sign-in with an app: anyone else is sent on.
    "accounts:two_factor_verify": {
        "GET": {**SIGNED_IN_SENT_ON, "administrator": 200},  # a user with an app may always give a code
        "POST": {**SIGNED_IN_SENT_ON, "administrator": 200},
    },
    # A search is POSTed, kept in the session and shown by a redirect (an empty one shows the whole caseload).
    "assessments:caseload": {
        "GET": CASE_LIST,
        "POST": {
            **CASE_LIST,
            **dict.fromkeys(("own_team", "other_team", "other_provider", "team_manager"), REDIRECT),
        },
    },
    "assessments:case_detail": {"GET": CASE_PAGE, "POST": CASE_PAGE},
    "assessments:contact_create": CASE_FORM,
    "assessments:contact_correct": CASE_FORM,
    "assessments:case_discharge": CASE_FORM,
    "assessments:case_reopen": CASE_FORM_OF_AN_OPEN_CASE,
    "assessments:patient_create": {"GET": CASE_LIST, "POST": CASE_LIST},
    "assessments:referral_create": CASE_FORM,
    "assessments:measure_create": CASE_FORM,
    "assessments:measure_correct": CASE_FORM,
    "assessments:goal_create": CASE_FORM,
    "groupings:current_view_create": CASE_FORM,
    "groupings:current_view_detail": CASE_FORM,
    "groupings:current_view_correct": CASE_FORM,
    "groupings:regrouping": {
        "GET": MANAGERS_ONLY,
        "POST": {**MANAGERS_ONLY, "team_manager": 404},  # no rules version chosen
    },
    "groupings:regrouping_movement_csv": MANAGERS_READ_ONLY,
    "reports:index": {
        "GET": {**REPORTS_OF_THE_ICB, "team_manager": 200},
        "POST": {**REPORTS_OF_THE_ICB, "team_manager": 200},
    },
    "reports:dictionary": {  # whoever may open a report reads what its columns mean
        "GET": {**REPORTS_OF_THE_ICB, "team_manager": 200},
        "POST": {**REPORTS_OF_THE_ICB, "team_manager": 200},
    },
    "reports:report": {
        "GET": REPORTS_OF_THE_ICB,
        "POST": {**REPORTS_OF_THE_ICB, "commissioner": REDIRECT},  # queues a run, then shows its progress
    },
    "reports:download": {  # no finished run yet: back to the report page
        "GET": {**REPORTS_OF_THE_ICB, "commissioner": REDIRECT},
        "POST": {**REPORTS_OF_THE_ICB, "commissioner": REDIRECT},
    },
    "reports:pack": {  # the ICB's pack for a month with none made yet: not found for its commissioner
        "GET": {**REPORTS_OF_THE_ICB, "commissioner": 404},
        "POST": rule(
            own_team=405,
            other_team=405,
            other_provider=405,
            team_manager=405,
            commissioner=405,
            administrator=405,
            anonymous=LOGIN,
        ),
    },
    "dashboards:dashboard": MANAGERS_READ_ONLY,
    "dashboards:dashboard_quality": MANAGERS_READ_ONLY,
    "dashboards:dashboard_cases": MANAGERS_READ_ONLY,
    "dashboards:dashboard_csv": MANAGERS_READ_ONLY,
    # Second-rater audits: managers of the audit's team; another team's manager does not find it (404). The
    # team manager's audit is of team A; the own-team clinician is asked to rate its one case (CASE_TO_RATE).
    "consistency:audits": {"GET": MANAGERS_ONLY, "POST": MANAGERS_ONLY},  # an empty POST shows the errors
    "consistency:audit": MANAGERS_READ_ONLY,
    "consistency:audit_assign": {
        "GET": {**MANAGERS_ONLY, "team_manager": 405},
        "POST": {**MANAGERS_ONLY, "team_manager": REDIRECT},  # nothing chosen: nothing changes
    },
    "consistency:audit_close": {
        "GET": {**MANAGERS_ONLY, "team_manager": 405},
        "POST": {**MANAGERS_ONLY, "team_manager": REDIRECT},
    },
    "consistency:audit_agreement": MANAGERS_RECALCULATE,
    "consistency:agreement": MANAGERS_RECALCULATE,
    "consistency:my_audit_cases": {
        "GET": CASE_LIST,
        "POST": {**CASE_LIST, **dict.fromkeys(CLINICAL, 405)},
    },
    # Only the clinician asked to rate it opens it, while the audit is open; an empty POST shows the errors.
    "consistency:rate_audit_case": {"GET": CASE_TO_RATE, "POST": CASE_TO_RATE},
    # Training vignettes: every clinical role rates them and downloads their own record; managers read the
    # agreement of their teams' clinicians.
    "consistency:vignettes": {"GET": CASE_LIST, "POST": {**CASE_LIST, **dict.fromkeys(CLINICAL, 405)}},
    "consistency:vignette": {"GET": CASE_LIST, "POST": CASE_LIST},  # an empty POST shows the errors
    "consistency:vignette_record": {"GET": CASE_LIST, "POST": {**CASE_LIST, **dict.fromkeys(CLINICAL, 405)}},
    "consistency:vignette_agreement": MANAGERS_RECALCULATE,
    "lab:index": {"GET": LAB, "POST": LAB},
    "lab:run": {"GET": LAB, "POST": LAB},
    "lab:allocation_help": {"GET": LAB, "POST": LAB},
    "lab:publish_tree": {"GET": LAB, "POST": LAB},
    "imports:index": {"GET": IMPORTS, "POST": IMPORTS},
    "imports:run": {"GET": IMPORTS, "POST": IMPORTS},
    "imports:report": {"GET": IMPORTS, "POST": IMPORTS},
    "imports:not_in_extract": {"GET": IMPORTS, "POST": IMPORTS},
    "api:reference": {
        "GET": EVERYONE,
        "POST": rule(**dict.fromkeys(ROLES, 405)),
    },  # for other systems' engineers
    "api:schema": {"GET": EVERYONE, "POST": rule(**dict.fromkeys(ROLES, 405))},
    "api:suggestions": {
        "GET": API_NOT_THIS_METHOD,
        "POST": {**API_CLINICAL_ONLY, **dict.fromkeys(CLINICAL, 415)},
    },
    "api:cases": {"GET": API_CLINICAL_ONLY, "POST": API_NOT_THIS_METHOD},
    # The ICB's report with no finished run: the commissioner is let in and told there is none (404).
    "api:figures": {
        "GET": {**dict.fromkeys(CLINICAL, 403), **API_REFUSED, "commissioner": 404},
        "POST": {**dict.fromkeys(CLINICAL, 403), **API_REFUSED, "team_manager": 405, "commissioner": 405},
    },
    "api:fhir_questionnaire": {"GET": API_CLINICAL_ONLY, "POST": API_NOT_THIS_METHOD},
    "api:fhir_suggest": {
        "GET": API_NOT_THIS_METHOD,
        "POST": {**API_CLINICAL_ONLY, **dict.fromkeys(CLINICAL, 415)},
    },
    "api:current_views": {
        "GET": API_NOT_THIS_METHOD,
        "POST": {**API_CASE, "own_team": 400, "team_manager": 400},
    },
    "api:allocations": {"GET": API_CASE, "POST": API_NOT_THIS_METHOD},
    # Contracts and statements: the ICB's commissioners and the provider's service managers (SERVICE_MANAGERS
    # below), each only their own; a POST without a month or reason comes back to the page with the error.
    "payments:contracts": {"GET": REPORTS_OF_THE_ICB, "POST": {**REPORTS_OF_THE_ICB, "commissioner": 405}},
    "payments:contract": {
        "GET": REPORTS_OF_THE_ICB,
        "POST": {**REPORTS_OF_THE_ICB, "commissioner": REDIRECT},
    },
    "payments:statement": {"GET": REPORTS_OF_THE_ICB, "POST": {**REPORTS_OF_THE_ICB, "commissioner": 405}},
    "payments:agree": {
        "GET": {**REPORTS_OF_THE_ICB, "commissioner": 405},
        "POST": {**REPORTS_OF_THE_ICB, "commissioner": REDIRECT},
    },
    "payments:challenge": {
        "GET": {**REPORTS_OF_THE_ICB, "commissioner": 405},
        "POST": {**REPORTS_OF_THE_ICB, "commissioner": REDIRECT},
    },
    "payments:download": {"GET": REPORTS_OF_THE_ICB, "POST": {**REPORTS_OF_THE_ICB, "commissioner": 405}},
    # The provider's alone: the answers to challenges and the cases behind a line.
    "payments:answer": {"GET": LAB, "POST": LAB},
    "payments:line_cases": {"GET": LAB, "POST": LAB},
    "payments:propose_prices": {"GET": LAB, "POST": LAB},
}

# The lab's pages for a service manager of the run's provider and one of another provider (url name ->
# {method: (own provider's, other provider's)}). An empty POST re-renders the lab's form with its errors; an
# empty POST to allocation help is a publication the run (not done) refuses with a message on its page.
SERVICE_MANAGERS: dict[str, dict[str, tuple[object, object]]] = {
    "lab:index": {"GET": (200, 200), "POST": (200, 200)},
    "lab:run": {"GET": (200, 404), "POST": (405, 405)},  # the method is refused before the run is looked up
    "lab:allocation_help": {"GET": (405, 405), "POST": (REDIRECT, 404)},
    # an empty POST is a form without its label: the run page again, with the error (400)
    "lab:publish_tree": {"GET": (405, 405), "POST": (400, 404)},
    # The contract is between the ICB and the run's provider: another provider's manager finds none of it.
    "payments:contracts": {"GET": (200, 200), "POST": (405, 405)},
    "payments:contract": {"GET": (200, 404), "POST": (REDIRECT, 404)},
    "payments:statement": {"GET": (200, 404), "POST": (405, 405)},
    "payments:agree": {"GET": (405, 405), "POST": (REDIRECT, 404)},
    "payments:challenge": {"GET": (405, 405), "POST": (REDIRECT, 404)},
    "payments:answer": {"GET": (405, 405), "POST": (REDIRECT, 404)},
    "payments:download": {"GET": (200, 404), "POST": (405, 405)},
    "payments:line_cases": {"GET": (200, 404), "POST": (405, 405)},
    "payments:propose_prices": {"GET": (200, 404), "POST": (200, 404)},  # nothing ticked: the form again
}


# The imports' pages for a data manager of the run's provider and one of another provider. An empty POST
# re-renders the upload form with its errors.
DATA_MANAGERS: dict[str, dict[str, tuple[object, object]]] = {
    "imports:index": {"GET": (200, 200), "POST": (200, 200)},
    "imports:run": {"GET": (200, 404), "POST": (405, 405)},
    "imports:report": {"GET": (200, 404), "POST": (405, 405)},
    "imports:not_in_extract": {"GET": (200, 200), "POST": (405, 405)},  # each sees their own provider's
}


def is_admins_own(name: str) -> bool:
    """Django admin's model pages: guarded by the admin itself (staff, then model permissions), which
    tests/test_admin.py covers; the matrix checks only that its front door lets no one else in."""
    return name.startswith("admin:") and name != "admin:index"


def url_names(patterns=None, namespace: str = "") -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or f'(unnamed {entry.pattern})'}"


def test_every_url_has_a_rule():
    names = {name for name in url_names() if not is_admins_own(name)}
    unnamed = sorted(name for name in names if "(unnamed" in name)
    assert not unnamed, f"name these URL patterns and add their rules: {unnamed}"
    missing = sorted(names - set(EXPECTED))
    assert not missing, (
        f"no authorisation rule for {missing}: add each to EXPECTED in {__file__} with the status every "
        f"role should get by GET and by POST"
    )
    assert not set(EXPECTED) - names, "EXPECTED names a URL that no longer exists"


@pytest.fixture
def world(reference_data):
    provider, elsewhere = factories.provider(), factories.provider()
    team_a, team_b, team_c = factories.team(provider), factories.team(provider), factories.team(elsewhere)
    icb = factories.commissioner()
    clinician = factories.user(Role.CLINICIAN, teams=(team_a,))
    patient = factories.patient(date_of_birth=dt.date(2012, 5, 17), registered_by=clinician)
    case = factories.case(team_a, patient, commissioner=icb)
    current_view, _ = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 3, 20),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    contact = factories.contact(case, clinician)
    response = assessment_services.record_measure(
        by=clinician,
        case=case,
        measure="honosca",
        informant="clinician",
        completed_on=dt.date(2025, 3, 20),
        answers=Answers(items=dict.fromkeys(MEASURES["honosca"].items, 1), impact={}),
    )
    lab_run = LabRun.objects.create(
        provider=provider,
        requested_by=factories.user(Role.SERVICE_MANAGER, provider=provider),
        method="classifier",
        closed_from=dt.date(2025, 1, 1),
        closed_to=dt.date(2025, 12, 31),
        rules_version=current_rules_version(),
    )
    audit = audit_of(case, clinician, team_a)
    import_run = ImportRun.objects.create(
        provider=provider, source="upload", name="extract.zip", path="/nowhere", fingerprint="0" * 64
    )
    statement, challenge = a_statement_with_a_challenge(icb, provider)
    users = {
        "own_team": clinician,
        "other_team": factories.user(Role.CLINICIAN, teams=(team_b,)),
        "other_provider": factories.user(Role.CLINICIAN, teams=(team_c,)),
        "team_manager": factories.user(Role.TEAM_MANAGER, teams=(team_a,)),
        "commissioner": factories.user(Role.COMMISSIONER, commissioner=icb),
        "administrator": factories.user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
        "anonymous": None,
    }
    scope = [CASEMIX.report, ScopeKind.COMMISSIONER.value, icb.code]
    urls = {
        "home": reverse("home"),
        "health": reverse("health"),
        "metrics": reverse("metrics"),
        "favicon": reverse("favicon"),
        "login": reverse("login"),
        "logout": reverse("logout"),
        "admin:index": reverse("admin:index"),
        "accounts:password_change": reverse("accounts:password_change"),
        "accounts:two_factor_setup": reverse("accounts:two_factor_setup"),
        "accounts:two_factor_verify": reverse("accounts:two_factor_verify"),
        "assessments:caseload": reverse("assessments:caseload"),
        "assessments:case_detail": reverse("assessments:case_detail", args=[case.pk]),
        "assessments:contact_create": reverse("assessments:contact_create", args=[case.pk]),
        "assessments:contact_correct": reverse("assessments:contact_correct", args=[case.pk, contact.pk]),
        "assessments:case_discharge": reverse("assessments:case_discharge", args=[case.pk]),
        "assessments:case_reopen": reverse("assessments:case_reopen", args=[case.pk]),
        "assessments:patient_create": reverse("assessments:patient_create"),
        "assessments:referral_create": reverse("assessments:referral_create", args=[patient.pk]),
        "assessments:measure_create": reverse("assessments:measure_create", args=[case.pk, "sdq", "parent"]),
        "assessments:measure_correct": reverse("assessments:measure_correct", args=[case.pk, response.pk]),
        "assessments:goal_create": reverse("assessments:goal_create", args=[case.pk]),
        "groupings:current_view_create": reverse("groupings:current_view_create", args=[case.pk]),
        "groupings:current_view_detail": reverse(
            "groupings:current_view_detail", args=[case.pk, current_view.pk]
        ),
        "groupings:current_view_correct": reverse(
            "groupings:current_view_correct", args=[case.pk, current_view.pk]
        ),
        "groupings:regrouping": reverse("groupings:regrouping"),
        "groupings:regrouping_movement_csv": reverse("groupings:regrouping_movement_csv"),
        "reports:index": reverse("reports:index"),
        "reports:dictionary": reverse("reports:dictionary"),
        "reports:report": reverse("reports:report", args=scope),
        "reports:download": reverse("reports:download", args=[*scope, "2025-03", "csv"]),
        "reports:pack": reverse("reports:pack", args=[*scope[1:], "2025-03"]),
        "dashboards:dashboard": reverse("dashboards:dashboard"),
        "dashboards:dashboard_quality": reverse("dashboards:dashboard_quality"),
        "dashboards:dashboard_cases": reverse("dashboards:dashboard_cases", args=["review-overdue"]),
        "dashboards:dashboard_csv": reverse("dashboards:dashboard_csv", args=["caseload"]),
        "consistency:audits": reverse("consistency:audits"),
        "consistency:audit": reverse("consistency:audit", args=[audit.pk]),
        "consistency:audit_assign": reverse("consistency:audit_assign", args=[audit.pk]),
        "consistency:audit_close": reverse("consistency:audit_close", args=[audit.pk]),
        "consistency:audit_agreement": reverse("consistency:audit_agreement", args=[audit.pk]),
        "consistency:agreement": reverse("consistency:agreement"),
        "consistency:my_audit_cases": reverse("consistency:my_audit_cases"),
        "consistency:rate_audit_case": reverse("consistency:rate_audit_case", args=[audit.cases.get().pk]),
        "consistency:vignettes": reverse("consistency:vignettes"),
        "consistency:vignette": reverse("consistency:vignette", args=[vignette_for_matrix().pk]),
        "consistency:vignette_record": reverse("consistency:vignette_record"),
        "consistency:vignette_agreement": reverse("consistency:vignette_agreement"),
        "lab:index": reverse("lab:index"),
        "lab:run": reverse("lab:run", args=[lab_run.pk]),
        "lab:allocation_help": reverse("lab:allocation_help", args=[lab_run.pk]),
        "lab:publish_tree": reverse("lab:publish_tree", args=[lab_run.pk]),
        "imports:index": reverse("imports:index"),
        "imports:run": reverse("imports:run", args=[import_run.pk]),
        "imports:report": reverse("imports:report", args=[import_run.pk]),
        "imports:not_in_extract": reverse("imports:not_in_extract"),
        "api:reference": reverse("api:reference"),
        "api:schema": reverse("api:schema"),
        "api:suggestions": reverse("api:suggestions"),
        "api:cases": reverse("api:cases"),
        "api:figures": reverse("api:figures", args=[*scope, "2025-03"]),
        "api:fhir_questionnaire": reverse("api:fhir_questionnaire"),
        "api:fhir_suggest": reverse("api:fhir_suggest"),
        "api:current_views": reverse("api:current_views", args=[case.reference]),
        "api:allocations": reverse("api:allocations", args=[case.reference]),
        "payments:contracts": reverse("payments:contracts"),
        "payments:contract": reverse("payments:contract", args=[statement.contract_id]),
        "payments:statement": reverse("payments:statement", args=[statement.pk]),
        "payments:agree": reverse("payments:agree", args=[statement.pk]),
        "payments:challenge": reverse("payments:challenge", args=[statement.pk]),
        "payments:answer": reverse("payments:answer", args=[challenge.pk]),
        "payments:download": reverse("payments:download", args=[statement.pk, "csv"]),
        "payments:line_cases": reverse("payments:line_cases", args=[statement.pk, "GH03"]),
        "payments:propose_prices": reverse("payments:propose_prices", args=[statement.contract_id]),
    }
    return users, urls


def audit_of(case, clinician, team):
    """An open audit of team A whose one case (allocated by another clinician) `clinician` is asked to rate."""
    from consistency.models import Audit, AuditCase

    allocator = factories.user(Role.CLINICIAN, teams=(team,))
    suggestion = case.current_views.get().suggestions.get()
    allocation = grouping_services.allocate_grouping(
        by=allocator, case=case, suggestion=suggestion, grouping=suggestion.grouping, seen_allocation=None
    )
    manager = factories.user(Role.TEAM_MANAGER, teams=(team,))
    audit = Audit.objects.create(
        provider=team.provider,
        team=team,
        requested_by=manager,
        status="done",
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 31),
        size=1,
        method="random",
    )
    AuditCase.objects.create(audit=audit, allocation=allocation, case=case, team=team, auditor=clinician)
    return audit


def vignette_for_matrix():
    from consistency.models import Vignette

    return Vignette.objects.create(
        code="M1",
        vignette_set="Matrix",
        title="A vignette",
        text="Synthetic.",
        reference_grouping="GH03",
        agreed_by="The tests",
        p09=2,
    )


def a_statement_with_a_challenge(icb, provider):
    """A computed draft statement of a contract between `icb` and `provider`, with a challenged line."""
    from payments import runs
    from payments.models import Challenge
    from tests.payments.helpers import contract

    made = contract(icb, provider, {"GH03": "1000.00"}, reference="MATRIX-1", financial_year=2024)
    statement = runs.request_statement(contract=made, month=Month.of("2025-03"), by=None, send=False)
    statement = runs.execute_statement(statement.pk)
    challenge = Challenge.objects.create(
        statement=statement,
        grouping="GH03",
        reason="Why?",
        raised_by=factories.user(Role.COMMISSIONER, commissioner=icb),
    )
    return statement, challenge


def outcome(response) -> object:
    if response.status_code != 302:
        return response.status_code
    if response.url.startswith(reverse("login")):
        return LOGIN
    if response.url.startswith(reverse("admin:login")):
        return ADMIN_LOGIN
    return REDIRECT


def log_in(client, user) -> None:
    """As production has it: administrators have given their second factor."""
    if user is None:
        return
    if user.role == Role.ADMINISTRATOR:
        if not hasattr(user, "_matrix_device"):
            user._matrix_device = log_in_with_second_factor(client, user)
        else:
            client.force_login(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = user._matrix_device.persistent_id
            session.save()
    else:
        client.force_login(user)


def test_each_role_gets_what_its_rule_says_for_every_url(client, world):
    users, urls = world
    assert set(urls) == set(EXPECTED), "the world builds a concrete URL for every rule"
    wrong = []
    for role in ROLES:
        client.logout()
        log_in(client, users[role])
        for name, methods in EXPECTED.items():
            for method, expected in methods.items():
                response = getattr(client, method.lower())(urls[name])
                if outcome(response) != expected[role]:
                    wrong.append(f"{method} {name} as {role}: {outcome(response)}, expected {expected[role]}")
                if name == "logout" and method == "POST":
                    log_in(client, users[role])
    assert not wrong, "\n".join(wrong)


def test_the_lab_is_for_the_service_managers_of_the_runs_provider(client, world):
    _, urls = world
    run = LabRun.objects.get()
    managers = (
        factories.user(Role.SERVICE_MANAGER, provider=run.provider),
        factories.user(Role.SERVICE_MANAGER, provider=factories.provider()),
    )
    wrong = []
    for which, manager in enumerate(managers):
        client.force_login(manager)
        for name, methods in SERVICE_MANAGERS.items():
            for method, expected in methods.items():
                got = outcome(getattr(client, method.lower())(urls[name]))
                if got != expected[which]:
                    wrong.append(
                        f"{method} {name} as service manager {which}: {got}, expected {expected[which]}"
                    )
    assert not wrong, "\n".join(wrong)


def test_imports_are_for_the_data_managers_of_the_runs_provider_who_see_no_case(client, world):
    _, urls = world
    run = ImportRun.objects.get()
    managers = (
        factories.user(Role.DATA_MANAGER, provider=run.provider),
        factories.user(Role.DATA_MANAGER, provider=factories.provider()),
    )
    wrong = []
    for which, manager in enumerate(managers):
        client.force_login(manager)
        for name, methods in DATA_MANAGERS.items():
            for method, expected in methods.items():
                got = outcome(getattr(client, method.lower())(urls[name]))
                if got != expected[which]:
                    wrong.append(
                        f"{method} {name} as data manager {which}: {got}, expected {expected[which]}"
                    )
        for name, rules in EXPECTED.items():
            if rules["GET"] in (CASE_PAGE, CASE_LIST):
                got = outcome(client.get(urls[name]))
                if got != 403:
                    wrong.append(f"GET {name} as data manager {which}: {got}, expected 403")
    assert not wrong, "\n".join(wrong)
