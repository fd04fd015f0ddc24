"""Every CSS and JS asset is served by the app itself: no CDN at run time."""

import re

import pytest


@pytest.mark.django_db
def test_pages_load_bootstrap_from_the_app_and_nothing_from_another_host(client, service):
    client.force_login(service["clinician"])
    page = client.get("/cases/").content.decode()
    assets = re.findall(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"', page)
    assert "/static/vendor/bootstrap-5.3.3/bootstrap.min.css" in assets
    assert "/static/vendor/bootstrap-5.3.3/bootstrap.bundle.min.js" in assets
    assert [asset for asset in assets if not asset.startswith("/static/")] == []
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200, asset
        response.close()
