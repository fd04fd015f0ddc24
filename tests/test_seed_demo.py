import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Min
from django.utils import timezone

from accounts.models import Commissioner, Provider, Team, User
from assessments import nhs_number, validation
from assessments.models import Case, Contact, CurrentView, MeasureResponse, MeasureScore, Patient
from demo import seed as demo
from groupings.models import Allocation, Suggestion

AS_OF = "2026-10-31"


def seed(cases: int = 300, seed: int = 7) -> str:
    out = StringIO()
    call_command("seed_demo", cases=cases, seed=seed, as_of=dt.date.fromisoformat(AS_OF), stdout=out)
    return out.getvalue()


def seed_records(cases: int = 300, seed: int = 7) -> None:
    """The records `seed_demo` writes, without the demo report runs it adds after them (most of its time at
    these sizes), for the tests that read only the records."""
    demo.seed(cases=cases, seed=seed, as_of=dt.date.fromisoformat(AS_OF))


def snapshot() -> tuple:
    return (
        list(Patient.objects.order_by("nhs_number").values_list("nhs_number", "given_name", "date_of_birth")),
        list(
            Case.objects.order_by("patient__nhs_number").values_list(
                "patient__nhs_number", "team__code", "referral_date", "accepted_date", "closed_date"
            )
        ),
        list(
            Contact.objects.order_by(
                "case__patient__nhs_number",
                "starts_at",
                "duration_minutes",
                "attendance",
                "clinician__username",
            ).values_list(
                "case__patient__nhs_number",
                "starts_at",
                "duration_minutes",
                "attendance",
                "clinician__username",
            )
        ),
    )


def wipe() -> None:
    MeasureScore.objects.all().delete()
    MeasureResponse.objects.all().delete()
    Allocation.objects.all().delete()
    Suggestion.objects.all().delete()
    CurrentView.objects.all().delete()
    Contact.objects.all().delete()
    Case.objects.all().delete()
    Patient.objects.all().delete()
    User.objects.all().delete()
    Team.objects.all().delete()
    Provider.objects.all().delete()
    Commissioner.objects.all().delete()


@pytest.mark.django_db
def test_seeding_is_deterministic_for_a_seed():
    seed_records(seed=7)
    first = snapshot()
    wipe()
    seed_records(seed=7)
    assert snapshot() == first
    wipe()
    seed_records(seed=8)
    assert snapshot() != first


@pytest.mark.django_db
def test_demo_data_keeps_every_record_rule():
    output = seed(cases=400)
    assert Case.objects.count() == 400
    assert Contact.objects.count() > 400 * 4
    assert all(
        n.startswith("999") and nhs_number.is_valid(n)
        for n in Patient.objects.values_list("nhs_number", flat=True)
    )
    for dob, referral in Case.objects.values_list("patient__date_of_birth", "referral_date"):
        assert validation.age_at_referral_error(dob, referral) is None
    assert not Contact.objects.filter(starts_at__date__lt=F("case__referral_date")).exists()
    # each provider keeps its own record of its patients
    assert not Patient.objects.exclude(provider=F("cases__team__provider")).exists()
    assert (
        Case.objects.filter(closed_date__isnull=True).exists()
        and Case.objects.filter(closed_date__isnull=False).exists()
    )
    span = Case.objects.aggregate(first=Min("referral_date"))["first"]
    assert (dt.date.fromisoformat(AS_OF) - span).days > 600  # two years of history
    assert User.objects.values("profession").distinct().count() >= 5
    assert "clinician" in output and "demo-password-2026" in output
    accepted = Case.objects.filter(accepted_date__isnull=False).count()
    assert CurrentView.objects.count() == Allocation.objects.count() == accepted
    assert Suggestion.objects.filter(grouping__isnull=False).count() > 0.9 * accepted
    assert MeasureResponse.objects.filter(measure="sdq").count() > 0.2 * accepted
    assert MeasureScore.objects.filter(scale="total_difficulties", value__isnull=False).exists()
    overrides = Allocation.objects.exclude(reason_category="")
    assert 0.1 * accepted < overrides.count() < 0.4 * accepted


@pytest.mark.django_db
def test_seeding_refuses_a_database_that_already_holds_a_service():
    seed(cases=10)
    with pytest.raises(Exception, match="only fills an empty database"):
        seed(cases=10)


def london_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


@pytest.mark.django_db
def test_seeded_history_is_stamped_with_the_time_it_stands_for():
    seed_records(cases=120)
    end_of_as_of = dt.datetime.combine(
        dt.date.fromisoformat(AS_OF) + dt.timedelta(days=1), dt.time(), tzinfo=timezone.get_current_timezone()
    )
    allocations = list(
        Allocation.objects.values_list(
            "start_date", "allocated_at", "suggestion__created_at", "suggestion__current_view__recorded_at"
        )
    )
    assert allocations
    for start_date, allocated_at, suggested_at, view_recorded_at in allocations:
        assert london_date(allocated_at) == start_date
        assert view_recorded_at == suggested_at <= allocated_at < end_of_as_of
    for completed_on, recorded_at in CurrentView.objects.values_list("completed_on", "recorded_at"):
        assert london_date(recorded_at) == completed_on
    for completed_on, recorded_at in MeasureResponse.objects.values_list("completed_on", "recorded_at"):
        assert london_date(recorded_at) == completed_on
    for referral, created_at, registered_at in Case.objects.values_list(
        "referral_date", "created_at", "patient__registered_at"
    ):
        assert london_date(created_at) == referral and registered_at == created_at
    contacts = Contact.objects.values_list("starts_at", "duration_minutes", "recorded_at")
    for starts_at, minutes, recorded_at in contacts:
        assert starts_at + dt.timedelta(minutes=minutes) < recorded_at < end_of_as_of
    recorded_days = {london_date(at) for at in Allocation.objects.values_list("allocated_at", flat=True)}
    assert len(recorded_days) > 30  # spread over the history, not one seeding moment


@pytest.mark.django_db
def test_the_demo_managers_read_agreement_figures_at_once(client):
    from django.urls import reverse

    from consistency.models import Audit, AuditRating, VignetteRating

    output = seed(cases=300)
    assert "a second-rater audit with" in output
    audit = Audit.objects.get()
    assert audit.is_open and AuditRating.objects.filter(audit_case__audit=audit).count() >= 10
    assert VignetteRating.objects.values("rated_by").distinct().count() >= 2
    for username in ("manager", "service.manager"):
        client.force_login(User.objects.get(username=username))
        for url in (
            reverse("consistency:audit_agreement", args=[audit.pk]),
            reverse("consistency:agreement"),
        ):
            page = client.get(url).content.decode()
            assert "Calculated from the data as of" in page and 'data-testid="agreement-grouping"' in page
            assert 'data-testid="lowest-items"' in page and "No case rated yet." not in page
        vignettes = client.get(reverse("consistency:vignette_agreement")).content.decode()
        assert "Calculated from the data as of" in vignettes and 'data-testid="fleiss"' in vignettes
    # The demo clinician has cases of the audit to rate and vignettes still to rate.
    client.force_login(User.objects.get(username="clinician"))
    assert audit.cases.filter(auditor__username="clinician", rating__isnull=True).exists()
    assert not VignetteRating.objects.filter(rated_by__username="clinician").exists()
