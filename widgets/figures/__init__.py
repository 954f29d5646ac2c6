"""Functions that build and return plotly figures from model output. They never call show().

Every figure uses the course template (:mod:`widgets.style`), labels its axes with units, and
has a title that states the finding.
"""
