"""Drive JupyterLab in Chromium as a learner would: open a notebook, run it all, look, interact.

The pieces the browser tests share: find Chromium, start one JupyterLab on a temporary copy of the
course (isolated settings, no news or update checks, friendly check mode), and run a notebook in a
page, returning a :class:`Report` of everything a learner would notice going wrong.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.helpers import ROOT

#: what the tests copy into the temporary course folder (never .git, .venv, build/)
COPIED = ("lessons", "exercises", "solutions", "widgets", "datasets")
FIXTURES = ROOT / "tests" / "fixtures"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # without these, Chromium's background connections are refused by a closed network
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: widgets driven, per notebook: {notebook: [(widget, control, what changed)]}, for the summary
COVERED: dict[str, list[tuple[str, str, str]]] = {}
#: widgets operated with the keyboard alone, per notebook: {notebook: [(widget, [(control, what)])]}
KEYBOARD: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
STARTUP_SECONDS = 90
KERNEL_SECONDS = 90
RUN_SECONDS = 240
RESPONSE_SECONDS = 20

# Console errors a learner never notices and that say nothing about the course. Keep this narrow:
# each entry is a regular expression matched against one console error, with a comment saying why
# it is harmless. JupyterLab 4.6 with these settings logs no error of its own (it logs one
# warning, "Disabling terminals plugin...", because the tests turn terminals off; warnings are
# not collected), and no request fails.
BENIGN_CONSOLE: list[re.Pattern[str]] = [
    # anywidget 0.11 rejects a model's "ready" promise when the model's front-end module has not
    # loaded within 2 s (AbortSignal.timeout(2000) in its runtime); on a loaded 2-core machine a
    # page drawing several figures at once can take longer, and the widget then still loads and
    # draws. Nothing is lost by allowing it: the tests check separately that every widget is drawn,
    # every figure has its SVG, every control responds (mouse and keyboard) and slider handles
    # carry their names (the accessibility audit), which is what a failed model would break.
    re.compile(r"^page error: \[anywidget\] Failed to initialize model\.$"),
]


def chromium() -> str | None:
    """Path of the Chromium to drive: $COURSE_CHROMIUM if set, else Debian's chromium; or None."""
    override = os.environ.get("COURSE_CHROMIUM")
    candidates = [override] if override else ["/usr/bin/chromium", shutil.which("chromium"),
                                              shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def screenshot_dir() -> Path:
    return Path(os.environ.get("COURSE_SCREENSHOTS") or ROOT / "build" / "screenshots")


def screenshot(page: Any, name: str) -> Path | None:
    """Save a full-page screenshot named after ``name``; never raise (it serves a failure report)."""
    target = screenshot_dir() / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") + ".png")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)
    except Exception:  # noqa: BLE001 - a screenshot must never hide the real failure
        return None
    return target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- the server


class Lab:
    """One JupyterLab server on 127.0.0.1 with a random port and token, on a copy of the course."""

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="course-browser-"))
        self.course = self.tmp / "course"
        self.port = _free_port()
        self.token = uuid.uuid4().hex
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.tmp / "jupyterlab.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._background_work: list[threading.Thread] = []

    # -- set up
    def _copy_course(self) -> None:
        ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
        self.course.mkdir()
        for name in COPIED:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, self.course / name, ignore=ignore)
        shutil.copytree(FIXTURES, self.course / "fixtures", ignore=ignore)

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # In the browser the checks behave as for a learner (friendly verdicts): the root
        # conftest turns the automated mode on for nbval, so turn it off for JupyterLab's kernels.
        env.pop("COURSE_CHECK_MODE", None)
        env["COURSE_PROGRESS_FILE"] = str(self.tmp / "progress.json")
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")):
            (self.tmp / sub).mkdir(exist_ok=True)
            env[var] = str(self.tmp / sub)
        # the labextensions (widgets, anywidget, plotly) are still found in sys.prefix/share/jupyter
        return env

    def _learner_environment(self) -> None:
        """Turn off what the authors' environment has and a learner's does not.

        requirements-dev.txt adds nbgrader (server and JupyterLab extensions) and Notebook 7's
        JupyterLab extension; requirements.txt, which learners, Binder and hub images install,
        has neither. The tests (and the benchmark's browser timings) see what a learner sees.
        """
        config = self.tmp / "config"
        config.mkdir(exist_ok=True)
        server = {name: False for name in (
            "nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.validate_assignment",
            "nbgrader.server_extensions.assignment_list", "nbgrader.server_extensions.course_list",
            "notebook")}
        (config / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": server}}), encoding="utf-8")
        labconfig = config / "labconfig"
        labconfig.mkdir(exist_ok=True)
        (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": {
            "@jupyter/nbgrader": True, "@jupyter-notebook/lab-extension": True}}), encoding="utf-8")

    def _settings(self) -> None:
        """User settings for the isolated JupyterLab: no news, no update check; and widget state
        saved with a notebook (the heaviest way a learner can save one: the tests check its size);
        and no windowing, so every cell is in the page."""
        folder = self.tmp / "settings" / "@jupyterlab" / "apputils-extension"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
        widgets = self.tmp / "settings" / "@jupyter-widgets" / "jupyterlab-manager"
        widgets.mkdir(parents=True, exist_ok=True)
        (widgets / "plugin.jupyterlab-settings").write_text(json.dumps({"saveState": True}),
                                                            encoding="utf-8")
        # Every cell in the page (no lazy windowing), so an audit sees every output.
        notebook = self.tmp / "settings" / "@jupyterlab" / "notebook-extension"
        notebook.mkdir(parents=True, exist_ok=True)
        (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}),
                                                              encoding="utf-8")

    def start(self) -> Lab:
        self._copy_course()
        env = self._environment()
        self._settings()
        self._learner_environment()
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.open_browser=False",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.course}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
            # window.jupyterapp: the tests run JupyterLab's own commands rather than key chords
            "--LabApp.expose_app_in_browser=True",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=self.course, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited at start:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer in {STARTUP_SECONDS}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- the REST API
    def api(self, method: str, path: str, timeout: float = 10, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=data, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
        return json.loads(answer) if answer else None

    def _background(self, work: Any) -> None:
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        self._background_work.append(thread)

    def prestart(self, path: str) -> None:
        """Start the kernel of the notebook the tests open next, while this one runs.

        JupyterLab connects a notebook to the running session with its path, so the next
        notebook does not wait for its kernel to start (the kernel is the same fresh kernel).
        """
        body = {"path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": "python3"}}

        def start() -> None:
            try:
                self.api("POST", "/api/sessions", timeout=60, body=body)
            except (urllib.error.URLError, OSError):
                pass  # the notebook then starts its own kernel, as without a head start

        self._background(start)

    def shutdown_kernels(self, path: str | None = None, wait: bool = True) -> None:
        """Shut down the kernel of ``path`` (of every session and kernel if None).

        Kernels must not pile up from notebook to notebook. With ``wait=False`` the shutdowns
        run in a background thread (a kernel takes a second or two to stop) while the next
        notebook opens; :meth:`stop` waits for them.
        """
        sessions = [s for s in self.api("GET", "/api/sessions") if path is None or s["path"] == path]
        targets = [f"/api/sessions/{s['id']}" for s in sessions]
        if path is None:
            targets += [f"/api/kernels/{k['id']}" for k in self.api("GET", "/api/kernels")]

        def shut() -> None:
            for target in targets:
                try:
                    self.api("DELETE", target, timeout=30)
                except (urllib.error.URLError, OSError):
                    pass  # already gone with its session, or the server is stopping

        if wait:
            shut()
        else:
            self._background(shut)

    def url(self, path: str) -> str:
        """A fresh, empty named workspace showing only ``path`` (JupyterLab restores workspaces)."""
        workspace = "t" + uuid.uuid4().hex[:12]
        return f"{self.base}/lab/workspaces/{workspace}/tree/{path}?token={self.token}&reset"

    # -- tear down
    def stop(self) -> None:
        for thread in self._background_work:
            thread.join(timeout=60)
        if self.process is not None and self.process.poll() is None:
            try:
                self.shutdown_kernels()
                self.api("POST", "/api/shutdown")
                self.process.wait(timeout=20)
            except Exception:  # noqa: BLE001 - fall back to signals below
                pass
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)


def launch_browser(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS)


# --------------------------------------------------------------------------- one notebook

# JavaScript run in the page. `panel(path)` finds the notebook's panel in the main area.
_PANEL = """
const panelOf = (path) => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.content.widgets) return w;
  }
  return null;
};
"""

_KERNEL_READY = _PANEL + """
(path) => {
  const p = panelOf(path);
  if (!p || !p.context.isReady || !p.sessionContext.isReady) return false;
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}
"""

_RUN_ALL = _PANEL + """
async (path) => {
  const app = window.jupyterapp;
  const p = panelOf(path);
  app.shell.activateById(p.id);
  await app.commands.execute('notebook:clear-all-cell-outputs');
  window.__courseRun = 'running';
  app.commands.execute('notebook:run-all-cells').then(
    () => { window.__courseRun = 'done'; },
    (e) => { window.__courseRun = 'failed: ' + e; });
}
"""

# "Run ended": the command finished, the kernel is idle, no [*] prompt is left, and every code
# cell with code has a number, or an error output appeared (after an error, later cells lose
# their prompts and are never numbered).
_RUN_STATE = _PANEL + """
(path) => {
  const p = panelOf(path);
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  let busy = false, unnumbered = 0, error = false;
  for (const cell of p.content.widgets) {
    if (cell.model.type !== 'code') continue;
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    if (prompt && prompt.textContent.includes('[*]')) busy = true;
    if (cell.model.sharedModel.getSource().trim() && cell.model.executionCount === null) unnumbered++;
    for (const o of cell.model.outputs.toJSON()) if (o.output_type === 'error') error = true;
  }
  return {command: window.__courseRun, kernel: k ? k.status : 'none', busy, unnumbered, error};
}
"""

_CELLS = _PANEL + """
(path) => {
  const p = panelOf(path);
  const WIDGET = 'application/vnd.jupyter.widget-view+json';
  return p.content.widgets.map((cell, index) => {
    const code = cell.model.type === 'code';
    const area = code && cell.outputArea ? cell.outputArea.node : null;
    // a widget output that drew a view and shows neither "Loading widget..." nor an error
    const outputs = code ? cell.model.outputs.toJSON() : [];
    const children = area ? Array.from(area.querySelectorAll(':scope > .jp-OutputArea-child')) : [];
    const widgetAt = outputs.map((o, i) => i).filter(i => outputs[i].data && outputs[i].data[WIDGET]);
    const drawn = widgetAt.filter(i => children[i] && children[i].querySelector('.jupyter-widgets')
        && !/Loading widget|Error displaying widget/.test(children[i].textContent));
    return {
      index,
      type: cell.model.type,
      source: cell.model.sharedModel.getSource(),
      grade: !!(((cell.model.getMetadata && cell.model.getMetadata('nbgrader')) || {}).grade),
      count: code ? cell.model.executionCount : null,
      outputs,
      shown: area ? area.textContent : '',
      widgetOutputs: widgetAt.length,
      widgetViews: drawn.length,
    };
  });
}
"""

_LOADING = """
() => !Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output'))
  .some(o => o.textContent.includes('Loading widget...'))
"""

# What a plotly figure shows, to tell whether an interaction changed it.
_PLOT_STATE = """
(el) => JSON.stringify([(el.data || []).map(t => [t.x, t.y, t.z, t.values, t.text, t.marker]),
                        el.layout && el.layout.title])
"""


# The controls of a course widget a keyboard user operates, in page order, each marked with a
# data-course-kb attribute so the test can find it again; hidden ones (another tab) are left out.
_KEYBOARD_TARGETS = """
(box) => {
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const label = el => {
    const w = el.closest('.widget-inline-hbox, .widget-slider, .widget-dropdown, .widget-checkbox');
    const l = w && w.querySelector('.widget-label');
    return (el.getAttribute('aria-label') || (l && l.textContent) || el.textContent || '').trim();
  };
  const found = [];
  // marks left on an earlier widget of the same notebook would clash with this one's (kb0...)
  for (const old of document.querySelectorAll('[data-course-kb]')) old.removeAttribute('data-course-kb');
  let n = 0;
  const add = (el, kind, extra) => {
    if (!visible(el)) return;
    const id = 'kb' + (n++);
    el.setAttribute('data-course-kb', id);
    found.push(Object.assign({id, kind, label: label(el)}, extra || {}));
  };
  // tab bars last: switching a tab hides the controls of the tab that was open
  const order = el => el.matches('.lm-TabBar-tab') ? 1 : 0;
  const controls = Array.from(box.querySelectorAll(
      '.noUi-handle, select, button.jupyter-button, input[type=checkbox], .lm-TabBar-tab.lm-mod-current'));
  controls.sort((a, b) => order(a) - order(b));
  for (const el of controls) {
    if (el.matches('.noUi-handle')) {
      add(el, 'slider', {last: el.getAttribute('aria-valuenow') === el.getAttribute('aria-valuemax')});
    } else if (el.matches('select')) {
      add(el, 'select', {last: el.selectedIndex === el.options.length - 1});
    } else if (el.matches('button')) {
      // a toggle-buttons choice that is already selected changes nothing when pressed again
      if (el.closest('.widget-toggle-buttons') && el.classList.contains('mod-active')) continue;
      add(el, 'button');
    } else if (el.matches('input[type=checkbox]')) {
      add(el, 'checkbox');
    } else {
      add(el, 'tab');
    }
  }
  return found;
}
"""


@dataclass
class Report:
    """What one notebook's run showed a learner."""

    path: str
    problems: list[str] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    widgets: list[str] = field(default_factory=list)
    figures: int = 0
    console: list[str] = field(default_factory=list)

    def text(self) -> str:
        return f"{self.path}:\n  " + "\n  ".join(self.problems)


def _short(text: str, n: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def widget_name(classes: str) -> str:
    names = [c[len("course-widget-"):] for c in classes.split()
             if c.startswith("course-widget-") and c != "course-widget-summary"]
    return names[0] if names else "(unnamed)"


class Session:
    """A page with one notebook open in JupyterLab; collects console errors from the start."""

    def __init__(self, browser: Any, lab: Lab, path: str) -> None:
        self.lab, self.path = lab, path
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.report = Report(path)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            text = message.text
            if not any(p.search(text) for p in BENIGN_CONSOLE):
                self.console.append(text)

    def _on_page_error(self, error: Any) -> None:
        text = f"page error: {error}"
        if not any(p.search(text) for p in BENIGN_CONSOLE):
            self.console.append(text)

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self.lab.shutdown_kernels(self.path, wait=False)

    # -- open and run
    def open(self) -> None:
        self.page.goto(self.lab.url(self.path), wait_until="domcontentloaded")
        self.page.wait_for_function(_KERNEL_READY, arg=self.path, timeout=KERNEL_SECONDS * 1000,
                                    polling=250)

    def run_all(self) -> dict[str, Any]:
        self.page.evaluate(_RUN_ALL, self.path)
        deadline = time.monotonic() + RUN_SECONDS
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = self.page.evaluate(_RUN_STATE, self.path)
            ended = state["command"] != "running" and state["kernel"] == "idle" and not state["busy"]
            if ended and (state["unnumbered"] == 0 or state["error"]):
                return state
            time.sleep(0.25)
        raise TimeoutError(f"{self.path}: Run All did not end in {RUN_SECONDS}s (last state {state})")

    # -- inspect
    def inspect(self, settle: float = 20) -> Report:
        """Everything a learner would see go wrong after Run All (call after :meth:`run_all`).

        Widgets render just after their cell ends: wait up to ``settle`` seconds for every
        "Loading widget..." to go (one that stays is reported: the learner sees no widget).
        """
        page, report = self.page, Report(self.path)
        try:
            page.wait_for_function(_LOADING, timeout=settle * 1000, polling=250)
        except Exception:  # noqa: BLE001 - reported per cell below
            pass
        report.cells = page.evaluate(_CELLS, self.path)
        for cell in report.cells:
            first = cell["source"].splitlines()[0] if cell["source"] else ""
            where = f"cell {cell['index']} ({_short(first, 60)})"
            for out in cell["outputs"]:
                if out.get("output_type") == "error":
                    report.problems.append(f"{where}: {out.get('ename')}: {_short(str(out.get('evalue')))}")
            if "Traceback" in cell["shown"]:
                report.problems.append(f"{where} shows a Traceback: {_short(cell['shown'])}")
            if "Error displaying widget" in cell["shown"] or "Loading widget..." in cell["shown"]:
                report.problems.append(f"{where}: {_short(cell['shown'])}")
            if cell["widgetViews"] < cell["widgetOutputs"]:
                report.problems.append(f"{where}: {cell['widgetOutputs']} widget output(s) but "
                                       f"{cell['widgetViews']} widget(s) drawn")
            if cell["type"] == "code" and cell["source"].strip() and cell["count"] is None:
                report.problems.append(f"{where} did not run")
        notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
        # every plotly figure drew its SVG (static figures and FigureWidgets alike): those in view,
        # then those a learner reaches by opening each tab of a Tab widget (hidden until then)
        plots = notebook.locator(".js-plotly-plot")
        report.figures = plots.count()
        self._check_plots(plots, report, "")
        tabs = notebook.locator(".widget-tab")
        for t in range(tabs.count()):
            tab = tabs.nth(t)
            if not tab.is_visible():
                continue
            titles = tab.locator(":scope > .lm-TabBar .lm-TabBar-tab")
            for k in [*range(1, titles.count()), 0]:
                title = titles.nth(k)
                title.scroll_into_view_if_needed()
                title.click()
                self._check_plots(tab.locator(".js-plotly-plot"), report,
                                  f" in tab {_short(title.text_content() or str(k), 40)!r}")
        for i in range(report.figures):
            if plots.nth(i).locator(".main-svg").count() == 0:
                report.problems.append(f"plotly figure {i} drew no SVG (and is not visible)")
        static = sum(1 for c in report.cells for o in c["outputs"]
                     if "application/vnd.plotly.v1+json" in o.get("data", {}))
        if static > report.figures:
            report.problems.append(f"{static} plotly outputs but only {report.figures} figures drawn")
        # every course widget rendered: visible, with content, named
        boxes = notebook.locator(".course-widget")
        for i in range(boxes.count()):
            box = boxes.nth(i)
            name = widget_name(box.get_attribute("class") or "")
            report.widgets.append(name)
            box.scroll_into_view_if_needed()
            size = box.bounding_box()
            if not box.is_visible() or not size or size["height"] < 5 or size["width"] < 5:
                report.problems.append(f"widget {name} is not visible")
            elif not _has_text(box):
                report.problems.append(f"widget {name} is empty")
            if name == "(unnamed)":
                report.problems.append(f"widget {i} has no course-widget-<name> class")
            if box.locator(".course-widget-summary").count() == 0:
                report.problems.append(f"widget {name} has no .course-widget-summary")
        report.console = list(self.console)
        report.problems += [f"browser console: {_short(m)}" for m in self.console]
        return report

    @staticmethod
    def _check_plots(plots: Any, report: Report, where: str) -> None:
        """Each visible plotly figure among ``plots`` shows its SVG, with a size."""
        for i in range(plots.count()):
            plot = plots.nth(i)
            if not plot.is_visible():
                continue
            plot.scroll_into_view_if_needed()
            try:
                plot.locator(".main-svg").first.wait_for(state="visible", timeout=15_000)
                size = plot.locator(".main-svg").first.bounding_box()
                assert size and size["width"] > 20 and size["height"] > 20, f"its size is {size}"
            except Exception as problem:  # noqa: BLE001 - reported, not raised
                report.problems.append(f"plotly figure {i}{where} drew no SVG: {_short(str(problem), 120)}")

    def save(self, timeout: float = 30) -> int:
        """Save the notebook as a learner would (File > Save); return the saved file's size in bytes."""
        target = self.lab.course / self.path
        before = target.stat().st_mtime_ns
        self.page.evaluate(_PANEL + """
        async (path) => {
          const app = window.jupyterapp;
          app.shell.activateById(panelOf(path).id);
          await app.commands.execute('docmanager:save');
        }""", self.path)
        deadline = time.monotonic() + timeout
        while target.stat().st_mtime_ns == before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert target.stat().st_mtime_ns != before, f"{self.path} was not saved in {timeout:g}s"
        return target.stat().st_size

    # -- interact
    def interact(self, index: int) -> tuple[str, str, str]:
        """One learner interaction with the ``index``-th course widget.

        Returns ``(name, control, what changed)``; raises AssertionError when nothing changed.
        """
        page = self.page
        box = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .course-widget").nth(index)
        name = widget_name(box.get_attribute("class") or "")
        box.scroll_into_view_if_needed()
        summary = box.locator(".course-widget-summary").first
        plots = box.locator(".js-plotly-plot")

        def shown() -> tuple[str, list[str]]:
            text = summary.inner_text() if summary.count() else ""
            return text, [plots.nth(i).evaluate(_PLOT_STATE) for i in range(plots.count())]

        def changed(before: tuple[str, list[str]]) -> str | None:
            """Wait for the summary (or, failing that, a figure) to change; say what changed."""
            deadline = time.monotonic() + RESPONSE_SECONDS
            first_change = None
            while time.monotonic() < deadline:
                now = shown()
                if now[0] != before[0]:
                    figure = "; figure changed" if now[1] != before[1] else ""
                    return f"summary {_short(before[0], 80)!r} -> {_short(now[0], 80)!r}{figure}"
                if now[1] != before[1]:
                    # the figure moved; give the summary a moment to follow before settling
                    first_change = first_change or time.monotonic()
                    if time.monotonic() - first_change > 3:
                        return "figure changed (summary unchanged)"
                time.sleep(0.2)
            return None

        before = shown()
        # the first control a learner can see (a control in a hidden tab is not in view)
        handles = box.locator(".noUi-handle:visible")
        selects = box.locator("select:visible")
        buttons = box.locator("button.jupyter-button:visible")
        if handles.count():
            handle = handles.first
            handle.scroll_into_view_if_needed()
            control = f"slider {_short(self._label(handle), 40)}"
            handle.focus()
            page.keyboard.press("ArrowRight")
            what = changed(before)
            if what is None:  # the slider was at its maximum
                before = shown()
                handle.focus()
                page.keyboard.press("ArrowLeft")
                what = changed(before)
        elif selects.count():
            select = selects.first
            current = select.input_value()
            options = [o for o in select.locator("option").all_text_contents()]
            values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
            other = next((v for v in values if v != current), None)
            assert other is not None, f"widget {name}: its dropdown has a single option {options}"
            control = f"dropdown {_short(self._label(select), 40)}"
            select.select_option(other)
            what = changed(before)
        elif buttons.count():
            button = buttons.first
            control = f"button {_short(button.inner_text(), 40)!r}"
            button.click()
            what = changed(before)
        else:
            raise AssertionError(f"widget {name} has no slider, dropdown or button to interact with")
        assert what is not None, (
            f"widget {name}: {control} changed neither the summary nor a figure in {RESPONSE_SECONDS}s"
        )
        return name, control, what

    # -- the keyboard alone
    def keyboard(self, index: int, tab_limit: int = 80) -> list[tuple[str, str]]:
        """Operate every control of the ``index``-th course widget with the keyboard alone.

        From the widget's start, press Tab until the control has the focus (it must be reachable),
        then the key a keyboard user would press (an arrow on a slider or a drop-down, Enter on a
        button, Space on a check box, an arrow then Enter on a tab bar), and wait for what a mouse
        change would show: new summary text, a new figure or, for a button, any new text.
        Returns ``(control, what changed)`` per control; raises AssertionError for the first
        control that cannot be reached or changes nothing.
        """
        widgets = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .course-widget"
        box = self.page.locator(widgets).nth(index)
        name = widget_name(box.get_attribute("class") or "")
        box.scroll_into_view_if_needed()
        done: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _round in range(6):  # a tab switched by keyboard shows controls: operate those too
            targets = [t for t in box.evaluate(_KEYBOARD_TARGETS)
                       if f"{t['kind']}:{t['label']}" not in seen or t["kind"] == "tab"]
            fresh = [t for t in targets if t["kind"] != "tab"]
            tabs = [t for t in targets if t["kind"] == "tab" and f"tab:{t['label']}" not in seen]
            if not fresh and not tabs:
                break
            for target in [*fresh, *tabs[:1]]:
                seen.add(f"{target['kind']}:{target['label']}")
                done.append(self._operate(box, name, target, tab_limit))
        assert done, f"widget {name}: no control a keyboard can reach"
        box.evaluate("b => b.removeAttribute('tabindex')")
        return done

    def _operate(self, box: Any, name: str, target: dict[str, Any], tab_limit: int) -> tuple[str, str]:
        """Tab from the widget's start to ``target``, press its key, return what changed."""
        page = self.page
        control = page.locator(f'[data-course-kb="{target["id"]}"]')
        label = f"{target['kind']} {_short(target['label'], 40)!r}"
        box.evaluate("b => { b.setAttribute('tabindex', '-1'); b.focus(); }")
        for _ in range(tab_limit):
            page.keyboard.press("Tab")
            if control.evaluate("el => el === document.activeElement"
                                " || el.contains(document.activeElement)"):
                break
        else:
            raise AssertionError(f"widget {name}: {label} is not reached by {tab_limit} presses of Tab")
        before = self._everything(box)
        keys = {"slider": ["ArrowRight"], "select": ["ArrowDown"], "button": ["Enter"],
                "checkbox": ["Space"], "tab": ["ArrowRight", "Enter"]}[target["kind"]]
        if target.get("last"):
            keys = {"slider": ["ArrowLeft"], "select": ["ArrowUp"]}.get(target["kind"], keys)
        for key in keys:
            page.keyboard.press(key)
        what = self._changed_everything(box, before)
        assert what, f"widget {name}: {label} changed nothing after {'+'.join(keys)}"
        return label, what

    @staticmethod
    def _everything(box: Any) -> tuple[str, list[str]]:
        plots = box.locator(".js-plotly-plot")
        return box.inner_text(), [plots.nth(i).evaluate(_PLOT_STATE) for i in range(plots.count())]

    def _changed_everything(self, box: Any, before: tuple[str, list[str]]) -> str | None:
        deadline = time.monotonic() + RESPONSE_SECONDS
        while time.monotonic() < deadline:
            now = self._everything(box)
            if now != before:
                return "figure changed" if now[0] == before[0] else "text changed"
            time.sleep(0.2)
        return None

    @staticmethod
    def _label(control: Any) -> str:
        """The description shown next to an ipywidgets control."""
        return control.evaluate(
            "el => { const w = el.closest('.widget-inline-hbox, .widget-slider, .widget-dropdown');"
            " const l = w && w.querySelector('.widget-label'); return l ? l.textContent : ''; }")


@contextmanager
def opened(browser: Any, lab: Lab, path: str, settle: float = 20,
           after: str | None = None) -> Iterator[Session]:
    """``path`` open in a fresh page after Run All, with its :class:`Report` as ``.report``.

    ``after``: the notebook the tests open next, whose kernel starts while this one runs.

    Saves a screenshot when opening or running fails, and one per notebook when
    COURSE_SCREENSHOTS_ALL=1; always closes the page and shuts the kernel down.
    """
    session = Session(browser, lab, path)
    try:
        try:
            session.open()
            if after:
                lab.prestart(after)
            session.run_all()
            session.report = session.inspect(settle=settle)
        except Exception:
            screenshot(session.page, f"FAILED-{path}")
            raise
        try:
            yield session
        except BaseException:
            screenshot(session.page, f"FAILED-{path}")
            raise
        if os.environ.get("COURSE_SCREENSHOTS_ALL") == "1":
            screenshot(session.page, path)
    finally:
        session.close()


def _has_text(box: Any, seconds: float = 10.0) -> bool:
    """Whether ``box`` shows some text within ``seconds``.

    A widget scrolled into view may need a moment to lay out its children (JupyterLab renders
    cells lazily), so an empty box is only reported once it stays empty.
    """
    deadline = time.monotonic() + seconds
    while True:
        if box.inner_text().strip():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
