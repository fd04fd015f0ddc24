"""Training vignettes: the library loader refuses a bad file naming every bad line and loads nothing; a
clinician rates a vignette and then sees the reference, the differences and the rule it fires; their record
downloads as CSV; managers read each clinician's agreement and Fleiss' kappa."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.audit import Action, AuditEvent
from accounts.models import Role
from assessments.current_view_items import ALL_ITEMS
from consistency import services
from consistency.models import Vignette, VignetteRating
from groupings.models import Grouping
from groupings.selectors import current_rules_version
from tests import factories
from tests.consistency.helpers import compute_agreement_runs
from tests.groupings.helpers import ratings

pytestmark = pytest.mark.django_db
HEADER = ["id", "set", "title", "text", "grouping", "agreed_by", *ALL_ITEMS]
DEMO = Path(__file__).resolve().parents[2] / "demo" / "vignettes.csv"


def line(code="A1", grouping="GH03", title="Low mood", p09="2", **cells):
    values = {item: "0" for item in ALL_ITEMS} | {"p09": p09} | cells
    return [
        code,
        "Set 1",
        title,
        "Synthetic: low mood for months.",
        grouping,
        "Panel of three",
        *(values[i] for i in ALL_ITEMS),
    ]


def write(tmp_path, *rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / "vignettes.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_good_file_loads_every_vignette_and_is_audited(reference_data, tmp_path):
    call_command("load_vignettes", str(write(tmp_path, line("A1"), line("A2", grouping="gh03 + ga02"))))
    assert list(Vignette.objects.values_list("code", "reference_grouping")) == [
        ("A1", "GH03"),
        ("A2", "GH03 + GA02"),
    ]
    assert Vignette.objects.get(code="A1").ratings()["p09"] == 2
    assert AuditEvent.objects.filter(action=Action.LOAD_VIGNETTES).exists()


def test_a_bad_file_names_every_bad_line_and_loads_nothing(reference_data, tmp_path, capsys):
    Vignette.objects.create(
        code="OLD", vignette_set="S", title="t", text="t", reference_grouping="GA01", agreed_by="x"
    )
    path = write(
        tmp_path,
        line("A1"),
        line("A1"),
        line("OLD"),
        line("A3", grouping="GX99"),
        line("A4", p09="Very"),
        line("", title=""),
        ["A6", "short row"],
    )
    with pytest.raises(CommandError, match="6 problem"):
        call_command("load_vignettes", str(path))
    errors = capsys.readouterr().err
    assert "Line 3: id 'A1' is on line 2 too." in errors
    assert "Line 4: id 'OLD' is loaded already." in errors
    assert "Line 5: grouping GX99 is not in the current rules version." in errors
    assert "Line 6: p09: 'Very' is not a rating" in errors
    assert "Line 7: id is blank; title is blank." in errors
    assert "Line 8: the row has 2 cells, the header has 56." in errors
    assert list(Vignette.objects.values_list("code", flat=True)) == ["OLD"]


def test_a_file_without_the_columns_is_refused(reference_data, tmp_path, capsys):
    path = tmp_path / "v.csv"
    path.write_text("id,title\nA1,x\n")
    with pytest.raises(CommandError):
        call_command("load_vignettes", str(path))
    errors = capsys.readouterr().err
    assert "missing column set" in errors and "missing item column(s)" in errors


def test_the_demo_ships_twelve_synthetic_vignettes_across_the_super_groups(reference_data):
    assert services.load_vignette_file(by=None, content=DEMO.read_bytes()) == 12
    vignettes = list(Vignette.objects.all())
    assert all(v.text.startswith("Synthetic vignette written for this project") for v in vignettes)
    codes = {v.reference_grouping for v in vignettes}
    super_groups = set(
        Grouping.objects.filter(rules_version=current_rules_version(), code__in=codes).values_list(
            "super_group", flat=True
        )
    )
    assert super_groups == {"Getting Advice", "Getting Help", "Getting More Help"}


def rate_vignette(client, vignette, grouping_code, p09="2"):
    data = {item: "0" for item in ratings()} | {
        "p09": p09,
        "grouping": str(Grouping.objects.get(rules_version=current_rules_version(), code=grouping_code).pk),
    }
    return client.post(reverse("consistency:vignette", args=[vignette.pk]), data)


def test_after_rating_the_clinician_sees_the_reference_the_differences_and_the_rule(client, service):
    services.load_vignette_file(by=None, content=DEMO.read_bytes())
    depression = Vignette.objects.get(code="V04")
    client.force_login(service["clinician"])
    before = client.get(reverse("consistency:vignette", args=[depression.pk])).content.decode()
    assert "Panel" not in before and "R05" not in before and depression.agreed_by not in before
    assert rate_vignette(client, depression, "GA01", p09="1").status_code == 302
    page = client.get(reverse("consistency:vignette", args=[depression.pk])).content.decode()
    assert "GH03" in page and "R05" in page and depression.agreed_by in page
    assert "Depression/low mood" in page and "table-warning" in page


def test_the_clinician_downloads_the_record_of_their_vignettes(client, service):
    services.load_vignette_file(by=None, content=DEMO.read_bytes())
    client.force_login(service["clinician"])
    rate_vignette(client, Vignette.objects.get(code="V04"), "GH03")
    response = client.get(reverse("consistency:vignette_record"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["vignette"], r["your_grouping"], r["same_grouping"]) for r in rows] == [("V04", "GH03", "yes")]
    assert rows[0]["items_as_reference"] == "49"  # the reference also rates x46 (school) Mild
    assert AuditEvent.objects.filter(action=Action.EXPORT_VIGNETTE_RECORD, user=service["clinician"]).exists()


def test_managers_read_each_clinicians_agreement_and_fleiss_kappa(client, service):
    services.load_vignette_file(by=None, content=DEMO.read_bytes())
    other = factories.user(Role.CLINICIAN, teams=(service["team_a"],), first_name="Oli", last_name="Other")
    stranger = factories.user(Role.CLINICIAN, teams=(service["team_b"],), first_name="Not", last_name="Mine")
    for user, grouping in ((service["clinician"], "GH03"), (other, "GA01"), (stranger, "GH03")):
        client.force_login(user)
        rate_vignette(client, Vignette.objects.get(code="V04"), grouping)
    assert VignetteRating.objects.count() == 3
    client.force_login(factories.user(Role.TEAM_MANAGER, teams=(service["team_a"],)))
    client.post(reverse("consistency:vignette_agreement"))  # Calculate
    compute_agreement_runs()
    page = client.get(reverse("consistency:vignette_agreement")).content.decode()
    assert "Oli Other" in page and "Not Mine" not in page
    assert "over 1 vignette rated by two or more" in page
