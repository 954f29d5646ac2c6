"""The repo's own pytest configuration: checks run in automated mode, progress and plans go to temp,
and the whole suite runs on two workers.

Kernels started by nbval inherit this process's environment, so setting the variables here turns
the checks' automated mode on for every notebook run by ``pytest`` from this folder, including a
learner's own ``pytest --nbval-lax exercises/01-*.ipynb``.

**Two workers.** ``python -m pytest`` with no paths (the whole suite: the README's command, CI's
and the benchmark's) runs on ``course_workers`` workers (pyproject.toml) with pytest-xdist
(requirements-dev.txt), so that both cores of a 2-core machine work. A run given paths or ``-k``
only stays in one process as before (``-n 2`` asks for workers there too, ``-n 0`` for none). The
setting lives here, not in pyproject's ``addopts``, because learners run pytest in this folder too
(README: ``pytest --nbval-lax exercises/...``) with requirements.txt alone, where ``-n`` would be an
error. Each worker gets whole groups of tests (:func:`group_of`): a test file, a notebook run by
nbval, or the browser tests of one folder of notebooks, so a module's fixtures (the grader's
corpus, one JupyterLab per browser group) are set up once, on one worker, and a notebook's cells
run in order in one kernel. The long groups are handed out first (:data:`LONG_FIRST`), so that no
worker starts one when the other is nearly done.
"""

import os
import re
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest

os.environ["COURSE_CHECK_MODE"] = "automated"
# A worker of a parallel run gets folders of its own (its kernels never share a progress file with
# the other worker's); a run in one process keeps the folders it was given, or makes them.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER or "COURSE_PROGRESS_FILE" not in os.environ:
    os.environ["COURSE_PROGRESS_FILE"] = str(Path(tempfile.mkdtemp(prefix="course-progress-"))
                                             / "progress.json")
# plans exported by lesson 09's canvas (a test clicks its Export button) go to a temp folder too
if _WORKER or "COURSE_PLAN_DIR" not in os.environ:
    os.environ["COURSE_PLAN_DIR"] = tempfile.mkdtemp(prefix="course-plans-")
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

collect_ignore_glob = ["tests/fixtures/*"]

#: groups handed out first, longest first (measured); every other group follows in collection order
LONG_FIRST = (
    "browser:lessons",
    "browser:solutions",
    "browser:exercises",
    "tests/test_nbgrader.py",
    "tests/test_grader.py",
    "tests/hub/test_class.py",
    "tests/browser/test_browser_plan.py",
)
_BROWSER_NOTEBOOK = re.compile(r"^tests/browser/[^:]+::[^\[]+\[(lessons|solutions|exercises)/")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("course_workers", "workers for the whole suite (pytest-xdist); 0 or 1: one process",
                  default="0")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """The whole suite on ``course_workers`` workers, when pytest-xdist is installed; and whenever
    workers are asked for (``-n``) without a ``--dist`` mode, the course's groups (nbval must
    never have one notebook's cells on two workers)."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    if config.getoption("numprocesses", None) is None:
        workers = min(int(config.getini("course_workers") or 0), os.cpu_count() or 1)
        if (workers < 2 or config.args_source != pytest.Config.ArgsSource.TESTPATHS
                or config.getoption("collectonly") or config.getoption("usepdb")):
            return
        config.option.numprocesses = workers  # pytest-xdist turns this into its workers (its own hook)
    if config.option.dist == "no":
        config.option.dist = "loadfile"  # by file, as the course's scheduler below refines it


def group_of(nodeid: str) -> str:
    """The group of tests that must run on one worker: the test file (or notebook), except that the
    browser tests of each folder of notebooks are a group of their own (one JupyterLab each)."""
    browser = _BROWSER_NOTEBOOK.match(nodeid)
    return f"browser:{browser.group(1)}" if browser else nodeid.split("::", 1)[0]


def _rank(group: str) -> int:
    return LONG_FIRST.index(group) if group in LONG_FIRST else len(LONG_FIRST)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's scheduling by file, with the course's groups, the long ones handed out first."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            if not self.ordered:  # a stable sort: the groups' own order is kept
                self.workqueue = OrderedDict(sorted(self.workqueue.items(), key=lambda unit: _rank(unit[0])))
                self.ordered = True
            super()._assign_work_unit(node)

    return CourseScheduling(config, log)


# --------------------------------------------------------------------------- the browser summary
# In a parallel run the browser tests run in the workers: each sends what it covered (widgets
# driven, keyboard, accessibility audits) back, and the summary is written here, as the browser
# tests' own conftest writes it in a run in one process.
_SENT: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    sent = getattr(node, "workeroutput", {}).get("course_browser")
    if sent:
        _SENT.append(sent)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _SENT:
        from tests.browser.summary import from_workers, write_summary

        write_summary(terminalreporter, *from_workers(_SENT))
