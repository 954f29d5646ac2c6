"""The course's own grader, for instructors with or without nbgrader.

    python -m widgets.grader SUBMISSIONS --out gradebook.csv --feedback feedback/

SUBMISSIONS holds the learners' exercise notebooks in either layout (both may be mixed):

* one folder per learner: ``alice/01-advertiser-knows-best.ipynb`` (nbgrader's ``submitted/``
  folder, ``alice/01-advertiser-knows-best/01-advertiser-knows-best.ipynb``, works as it is)
* files named by learner:  ``01-advertiser-knows-best__alice.ipynb``

The two leading digits of a file's name say which exercise it is.

**How a notebook is graded.** It is rebuilt from the pristine source (``solutions/NN-*.ipynb`` with
the solution regions blanked, or ``exercises/NN-*.ipynb`` when this copy has no solutions): ONLY the
learner's answer cells (matched by their nbgrader ``grade_id``) are taken from the submission, so a
deleted, edited or moved check cell changes nothing. The cells then run in order in a fresh kernel,
in a bubblewrap sandbox where one is available (:mod:`widgets.sandbox`). Check cells are NOT run
there. Where a check cell stands, the grader takes the value of the name that question checks out
of the kernel as plain data (:mod:`widgets.probe`) and decides the verdict in its OWN process, with
the question loaded from the course source. Nothing the learner's code does in its kernel
(environment variables, patched modules or classes, a replaced question object, printed text,
files) reaches a verdict. A value that cannot be taken out as data is "not gradable".

**One mistake costs one question.** Each cell has a time limit: a cell that hangs is interrupted
(the kernel killed if that fails); a kernel that dies is restarted and the cells that ran before
are run again, without the one that failed; the run goes on. A question whose answer uses a name
that an earlier, failed answer defines says so in its reason.

A submission that cannot be graded at all (malformed, empty, not a notebook, another lesson's
notebook, ...) becomes a row with the reason; the run goes on. The submitted files are only read.
"""

from __future__ import annotations

import argparse
import ast
import csv
import importlib
import json
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .make_exercises import blank_notebook
from .paths import EXERCISES_DIR, solutions_dir
from .sandbox import (
    DIED,
    GARBLED,
    INTERRUPTED,
    OK,
    SANDBOX_CHOICES,
    Kernel,
    KernelError,
    Limits,
    Sandbox,
    SandboxUnavailable,
)
from .solutions import cell_source

SEPARATOR = "__"  # 01-advertiser-knows-best__alice.ipynb
DEFAULT_TIMEOUT = 300  # seconds per notebook (a backstop: the cell limit is what stops a loop)
DEFAULT_CELL_TIMEOUT = 60  # seconds per cell
OUTPUT_LIMIT = 2_000_000  # characters of output a notebook may print before "output was cut"
MAX_FILE_BYTES = 20_000_000  # a bigger "notebook" is not read at all
MAX_VALUES_CHARS = 100_000_000  # the largest answer data the grader reads back from a kernel
IGNORED_FILES = {"timestamp.txt"}  # nbgrader's submission time stamp, beside each notebook

# verdicts in the gradebook (the first four are the checks' own)
CORRECT = "correct"
INCORRECT = "not yet"
NOT_ATTEMPTED = "not attempted"
RAISED = "raised"
NOT_GRADABLE = "not gradable"  # the answer's value could not be taken out of the kernel as data
STOPPED = "stopped"  # its answer cell hung or ended the kernel: this question only
NOT_RUN = "not run"  # the grader could not get to this question (notebook time limit, no kernel)
ERROR = "error"  # the grader could not judge (a problem of the course, never of the answer)
NOT_GRADED = "not graded"  # the submission could not be graded at all

_FROM_CHECKS = {"correct": CORRECT, "incorrect": INCORRECT, "not attempted": NOT_ATTEMPTED,
                "raised": RAISED}
_LOOK = {NOT_GRADABLE: ("Not gradable", "\u2205"), STOPPED: ("Stopped", "\u23f9"),
         NOT_RUN: ("Not run", "\u2013"), ERROR: ("Grader error", "\u26a0"),
         NOT_GRADED: ("Not graded", "\u2013")}
_LESSON_REF = re.compile(r"widgets\.questions\.lesson(\d\d)\b")
_LESSON_NAME = re.compile(r"^(\d\d)-")
_QUESTION_MODULE = re.compile(r"^widgets\.questions\.lesson\d\d$")


# ----------------------------------------------------------------------------- the data


@dataclass
class Submission:
    learner: str
    path: Path
    lesson: str | None  # "01", or None when the file name does not say
    problem: str = ""  # why it cannot even be read (set while discovering)


@dataclass
class QuestionResult:
    qid: str
    points: float
    verdict: str
    message: str
    earned: float = 0.0


@dataclass
class Result:
    learner: str
    lesson: str
    file: str
    status: str = "graded"
    notes: list[str] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    seconds: float = 0.0
    sandbox: str = ""

    @property
    def total(self) -> float:
        return sum(q.earned for q in self.questions)

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)


@dataclass
class Settings:
    """How a run grades: time limits and the sandbox."""

    timeout: float = DEFAULT_TIMEOUT
    cell_timeout: float = DEFAULT_CELL_TIMEOUT
    sandbox: Sandbox | None = None
    questions: dict[str, dict[str, Any]] = field(default_factory=dict)  # lesson -> questions_of()

    def questions_for(self, lesson: str, source_nb: dict[str, Any]) -> dict[str, Any]:
        if lesson not in self.questions:
            self.questions[lesson] = questions_of(source_nb)
        return self.questions[lesson]

    def box(self) -> Sandbox:
        if self.sandbox is None:
            self.sandbox = Sandbox.choose("auto")
        return self.sandbox


# ----------------------------------------------------------------------------- finding things


def _visible(path: Path) -> bool:
    return not any(part.startswith(".") or part == "__pycache__" for part in path.parts)


def discover(folder: Path) -> list[Submission]:
    """Every submitted file under ``folder``, in a stable order (see the module doc for layouts)."""
    found: list[Submission] = []
    for entry in sorted(folder.iterdir()):
        if not _visible(entry.relative_to(folder)):
            continue
        if entry.is_dir():
            for path in sorted(p for p in entry.rglob("*") if p.is_file()):
                if _visible(path.relative_to(folder)) and path.name not in IGNORED_FILES:
                    lesson = _LESSON_NAME.match(path.name)
                    found.append(Submission(entry.name, path, lesson.group(1) if lesson else None))
        elif entry.is_file():
            stem, _, learner = entry.stem.rpartition(SEPARATOR)
            lesson = _LESSON_NAME.match(entry.name)
            if not stem or not learner:
                found.append(Submission(entry.stem, entry, lesson.group(1) if lesson else None,
                                        problem=f"cannot tell whose file this is: name it "
                                                f"NN-slug{SEPARATOR}learner.ipynb or put it in a "
                                                f"folder named after the learner"))
            else:
                found.append(Submission(learner, entry, lesson.group(1) if lesson else None))
    return found


def sources(folder: Path | None = None) -> dict[str, Path]:
    """Lesson number -> the pristine notebook its submissions are rebuilt from."""
    if folder is None:
        folder = solutions_dir() or EXERCISES_DIR
    return {p.name[:2]: p for p in sorted(folder.glob("[0-9][0-9]-*.ipynb"))}


def _grading(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def _is_check(cell: dict[str, Any]) -> bool:
    return cell.get("cell_type") == "code" and bool(_grading(cell).get("grade"))


def _is_answer(cell: dict[str, Any]) -> bool:
    return bool(_grading(cell).get("solution")) and bool(_grading(cell).get("grade_id"))


def pristine(source: Path) -> dict[str, Any]:
    """The exercise as learners got it (solution regions blanked)."""
    return blank_notebook(json.loads(source.read_text(encoding="utf-8")))


# ----------------------------------------------------------------------------- the questions


def _question_names(notebook: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Names the notebook binds to question modules or their objects: name -> (module, attribute)."""
    names: dict[str, tuple[str, str | None]] = {}
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(cell_source(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and _QUESTION_MODULE.match(node.module):
                for alias in node.names:
                    names[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if _QUESTION_MODULE.match(alias.name) and alias.asname:
                        names[alias.asname] = (alias.name, None)
    return names


def questions_of(source_nb: dict[str, Any]) -> dict[str, Any]:
    """Check cell grade_id -> the question it checks, loaded HERE from the course source.

    The question is named by the check cell of the pristine source (``q1.check()``, with ``q1``
    imported from ``widgets.questions.lessonNN``), never by anything in a submission. A check
    cell the grader cannot resolve maps to a string saying why.
    """
    from .checks import Question

    names = _question_names(source_nb)
    found: dict[str, Any] = {}
    for cell in source_nb["cells"]:
        if not _is_check(cell):
            continue
        gid = str(_grading(cell)["grade_id"])
        try:
            tree = ast.parse(cell_source(cell))
        except SyntaxError:
            found[gid] = "its check cell is not valid Python"
            continue
        calls = [n.func.value for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute) and n.func.attr == "check" and not n.args]
        if len(calls) != 1:
            found[gid] = "its check cell must call exactly one question's .check()"
            continue
        target = calls[0]
        if isinstance(target, ast.Name) and target.id in names and names[target.id][1]:
            module, attr = names[target.id]
        elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
              and target.value.id in names and names[target.value.id][1] is None):
            module, attr = names[target.value.id][0], target.attr
        else:
            found[gid] = f"{ast.unparse(target)} is not imported from a widgets.questions module"
            continue
        try:
            question = getattr(importlib.import_module(str(module)), str(attr))
        except (ImportError, AttributeError) as exc:
            found[gid] = f"cannot load {module}.{attr} ({type(exc).__name__}: {exc})"
            continue
        found[gid] = question if isinstance(question, Question) else f"{module}.{attr} is not a question"
    return found


# ----------------------------------------------------------------------------- reading a submission


def read_submission(path: Path) -> dict[str, Any]:
    """The submitted notebook as a dict; ValueError with a plain reason when it is not one."""
    if path.suffix != ".ipynb":
        raise ValueError(f"not a notebook ({path.suffix or 'no extension'}): submit the .ipynb file")
    size = path.stat().st_size
    if size == 0:
        raise ValueError("the file is empty")
    if size > MAX_FILE_BYTES:
        raise ValueError(f"the file is too large to be a course notebook ({size // 1_000_000} MB)")
    raw = path.read_bytes()
    try:
        notebook = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"not a readable notebook (malformed JSON: {str(exc)[:80]})") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError("not a readable notebook (no list of cells)")
    if not all(isinstance(c, dict) for c in notebook["cells"]):
        raise ValueError("not a readable notebook (a cell is not a JSON object)")
    return notebook


def _lessons_referenced(notebook: dict[str, Any]) -> set[str]:
    return {m for c in notebook["cells"] for m in _LESSON_REF.findall(cell_source(c))}


def rebuild(source_nb: dict[str, Any], submitted: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The source notebook with the learner's answer cells put in; notes on what was odd."""
    notes: list[str] = []
    answers: dict[str, str] = {}
    for cell in submitted["cells"]:
        if not _is_answer(cell):
            continue
        gid = str(_grading(cell)["grade_id"])
        if gid in answers:
            notes.append(f"{gid} appears twice: the first one was graded")
            continue
        answers[gid] = cell_source(cell)
    rebuilt = json.loads(json.dumps(source_nb))
    wanted = [str(_grading(c)["grade_id"]) for c in rebuilt["cells"] if _is_answer(c)]
    missing = [gid for gid in wanted if gid not in answers]
    if missing:
        notes.append(f"answer cells missing from the submission: {', '.join(missing)}")
    for cell in rebuilt["cells"]:
        if _is_answer(cell) and str(_grading(cell)["grade_id"]) in answers:
            cell["source"] = answers[str(_grading(cell)["grade_id"])]
    # say what the rebuild repaired: deleted, edited or moved check cells
    checks = [c for c in rebuilt["cells"] if _is_check(c)]
    sub_checks = {str(_grading(c).get("grade_id")): c for c in submitted["cells"] if _is_check(c)}
    gone = [str(_grading(c)["grade_id"]) for c in checks if str(_grading(c)["grade_id"]) not in sub_checks]
    edited = [gid for gid, c in sub_checks.items()
              if any(str(_grading(k)["grade_id"]) == gid and cell_source(k) != cell_source(c)
                     for k in checks)]
    if gone:
        notes.append(f"check cells deleted in the submission were restored: {', '.join(gone)}")
    if edited:
        notes.append(f"edited check cells were restored: {', '.join(edited)}")
    order = [str(_grading(c).get("grade_id")) for c in submitted["cells"] if _grading(c).get("grade_id")]
    source_order = [str(_grading(c)["grade_id"]) for c in rebuilt["cells"] if _grading(c).get("grade_id")]
    kept = [gid for gid in source_order if gid in order]
    if [gid for gid in order if gid in kept] != kept:
        notes.append("cells were moved: the exercise was run in its own order")
    return rebuilt, notes


# ----------------------------------------------------------------------------- taking values out

_PROBE_SOURCE = (Path(__file__).with_name("probe.py")).read_text(encoding="utf-8")


def probe_code(wanted: dict[str, Any], marker: str) -> str:
    """Code that prints ``marker`` + the wanted names' values as data (run in the learner's kernel).

    It runs the text of :mod:`widgets.probe` in a fresh namespace, so nothing the learner's code
    did to modules in its kernel decides how values are read, and it binds no name of its own.
    """
    body = (_PROBE_SOURCE + "\nemit(take_out(__namespace__, json.loads(" + repr(json.dumps(wanted))
            + "), " + repr(marker) + "))\n")
    return ("__import__('builtins').exec(" + repr(body) + ", {'__name__': '__course_grader__', "
            "'__namespace__': __import__('builtins').globals()})")


@dataclass
class Taken:
    """A value taken out of the kernel (or why it could not be)."""

    kind: str  # "value", "missing", "calls", "ungradable"
    value: Any = None
    why: str = ""


def read_taken(text: str, marker: str, names: Iterable[str]) -> dict[str, Taken]:
    """Parse the probe's line; every name not found in it is ungradable."""
    from .probe import TAG, decode

    lines = [line for line in text.splitlines() if line.startswith(marker)]
    if len(lines) != 1:
        why = ("the grader could not read it from your notebook (did your code replace IPython's display "
               "or print?)")
        return {n: Taken("ungradable", why=why) for n in names}
    try:
        data = json.loads(lines[0][len(marker):])
    except (ValueError, RecursionError):
        data = None
    out: dict[str, Taken] = {}
    for name in names:
        item = data.get(name) if isinstance(data, dict) else None
        if not isinstance(data, dict) or name not in data:
            out[name] = Taken("ungradable", why="the grader could not read it from your notebook")
        elif isinstance(item, dict) and item.get(TAG) == "missing":
            out[name] = Taken("missing")
        elif isinstance(item, dict) and item.get(TAG) == "ungradable":
            out[name] = Taken("ungradable", why=f"it holds {str(item.get('why', 'a value'))[:120]}, "
                              "which the grader cannot take out of your notebook as plain data")
        elif isinstance(item, dict) and item.get(TAG) == "calls":
            out[name] = Taken("calls", value=item.get("results"))
        else:
            try:
                out[name] = Taken("value", value=decode(item))
            except Exception as exc:  # noqa: BLE001 - any malformed data is "not gradable"
                out[name] = Taken("ungradable", why=f"its data could not be read back ({type(exc).__name__})")
    return out


# ----------------------------------------------------------------------------- judging


def _grader_line(verdict: str, lesson: str, qid: str, message: str) -> str:
    word, symbol = _LOOK[verdict]
    return f"{symbol} {word} (lesson {lesson}, {qid}): {message}"


def _replay(calls: list[Any]) -> Any:
    """A stand-in for the learner's function: it answers only the calls that were made."""
    known = [(call.args, call.value) for call in calls if call.raised is None]

    def function(*args: Any) -> Any:
        from .checks import same

        for done, value in known:
            if len(done) == len(args) and all(same(a, b) for a, b in zip(args, done, strict=True)):
                return value
        raise LookupError("only the cases that were tried are known")

    return function


def judge(question: Any, taken: Taken) -> tuple[str, str]:
    """(gradebook verdict, one-line message) for a value taken out of the learner's kernel.

    Runs in the grader's own process: ``question`` comes from the course source.
    """
    from .checks import Call, FunctionQuestion
    from .probe import decode

    if taken.kind == "ungradable":
        return NOT_GRADABLE, _grader_line(NOT_GRADABLE, question.lesson, question.qid,
                                          f"`{question.var}`: {taken.why}. It is not graded.")
    try:
        if taken.kind == "missing":
            verdict = question.verdict_from({})
        elif taken.kind == "calls" and isinstance(question, FunctionQuestion):
            calls = []
            results = taken.value if isinstance(taken.value, list) else []
            for args, result in zip(question.cases, results, strict=False):
                if not isinstance(result, dict):
                    raise ValueError("malformed result")
                if "raised" in result:
                    name, message = (str(x)[:300] for x in result["raised"][:2])
                    calls.append(Call(tuple(args), raised=(name, message)))
                elif "ungradable" in result:
                    return NOT_GRADABLE, _grader_line(
                        NOT_GRADABLE, question.lesson, question.qid,
                        f"`{question.var}` returned {str(result['ungradable'])[:100]}, which the grader "
                        "cannot take out of your notebook as plain data. It is not graded.")
                else:
                    calls.append(Call(tuple(args), decode(result["value"])))
            verdict = question.evaluate_calls(calls, _replay(calls))
        else:
            verdict = question.evaluate(taken.value)
    except Exception as exc:  # noqa: BLE001 - a broken question or odd data: say so, never crash
        return ERROR, _grader_line(ERROR, question.lesson, question.qid,
                                   f"the grader could not judge this answer ({type(exc).__name__}: "
                                   f"{str(exc)[:120]}); tell your instructor")
    return _FROM_CHECKS.get(verdict.status, INCORRECT), verdict.one_line()


def _wanted(question: Any) -> Any:
    """What the probe should do with the question's name: take its value, or call it on the cases."""
    from .checks import FunctionQuestion
    from .probe import encode

    if isinstance(question, FunctionQuestion):
        return [encode(tuple(args)) for args in question.cases]
    return None


def _names_in(code: str) -> tuple[set[str], set[str]]:
    """(names the code binds, names it reads), found by parsing it (never by running it)."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(), set()
    bound: set[str] = set()
    read: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store | ast.Del) else read).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
    return bound, read


# ----------------------------------------------------------------------------- running


@dataclass
class _Cell:
    index: int
    source: str
    gid: str
    check: bool
    answer_of: str  # the qid whose answer this cell holds, or ""


class _Run:
    """One submission's run: cells in order, probes at the checks, restarts where needed."""

    def __init__(self, lesson: str, rebuilt: dict[str, Any], questions: dict[str, Any],
                 settings: Settings, result: Result) -> None:
        self.lesson = lesson
        self.questions = questions
        self.settings = settings
        self.result = result
        self.cells: list[_Cell] = []
        for index, cell in enumerate(rebuilt["cells"]):
            if cell.get("cell_type") != "code":
                continue
            gid = str(_grading(cell).get("grade_id", ""))
            answer_of = gid.removesuffix("_answer") if _is_answer(cell) else ""
            self.cells.append(_Cell(index, cell_source(cell), gid, _is_check(cell), answer_of))
        self.history: list[str] = []  # cells that ran to the end: run again after a restart
        self.failed: dict[str, str] = {}  # qid -> why its answer cell did not finish
        self.raised: dict[str, str] = {}  # qid -> what its answer cell raised
        self.events: list[str] = []
        self.output_chars = 0
        self.kernel: Kernel | None = None
        self.scratch: Path | None = None
        self.deadline = 0.0

    # -- the kernel ---------------------------------------------------------------
    def _start(self) -> None:
        assert self.scratch is not None
        self.kernel = Kernel(self.settings.box(), self.scratch)
        self.kernel.start()

    def _restart(self, after: str) -> bool:
        """A fresh kernel with every cell that had finished run again; False if that failed."""
        if self.kernel is not None:
            self.kernel.shutdown()
        try:
            self._start()
        except KernelError as exc:
            self.events.append(f"the kernel could not be restarted after {after} ({exc})")
            return False
        for source in self.history:
            outcome = self.kernel.run(source, self._left())
            if outcome.status != OK:
                self.events.append(f"the kernel could not be brought back after {after}: a cell that "
                                   f"had run before did not finish the second time ({outcome.status})")
                return False
        return True

    def _left(self) -> float:
        return max(0.5, min(self.settings.cell_timeout, self.deadline - time.monotonic()))

    def _limit_words(self, status: str) -> str:
        if status == DIED:
            return "the kernel died"
        if status == GARBLED:
            return "the kernel's messages could not be read"
        return f"stopped by the time limit ({self.settings.cell_timeout:g} s per cell)"

    # -- the run ---------------------------------------------------------------------
    def go(self) -> dict[str, tuple[str, str]]:
        """Run every cell; return check grade_id -> (verdict, message)."""
        verdicts: dict[str, tuple[str, str]] = {}
        started = time.monotonic()
        self.deadline = started + self.settings.timeout
        self.scratch = Path(tempfile.mkdtemp(prefix="course-grader-"))
        stop_reason = ""
        try:
            try:
                self._start()
            except KernelError as exc:
                stop_reason = f"could not run: {exc}"
            for cell in self.cells:
                if stop_reason:
                    break
                if time.monotonic() >= self.deadline:
                    stop_reason = f"stopped by the time limit ({self.settings.timeout:g} s per notebook)"
                    break
                if cell.check:
                    ok, verdicts[cell.gid] = self._probe(cell)
                    if not ok:
                        stop_reason = self.events[-1]
                    continue
                if not self._cell(cell):
                    stop_reason = self.events[-1]
        finally:
            if self.kernel is not None:
                self.kernel.shutdown()
            shutil.rmtree(self.scratch, ignore_errors=True)
        if stop_reason:
            self.result.notes.append(stop_reason)
            for cell in self.cells:
                if cell.check and cell.gid not in verdicts:
                    question = self.questions.get(cell.gid)
                    qid = getattr(question, "qid", cell.gid.removesuffix("_check"))
                    verdicts[cell.gid] = (NOT_RUN, _grader_line(NOT_RUN, self.lesson, qid,
                                                                f"not run: {stop_reason}"))
        if self.output_chars > OUTPUT_LIMIT:
            self.events.append("very long output was cut")
        return verdicts

    def _cell(self, cell: _Cell) -> bool:
        """Run a code cell; False when the run cannot go on."""
        assert self.kernel is not None
        outcome = self.kernel.run(cell.source, self._left())
        self.output_chars += outcome.output_chars
        where = cell.answer_of or cell.gid or f"cell {cell.index + 1}"
        if outcome.status == OK and outcome.error and outcome.error[0] == "MemoryError" and cell.answer_of:
            # the memory is still held: start again without this cell, as if it had died
            self.failed[cell.answer_of] = (f"ran out of memory (the limit is "
                                           f"{self.settings.box().limits.memory_mb} MB)")
            self.events.append(f"{where}: ran out of memory")
            return self._restart(f"{where} ran out of memory")
        if outcome.status == OK:
            self.history.append(cell.source)
            if outcome.error and cell.answer_of:
                self.raised[cell.answer_of] = f"{outcome.error[0]}: {outcome.error[1]}"[:200]
            elif outcome.error:
                self.events.append(f"{where} raised {outcome.error[0]}")
            return True
        words = self._limit_words(outcome.status)
        self.events.append(f"{where}: {words}")
        if cell.answer_of:
            self.failed[cell.answer_of] = {
                DIED: "ended the kernel (it exited, crashed or ran out of memory)",
                GARBLED: "broke the kernel's messages to the grader (did it replace json?)",
            }.get(outcome.status,
                  f"did not finish within {self.settings.cell_timeout:g} s, so it was stopped")
        if outcome.status == INTERRUPTED:
            return True
        return self._restart(f"{where} ({words})")

    def _probe(self, cell: _Cell) -> tuple[bool, tuple[str, str]]:
        """Take the question's value out and judge it here; (can go on, (verdict, message))."""
        assert self.kernel is not None
        question = self.questions.get(cell.gid)
        qid = getattr(question, "qid", cell.gid.removesuffix("_check"))
        if isinstance(question, str) or question is None:
            return True, (ERROR, _grader_line(ERROR, self.lesson, qid,
                                              f"the grader cannot check this question: {question}"))
        if qid in self.failed:
            return True, (STOPPED, _grader_line(
                STOPPED, self.lesson, qid, f"your answer cell {self.failed[qid]}. It earns no points; "
                "the other questions were graded."))
        marker = f"@course-grader:{secrets.token_hex(16)}@"
        outcome = self.kernel.run(probe_code({question.var: _wanted(question)}, marker), self._left(),
                                  keep_text=MAX_VALUES_CHARS, store_history=False)
        if outcome.status != OK:
            words = self._limit_words(outcome.status)
            self.events.append(f"{qid}: reading the answer: {words}")
            from .checks import FunctionQuestion

            if isinstance(question, FunctionQuestion):
                verdict = (STOPPED, _grader_line(STOPPED, self.lesson, qid, f"calling `{question.var}` "
                                                 f"on the question's cases did not finish ({words})."))
            else:
                verdict = (NOT_GRADABLE, _grader_line(NOT_GRADABLE, self.lesson, qid,
                                                      f"`{question.var}` could not be read ({words})."))
            if outcome.status == INTERRUPTED:
                return True, verdict
            return self._restart(f"reading {qid}"), verdict
        taken = read_taken(outcome.text, marker, [question.var])[question.var]
        return True, judge(question, taken)


# ----------------------------------------------------------------------------- grading


def _not_graded(sub: Submission, lesson: str, why: str, source_nb: dict[str, Any] | None) -> Result:
    result = Result(sub.learner, lesson, sub.path.name, status=f"{NOT_GRADED}: {why}")
    for cell in (source_nb or {}).get("cells", []):
        if _is_check(cell):
            gid = str(_grading(cell)["grade_id"])
            result.questions.append(QuestionResult(gid.removesuffix("_check"),
                                                   float(_grading(cell).get("points", 0)),
                                                   NOT_GRADED, why))
    return result


def _dependencies(run: _Run, results: list[QuestionResult]) -> None:
    """Say, in a wrong answer's message, when it uses a name from an earlier answer that failed."""
    by_qid = {r.qid: r for r in results}
    bound: dict[str, set[str]] = {}
    read: dict[str, set[str]] = {}
    for cell in run.cells:
        if cell.answer_of:
            bound[cell.answer_of], read[cell.answer_of] = _names_in(cell.source)
    order = [c.answer_of for c in run.cells if c.answer_of]
    for i, qid in enumerate(order):
        mine = by_qid.get(qid)
        if mine is None or mine.verdict == CORRECT:
            continue
        needs = []
        for earlier in order[:i]:
            shared = sorted(read.get(qid, set()) & bound.get(earlier, set()))
            if not shared:
                continue
            theirs = by_qid.get(earlier)
            if earlier in run.failed:
                state = "whose answer cell did not finish"
            elif earlier in run.raised:
                state = "whose answer cell raised an error"
            elif theirs is not None and theirs.verdict != CORRECT:
                state = f"which is {theirs.verdict} too"
            else:
                continue
            names = ", ".join(f"`{n}`" for n in shared[:3])
            needs.append(f"it needs {names} from {earlier}, {state}")
        if needs:
            mine.message += f" ({'; '.join(needs)}: fix that first)"


def grade(sub: Submission, course: dict[str, Path], timeout: float = DEFAULT_TIMEOUT,
          settings: Settings | None = None) -> Result:
    """Grade one submission; never raises for anything the submission does."""
    settings = settings or Settings(timeout=timeout)
    started = time.monotonic()
    lesson = sub.lesson or "??"
    source_path = course.get(lesson)
    source_nb = pristine(source_path) if source_path else None
    if sub.problem:
        return _not_graded(sub, lesson, sub.problem, source_nb)
    if sub.lesson is None:
        return _not_graded(sub, lesson, "cannot tell which exercise this is: the file name must "
                           "start with the exercise number, e.g. 01-advertiser-knows-best.ipynb",
                           None)
    try:
        submitted = read_submission(sub.path)
    except (OSError, ValueError) as exc:
        return _not_graded(sub, lesson, str(exc), source_nb)
    if source_nb is None:
        return _not_graded(sub, lesson, f"the course has no exercise {lesson}", None)
    theirs, ours = _lessons_referenced(submitted), _lessons_referenced(source_nb)
    if theirs and ours and not theirs & ours:
        other = ", ".join(sorted(theirs))
        return _not_graded(sub, lesson, f"this is the notebook of exercise {other}, not of exercise "
                           f"{lesson}: submit {source_path.name}", source_nb)
    answer_ids = {str(_grading(c)["grade_id"]) for c in source_nb["cells"] if _is_answer(c)}
    if not any(_is_answer(c) and str(_grading(c)["grade_id"]) in answer_ids for c in submitted["cells"]):
        return _not_graded(sub, lesson, f"no answer cells of exercise {lesson} in it (is it the "
                           "exercise notebook?)", source_nb)

    rebuilt, notes = rebuild(source_nb, submitted)
    questions = settings.questions_for(lesson, source_nb)
    result = Result(sub.learner, lesson, sub.path.name, notes=notes, sandbox=settings.box().mode)
    run = _Run(lesson, rebuilt, questions, settings, result)
    verdicts = run.go()
    for cell in run.cells:
        if not cell.check:
            continue
        meta = next(_grading(c) for c in rebuilt["cells"] if _grading(c).get("grade_id") == cell.gid)
        question = questions.get(cell.gid)
        qid = getattr(question, "qid", cell.gid.removesuffix("_check"))
        points = float(meta.get("points", 0))
        verdict, message = verdicts.get(cell.gid, (NOT_RUN, "not run"))
        if qid in run.raised and verdict != CORRECT:
            message += f" (your answer cell raised {run.raised[qid]})"
        result.questions.append(QuestionResult(qid, points, verdict, message,
                                               points if verdict == CORRECT else 0.0))
    _dependencies(run, result.questions)
    if run.events:
        result.status = f"graded ({'; '.join(run.events)})"
    result.seconds = time.monotonic() - started
    return result


# ----------------------------------------------------------------------------- writing


def _qid_key(qid: str) -> tuple[str, int, str]:
    match = re.match(r"([a-z]+)(\d+)(.*)", qid)
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (qid, 0, "")


def _points(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results: list[Result], path: Path) -> None:
    """One row per submission: learner, lesson, file, status, each question, total, notes, reasons.

    The columns of earlier versions come first, in the same order; each question's reason (its
    one-line message) and the sandbox used are added after ``notes``.
    """
    qids = sorted({q.qid for r in results for q in r.questions}, key=_qid_key)
    head = ["learner", "lesson", "file", "status"]
    for qid in qids:
        head += [f"{qid}_verdict", f"{qid}_points"]
    head += ["total", "max_points", "notes"]
    head += [f"{qid}_reason" for qid in qids] + ["sandbox"]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        for r in results:
            by_qid = {q.qid: q for q in r.questions}
            row = [r.learner, r.lesson, r.file, r.status]
            for qid in qids:
                q = by_qid.get(qid)
                row += [q.verdict, _points(q.earned)] if q else ["", ""]
            row += [_points(r.total), _points(r.max_points), "; ".join(r.notes)]
            row += [by_qid[qid].message if qid in by_qid else "" for qid in qids]
            row += [r.sandbox]
            writer.writerow(row)


def _safe_name(learner: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", learner).strip("._") or "learner"


def feedback_text(learner: str, results: Iterable[Result]) -> str:
    """A short feedback note for one learner, in the checks' own words."""
    lines = [f"Feedback for {learner}", ""]
    for r in results:
        lines.append(f"Exercise {r.lesson} ({r.file}): {_points(r.total)} of {_points(r.max_points)} "
                     "points")
        if r.status != "graded":
            lines.append(f"  {r.status}")
        for note in r.notes:
            lines.append(f"  Note: {note}.")
        for q in r.questions:
            lines.append(f"  {q.qid}: {q.message}" if q.message else f"  {q.qid}: {q.verdict}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_feedback(results: list[Result], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for learner in sorted({r.learner for r in results}):
        path = folder / f"{_safe_name(learner)}.txt"
        path.write_text(feedback_text(learner, [r for r in results if r.learner == learner]),
                        encoding="utf-8")
        written.append(path)
    return written


def grade_all(folder: Path, course: dict[str, Path], timeout: float = DEFAULT_TIMEOUT,
              log: Any = sys.stderr, settings: Settings | None = None) -> list[Result]:
    """Grade every submission under ``folder``, printing one progress line per file to ``log``."""
    settings = settings or Settings(timeout=timeout)
    subs = discover(folder)
    # Load every question this run needs BEFORE any learner's code runs, so that nothing a kernel
    # does to files later (without the sandbox it could write into the course) changes a question.
    for lesson in sorted({s.lesson for s in subs if s.lesson in course}):
        try:
            settings.questions_for(str(lesson), pristine(course[str(lesson)]))
        except (OSError, ValueError) as exc:
            print(f"exercise {lesson}: cannot read its source ({exc})", file=log)
    results = []
    for n, sub in enumerate(subs, 1):
        print(f"[{n}/{len(subs)}] {sub.learner} {sub.lesson or '??'} {sub.path.name} ...", end=" ",
              file=log, flush=True)
        try:
            result = grade(sub, course, settings=settings)
        except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop a class's grading
            result = Result(sub.learner, sub.lesson or "??", sub.path.name,
                            status=f"{NOT_GRADED}: the grader failed on this file ({type(exc).__name__}: "
                                   f"{str(exc)[:200]}); please report it")
        results.append(result)
        print(f"{_points(result.total)}/{_points(result.max_points)} {result.status} "
              f"({result.seconds:.1f} s)", file=log, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.grader",
        description="Grade a folder of submitted exercise notebooks: a gradebook CSV and feedback.",
    )
    parser.add_argument("submissions", type=Path,
                        help="folder of learner folders (alice/01-*.ipynb) or files (01-*__alice.ipynb)")
    parser.add_argument("--out", type=Path, default=Path("gradebook.csv"), help="the gradebook CSV")
    parser.add_argument("--feedback", type=Path, default=None, help="folder for one feedback file "
                        "per learner")
    parser.add_argument("--source", type=Path, default=None, help="folder of the pristine exercise "
                        "notebooks (default: solutions/, or exercises/ when there are no solutions)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds per notebook, all cells together (default {DEFAULT_TIMEOUT})")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT,
                        help=f"seconds per cell: a cell that runs longer is stopped and costs its "
                        f"question only (default {DEFAULT_CELL_TIMEOUT})")
    parser.add_argument("--sandbox", choices=SANDBOX_CHOICES, default="auto",
                        help="contain learners' code with bubblewrap: auto (where available), on "
                        "(fail if it is not), off (default auto)")
    parser.add_argument("--memory-limit", type=int, default=Limits.memory_mb, metavar="MB",
                        help=f"memory per kernel (default {Limits.memory_mb})")
    parser.add_argument("--max-processes", type=int, default=Limits.processes, metavar="N",
                        help=f"processes/threads a kernel may add (default {Limits.processes})")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    course = sources(args.source)
    if not course:
        parser.error("no exercise notebooks (NN-*.ipynb) found to grade against")
    limits = Limits(memory_mb=args.memory_limit, processes=args.max_processes)
    try:
        box = Sandbox.choose(args.sandbox, limits)
    except SandboxUnavailable as exc:
        print(f"--sandbox on, but {exc}", file=sys.stderr)
        return 2
    print(box.describe(), file=sys.stderr, flush=True)
    settings = Settings(timeout=args.timeout, cell_timeout=args.cell_timeout, sandbox=box)
    started = time.monotonic()
    results = grade_all(args.submissions, course, log=sys.stderr, settings=settings)
    write_gradebook(results, args.out)
    if args.feedback is not None:
        write_feedback(results, args.feedback)
    ran = [r for r in results if not r.status.startswith(NOT_GRADED)]
    took = time.monotonic() - started
    per = f", {sum(r.seconds for r in ran) / len(ran):.1f} s per notebook run" if ran else ""
    print(f"graded {len(results)} files ({len(ran)} run) in {took:.1f} s{per}; gradebook: {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
