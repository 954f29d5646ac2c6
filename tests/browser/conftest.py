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

from tests.browser.a11y import AUDITS, save_report
from tests.browser.lab import COVERED, KEYBOARD, Lab, Session, chromium, screenshot, screenshot_dir


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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AUDITS:
        report = save_report(AUDITS, screenshot_dir().parent / "a11y")
        terminalreporter.section("browser: accessibility (axe-core, WCAG 2.0/2.1 A and AA)")
        for result in AUDITS:
            course = sorted({f"{f.rule} ({f.impact})" for f in result.course})
            lab = sorted({f.rule for f in result.jupyterlab})
            terminalreporter.write_line(f"{result.path}: course outputs: {', '.join(course) or 'none'}; "
                                        f"JupyterLab's own: {', '.join(lab) or 'none'}")
        unknown = sorted({f.rule for r in AUDITS for f in r.jupyterlab_unknown})
        if unknown:
            terminalreporter.write_line(f"JupyterLab violations not in the known list: {', '.join(unknown)}")
        terminalreporter.write_line(f"full report: {report}")
    for notebook, widgets in KEYBOARD.items():
        for name, controls in widgets:
            terminalreporter.write_line(f"keyboard: {notebook}: {name}: "
                                        + "; ".join(f"{c} -> {w}" for c, w in controls))
    if not COVERED:
        return
    terminalreporter.section("browser: notebooks run and widgets driven")
    for notebook, widgets in COVERED.items():
        names = ", ".join(name for name, _, _ in widgets) or "no widgets"
        terminalreporter.write_line(f"{notebook}: {names}")
        for name, control, what in widgets:
            terminalreporter.write_line(f"    {name}: {control}: {what}")
