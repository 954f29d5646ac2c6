"""Pure functions: DataFrames and parameters in, numbers or DataFrames out.

No ipywidgets, no plotly, no printing here: this is where the course's ideas are computed, and
it is unit-tested.
"""
