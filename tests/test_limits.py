"""Each limit says the same words whichever layer refuses the input: form, service or database constraint."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from assessments import limits, services
from assessments.forms import ContactForm
from assessments.models import Case, Contact
from groupings import limits as grouping_limits
from groupings import services as grouping_services
from groupings.forms import AllocationForm
from groupings.models import Allocation
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def case(service):
    return factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))


def test_a_contact_over_the_limit_gets_one_message_from_form_service_and_database(service, case):
    clinician = service["clinician"]
    starts_at = timezone.make_aware(dt.datetime(2025, 2, 3, 10, 0))
    fields = {
        "starts_at": starts_at,
        "attendance": "attended",
        "mode": "face_to_face",
        "clinician": clinician,
    }
    too_long = limits.CONTACT_MINUTES.high + 1

    form = ContactForm(
        data={**fields, "clinician": clinician.pk, "duration_minutes": too_long}, case=case, user=clinician
    )
    assert form.errors["duration_minutes"] == [limits.CONTACT_MINUTES.sentence]
    with pytest.raises(services.RecordRefused, match=limits.CONTACT_MINUTES.sentence):
        services.record_contact(by=clinician, case=case, duration_minutes=too_long, **fields)
    contact = Contact(case=case, profession=clinician.profession, duration_minutes=too_long, **fields)
    with pytest.raises(ValidationError) as refused:
        contact.validate_constraints()
    assert refused.value.messages == [limits.CONTACT_MINUTES.sentence]
    assert not Contact.objects.exists()


def test_a_second_open_referral_gets_one_message_from_service_and_database(service, case):
    with pytest.raises(services.CaseConflict, match=limits.ONE_OPEN_REFERRAL_PER_TEAM):
        services.open_referral(
            by=service["clinician"],
            patient=case.patient,
            team=case.team,
            referral_date=dt.date(2025, 2, 1),
            referral_source="gp",
            commissioner=case.commissioner,
        )
    second = Case(patient=case.patient, team=case.team, referral_date=dt.date(2025, 2, 1))
    with pytest.raises(ValidationError) as refused:
        second.validate_constraints(exclude={"commissioner"})
    assert limits.ONE_OPEN_REFERRAL_PER_TEAM in refused.value.messages


def test_an_override_without_a_reason_gets_the_same_words_from_form_service_and_database(service, case):
    clinician = service["clinician"]
    _, suggestion = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    assert suggestion.grouping_id is not None
    other = suggestion.rules_version.groupings.exclude(pk=suggestion.grouping_id).first()
    assert other is not None
    form = AllocationForm(data={"grouping": other.pk}, suggestion=suggestion)
    assert form.errors["reason_category"] == [grouping_limits.OVERRIDE_REASON_CATEGORY_MISSING]
    assert form.errors["reason_text"] == [grouping_limits.OVERRIDE_REASON_TEXT_MISSING]
    with pytest.raises(
        grouping_services.AllocationRefused, match=re.escape(grouping_limits.OVERRIDE_NEEDS_REASON)
    ):
        grouping_services.allocate_grouping(
            seen_allocation=None, by=clinician, case=case, suggestion=suggestion, grouping=other
        )
    allocation = Allocation(
        case=case,
        grouping=other,
        suggested_grouping=suggestion.grouping,
        start_date=dt.date(2025, 2, 3),
        review_due=dt.date(2025, 8, 3),
        allocated_by=clinician,
    )
    with pytest.raises(ValidationError) as refused:
        allocation.validate_constraints()
    assert refused.value.messages == [grouping_limits.OVERRIDE_NEEDS_REASON]


def test_templates_compare_roles_through_the_role_enum_not_typed_strings():
    typed = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in re.finditer(r"role\s*==\s*['\"][a-z_]+['\"]", path.read_text())
    ]
    assert typed == []


def test_a_service_manager_sees_their_provider_named_on_the_caseload(client, service):
    manager = factories.user(Role.SERVICE_MANAGER, provider=service["provider"])
    client.force_login(manager)
    assert f"open referrals of {service['provider']}" in client.get("/cases/").content.decode()
