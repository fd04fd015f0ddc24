"""A service manager publishes a done tree run from its page as a new rules version that is not current
(lab.publish through lab.services.publish_tree_run); bad input re-renders the page with the reason and writes
nothing; only a tree of the manager's own provider can be published, once."""

import pytest
from django.test import override_settings

from accounts.audit import Action, AuditEvent
from groupings.models import Grouping, RulesVersion
from lab import model_files
from lab.tasks import fit_lab_run
from tests.lab.run_helpers import done_run, lab_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(service, tmp_path, monkeypatch):
    monkeypatch.setattr(fit_lab_run, "apply_async", lambda args: None)
    with override_settings(LAB_MODELS_DIR=tmp_path):
        model_files.cache_clear()
        yield lab_world(service)
    model_files.cache_clear()


def test_a_tree_is_published_from_its_page_as_a_rules_version_that_is_not_current(client, world):
    run = done_run(client, world)
    page = client.get(f"/lab/runs/{run.pk}/").content.decode()
    assert 'data-testid="publish-tree"' in page and "Publish as a rules version" in page
    current = RulesVersion.objects.get(is_current=True)

    response = client.post(
        f"/lab/runs/{run.pk}/publish/", {"label": "Tree 2026-12", "description": "From run 1"}
    )
    assert response.status_code == 302
    version = RulesVersion.objects.get(label="Tree 2026-12")
    assert not version.is_current and RulesVersion.objects.get(is_current=True) == current
    leaves = run.result["groups"]
    assert Grouping.objects.filter(rules_version=version).count() == len(leaves)
    assert [rule for rule in version.rules_definition["paths"]] and len(
        version.rules_definition["paths"]
    ) == len(leaves)
    run.refresh_from_db()
    assert run.published_version == version
    assert AuditEvent.objects.filter(action=Action.PUBLISH_RULES_VERSION).count() == 1

    after = client.get(f"/lab/runs/{run.pk}/", follow=True).content.decode()
    published = after.split('data-testid="published-version"')[1].split("</p>")[0]
    assert "Tree 2026-12" in published and "not" in published and "current" in published
    assert "Publish as a rules version</button>" not in after

    again = client.post(f"/lab/runs/{run.pk}/publish/", {"label": "Tree again"})
    assert again.status_code == 400
    assert "This tree is published already, as rules version" in again.content.decode()
    assert not RulesVersion.objects.filter(label="Tree again").exists()


def test_a_taken_or_missing_label_re_renders_the_page_with_the_reason_and_writes_nothing(client, world):
    run = done_run(client, world)
    taken = RulesVersion.objects.get(is_current=True).label
    versions = RulesVersion.objects.count()
    for data, reason in (
        ({"label": taken}, f"A rules version labelled &#x27;{taken}&#x27; exists already"),
        ({"label": ""}, "Label of the new rules version: This field is required."),
    ):
        response = client.post(f"/lab/runs/{run.pk}/publish/", data)
        assert response.status_code == 400
        page = response.content.decode()
        assert 'data-testid="error-summary"' in page and reason in page
    assert RulesVersion.objects.count() == versions
    run.refresh_from_db()
    assert run.published_version is None


def test_only_a_tree_can_be_published(client, world):
    run = done_run(client, world, method="classifier")
    assert 'data-testid="publish-tree"' not in client.get(f"/lab/runs/{run.pk}/").content.decode()
    response = client.post(f"/lab/runs/{run.pk}/publish/", {"label": "Not a tree"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Only a finished tree run can be published as a rules version." in page
    assert "Publish as a rules version</button>" not in page
    assert not RulesVersion.objects.filter(label="Not a tree").exists()


def test_another_providers_service_manager_cannot_publish_the_tree(client, world):
    run = done_run(client, world)
    client.force_login(world["other_manager"])
    assert client.post(f"/lab/runs/{run.pk}/publish/", {"label": "Theirs"}).status_code == 404
    client.force_login(world["team_manager"])
    assert client.post(f"/lab/runs/{run.pk}/publish/", {"label": "Theirs"}).status_code == 403
    assert not RulesVersion.objects.filter(label="Theirs").exists()
