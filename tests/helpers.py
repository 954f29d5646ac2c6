"""Shared helpers for the tests: where notebooks are, how to run one, how to read its cells, and how
to find a view's controls and summary."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("lessons", "exercises", "solutions")


def notebooks(*folders: str) -> list[Path]:
    """Every NN-*.ipynb in the given course folders (all three by default), sorted."""
    found: list[Path] = []
    for folder in folders or FOLDERS:
        found += sorted((ROOT / folder).glob("[0-9][0-9]-*.ipynb"))
    return found


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def grading(cell: dict[str, Any]) -> dict[str, Any]:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_check_cell(cell: dict[str, Any]) -> bool:
    return cell["cell_type"] == "code" and bool(grading(cell).get("grade"))


def link_course(target: Path) -> None:
    """Make ``target`` look like the course folder (symlinks to the real package and data)."""
    for name in ("widgets", "datasets", "conftest.py", "pyproject.toml", "solutions"):
        (target / name).symlink_to(ROOT / name)


def execute(notebook: dict[str, Any], cwd: Path, mode: str = "automated",
            timeout: int = 120) -> dict[str, Any]:
    """Run ``notebook`` in a fresh kernel from ``cwd`` with errors allowed; return it run."""
    import nbformat
    from nbclient import NotebookClient

    node = nbformat.from_dict(notebook)
    saved = {k: os.environ.get(k) for k in ("COURSE_CHECK_MODE",)}
    os.environ["COURSE_CHECK_MODE"] = mode
    try:
        client = NotebookClient(node, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return node


def errors(cell: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def text_of(cell: dict[str, Any]) -> str:
    """All text a cell printed or displayed (plain-text parts)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out.get("text", "")))
        elif out.get("output_type") in {"display_data", "execute_result"}:
            parts.append("".join(out.get("data", {}).get("text/plain", "")))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


# ----------------------------------------------------------------------------- widgets in unit tests


def walk(widget: Any) -> Iterator[Any]:
    """A widget and everything inside it, depth first (``children`` of boxes, tabs, accordions)."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def control(box: Any, description: str) -> Any:
    """The first widget in ``box`` whose ``description`` (its accessible name) is ``description``."""
    return next(c for c in walk(box) if getattr(c, "description", None) == description)


def summary(box: Any) -> Any:
    """A course view's summary: the HTML widget with class ``course-widget-summary``."""
    return next(c for c in walk(box) if "course-widget-summary" in getattr(c, "_dom_classes", ()))


def summary_text(box: Any) -> str:
    """The summary's text as a reader sees it (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", summary(box).value))
