"""Every lesson and solution notebook, as a learner sees it in JupyterLab: runs clean, draws, responds.

The notebooks and their widgets are discovered (lessons/ and solutions/ files; widgets by the
``course-widget`` class in the rendered page), so new lessons are covered without editing this file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from tests.browser.a11y import audited
from tests.browser.lab import COVERED, KEYBOARD, Lab, Session, opened
from tests.helpers import ROOT, notebooks

pytestmark = pytest.mark.browser

NOTEBOOKS = [str(p.relative_to(ROOT)) for p in notebooks("lessons", "solutions")]


def _folder(path: str) -> str:
    return path.split("/")[0]


@pytest.fixture(scope="module", params=NOTEBOOKS)
def notebook(request: pytest.FixtureRequest, lab: Lab, browser: object) -> Iterator[Session]:
    """The notebook open in a page after Run All (once for both tests below)."""
    following = NOTEBOOKS[NOTEBOOKS.index(request.param) + 1:]
    if os.environ.get("PYTEST_XDIST_WORKER"):  # a parallel run gives each folder to one worker
        following = [p for p in following if _folder(p) == _folder(request.param)]
    with opened(browser, lab, request.param, after=next(iter(following), None)) as session:
        yield session


def test_runs_without_errors_and_everything_renders(notebook: Session):
    report = notebook.report
    COVERED.setdefault(notebook.path, [])
    assert not report.problems, report.text()


def test_every_widget_responds_to_a_learner(notebook: Session):
    failures = []
    covered = COVERED.setdefault(notebook.path, [])
    for index, name in enumerate(notebook.report.widgets):
        try:
            covered.append(notebook.interact(index))
        except AssertionError as problem:
            failures.append(f"{name}: {problem}")
    failures += [f"browser console: {m}" for m in notebook.console[len(notebook.report.console):]]
    assert not failures, f"{notebook.path}:\n  " + "\n  ".join(failures)


SAVED_BYTES = 2_000_000


def test_saved_with_its_widget_state_it_stays_small(notebook: Session):
    """Saved after a run, with widget state (the tests turn that setting on), a notebook stays
    under 2 MB: figures are sent as their data, never with plotly.js (issue 17)."""
    size = notebook.save()
    assert size < SAVED_BYTES, f"{notebook.path} saved with its widget state is {size:,} bytes"
    saved = json.loads((notebook.lab.course / notebook.path).read_text(encoding="utf-8"))
    if notebook.report.widgets:
        assert saved["metadata"].get("widgets"), "the widget state was not saved (setting off?)"


def test_every_widget_works_from_the_keyboard_alone(notebook: Session):
    """Issue 13: each control of each course widget is reached with Tab and operated with keys,
    with the change a mouse would make."""
    failures = []
    for index, name in enumerate(notebook.report.widgets):
        try:
            KEYBOARD.setdefault(notebook.path, []).append((name, notebook.keyboard(index)))
        except AssertionError as problem:
            failures.append(str(problem))
    assert not failures, f"{notebook.path}:\n  " + "\n  ".join(failures)


def test_no_serious_accessibility_violation_in_the_course_outputs(notebook: Session):
    """Issue 13: axe-core (WCAG 2.0/2.1 A and AA) over the page after Run All: no serious or
    critical violation inside the course's outputs; JupyterLab's own are listed, not failed."""
    result = audited(notebook)
    assert not result.course_failing, result.text()
