"""The course's one way to show a plotly figure that updates in place: :class:`FigureView`.

Why not ``go.FigureWidget``: under plotly 7 every FigureWidget sends the whole plotly.js bundle
(about 5 MB) as its widget state, each time a view is displayed. JupyterLab already has plotly.js:
plotly's own JupyterLab extension loads it once, cached by the browser. So a FigureView sends
only the figure (its JSON, a few KB), and its front end (``figure.js``) draws it with the page's
plotly.js and redraws it in place with ``Plotly.react`` (no flicker, no new plot).

A view builds a figure with a function from :mod:`widgets.figures`, wraps it, and changes it::

    figure = FigureView(brief_figure(outcome))
    with figure.batch_update():             # one message for all the changes
        figure.data[0].y = new_values
        figure.layout.title.text = new_title

or replaces it whole with ``figure.update(other_figure)``. Changes outside ``batch_update()``
are not sent until the next batch or :meth:`FigureView.sync`.

Where a page has no plotly.js (a front end without plotly's extension), the front end asks the
kernel for it once per page (``need-plotly-js``) and loads it from that message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anywidget
import plotly.graph_objects as go
import plotly.io as pio
import traitlets

__all__ = ["FigureView"]

_ESM = (Path(__file__).with_name("figure.js")).read_text(encoding="utf-8")


def _plotly_js() -> bytes:
    """plotly.js as plotly.py ships it (only sent to a page that has no plotly.js of its own)."""
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


class FigureView(anywidget.AnyWidget):
    """A plotly figure in a widget: it sends the figure's JSON, never plotly.js, and updates in place.

    ``figure``: a ``go.Figure`` (or anything ``go.Figure`` accepts). ``description``: a sentence
    that says what the figure shows, for screen readers (defaults to the figure's title, which in
    this course states the finding). The front end puts it in the figure's ``aria-label`` and in a
    visually hidden paragraph beside the plot, and updates it with the figure.
    """

    _esm = _ESM
    figure_json = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)

    def __init__(self, figure: go.Figure | dict[str, Any] | None = None, description: str = "",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._figure = go.Figure(figure) if figure is not None else go.Figure()
        self._description = description
        self._batch_depth = 0
        self.sync()
        self.on_msg(self._on_front_end_message)

    # -- the figure, as a go.Figure --------------------------------------------------------------
    @property
    def figure(self) -> go.Figure:
        """The figure shown (change it inside :meth:`batch_update`)."""
        return self._figure

    @property
    def data(self) -> tuple[Any, ...]:
        return self._figure.data

    @property
    def layout(self) -> go.Layout:
        return self._figure.layout

    @contextmanager
    def batch_update(self) -> Iterator[go.Figure]:
        """Change the figure inside this block; the new figure is sent once, at the end."""
        self._batch_depth += 1
        try:
            yield self._figure
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self.sync()

    def update(self, figure: go.Figure | dict[str, Any], description: str | None = None) -> None:
        """Show ``figure`` instead (redrawn in place: same size, no flicker)."""
        self._figure = go.Figure(figure)
        if description is not None:
            self._description = description
        self.sync()

    def sync(self) -> None:
        """Send the figure as it is now (no message if nothing changed)."""
        text = pio.to_json(self._figure, validate=False)
        title = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self._figure.layout.title.text or "")).strip()
        description = self._description or title
        with self.hold_sync():  # one message for both
            if text != self.figure_json:
                self.figure_json = text
            if description != self.description:
                self.description = description

    # -- the front end asks for plotly.js only where the page has none --------------------------
    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "need-plotly-js":
            try:
                self.send({"type": "plotly-js"}, buffers=[_plotly_js()])
            except OSError as problem:  # pragma: no cover - plotly.py always ships the file
                self.send({"type": "plotly-js", "error": str(problem)})
