"""The browser tests' summary at the end of a run: accessibility audits, keyboard use, widgets driven.

In a run in one process the browser tests' conftest writes it from what the tests recorded
(``AUDITS``, ``KEYBOARD``, ``COVERED``). In a parallel run (pytest-xdist) the tests run in the
workers: each sends what it recorded to the controller as JSON (:func:`worker_output`), and the
repository's conftest writes the same summary from what all workers sent (:func:`from_workers`).
"""

from __future__ import annotations

import json
from typing import Any

from tests.browser.a11y import Audit, Finding, save_report
from tests.browser.lab import screenshot_dir


def worker_output(covered: dict[str, Any], keyboard: dict[str, Any], audits: list[Audit]) -> str:
    """What one worker recorded, as JSON for the controller."""
    return json.dumps({"covered": covered, "keyboard": keyboard, "audits": [a.as_dict() for a in audits]})


def from_workers(sent: list[str]) -> tuple[dict[str, Any], dict[str, Any], list[Audit]]:
    """Everything the workers sent, merged (each notebook is run by one worker only)."""
    covered: dict[str, Any] = {}
    keyboard: dict[str, Any] = {}
    audits: list[Audit] = []
    for text in sent:
        data = json.loads(text)
        covered.update({k: [tuple(w) for w in v] for k, v in data["covered"].items()})
        keyboard.update({k: [(name, [tuple(c) for c in controls]) for name, controls in v]
                         for k, v in data["keyboard"].items()})
        audits += [Audit(a["path"], [Finding(**f) for f in a["findings"]]) for a in data["audits"]]
    return covered, keyboard, audits


def write_summary(terminalreporter: Any, covered: dict[str, Any], keyboard: dict[str, Any],
                  audits: list[Audit]) -> None:
    """The summary lines, and build/a11y/a11y.json when anything was audited."""
    if audits:
        report = save_report(audits, screenshot_dir().parent / "a11y")
        terminalreporter.section("browser: accessibility (axe-core, WCAG 2.0/2.1 A and AA)")
        for result in audits:
            course = sorted({f"{f.rule} ({f.impact})" for f in result.course})
            lab = sorted({f.rule for f in result.jupyterlab})
            terminalreporter.write_line(f"{result.path}: course outputs: {', '.join(course) or 'none'}; "
                                        f"JupyterLab's own: {', '.join(lab) or 'none'}")
        unknown = sorted({f.rule for r in audits for f in r.jupyterlab_unknown})
        if unknown:
            terminalreporter.write_line(f"JupyterLab violations not in the known list: {', '.join(unknown)}")
        terminalreporter.write_line(f"full report: {report}")
    for notebook, widgets in keyboard.items():
        for name, controls in widgets:
            terminalreporter.write_line(f"keyboard: {notebook}: {name}: "
                                        + "; ".join(f"{c} -> {w}" for c, w in controls))
    if not covered:
        return
    terminalreporter.section("browser: notebooks run and widgets driven")
    for notebook, widgets in covered.items():
        names = ", ".join(name for name, _, _ in widgets) or "no widgets"
        terminalreporter.write_line(f"{notebook}: {names}")
        for name, control, what in widgets:
            terminalreporter.write_line(f"    {name}: {control}: {what}")
