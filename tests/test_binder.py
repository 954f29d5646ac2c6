"""Binder: repo2docker must build the learner image with Python 3.11 and exactly requirements.txt."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def repo2docker() -> str:
    found = Path(sys.executable).with_name("jupyter-repo2docker")
    return str(found) if found.exists() else shutil.which("jupyter-repo2docker") or "jupyter-repo2docker"


def test_runtime_txt_asks_for_python_311():
    assert (ROOT / "runtime.txt").read_text().strip() == "python-3.11"


def test_repo2docker_dockerfile_uses_python_311_and_requirements_txt():
    # --no-build --debug prints the Dockerfile without needing a Docker engine
    result = subprocess.run([repo2docker(), "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed[-2000:]
    assert "python=3.11" in printed
    assert "COPY --chown" in printed and "requirements.txt" in printed
    assert 'pip install --no-cache-dir -r "requirements.txt"' in printed
    assert "requirements-dev.txt" not in printed, "the learner image must not get the dev tools"
    assert "pip install -e" not in printed, "the course is not installed as a package"


def test_requirements_are_pinned_and_leave_out_nbgrader():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line for line in lines if line]
    assert pins and all("==" in line for line in pins), "pin every learner dependency exactly"
    names = {line.split("==")[0].lower() for line in pins}
    assert {"jupyterlab", "ipywidgets", "plotly", "pandas", "nbval", "pytest", "scikit-learn",
            "vadersentiment", "networkx", "scipy"} <= names
    assert "nbgrader" not in names
