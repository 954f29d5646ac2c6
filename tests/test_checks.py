"""Unit tests of the checking engine: verdicts, mistakes, hints, solutions, modes, progress."""

from __future__ import annotations

import json
import os
import stat

import pandas as pd
import pytest

from widgets import checks, progress, solutions
from widgets.checks import (
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    RAISED,
    CheckFailed,
    FunctionQuestion,
    Mistake,
    Question,
    ____,
)


@pytest.fixture
def friendly(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CHECK_MODE", "friendly")
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return tmp_path / "progress.json"


@pytest.fixture
def automated(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_CHECK_MODE", "automated")
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return tmp_path / "progress.json"


def cpm_question(**kwargs) -> Question:
    spend, impressions = 5_000.0, 2_000_000
    return Question(
        "zz", "q1", "cpm", expected=lambda: spend / impressions * 1000,
        hints=["Cost per thousand.", "Divide spend by impressions.", "Then multiply by 1,000."],
        mistakes=[Mistake("Forgot the 1,000.", value=lambda: spend / impressions),
                  Mistake("Upside down.", test=lambda a: abs(a - impressions / spend) < 1e-6)],
        **kwargs,
    )


# --------------------------------------------------------------------------- verdicts


def test_right_answer_is_correct():
    assert cpm_question().evaluate(2.5).status == CORRECT


def test_answer_within_tolerance_is_correct_and_outside_is_not():
    q = cpm_question(rtol=1e-3)
    assert q.evaluate(2.5024).status == CORRECT
    assert q.evaluate(2.51).status == INCORRECT


def test_placeholder_is_not_attempted():
    verdict = cpm_question().evaluate(____)
    assert verdict.status == NOT_ATTEMPTED
    assert "____" in verdict.message


def test_placeholder_inside_a_list_is_not_attempted():
    q = Question("zz", "q9", "pair", expected=[1, 2])
    assert q.evaluate([1, ____]).status == NOT_ATTEMPTED


def test_undefined_variable_is_not_attempted():
    verdict = cpm_question().verdict_from({})
    assert verdict.status == NOT_ATTEMPTED
    assert "`cpm` is not defined" in verdict.message


def test_anticipated_mistake_by_value_gets_its_feedback():
    verdict = cpm_question().evaluate(0.0025)
    assert (verdict.status, verdict.message) == (INCORRECT, "Forgot the 1,000.")


def test_anticipated_mistake_by_test_gets_its_feedback():
    assert cpm_question().evaluate(400.0).message == "Upside down."


def test_wrong_type_says_what_kind_was_expected():
    verdict = cpm_question().evaluate("2.5")
    assert verdict.status == INCORRECT
    assert "should be a number, but it is text" in verdict.message


def test_incorrect_feedback_never_reveals_the_expected_value():
    for answer in (3.0, 0.0025, 400.0, "x", [1]):
        verdict = cpm_question().evaluate(answer)
        assert "2.5" not in verdict.message and "2.50" not in verdict.one_line()


def test_text_answers_ignore_case_and_spaces():
    q = Question("zz", "q2", "style", expected="question")
    assert q.evaluate("  Question ").status == CORRECT
    assert q.evaluate("broadcast").status == INCORRECT


def test_bool_answers_are_not_numbers():
    q = Question("zz", "q3", "flag", expected=True)
    assert q.evaluate(True).status == CORRECT
    assert q.evaluate(1).status == INCORRECT


def test_series_answers_compare_by_label_within_tolerance():
    expected = pd.Series({"tv": 10.0, "radio": 4.0})
    q = Question("zz", "q4", "by_channel", expected=expected, ordered=False)
    assert q.evaluate(pd.Series({"radio": 4.001, "tv": 10.0})).status == CORRECT
    assert q.evaluate({"tv": 10.0, "radio": 4.0}).status == CORRECT
    assert q.evaluate(pd.Series({"tv": 10.0, "print": 4.0})).status == INCORRECT


def test_dataframe_answers_compare_values():
    expected = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    q = Question("zz", "q5", "table", expected=expected)
    assert q.evaluate(expected.copy()).status == CORRECT
    assert q.evaluate(expected.assign(a=[1.0, 3.0])).status == INCORRECT


def test_unordered_sequences():
    q = Question("zz", "q6", "ids", expected=["a", "b", "c"], ordered=False)
    assert q.evaluate(["c", "a", "b"]).status == CORRECT
    assert q.evaluate(["a", "b"]).status == INCORRECT


def test_broken_expected_is_reported_as_the_course_not_the_learner():
    def broken():
        raise KeyError("impressions")

    verdict = Question("zz", "q7", "x", expected=broken).evaluate(1)
    assert verdict.status == RAISED
    assert "the course could not compute" in verdict.message


def test_function_question_verdicts():
    q = FunctionQuestion("zz", "q8", "ctr", expected=lambda c, i: c / i, cases=[(0, 10), (5, 1000)])
    assert q.evaluate(lambda c, i: c / i).status == CORRECT
    assert q.evaluate(lambda c, i: i / c).status == RAISED  # ZeroDivisionError on (0, 10)
    assert "ZeroDivisionError" in q.evaluate(lambda c, i: i / c).message
    assert q.evaluate(lambda c, i: c * i).status == INCORRECT
    assert q.evaluate(____).status == NOT_ATTEMPTED
    assert q.evaluate(lambda c, i: ____).status == NOT_ATTEMPTED
    assert q.evaluate(3).status == INCORRECT


def test_verdict_text_has_word_and_symbol_not_colour_alone():
    for status in (CORRECT, INCORRECT, NOT_ATTEMPTED, RAISED):
        verdict = checks.Verdict(status, "m", "zz", "q1")
        line = verdict.one_line()
        assert verdict.word in line and verdict.symbol in line
        assert verdict.word in verdict.html() and verdict.symbol in verdict.html()


def test_feedback_is_deterministic():
    first = [cpm_question().evaluate(a).one_line() for a in (2.5, 3, ____, 0.0025)]
    second = [cpm_question().evaluate(a).one_line() for a in (2.5, 3, ____, 0.0025)]
    assert first == second


# --------------------------------------------------------------------------- modes


def test_friendly_mode_shows_verdict_and_never_raises(friendly, capsys):
    q = cpm_question()
    cpm = 3.0  # noqa: F841 - read by check() from this frame's globals
    globals()["cpm"] = 3.0
    try:
        q.check()
    finally:
        del globals()["cpm"]
    out = capsys.readouterr().out
    assert "Not yet" in out and "\u2718" in out


def test_automated_mode_fails_with_one_line(automated):
    q = cpm_question()
    globals()["cpm"] = 3.0
    try:
        with pytest.raises(CheckFailed) as info:
            q.check()
    finally:
        del globals()["cpm"]
    assert "\n" not in str(info.value)
    assert info.value._render_traceback_() == [str(info.value)]
    assert "Not yet (lesson zz, q1)" in str(info.value)


def test_automated_mode_fails_not_attempted(automated):
    globals()["cpm"] = ____
    try:
        with pytest.raises(CheckFailed, match="Not attempted"):
            cpm_question().check()
    finally:
        del globals()["cpm"]


def test_automated_mode_passes_correct(automated, capsys):
    globals()["cpm"] = 2.5
    try:
        cpm_question().check()
    finally:
        del globals()["cpm"]
    assert "Correct" in capsys.readouterr().out


def test_mode_is_decided_by_one_variable(monkeypatch):
    monkeypatch.delenv("COURSE_CHECK_MODE", raising=False)
    assert not checks.automated()
    monkeypatch.setenv("COURSE_CHECK_MODE", "automated")
    assert checks.automated()


# --------------------------------------------------------------------------- hints


def test_hints_come_in_tiers_and_stop_at_the_last(friendly, capsys):
    q = cpm_question()
    for _ in range(4):
        q.hint()
    out = capsys.readouterr().out.splitlines()
    hints = [line for line in out if line.startswith("Hint")]
    assert [h.split(" (")[0] for h in hints] == ["Hint 1 of 3", "Hint 2 of 3", "Hint 3 of 3",
                                                  "Hint 3 of 3"]
    assert "solution()" in hints[-1]


def test_hint_by_number(friendly, capsys):
    cpm_question().hint(2)
    assert "Hint 2 of 3 (q1): Divide spend by impressions." in capsys.readouterr().out


# --------------------------------------------------------------------------- solutions


def make_solutions(folder, lesson="zz"):
    folder.mkdir(exist_ok=True)
    nb = {"cells": [{"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "q1_answer"}},
                     "source": "### BEGIN SOLUTION\ncpm = spend / impressions * 1000\n"
                               "### END SOLUTION", "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (folder / f"{lesson}-demo.ipynb").write_text(json.dumps(nb))


def test_solution_read_from_solutions_folder(tmp_path):
    make_solutions(tmp_path / "solutions")
    code, reason = solutions.solution_code("zz", "q1", tmp_path / "solutions")
    assert code == "cpm = spend / impressions * 1000" and reason == ""


def test_solution_missing_question_says_so(tmp_path):
    make_solutions(tmp_path / "solutions")
    code, reason = solutions.solution_code("zz", "q2", tmp_path / "solutions")
    assert code is None and "No worked answer for q2" in reason


def test_solution_without_solutions_folder_is_polite(friendly, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_SOLUTIONS_DIR", "none")
    cpm_question().solution()
    out = capsys.readouterr().out
    assert "not part of this copy of the course" in out and "q1.hint()" in out


def test_solution_shown_from_env_folder(friendly, monkeypatch, tmp_path, capsys):
    make_solutions(tmp_path / "sol")
    monkeypatch.setenv("COURSE_SOLUTIONS_DIR", str(tmp_path / "sol"))
    cpm_question().solution()
    assert "cpm = spend / impressions * 1000" in capsys.readouterr().out


def test_real_solutions_hold_every_registered_question():
    import importlib
    import pkgutil

    import widgets.questions as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"widgets.questions.{info.name}")
    for lesson, qids in checks.registry().items():
        if lesson == "zz":
            continue
        for qid in qids:
            code, reason = solutions.solution_code(lesson, qid)
            assert code, f"lesson {lesson} {qid}: {reason}"


# --------------------------------------------------------------------------- progress


def test_progress_records_attempts_and_solved(friendly):
    globals()["cpm"] = 3.0
    try:
        cpm_question().check()
        globals()["cpm"] = 2.5
        cpm_question().check()
    finally:
        del globals()["cpm"]
    data = json.loads(friendly.read_text())
    assert data["checks"]["zz"]["q1"] == {"attempts": 2, "status": "correct", "solved": True}


def test_corrupt_progress_file_is_kept_aside_and_check_still_works(friendly, capsys):
    friendly.write_text("{not json")
    globals()["cpm"] = 2.5
    try:
        cpm_question().check()
    finally:
        del globals()["cpm"]
    out = capsys.readouterr().out
    assert "Correct" in out and "damaged" in out
    assert (friendly.parent / "progress.damaged-1.json").read_text() == "{not json"
    assert json.loads(friendly.read_text())["checks"]["zz"]["q1"]["solved"] is True


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_progress_folder_never_breaks_a_check(friendly, capsys):
    friendly.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        globals()["cpm"] = 2.5
        cpm_question().check()
    finally:
        del globals()["cpm"]
        friendly.parent.chmod(stat.S_IRWXU)
    assert "Correct" in capsys.readouterr().out


def test_progress_path_that_is_a_folder_never_breaks_a_check(friendly, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(friendly.parent))  # a directory, not a file
    globals()["cpm"] = 2.5
    try:
        cpm_question().check()
    finally:
        del globals()["cpm"]
    out = capsys.readouterr().out
    assert "Correct" in out and "could not" in out


def test_progress_summary_counts(friendly, capsys):
    progress.record_check("zz", "q1", "incorrect")
    progress.record_check("zz", "q1", "correct")
    progress.record_event("zz", "q1", "hints")
    rows, problem = progress.summary_rows()
    row = next(r for r in rows if r["lesson"] == "zz")
    assert problem is None
    assert (row["tried"], row["solved"], row["hints used"]) == (1, 1, 1)
    progress.summary()
    assert "Your progress" not in capsys.readouterr().out  # plain-text fallback has no caption


def test_self_assessment_round_trip(friendly):
    assert progress.load_self_assessment() == {}
    assert progress.save_self_assessment({"answers": {"knowing": 2}, "score": 33.3}) is None
    assert progress.load_self_assessment()["answers"] == {"knowing": 2}


def test_an_answer_too_odd_to_compare_is_incorrect_not_a_traceback():
    q = Question("zz", "q10", "needs", expected={"price", "quality"})
    verdict = q.evaluate([["price"], ["quality"]])  # unhashable items: set() would raise
    assert verdict.status == INCORRECT
    frame_q = Question("zz", "q11", "table", expected=pd.DataFrame({"a": [1]}))
    assert frame_q.evaluate(object()).status == INCORRECT


# ----------------------------------------------------------------------------- interpretation


def test_choice_question_accepts_only_a_stated_option_and_explains_wrong_readings():
    from widgets.checks import ChoiceQuestion

    q = ChoiceQuestion("99", "q9", "reading", expected=lambda: "b",
                       choices={"a": "the campaign worked", "b": "the data cannot say"},
                       mistakes=[Mistake("A rise after a campaign is not proof it caused it.", value="a")])
    assert q.evaluate("b").status == CORRECT
    assert q.evaluate(" B ").status == CORRECT
    wrong = q.evaluate("a")
    assert wrong.status == INCORRECT and "not proof" in wrong.message
    for odd in ("c", 2, ["b"]):
        verdict = q.evaluate(odd)
        assert verdict.status == INCORRECT and "one of 'a', 'b'" in verdict.message
    assert q.evaluate(____).status == NOT_ATTEMPTED


def _contrast(a: str, b: str) -> float:
    def lum(h: str) -> float:
        def f(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        r, g, b_ = (int(h[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b_)
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_verdict_words_are_readable_and_not_told_by_colour_alone():
    """WCAG 1.4.3: the verdict's words meet 4.5:1 on its light grey background; 1.4.1: each
    verdict also has its own word and symbol."""
    import re

    from widgets.checks import Verdict
    from widgets.style import PALETTE, TEXT_COLOURS

    assert set(PALETTE) <= set(TEXT_COLOURS)
    for colour in TEXT_COLOURS.values():
        assert _contrast(colour, "#F5F5F5") >= 4.5, colour
    shown = set()
    for status in (CORRECT, INCORRECT, NOT_ATTEMPTED, "raised"):
        page = Verdict(status, "m", "00", "q1").html()
        text_colour = re.search(r'<strong style="color:(#[0-9A-Fa-f]{6})">', page).group(1)
        assert _contrast(text_colour, "#F5F5F5") >= 4.5
        shown.add(Verdict(status, "m").symbol + Verdict(status, "m").word)
    assert len(shown) == 4
