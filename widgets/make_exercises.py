"""Generate exercises/ from solutions/, the single source of every exercise.

    python -m widgets.make_exercises          # write exercises/NN-*.ipynb
    python -m widgets.make_exercises --check  # exit 1 and name the stale files

In each code cell the text between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes a
placeholder that keeps the names the answer defines (``cpm = ____``), so the blank notebook
still runs top to bottom and every check says "not attempted". In Markdown cells the region
becomes "_Write your answer here._". Outputs and execution counts are cleared.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import sys
from pathlib import Path
from typing import Any

from .paths import EXERCISES_DIR, SOLUTIONS_DIR
from .solutions import BEGIN, END, cell_source

MARKDOWN_STUB = "_Write your answer here._"


def _names(region: str) -> list[str]:
    """Top-level names a solution region defines, in order, without repeats."""
    found: list[str] = []
    try:
        tree = ast.parse(region)
    except SyntaxError:
        return found
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        elif isinstance(node, ast.FunctionDef):
            if node.name not in found:
                found.append(f"def {node.name}({ast.unparse(node.args)})")
            continue
        for target in targets:
            elts = target.elts if isinstance(target, ast.Tuple) else [target]
            for elt in elts:
                if isinstance(elt, ast.Name) and elt.id not in found:
                    found.append(elt.id)
    return found


def code_stub(region: str, indent: str = "") -> str:
    """The placeholder lines for a code solution region."""
    lines = [f"{indent}# YOUR CODE HERE: replace ____ with your answer"]
    for name in _names(region):
        if name.startswith("def "):
            lines += [f"{indent}{name}:", f"{indent}    return ____"]
        else:
            lines.append(f"{indent}{name} = ____")
    return "\n".join(lines)


def blank_source(source: str, markdown: bool) -> str:
    """``source`` with every solution region replaced by its placeholder."""
    lines = source.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            j = i + 1
            while j < len(lines) and lines[j].strip() != END:
                j += 1
            if j == len(lines):
                raise ValueError("a '### BEGIN SOLUTION' has no matching '### END SOLUTION'")
            region = "\n".join(x[len(indent):] if x.startswith(indent) else x
                               for x in lines[i + 1 : j])
            out.append(MARKDOWN_STUB if markdown else code_stub(region, indent))
            i = j + 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def blank_notebook(notebook: dict[str, Any]) -> dict[str, Any]:
    """The exercise made from a solution notebook (the input is not modified)."""
    blank = copy.deepcopy(notebook)
    for cell in blank["cells"]:
        source = cell_source(cell)
        if BEGIN in source:
            cell["source"] = blank_source(source, markdown=cell["cell_type"] == "markdown")
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("locked") and not grading.get("solution"):
            # a learner should not delete or edit a check by accident (nbgrader does the same)
            cell["metadata"]["deletable"] = False
            cell["metadata"]["editable"] = False
    return blank


def dumps(notebook: dict[str, Any]) -> str:
    """Serialise a notebook the way Jupyter does (stable, so diffs stay small)."""
    return json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def expected_exercises(solutions: Path = SOLUTIONS_DIR) -> dict[str, str]:
    """File name -> the text exercises/ should hold for it."""
    result = {}
    for path in sorted(solutions.glob("[0-9][0-9]-*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        result[path.name] = dumps(blank_notebook(notebook))
    return result


def stale(solutions: Path = SOLUTIONS_DIR, exercises: Path = EXERCISES_DIR) -> list[str]:
    """Names of exercise files that are missing, out of date, or have no solution."""
    want = expected_exercises(solutions)
    problems = []
    for name, text in want.items():
        path = exercises / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{name}: differs from what solutions/{name} generates")
    for path in sorted(exercises.glob("[0-9][0-9]-*.ipynb")):
        if path.name not in want:
            problems.append(f"{path.name}: has no solutions/{path.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for line in problems:
            print(f"stale: exercises/{line}")
        if problems:
            print("Run: python -m widgets.make_exercises")
        return 1 if problems else 0
    EXERCISES_DIR.mkdir(exist_ok=True)
    for name, text in expected_exercises().items():
        (EXERCISES_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote exercises/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
