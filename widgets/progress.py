"""A learner's progress: check outcomes and the self-assessment, kept in one small JSON file.

The file lives in the learner's data folder (see :func:`widgets.paths.progress_file`). Nothing
here may break a check: a missing, unwritable or corrupt file is reported in the summary and
otherwise ignored. A corrupt file is never overwritten: it is set aside under a new name first.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .paths import progress_file

SCHEMA = 1


def _empty() -> dict[str, Any]:
    return {"schema": SCHEMA, "checks": {}, "self_assessment": {}}


def read(path: Path | None = None) -> tuple[dict[str, Any], str | None]:
    """Return (progress, problem). ``problem`` is None or a sentence saying what went wrong."""
    path = path or progress_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _empty(), None
    except OSError as exc:
        return _empty(), f"the progress file {path} could not be read ({exc.strerror or exc})"
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("checks", {}), dict):
            raise ValueError("not a progress record")
    except ValueError:
        return _empty(), f"the progress file {path} is damaged"
    data.setdefault("schema", SCHEMA)
    data.setdefault("checks", {})
    data.setdefault("self_assessment", {})
    return data, None


def _set_aside(path: Path) -> Path | None:
    """Rename a damaged progress file so a new one can start; return its new name."""
    for n in range(1, 1000):
        target = path.with_name(f"{path.stem}.damaged-{n}{path.suffix}")
        if not target.exists():
            try:
                path.rename(target)
                return target
            except OSError:
                return None
    return None


def _write(data: dict[str, Any], path: Path) -> str | None:
    """Write atomically; return None on success or a sentence saying why it failed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError as exc:
        return f"progress could not be saved to {path} ({exc.strerror or exc})"
    return None


def update(change: Any, path: Path | None = None) -> str | None:
    """Apply ``change(data)`` to the stored progress and save it. Never raises.

    Returns None, or a sentence describing a problem (the check itself still stands).
    """
    path = path or progress_file()
    try:
        data, problem = read(path)
        note = None
        if problem and "damaged" in problem:
            moved = _set_aside(path)
            if moved is None:
                return problem + "; it was left as it is and this result was not saved"
            note = f"{problem}; it was kept as {moved.name} and a new one was started"
        change(data)
        failed = _write(data, path)
        return failed or note
    except Exception as exc:  # progress is a convenience: it must never break a check
        return f"progress could not be saved ({type(exc).__name__})"


def record_check(lesson: str, qid: str, status: str, path: Path | None = None) -> str | None:
    """Record the latest outcome of question ``qid`` of lesson ``lesson``."""

    def change(data: dict[str, Any]) -> None:
        entry = data["checks"].setdefault(lesson, {}).setdefault(qid, {"attempts": 0})
        entry["attempts"] = int(entry.get("attempts", 0)) + 1
        entry["status"] = status
        if status == "correct":
            entry["solved"] = True

    return update(change, path)


def record_event(lesson: str, qid: str, event: str, path: Path | None = None) -> str | None:
    """Record that a hint or the solution was looked at (``event`` is "hints" or "solution")."""

    def change(data: dict[str, Any]) -> None:
        entry = data["checks"].setdefault(lesson, {}).setdefault(qid, {"attempts": 0})
        entry[event] = int(entry.get(event, 0)) + 1

    return update(change, path)


def record_prediction(lesson: str, key: str, value: str, path: Path | None = None) -> str | None:
    """Record a play-first prediction (not graded): the first one is kept, the latest is updated.

    Stored under ``predictions[lesson][key]`` as ``{"first": ..., "latest": ..., "changes": n}``.
    """

    def change(data: dict[str, Any]) -> None:
        entry = data.setdefault("predictions", {}).setdefault(lesson, {}).setdefault(key, {})
        entry.setdefault("first", value)
        entry["latest"] = value
        entry["changes"] = int(entry.get("changes", -1)) + 1

    return update(change, path)


def load_prediction(lesson: str, key: str, path: Path | None = None) -> dict[str, Any]:
    """A stored prediction (see :func:`record_prediction`), or an empty dict."""
    data, _ = read(path)
    stored = data.get("predictions", {})
    entry = stored.get(lesson, {}).get(key) if isinstance(stored, dict) else None
    return dict(entry) if isinstance(entry, dict) else {}


#: Where each self-assessment is kept: lesson 00's ("start") and lesson 09's ("end").
_ASSESSMENT_KEYS = {"start": "self_assessment", "end": "self_assessment_end"}


def _assessment_key(moment: str) -> str:
    if moment not in _ASSESSMENT_KEYS:
        raise ValueError(f"moment must be 'start' (lesson 00) or 'end' (lesson 09), not {moment!r}")
    return _ASSESSMENT_KEYS[moment]


def save_self_assessment(answers: dict[str, Any], path: Path | None = None, *,
                         moment: str = "start") -> str | None:
    """Store the "Where do you stand?" answers: lesson 00's (``moment="start"``, shown again in
    lesson 09) or lesson 09's own (``moment="end"``); one never replaces the other."""
    key = _assessment_key(moment)

    def change(data: dict[str, Any]) -> None:
        data[key] = dict(answers)

    return update(change, path)


def load_self_assessment(path: Path | None = None, *, moment: str = "start") -> dict[str, Any]:
    """The stored self-assessment of ``moment`` ("start": lesson 00; "end": lesson 09), or {}."""
    data, _ = read(path)
    stored = data.get(_assessment_key(moment))
    return dict(stored) if isinstance(stored, dict) else {}


def summary_rows(path: Path | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """One row per lesson: questions tried, solved, hints and solutions used."""
    from .questions import registry

    data, problem = read(path)
    known = registry()
    lessons = sorted(set(known) | set(data["checks"]))
    rows = []
    for lesson in lessons:
        stored = data["checks"].get(lesson, {})
        qids = known.get(lesson) or sorted(stored)
        rows.append(
            {
                "lesson": lesson,
                "questions": len(qids),
                "tried": sum(1 for q in qids if stored.get(q, {}).get("attempts")),
                "solved": sum(1 for q in qids if stored.get(q, {}).get("solved")),
                "hints used": sum(int(stored.get(q, {}).get("hints", 0)) for q in qids),
                "solutions viewed": sum(1 for q in qids if stored.get(q, {}).get("solution")),
            }
        )
    return rows, problem


def summary(path: Path | None = None) -> None:
    """Show the learner's progress as a small table (plain text and HTML)."""
    from .ui import show

    rows, problem = summary_rows(path)
    headers = ["lesson", "questions", "tried", "solved", "hints used", "solutions viewed"]
    if not rows:
        text = "No checks recorded yet: run a check in any exercise and come back."
        show(text, f"<p>{text}</p>")
    else:
        lines = ["  ".join(f"{h:>16}" for h in headers)]
        lines += ["  ".join(f"{row[h]!s:>16}" for h in headers) for row in rows]
        head = "".join(f"<th>{h}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{row[h]}</td>" for h in headers) + "</tr>" for row in rows
        )
        html = f"<table><caption>Your progress</caption><tr>{head}</tr>{body}</table>"
        show("\n".join(lines), html)
    if problem:
        note = f"Note: {problem}. Your checks still work."
        show(note, f"<p><em>{note}</em></p>")
