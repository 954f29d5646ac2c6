"""Single-source exercises: generated from solutions/, fresh, blank, and checked as learners see them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import (
    ROOT,
    errors,
    execute,
    grading,
    is_check_cell,
    link_course,
    notebooks,
    read,
    source,
    text_of,
)
from widgets import make_exercises
from widgets.make_exercises import blank_source, code_stub

EXERCISES = notebooks("exercises")


# --------------------------------------------------------------------------- the generator


def test_code_stub_keeps_the_names_the_answer_defines():
    region = "by_channel = df.groupby('channel')['spend'].sum()\nshare, n = 0.5, 3"
    assert code_stub(region) == (
        "# YOUR CODE HERE: replace ____ with your answer\nby_channel = ____\nshare = ____\nn = ____"
    )


def test_code_stub_for_a_function():
    assert "def ctr(clicks, impressions):\n    return ____" in code_stub(
        "def ctr(clicks, impressions):\n    return clicks / impressions"
    )


def test_blank_source_replaces_only_the_region():
    src = "x = 1\n### BEGIN SOLUTION\ny = x + 1\n### END SOLUTION\nprint(x)"
    assert blank_source(src, markdown=False) == (
        "x = 1\n# YOUR CODE HERE: replace ____ with your answer\ny = ____\nprint(x)"
    )
    assert blank_source("### BEGIN SOLUTION\nBecause.\n### END SOLUTION", markdown=True) == (
        make_exercises.MARKDOWN_STUB
    )


def test_unclosed_region_is_an_error():
    with pytest.raises(ValueError, match="no matching"):
        blank_source("### BEGIN SOLUTION\ny = 1", markdown=False)


def test_exercises_are_fresh():
    """exercises/ must equal what `python -m widgets.make_exercises` makes from solutions/."""
    assert make_exercises.stale() == [], "run: python -m widgets.make_exercises"


def test_staleness_is_detected(tmp_path):
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    source_nb = notebooks("solutions")[0]
    (tmp_path / "solutions" / source_nb.name).write_text(source_nb.read_text())
    assert make_exercises.stale(tmp_path / "solutions", tmp_path / "exercises") == [
        f"{source_nb.name}: missing"
    ]
    stale_text = make_exercises.expected_exercises(tmp_path / "solutions")[source_nb.name]
    (tmp_path / "exercises" / source_nb.name).write_text(stale_text.replace("____", "42", 1))
    assert "differs" in make_exercises.stale(tmp_path / "solutions", tmp_path / "exercises")[0]


def test_solutions_have_no_outputs_in_exercises_and_no_solution_text():
    for path in EXERCISES:
        for cell in read(path)["cells"]:
            assert "BEGIN SOLUTION" not in source(cell)
            if grading(cell).get("solution") and cell["cell_type"] == "code":
                assert "____" in source(cell)


def test_every_solution_cell_has_nbgrader_schema_3_metadata():
    for path in notebooks("solutions"):
        ids = []
        for cell in read(path)["cells"]:
            if "BEGIN SOLUTION" in source(cell):
                meta = grading(cell)
                assert meta.get("solution") is True and meta.get("schema_version") == 3, path.name
            if grading(cell):
                ids.append(grading(cell)["grade_id"])
            if is_check_cell(cell):
                assert grading(cell)["locked"] and grading(cell)["points"] >= 1
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade_id"


def test_each_exercise_has_at_least_three_checks():
    for path in EXERCISES:
        assert sum(is_check_cell(c) for c in read(path)["cells"]) >= 3, path.name


# --------------------------------------------------------------------------- as learners run them


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_blank_exercise_runs_and_every_check_says_not_attempted(path):
    ran = execute(read(path), cwd=path.parent, mode="automated")
    checked = 0
    for i, cell in enumerate(ran["cells"]):
        if cell["cell_type"] != "code":
            continue
        if is_check_cell(cell):
            errs = errors(cell)
            assert len(errs) == 1 and errs[0]["ename"] == "CheckFailed", f"cell {i}"
            assert "Not attempted" in errs[0]["evalue"], f"cell {i}: {errs[0]['evalue']}"
            assert errs[0]["traceback"] == [errs[0]["evalue"]], "the failure must be one line"
            checked += 1
        else:
            assert not errors(cell), f"{path.name} cell {i} raised: {text_of(cell)}"
    assert checked >= 3


def answered(path, qid: str, code: str) -> dict:
    """The exercise ``path`` (or an exercise already read) with question ``qid`` answered by ``code``."""
    notebook = read(path) if not isinstance(path, dict) else path
    for cell in notebook["cells"]:
        if grading(cell).get("grade_id") == f"{qid}_answer":
            cell["source"] = code
            break
    else:
        raise AssertionError(f"no answer cell for {qid}")
    return notebook


def check_output(notebook: dict, qid: str) -> str:
    cell = next(c for c in notebook["cells"] if grading(c).get("grade_id") == f"{qid}_check")
    return text_of(cell)


EX00 = ROOT / "exercises" / "00-start-here.ipynb"


SLICE = 'first_half = posts_between(posts, "2025-01-01", "2025-07-01")'


def test_exercise_00_wrong_answer_gets_targeted_feedback_in_the_notebook():
    notebook = answered(answered(EX00, "first_half", SLICE), "q2",
                        'question_per_1000 = style_summary(first_half).loc["question", "per_post"]')
    ran = execute(notebook, cwd=EX00.parent, mode="friendly")
    out = check_output(ran, "q2")
    assert "\u2718 Not yet" in out and "likes per post, not per 1,000 followers" in out
    assert not any(errors(c) for c in ran["cells"]), "friendly mode must not raise"


def test_exercise_00_right_answer_is_correct_in_the_notebook():
    notebook = answered(answered(EX00, "first_half", SLICE), "q3",
                        'tiktok_share = platform_mix(first_half).loc["question", "tiktok"]')
    ran = execute(notebook, cwd=EX00.parent, mode="friendly")
    assert "\u2714 Correct" in check_output(ran, "q3")


def test_learner_nbval_command_fails_a_wrong_answer_with_the_one_line_message(tmp_path):
    """`pytest --nbval-lax exercises/00-*.ipynb` in a course folder, as a learner runs it."""
    link_course(tmp_path)
    (tmp_path / "exercises").mkdir()
    notebook = answered(EX00, "q1", "n_posts = len(posts)")
    (tmp_path / "exercises" / EX00.name).write_text(json.dumps(notebook))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", f"exercises/{EX00.name}", "-q",
         "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in __import__("os").environ.items() if k != "COURSE_CHECK_MODE"},
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "\u2718 Not yet (lesson 00, q1): That is every post of the two years" in result.stdout
    assert "Not attempted (lesson 00, q2)" in result.stdout  # later blanks fail too
