"""The installers of the migrations' reference rows (also run before many tests by the `reference_data` fixture)
add what is missing and leave every row already there as it is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Profession
from assessments.models import ChangeThreshold
from groupings.models import Grouping, RulesVersion
from groupings.reference import DEMO_V2_LABEL, V1_GROUPINGS, V1_LABEL
from reports.models import ReferenceContactCost, UnitCost
from reports.reference import ANCHOR_VALID_FROM, TEAM_MEMBER_HOUR
from tests.conftest import install_reference_rows

pytestmark = pytest.mark.django_db


def _rows() -> dict[str, set]:
    return {
        "professions": set(Profession.objects.values_list("code", "name")),
        "groupings": set(Grouping.objects.values_list("rules_version__label", "code", "name")),
        "thresholds": set(ChangeThreshold.objects.values_list("measure", "scale", "informant", "sd1")),
        "unit costs": set(UnitCost.objects.values_list("profession__code", "valid_from", "hourly_cost")),
        "contact costs": set(ReferenceContactCost.objects.values_list("valid_from", "contact_cost")),
    }


def test_missing_rows_come_back_and_edited_rows_stay_as_edited(reference_data):
    shipped = _rows()
    code, *_ = V1_GROUPINGS[3]
    Grouping.objects.filter(rules_version__label=V1_LABEL, code=code).delete()
    Grouping.objects.filter(rules_version__label=DEMO_V2_LABEL, code="GMH99").delete()
    threshold = ChangeThreshold.objects.order_by("pk")[5]
    threshold.delete()
    nurse = Profession.objects.get(code="mh_nurse")
    UnitCost.objects.filter(profession=nurse).delete()
    ReferenceContactCost.objects.all().delete()
    Profession.objects.filter(code="psychiatrist").update(name="Consultant psychiatrist")
    edited = ChangeThreshold.objects.order_by("pk")[0]
    ChangeThreshold.objects.filter(pk=edited.pk).update(sd1=edited.sd1 * 2)
    newcomer = Profession.objects.create(code="art_therapist", name="Art therapist")
    assert _rows() != shipped

    install_reference_rows()

    now = _rows()
    assert now["groupings"] == shipped["groupings"]
    assert now["contact costs"] == shipped["contact costs"]
    assert ("psychiatrist", "Consultant psychiatrist") in now["professions"]
    assert len(now["professions"]) == len(shipped["professions"]) + 1
    assert (threshold.measure, threshold.scale, threshold.informant, threshold.sd1) in now["thresholds"]
    assert ChangeThreshold.objects.get(pk=edited.pk).sd1 == edited.sd1 * 2
    assert len(now["thresholds"]) == len(shipped["thresholds"])
    assert now["unit costs"] == shipped["unit costs"] | {(newcomer.code, ANCHOR_VALID_FROM, TEAM_MEMBER_HOUR)}
    assert RulesVersion.objects.filter(label__in=[V1_LABEL, DEMO_V2_LABEL]).count() == 2


def test_when_nothing_is_missing_they_only_look(reference_data):
    """A handful of reads and no writes: the `reference_data` fixture runs them before hundreds of tests."""
    with CaptureQueriesContext(connection) as queries:
        install_reference_rows()
    statements = [query["sql"].split(None, 1)[0].upper() for query in queries.captured_queries]
    assert set(statements) == {"SELECT"}
    assert len(statements) <= 12
