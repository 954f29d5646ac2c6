"""What learners feel in the browser (issue 12): control-to-figure latency, and start to first use.

Run by ``bench/benchmark.py`` (``--skip-browser`` leaves it out), or alone::

    python bench/browser.py --changes 30

Uses the browser tests' machinery (JupyterLab in Debian's Chromium, driven by Playwright):

* **control to figure**: every course widget in lessons/ is driven ``changes`` times with the
  keyboard on its first visible control (ArrowRight/ArrowLeft on a slider, the next option of a
  drop-down). The time is taken in the page, from the key event (or the drop-down's change event)
  to the end of the first redraw of any of the widget's figures (plotly's ``plotly_afterplot``),
  so it includes the kernel round trip, the model and the repaint.
* **start to first interaction**: from launching JupyterLab to lesson 00's first widget answering
  a key press (server start, page load, kernel start, Run All, widget drawn, the reply).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CONTROL_P95_MS = 150.0
FIRST_USE_S = 6.0

# In the page: time from a key (or a drop-down change) inside a widget to its figures' next redraw.
_INSTALL = """
(box) => {
  window.__courseLatency = [];
  let t0 = null;
  const start = (e) => { if (t0 === null) t0 = e.timeStamp || performance.now(); };
  box.addEventListener('keydown', start, true);
  box.addEventListener('change', start, true);
  for (const plot of box.querySelectorAll('.js-plotly-plot')) {
    plot.on('plotly_afterplot', () => {
      if (t0 !== null) { window.__courseLatency.push(performance.now() - t0); t0 = null; }
    });
  }
  return box.querySelectorAll('.js-plotly-plot').length;
}
"""


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _drive(session: Any, index: int, changes: int) -> dict[str, Any]:
    from tests.browser.lab import widget_name

    page = session.page
    box = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .course-widget").nth(index)
    name = widget_name(box.get_attribute("class") or "")
    box.scroll_into_view_if_needed()
    if not box.evaluate(_INSTALL):
        return {"widget": name, "n": 0, "note": "no figure in view"}
    handles, selects = box.locator(".noUi-handle:visible"), box.locator("select:visible")
    control = "slider" if handles.count() else "dropdown" if selects.count() else None
    if control is None:
        return {"widget": name, "n": 0, "note": "no slider or drop-down in view"}
    missed = 0
    for i in range(changes):
        before = page.evaluate("() => window.__courseLatency.length")
        if control == "slider":
            handles.first.focus()
            page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        else:
            values = selects.first.evaluate("s => Array.from(s.options).map(o => o.value)")
            current = selects.first.input_value()
            selects.first.select_option(values[(values.index(current) + 1) % len(values)])
        deadline = time.monotonic() + 10
        while page.evaluate("() => window.__courseLatency.length") == before:
            if time.monotonic() > deadline:
                missed += 1
                break
            time.sleep(0.01)
        if missed == i + 1 == 3:  # three changes, no redraw: this control does not redraw a figure
            break
        time.sleep(0.15)  # let the page settle between changes, as a learner would
    times = page.evaluate("() => window.__courseLatency")
    if not times:
        return {"widget": name, "control": control, "n": 0,
                "note": "its first control changes text, not a figure (no redraw to time)"}
    return {"widget": name, "control": control, "n": len(times), "missed": missed,
            "p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95), "max_ms": max(times, default=None),
            "met": bool(times) and _pct(times, 95) <= CONTROL_P95_MS and not missed}


def bench_browser(changes: int = 30, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Both measurements; {} (with a log line) when Chromium or Playwright is missing."""
    from tests.browser.lab import Lab, Session, chromium, launch_browser, opened
    from tests.helpers import ROOT as COURSE
    from tests.helpers import notebooks

    if chromium() is None:
        log("  browser: Chromium is not installed (apt-get install chromium)")
        return {}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        log("  browser: Playwright is not installed")
        return {}
    result: dict[str, Any] = {"control_to_figure": [], "first_use": None}
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            # start to first interaction: a fresh server, lesson 00, Run All, one key press
            t0 = time.monotonic()
            lab = Lab().start()
            try:
                started = time.monotonic() - t0
                session = Session(browser, lab, "lessons/00-start-here.ipynb")
                try:
                    session.open()
                    opened_at = time.monotonic() - t0
                    session.run_all()
                    session.report = session.inspect(settle=20)
                    ran_at = time.monotonic() - t0
                    session.interact(0)
                    first = time.monotonic() - t0
                finally:
                    session.close()
                result["first_use"] = {"server_s": round(started, 2), "notebook_open_s": round(opened_at, 2),
                                       "run_all_s": round(ran_at, 2), "first_interaction_s": round(first, 2),
                                       "budget_s": FIRST_USE_S, "met": first <= FIRST_USE_S}
                log(f"  start to first interaction: {first:.1f} s (server {started:.1f} s, notebook open "
                    f"{opened_at:.1f} s, Run All done {ran_at:.1f} s; budget {FIRST_USE_S:g} s)")
                for path in notebooks("lessons"):
                    rel = str(path.relative_to(COURSE))
                    with opened(browser, lab, rel) as nb:
                        for index in range(len(nb.report.widgets)):
                            row = {"notebook": rel, **_drive(nb, index, changes)}
                            result["control_to_figure"].append(row)
                            log(f"  {rel} {row['widget']}: {row.get('control', '')} x{row['n']}: p50 "
                                f"{row.get('p50_ms') or 0:.0f} ms, p95 {row.get('p95_ms') or 0:.0f} ms "
                                f"(budget {CONTROL_P95_MS:g}){' ' + row['note'] if 'note' in row else ''}")
            finally:
                lab.stop()
        finally:
            browser.close()
    return result


def median_of(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--changes", type=int, default=30)
    args = ap.parse_args(argv)
    print(json.dumps(bench_browser(args.changes), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
