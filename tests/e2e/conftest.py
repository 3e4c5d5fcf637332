"""Fixtures of the end-to-end journeys: one headless Chromium per run, a fresh context per test.

Every test under tests/e2e is marked ``e2e``; set PORTAL_SKIP_E2E to skip them all (e.g. where no
Chromium is installed). The browser is Debian's chromium (PORTAL_CHROMIUM overrides the path):
``playwright install`` cannot download browsers here.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test thread; Django then refuses ORM
# calls from that thread ("You cannot call this from an async context"). This is the documented
# pytest-django + Playwright workaround. It is set at import time because the session-wide browser keeps
# the loop alive for the rest of the run, whichever tests come after the first journey.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path("/tmp/e2e-screenshots")
DEFAULT_TIMEOUT_MS = 10_000


def _in_e2e(item: pytest.Item) -> bool:
    return HERE in Path(item.path).resolve().parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the items of this directory (only) as e2e, and skip them when PORTAL_SKIP_E2E is set."""
    skip = os.environ.get("PORTAL_SKIP_E2E")
    for item in items:
        if not _in_e2e(item):
            continue
        item.add_marker(pytest.mark.e2e)
        if skip:
            item.add_marker(pytest.mark.skip(reason=f"end-to-end browser tests skipped: PORTAL_SKIP_E2E={skip!r}"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item (rep_setup, rep_call, rep_teardown) for the page fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium fonts-noto-cjk, or set PORTAL_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser):
    """A page in a new browser context: Chinese locale, 1280x900, 10 s timeouts; screenshot on failure."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    # the Content-Security-Policy forbids inline scripts and styles: a page that needs one is broken
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        yield page
        assert not violations, f"blocked by the Content-Security-Policy: {violations}"
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                page.screenshot(path=str(screenshot_path(request.node.name)), full_page=True)
            except Exception as error:  # noqa: BLE001 - a failed screenshot must not hide the test's failure
                print(f"could not save a screenshot of {request.node.name}: {error}")
        context.close()


def fill_registration(page, *, fields: dict[str, str], city: str, industry: str, scale: str, role: str) -> None:
    """Fill the enterprise registration form (the page must be on it); submitting is the caller's."""
    for name, value in fields.items():
        page.fill(f'[name="{name}"]', value)
    page.select_option('select[name="city"]', label=city)
    page.select_option('select[name="industry"]', label=industry)
    page.select_option('select[name="scale"]', label=scale)
    page.check(f'input[name="role"][value="{role}"]')
