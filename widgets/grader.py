"""The course's own grader, for instructors without nbgrader.

    python -m widgets.grader SUBMISSIONS --out gradebook.csv --feedback feedback/

SUBMISSIONS holds the learners' exercise notebooks in either layout (both may be mixed):

* one folder per learner: ``alice/01-advertiser-knows-best.ipynb``
* files named by learner:  ``01-advertiser-knows-best__alice.ipynb``

The two leading digits of a file's name say which exercise it is. It is graded the way nbgrader
grades: the notebook is rebuilt from the pristine source (``solutions/NN-*.ipynb`` with the
solution regions blanked, or ``exercises/NN-*.ipynb`` when this copy has no solutions), and ONLY
the learner's answer cells (matched by their nbgrader ``grade_id``) are taken from the submission.
Check cells always come from the source, so a deleted, edited or moved check is restored. The
rebuilt notebook runs on a copy in a temporary folder, in its own kernel, in the checks' automated
mode, with a time limit per notebook; each check cell's outcome is its verdict.

A submission that cannot be graded (malformed, empty, not a notebook, another lesson's notebook,
an infinite loop, a kernel that dies, ...) becomes a row with the reason; the run goes on. The
submitted files are only ever read.

What it does NOT isolate: learners' code runs as the user who runs the grader, with that user's
files, memory and network. Grade untrusted submissions in a container or a throwaway account.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .make_exercises import blank_notebook
from .paths import COURSE_ROOT, EXERCISES_DIR, solutions_dir
from .solutions import cell_source

SEPARATOR = "__"  # 01-advertiser-knows-best__alice.ipynb
DEFAULT_TIMEOUT = 120  # seconds per notebook
OUTPUT_LIMIT = 2_000_000  # characters of output kept per notebook; the rest is dropped
MAX_FILE_BYTES = 20_000_000  # a bigger "notebook" is not read at all

# verdicts in the gradebook (the first four are the checks' own)
CORRECT = "correct"
INCORRECT = "not yet"
NOT_ATTEMPTED = "not attempted"
RAISED = "raised"
ERROR = "error"  # the check cell failed with something other than a check's verdict
NOT_RUN = "not run"  # the notebook stopped (time limit, dead kernel) before this check
NOT_GRADED = "not graded"  # the submission could not be graded at all

_WORDS = {"Not attempted": NOT_ATTEMPTED, "Not yet": INCORRECT, "Your code raised an error": RAISED}
_LESSON_REF = re.compile(r"widgets\.questions\.lesson(\d\d)\b")
_LESSON_NAME = re.compile(r"^(\d\d)-")


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

    @property
    def total(self) -> float:
        return sum(q.earned for q in self.questions)

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)


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
                if _visible(path.relative_to(folder)):
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
    except (UnicodeDecodeError, ValueError) as exc:
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


# ----------------------------------------------------------------------------- running


def _client_class() -> type:
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):  # type: ignore[misc, valid-type]
        """A client that keeps at most OUTPUT_LIMIT characters of output per notebook."""

        kept = 0
        dropped = False

        def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001, ANN201
            size = len(str(msg.get("content", "")))
            if msg["msg_type"] != "error" and self.kept + size > OUTPUT_LIMIT:
                self.dropped = True
                return None
            self.kept += size
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def kernel_env(workdir: Path) -> dict[str, str]:
    """The kernel's environment: automated checks, the course importable, progress kept apart."""
    env = dict(os.environ)
    env["COURSE_CHECK_MODE"] = "automated"
    env["COURSE_PROGRESS_FILE"] = str(workdir / "progress.json")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(COURSE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    return env


def _first_error(cell: dict[str, Any]) -> dict[str, Any] | None:
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _shown_text(cell: dict[str, Any]) -> str:
    for out in cell.get("outputs", []):
        data = out.get("data", {}).get("text/plain") if "data" in out else out.get("text")
        if data:
            return ("".join(data) if isinstance(data, list) else str(data)).strip().splitlines()[0]
    return ""


def check_outcome(cell: dict[str, Any]) -> tuple[str, str]:
    """(verdict, one-line message) of a check cell that ran."""
    err = _first_error(cell)
    if err is None:
        return CORRECT, _shown_text(cell) or "\u2714 Correct"
    message = str(err.get("evalue", "")).strip().splitlines()[0] if err.get("evalue") else ""
    if err.get("ename") == "CheckFailed":
        word = message.split(" (", 1)[0][2:] if len(message) > 2 else ""
        return _WORDS.get(word, INCORRECT), message
    return ERROR, f"{err.get('ename', 'Error')}: {message}".rstrip(": ")[:300]


def run(notebook: dict[str, Any], timeout: float) -> tuple[dict[str, Any], int | None, str]:
    """Run ``notebook`` in a fresh kernel on a temporary copy.

    Returns (the notebook with outputs, index of the first cell that did not run or None,
    what stopped it or "").
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    node = nbformat.from_dict(notebook)
    workdir = Path(tempfile.mkdtemp(prefix="course-grader-"))
    stopped_at: int | None = None
    reason = ""
    try:
        (workdir / "submission.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        client = _client_class()(node, timeout=int(timeout), kernel_name="python3", allow_errors=True,
                                 interrupt_on_timeout=False, store_widget_state=False,
                                 resources={"metadata": {"path": str(workdir)}})
        deadline = time.monotonic() + timeout
        index = 0
        try:
            # the kernel's own chatter (and the learner's stderr) stays out of the progress lines
            with client.setup_kernel(env=kernel_env(workdir), stderr=subprocess.DEVNULL):
                for index, cell in enumerate(node.cells):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise CellTimeoutError("time limit")
                    client.timeout = max(1, int(left))
                    client.execute_cell(cell, index)
        except CellTimeoutError:
            stopped_at, reason = index, f"stopped by the time limit ({timeout:g} s per notebook)"
        except DeadKernelError:
            stopped_at, reason = index, "the kernel died (the code exited or ran out of memory)"
        except Exception as exc:  # the kernel could not start, or nbclient broke: still a row
            stopped_at, reason = index, f"could not run: {type(exc).__name__}: {str(exc)[:120]}"
        if client.dropped:
            reason = "; ".join(x for x in (reason, "very long output was cut") if x)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return nbformat.from_dict(node), stopped_at, reason


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


def grade(sub: Submission, course: dict[str, Path], timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Grade one submission; never raises for anything the submission does."""
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
    ran, stopped_at, reason = run(rebuilt, timeout)
    result = Result(sub.learner, lesson, sub.path.name, notes=notes)
    if reason:
        result.status = f"graded ({reason})"
    answer_errors: dict[str, str] = {}
    for index, cell in enumerate(ran.cells):
        meta = _grading(cell)
        gid = str(meta.get("grade_id", ""))
        if _is_answer(cell) and (err := _first_error(cell)):
            answer_errors[gid.removesuffix("_answer")] = f"{err.get('ename')}: {err.get('evalue')}"[:200]
        if not _is_check(cell):
            continue
        qid = gid.removesuffix("_check")
        points = float(meta.get("points", 0))
        if stopped_at is not None and index >= stopped_at:
            verdict, message = NOT_RUN, f"not run: {reason.split(';')[0]}"
        else:
            verdict, message = check_outcome(cell)
        if qid in answer_errors and verdict != CORRECT:
            message += f" (your answer cell raised {answer_errors[qid]})"
        result.questions.append(QuestionResult(qid, points, verdict, message,
                                               points if verdict == CORRECT else 0.0))
    if stopped_at is not None and stopped_at < len(ran.cells):
        where = _grading(ran.cells[stopped_at]).get("grade_id") or f"cell {stopped_at + 1}"
        result.notes.append(f"stopped in {where}")
    result.seconds = time.monotonic() - started
    return result


# ----------------------------------------------------------------------------- writing


def _qid_key(qid: str) -> tuple[str, int, str]:
    match = re.match(r"([a-z]+)(\d+)(.*)", qid)
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (qid, 0, "")


def _points(value: float) -> str:
    return f"{value:g}"


def write_gradebook(results: list[Result], path: Path) -> None:
    """One row per submission: learner, lesson, file, status, each question, total."""
    qids = sorted({q.qid for r in results for q in r.questions}, key=_qid_key)
    head = ["learner", "lesson", "file", "status"]
    for qid in qids:
        head += [f"{qid}_verdict", f"{qid}_points"]
    head += ["total", "max_points", "notes"]
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
              log: Any = sys.stderr) -> list[Result]:
    """Grade every submission under ``folder``, printing one progress line per file to ``log``."""
    subs = discover(folder)
    results = []
    for n, sub in enumerate(subs, 1):
        print(f"[{n}/{len(subs)}] {sub.learner} {sub.lesson or '??'} {sub.path.name} ...", end=" ",
              file=log, flush=True)
        result = grade(sub, course, timeout)
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
                        help=f"seconds per notebook (default {DEFAULT_TIMEOUT})")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    course = sources(args.source)
    if not course:
        parser.error("no exercise notebooks (NN-*.ipynb) found to grade against")
    started = time.monotonic()
    results = grade_all(args.submissions, course, args.timeout)
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
