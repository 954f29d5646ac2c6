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
