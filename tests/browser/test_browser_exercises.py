"""Every blank exercise, Run All in JupyterLab: each check says "○ Not attempted", never a traceback.

In the browser the checks run in the learner's friendly mode (the tests' JupyterLab unsets
COURSE_CHECK_MODE), so a blank answer must give the course's feedback and let Run All go on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.a11y import audited
from tests.browser.lab import Lab, Session, opened
from tests.helpers import ROOT, notebooks

pytestmark = pytest.mark.browser

EXERCISES = [str(p.relative_to(ROOT)) for p in notebooks("exercises")]
NOT_ATTEMPTED = "\u25cb Not attempted"


@pytest.fixture(scope="module", params=EXERCISES)
def exercise(request: pytest.FixtureRequest, lab: Lab, browser: object) -> Iterator[Session]:
    following = EXERCISES[EXERCISES.index(request.param) + 1:]
    with opened(browser, lab, request.param, after=next(iter(following), None)) as session:
        yield session


def test_blank_exercise_runs_and_every_check_says_not_attempted(exercise: Session):
    report = exercise.report
    assert not report.problems, report.text()
    checks = [c for c in report.cells if c["grade"]]
    assert checks, f"{exercise.path}: no check cells (nbgrader grade) found"
    silent = [c["index"] for c in checks if NOT_ATTEMPTED not in c["shown"]]
    assert not silent, (
        f"{exercise.path}: check cells {silent} do not show {NOT_ATTEMPTED!r}: "
        + "; ".join(repr(c["shown"][:120]) for c in checks if c["index"] in silent)
    )


def test_no_serious_accessibility_violation_in_the_course_outputs(exercise: Session):
    """Issue 13: axe-core over the blank exercise after Run All (verdicts, tables, hints)."""
    result = audited(exercise)
    assert not result.course_failing, result.text()
