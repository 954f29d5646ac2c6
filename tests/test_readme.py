"""The README keeps its promises: two set-up commands, the CI runs the same test command, the map."""

from __future__ import annotations

import re

from tests.helpers import ROOT
from widgets.course import COURSE_MAP

README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", README, re.S)]


def test_exactly_two_setup_commands_open_lesson_00_and_run_the_tests():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [b.strip() for b in re.findall(r"```bash\n(.*?)```", setup, re.S)]
    assert len(commands) == 2
    assert commands[0].endswith("jupyter lab lessons/00-start-here.ipynb")
    assert "requirements.txt" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    test_command = re.findall(r"```bash\n(.*?)```", setup, re.S)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def test_lesson_table_matches_the_course_map_and_the_files():
    for lesson in COURSE_MAP:
        row = next((line for line in README.splitlines() if line.startswith(f"| {lesson.number} |")),
                   None)
        assert row, f"README has no row for lesson {lesson.number}"
        assert lesson.title in row and f"{lesson.teach_minutes} + {lesson.exercise_minutes}" in row
        notebook = ROOT / "lessons" / lesson.filename
        if notebook.exists():
            assert f"(lessons/{lesson.filename})" in row, f"lesson {lesson.number} is ready: link it"
        else:
            assert "in preparation" in row


def test_lesson_00_course_map_matches():
    text = (ROOT / "lessons" / "00-start-here.ipynb").read_text(encoding="utf-8")
    for lesson in COURSE_MAP:
        assert f"| {lesson.number} | {lesson.title} | {lesson.idea} | {lesson.minutes} |" in text
