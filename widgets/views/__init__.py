"""ipywidgets wiring: controls -> model -> figure updated in place. No analysis lives here.

Conventions every view follows (the browser tests rely on them):

* the view returns one ``ipywidgets.Box`` with the CSS classes ``course-widget`` and
  ``course-widget-<name>``;
* it holds an ``ipywidgets.HTML`` with the class ``course-widget-summary`` whose text states
  what the current settings show, and changes whenever a control changes;
* every control has a ``description`` (its accessible name) and is keyboard-usable;
* each module lists its view functions in ``__all__``, and each can be called with no arguments
  (it loads its own data with :func:`widgets.data.load`), so benchmarks and tests discover them.
"""

import sys as _sys


def _import_jsonschema_without_iri_grammar() -> None:
    """Spare every lesson ~2 s (more on a busy hub) the first time it shows a figure widget.

    ``go.FigureWidget`` imports plotly.io, which imports nbformat, which imports jsonschema; and
    jsonschema, at import, compiles the IRI grammar of the optional package rfc3987-syntax (a Lark
    Earley parser: ~2 s on one core). The package is in every Jupyter environment (jupyter-events
    wants ``jsonschema[format-nongpl]``), but nothing in a course kernel validates IRIs. So
    jsonschema is imported once here with that package hidden; it then simply leaves out its
    ``iri`` format checks, and ``import rfc3987_syntax`` still works afterwards.
    """
    if "jsonschema" in _sys.modules or "rfc3987_syntax" in _sys.modules:
        return
    _sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import jsonschema  # noqa: F401
    except ImportError:  # pragma: no cover - jsonschema comes with nbformat
        pass
    finally:
        if _sys.modules.get("rfc3987_syntax", 0) is None:
            del _sys.modules["rfc3987_syntax"]


_import_jsonschema_without_iri_grammar()
