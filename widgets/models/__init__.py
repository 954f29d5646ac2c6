"""Pure functions: DataFrames and parameters in, numbers or DataFrames out.

No ipywidgets, no plotly, no printing here: this is where the course's ideas are computed, and
it is unit-tested.
"""


class ModelError(ValueError):
    """What a model cannot compute from the data or settings it was given, in one plain sentence.

    Each lesson's model module has its own subclass; in Jupyter only ``<ClassName>: <message>`` is
    shown, never a traceback of the course's code.
    """

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]

