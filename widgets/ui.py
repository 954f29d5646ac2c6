"""Showing text to the learner: rich HTML in Jupyter, the same words as plain text elsewhere."""

from __future__ import annotations


def show(text: str, html: str) -> None:
    """Display ``html`` with ``text`` as its plain-text fallback (print outside IPython)."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    display({"text/plain": text, "text/html": html}, raw=True)
