"""Every form, driven with random and hostile values, is either valid with plausible cleaned data or reports
errors: it never raises. Every text field of every form cleans its text through camhs_pbr.lib.text."""

import datetime as dt
import unicodedata

import pytest
from django import forms
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import limits
from assessments.forms import (
    CaseloadSearchForm,
    ContactForm,
    CurrentViewForm,
    DischargeForm,
    PatientForm,
    ReferralForm,
)
from assessments.measure_forms import GoalForm, MeasureForm
from assessments.measures import MEASURES
from camhs_pbr.lib.text import PlainTextField, refused_character
from groupings import services as grouping_services
from groupings.forms import AllocationForm
from tests import factories
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "9999-12-31",
        "0001-01-01",
        "2025-02-30",
        "9999-12-31T23:59",
        "0001-01-01T00:00",
        "-1",
        "0",
        "1e309",
        "NaN",
        "99999999999999999999",
        "\x00",
        "Ale\u202exa",
        "Al\u200bex",
        "Zoe\u0301",
        "a\r\nb",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\ud800",
        "x" * 5000,
    ]
)
VALUES = st.one_of(
    HOSTILE,
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(dt.date.isoformat),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)


def values_for(field: forms.Field) -> st.SearchStrategy:
    if isinstance(field, forms.ModelChoiceField):
        assert field.queryset is not None
        return st.one_of(
            VALUES, st.sampled_from([str(pk) for pk in field.queryset.values_list("pk", flat=True)] or [""])
        )
    if isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]  # a list of pairs on every form here
        return st.one_of(VALUES, st.sampled_from([str(value) for value, _ in choices]))
    if isinstance(field, forms.DateField):
        return st.one_of(VALUES, st.dates(dt.date(1999, 1, 1), dt.date(2030, 1, 1)).map(dt.date.isoformat))
    return VALUES


@pytest.fixture
def world(service):
    clinician = service["clinician"]
    case = factories.case(service["team_a"], referral_date=dt.date(2025, 1, 6))
    _, suggestion = grouping_services.record_and_suggest(
        by=clinician,
        case=case,
        completed_on=dt.date(2025, 2, 3),
        reason="first_contact",
        practitioner=clinician,
        ratings=ratings(p09=2),
    )
    return {"clinician": clinician, "case": case, "patient": factories.patient(), "suggestion": suggestion}


def builders(world):
    case, user = world["case"], world["clinician"]
    yield "patient", lambda data: PatientForm(data, provider=case.team.provider)
    yield "referral", lambda data: ReferralForm(data, patient=world["patient"], user=user)
    yield "contact", lambda data: ContactForm(data, case=case, user=user)
    yield "discharge", lambda data: DischargeForm(data, instance=case)
    yield "search", lambda data: CaseloadSearchForm(data)
    yield "current view", lambda data: CurrentViewForm(data, case=case, user=user)
    for name, spec in MEASURES.items():
        for informant in spec.informants:
            yield (
                f"{name} {informant}",
                (lambda data, n=name, i=informant: MeasureForm(data, case=case, measure=n, informant=i)),
            )
    yield "goal", lambda data: GoalForm(data, case=case)
    yield "allocation", lambda data: AllocationForm(data, suggestion=world["suggestion"])


def assert_plausible(cleaned: dict) -> None:
    today = timezone.localdate()
    for name, value in cleaned.items():
        if isinstance(value, dt.datetime):
            assert limits.CONTACT_DATE.error(name, value.date(), today) is None, (name, value)
        elif isinstance(value, dt.date):
            assert limits.DATE_OF_BIRTH.error(name, value, today) is None, (name, value)
        elif isinstance(value, str):
            assert refused_character(value, multiline=True) is None, (name, value)
            assert unicodedata.is_normalized("NFC", value), (name, value)


def test_every_text_field_of_every_form_is_a_plain_text_field(world):
    for name, build in builders(world):
        for field_name, field in build(None).fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField):
                assert isinstance(field, PlainTextField), f"{name}.{field_name} does not clean its text"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_form_is_valid_with_plausible_data_or_reports_errors(world, data):
    for name, build in builders(world):
        fields = build(None).fields
        values = data.draw(
            st.fixed_dictionaries({field: values_for(f) for field, f in fields.items()}), label=name
        )
        form = build(values)
        if form.is_valid():
            assert_plausible(form.cleaned_data)
        else:
            assert form.errors
