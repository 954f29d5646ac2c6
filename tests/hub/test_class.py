"""A class of 10 learners on a real JupyterHub runs lesson 02 through the proxy, and leaves nothing.

The hub, the proxy and every learner's server and kernel are started by the test
(:class:`tests.hub.classroom.Classroom`, with the course's example hub configuration) and stopped
at the end, even when it fails. Needs jupyterhub (requirements-dev.txt) and configurable-http-proxy
(``npm ci --prefix tests/browser``): without them the test is skipped, unless
COURSE_REQUIRE_BROWSER=1 (CI), which makes it fail.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from tests.hub.classroom import Classroom, proxy_command

pytestmark = pytest.mark.slow

CLASS_SIZE = 10
LESSON = "02"


def _needs_hub() -> None:
    missing = []
    if importlib.util.find_spec("jupyterhub") is None:
        missing.append("jupyterhub (pip install -r requirements-dev.txt)")
    if proxy_command() is None:
        missing.append("configurable-http-proxy (npm ci --prefix tests/browser)")
    if missing:
        reason = "not installed: " + ", ".join(missing)
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)


def test_a_class_of_ten_runs_lesson_02_through_the_hub_and_leaves_nothing_running():
    """Ten learners at once; the tenth is a planted negative control whose notebook raises in a
    cell: the class test must see exactly that learner's error, and no other."""
    _needs_hub()
    import json

    room = Classroom(CLASS_SIZE, LESSON)
    planted = room.names[-1]
    try:
        room.start()
        notebook = room.homes / planted / "course" / "lessons" / room.notebook.name
        node = json.loads(notebook.read_text(encoding="utf-8"))
        code = [c for c in node["cells"] if c["cell_type"] == "code"]
        code[-1]["source"] = "1 / 0  # planted by the class test"
        notebook.write_text(json.dumps(node), encoding="utf-8")
        result = room.run()
    finally:
        room.stop()
    summary = result.as_dict()
    assert len(result.runs) == CLASS_SIZE, summary
    learners = [r for r in result.runs if r.name != planted]
    seen = [f"{r.name}: {e}" for r in learners for e in r.errors] + result.errors
    assert not seen, f"learners saw errors: {seen[:5]}\n{summary}"
    for run in learners:
        assert run.cells == len(code) and run.widgets_shown >= 1, f"{run.name}: {run}"
    control = next(r for r in result.runs if r.name == planted)
    assert any("ZeroDivisionError" in e for e in control.errors), f"the planted error was missed: {control}"
    assert room.leftovers() == [], "processes the class started are still running"


def test_leftovers_finds_a_process_the_class_started():
    """The cleanup check can fail: a process the class started and did not stop is listed."""
    import subprocess
    import sys

    room = Classroom(1, LESSON)
    try:
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", str(room.tmp)])
        room.seen[child.pid] = "python sleep"
        assert any(str(child.pid) in line for line in room.leftovers())
        child.kill()
        child.wait()
        assert room.leftovers() == []
    finally:
        room.stop()
