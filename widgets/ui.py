"""Showing text to the learner: rich HTML in Jupyter, the same words as plain text elsewhere;
and tables a keyboard can scroll."""

from __future__ import annotations

from typing import Any


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


def table_html(frame: Any) -> str:
    """A DataFrame's HTML inside a region a keyboard can reach and scroll, named for screen readers.

    JupyterLab shows a wide table in an output area that scrolls sideways but cannot take the
    keyboard's focus (WCAG 2.1.1; axe: scrollable-region-focusable). Wrapped in a focusable
    region of its own, the table scrolls with the arrow keys and is announced with its size.
    """
    inner = frame._repr_html_() if hasattr(frame, "_repr_html_") else None
    if not inner:
        inner = frame.to_html()
    rows, cols = frame.shape
    name = f"Table: {rows:,} row{'s' * (rows != 1)}, {cols:,} column{'s' * (cols != 1)}"
    return (f'<div class="course-table" role="region" tabindex="0" aria-label="{name}" '
            f'style="overflow-x:auto;max-width:100%">{inner}</div>')


def register_table_display() -> bool:
    """Show every pandas DataFrame through :func:`table_html` in this IPython kernel (idempotent).

    Returns whether it is registered (False outside IPython). Registered by type name, so pandas
    is not imported for it.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return False
    shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.formatters["text/html"]
    # pandas 3 gives DataFrame the module "pandas"; older releases "pandas.core.frame"
    for module in ("pandas", "pandas.core.frame"):
        formatter.for_type_by_name(module, "DataFrame", table_html)
    return True
