"""Re-record the outputs of the cells marked ``# NBVAL_CHECK_OUTPUT`` (an authoring tool).

    python -m widgets.refresh_outputs lessons/01-advertiser-knows-best.ipynb [...]

Runs each notebook in a fresh kernel from its own folder and stores the outputs of the marked
cells only (they print the numbers the prose quotes, which nbval then compares on every run).
Every other output and execution count is cleared. Refuses to write if any cell raised.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .make_exercises import dumps

MARK = "# NBVAL_CHECK_OUTPUT"


def refresh(path: Path, timeout: int = 300) -> str | None:
    """Refresh ``path`` in place; return None, or why it was not written."""
    import nbformat
    from nbclient import NotebookClient

    original = json.loads(path.read_text(encoding="utf-8"))
    node = nbformat.from_dict(json.loads(json.dumps(original)))
    client = NotebookClient(node, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    for i, cell in enumerate(node.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i} raised {out.get('ename')}: {out.get('evalue')}"
    for before, after in zip(original["cells"], node.cells, strict=True):
        if before["cell_type"] != "code":
            continue
        text = "".join(before["source"]) if isinstance(before["source"], list) else before["source"]
        if MARK in text:
            outputs = json.loads(json.dumps(after.get("outputs", [])))
            for out in outputs:
                out.pop("execution_count", None) if out.get("output_type") == "stream" else None
            before["outputs"] = outputs
            before["execution_count"] = after.get("execution_count")
        else:
            before["outputs"] = []
            before["execution_count"] = None
    path.write_text(dumps(original), encoding="utf-8")
    return None


def main(argv: list[str] | None = None) -> int:
    paths = [Path(a) for a in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        print(__doc__)
        return 2
    failed = 0
    for path in paths:
        problem = refresh(path)
        print(f"{path}: {'refreshed' if problem is None else 'NOT written: ' + problem}")
        failed += problem is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
