"""Accessibility audits in the browser: axe-core (WCAG 2.0/2.1, levels A and AA) over JupyterLab's page.

axe-core is the npm package pinned in ``tests/browser/package.json`` (``npm ci --prefix
tests/browser``); it is injected into the page with Playwright after a notebook has run.

Every violation is reported with its rule, impact and the element it names, and sorted in two:

* **the course's own**: anything inside a cell's output area (widgets, figures, check verdicts,
  tables and HTML the course writes). Serious or critical ones fail the tests.
* **JupyterLab's own interface**: everything else. These are kept in :data:`JUPYTERLAB_KNOWN`,
  each with its upstream reference; they do not fail the tests, but a *new* kind of violation in
  JupyterLab's interface is reported, so the list stays honest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

# Violations of JupyterLab 4.6's own interface (not the course's outputs), seen in every notebook
# audited; rule id -> what it is and where it is tracked upstream. They do not fail the tests.
JUPYTERLAB_KNOWN: dict[str, str] = {
    "aria-allowed-attr": "toolbar <jp-button> web components carry aria-pressed on an element whose "
                         "role does not allow it: jupyterlab/jupyterlab#16891",
    "aria-input-field-name": "the CodeMirror cell editors (role=textbox) have no accessible name: "
                             "jupyter/notebook#6671 (axe audit, CodeMirror), jupyterlab/jupyterlab#4878",
    "aria-required-children": "the notebook's cell list is role=feed but its cells have no "
                              "article role: jupyterlab/jupyterlab#13704, #14765",
    "button-name": "the collapse button of a markdown heading cell has no text or label "
                   "(4.1.2 Name, Role, Value audit: jupyterlab/jupyterlab#16890)",
}

_RUN = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => {
      const el = document.querySelector(n.target[0]);
      return {target: n.target.join(' '), html: n.html.slice(0, 300), impact: n.impact,
              summary: (n.failureSummary || '').slice(0, 300),
              course: !!(el && el.closest('.jp-OutputArea-output'))};
    }),
  }));
}
"""


# axe-core evaluates no text inside JupyterLab's output areas for colour contrast (checked: its
# color-contrast rule passes 15 nodes of JupyterLab's interface and none in an output area, and
# misses a planted 1.7:1 paragraph there; the cells' containers use CSS containment and nested
# scrolling). So the course checks its outputs' text itself, with WCAG 2.1's formula (1.4.3):
# 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold). Text inside plotly's SVG is not checked.
_CONTRAST = """
() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0];
    const p = m[1].split(',').map(x => parseFloat(x)); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => { const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a)).concat([1]); };
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = c => {
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const background = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg; };
  const found = [];
  for (const el of document.querySelectorAll('.jp-OutputArea-output *')) {
    if (el.closest('svg')) continue;
    const text = Array.from(el.childNodes).filter(n => n.nodeType === 3)
      .map(n => n.textContent).join('').trim();
    if (!text || !(el.offsetWidth || el.offsetHeight)) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible' || parseFloat(cs.opacity) === 0) continue;
    const bg = background(el);
    const fg = over(parse(cs.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
    const needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < needed) found.push({html: el.outerHTML.slice(0, 300), ratio: Math.round(ratio * 100) / 100,
                                    needed, text: text.slice(0, 60)});
  }
  return found;
}
"""


@dataclass
class Finding:
    rule: str
    impact: str
    help: str
    target: str
    html: str
    course: bool

    def line(self) -> str:
        return f"[{self.impact}] {self.rule}: {self.help} — {self.target} — {self.html[:160]}"


@dataclass
class Audit:
    """What axe-core found on one page."""

    path: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def course(self) -> list[Finding]:
        return [f for f in self.findings if f.course]

    @property
    def course_failing(self) -> list[Finding]:
        return [f for f in self.course if f.impact in FAILING_IMPACTS]

    @property
    def jupyterlab(self) -> list[Finding]:
        return [f for f in self.findings if not f.course]

    @property
    def jupyterlab_unknown(self) -> list[Finding]:
        return [f for f in self.jupyterlab if f.rule not in JUPYTERLAB_KNOWN]

    def text(self) -> str:
        lines = [f"{self.path}: {len(self.course)} violating element(s) in the course's outputs"]
        lines += ["  course: " + f.line() for f in self.course]
        lab = sorted({f.rule for f in self.jupyterlab})
        lines.append(f"  (JupyterLab's own interface: {len(self.jupyterlab)} element(s), rules "
                     f"{', '.join(lab) or 'none'}; see build/a11y/a11y.json)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "findings": [f.__dict__ for f in self.findings]}


def available() -> bool:
    return AXE.is_file()


def audit(page: Any, path: str) -> Audit:
    """Run axe-core on ``page`` (JupyterLab with ``path`` open, after Run All)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(_RUN, TAGS)
    result = Audit(path)
    for v in violations:
        for n in v["nodes"]:
            result.findings.append(Finding(v["id"], n.get("impact") or v.get("impact") or "minor",
                                           v["help"], n["target"], n["html"], n["course"]))
    for n in page.evaluate(_CONTRAST):
        result.findings.append(Finding(
            "color-contrast", "serious",
            f"Text contrast {n['ratio']}:1, below WCAG's {n['needed']}:1 (course check, axe skips outputs)",
            repr(n["text"]), n["html"], True))
    return result


#: every audit of this test session, for the summary and build/a11y/a11y.json
AUDITS: list[Audit] = []


def audited(session: Any) -> Audit:
    """Audit the page of a browser-test :class:`~tests.browser.lab.Session` (once per notebook).

    Without axe-core installed (``npm ci --prefix tests/browser``) the test is skipped, or fails
    when COURSE_REQUIRE_BROWSER=1 (CI).
    """
    import os

    import pytest

    if not available():
        reason = "axe-core is not installed: npm ci --prefix tests/browser"
        if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COURSE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    result = audit(session.page, session.path)
    AUDITS.append(result)
    return result


def save_report(audits: list[Audit], folder: Path) -> Path:
    """Write every audit to ``folder/a11y.json`` (the browser tests' build output)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "a11y.json"
    target.write_text(json.dumps([a.as_dict() for a in audits], indent=1), encoding="utf-8")
    return target
