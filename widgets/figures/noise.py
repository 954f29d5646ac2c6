"""Figures for lesson 03: attention that saturates, recall that rises and falls, the overload
simulator's three panels, and the real trust figures.

Each function returns a plotly figure and never shows it; titles are computed from the data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..models.noise import (
    SATURATION_SHARE,
    HyperbolaFit,
    LineFit,
    OverloadModel,
    QuadraticFit,
    RiseFallFit,
    SaturationFit,
    Simulation,
    trust_table,
)
from ..style import COLOURS, PALETTE, register_template

__all__ = ["attention_figure", "attention_title", "fill_overload", "overload_figure",
           "overload_title", "panel_trust_drop", "recall_figure", "recall_title",
           "trust_sources_figure", "trust_sources_title"]

X_TITLE = "ad messages seen in a day"
DOTS = "panel days (mean per 50-message band, 95% interval)"
BEYOND = "#BBBBBB"


def _r2(value: float) -> str:
    """An R² for a legend: two decimals, never "-0.00"."""
    return f"{value + 0.0:.2f}" if round(value, 2) != 0 else "0.00"


def _dots(binned: pd.DataFrame, column: str, name: str = DOTS, showlegend: bool = True) -> go.Scatter:
    return go.Scatter(
        x=binned["messages"], y=binned[column], mode="markers", name=name,
        marker={"color": COLOURS["neutral"], "size": 8},
        error_y={"type": "data", "array": binned[f"{column}_ci"], "color": COLOURS["neutral"],
                 "thickness": 1.2, "width": 3},
        customdata=binned["days"], showlegend=showlegend,
        hovertemplate="%{x:.0f} messages: %{y:.2f} (%{customdata} days)<extra></extra>")


def _beyond(fig: go.Figure, lo: float, hi: float, x_max: float, rows_cols: list[tuple[int, int]]) -> None:
    """Grey bands where the panel has no day: below its fewest and above its most messages."""
    for row, col in rows_cols:
        for x0, x1 in ((0, lo), (hi, x_max)):
            if x1 > x0:
                fig.add_vrect(x0=x0, x1=x1, fillcolor=BEYOND, opacity=0.25, line_width=0,
                              layer="below", row=row, col=col)


# ----------------------------------------------------------------------------- attention


def attention_title(fit: SaturationFit, rival: HyperbolaFit | None = None) -> str:
    if rival is None:
        return (f"Attention saturates: people notice at most about {fit.ceiling:.0f} messages a day,"
                f"<br>and the curve reaches {SATURATION_SHARE:.0%} of that at "
                f"{fit.saturation_point:.0f} messages seen")
    return (f"Attention flattens, but where it is {SATURATION_SHARE:.0%} saturated depends on the "
            f"curve:<br>{fit.saturation_point:,.0f} messages seen with the exponential curve, "
            f"{rival.saturation_point:,.0f} with the hyperbolic one")


def attention_figure(binned: pd.DataFrame, fit: SaturationFit, line: LineFit,
                     r2: dict[str, float] | None = None,
                     rival: HyperbolaFit | None = None) -> go.Figure:
    """Messages noticed against messages seen: the panel's band means, the fitted saturation
    curve, the straight-line baseline, and the saturation point. ``r2`` (optional) adds each
    curve's held-out R² to its legend entry (keys ``"saturating curve"``, ``"straight line"``,
    ``"hyperbolic curve"``). ``rival`` (optional) adds a hyperbolic curve and its own 90% point;
    the chart then runs past the panel's data (shaded) so the two curves can be seen to part."""
    r2 = r2 or {}
    last = float(binned["messages"].max()) + 25 if len(binned) else 800.0  # the last band's edge
    x_max = max(900.0, last + 75)
    if rival is not None and math.isfinite(rival.saturation_point):
        x_max = max(x_max, min(1.08 * rival.saturation_point, 3000.0))
    x = np.linspace(0, x_max, 241)

    def label(name: str) -> str:
        return f"{name} (held-out R² {_r2(r2[name])})" if name in r2 else name

    point = fit.saturation_point
    traces = [
        _dots(binned, "messages_noticed"),
        go.Scatter(x=x, y=fit.predict(x), mode="lines", name=label("saturating curve"),
                   line={"color": PALETTE[0], "width": 3},
                   hovertemplate="%{x:.0f} seen: %{y:.0f} noticed<extra></extra>"),
        go.Scatter(x=x, y=line.predict(x), mode="lines", name=label("straight line"),
                   line={"color": PALETTE[1], "width": 2, "dash": "dash"},
                   hovertemplate="%{x:.0f} seen: %{y:.0f} noticed<extra></extra>"),
    ]
    if rival is not None:
        traces.append(go.Scatter(x=x, y=rival.predict(x), mode="lines",
                                 name=label("hyperbolic curve"),
                                 line={"color": PALETTE[2], "width": 3, "dash": "dot"},
                                 hovertemplate="%{x:.0f} seen: %{y:.0f} noticed<extra></extra>"))
    fig = go.Figure(traces)
    fig.add_hline(y=fit.ceiling, line={"color": PALETTE[0], "dash": "dot", "width": 1},
                  annotation_text=f"ceiling {fit.ceiling:.0f}", annotation_position="top left")
    fig.add_vline(x=point, line={"color": PALETTE[0], "dash": "dot", "width": 2},
                  annotation_text=f"90% point {point:.0f}", annotation_position="bottom right")
    if rival is not None:
        fig.add_vrect(x0=last, x1=x_max, fillcolor=BEYOND, opacity=0.25, line_width=0,
                      layer="below", annotation_text="no panel data",
                      annotation_position="top left")
        if math.isfinite(rival.saturation_point) and rival.saturation_point <= x_max:
            fig.add_vline(x=rival.saturation_point,
                          line={"color": PALETTE[2], "dash": "dot", "width": 2},
                          annotation_text=f"hyperbola's 90% point {rival.saturation_point:,.0f}",
                          annotation_position="bottom left")
    fig.update_layout(template=register_template(), title=attention_title(fit, rival), height=440,
                      margin={"t": 95}, xaxis={"title": f"{X_TITLE} (count)", "range": [0, x_max]},
                      yaxis={"title": "messages noticed in the day (count)", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.22})
    return fig


# ----------------------------------------------------------------------------- recall


def recall_title(fit: RiseFallFit, r2: dict[str, float], rival: QuadraticFit | None = None) -> str:
    rise, line = r2.get("rise and fall", math.nan), r2.get("straight line", math.nan)
    other = (f" (a quadratic: {rival.peak:.0f})"
             if rival is not None and math.isfinite(rival.peak) else "")
    lead = (f"Recall rises, peaks near {fit.peak:.0f} messages a day{other}, then falls"
            if math.isfinite(fit.peak) and fit.peak < 1200 else "Recall never turns down here")
    return (f"{lead};<br>held out, the rise-and-fall curve explains {rise:.0%} of day-to-day "
            f"recall, a straight line {line:.0%}")


def recall_figure(binned: pd.DataFrame, fits: dict[str, object], r2: dict[str, float]) -> go.Figure:
    """Ads recalled next day against messages seen: the panel's band means and each candidate
    curve (``fits``: name -> a fit with ``predict``), labelled with its held-out R²; the
    rise-and-fall curve's peak is marked."""
    x = np.linspace(10, max(900.0, float(binned["messages"].max()) + 100), 180)
    styles = {"rise and fall": (PALETTE[0], "solid", 3), "saturating curve": (PALETTE[2], "dot", 2),
              "quadratic": (PALETTE[3], "dashdot", 2), "straight line": (PALETTE[1], "dash", 2)}
    traces = [_dots(binned, "recall")]
    for name, fitted in fits.items():
        colour, dash, width = styles.get(name, (PALETTE[3], "solid", 2))
        label = f"{name} (held-out R² {_r2(r2[name])})" if name in r2 else name
        traces.append(go.Scatter(x=x, y=fitted.predict(x), mode="lines", name=label,  # type: ignore[attr-defined]
                                 line={"color": colour, "dash": dash, "width": width},
                                 hovertemplate="%{x:.0f} seen: %{y:.2f} recalled<extra></extra>"))
    fig = go.Figure(traces)
    rise = fits.get("rise and fall")
    if isinstance(rise, RiseFallFit) and math.isfinite(rise.peak):
        if math.isfinite(rise.peak_low):
            fig.add_vrect(x0=rise.peak_low, x1=rise.peak_high, fillcolor=COLOURS["highlight"],
                          opacity=0.15, line_width=0, layer="below")
        fig.add_vline(x=rise.peak, line={"color": COLOURS["highlight"], "dash": "dot", "width": 2},
                      annotation_text=f"peak {rise.peak:.0f}", annotation_position="top right")
        quadratic = fits.get("quadratic")
        title = recall_title(rise, r2, quadratic if isinstance(quadratic, QuadraticFit) else None)
    else:
        title = "Ads recalled next day against messages seen"
    fig.update_layout(template=register_template(), title=title, height=440, margin={"t": 95},
                      xaxis={"title": f"{X_TITLE} (count)"},
                      yaxis={"title": "ads recalled the next day (count)", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.22})
    return fig


# ----------------------------------------------------------------------------- the simulator

PANELS = ("attention_pct", "recall", "trust")
PANEL_TITLES = ("Attention: share noticed", "Recall: ads remembered next day", "Trust in ads")
Y_TITLES = ("messages noticed (% of those seen)", "ads recalled next day (count)",
            "trust in the ads seen (0-10)")
#: The fitted curve's colour in each panel (orange is kept for the learner's guess).
CURVE_COLOURS = (PALETTE[0], PALETTE[3], PALETTE[2])
#: Traces per panel, in this order.
TRACES = ("dots", "curve", "setting", "guess", "peak")
X_MAX = 1200


def _vline(x: float, top: float) -> tuple[list[float | None], list[float | None]]:
    if x is None or not math.isfinite(x):
        return [], []
    return [x, x], [0.0, top]


def overload_title(sim: Simulation, peak: float, guess: float, revealed: bool,
                   trust_drop: float) -> str:
    """The simulator's finding for the current settings, in one or two lines."""
    if not sim.shown:
        return "Nothing is shown: there is nothing to notice, recall or trust"
    now = (f"At {sim.messages:,.0f} messages a day: {sim.attention_pct:.0f}% noticed, "
           f"{sim.recall:.1f} ads recalled, trust {sim.trust:.1f}/10")
    if not revealed:
        return f"{now}<br>Guess where recall peaks, then reveal the curves"
    if not math.isfinite(peak):
        return now
    fall = (f"trust falls {trust_drop:.1f} points across the panel's range" if trust_drop > 0
            else f"trust rises {-trust_drop:.1f} points across the panel's range")
    return (f"Recall peaks at about {peak:,.0f} messages a day (your guess: {guess:,.0f});<br>"
            f"{fall}. {now}")


def overload_figure(model: OverloadModel) -> go.Figure:
    """The simulator's empty frame: three panels against messages a day, five traces each
    (panel dots, fitted curve, your setting, your guess, the recall peak; see TRACES), grey
    bands where the panel has no data. :func:`fill_overload` puts the settings in."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=PANEL_TITLES, horizontal_spacing=0.08)
    for j in range(3):
        col = j + 1
        first = j == 0
        fig.add_trace(go.Scatter(mode="markers", name=DOTS, legendgroup="dots", showlegend=first,
                                 marker={"color": COLOURS["neutral"], "size": 7},
                                 error_y={"type": "data", "color": COLOURS["neutral"],
                                          "thickness": 1, "width": 2},
                                 hovertemplate="%{x:.0f} messages: %{y:.2f} (%{customdata} days)"
                                 "<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(mode="lines", name="fitted model, your settings",
                                 legendgroup="curve", showlegend=first,
                                 line={"color": CURVE_COLOURS[j], "width": 3},
                                 hovertemplate="%{x:.0f} messages: %{y:.2f}<extra></extra>"),
                      row=1, col=col)
        fig.add_trace(go.Scatter(mode="markers", name="your setting", legendgroup="setting",
                                 showlegend=first,
                                 marker={"color": "#000000", "size": 13, "symbol": "diamond"},
                                 hovertemplate="your setting: %{y:.2f}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(mode="lines", name="your guess", legendgroup="guess",
                                 showlegend=first,
                                 line={"color": COLOURS["highlight"], "dash": "dash", "width": 2},
                                 hoverinfo="skip"), row=1, col=col)
        fig.add_trace(go.Scatter(mode="lines", name="recall peak", legendgroup="peak",
                                 showlegend=first,
                                 line={"color": "#000000", "dash": "dot", "width": 2},
                                 hoverinfo="skip"), row=1, col=col)
        fig.update_xaxes(title_text=f"{X_TITLE} (count)", range=[0, X_MAX], row=1, col=col)
        fig.update_yaxes(title_text=Y_TITLES[j], row=1, col=col)
    lo, hi = model.messages_range
    _beyond(fig, lo, hi, X_MAX, [(1, c) for c in (1, 2, 3)])
    for axis in ("", "2", "3"):
        fig.add_annotation(x=(hi + X_MAX) / 2, y=1.0, xref=f"x{axis}", yref=f"y{axis} domain",
                           showarrow=False, text="no panel data",
                           font={"size": 11, "color": "#666666"})
    fig.update_layout(template=register_template(), height=470, margin={"t": 110, "b": 70},
                      legend={"orientation": "h", "y": -0.28})
    return fig


def fill_overload(fig: go.Figure, curves: pd.DataFrame, binned: pd.DataFrame, sim: Simulation,
                  guess: float, revealed: bool, peak: float, trust_drop: float,
                  sent: dict[object, str] | None = None) -> None:
    """Put the current settings into a figure made by :func:`overload_figure` (in place).

    Before the reveal the dots, curves and peak are hidden: only your setting (and your guess)
    show, so the learner commits to a guess first. ``sent`` (optional, kept by the caller between
    calls) remembers what each trace already holds, so only what changed is assigned: plotly
    validates every assignment, and most control changes move one marker, not every curve."""
    sent = {} if sent is None else sent

    def put(key: object, target: object, **props: object) -> None:
        text = repr(props)
        if sent.get(key) != text:
            target.update(props)  # type: ignore[attr-defined]
            sent[key] = text

    x = curves.index.to_numpy(dtype=float).tolist()
    for j, column in enumerate(PANELS):
        dots, curve, setting, guess_line, peak_line = fig.data[5 * j: 5 * j + 5]
        y = curves[column].to_numpy(dtype=float)
        value = {"attention_pct": sim.attention_pct, "recall": sim.recall, "trust": sim.trust}[column]
        heights = [v for v in (*y[np.isfinite(y)], value) if math.isfinite(v)]
        if len(binned):
            heights += list(binned[column] + binned[f"{column}_ci"])
        top = {"attention_pct": 100.0, "trust": 10.0}.get(column, max(heights, default=1.0) * 1.15)
        put((j, "dots"), dots, x=binned["messages"].tolist(), y=binned[column].tolist(),
            error_y={"array": binned[f"{column}_ci"].tolist()},
            customdata=binned["days"].tolist(), visible=revealed)
        put((j, "curve"), curve, x=x, y=[None if not math.isfinite(v) else v for v in y],
            visible=revealed)
        put((j, "setting"), setting, x=[sim.messages] if math.isfinite(value) else [],
            y=[value] if math.isfinite(value) else [])
        gx, gy = _vline(guess, top)
        put((j, "guess"), guess_line, x=gx, y=gy)
        px, py = _vline(peak, top)
        put((j, "peak"), peak_line, x=px, y=py, visible=revealed)
        put((j, "axis"), fig.layout[f"yaxis{'' if j == 0 else j + 1}"], range=[0, top])
    put("title", fig.layout.title, text=overload_title(sim, peak, guess, revealed, trust_drop))


def panel_trust_drop(model: OverloadModel, curves: pd.DataFrame) -> float:
    """How far the trust curve falls between the panel's fewest and most messages (points)."""
    lo, hi = model.messages_range
    inside = curves.loc[(curves.index >= lo) & (curves.index <= hi), "trust"].dropna()
    return float(inside.iloc[0] - inside.iloc[-1]) if len(inside) > 1 else math.nan


# ----------------------------------------------------------------------------- real trust figures


def trust_sources_title(trust_sources: pd.DataFrame) -> str:
    table = trust_table(trust_sources)
    latest = table.columns.max()
    year = table[latest].dropna().sort_values(ascending=False)
    top, low = year.index[0], year.index[-1]
    return (f"{latest}: {year.iloc[0]:.0f}% trust {top},<br>{year.iloc[-1]:.0f}% trust "
            f"{low} (real figures, Nielsen)")


def trust_sources_figure(trust_sources: pd.DataFrame) -> go.Figure:
    """Horizontal bars: % who trust each source, one colour per survey year (real figures).
    Sources a year did not ask about have no bar for that year."""
    table = trust_table(trust_sources)
    fig = go.Figure()
    for i, year in enumerate(sorted(table.columns)):
        values = table[year]
        fig.add_trace(go.Bar(
            y=list(table.index), x=values.tolist(), orientation="h", name=str(year),
            marker_color=[PALETTE[4], PALETTE[0]][i % 2] if len(table.columns) <= 2 else PALETTE[i],
            text=[f"{v:.0f}%" if math.isfinite(v) else "" for v in values],
            textposition="outside",
            hovertemplate=f"{year}: %{{y}}: %{{x:.0f}}%<extra></extra>"))
    fig.add_vline(x=50, line={"color": COLOURS["neutral"], "dash": "dot", "width": 1},
                  annotation_text="half", annotation_position="top")
    fig.update_layout(template=register_template(), title=trust_sources_title(trust_sources),
                      barmode="group", height=430, margin={"t": 95, "l": 250},
                      xaxis={"title": "people who trust the source (% of respondents)",
                             "range": [0, 105], "ticksuffix": "%"},
                      yaxis={"title": "source of advertising or opinion", "autorange": "reversed"},
                      legend={"title": "survey year", "orientation": "h", "y": -0.2})
    return fig
