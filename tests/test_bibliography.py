"""The course's bibliography (docs/bibliography.md): every cited source is listed, with a link or DOI.

Lessons, solutions, guides and data cards cite an entry by its anchor
(``docs/bibliography.md#key``). Every such link must resolve; every entry must carry a link or a
DOI; every lesson must cite at least one entry (LESSON.md: sources).
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT, notebooks, read, source

BIBLIOGRAPHY = ROOT / "docs" / "bibliography.md"
ENTRY = re.compile(r'^- <a id="([a-z0-9_-]+)"></a>(.*)$', re.M)
CITE = re.compile(r"bibliography\.md#([A-Za-z0-9_-]+)")


def entries(text: str | None = None) -> dict[str, str]:
    text = BIBLIOGRAPHY.read_text(encoding="utf-8") if text is None else text
    return dict(ENTRY.findall(text))


def citing_files() -> dict[str, str]:
    texts = {str(p.relative_to(ROOT)): "\n".join(source(c) for c in read(p)["cells"])
             for p in notebooks()}
    for path in [*(ROOT / "instructor" / "guides").glob("*.md"), ROOT / "datasets" / "README.md",
                 ROOT / "README.md"]:
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def unresolved(texts: dict[str, str], known: dict[str, str]) -> list[str]:
    return [f"{name}: #{key}" for name, text in texts.items() for key in CITE.findall(text)
            if key not in known]


def without_link(known: dict[str, str]) -> list[str]:
    return [key for key, text in known.items()
            if not re.search(r"https?://|doi\.org/|\bdoi:|\bISBN\b|No (stable )?public link:", text)]


LINK = re.compile(r"\]\(([^)\s]+)\)")


def broken_relative_links(texts: dict[str, str]) -> list[str]:
    """Markdown links ``[text](target)`` whose target is neither a web address nor a file that
    exists next to the citing file (an unfilled ``{placeholder}`` is caught here). A link to a
    lesson notebook not written yet (``NN-slug.ipynb``, the "Next:" of the last lesson) is
    allowed."""
    broken = []
    for name, text in texts.items():
        folder = (ROOT / name).parent
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            if re.fullmatch(r"(\.\./lessons/)?\d\d-[a-z0-9-]+\.ipynb", target):
                continue
            path = target.split("#", 1)[0]
            if "{" in target or not (folder / path).exists():
                broken.append(f"{name}: {target}")
    return broken


def test_every_relative_link_resolves():
    assert broken_relative_links(citing_files()) == []


def test_a_placeholder_or_missing_file_in_a_link_is_caught():
    texts = {"lessons/x.ipynb": "[A]({B}#a2000) [C](../docs/bibliography.md#a2000) "
                                "[D](../nowhere.md) [E](https://example.org)"}
    assert broken_relative_links(texts) == ["lessons/x.ipynb: {B}#a2000",
                                            "lessons/x.ipynb: ../nowhere.md"]


def test_every_entry_has_a_link_or_doi_and_a_unique_anchor():
    text = BIBLIOGRAPHY.read_text(encoding="utf-8")
    keys = [k for k, _ in ENTRY.findall(text)]
    assert keys, "the bibliography has no entries"
    assert len(keys) == len(set(keys)), "an anchor is used twice"
    assert without_link(entries()) == []


def test_every_citation_resolves():
    assert unresolved(citing_files(), entries()) == []


# Lessons written before the bibliography: mended by issue 10 (strict: each must still fail).
KNOWN: set[str] = set()


@pytest.mark.parametrize("path", [
    pytest.param(p, id=p.name, marks=[pytest.mark.xfail(reason="issue 10", strict=True)]
                 if p.name in KNOWN else []) for p in notebooks("lessons")])
def test_every_lesson_cites_the_bibliography(path):
    text = "\n".join(source(c) for c in read(path)["cells"] if c["cell_type"] == "markdown")
    assert CITE.search(text), f"{path.name} cites no entry of docs/bibliography.md"


def test_a_broken_citation_and_an_entry_without_link_are_caught():
    known = entries('- <a id="a2000"></a>A (2000). Title. <https://example.org>.\n'
                    '- <a id="b2001"></a>B (2001). No link here.\n')
    assert without_link(known) == ["b2001"]
    assert unresolved({"x.ipynb": "see [A](../docs/bibliography.md#c1999)"}, known) == ["x.ipynb: #c1999"]
