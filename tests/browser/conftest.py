import os

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # V8's baseline compiler (Sparkplug) at most, no optimising tiers: a test's pages live a second or two, too short
    # to repay optimising compiles. About a fifth less browser CPU for the axe-core sweep of
    # test_accessibility.py (axe's findings unchanged, an injected violation still found on every page it was in).
    "--js-flags=--max-opt=1",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")
    from django.db import connections

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
        # Django keeps a connection per context, and inside sync_playwright() this thread runs in another one:
        # the connections the browser tests opened are closed here, before the context switches back, or the
        # test database's teardown could not drop it ("being accessed by other users") and it was left behind.
        connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    violations: list[str] = []
    opened.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield opened
    context.close()
    assert violations == [], "the page broke its Content Security Policy"


def log_in(page, username: str, password: str = "a-long-test-password") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
