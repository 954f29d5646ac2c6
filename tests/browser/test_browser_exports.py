"""Lesson 04's widget on the learner's own exports, in JupyterLab in Chromium (issue 16).

A notebook made for this test (04-own-exports.ipynb, written into the test JupyterLab's copy of the
course, where the export fixtures are under fixtures/exports/) shows ``monologue_dialogue`` on the
Meta Business Suite (Facebook) fixture and on the LinkedIn .xls fixture, each loaded with
``load_export`` as a learner would. Each widget must render without a problem and say which
definitions and groupings its export cannot give; respond to a learner and to the keyboard alone;
and pass the accessibility audit. The test ids hold "04-", so ``pytest tests/browser -k "04-"``
runs them with the lesson.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.a11y import audited
from tests.browser.lab import COVERED, KEYBOARD, Lab, Session, opened, screenshot
from tests.helpers import ROOT, read, source

pytestmark = pytest.mark.browser

NOTEBOOK = "04-own-exports.ipynb"
EXPORTS = (
    ("Meta Business Suite", "monologue_dialogue(load_export('fixtures/exports/meta_facebook_content.csv'))"),
    ("LinkedIn", "monologue_dialogue(load_export('fixtures/exports/linkedin_content.xls'))"),
)


def _notebook() -> dict[str, Any]:
    lesson = read(ROOT / "lessons" / "04-monologue-to-dialogue.ipynb")
    boot = source(next(c for c in lesson["cells"] if c["cell_type"] == "code"))
    codes = [boot, "from widgets.data import load_export\n"
                   "from widgets.views.dialogue import monologue_dialogue"]
    codes += [code for _, code in EXPORTS]
    cells = [{"cell_type": "markdown", "id": "m0", "metadata": {},
              "source": "# Monologue against dialogue on two exports"}]
    cells += [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": None,
               "outputs": [], "source": code} for i, code in enumerate(codes)]
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                        "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module", params=[NOTEBOOK])
def exports(request: pytest.FixtureRequest, lab: Lab, browser: object) -> Iterator[Session]:
    (lab.course / request.param).write_text(json.dumps(_notebook()), encoding="utf-8")
    with opened(browser, lab, request.param) as session:
        yield session


def test_the_widget_renders_on_each_export_and_says_what_it_lacks(exports: Session):
    report = exports.report
    assert not report.problems, report.text()
    assert report.widgets == ["monologue-dialogue"] * len(EXPORTS)
    boxes = exports.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .course-widget")
    meta, linkedin = (boxes.nth(i).inner_text() for i in range(len(EXPORTS)))
    assert "Meta Business Suite content export (Facebook)" in meta
    assert "Not available with these posts: engagement per follower (no followers column" in meta
    assert "LinkedIn page content export" in linkedin
    assert "engagement per reach (no reach column" in linkedin
    assert "was negative in the export: read as not recorded" in linkedin
    screenshot(exports.page, "04-monologue-dialogue-on-exports")


def test_each_export_widget_responds_to_a_learner(exports: Session):
    covered = COVERED.setdefault(exports.path, [])
    failures = []
    for index, (name, _) in enumerate(EXPORTS):
        try:
            covered.append(exports.interact(index))
        except AssertionError as problem:
            failures.append(f"{name}: {problem}")
    failures += [f"browser console: {m}" for m in exports.console[len(exports.report.console):]]
    assert not failures, "\n".join(failures)


def test_each_export_widget_works_from_the_keyboard_alone(exports: Session):
    failures = []
    for index, (name, _) in enumerate(EXPORTS):
        try:
            KEYBOARD.setdefault(exports.path, []).append((name, exports.keyboard(index)))
        except AssertionError as problem:
            failures.append(f"{name}: {problem}")
    assert not failures, "\n".join(failures)


def test_no_serious_accessibility_violation_on_the_export_widgets(exports: Session):
    result = audited(exports)
    assert not result.course_failing, result.text()
