"""Reading worked answers from solutions/NN-*.ipynb, the single source of every exercise.

A solution cell carries nbgrader metadata with ``grade_id`` ``<qid>_answer`` and its answer
between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .paths import lesson_notebook, solutions_dir

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"

NO_SOLUTIONS = (
    "The worked solutions are not part of this copy of the course (your instructor may keep them "
    "back until the exercise is done). Try {qid}.hint(), or ask your instructor."
)


def answer_cell_id(qid: str) -> str:
    """nbgrader grade_id of the cell holding question ``qid``'s answer."""
    return f"{qid}_answer"


def check_cell_id(qid: str) -> str:
    """nbgrader grade_id of the (locked, graded) cell that checks question ``qid``."""
    return f"{qid}_check"


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def solution_region(source: str) -> str | None:
    """The text between the solution markers (markers and their indentation removed)."""
    lines = source.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not starts or not ends or ends[0] < starts[0]:
        return None
    return "\n".join(lines[starts[0] + 1 : ends[0]]).strip("\n")


def solution_code(lesson: str, qid: str, folder: Path | None = None) -> tuple[str | None, str]:
    """Return (code, "") or (None, a polite reason) for question ``qid`` of lesson ``lesson``."""
    folder = folder if folder is not None else solutions_dir()
    path = lesson_notebook(folder, lesson)
    if path is None:
        return None, NO_SOLUTIONS.format(qid=qid)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, f"The solutions notebook {path.name} could not be read, so no solution can be shown."
    wanted = answer_cell_id(qid)
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") == wanted:
            region = solution_region(cell_source(cell))
            if region is not None:
                return region, ""
    return None, f"No worked answer for {qid} was found in {path.name}."
