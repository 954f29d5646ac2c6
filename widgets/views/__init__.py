"""ipywidgets wiring: controls -> model -> figure updated in place. No analysis lives here.

Conventions every view follows (the browser tests rely on them):

* the view returns one ``ipywidgets.Box`` with the CSS classes ``course-widget`` and
  ``course-widget-<name>``;
* it holds an ``ipywidgets.HTML`` with the class ``course-widget-summary`` whose text states
  what the current settings show, and changes whenever a control changes;
* every control has a ``description`` (its accessible name) and is keyboard-usable.
"""
