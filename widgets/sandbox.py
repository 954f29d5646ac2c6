"""Where the course grader runs a learner's code: a kernel, contained by bubblewrap where it can be.

:class:`Sandbox` is decided once per grading run (``--sandbox auto|on|off``):

* **bubblewrap** (Linux, ``bwrap`` installed and user namespaces allowed): each submission's kernel
  runs with the course source, Python and the system folders mounted READ-ONLY, one private
  writable scratch folder (its working folder, deleted afterwards), no network (its own empty
  network namespace), its own process, IPC and host-name namespaces, the worked solutions hidden,
  a minimal environment (no variables of the grader's), and limits on memory, processes and file
  size. When the grader runs as root, the kernel runs as an unprivileged user (``nobody``) inside.
* **off**: the kernel runs as the grading user, as before the sandbox existed, with the same
  memory, process and file-size limits where the system enforces them (Linux; macOS ignores the
  memory limit).

:class:`Kernel` starts an IPython kernel (bubblewrapped or not), runs code with a time limit,
interrupts it when it hangs, and tells when it died, so the grader can restart it and go on.
Limits are resource limits (``setrlimit``) set by a few lines of Python that then become the
kernel (no extra process): RLIMIT_DATA for memory, RLIMIT_NPROC for processes (the grading user's
existing processes plus the allowance), RLIMIT_FSIZE for the size of one file.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .paths import COURSE_ROOT

SANDBOX_CHOICES = ("auto", "on", "off")
UNPRIVILEGED = 65534  # "nobody": who the kernel runs as inside the sandbox when the grader is root
START_TIMEOUT = 60.0  # seconds for a kernel to start
INTERRUPT_GRACE = 3.0  # seconds a hanging cell gets to stop after an interrupt before a restart
POLL = 0.25  # seconds between checks that the kernel is still alive while waiting for it

# status of a run of code in the kernel
OK = "ok"  # finished (its output may include an error: see Outcome.error)
INTERRUPTED = "interrupted"  # hit the time limit and stopped on the interrupt; the kernel lives
TIMED_OUT = "timed out"  # hit the time limit and did not stop: the kernel was killed
DIED = "died"  # the kernel process ended (exit, crash, killed for memory)
GARBLED = "garbled"  # the kernel sends messages that cannot be read (checked): it was killed

# The kernel's launcher: limits, then (as root) an unprivileged user, then IPython's kernel, in the
# same process. argv: connection file, uid, gid, data bytes, process limit, file bytes.
LIMITS = """\
import os, runpy, sys
try:
    import resource
except ImportError:  # Windows: no resource limits
    resource = None
conn, uid, gid, data, nproc, fsize = sys.argv[1], *(int(x) for x in sys.argv[2:7])
if uid >= 0:
    os.setgroups([]); os.setgid(gid); os.setuid(uid)
    try:
        os.setuid(0)
    except OSError:
        pass
    else:
        raise SystemExit("could not drop root")
def limit(name, value):
    kind = getattr(resource, name, None) if resource else None
    if kind is not None and value > 0:
        try:
            resource.setrlimit(kind, (value, value))
        except (ValueError, OSError):
            pass
limit("RLIMIT_DATA", data); limit("RLIMIT_NPROC", nproc); limit("RLIMIT_FSIZE", fsize)
os.chdir(os.path.dirname(conn))
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]
"""
LAUNCHER = LIMITS + """\
sys.argv = ["ipykernel_launcher", "-f", conn]
runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
"""


class SandboxUnavailable(RuntimeError):
    """``--sandbox on`` was asked for, but bubblewrap cannot run here (the message says why)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of a learner's kernel."""

    memory_mb: int = 2048  # private data (heap, arrays): RLIMIT_DATA
    processes: int = 256  # processes and threads beyond those the user already has: RLIMIT_NPROC
    file_mb: int = 200  # the largest file it may write: RLIMIT_FSIZE

    def describe(self) -> str:
        return (f"memory {self.memory_mb} MB, {self.processes} more processes/threads, "
                f"files up to {self.file_mb} MB")


def _tasks_of(uid: int) -> int:
    """Processes + threads the user ``uid`` has now (RLIMIT_NPROC counts them all); 0 if unknown."""
    total = 0
    proc = Path("/proc")
    if not proc.is_dir():
        return 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        try:
            if int(fields.get("Uid", "-1").split()[0]) == uid:
                total += int(fields.get("Threads", "1").strip())
        except (ValueError, IndexError):
            continue
    return total


def _symlink_chain(path: str) -> list[str]:
    """``path`` and every path its symbolic links lead through (absolute)."""
    seen = [os.path.abspath(path)]
    current = seen[0]
    for _ in range(40):
        if not os.path.islink(current):
            break
        target = os.readlink(current)
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
        seen.append(current)
    return seen


def _outermost(paths: list[str]) -> list[str]:
    """Existing folders, without those inside another one (a bind would hide them)."""
    kept: list[str] = []
    for path in sorted({os.path.realpath(p) for p in paths if p and os.path.isdir(p)}, key=len):
        if path == "/" or any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            continue
        kept.append(path)
    return sorted(kept)


@dataclass
class Sandbox:
    """How kernels are contained in this grading run (decided once, by :meth:`choose`)."""

    mode: str  # "bubblewrap" or "off"
    reason: str = ""  # why it is off
    bwrap: str = ""
    as_root: bool = False
    limits: Limits = field(default_factory=Limits)
    extra_flags: tuple[str, ...] = ()

    # -- choosing ---------------------------------------------------------------
    @classmethod
    def choose(cls, want: str = "auto", limits: Limits | None = None) -> Sandbox:
        """The sandbox for ``want`` (auto, on, off); :class:`SandboxUnavailable` when on cannot be."""
        limits = limits or Limits()
        if want not in SANDBOX_CHOICES:
            raise ValueError(f"--sandbox must be one of {', '.join(SANDBOX_CHOICES)}")
        if want == "off":
            return cls("off", "--sandbox off", limits=limits)
        why = cls._unavailable_reason(limits)
        if why is None:
            box = cls._bubblewrap(limits)
            trial = box._trial()
            if trial is None:
                return box
            why = trial
        if want == "on":
            raise SandboxUnavailable(why)
        return cls("off", why, limits=limits)

    @staticmethod
    def _unavailable_reason(limits: Limits) -> str | None:
        if not sys.platform.startswith("linux"):
            return f"bubblewrap needs Linux (this is {sys.platform})"
        if shutil.which("bwrap") is None:
            return "bubblewrap (bwrap) is not installed: apt-get install bubblewrap"
        return None

    @classmethod
    def _bubblewrap(cls, limits: Limits) -> Sandbox:
        bwrap = shutil.which("bwrap") or "bwrap"
        help_text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10).stdout
        as_root = os.geteuid() == 0
        extra = ("--disable-userns",) if "--disable-userns" in help_text and not as_root else ()
        return cls("bubblewrap", bwrap=bwrap, as_root=as_root, limits=limits, extra_flags=extra)

    def _trial(self) -> str | None:
        """None if a contained Python can start and import the course; else why not."""
        scratch = Path(tempfile.mkdtemp(prefix="course-grader-check-"))
        try:
            self.prepare(scratch)
            conn = scratch / "kernel.json"
            conn.write_text("{}", encoding="utf-8")
            self.own(conn)
            code = "import widgets.checks, ipykernel\nopen('probe.txt', 'w').write('ok')\n"
            launcher = LIMITS + code
            cmd = self.command(scratch, [sys.executable, "-c", launcher, str(conn),
                                         *self._ids(), *self._limit_args()])
            done = subprocess.run(cmd, env=self.env(scratch), capture_output=True, text=True, timeout=60)
            if done.returncode != 0 or not (scratch / "probe.txt").is_file():
                lines = (done.stderr or done.stdout).strip().splitlines()
                hint = ("; as root the kernel runs as nobody, so the course and Python must be readable "
                        "by all users" if self.as_root else "")
                return (f"bubblewrap cannot run here ({lines[-1][:200] if lines else done.returncode}"
                        f"{hint})")
            return None
        except (OSError, subprocess.SubprocessError) as exc:
            return f"bubblewrap cannot run here ({type(exc).__name__}: {exc})"
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    # -- describing -------------------------------------------------------------
    @property
    def on(self) -> bool:
        return self.mode == "bubblewrap"

    def describe(self) -> str:
        """One line for the start of a grading run."""
        if self.on:
            who = " as an unprivileged user" if self.as_root else ""
            return (f"sandbox: bubblewrap{who}: course read-only, a private scratch folder, no network; "
                    f"{self.limits.describe()}")
        user = _user_name()
        return (f"sandbox: OFF ({self.reason}): learners' code runs as {user}, with {user}'s files "
                f"and network; {self.limits.describe()} where the system enforces them")

    # -- building a kernel's command ------------------------------------------
    def _ids(self) -> list[str]:
        if self.on and self.as_root:
            return [str(UNPRIVILEGED), str(UNPRIVILEGED)]
        return ["-1", "-1"]

    def _limit_args(self) -> list[str]:
        uid = UNPRIVILEGED if (self.on and self.as_root) else os.getuid() if hasattr(os, "getuid") else -1
        nproc = _tasks_of(uid) + self.limits.processes if self.limits.processes > 0 and uid >= 0 else 0
        if uid == 0 and nproc:  # root is never held by RLIMIT_NPROC: do not pretend
            nproc = 0
        return [str(self.limits.memory_mb * 2**20), str(nproc), str(self.limits.file_mb * 2**20)]

    def prepare(self, scratch: Path) -> None:
        """Make ``scratch`` usable by the kernel (owned by the unprivileged user when root)."""
        (scratch / "tmp").mkdir(exist_ok=True)
        self.own(scratch)
        self.own(scratch / "tmp")

    def own(self, path: Path) -> None:
        if self.on and self.as_root:
            os.chown(path, UNPRIVILEGED, UNPRIVILEGED)

    def env(self, scratch: Path) -> dict[str, str]:
        """The kernel's environment."""
        threads = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
        course = {"COURSE_PROGRESS_FILE": str(scratch / "progress.json"), "COURSE_SOLUTIONS_DIR": "none",
                  "PYTHONPATH": str(COURSE_ROOT), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        if not self.on:
            env = {k: v for k, v in os.environ.items() if k != "COURSE_CHECK_MODE"}
            env.update(threads)
            env.update(course)
            env["JPY_PARENT_PID"] = str(os.getpid())  # the kernel ends if the grader dies
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(COURSE_ROOT), os.environ.get("PYTHONPATH"))
                                                if p)
            return env
        path = os.pathsep.join(dict.fromkeys([os.path.dirname(sys.executable), "/usr/local/bin",
                                              "/usr/bin", "/bin"]))
        return {"PATH": path, "HOME": str(scratch), "TMPDIR": str(scratch / "tmp"), "LANG": "C.UTF-8",
                "LC_ALL": "C.UTF-8", "IPYTHONDIR": str(scratch / ".ipython"),
                "MPLCONFIGDIR": str(scratch / ".matplotlib"), "JUPYTER_PLATFORM_DIRS": "1",
                **threads, **course}

    def command(self, scratch: Path, argv: list[str]) -> list[str]:
        """``argv`` wrapped for this sandbox (unchanged when it is off)."""
        if not self.on:
            return argv
        args = [self.bwrap, "--die-with-parent", "--unshare-ipc", "--unshare-pid", "--unshare-net",
                "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grader"]
        if self.as_root:
            args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            args += ["--unshare-user", *self.extra_flags]
        for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            host = f"/{top}"
            if os.path.islink(host):
                args += ["--symlink", os.readlink(host), host]
            elif os.path.isdir(host):
                args += ["--ro-bind", host, host]
        python = [p for exe in (sys.executable, getattr(sys, "_base_executable", sys.executable))
                  for p in _symlink_chain(exe)]
        read_only = _outermost(["/usr", "/etc", str(COURSE_ROOT), sys.prefix, sys.base_prefix,
                                sys.exec_prefix, *(os.path.dirname(os.path.dirname(p)) for p in python),
                                *(p for p in sys.path if "site-packages" in p or "dist-packages" in p)])
        dirs = sorted({os.path.dirname(p) for p in [*read_only, str(scratch)]} - {"/"})
        for parent in _ancestors(dirs):
            args += ["--perms", "0755", "--dir", parent]
        for path in read_only:
            args += ["--ro-bind", path, path]
        solutions = COURSE_ROOT / "solutions"
        if solutions.is_dir():  # the worked answers stay out of the learner's kernel
            args += ["--tmpfs", str(solutions), "--remount-ro", str(solutions)]
        args += ["--proc", "/proc", "--dev", "/dev", "--bind", str(scratch), str(scratch),
                 "--remount-ro", "/", "--"]
        return args + argv


def _ancestors(dirs: list[str]) -> list[str]:
    found: set[str] = set()
    for d in dirs:
        while d not in ("/", ""):
            found.add(d)
            d = os.path.dirname(d)
    return sorted(found, key=lambda p: (p.count("/"), p))


def _user_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "the grading user"


# ----------------------------------------------------------------------------- the kernel


@dataclass
class Outcome:
    """What running one piece of code did."""

    status: str  # OK, INTERRUPTED, TIMED_OUT, DIED, GARBLED
    error: tuple[str, str] | None = None  # (ename, evalue) of an error it raised
    text: str = ""  # printed and displayed text, kept only when asked for (the grader's probes)
    output_chars: int = 0
    seconds: float = 0.0


class KernelError(RuntimeError):
    """The kernel could not be started."""


class Kernel:
    """An IPython kernel for one submission, in ``scratch`` and the given sandbox."""

    def __init__(self, sandbox: Sandbox, scratch: Path) -> None:
        self.sandbox = sandbox
        self.scratch = scratch
        self.proc: subprocess.Popen[bytes] | None = None
        self.client: Any = None
        self._log: Any = None
        self.unreadable = 0  # messages dropped because they could not be read

    # -- life -------------------------------------------------------------------
    def start(self, timeout: float = START_TIMEOUT) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.sandbox.prepare(self.scratch)
        conn = self.scratch / "kernel.json"
        with contextlib.suppress(FileNotFoundError):
            conn.unlink()
        if os.name == "posix":
            _, info = write_connection_file(str(conn), transport="ipc", ip=str(self.scratch / "kernel"))
        else:  # pragma: no cover - Windows has no IPC transport
            _, info = write_connection_file(str(conn), transport="tcp", ip="127.0.0.1")
        self.sandbox.own(conn)
        argv = [sys.executable, "-c", LAUNCHER, str(conn), *self.sandbox._ids(), *self.sandbox._limit_args()]
        self._log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(  # noqa: S603 - our own command
            self.sandbox.command(self.scratch, argv), env=self.sandbox.env(self.scratch),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            start_new_session=os.name == "posix", cwd=str(self.scratch))
        client = BlockingKernelClient()
        client.load_connection_info(info)
        client.start_channels()
        self.client = client
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise KernelError(f"the kernel did not start: {self._log_tail()}")
            if time.monotonic() > deadline:
                self.shutdown()
                raise KernelError(f"the kernel did not start within {timeout:g} s")
            msg_id = client.kernel_info()
            reply_by = time.monotonic() + 1.0
            while time.monotonic() < reply_by:
                reply = self._next("shell", max(0.0, reply_by - time.monotonic()))
                if reply is not None and reply["parent_id"] == msg_id:
                    self._settle_iopub()
                    return

    def _settle_iopub(self) -> None:
        """Wait until IOPub delivers (ZeroMQ subscriptions connect asynchronously)."""
        for _ in range(40):
            msg_id = self.client.kernel_info()
            while True:
                msg = self._next("iopub", 0.25)
                if msg is None:
                    break
                if msg["parent_id"] == msg_id:
                    self._drain_shell()
                    return
            if not self.alive():
                raise KernelError(f"the kernel died while starting: {self._log_tail()}")

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.seek(0, os.SEEK_END)
            size = self._log.tell()
            self._log.seek(max(0, size - 2000))
            lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else "no message"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def shutdown(self) -> None:
        """Stop the kernel and everything it started, at once."""
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.stop_channels()
            self.client = None
        if self.proc is not None:
            if self.proc.poll() is None:
                with contextlib.suppress(OSError):
                    if os.name == "posix":
                        os.killpg(self.proc.pid, signal.SIGKILL)
                    else:  # pragma: no cover
                        self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- running ----------------------------------------------------------------
    def run(self, code: str, timeout: float, keep_text: int = 0, store_history: bool = True) -> Outcome:
        """Run ``code``; stop it after ``timeout`` seconds (interrupt, or kill if that fails)."""
        started = time.monotonic()
        if not self.alive():
            return Outcome(DIED)
        self._drain_shell()
        msg_id = self.client.execute(code, store_history=store_history, allow_stdin=False,
                                     stop_on_error=False)
        outcome = Outcome(OK)
        kept: list[str] = []
        kept_chars = 0
        deadline = started + timeout
        interrupted_at: float | None = None
        checked = self.unreadable
        while True:
            now = time.monotonic()
            if self.unreadable > checked:  # e.g. the learner's code replaced json in the kernel
                checked = self.unreadable
                if not self._answers_readably():
                    outcome.status = GARBLED
                    self.shutdown()
                    break
            if interrupted_at is None and now >= deadline:
                self._interrupt()
                interrupted_at = now
            if interrupted_at is not None and now >= interrupted_at + INTERRUPT_GRACE:
                outcome.status = TIMED_OUT
                self.shutdown()
                break
            msg = self._next("iopub", POLL)
            if msg is None:
                if not self.alive():
                    outcome.status = DIED
                    self.shutdown()
                    break
                continue
            if msg.get("parent_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                if interrupted_at is not None:
                    outcome.status = INTERRUPTED
                break
            if kind == "error":
                outcome.error = (str(content.get("ename", "Error"))[:100],
                                 str(content.get("evalue", ""))[:500])
            elif kind in ("stream", "display_data", "execute_result", "update_display_data"):
                if kind == "stream":
                    text = str(content.get("text", "")) if content.get("name") == "stdout" else ""
                    outcome.output_chars += len(str(content.get("text", "")))
                else:
                    data = content.get("data", {})
                    text = str(data.get("text/plain", "")) + "\n" if isinstance(data, dict) else ""
                    outcome.output_chars += len(json.dumps(data, default=str))
                if text and kept_chars < keep_text:
                    kept.append(text[: keep_text - kept_chars])
                    kept_chars += len(kept[-1])
        outcome.text = "".join(kept)
        outcome.seconds = time.monotonic() - started
        return outcome

    def _interrupt(self) -> None:
        """Ask the kernel to interrupt itself (it sends SIGINT to its own process)."""
        with contextlib.suppress(Exception):
            self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))

    def _answers_readably(self, timeout: float = 2.0) -> bool:
        """Whether the kernel still sends readable messages: it is asked for its info on the
        control channel, which ipykernel serves on its own thread even while a cell runs."""
        try:
            request = self.client.session.msg("kernel_info_request", {})
            self.client.control_channel.send(request)
        except Exception:  # noqa: BLE001 - cannot even ask: let the time limit decide
            return True
        before = self.unreadable
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._next("control", max(0.0, deadline - time.monotonic()))
            if reply is not None and reply["parent_id"] == request["header"]["msg_id"]:
                return True
            if self.unreadable > before:
                return False
        return True  # no answer at all (a busy control thread?): let the time limit decide

    def _drain_shell(self) -> None:
        for _ in range(10_000):
            if self._next("shell", 0) is None:
                return

    def _next(self, channel: str, timeout: float) -> dict[str, Any] | None:
        """The next message on a channel, checked; None if there is none in time.

        The kernel runs the learner's code, so it may send anything (a learner who patches
        ``json`` in the kernel breaks its own messages): a message that cannot be read, or is not
        shaped like a Jupyter message, is dropped, and never stops the grader.
        """
        get = {"iopub": self.client.get_iopub_msg, "shell": self.client.get_shell_msg,
               "control": self.client.get_control_msg}[channel]
        started = time.monotonic()
        while True:
            left = max(0.0, timeout - (time.monotonic() - started))
            try:
                msg = get(timeout=left)
            except queue.Empty:
                return None
            except Exception:  # noqa: BLE001 - unreadable: drop it
                self.unreadable += 1
                if time.monotonic() - started >= timeout:
                    return None
                continue
            if not isinstance(msg, dict):
                self.unreadable += 1
                continue
            header, parent = msg.get("header"), msg.get("parent_header")
            content = msg.get("content")
            if isinstance(header, dict) and isinstance(parent, dict) and isinstance(content, dict):
                return {"msg_type": str(header.get("msg_type", "")), "parent_id": parent.get("msg_id"),
                        "content": content}
            self.unreadable += 1
            if time.monotonic() - started >= timeout:
                return None
