"""Negative controls: the browser checks catch a notebook that fails in front of a learner."""

from __future__ import annotations

import pytest

from tests.browser.a11y import audited
from tests.browser.lab import Lab, opened

pytestmark = pytest.mark.browser


def test_an_error_in_a_notebook_is_reported(lab: Lab, browser: object):
    """tests/fixtures/broken.ipynb divides by zero in its second code cell."""
    with opened(browser, lab, "fixtures/broken.ipynb") as session:
        problems = session.report.problems
    assert any("ZeroDivisionError" in p for p in problems), problems
    assert any("did not run" in p for p in problems), f"the cell after the error ran: {problems}"


def test_a_widget_that_cannot_display_is_reported(lab: Lab, browser: object):
    """tests/fixtures/broken_widget.ipynb displays a widget whose model does not exist."""
    with opened(browser, lab, "fixtures/broken_widget.ipynb", settle=5) as session:
        problems = session.report.problems
    assert any("widget(s) drawn" in p for p in problems), problems
    assert any("Error displaying widget" in p or "Loading widget" in p for p in problems), problems


def test_an_unlabeled_control_and_faint_text_fail_the_accessibility_audit(lab: Lab, browser: object):
    """tests/fixtures/inaccessible.ipynb shows a slider without a name and low-contrast HTML."""
    with opened(browser, lab, "fixtures/inaccessible.ipynb") as session:
        result = audited(session)
    rules = {f.rule for f in result.course_failing}
    assert {"aria-input-field-name", "color-contrast"} <= rules, result.text()
