"""The course grader (python -m widgets.grader): good and bad submissions, in ONE run of the command.

The submissions are made here from the real exercise 00 and its solution, so they follow the
exercise when it changes. Kernel start-ups are the cost, so every submission that needs a kernel
is graded by the same run (module fixture) and the tests read its gradebook and feedback.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, grading, read, source
from widgets import grader
from widgets.make_exercises import _names
from widgets.solutions import solution_region

SOLUTION = ROOT / "solutions" / "00-start-here.ipynb"
EXERCISE = ROOT / "exercises" / "00-start-here.ipynb"
OTHER = "98-other-lesson.ipynb"  # a second exercise in the grading source, for the wrong-lesson case
TIMEOUT = 30  # seconds per notebook: short, so the infinite loop costs little


def questions() -> list[tuple[str, str, float]]:
    """(qid, variable, points) of each graded question of exercise 00, in order."""
    notebook = read(SOLUTION)
    found = []
    for cell in notebook["cells"]:
        meta = grading(cell)
        if meta.get("grade") and cell["cell_type"] == "code":
            qid = meta["grade_id"].removesuffix("_check")
            answer = next(c for c in notebook["cells"] if grading(c).get("grade_id") == f"{qid}_answer")
            found.append((qid, _names(solution_region(source(answer)))[0], float(meta["points"])))
    return found


QUESTIONS = questions()
FIRST, LAST = QUESTIONS[0], QUESTIONS[-1]
FULL = sum(p for _, _, p in QUESTIONS)


def with_answer(notebook: dict, qid: str, code: str) -> dict:
    for cell in notebook["cells"]:
        if grading(cell).get("grade_id") == f"{qid}_answer":
            cell["source"] = code
    return notebook


def without_cell(notebook: dict, grade_id: str) -> dict:
    notebook["cells"] = [c for c in notebook["cells"] if grading(c).get("grade_id") != grade_id]
    return notebook


def solved_then(qid: str, code: str) -> dict:
    """The solution, with question ``qid``'s answer replaced by ``code`` (kept after it)."""
    notebook = read(SOLUTION)
    cell = next(c for c in notebook["cells"] if grading(c).get("grade_id") == f"{qid}_answer")
    cell["source"] = code + "\n" + source(cell)
    return notebook


def write(path: Path, notebook: dict | str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, bytes):
        path.write_bytes(notebook)
    else:
        path.write_text(notebook if isinstance(notebook, str) else json.dumps(notebook), encoding="utf-8")


def make_submissions(folder: Path) -> None:
    qid1, var1, _ = FIRST
    qid2 = QUESTIONS[1][0]
    last_qid = LAST[0]
    name = EXERCISE.name

    write(folder / "alice" / name, read(SOLUTION))                       # full marks
    write(folder / f"{name[:-6]}__bob.ipynb", read(EXERCISE))             # blank: zero

    tampered = with_answer(read(SOLUTION), qid1, f'{var1} = "hard-coded"\n')
    tampered = without_cell(tampered, f"{qid1}_check")                   # deleted check cell
    for cell in tampered["cells"]:                                        # an edited check cell
        if grading(cell).get("grade_id") == f"{qid2}_check":
            cell["source"] = "pass  # nothing to see here"
    tampered = with_answer(tampered, qid2, f'{QUESTIONS[1][1]} = "hard-coded"\n')
    write(folder / "carol" / name, tampered)

    moved = read(SOLUTION)                                                # checks moved to the top
    checks = [c for c in moved["cells"] if grading(c).get("grade")]
    moved["cells"] = checks[::-1] + [c for c in moved["cells"] if not grading(c).get("grade")]
    write(folder / "dave" / name, moved)

    write(folder / "erin" / name, solved_then(last_qid, "while True:\n    pass"))  # infinite loop
    write(folder / "frank" / name, solved_then(qid2, "import os\nos._exit(1)"))     # kernel dies
    grace = with_answer(read(SOLUTION), qid1, f"{var1} = len(no_such_table)\n")    # raises
    grace = solved_then_nb(grace, last_qid, f"{last_qid} = 'my own'")               # breaks a check
    write(folder / "grace" / name, grace)
    write(folder / "heidi" / name, EXERCISE.read_text(encoding="utf-8")[:500])      # malformed JSON
    write(folder / "ivan" / name, b"")                                              # empty file
    write(folder / "judy" / OTHER, read(EXERCISE))                                  # another lesson
    write(folder / "mallory" / name,                                                # huge output
          solved_then(qid1, "for _ in range(300):\n    print('x' * 100_000)"))
    write(folder / "niaj" / f"{name[:-6]}.docx", b"PK\x03\x04 not a notebook")     # not a notebook


def solved_then_nb(notebook: dict, qid: str, code: str) -> dict:
    cell = next(c for c in notebook["cells"] if grading(c).get("grade_id") == f"{qid}_answer")
    cell["source"] = source(cell) + "\n" + code
    return notebook


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Run the grader's command once over every kind of submission."""
    base = tmp_path_factory.mktemp("grader")
    subs, src = base / "submissions", base / "source"
    make_submissions(subs)
    src.mkdir()
    for path in (ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"):
        (src / path.name).symlink_to(path)
    other = SOLUTION.read_text(encoding="utf-8").replace("lesson00", "lesson98")
    (src / OTHER).write_text(other.replace("Exercise 00", "Exercise 98"), encoding="utf-8")
    before = snapshot(subs)
    env = {k: v for k, v in os.environ.items() if k != "COURSE_CHECK_MODE"}  # the grader sets it
    done = subprocess.run(
        [sys.executable, "-m", "widgets.grader", str(subs), "--out", str(base / "gradebook.csv"),
         "--feedback", str(base / "feedback"), "--source", str(src), "--timeout", str(TIMEOUT)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with (base / "gradebook.csv").open(encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    return {"rows": rows, "stderr": done.stderr, "base": base, "before": before, "subs": subs}


def verdicts(row: dict) -> list[str]:
    return [row[f"{qid}_verdict"] for qid, _, _ in QUESTIONS]


# --------------------------------------------------------------------------- good submissions


def test_solution_gets_full_marks(graded):
    row = graded["rows"]["alice"]
    assert row["status"] == "graded" and verdicts(row) == ["correct"] * len(QUESTIONS)
    assert float(row["total"]) == FULL == float(row["max_points"])
    assert row["lesson"] == "00"


def test_blank_exercise_gets_zero_and_says_not_attempted(graded):
    row = graded["rows"]["bob"]  # the flat layout: 00-start-here__bob.ipynb
    assert verdicts(row) == ["not attempted"] * len(QUESTIONS) and float(row["total"]) == 0


def test_tampered_copy_gets_zero_for_the_tampered_questions(graded):
    row = graded["rows"]["carol"]
    qid1, qid2 = FIRST[0], QUESTIONS[1][0]
    assert row[f"{qid1}_verdict"] == "not yet" and row[f"{qid2}_verdict"] == "not yet"
    assert float(row["total"]) == FULL - FIRST[2] - QUESTIONS[1][2]
    assert f"restored: {qid1}_check" in row["notes"] and f"{qid2}_check" in row["notes"]


def test_moved_check_cells_are_put_back_in_order(graded):
    row = graded["rows"]["dave"]
    assert float(row["total"]) == FULL and "moved" in row["notes"]


# --------------------------------------------------------------------------- bad submissions


def test_infinite_loop_is_stopped_by_the_time_limit(graded):
    row = graded["rows"]["erin"]
    assert "time limit" in row["status"]
    assert verdicts(row)[:-1] == ["correct"] * (len(QUESTIONS) - 1) and verdicts(row)[-1] == "not run"
    assert float(row["total"]) == FULL - LAST[2]


def test_dying_kernel_is_a_row(graded):
    row = graded["rows"]["frank"]
    assert "kernel died" in row["status"]
    assert verdicts(row) == ["correct"] + ["not run"] * (len(QUESTIONS) - 1)


def test_exceptions_in_the_learners_code_are_verdicts(graded):
    row = graded["rows"]["grace"]
    assert row[f"{FIRST[0]}_verdict"] == "not attempted"  # its answer raised: the variable is unset
    assert row[f"{LAST[0]}_verdict"] == "error"           # rebinding q3 breaks its check
    feedback = (graded["base"] / "feedback" / "grace.txt").read_text(encoding="utf-8")
    assert "your answer cell raised NameError" in feedback and "AttributeError" in feedback


@pytest.mark.parametrize("learner, reason", [
    ("heidi", "malformed JSON"),
    ("ivan", "empty"),
    ("judy", "notebook of exercise 00, not of exercise 98"),
    ("niaj", "not a notebook"),
])
def test_unreadable_or_wrong_submissions_are_rows_with_the_reason(graded, learner, reason):
    row = graded["rows"][learner]
    assert row["status"].startswith("not graded") and reason in row["status"]
    assert float(row["total"]) == 0


def test_huge_output_is_cut_and_still_graded(graded):
    row = graded["rows"]["mallory"]
    assert "output was cut" in row["status"] and float(row["total"]) == FULL


def test_every_submission_is_a_row(graded):
    assert set(graded["rows"]) == {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
                                   "ivan", "judy", "mallory", "niaj"}


def test_submitted_files_are_never_modified(graded):
    assert snapshot(graded["subs"]) == graded["before"]


# --------------------------------------------------------------------------- what people see


def test_feedback_uses_the_checks_own_words(graded):
    folder = graded["base"] / "feedback"
    bob = (folder / "bob.txt").read_text(encoding="utf-8")
    assert f"\u25cb Not attempted (lesson 00, {FIRST[0]})" in bob and "0 of" in bob
    carol = (folder / "carol.txt").read_text(encoding="utf-8")
    assert f"\u2718 Not yet (lesson 00, {FIRST[0]}): `{FIRST[1]}` should be" in carol
    assert "restored" in carol
    assert "malformed JSON" in (folder / "heidi.txt").read_text(encoding="utf-8")


def test_progress_lines_on_stderr(graded):
    lines = [line for line in graded["stderr"].splitlines() if line.startswith("[")]
    assert len(lines) == 12 and lines[0].startswith("[1/12] ") and lines[-1].startswith("[12/12] ")
    assert "per notebook" in graded["stderr"]


# --------------------------------------------------------------------------- pieces, no kernel


def test_discover_both_layouts(tmp_path):
    write(tmp_path / "alice" / "00-start-here.ipynb", "{}")
    write(tmp_path / "00-start-here__bob.ipynb", "{}")
    write(tmp_path / "stray.ipynb", "{}")
    write(tmp_path / ".ipynb_checkpoints" / "x.ipynb", "{}")
    found = {(s.learner, s.lesson, bool(s.problem)) for s in grader.discover(tmp_path)}
    assert found == {("alice", "00", False), ("bob", "00", False), ("stray", None, True)}


def test_rebuild_takes_only_answer_cells():
    submitted = with_answer(read(EXERCISE), FIRST[0], f"{FIRST[1]} = 1")
    submitted["cells"].append({"cell_type": "code", "metadata": {}, "source": "import os",
                               "outputs": [], "execution_count": None})
    rebuilt, _ = grader.rebuild(grader.pristine(SOLUTION), submitted)
    assert [source(c) for c in rebuilt["cells"]
            if grading(c).get("grade_id") == f"{FIRST[0]}_answer"] == [f"{FIRST[1]} = 1"]
    assert len(rebuilt["cells"]) == len(read(SOLUTION)["cells"])
    assert "BEGIN SOLUTION" not in json.dumps(rebuilt)
