"""The nbgrader round trip with the real nbgrader and the instructor's nbgrader_config.py.

Every exercise in solutions/ (discovered) becomes an nbgrader assignment; four submissions of
each are autograded: the solution (full marks), the blank exercise (zero), a tampered copy that
hard-codes the first answer and deletes its check cell (zero for that question: the locked check
cell comes back), and the blank exercise with one line that turns the checks' automated mode off
in the learner's kernel. nbgrader gives that last one FULL marks: its checks run in the learner's
kernel, which is why the instructor kit says nbgrader cannot give the course grader's integrity.
The points are read from `nbgrader export`'s CSV; then the course grader grades nbgrader's own
`submitted/` folder, as the kit recommends, and gives the same notebook zero.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, errors, grading, link_course, notebooks, read

nbgrader_api = pytest.importorskip("nbgrader.nbgraderformat", reason="nbgrader is in requirements-dev.txt")

NBGRADER = Path(sys.executable).with_name("nbgrader")
SOLUTIONS = notebooks("solutions")
CONFIG = ROOT / "instructor" / "nbgrader_config.py"


def questions(notebook: dict) -> list[tuple[str, float]]:
    return [(grading(c)["grade_id"].removesuffix("_check"), float(grading(c)["points"]))
            for c in notebook["cells"] if c["cell_type"] == "code" and grading(c).get("grade")]


def tampered(path: Path) -> tuple[dict, str]:
    """The solution with its first question's answer hard-coded and its check cell deleted."""
    notebook = read(path)
    qid = questions(notebook)[0][0]
    answer = next(c for c in notebook["cells"] if grading(c).get("grade_id") == f"{qid}_answer")
    var = getattr(importlib.import_module(f"widgets.questions.lesson{path.name[:2]}"), qid).var
    answer["source"] = f'{var} = "hard-coded"\n'
    notebook["cells"] = [c for c in notebook["cells"] if grading(c).get("grade_id") != f"{qid}_check"]
    return notebook, qid


def env_tampered(path: Path) -> dict:
    """The blank exercise with the checks' automated mode turned off in its first answer cell."""
    notebook = read(path)
    first = next(c for c in notebook["cells"] if grading(c).get("solution") and grading(c).get("grade_id"))
    first["source"] = 'import os\nos.environ["COURSE_CHECK_MODE"] = "friendly"\n' + "".join(first["source"])
    return notebook


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_nbgrader_accepts_the_metadata(path):
    """nbgrader's own validator (fast): e.g. a Markdown solution cell must also be graded."""
    nbgrader_api.MetadataValidator().validate_nb(
        __import__("nbformat").reads(path.read_text(encoding="utf-8"), as_version=4))


def nbgrader(course: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_CHECK_MODE"}  # the config sets it
    done = subprocess.run([str(NBGRADER), *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout[-2000:]}\n" \
                                 f"{done.stderr[-4000:]}"
    assert "[ERROR]" not in done.stderr and "| ERROR]" not in done.stderr, done.stderr[-4000:]
    return done.stderr


@pytest.mark.slow
def test_generate_autograde_export_round_trip(tmp_path):
    link_course(tmp_path)  # the course folder lives inside a folder with widgets/ and datasets/
    course = tmp_path / "grading"
    course.mkdir()
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(f"\n# the test's own database and exchange\n"
                     f"c.CourseDirectory.db_url = 'sqlite:///{tmp_path / 'gradebook.db'}'\n"
                     f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\n")
    (tmp_path / "exchange").mkdir()

    expected: dict[tuple[str, str], float] = {}
    tampered_ids = {}
    for path in SOLUTIONS:
        name = path.stem
        (course / "source" / name).mkdir(parents=True)
        shutil.copy(path, course / "source" / name / path.name)
        full = sum(points for _, points in questions(read(path)))
        bad, qid = tampered(path)
        tampered_ids[name] = qid
        for student, notebook, score in (
            ("solver", read(path), full),
            ("blank", read(ROOT / "exercises" / path.name), 0.0),
            ("tamperer", bad, full - dict(questions(read(path)))[qid]),
            ("envtamperer", env_tampered(ROOT / "exercises" / path.name), full),  # nbgrader is fooled
        ):
            folder = course / "submitted" / student / name
            folder.mkdir(parents=True)
            (folder / path.name).write_text(json.dumps(notebook), encoding="utf-8")
            expected[(name, student)] = score

    nbgrader(course, "generate_assignment", "*", "--create")
    for path in SOLUTIONS:
        released = read(course / "release" / path.stem / path.name)
        assert "BEGIN SOLUTION" not in json.dumps(released), "nbgrader left a solution in the release"
    nbgrader(course, "autograde", "*", "--create")
    nbgrader(course, "export", "--to", str(tmp_path / "grades.csv"))

    with (tmp_path / "grades.csv").open(encoding="utf-8") as handle:
        got = {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(handle)}
    assert got == expected

    for name, qid in tampered_ids.items():  # the deleted check came back and failed in one line
        graded = read(course / "autograded" / "tamperer" / name / f"{name}.ipynb")
        cell = next(c for c in graded["cells"] if grading(c).get("grade_id") == f"{qid}_check")
        assert [e["ename"] for e in errors(cell)] == ["CheckFailed"]
        assert "Not yet" in errors(cell)[0]["evalue"]

    # The kit's recipe: keep nbgrader for the logistics, grade submitted/ with the course grader.
    for student in ("blank", "tamperer"):  # those two are covered above; keep the run short
        shutil.rmtree(course / "submitted" / student)
    env = {k: v for k, v in os.environ.items() if k != "COURSE_CHECK_MODE"}
    done = subprocess.run([sys.executable, "-m", "widgets.grader", str(course / "submitted"),
                           "--out", str(tmp_path / "course-gradebook.csv")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    with (tmp_path / "course-gradebook.csv").open(encoding="utf-8") as handle:
        ours = {(row["file"][:-6], row["learner"]): float(row["total"]) for row in csv.DictReader(handle)}
    assert ours == {(p.stem, "solver"): expected[(p.stem, "solver")] for p in SOLUTIONS} | {
        (p.stem, "envtamperer"): 0.0 for p in SOLUTIONS}
