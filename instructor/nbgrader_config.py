# nbgrader configuration for "From Message to Conversation" (see instructor/README.md).
#
# Copy this file into your nbgrader course folder, and create that folder INSIDE the course
# repository (for example <repo>/grading/), so the notebooks' first cell finds the course package
# by walking up from the notebook's folder. nbgrader runs this file as Python in its own process;
# the kernels it starts inherit the environment set here.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (nbgrader provides get_config)

HERE = Path(__file__).resolve().parent

# 1. The checks must fail their cell when an answer is not correct (one-line message), or
#    nbgrader would give every check its points: this turns the checks' automated mode on.
#    nbgrader runs the checks in the learner's kernel, so a learner's answer cell can turn it off
#    again (instructor/README.md): for grades you must trust, grade submitted/ with the course
#    grader (python -m widgets.grader submitted/ ...).
os.environ["COURSE_CHECK_MODE"] = "automated"
# Autograding must not write into anybody's progress file.
os.environ.setdefault("COURSE_PROGRESS_FILE", str(HERE / ".autograde-progress.json"))

# 2. Find the course package even if the course folder is not inside the repository: walk up from
#    here, or use COURSE_REPO=/path/to/the/repository. Kernels inherit PYTHONPATH.
_repo = next((p for p in (HERE, *HERE.parents) if (p / "widgets" / "checks.py").is_file()), None)
if _repo is None and os.environ.get("COURSE_REPO"):
    _repo = Path(os.environ["COURSE_REPO"]).resolve()
if _repo is not None:
    os.environ["PYTHONPATH"] = os.pathsep.join(x for x in (str(_repo), os.environ.get("PYTHONPATH")) if x)

# 3. nbgrader runs the `alembic` command for its database: make the one next to this Python found.
os.environ["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))

c.CourseDirectory.course_id = "message-to-conversation"
c.CourseDirectory.root = str(HERE)
# The exchange (used by nbgrader's release/collect on a shared hub); set NBGRADER_EXCHANGE to move it.
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")

# 4. A learner who deletes a check cell must not escape it: put missing graded cells back.
c.OverwriteCells.add_missing_cells = True

# 5. Time limit per cell while autograding (seconds); a loop that never ends costs this much.
c.ExecutePreprocessor.timeout = 120
