"""The instructor kit's docs cover what instructors need, and every lesson has a guide (discovered)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT, notebooks

KIT = ROOT / "instructor"
README = (KIT / "README.md").read_text(encoding="utf-8")
GUIDES = KIT / "guides"
LESSONS = notebooks("lessons")

# topic -> words that must all appear in instructor/README.md
TOPICS = {
    "hub image from requirements.txt": ["requirements.txt", "image"],
    "nbgitpuller link": ["nbgitpuller", "/hub/user-redirect/git-pull?repo=", "urlpath=", "branch="],
    "nbgitpuller keeps learners' changes": ["merge", "learner's version", "restored"],
    "Zero to JupyterHub": ["Zero to JupyterHub", "FROM quay.io/jupyter/minimal-notebook",
                           "singleuser:", "image:"],
    "The Littlest JupyterHub": ["The Littlest JupyterHub", "sudo -E pip install -r requirements.txt"],
    "Binder": ["Binder", "runtime.txt"],
    "solutions kept back": ["branch=learners", "git rm -r", "COURSE_SOLUTIONS_DIR"],
    "no nbgrader in the learners' image": ["nbgrader's extension should not be in the learners' image"],
    "nbgrader config": ["nbgrader_config.py", 'os.environ["COURSE_CHECK_MODE"] = "automated"',
                        "add_missing_cells", "inside the course repository", "PYTHONPATH"],
    "course grader": ["python -m widgets.grader", "--out", "--feedback", "__", "--timeout",
                      "--cell-timeout", "not gradable", "stopped", "_reason"],
    "grader integrity": ["check cells are not run", "as plain data", "in its own process",
                         "One mistake costs one question"],
    "grader containment": ["What is contained and what is not", "bubblewrap", "--sandbox on", "read-only",
                           "no network", "Not contained", "sandbox: OFF", "container", "throwaway account"],
    "nbgrader's integrity": ["nbgrader's autograde cannot give the course grader's integrity",
                             "python -m widgets.grader submitted/"],
}


@pytest.mark.parametrize("topic", TOPICS)
def test_instructor_readme_covers(topic):
    missing = [word for word in TOPICS[topic] if word not in README]
    assert not missing, f"instructor/README.md: {topic}: missing {missing}"


def test_main_readme_links_the_instructor_kit():
    assert "(instructor/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_config_named_in_the_docs_exists():
    assert (KIT / "nbgrader_config.py").is_file()
    assert 'os.environ["COURSE_CHECK_MODE"] = "automated"' in (KIT / "nbgrader_config.py").read_text()


def test_relative_links_in_the_kit_resolve():
    for doc in [KIT / "README.md", GUIDES / "README.md", *GUIDES.glob("[0-9][0-9]-*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            path = (doc.parent / target).resolve()
            if path.name.startswith(tuple("0123456789")) and path.parent == GUIDES.resolve():
                continue  # the index lists guides that lesson authors are still writing
            assert path.exists(), f"{doc.relative_to(ROOT)} links to missing {target}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.name)
def test_every_lesson_has_a_guide_that_follows_the_template(lesson):
    guide = GUIDES / f"{lesson.stem}.md"
    assert guide.is_file(), f"write instructor/guides/{guide.name} (template: instructor/guides/README.md)"
    text = guide.read_text(encoding="utf-8")
    assert text.startswith(f"# Instructor guide · {lesson.stem[:2]} ")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for required in ("Objectives", "Timing", "Discussion prompts", "Common learner mistakes"):
        assert any(h.startswith(required) for h in headings), f"{guide.name}: no '## {required}'"
    assert f"({guide.name})" in (GUIDES / "README.md").read_text(encoding="utf-8"), \
        f"link {guide.name} from instructor/guides/README.md"
