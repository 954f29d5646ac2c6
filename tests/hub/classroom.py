"""A class on a real JupyterHub, on this machine: learners run a lesson through the proxy.

Used by the class test (``tests/hub/test_class.py``) and the benchmark (``bench/classroom.py``).

:class:`Classroom` starts a real JupyterHub with the course's example configuration
(``instructor/hub/jupyterhub_config.py``) and configurable-http-proxy (npm, pinned in
``tests/browser/package.json``), on 127.0.0.1 with random ports, in a temporary folder. Each
learner gets a copy of the course in their home folder, where nbgitpuller would put it
(``~/course``). Then every learner, at the same time, does what JupyterLab does when a notebook
is run: reads it through the contents API, starts a kernel in the notebook's own folder (sessions
API), and executes every code cell over the kernel's websocket, all through the proxy. A learner
"sees an error" when a cell replies with an error or an error output, when a widget is displayed
whose state never arrived, or when nothing answers in time.

Every process the class started (hub, proxy, each learner's server and kernels) is tracked and
stopped at the end, even after a failure; :meth:`Classroom.leftovers` lists any that survive.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "instructor" / "hub" / "jupyterhub_config.py"
PROXY = ROOT / "tests" / "browser" / "node_modules" / ".bin" / "configurable-http-proxy"
COPIED = ("lessons", "exercises", "solutions", "widgets", "datasets")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def proxy_command() -> str | None:
    """configurable-http-proxy: the pinned npm copy, else one on the PATH, else None."""
    if PROXY.is_file():
        return str(PROXY)
    return shutil.which("configurable-http-proxy")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


@dataclass
class LearnerRun:
    """What one learner's run of the lesson showed."""

    name: str
    seconds: float | None = None
    cells: int = 0
    widgets_shown: int = 0
    bytes_received: int = 0
    errors: list[str] = field(default_factory=list)
    peak_pss_mib: float = 0.0
    cpu_s: float = 0.0


@dataclass
class ClassResult:
    """The class, measured."""

    learners: int
    lesson: str
    spawn_all_s: float | None = None
    runs: list[LearnerRun] = field(default_factory=list)
    hub_proxy_peak_mib: float = 0.0
    total_peak_mib: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def run_seconds(self) -> list[float]:
        return [r.seconds for r in self.runs if r.seconds is not None]

    @property
    def failed(self) -> list[str]:
        return self.errors + [f"{r.name}: {e}" for r in self.runs for e in r.errors]

    def as_dict(self) -> dict[str, Any]:
        times = self.run_seconds
        pss = [r.peak_pss_mib for r in self.runs if r.peak_pss_mib]
        return {
            "learners": self.learners, "lesson": self.lesson,
            "spawn_all_s": self.spawn_all_s,
            "run_p50_s": _pct(times, 50), "run_p95_s": _pct(times, 95),
            "errors": len(self.failed), "error_samples": self.failed[:10],
            "peak_pss_per_learner_mib": max(pss, default=None),
            "median_pss_per_learner_mib": statistics.median(pss) if pss else None,
            # CPU seconds of the learner's server and kernel, from its start to the lesson's end
            "median_cpu_s_per_learner": (statistics.median([r.cpu_s for r in self.runs])
                                         if self.runs else None),
            "total_peak_mib": self.total_peak_mib, "hub_proxy_peak_mib": self.hub_proxy_peak_mib,
            "bytes_per_learner_kb": (statistics.median([r.bytes_received for r in self.runs]) / 1e3
                                     if self.runs else None),
        }


class Classroom:
    """A JupyterHub with ``size`` learners, each with the course in their home.

    Use as a context manager; :meth:`run` spawns every server and runs ``lesson`` for everyone.
    """

    def __init__(self, size: int, lesson: str = "02", cell_timeout: float = 300) -> None:
        self.size = size
        self.lesson = lesson
        self.cell_timeout = cell_timeout
        self.notebook = next((ROOT / "lessons").glob(f"{lesson}-*.ipynb"))
        # short paths: ipc sockets live under the runtime folder
        self.tmp = Path(tempfile.mkdtemp(prefix="ch", dir="/tmp"))
        self.state = self.tmp / "state"
        self.homes = self.tmp / "home"
        self.runtime = self.tmp / "rt"
        self.port, self.api_port, self.proxy_api_port = _free_port(), _free_port(), _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = uuid.uuid4().hex
        self.log = self.tmp / "jupyterhub.log"
        self.names = [f"learner{i:03d}" for i in range(1, size + 1)]
        self.process: subprocess.Popen[bytes] | None = None
        self.seen: dict[int, str] = {}  # every pid the class started -> what it is
        self._sampling = False
        self._sampler: threading.Thread | None = None
        self._peaks: dict[str, float] = {}
        self._cpu: dict[str, dict[int, float]] = {}  # learner -> pid -> CPU seconds, last seen
        self._hub_proxy_peak = 0.0
        self._total_peak = 0.0

    # -- set up and tear down -------------------------------------------------------------------
    def __enter__(self) -> Classroom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _copy_course(self) -> None:
        ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
        template = self.tmp / "template"
        for name in COPIED:
            shutil.copytree(ROOT / name, template / name, ignore=ignore)
        for learner in self.names:  # where nbgitpuller would put the repository
            shutil.copytree(template, self.homes / learner / "course", symlinks=True)

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_", "JUPYTER"))}
        command = proxy_command()
        if command is None:
            raise RuntimeError("configurable-http-proxy is not installed: npm ci --prefix tests/browser")
        env.update({
            "COURSE_HUB_STATE": str(self.state), "COURSE_HUB_HOMES": str(self.homes),
            "COURSE_HUB_RUNTIME": str(self.runtime), "COURSE_HUB_PORT": str(self.port),
            "COURSE_HUB_API_PORT": str(self.api_port), "COURSE_PROXY_API_PORT": str(self.proxy_api_port),
            "COURSE_PROXY_COMMAND": command, "COURSE_HUB_PASSWORD": uuid.uuid4().hex,
            "COURSE_HUB_DRIVER_TOKEN": self.token, "CONFIGPROXY_AUTH_TOKEN": uuid.uuid4().hex,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        })
        return env

    def start(self, timeout: float = 120) -> Classroom:
        self.homes.mkdir(parents=True)
        self._copy_course()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=self.tmp,
                env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.seen[self.process.pid] = "jupyterhub"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited at start:\n{self.log_tail()}")
            try:
                self._sync_api("GET", "/hub/api/")
                self._track()
                return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterHub did not answer in {timeout:g}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _track(self) -> None:
        """Remember every process under the hub (proxy, servers, kernels) while it is alive."""
        if self.process is None:
            return
        try:
            for child in psutil.Process(self.process.pid).children(recursive=True):
                if child.pid not in self.seen:
                    try:
                        self.seen[child.pid] = " ".join(child.cmdline()[:3])
                    except psutil.Error:
                        self.seen[child.pid] = "?"
        except psutil.Error:
            pass

    def stop(self) -> None:
        """Stop the hub (it stops the proxy and every server), then anything still running."""
        self._sampling = False
        if self._sampler is not None:
            self._sampler.join(timeout=10)
        self._track()
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=60)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                pass
        for pid in list(self.seen):
            try:
                proc = psutil.Process(pid)
                proc.terminate()
                proc.wait(timeout=10)
            except psutil.TimeoutExpired:
                proc.kill()
            except psutil.Error:
                pass
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def leftovers(self) -> list[str]:
        """Processes this class started that are still running (should be none after stop())."""
        alive = []
        for pid, what in self.seen.items():
            try:
                proc = psutil.Process(pid)
                if proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{pid} {what}")
            except psutil.Error:
                pass
        marker = str(self.tmp)
        for proc in psutil.process_iter(["pid", "cmdline", "environ"]):
            try:
                text = " ".join(proc.info["cmdline"] or []) + " ".join(
                    f"{k}={v}" for k, v in (proc.info["environ"] or {}).items() if k.startswith("COURSE_HUB"))
            except psutil.Error:
                continue
            if marker in text and proc.pid != os.getpid() and f"{proc.pid} " not in " ".join(alive):
                alive.append(f"{proc.pid} {' '.join((proc.info['cmdline'] or [])[:3])}")
        return alive

    # -- the hub's REST API --------------------------------------------------------------------
    def _sync_api(self, method: str, path: str, body: Any = None, timeout: float = 10) -> Any:
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=data, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read()
        return json.loads(answer) if answer else None

    async def _api(self, client: Any, method: str, path: str, body: Any = None,
                   timeout: float = 300) -> Any:
        response = await client.fetch(
            self.base + path, method=method, raise_error=True, request_timeout=timeout,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
            body=json.dumps(body) if body is not None else (None if method in ("GET", "DELETE") else "{}"),
            allow_nonstandard_methods=True)
        return json.loads(response.body) if response.body else None

    # -- memory ---------------------------------------------------------------------------------
    def _sample(self) -> None:
        """Every half second: PSS of each learner's server + kernels, of the hub + proxy."""
        while self._sampling:
            self._track()
            try:
                hub = psutil.Process(self.process.pid) if self.process else None
            except psutil.Error:
                hub = None
            if hub is not None:
                total = hub_proxy = 0.0
                for proc in [hub, *hub.children(recursive=False)]:
                    try:
                        pss = proc.memory_full_info().pss / 2**20
                        if proc.pid != hub.pid and "jupyterhub-singleuser" in " ".join(proc.cmdline()):
                            user = proc.environ().get("JUPYTERHUB_USER", "?")
                            cpu = self._cpu.setdefault(user, {})
                            cpu[proc.pid] = sum(proc.cpu_times()[:2])
                            for kid in proc.children(recursive=True):
                                try:
                                    pss += kid.memory_full_info().pss / 2**20
                                    cpu[kid.pid] = sum(kid.cpu_times()[:2])
                                except psutil.Error:
                                    pass
                            self._peaks[user] = max(self._peaks.get(user, 0.0), pss)
                        else:
                            hub_proxy += pss
                        total += pss
                    except psutil.Error:
                        continue
                self._hub_proxy_peak = max(self._hub_proxy_peak, hub_proxy)
                self._total_peak = max(self._total_peak, total)
            time.sleep(0.5)

    # -- the class ------------------------------------------------------------------------------
    def run(self) -> ClassResult:
        """Spawn every learner's server, then run the lesson for all of them at once."""
        result = ClassResult(self.size, self.lesson)
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        failure: list[BaseException] = []

        def drive() -> None:  # its own thread: the caller may already run an event loop
            try:                # (Playwright's sync API does, in the browser tests' session)
                asyncio.run(self._run(result))
            except BaseException as problem:  # noqa: BLE001 - re-raised in the caller
                failure.append(problem)

        try:
            driver = threading.Thread(target=drive, daemon=True)
            driver.start()
            driver.join()
            if failure:
                raise failure[0]
        finally:
            self._sampling = False
            self._sampler.join(timeout=10)
        for learner in result.runs:
            learner.peak_pss_mib = round(self._peaks.get(learner.name, 0.0), 1)
            learner.cpu_s = round(sum(self._cpu.get(learner.name, {}).values()), 2)
        result.hub_proxy_peak_mib = round(self._hub_proxy_peak, 1)
        result.total_peak_mib = round(self._total_peak, 1)
        return result

    async def _run(self, result: ClassResult) -> None:
        from tornado.httpclient import AsyncHTTPClient

        AsyncHTTPClient.configure(None, max_clients=max(64, 2 * self.size))
        client = AsyncHTTPClient()
        await self._api(client, "POST", "/hub/api/users", {"usernames": self.names})
        t0 = time.monotonic()
        spawned = await asyncio.gather(*(self._spawn(client, n) for n in self.names),
                                       return_exceptions=True)
        result.spawn_all_s = round(time.monotonic() - t0, 1)
        ready = []
        for name, outcome in zip(self.names, spawned, strict=True):
            if isinstance(outcome, BaseException):
                result.errors.append(f"{name}: server did not start: {outcome}")
            else:
                ready.append(name)
        result.runs = list(await asyncio.gather(*(self._learner(client, n) for n in ready)))

    async def _spawn(self, client: Any, name: str, timeout: float = 600) -> None:
        try:
            await self._api(client, "POST", f"/hub/api/users/{name}/server")
        except Exception as problem:  # 400 when already running: fine
            if "400" not in str(problem):
                raise
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            user = await self._api(client, "GET", f"/hub/api/users/{name}")
            server = (user.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            await asyncio.sleep(0.5)
        raise TimeoutError(f"not ready after {timeout:g}s")

    async def _learner(self, client: Any, name: str) -> LearnerRun:
        """One learner: open the notebook, start its kernel, run every code cell."""
        run = LearnerRun(name)
        path = f"course/lessons/{self.notebook.name}"
        prefix = f"/user/{name}/api"
        t0 = time.monotonic()
        session = None
        try:
            model = await self._api(client, "GET", f"{prefix}/contents/{path}?content=1&type=notebook")
            cells = [c for c in model["content"]["cells"] if c["cell_type"] == "code"]
            session = await self._api(client, "POST", f"{prefix}/sessions", {
                "path": path, "name": self.notebook.name, "type": "notebook",
                "kernel": {"name": "python3"}})
            await self._execute(name, session["kernel"]["id"], cells, run)
        except Exception as problem:  # noqa: BLE001 - reported as what the learner saw
            run.errors.append(f"{type(problem).__name__}: {problem}"[:300])
        finally:
            run.seconds = round(time.monotonic() - t0, 2)
            if session is not None:
                try:
                    await self._api(client, "DELETE", f"{prefix}/sessions/{session['id']}", timeout=60)
                except Exception:  # noqa: BLE001 - the hub's cleanup stops it anyway
                    pass
        return run

    async def _execute(self, name: str, kernel: str, cells: list[dict[str, Any]], run: LearnerRun) -> None:
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        url = f"ws://127.0.0.1:{self.port}/user/{name}/api/kernels/{kernel}/channels"
        request = HTTPRequest(url, headers={"Authorization": f"token {self.token}"},
                              request_timeout=self.cell_timeout)
        ws = await websocket_connect(request, max_message_size=64 * 2**20)
        session_id = uuid.uuid4().hex
        opened_models: set[str] = set()
        shown_models: set[str] = set()

        def message(msg_type: str, content: dict[str, Any]) -> tuple[str, str]:
            msg_id = uuid.uuid4().hex
            return msg_id, json.dumps({
                "header": {"msg_id": msg_id, "username": name, "session": session_id,
                           "msg_type": msg_type, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "content": content, "channel": "shell",
                "buffers": []})

        async def until_idle(parent: str, deadline: float) -> dict[str, Any]:
            reply: dict[str, Any] = {}
            idle = False
            while not (idle and reply):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no answer within {self.cell_timeout:g}s")
                raw = await asyncio.wait_for(ws.read_message(), timeout=remaining)
                if raw is None:
                    raise ConnectionError("the kernel's websocket closed")
                run.bytes_received += len(raw) if isinstance(raw, str | bytes) else 0
                if isinstance(raw, bytes):
                    continue  # binary frames (buffers) carry nothing the check needs
                msg = json.loads(raw)
                if msg.get("msg_type") == "comm_open":
                    opened_models.add(msg["content"].get("comm_id", ""))
                if msg.get("parent_header", {}).get("msg_id") != parent:
                    continue
                kind = msg.get("msg_type")
                content = msg.get("content", {})
                if kind == "status" and content.get("execution_state") == "idle":
                    idle = True
                elif kind in ("execute_reply", "kernel_info_reply"):
                    reply = content
                elif kind == "error":
                    run.errors.append(f"cell error: {content.get('ename')}: {content.get('evalue')}"[:300])
                elif kind in ("display_data", "execute_result") and WIDGET_VIEW in content.get("data", {}):
                    shown_models.add(content["data"][WIDGET_VIEW].get("model_id", ""))
                    run.widgets_shown += 1
            return reply

        try:
            for _attempt in range(60):  # the kernel answers kernel_info once it is ready
                msg_id, text = message("kernel_info_request", {})
                await ws.write_message(text)
                try:
                    await until_idle(msg_id, time.monotonic() + 5)
                    break
                except TimeoutError:
                    continue
            for cell in cells:
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                msg_id, text = message("execute_request", {
                    "code": source, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True})
                await ws.write_message(text)
                reply = await until_idle(msg_id, time.monotonic() + self.cell_timeout)
                run.cells += 1
                if reply.get("status") == "error":
                    run.errors.append(f"cell {run.cells}: {reply.get('ename')}: {reply.get('evalue')}"[:300])
                    break
            missing = shown_models - opened_models
            if missing:
                run.errors.append(f"{len(missing)} widget(s) displayed whose state never arrived")
        finally:
            ws.close()
