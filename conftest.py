"""The repo's own pytest configuration: checks run in automated mode, progress and plans go to temp.

Kernels started by nbval inherit this process's environment, so setting the variables here turns
the checks' automated mode on for every notebook run by ``pytest`` from this folder, including a
learner's own ``pytest --nbval-lax exercises/01-*.ipynb``.
"""

import os
import tempfile
from pathlib import Path

os.environ["COURSE_CHECK_MODE"] = "automated"
os.environ.setdefault(
    "COURSE_PROGRESS_FILE", str(Path(tempfile.mkdtemp(prefix="course-progress-")) / "progress.json")
)
# plans exported by lesson 09's canvas (a test clicks its Export button) go to a temp folder too
os.environ.setdefault("COURSE_PLAN_DIR", tempfile.mkdtemp(prefix="course-plans-"))
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

collect_ignore_glob = ["tests/fixtures/*"]
