"""Browser tests: one JupyterLab and one Chromium for the whole session, driven by Playwright.

Chromium is Debian's (never downloaded): without it the tests are skipped, unless
COURSE_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure. A failing test saves a
screenshot to build/screenshots/ (or $COURSE_SCREENSHOTS); COURSE_SCREENSHOTS_ALL=1 saves one per
notebook as well.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.a11y import AUDITS
from tests.browser.lab import COVERED, KEYBOARD, Lab, Session, chromium, screenshot
from tests.browser.summary import worker_output, write_summary


def _unavailable(reason: str) -> None:
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"COURSE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    """One JupyterLab server for the session, on a temporary copy of the course."""
    if chromium() is None:
        _unavailable("Chromium is not installed (apt-get install chromium; or set COURSE_CHROMIUM)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        _unavailable("Playwright is not installed (pip install -r requirements-dev.txt)")
    server = Lab().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(lab: Lab) -> Iterator[Any]:
    """One headless Chromium for the session (a fresh context, i.e. page, per notebook)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import launch_browser

    with sync_playwright() as playwright:
        chrome = launch_browser(playwright)
        try:
            yield chrome
        finally:
            chrome.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failing browser test, save a screenshot of the page it was looking at."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and report.when == "call":
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, Session):
                saved = screenshot(value.page, f"FAILED-{item.name}")
                if saved:
                    report.sections.append(("screenshot", str(saved)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A worker of a parallel run sends what it covered to the controller, which writes the summary."""
    sent = getattr(session.config, "workeroutput", None)
    if sent is not None and (COVERED or KEYBOARD or AUDITS):
        sent["course_browser"] = worker_output(COVERED, KEYBOARD, AUDITS)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write_summary(terminalreporter, COVERED, KEYBOARD, AUDITS)
