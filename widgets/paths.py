"""Where things are: the course folder, its data and solutions, and the learner's data folder.

Everything is found relative to this file, so the course works wherever the repository was put
(a laptop clone, a hub home folder filled by nbgitpuller, a Binder image) without installing it.
"""

from __future__ import annotations

import os
from pathlib import Path

COURSE_ROOT: Path = Path(__file__).resolve().parent.parent
LESSONS_DIR: Path = COURSE_ROOT / "lessons"
EXERCISES_DIR: Path = COURSE_ROOT / "exercises"
SOLUTIONS_DIR: Path = COURSE_ROOT / "solutions"
DATASETS_DIR: Path = COURSE_ROOT / "datasets"
#: Where learners put their own analytics exports (git-ignored: it never leaves their machine).
MY_DATA_DIR: Path = COURSE_ROOT / "my-data"
#: Where lesson 09's strategy canvas writes the learner's plan (git-ignored, like my-data/).
MY_PLAN_DIR: Path = COURSE_ROOT / "my-plan"

#: Environment variable that moves the progress file (tests and graders point it at a temp file).
PROGRESS_ENV = "COURSE_PROGRESS_FILE"
#: Environment variable that moves the folder plans are written to (tests point it at a temp folder).
PLAN_ENV = "COURSE_PLAN_DIR"
#: Environment variable that points solution look-ups at another folder (or "none" to hide them).
SOLUTIONS_ENV = "COURSE_SOLUTIONS_DIR"
APP_FOLDER = "message-to-conversation"


def user_data_dir() -> Path:
    """The learner's own data folder for this course (Jupyter's data folder, as on any hub)."""
    try:
        from jupyter_core.paths import jupyter_data_dir

        base = Path(jupyter_data_dir())
    except Exception:  # jupyter_core missing or broken: fall back to the XDG default
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "jupyter"
    return base / APP_FOLDER


def progress_file() -> Path:
    """The JSON file where check outcomes and the self-assessment are kept."""
    override = os.environ.get(PROGRESS_ENV)
    return Path(override) if override else user_data_dir() / "progress.json"


def plan_dir() -> Path:
    """The folder where the strategy canvas writes plans: ``my-plan/`` in the course folder."""
    override = os.environ.get(PLAN_ENV)
    return Path(override) if override else MY_PLAN_DIR


def solutions_dir() -> Path | None:
    """The folder of worked solutions, or None when this copy of the course has none."""
    override = os.environ.get(SOLUTIONS_ENV)
    if override is not None:
        if override.strip().lower() in {"", "none"}:
            return None
        folder = Path(override)
    else:
        folder = SOLUTIONS_DIR
    return folder if folder.is_dir() else None


def lesson_notebook(folder: Path | None, lesson: str) -> Path | None:
    """The notebook ``NN-*.ipynb`` for lesson ``NN`` in ``folder``, or None."""
    if folder is None:
        return None
    matches = sorted(folder.glob(f"{lesson}-*.ipynb"))
    return matches[0] if matches else None
