"""One look for every figure: a colour-blind-safe palette and a plotly template.

The palette is Okabe & Ito's (2008), safe for the common colour-vision deficiencies. Figures
take colours from here by meaning (``COLOURS["conversation"]``) or in order (``PALETTE``), and
use the template ``"course"`` so fonts, margins and the background are the same everywhere.
"""

from __future__ import annotations

PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (use on dark marks only)
    "#000000",  # black
]

#: Colours that carry a meaning across the whole course.
COLOURS: dict[str, str] = {
    "message": "#D55E00",  # one-way broadcast
    "conversation": "#0072B2",  # two-way dialogue
    "neutral": "#999999",
    "highlight": "#E69F00",
    "good": "#009E73",
    "bad": "#D55E00",
}

#: Darker shades of the palette for TEXT on a white or light grey background: each has a contrast
#: of at least 4.5:1 on #F5F5F5 (WCAG 2.1 AA, 1.4.3), where the palette's own colours are 2-3.5:1.
#: Use the palette for marks and borders, these for words.
TEXT_COLOURS: dict[str, str] = {
    "#0072B2": "#0072B2",  # blue: 4.8:1 already
    "#E69F00": "#7A5200",  # orange
    "#009E73": "#00785A",  # bluish green
    "#CC79A7": "#9E4C7B",  # reddish purple
    "#56B4E9": "#005C8F",  # sky blue
    "#D55E00": "#A64800",  # vermillion
    "#F0E442": "#6B6400",  # yellow
    "#000000": "#000000",
}

TEMPLATE_NAME = "course"


def register_template() -> str:
    """Register the course's plotly template (idempotent) and return its name."""
    import plotly.graph_objects as go
    import plotly.io as pio

    if TEMPLATE_NAME not in pio.templates:
        template = go.layout.Template(pio.templates["plotly_white"])
        template.layout.colorway = PALETTE
        template.layout.font = {"family": "Arial, Helvetica, sans-serif", "size": 14}
        template.layout.title = {"font": {"size": 17}, "x": 0.0, "xanchor": "left"}
        template.layout.margin = {"l": 70, "r": 30, "t": 70, "b": 60}
        template.layout.hoverlabel = {"font_size": 13}
        pio.templates[TEMPLATE_NAME] = template
    return TEMPLATE_NAME
