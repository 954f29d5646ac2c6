"""What every view is built on: its outer box, with the course's accessibility fixes.

:func:`view_box` gives a view its outer box (the classes the browser tests and the benchmark look
for) and adds :class:`ControlNames`, a tiny invisible front-end helper that fixes two things for
keyboard and screen-reader users:

* ipywidgets draws a slider's handle (``role="slider"``) with no accessible name, so a screen
  reader announces "slider, 3" and not "Budget (USD), slider, 500,000". The helper gives each
  slider handle the name of its ``description``, and keeps doing so as the view's children change
  (tabs drawn later).
* JupyterLab's command-mode shortcuts catch keys inside widgets: ArrowDown on a drop-down moves to
  the next cell instead of the next option, and typing an option's first letter can insert or
  delete cells. The helper marks the view ``data-lm-suppress-shortcuts``, which JupyterLab's
  shortcut handling respects; Tab and Shift+Tab still leave the widget.
"""

from __future__ import annotations

from collections.abc import Sequence

import anywidget
import ipywidgets as w
import traitlets

_ESM = """
const CONTROLS = 'select, input, textarea, button, [role="slider"], [role="tab"], .lm-TabBar-tab';

function labelControls(root) {
  // Lumino looks for the attribute from the focused element up, but matches a shortcut's
  // selector (e.g. ".jp-Notebook.jp-mod-commandMode :focus") on the focused element first: so
  // the attribute goes on every control, not only on the view's box.
  for (const control of root.querySelectorAll(CONTROLS)) {
    if (!control.hasAttribute('data-lm-suppress-shortcuts')) {
      control.setAttribute('data-lm-suppress-shortcuts', 'true');
    }
  }
  for (const slider of root.querySelectorAll('.widget-slider, .widget-hslider, .widget-vslider')) {
    const label = slider.querySelector('.widget-label');
    const name = label ? label.textContent.trim() : '';
    for (const handle of slider.querySelectorAll('[role="slider"]')) {
      if (name && handle.getAttribute('aria-label') !== name) handle.setAttribute('aria-label', name);
    }
  }
}

export default {
  render({ el }) {
    el.style.display = 'none';
    let root = null;
    let observer = null;
    const attach = () => {
      root = el.closest('.course-widget');
      if (!root) return false;
      // JupyterLab's command-mode shortcuts must not eat the keys a control needs: without this,
      // ArrowDown on a drop-down selects the next cell, and typing "a" to pick an option inserts
      // a cell (Lumino skips its shortcuts inside an element with this attribute).
      root.setAttribute('data-lm-suppress-shortcuts', 'true');
      labelControls(root);
      observer = new MutationObserver(() => labelControls(root));
      observer.observe(root, { childList: true, subtree: true });
      return true;
    };
    // the helper is drawn inside the view's box, which may be attached to the page a moment later
    if (!attach()) {
      let tries = 0;
      const timer = setInterval(() => { if (attach() || ++tries > 100) clearInterval(timer); }, 100);
    }
    return () => { if (observer) observer.disconnect(); };
  },
};
"""


# ipywidgets draws an inactive tab's title in JupyterLab's secondary text colour on a grey tab:
# 4.4:1 in the light theme, under WCAG's 4.5:1. The primary text colour is used inside course views.
_CSS = """
.course-widget .widget-tab > .lm-TabBar .lm-TabBar-tab,
.course-widget .widget-tab > .p-TabBar .p-TabBar-tab {
  color: var(--jp-ui-font-color1, #212121);
}
"""


class ControlNames(anywidget.AnyWidget):
    """Invisible: names the slider handles of the course widget it sits in, keeps JupyterLab's
    shortcuts off its controls, and gives inactive tab titles readable contrast (see the module
    doc)."""

    _esm = _ESM
    _css = _CSS
    role = traitlets.Unicode("control-names").tag(sync=True)


def view_box(name: str, children: Sequence[w.Widget]) -> w.VBox:
    """The outer box of the view ``name``: classes ``course-widget`` and ``course-widget-<name>``,
    its ``children`` in order, and the accessibility helper last."""
    box = w.VBox([*children, ControlNames()])
    return box.add_class("course-widget").add_class(f"course-widget-{name}")
