"""Notebook hygiene: every course notebook is clean, small, portable and follows the conventions."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.helpers import ROOT, notebooks, read, source

ALL = notebooks()
IDS = [str(p.relative_to(ROOT)) for p in ALL]
ABSOLUTE = re.compile(r"(/home/|/root/|/work/|/tmp/|/Users/|[A-Za-z]:\\\\)")
BOOTSTRAP_HEAD = "# Make the course package importable from this notebook's folder (nothing is installed)."


def test_there_are_notebooks_in_each_folder():
    for folder in ("lessons", "exercises", "solutions"):
        assert notebooks(folder), f"no notebooks in {folder}/"


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_valid_nbformat_4_with_python3_kernel(path):
    node = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    assert node.nbformat == 4
    nbformat.validate(node)
    assert node.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_no_outputs_except_checked_ones_and_no_errors(path):
    for i, cell in enumerate(read(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        outputs = cell.get("outputs", [])
        assert not [o for o in outputs if o.get("output_type") == "error"], f"cell {i} stores an error"
        if "# NBVAL_CHECK_OUTPUT" not in source(cell):
            assert outputs == [], f"cell {i} stores outputs but is not marked NBVAL_CHECK_OUTPUT"
            assert cell.get("execution_count") is None, f"cell {i} stores an execution count"
        else:
            assert outputs, f"cell {i} is marked NBVAL_CHECK_OUTPUT but stores no output"


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_no_absolute_paths_and_small(path):
    text = path.read_text(encoding="utf-8")
    assert not ABSOLUTE.search(text), f"absolute path {ABSOLUTE.search(text).group(0)!r} in {path.name}"
    assert path.stat().st_size < 200_000


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_same_import_cell_first_in_every_notebook(path):
    cells = read(path)["cells"]
    first_code = next(c for c in cells if c["cell_type"] == "code")
    reference = next(c for c in read(notebooks("lessons")[0])["cells"] if c["cell_type"] == "code")
    assert source(first_code).startswith(BOOTSTRAP_HEAD)
    assert source(first_code) == source(reference)


@pytest.mark.parametrize("path", ALL, ids=IDS)
def test_front_matter_first_and_next_step_last(path):
    cells = read(path)["cells"]
    first = source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# ")
    assert "Minutes" in first
    assert "**Next:**" in source(cells[-1]) or path.stem.startswith("09")


@pytest.mark.parametrize("path", notebooks("lessons"), ids=lambda p: p.name)
def test_lessons_have_objectives_questions_and_key_points(path):
    text = "\n".join(source(c) for c in read(path)["cells"] if c["cell_type"] == "markdown")
    for heading in ("**Questions**", "**Objectives**", "## Key points"):
        assert heading in text, f"{path.name} lacks {heading}"


def test_no_helper_code_copied_into_notebooks():
    """Notebooks call the package; they do not define their own functions or classes."""
    for path in ALL:
        for i, cell in enumerate(read(path)["cells"]):
            if cell["cell_type"] == "code":
                assert not re.search(r"^(def|class) ", source(cell), re.M) or "BEGIN SOLUTION" in source(
                    cell
                ), f"{path.name} cell {i} defines a function: it belongs in widgets/"


def test_data_is_read_only_through_the_loader():
    """No notebook, model, figure or view opens a dataset file itself: widgets.data.load does."""
    code = {}
    for path in ALL:
        cells = [c for c in read(path)["cells"] if c["cell_type"] == "code"]
        code[path] = "\n".join(source(c) for c in cells)
    for path in (ROOT / "widgets").rglob("*.py"):
        if path.name not in {"data.py", "paths.py", "grader.py"}:
            code[path] = path.read_text(encoding="utf-8")
    for path, text in code.items():
        signs = ("read_csv", "DATASETS_DIR", '"datasets"', ".csv\"")
        if path.relative_to(ROOT).parts[:2] == ("widgets", "exports"):
            # the loader of the learner's own exports names their .csv files
            signs = signs[:3]
        for sign in signs:
            assert sign not in text, (
                f"{path.relative_to(ROOT)} reads a dataset file itself ({sign}): use widgets.data.load"
            )
