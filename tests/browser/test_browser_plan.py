"""Lesson 09 in the browser beyond Run All: the strategy canvas on two of the learner's own export
layouts (Meta Business Suite and LinkedIn fixtures), and the plan it exports, opened in Chromium.

A notebook made for this test holds three canvases: Copperpot with a plan filled in, the Meta
Business Suite fixture and the LinkedIn fixture (the fixtures are in the test JupyterLab's course
copy, under fixtures/exports/). Each must render without a problem, respond to a learner and to the
keyboard alone, and pass the accessibility audit. Then the learner's click on **Export my plan**
writes the page; Chromium opens it from disk with the network cut off, and it must show its charts,
fetch nothing, and print on at most two A4 pages. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import audited
from tests.browser.lab import Lab, Session, opened, screenshot, screenshot_dir
from tests.helpers import ROOT, notebooks, read, source

pytestmark = pytest.mark.browser

NOTEBOOK = "lesson-09-exports.ipynb"
PLAN = {"people": "Regulars who order online", "objective": "supporting", "shift": 20,
        "strategy": "Answer people the same day, and ask them back.",
        "technology": "A shared inbox.",
        "listening": {"ask": "Late deliveries lead the complaints."},
        "targets": [("conversational_share", "80", "2026-06-30"),
                    ("comments_per_post", "45", "2026-12-31")],
        "test": {"metric": "comments_per_post", "lift": 0.5, "platform": "instagram"}}
CANVASES = (
    ("Copperpot", f"strategy_canvas(plan={PLAN!r}, name='Copperpot Coffee')"),
    ("Meta Business Suite", "strategy_canvas(load_export('fixtures/exports/meta_facebook_content.csv'))"),
    ("LinkedIn", "strategy_canvas(load_export('fixtures/exports/linkedin_content.xls'))"),
)


def _notebook() -> dict[str, Any]:
    lesson = read(notebooks("lessons")[0])
    boot = source(next(c for c in lesson["cells"] if c["cell_type"] == "code"))
    codes = [boot, "from widgets.data import load_export\n"
                   "from widgets.views.strategy import strategy_canvas"]
    codes += [code for _, code in CANVASES]
    cells = [{"cell_type": "markdown", "id": "m0", "metadata": {},
              "source": "# The strategy canvas on the course's brand and on two exports"}]
    cells += [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
               "outputs": [], "source": code} for i, code in enumerate(codes)]
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                        "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def canvases(lab: Lab, browser: object) -> Iterator[Session]:
    (lab.course / NOTEBOOK).write_text(json.dumps(_notebook()), encoding="utf-8")
    with opened(browser, lab, NOTEBOOK) as session:
        yield session


def test_three_canvases_render_without_a_problem(canvases: Session):
    report = canvases.report
    assert not report.problems, report.text()
    assert report.widgets == ["strategy-canvas"] * 3
    page = canvases.page
    text = page.locator(".jp-Notebook").inner_text()
    for words in ("Meta Business Suite content export", "LinkedIn page content export",
                  "needs 'followers', which the data does not have",
                  "no trade-off could be computed"):
        assert words in text, words
    screenshot(page, "09-canvas-on-exports")


def test_every_tab_of_the_canvas_shows_its_step(canvases: Session):
    """Each tab of Copperpot's canvas opens and shows its step (a screenshot of each, for review)."""
    box = canvases.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .course-widget").first
    titles = box.locator(".lm-TabBar-tab")
    expected = ("Every metric the data allows", "What did listening", "Groundswell's POST",
                "Predict first", "A SMART target", "A test of broadcast against conversational")
    assert titles.count() == len(expected)
    for i, words in enumerate(expected):
        titles.nth(i).click()
        panel = box.locator(".widget-tab-contents > .lm-Widget:not(.lm-mod-hidden)").first
        panel.wait_for(state="visible", timeout=10_000)
        assert words in panel.inner_text(), (i, words)
        target = screenshot_dir() / f"09-canvas-tab-{i + 1}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        box.screenshot(path=str(target))
    titles.nth(0).click()


def test_each_canvas_responds_to_a_learner_and_to_the_keyboard(canvases: Session):
    failures = []
    for index in range(len(canvases.report.widgets)):
        try:
            canvases.interact(index)
            canvases.keyboard(index)
        except AssertionError as problem:
            failures.append(f"{CANVASES[index][0]}: {problem}")
    assert not failures, "\n".join(failures)


def test_no_serious_accessibility_violation_in_the_canvases(canvases: Session):
    result = audited(canvases)
    assert not result.course_failing, result.text()


def _export(session: Session, index: int) -> Path:
    """Click the index-th canvas's Export button as a learner; return the page it wrote."""
    box = session.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .course-widget").nth(index)
    button = box.locator("button", has_text="Export my plan")
    button.scroll_into_view_if_needed()
    button.click()
    status = box.locator("code").first
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not status.count():
        time.sleep(0.2)
    shown = status.inner_text()
    path = Path(shown)
    if not path.is_absolute():
        path = session.lab.course / path
    assert path.suffix == ".html" and path.is_file(), shown
    assert path.with_suffix(".md").is_file()
    return path


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@pytest.mark.parametrize("index", [0, 1, 2], ids=[name for name, _ in CANVASES])
def test_the_exported_plan_opens_offline_and_prints_on_two_pages(canvases: Session, browser: Any,
                                                                  index: int):
    path = _export(canvases, index)
    context = browser.new_context(viewport={"width": 1000, "height": 900}, offline=True)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        assert page.title().startswith("A dialogue strategy for")
        headings = page.locator("h2").all_inner_texts()
        assert [h.split(".")[0] for h in headings] == ["1", "2", "3", "4", "5", "6"], headings
        for i in range(page.locator("svg").count()):
            box = page.locator("svg").nth(i).bounding_box()
            assert box and box["width"] > 100 and box["height"] > 100, box
        if index == 0:  # Copperpot: both charts (the exports have too few posts for a trade-off)
            assert page.locator("svg").count() == 2
        assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
        assert not errors, errors
        name = f"09-plan-{CANVASES[index][0].split()[0].lower()}"
        target = screenshot(page, name)
        assert target is not None and target.is_file()
        pages = _pdf_pages(page.pdf(format="A4"))
        assert 1 <= pages <= 2, f"{path.name} prints on {pages} pages"
        (screenshot_dir() / f"{name}.pdf").write_bytes(page.pdf(format="A4"))
    finally:
        context.close()


def test_the_temporary_notebook_is_not_a_course_file():
    assert not (ROOT / NOTEBOOK).exists()
