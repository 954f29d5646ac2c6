"""The course grader (python -m widgets.grader): a corpus of learner submissions, graded in ONE run.

Every submission is built here from the real exercises, DISCOVERED in solutions/ and exercises/
(a new lesson joins the corpus by existing): each lesson's solution and blank exercise, then
learners who try to talk the grader into marks (tampering, spread over the lessons in turn),
learners whose one mistake must cost one question, the bad files the grader has always had to
survive, and one learner who tries to get out of the sandbox. Kernel start-ups are the cost, so
every submission that needs a kernel is graded by the same run of the command (a module fixture)
and the tests read its gradebook and feedback. Expected verdicts and reasons are the checks' own
words, computed from the question modules.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import io
import json
import os
import socket
import subprocess
import sys
import threading
import types
from pathlib import Path

import pytest

from tests.helpers import ROOT, grading, read, source
from widgets import grader, probe
from widgets.sandbox import Limits, Sandbox, SandboxUnavailable

OTHER = "98-other-lesson.ipynb"  # a second exercise in the grading source, for the wrong-lesson case
CELL_TIMEOUT = 12  # seconds per cell: short, so the endless loops cost little
NOTEBOOK_TIMEOUT = 240
MEMORY_MB = 1024  # enough for every lesson (peak ~500 MB of data), small enough to hit quickly
REQUIRE_SANDBOX = os.environ.get("COURSE_REQUIRE_SANDBOX") == "1"  # set by .ci/run
SECRET = "COURSE_GRADER_TEST_SECRET"  # in the grader's environment, never in a sandboxed kernel's
SANDBOX = Sandbox.choose("auto")  # what the grader's command will use here


# --------------------------------------------------------------------------- the exercises


def lessons() -> list[str]:
    """Lesson numbers that have both a solution and a generated exercise."""
    sols = {p.name[:2] for p in (ROOT / "solutions").glob("[0-9][0-9]-*.ipynb")}
    exes = {p.name[:2] for p in (ROOT / "exercises").glob("[0-9][0-9]-*.ipynb")}
    return sorted(sols & exes)


def solution(lesson: str) -> Path:
    return next((ROOT / "solutions").glob(f"{lesson}-*.ipynb"))


def exercise(lesson: str) -> Path:
    return next((ROOT / "exercises").glob(f"{lesson}-*.ipynb"))


def questions(lesson: str) -> list[tuple[str, str, float]]:
    """(qid, variable, points) of each graded question, in order, from the notebook and its module."""
    module = importlib.import_module(f"widgets.questions.lesson{lesson}")
    found = []
    for cell in read(solution(lesson))["cells"]:
        meta = grading(cell)
        if meta.get("grade") and cell["cell_type"] == "code":
            qid = meta["grade_id"].removesuffix("_check")
            found.append((qid, getattr(module, qid).var, float(meta["points"])))
    return found


LESSONS = lessons()
FIRST_LESSON = LESSONS[0]
QUESTIONS = {lesson: questions(lesson) for lesson in LESSONS}


def full(lesson: str) -> float:
    return sum(p for _, _, p in QUESTIONS[lesson])


def blank_reason(lesson: str, qid: str) -> str:
    """The checks' own reason for an untouched placeholder."""
    question = getattr(importlib.import_module(f"widgets.questions.lesson{lesson}"), qid)
    return question.evaluate(probe.decode({"$": "placeholder"})).one_line()


def answer_cell(notebook: dict, qid: str) -> dict:
    return next(c for c in notebook["cells"] if grading(c).get("grade_id") == f"{qid}_answer")


def with_answer(notebook: dict, qid: str, code: str) -> dict:
    answer_cell(notebook, qid)["source"] = code
    return notebook


def before(notebook: dict, qid: str, code: str) -> dict:
    """``code`` runs first in question ``qid``'s answer cell (the answer itself is kept after it)."""
    cell = answer_cell(notebook, qid)
    cell["source"] = code + "\n" + source(cell)
    return notebook


def after(notebook: dict, qid: str, code: str) -> dict:
    cell = answer_cell(notebook, qid)
    cell["source"] = source(cell) + "\n" + code
    return notebook


def without_cell(notebook: dict, grade_id: str) -> dict:
    notebook["cells"] = [c for c in notebook["cells"] if grading(c).get("grade_id") != grade_id]
    return notebook


def write(path: Path, notebook: dict | str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(notebook, bytes):
        path.write_bytes(notebook)
    else:
        path.write_text(notebook if isinstance(notebook, str) else json.dumps(notebook), encoding="utf-8")


# --------------------------------------------------------------------------- the tampering


def tampering(lesson: str) -> dict[str, str]:
    """Ways to talk a grader that trusts the learner's kernel into full marks, as answer-cell code."""
    qids = [q for q, _, _ in QUESTIONS[lesson]]
    module = f"widgets.questions.lesson{lesson}"
    fake_q = ("class FakeQuestion:\n"
              "    def check(self):\n"
              "        print('\\u2714 Correct: well done.')\n"
              "    def __getattr__(self, name):\n"
              "        return lambda *a, **k: None\n")
    return {
        "env": ('import os\nos.environ["COURSE_CHECK_MODE"] = "friendly"\n'
                'os.environ.pop("COURSE_PROGRESS_FILE", None)'),
        "patch_check": ("import widgets.checks as checks\n"
                        "for kind in (checks.Question, checks.ChoiceQuestion, checks.FunctionQuestion):\n"
                        "    kind.check = lambda self: print('\\u2714 Correct')\n"
                        "checks.automated = lambda: False\n"
                        "checks.CheckFailed = type('CheckFailed', (Exception,), {})"),
        "patch_evaluate": ("import widgets.checks as checks\n"
                           "def _right(self, *args):\n"
                           "    return checks.Verdict(checks.CORRECT, 'well done.', self.lesson, self.qid)\n"
                           "checks.Question.evaluate = _right\n"
                           "checks.Question.verdict_from = _right\n"
                           "checks.ChoiceQuestion.evaluate = _right"),
        "patch_same": ("import widgets.checks as checks\n"
                       "checks.same = lambda *a, **k: True\n"
                       "checks._safe_same = lambda *a, **k: True\n"
                       "checks.is_placeholder = lambda value: False"),
        "replaced_question": (fake_q + f"import sys, types, {module} as lesson\n"
                              + "".join(f"{q} = FakeQuestion()\nlesson.{q} = {q}\n" for q in qids)
                              + "sys.modules['widgets.checks'] = "
                              "types.SimpleNamespace(Question=FakeQuestion)"),
        "printed": ("from IPython.display import HTML, display\n"
                    + "".join(f"print('\\u2714 Correct (lesson {lesson}, {q}): well done.')\n" for q in qids)
                    + "display(HTML('<div role=\"status\"><strong>\\u2714 Correct</strong></div>'))\n"
                    + "print('@course-grader:' + '0' * 32 + '@{}')".format(
                        json.dumps({q: 1 for q in qids}).replace("'", ""))),
        "files": ("from pathlib import Path\n"
                  "Path('widgets/questions').mkdir(parents=True, exist_ok=True)\n"
                  "for name in ('widgets/__init__.py', 'widgets/questions/__init__.py',\n"
                  f"             'widgets/checks.py', 'widgets/questions/lesson{lesson}.py',\n"
                  "             'sitecustomize.py', 'probe.py'):\n"
                  "    Path(name).write_text('import os\\n'\n"
                  "                          'os.environ[\"COURSE_CHECK_MODE\"] = \"friendly\"\\n')\n"
                  "Path('gradebook.csv').write_text('learner,total\\nme,100\\n')\n"
                  "Path('progress.json').write_text('{\"q1\": \"correct\"}')"),
    }


TAMPERING = list(tampering(FIRST_LESSON))
TAMPER_LESSON = {name: LESSONS[i % len(LESSONS)] for i, name in enumerate(TAMPERING)}

# one mistake in q1 of the first lesson's solution
MISTAKES = {
    "loop": ("while True:\n    pass", "did not finish within"),
    "exits": ("import os\nos._exit(1)", "ended the kernel"),
    "sys_exit": ("import sys\nsys.exit(0)", "raised SystemExit"),
    # RLIMIT_DATA counts memory as it is reserved: untouched pages hit the limit fast, as a real bomb would
    "memory_bomb": ("blob = []\nwhile True:\n    blob.append(bytes(100_000_000))", "ran out of memory"),
}


def dependent_pair() -> tuple[str, str, str, str] | None:
    """(lesson, earlier qid, later qid, name) where the later solution reads what the earlier binds."""
    for lesson in LESSONS:
        nb = read(solution(lesson))
        qids = [q for q, _, _ in QUESTIONS[lesson]]
        bound_read = {q: grader._names_in(source(answer_cell(nb, q))) for q in qids}
        for i, later in enumerate(qids):
            for earlier in qids[:i]:
                shared = bound_read[later][1] & bound_read[earlier][0]
                if shared:
                    return lesson, earlier, later, sorted(shared)[0]
    return None


DEPENDENT = dependent_pair()


# --------------------------------------------------------------------------- escaping the sandbox


def escape_code(outside: Path, port: int, course_write: bool) -> str:
    """Code that tries to get out, and keeps the right answer only if every attempt failed."""
    targets = [outside / "escaped.txt", Path("/tmp") / f"escaped-{os.getpid()}.txt"]
    if course_write:
        targets.append(ROOT / f".escaped-{os.getpid()}.txt")
    return (
        "import os, socket, threading, time\nfrom pathlib import Path\n"
        "_escaped = []\n"
        f"for _target in {[str(t) for t in targets]!r}:\n"
        "    try:\n"
        "        Path(_target).write_text('out')\n"
        "        _escaped.append('wrote ' + _target)\n"
        "    except OSError as exc:\n"
        "        pass\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    _escaped.append('connected')\n"
        "except OSError:\n"
        "    pass\n"
        f"if os.environ.get({SECRET!r}):\n"
        "    _escaped.append('saw the grader environment')\n"
        "if os.geteuid() == 0:\n"
        "    _escaped.append('root')\n"
        "Path('scratch.txt').write_text('the scratch folder is writable')\n"
        "_threads = []\n"
        "try:\n"
        "    for _ in range(400):\n"
        "        _t = threading.Thread(target=time.sleep, args=(2,))\n"
        "        _t.start()\n"
        "        _threads.append(_t)\n"
        "    _escaped.append('400 threads')\n"
        "except RuntimeError:\n"
        "    pass\n"
        "assert Path('scratch.txt').is_file()\n"
        "assert not _escaped, 'ESCAPED: ' + ', '.join(_escaped)\n"
    )


class Listener:
    """A TCP server on the grader's loopback that counts connections (none may come from a sandbox)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


def sandbox_or_skip() -> Sandbox:
    if not SANDBOX.on:
        if REQUIRE_SANDBOX:
            pytest.fail(f"COURSE_REQUIRE_SANDBOX=1 but {SANDBOX.reason}")
        pytest.skip(f"no sandbox on this machine: {SANDBOX.reason}")
    return SANDBOX


# --------------------------------------------------------------------------- the corpus


def make_submissions(folder: Path, outside: Path, port: int) -> None:
    first = FIRST_LESSON
    qid1, var1, _ = QUESTIONS[first][0]
    qid2, var2, _ = QUESTIONS[first][1]
    last_qid = QUESTIONS[first][-1][0]
    name = exercise(first).name

    for lesson in LESSONS:
        write(folder / f"sol{lesson}" / exercise(lesson).name, read(solution(lesson)))
        write(folder / f"{exercise(lesson).stem}__blank{lesson}.ipynb", read(exercise(lesson)))

    for trick in TAMPERING:
        lesson = TAMPER_LESSON[trick]
        code = tampering(lesson)[trick]
        qid = QUESTIONS[lesson][0][0]
        write(folder / f"tamper_{trick}" / exercise(lesson).name, before(read(exercise(lesson)), qid, code))
    everything = "\n".join(tampering(first).values())
    write(folder / "tamper_json" / name,
          before(read(solution(first)), qid1, "import json\njson.dumps = lambda *a, **k: '{}'"))
    write(folder / "tamper_solved" / name, before(read(solution(first)), qid1, everything))
    write(folder / "tamper_wrong" / name,
          with_answer(read(exercise(first)), qid1, everything + f"\n{var1} = 'hard-coded'"))

    for mistake, (code, _) in MISTAKES.items():
        write(folder / f"mistake_{mistake}" / name, before(read(solution(first)), qid1, code))
    if DEPENDENT:
        lesson, earlier, _, _ = DEPENDENT
        write(folder / "needs" / exercise(lesson).name,
              before(read(solution(lesson)), earlier, "import os\nos._exit(1)"))

    # answers that are objects of the learner's own classes, which could claim to equal anything
    liar = ("class Anything:\n"
            "    def __eq__(self, other):\n        return True\n"
            "    __hash__ = object.__hash__\n"
            "class Number(float):\n"
            "    def __eq__(self, other):\n        return True\n"
            "class Text(str):\n"
            "    def lower(self):\n        return self\n"
            "    def __eq__(self, other):\n        return True\n")
    kinds = ["Number(1.0)", "Text('x')", "Anything()"]
    lying = read(exercise(first))
    for i, (qid, var, _) in enumerate(QUESTIONS[first]):
        with_answer(lying, qid, (liar if i == 0 else "") + f"{var} = {kinds[i % len(kinds)]}")
    write(folder / "liar" / name, lying)

    # the bad files the grader has always had to survive
    tampered = with_answer(read(solution(first)), qid1, f'{var1} = "hard-coded"\n')
    tampered = without_cell(tampered, f"{qid1}_check")                   # deleted check cell
    for cell in tampered["cells"]:                                        # an edited check cell
        if grading(cell).get("grade_id") == f"{qid2}_check":
            cell["source"] = "pass  # nothing to see here"
    tampered = with_answer(tampered, qid2, f'{var2} = "hard-coded"\n')
    write(folder / "carol" / name, tampered)
    moved = read(solution(first))                                          # checks moved to the top
    checks = [c for c in moved["cells"] if grading(c).get("grade")]
    moved["cells"] = checks[::-1] + [c for c in moved["cells"] if not grading(c).get("grade")]
    write(folder / "dave" / name, moved)
    stubborn = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    time.sleep(0.1)")                         # a loop that ignores interrupts
    write(folder / "erin" / name, before(read(solution(first)), last_qid, stubborn))
    write(folder / "frank" / name, before(read(solution(first)), qid2, "import os\nos._exit(1)"))
    grace = with_answer(read(solution(first)), qid1, f"{var1} = len(no_such_table)\n")  # raises
    grace = after(grace, last_qid, f"{last_qid} = 'my own'")                            # rebinds q3
    write(folder / "grace" / name, grace)
    write(folder / "heidi" / name, exercise(first).read_text(encoding="utf-8")[:500])  # malformed JSON
    write(folder / "ivan" / name, b"")                                                 # empty file
    write(folder / "judy" / OTHER, read(exercise(first)))                              # another lesson
    write(folder / "mallory" / name,                                                   # huge output
          before(read(solution(first)), qid1, "for _ in range(300):\n    print('x' * 100_000)"))
    write(folder / "niaj" / f"{name[:-6]}.docx", b"PK\x03\x04 not a notebook")        # not a notebook
    # nbgrader's submitted/ layout: learner/assignment/notebook, with its timestamp.txt beside it
    write(folder / "olivia" / exercise(first).stem / name, read(solution(first)))
    write(folder / "olivia" / exercise(first).stem / "timestamp.txt", "2026-01-01 10:00:00.000000 UTC")

    if SANDBOX.on:  # without a sandbox it WOULD get out (the control test below shows it)
        escaper = before(read(solution(first)), qid1, escape_code(outside, port, course_write=True))
        write(folder / "escaper" / name, escaper)


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """sha256, modification time and mode of every file."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns,
                                         p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_grader(subs: Path, base: Path, src: Path, *extra: str, env: dict | None = None) -> dict:
    env = {**{k: v for k, v in os.environ.items() if k != "COURSE_CHECK_MODE"}, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "widgets.grader", str(subs), "--out", str(base / "gradebook.csv"),
         "--feedback", str(base / "feedback"), "--source", str(src), "--cell-timeout", str(CELL_TIMEOUT),
         "--timeout", str(NOTEBOOK_TIMEOUT), "--memory-limit", str(MEMORY_MB), "--max-processes", "64",
         *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with (base / "gradebook.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = {row["learner"]: row for row in reader}
        header = reader.fieldnames
    return {"rows": rows, "stderr": done.stderr, "base": base, "header": header}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Run the grader's command once over the whole corpus."""
    base = tmp_path_factory.mktemp("grader")
    subs, src, outside = base / "submissions", base / "source", base / "outside"
    outside.mkdir()
    outside.chmod(0o777)  # anyone may write here: only the sandbox can stop the escaper
    listener = Listener()
    make_submissions(subs, outside, listener.port)
    src.mkdir()
    for path in (ROOT / "solutions").glob("[0-9][0-9]-*.ipynb"):
        (src / path.name).symlink_to(path)
    other = solution(FIRST_LESSON).read_text(encoding="utf-8").replace(
        f"lesson{FIRST_LESSON}", "lesson98")
    (src / OTHER).write_text(other.replace(f"Exercise {FIRST_LESSON}", "Exercise 98"), encoding="utf-8")
    before_run = snapshot(subs)
    leaked = []
    try:
        out = run_grader(subs, base, src, env={SECRET: "grader-only"})
    finally:
        listener.close()
        for leak in (ROOT / f".escaped-{os.getpid()}.txt", Path("/tmp") / f"escaped-{os.getpid()}.txt"):
            if leak.exists():
                leak.unlink()
                leaked.append(leak)
    out.update(subs=subs, before=before_run, outside=outside, connections=listener.connections,
               leaked=leaked)
    return out


def verdicts(row: dict, lesson: str) -> list[str]:
    return [row[f"{qid}_verdict"] for qid, _, _ in QUESTIONS[lesson]]


def reason(row: dict, qid: str) -> str:
    return row[f"{qid}_reason"]


# --------------------------------------------------------------------------- honest answers


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_solution_gets_full_marks(graded, lesson):
    row = graded["rows"][f"sol{lesson}"]
    assert row["status"] == "graded", row["status"]
    assert verdicts(row, lesson) == ["correct"] * len(QUESTIONS[lesson]), [
        reason(row, q) for q, _, _ in QUESTIONS[lesson]]
    assert float(row["total"]) == full(lesson) == float(row["max_points"]) and row["lesson"] == lesson


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_blank_exercise_gets_zero_and_says_not_attempted(graded, lesson):
    row = graded["rows"][f"blank{lesson}"]  # the flat layout: NN-slug__blankNN.ipynb
    assert verdicts(row, lesson) == ["not attempted"] * len(QUESTIONS[lesson])
    assert float(row["total"]) == 0
    for qid, _, _ in QUESTIONS[lesson]:
        assert reason(row, qid) == blank_reason(lesson, qid)


# --------------------------------------------------------------------------- tampering


@pytest.mark.parametrize("trick", TAMPERING)
def test_tampering_with_a_blank_exercise_earns_nothing(graded, trick):
    """Each trick that fooled the old grader (and fools any grader that trusts the learner's kernel)."""
    lesson = TAMPER_LESSON[trick]
    row = graded["rows"][f"tamper_{trick}"]
    assert row["lesson"] == lesson and row["status"] == "graded", row["status"]
    assert float(row["total"]) == 0
    assert verdicts(row, lesson) == ["not attempted"] * len(QUESTIONS[lesson])
    for qid, _, _ in QUESTIONS[lesson]:
        assert reason(row, qid) == blank_reason(lesson, qid)


def test_breaking_the_kernels_messages_costs_that_question_only(graded):
    """Patching json in the kernel breaks the kernel's own messages (and what the grader reads
    there): the grader drops what it cannot read, sees that nothing readable comes any more, and
    stops that question; the kernel restarts without it and the rest is graded. No mark is won."""
    row = graded["rows"]["tamper_json"]
    qid1, _, points1 = QUESTIONS[FIRST_LESSON][0]
    assert row[f"{qid1}_verdict"] == "stopped" and "broke the kernel's messages" in reason(row, qid1)
    assert verdicts(row, FIRST_LESSON)[1:] == ["correct"] * (len(QUESTIONS[FIRST_LESSON]) - 1)
    assert float(row["total"]) == full(FIRST_LESSON) - points1


def test_objects_that_claim_to_equal_anything_are_not_gradable(graded):
    """Only exact types leave the kernel: a float or str subclass, or any object of the learner's
    own class, could answer "equal" to every comparison, so none is taken out, and none scores."""
    row = graded["rows"]["liar"]
    assert set(verdicts(row, FIRST_LESSON)) == {"not gradable"} and float(row["total"]) == 0
    qid1, var1, _ = QUESTIONS[FIRST_LESSON][0]
    assert f"`{var1}`: it holds an object of type Number" in reason(row, qid1)
    feedback = (graded["base"] / "feedback" / "liar.txt").read_text(encoding="utf-8")
    assert "Not gradable" in feedback and "It is not graded." in feedback


def test_tampering_does_not_cost_honest_answers(graded):
    row = graded["rows"]["tamper_solved"]  # every trick at once, before the right answers
    assert float(row["total"]) == full(FIRST_LESSON)


def test_tampering_with_a_wrong_answer_gets_not_yet(graded):
    row = graded["rows"]["tamper_wrong"]
    qid, var, _ = QUESTIONS[FIRST_LESSON][0]
    assert row[f"{qid}_verdict"] == "not yet" and float(row["total"]) == 0
    assert f"`{var}` should be" in reason(row, qid)


# --------------------------------------------------------------------------- one mistake, one question


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_one_mistake_in_q1_costs_q1_only(graded, mistake):
    row = graded["rows"][f"mistake_{mistake}"]
    qid1, _, points1 = QUESTIONS[FIRST_LESSON][0]
    assert row[f"{qid1}_verdict"] in {"stopped", "not attempted"}
    assert MISTAKES[mistake][1] in reason(row, qid1), reason(row, qid1)
    assert verdicts(row, FIRST_LESSON)[1:] == ["correct"] * (len(QUESTIONS[FIRST_LESSON]) - 1)
    assert float(row["total"]) == full(FIRST_LESSON) - points1


@pytest.mark.skipif(DEPENDENT is None, reason="no exercise has an answer that reads an earlier answer's name")
def test_a_question_that_needs_a_failed_answer_says_so(graded):
    lesson, earlier, later, name = DEPENDENT
    row = graded["rows"]["needs"]
    assert row[f"{earlier}_verdict"] == "stopped"
    assert row[f"{later}_verdict"] != "correct"
    said = reason(row, later)
    assert "it needs `" in said and f"`{name}`" in said, said
    assert f"from {earlier}, whose answer cell did not finish" in said, said
    independent = [q for q, _, _ in QUESTIONS[lesson] if q not in {earlier, later}
                   and not grader._names_in(source(answer_cell(read(solution(lesson)), q)))[1]
                   & grader._names_in(source(answer_cell(read(solution(lesson)), earlier)))[0]]
    assert independent and all(row[f"{q}_verdict"] == "correct" for q in independent)


# --------------------------------------------------------------------------- the bad files


def test_tampered_check_cells_are_restored(graded):
    row = graded["rows"]["carol"]
    (qid1, _, p1), (qid2, _, p2) = QUESTIONS[FIRST_LESSON][:2]
    assert row[f"{qid1}_verdict"] == "not yet" and row[f"{qid2}_verdict"] == "not yet"
    assert float(row["total"]) == full(FIRST_LESSON) - p1 - p2
    assert f"restored: {qid1}_check" in row["notes"] and f"{qid2}_check" in row["notes"]


def test_moved_check_cells_are_put_back_in_order(graded):
    row = graded["rows"]["dave"]
    assert float(row["total"]) == full(FIRST_LESSON) and "moved" in row["notes"]


def test_a_loop_that_ignores_interrupts_is_killed_and_costs_its_question(graded):
    row = graded["rows"]["erin"]
    last_qid, _, last_points = QUESTIONS[FIRST_LESSON][-1]
    assert "time limit" in row["status"]
    assert verdicts(row, FIRST_LESSON) == ["correct"] * (len(QUESTIONS[FIRST_LESSON]) - 1) + ["stopped"]
    assert float(row["total"]) == full(FIRST_LESSON) - last_points


def test_a_dying_kernel_is_restarted_and_costs_its_question(graded):
    row = graded["rows"]["frank"]
    qid2 = QUESTIONS[FIRST_LESSON][1][0]
    assert "kernel died" in row["status"]
    expected = ["correct"] * len(QUESTIONS[FIRST_LESSON])
    expected[1] = "stopped"
    assert verdicts(row, FIRST_LESSON) == expected and "ended the kernel" in reason(row, qid2)


def test_exceptions_in_the_learners_code_are_verdicts(graded):
    row = graded["rows"]["grace"]
    qid1, last_qid = QUESTIONS[FIRST_LESSON][0][0], QUESTIONS[FIRST_LESSON][-1][0]
    assert row[f"{qid1}_verdict"] == "not attempted"  # its answer raised: the variable is unset
    assert row[f"{last_qid}_verdict"] == "correct"     # rebinding the question's name changes nothing
    feedback = (graded["base"] / "feedback" / "grace.txt").read_text(encoding="utf-8")
    assert "your answer cell raised NameError" in feedback


@pytest.mark.parametrize("learner, why", [
    ("heidi", "malformed JSON"),
    ("ivan", "empty"),
    ("judy", f"notebook of exercise {FIRST_LESSON}, not of exercise 98"),
    ("niaj", "not a notebook"),
])
def test_unreadable_or_wrong_submissions_are_rows_with_the_reason(graded, learner, why):
    row = graded["rows"][learner]
    assert row["status"].startswith("not graded") and why in row["status"]
    assert float(row["total"]) == 0


def test_huge_output_is_cut_and_still_graded(graded):
    row = graded["rows"]["mallory"]
    assert "output was cut" in row["status"] and float(row["total"]) == full(FIRST_LESSON)


def test_nbgraders_submitted_layout_is_graded(graded):
    row = graded["rows"]["olivia"]  # olivia/NN-slug/NN-slug.ipynb, and timestamp.txt is not a row
    assert float(row["total"]) == full(FIRST_LESSON)


def test_every_submission_is_a_row(graded):
    expected = ({f"sol{n}" for n in LESSONS} | {f"blank{n}" for n in LESSONS}
                | {f"tamper_{t}" for t in TAMPERING} | {"tamper_solved", "tamper_wrong", "tamper_json"}
                | {f"mistake_{m}" for m in MISTAKES} | ({"needs"} if DEPENDENT else set())
                | {"carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
                   "olivia", "liar"} | ({"escaper"} if SANDBOX.on else set()))
    assert set(graded["rows"]) == expected


def test_submitted_files_are_never_modified(graded):
    assert snapshot(graded["subs"]) == graded["before"]


# --------------------------------------------------------------------------- the sandbox


def test_the_run_says_which_sandbox_it_used(graded):
    box = SANDBOX
    first_line = graded["stderr"].splitlines()[0]
    assert first_line.startswith("sandbox: bubblewrap" if box.on else "sandbox: OFF")
    assert {row["sandbox"] for row in graded["rows"].values() if row["status"].startswith("graded")} == {
        box.mode}


def test_the_sandbox_stops_writes_outside_the_scratch_folder_and_the_network(graded):
    """The escaper tries to write outside its scratch folder (a world-writable folder, /tmp, the
    course), to connect to a server on the grader's loopback, to read the grader's environment, to
    stay root and to start 400 threads; its first answer stays right only if all of that failed."""
    sandbox_or_skip()
    row = graded["rows"]["escaper"]
    qid1 = QUESTIONS[FIRST_LESSON][0][0]
    assert row[f"{qid1}_verdict"] == "correct", reason(row, qid1)
    assert float(row["total"]) == full(FIRST_LESSON)  # and the rest of the submission is graded
    assert not (graded["outside"] / "escaped.txt").exists() and graded["leaked"] == []
    assert graded["connections"] == 0


def test_without_the_sandbox_the_same_escape_succeeds(tmp_path):
    """The control: with --sandbox off the escaper writes outside and connects, so the test above
    would fail if the sandbox let it."""
    sandbox_or_skip()
    outside = tmp_path / "outside"
    outside.mkdir()
    outside.chmod(0o777)
    listener = Listener()
    subs, src = tmp_path / "submissions", tmp_path / "source"
    src.mkdir()
    path = solution(FIRST_LESSON)
    (src / path.name).symlink_to(path)
    qid1 = QUESTIONS[FIRST_LESSON][0][0]
    write(subs / "escaper" / exercise(FIRST_LESSON).name,
          before(read(path), qid1, escape_code(outside, listener.port, course_write=False)))
    try:
        out = run_grader(subs, tmp_path, src, "--sandbox", "off", env={SECRET: "grader-only"})
    finally:
        listener.close()
        (Path("/tmp") / f"escaped-{os.getpid()}.txt").unlink(missing_ok=True)
    row = out["rows"]["escaper"]
    assert out["stderr"].startswith("sandbox: OFF (--sandbox off)")
    assert row[f"{qid1}_verdict"] != "correct" and "ESCAPED: wrote" in reason(row, qid1)
    assert (outside / "escaped.txt").exists() and listener.connections == 1


def test_sandbox_on_fails_plainly_where_it_cannot_run(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(SandboxUnavailable, match="bubblewrap"):
        Sandbox.choose("on")
    box = Sandbox.choose("auto")
    assert box.mode == "off" and "bubblewrap" in box.reason and box.describe().startswith("sandbox: OFF")


def test_the_sandbox_command_contains_what_the_docs_say():
    box = Sandbox("bubblewrap", bwrap="bwrap", as_root=False, limits=Limits())
    cmd = box.command(Path("/tmp/scratch"), ["python"])
    assert {"--unshare-net", "--unshare-pid", "--die-with-parent", "--unshare-user"} <= set(cmd)
    pairs = list(zip(cmd, cmd[1:], cmd[2:], strict=False))
    assert ("--ro-bind", str(ROOT), str(ROOT)) in pairs
    assert ("--bind", "/tmp/scratch", "/tmp/scratch") in pairs
    assert ("--tmpfs", str(ROOT / "solutions")) in list(zip(cmd, cmd[1:], strict=False))
    assert cmd[cmd.index("--remount-ro", cmd.index("--bind")):][:2] == ["--remount-ro", "/"]
    assert cmd[-2:] == ["--", "python"]
    env = box.env(Path("/tmp/scratch"))
    assert env["HOME"] == "/tmp/scratch" and SECRET not in env and "COURSE_CHECK_MODE" not in env


# --------------------------------------------------------------------------- what people see


def test_feedback_uses_the_checks_own_words(graded):
    folder = graded["base"] / "feedback"
    qid1, var1, _ = QUESTIONS[FIRST_LESSON][0]
    blank = (folder / f"blank{FIRST_LESSON}.txt").read_text(encoding="utf-8")
    assert blank_reason(FIRST_LESSON, qid1) in blank and "0 of" in blank
    carol = (folder / "carol.txt").read_text(encoding="utf-8")
    assert f"\u2718 Not yet (lesson {FIRST_LESSON}, {qid1}): `{var1}` should be" in carol
    assert "restored" in carol
    assert "malformed JSON" in (folder / "heidi.txt").read_text(encoding="utf-8")
    loop = (folder / "mistake_loop.txt").read_text(encoding="utf-8")
    assert f"Stopped (lesson {FIRST_LESSON}, {qid1}): your answer cell did not finish" in loop


def test_progress_lines_on_stderr(graded):
    n = len(graded["rows"])  # one line per submission (olivia's timestamp.txt is not one)
    lines = [line for line in graded["stderr"].splitlines() if line.startswith("[")]
    assert len(lines) == n and lines[0].startswith(f"[1/{n}] ") and lines[-1].startswith(f"[{n}/{n}] ")
    assert "per notebook" in graded["stderr"]


def test_gradebook_keeps_the_old_columns_first(graded):
    header = graded["header"]
    qids = sorted({q for lesson in LESSONS for q, _, _ in QUESTIONS[lesson]}, key=grader._qid_key)
    per_question = [f"{q}_{k}" for q in qids for k in ("verdict", "points")]
    old = ["learner", "lesson", "file", "status", *per_question, "total", "max_points", "notes"]
    assert header[:len(old)] == old
    assert header[len(old):] == [f"{q}_reason" for q in qids] + ["sandbox"]


# --------------------------------------------------------------------------- pieces, no kernel


def test_discover_both_layouts(tmp_path):
    write(tmp_path / "alice" / "00-start-here.ipynb", "{}")
    write(tmp_path / "00-start-here__bob.ipynb", "{}")
    write(tmp_path / "stray.ipynb", "{}")
    write(tmp_path / ".ipynb_checkpoints" / "x.ipynb", "{}")
    write(tmp_path / "carol" / "00-start-here" / "00-start-here.ipynb", "{}")
    write(tmp_path / "carol" / "00-start-here" / "timestamp.txt", "2026-01-01")
    found = {(s.learner, s.lesson, bool(s.problem)) for s in grader.discover(tmp_path)}
    assert found == {("alice", "00", False), ("bob", "00", False), ("stray", None, True),
                     ("carol", "00", False)}


def test_rebuild_takes_only_answer_cells():
    qid1, var1, _ = QUESTIONS[FIRST_LESSON][0]
    submitted = with_answer(read(exercise(FIRST_LESSON)), qid1, f"{var1} = 1")
    submitted["cells"].append({"cell_type": "code", "metadata": {}, "source": "import os",
                               "outputs": [], "execution_count": None})
    rebuilt, _ = grader.rebuild(grader.pristine(solution(FIRST_LESSON)), submitted)
    assert [source(c) for c in rebuilt["cells"]
            if grading(c).get("grade_id") == f"{qid1}_answer"] == [f"{var1} = 1"]
    assert len(rebuilt["cells"]) == len(read(solution(FIRST_LESSON))["cells"])
    assert "BEGIN SOLUTION" not in json.dumps(rebuilt)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_check_cell_of_the_course_names_a_question_the_grader_can_load(lesson):
    """A new lesson stays gradable: each check cell resolves to a question in the course source."""
    found = grader.questions_of(grader.pristine(solution(lesson)))
    qids = [q for q, _, _ in QUESTIONS[lesson]]
    assert [f"{q}_check" for q in qids] == list(found)
    for qid in qids:
        question = found[f"{qid}_check"]
        assert not isinstance(question, str), question
        assert question.qid == qid and question.lesson == lesson


# --------------------------------------------------------------------------- values as data


def test_the_probe_text_works_in_a_fresh_namespace():
    """What the kernel runs: the text of widgets/probe.py, exec'd, reading a namespace."""
    import pandas as pd

    from widgets.checks import ____

    marker = "@m@"
    namespace = {"a": 1.5, "s": pd.Series([1, 2], index=["x", "y"]), "blank": ____,
                 "obj": object(), "f": lambda x: x + 1}
    code = grader.probe_code({"a": None, "s": None, "blank": None, "obj": None, "nope": None,
                              "f": [probe.encode((1,)), probe.encode((2,))]}, marker)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):  # outside IPython the probe prints its line
        exec(code, {**namespace, "__name__": "__main__"})  # noqa: S102 - as the kernel would
    assert printed.getvalue().count(marker) == 1
    taken = grader.read_taken(printed.getvalue(), marker, ["a", "s", "blank", "obj", "nope", "f"])
    assert taken["a"].value == 1.5 and taken["s"].value.to_dict() == {"x": 1, "y": 2}
    assert taken["blank"].value is ____ and taken["nope"].kind == "missing"
    assert taken["obj"].kind == "ungradable" and "object" in taken["obj"].why
    assert taken["f"].kind == "calls" and [r["value"] for r in taken["f"].value] == [2, 3]


@pytest.mark.parametrize("text, why", [
    ("nothing printed", "could not read it"),
    ("@m@{}\n@m@{}", "could not read it"),           # two lines: somebody printed one
    ("@m@{not json", "could not read it"),
    ('@m@{"b": 1}', "could not read it"),            # the name is not in it
    ('@m@{"a": {"$": "pickle", "v": "..."}}', "could not be read back"),
    ('@m@{"a": {"$": "np", "dtype": "V8", "v": 1}}', "could not be read back"),
])
def test_malformed_data_from_a_kernel_is_not_gradable(text, why):
    taken = grader.read_taken(text, "@m@", ["a"])["a"]
    assert taken.kind == "ungradable" and why in taken.why


def test_a_learner_printed_line_is_not_taken_for_the_probes():
    fake = '@course-grader:' + "0" * 32 + '@{"a": 42}'
    real = "@course-grader:" + "1" * 32 + "@"
    assert grader.read_taken(fake, real, ["a"])["a"].kind == "ungradable"


def test_too_much_data_is_not_gradable(monkeypatch):
    monkeypatch.setattr(probe, "MAX_ITEMS", 100)
    with pytest.raises(probe.NotGradable, match="more than 100"):
        probe.encode(list(range(200)))
    with pytest.raises(probe.NotGradable, match="nested"):
        probe.encode(nested_list(60))


def nested_list(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_function_answers_are_judged_from_their_results():
    """A FunctionQuestion: results come back as data and are compared here with the reference."""
    from widgets.checks import FunctionQuestion, Mistake

    q = FunctionQuestion("zz", "q9", "ctr", expected=lambda c, i: c / i, cases=[(1, 10), (5, 1000)],
                         mistakes=[Mistake("That is a percent.", test=lambda f: abs(f(1, 10) - 10) < 1e-9)])
    right = grader.Taken("calls", [{"value": 0.1}, {"value": 0.005}])
    percent = grader.Taken("calls", [{"value": 10.0}])
    raised = grader.Taken("calls", [{"raised": ["ZeroDivisionError", "division by zero"]}])
    odd = grader.Taken("calls", [{"ungradable": "an object of type Foo"}])
    assert grader.judge(q, right)[0] == "correct"
    assert grader.judge(q, percent) == ("not yet", q._verdict("incorrect", "That is a percent.").one_line())
    assert grader.judge(q, raised)[0] == "raised" and "ZeroDivisionError" in grader.judge(q, raised)[1]
    assert grader.judge(q, odd)[0] == "not gradable"
    assert grader.judge(q, grader.Taken("value", 3))[0] == "not yet"  # not a function at all
    assert grader.judge(q, grader.Taken("missing"))[0] == "not attempted"


FUNCTION_LESSON = """
import pandas as pd
from widgets.checks import FunctionQuestion, Mistake
q1 = FunctionQuestion("97", "q1", "ctr", expected=lambda c, i: c / i, cases=[(1, 10), (5, 1000)],
                      mistakes=[Mistake("That is a percent.", test=lambda f: abs(f(1, 10) - 10) < 1e-9)])
q2 = FunctionQuestion("97", "q2", "shares", expected=lambda s: s / s.sum(),
                      cases=[(pd.Series([1.0, 3.0], index=["a", "b"]),)])
q3 = FunctionQuestion("97", "q3", "slow", expected=lambda x: x, cases=[(1,)])
q4 = FunctionQuestion("97", "q4", "odd", expected=lambda x: x, cases=[(1,)])
q5 = FunctionQuestion("97", "q5", "boom", expected=lambda x: x, cases=[(1,)])
q6 = FunctionQuestion("97", "q6", "later", expected=lambda x: x, cases=[(2,)])
"""
FUNCTION_ANSWERS = {
    "q1": "def ctr(c, i):\n    return c / i * 100",
    "q2": "def shares(s):\n    return s / s.sum()",
    "q3": "def slow(x):\n    while True:\n        pass",
    "q4": "def odd(x):\n    return object()",
    "q5": "def boom(x):\n    raise ValueError('no')",
    "q6": "def later(x):\n    return x",
}


def test_function_answers_are_called_in_the_kernel_and_judged_here(tmp_path, monkeypatch):
    """End to end, with a made-up lesson of function questions (the course has none yet)."""
    from widgets import checks

    monkeypatch.setattr(checks, "_REGISTRY", dict(checks._REGISTRY))  # lesson 97 is not the course's
    module = types.ModuleType("widgets.questions.lesson97")
    exec(FUNCTION_LESSON, module.__dict__)  # noqa: S102 - the test's own question module
    monkeypatch.setitem(sys.modules, "widgets.questions.lesson97", module)
    bootstrap = source(read(solution(FIRST_LESSON))["cells"][1])

    def cell(code: str, gid: str = "", answer: bool = False, check: bool = False) -> dict:
        meta = {"nbgrader": {"grade_id": gid, "solution": answer, "grade": check, "locked": not answer,
                             "points": 1, "schema_version": 3, "task": False}} if gid else {}
        return {"cell_type": "code", "metadata": meta, "source": code, "outputs": [], "execution_count": None}

    def notebook(answers: dict[str, str]) -> dict:
        cells = [cell(bootstrap, "bootstrap"),
                 cell("try:\n    from widgets.questions.lesson97 import q1, q2, q3, q4, q5, q6\n"
                      "except ImportError:\n    pass", "setup")]
        for qid in answers:
            cells += [cell(answers[qid], f"{qid}_answer", answer=True), cell(f"{qid}.check()", f"{qid}_check",
                                                                            check=True)]
        return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}

    src = tmp_path / "97-functions.ipynb"
    write(src, notebook({q: f"### BEGIN SOLUTION\n{a}\n### END SOLUTION"
                         for q, a in FUNCTION_ANSWERS.items()}))
    sub = tmp_path / "sub" / "97-functions.ipynb"
    write(sub, notebook(FUNCTION_ANSWERS))
    settings = grader.Settings(cell_timeout=6, sandbox=Sandbox.choose("auto", Limits(memory_mb=MEMORY_MB)))
    result = grader.grade(grader.Submission("fn", sub, "97"), {"97": src}, settings=settings)
    got = {q.qid: (q.verdict, q.message) for q in result.questions}
    assert got["q1"] == ("not yet", module.q1._verdict("incorrect", "That is a percent.").one_line())
    assert got["q2"][0] == "correct"  # a Series went in and came out as data
    assert got["q3"][0] == "stopped" and "did not finish" in got["q3"][1]
    assert got["q4"][0] == "not gradable" and "object" in got["q4"][1]
    assert got["q5"][0] == "raised" and "ValueError: no" in got["q5"][1]
    assert got["q6"][0] == "correct"  # after the hanging function, the next question still scores
