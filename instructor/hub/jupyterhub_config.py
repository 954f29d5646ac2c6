"""An example JupyterHub configuration for running the course for a class on ONE machine.

Tested: ``tests/hub/test_class.py`` starts a real JupyterHub with this file (10 learners run lesson
02 through the proxy), and ``bench/classroom.py`` sizes classes of 10, 20 and 40 with it. See
instructor/README.md ("Sizing a class") for what it measured.

Start it from an environment where requirements.txt and jupyterhub are installed, with
configurable-http-proxy on the PATH (npm), as the hub's admin::

    COURSE_HUB_STATE=/srv/course-hub jupyterhub -f instructor/hub/jupyterhub_config.py

Everything below can be set through environment variables, so the same file serves a class and
the tests. What a real class must change is marked CHANGE.

What the course needs of a hub, and why (each was needed on a 2-core machine with 40 learners):

* a start timeout and an HTTP timeout of 300 s: when 40 servers start at once, each waits for the
  CPU, and JupyterHub's defaults (60 s and 30 s) give up on servers that were only slow;
* kernels on the ``ipc`` transport: with TCP, each kernel picks 5 free ports, and 40 servers
  starting kernels at once race for the same ports ("address already in use");
* a short runtime folder per learner: ipc sockets are files whose path must stay under about 100
  characters (a Unix socket limit), so they go in ``/tmp/course-rt/<learner>``, not in a deep home;
* ``--allow-root`` only when the servers run as root (containers, test machines).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

STATE = Path(os.environ.get("COURSE_HUB_STATE", "/srv/course-hub"))
HOMES = Path(os.environ.get("COURSE_HUB_HOMES", str(STATE / "home")))
RUNTIME = Path(os.environ.get("COURSE_HUB_RUNTIME", "/tmp/course-rt"))
STATE.mkdir(parents=True, exist_ok=True)

# -- network: the public port (the proxy), the hub's own API, the proxy's API ------------------
c.JupyterHub.ip = os.environ.get("COURSE_HUB_IP", "127.0.0.1")  # CHANGE: 0.0.0.0 behind TLS
c.JupyterHub.port = int(os.environ.get("COURSE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('COURSE_PROXY_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [os.environ.get("COURSE_PROXY_COMMAND")
                                   or shutil.which("configurable-http-proxy") or "configurable-http-proxy"]
c.ConfigurableHTTPProxy.should_start = True

# -- state -------------------------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.JupyterHub.cleanup_proxy = True

# -- who may log in: CHANGE for a real class ----------------------------------------------------
# The tests use JupyterHub's DummyAuthenticator with one shared password. A class needs a real
# authenticator (your institution's OAuth or LTI, or NativeAuthenticator, or PAM on TLJH).
c.JupyterHub.authenticator_class = os.environ.get("COURSE_HUB_AUTHENTICATOR", "dummy")
if os.environ.get("COURSE_HUB_PASSWORD"):
    c.DummyAuthenticator.password = os.environ["COURSE_HUB_PASSWORD"]
c.Authenticator.allow_all = True

# A service token the instructor's scripts (and the tests) use to create learners and start
# their servers; leave COURSE_HUB_DRIVER_TOKEN unset and there is no such service.
if os.environ.get("COURSE_HUB_DRIVER_TOKEN"):
    c.JupyterHub.services = [{"name": "course-driver",
                              "api_token": os.environ["COURSE_HUB_DRIVER_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "course-driver",
        "scopes": ["admin:users", "admin:servers", "access:servers", "read:users"],
        "services": ["course-driver"],
    }]

# -- each learner's server ------------------------------------------------------------------------
# SimpleLocalProcessSpawner: every learner's server runs as the hub's own OS user, in a home folder
# of their own. It is what a single-machine test can run; The Littlest JupyterHub uses systemd
# (a Unix user, memory and CPU limits per learner); Zero to JupyterHub uses Kubernetes pods.
c.JupyterHub.spawner_class = os.environ.get("COURSE_HUB_SPAWNER", "simple")
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.cmd = [os.environ.get("COURSE_SINGLEUSER")
                 or str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
# nbgitpuller places the repository in the learner's home as <repository-name>/
course_folder = os.environ.get("COURSE_FOLDER_NAME", "course")
c.Spawner.default_url = f"/lab/tree/{course_folder}/lessons/00-start-here.ipynb"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300

server_args = [
    "--KernelManager.transport=ipc",       # no TCP port races between 40 servers
    "--ServerApp.terminals_enabled=False",  # the course never needs a terminal
    "--LabApp.news_url=None",               # offline: no news, no update checks
    "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    # a kernel nobody has used for 30 minutes, in a tab the learner closed, gives its memory back
    # (about 250 MB each: instructor/README.md, "Sizing a class")
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    server_args.append("--allow-root")
c.Spawner.args = server_args


def _runtime_dir(spawner: object) -> str:
    """A short runtime folder of the learner's own (ipc socket paths must stay short)."""
    folder = RUNTIME / spawner.user.name  # type: ignore[attr-defined]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return str(folder)


c.Spawner.environment = {
    "JUPYTER_RUNTIME_DIR": _runtime_dir,
    "JUPYTER_PLATFORM_DIRS": "1",
}
