"""EVIDENCE.md 1: a result the generator was told to produce is labelled "built in" and names its
setting.

The course's convention, in lessons, solutions, guides and data cards: a built-in result is
labelled ``**Built in**`` and, in the same paragraph, names the generator setting that put it
there as ``generate.py: NAME``, where NAME is a module-level constant of datasets/generate.py
(so a reader can find it, and a renamed setting breaks this test, not the reader's trust).
Findings from data are labelled ``**Real**`` (a real dataset or a sourced figure) or
``**Synthetic**`` (the course's fictional world) where the kind is not obvious.
"""

from __future__ import annotations

import ast
import re

from tests.helpers import ROOT, notebooks, read, source

GENERATOR = ROOT / "datasets" / "generate.py"
LABEL = re.compile(r"\*\*Built in\*\*")
SETTING = re.compile(r"generate\.py: ([A-Z][A-Z0-9_]*)")


def generator_settings() -> set[str]:
    tree = ast.parse(GENERATOR.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def texts() -> dict[str, str]:
    found = {str(p.relative_to(ROOT)): "\n".join(source(c) for c in read(p)["cells"]
                                                  if c["cell_type"] == "markdown")
             for p in notebooks()}
    for path in [*(ROOT / "instructor" / "guides").glob("*.md"), ROOT / "datasets" / "README.md"]:
        found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return found


def problems(named: dict[str, str], settings: set[str]) -> list[str]:
    found = []
    for name, text in named.items():
        for paragraph in re.split(r"\n\s*\n", text):
            labels = len(LABEL.findall(paragraph))
            cited = SETTING.findall(paragraph)
            if labels and not cited:
                found.append(f"{name}: a **Built in** label names no `generate.py: SETTING`: "
                             f"{paragraph.strip()[:120]!r}")
            found += [f"{name}: generate.py has no setting {c}" for c in cited if c not in settings]
    return found


def test_every_built_in_label_names_an_existing_generator_setting():
    assert problems(texts(), generator_settings()) == []


def test_a_label_without_setting_and_an_unknown_setting_are_caught():
    settings = {"TARGET_LIFT"}
    assert problems({"a.md": "**Built in** (`generate.py: TARGET_LIFT`): 15% lift."}, settings) == []
    assert problems({"b.md": "**Built in**: the lift."}, settings)
    assert problems({"c.md": "**Built in** (`generate.py: NO_SUCH`)."}, settings)
