"""Every lesson and solution notebook, as a learner sees it in JupyterLab: runs clean, draws, responds.

The notebooks and their widgets are discovered (lessons/ and solutions/ files; widgets by the
``course-widget`` class in the rendered page), so new lessons are covered without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.lab import COVERED, Lab, Session, opened
from tests.helpers import ROOT, notebooks

pytestmark = pytest.mark.browser

NOTEBOOKS = [str(p.relative_to(ROOT)) for p in notebooks("lessons", "solutions")]


@pytest.fixture(scope="module", params=NOTEBOOKS)
def notebook(request: pytest.FixtureRequest, lab: Lab, browser: object) -> Iterator[Session]:
    """The notebook open in a page after Run All (once for both tests below)."""
    following = NOTEBOOKS[NOTEBOOKS.index(request.param) + 1:]
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
