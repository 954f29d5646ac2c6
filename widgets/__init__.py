"""The course package of *From Message to Conversation*.

It is imported straight from the repository folder (nothing is pip-installed), so importing it
must stay cheap: submodules are imported where they are used.

Layers, one direction: ``data`` -> ``models`` -> ``figures`` -> ``views`` -> notebooks, with
``checks`` beside them.
"""

__all__ = ["__version__"]
__version__ = "0.1.0"


def _accessible_tables() -> None:
    """In a notebook, show DataFrames as keyboard-scrollable, named tables (see widgets.ui)."""
    from .ui import register_table_display

    register_table_display()


_accessible_tables()
