"""Lesson 03's overload simulator: messages a day, how many are relevant, a cap per ad ->
attention, recall and trust, as the models fitted to the exposure panel say.

Guess first: the learner sets where they think recall peaks, then reveals the curves. The models
are fitted once, when the view is built (:func:`widgets.models.noise.fit_overload`); moving a
control only evaluates them.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w
import numpy as np
import pandas as pd

from ..data import load
from ..figures.noise import X_MAX, fill_overload, overload_figure, panel_trust_drop
from ..models.noise import (
    CAP_LEVELS,
    RELEVANCE_WINDOW,
    OverloadModel,
    Simulation,
    binned_panel,
    fit_overload,
    recall_peak,
    response_curves,
    simulate,
)
from .base import view_box
from .figure import FigureView

__all__ = ["overload_simulator"]

#: The cap slider's top: the model pools CAP_LEVELS or more showings, so a higher cap changes nothing.
CAP_MAX = CAP_LEVELS
#: How close to its top recall must be to count as "at the top" (the summary gives that range).
NEAR_TOP = 0.95


def _pct(x: float) -> str:
    return f"{x:.0f}%"


def describe(model: OverloadModel, sim: Simulation, curves: pd.DataFrame, binned: pd.DataFrame,
             guess: float, revealed: bool) -> str:
    """The simulator's summary for the current settings (HTML), every number computed."""
    if sim.cap >= CAP_MAX:
        limit = f"no cap the model can tell apart ({CAP_MAX} or more showings count alike)"
    else:
        limit = f"no ad shown more than {sim.cap} time{'s' if sim.cap != 1 else ''} a day"
    setting = f"{sim.messages:,.0f} messages a day, {sim.relevance:.0%} of them relevant, {limit}"
    parts = [f"<b>Your guess:</b> recall peaks at {guess:,.0f} messages a day."]
    if sim.shown:
        parts.append(
            f"<b>At {html.escape(setting)}</b>, a person notices about {sim.noticed:,.0f} of them "
            f"({_pct(sim.attention_pct)}), recalls about {sim.recall:.1f} ads the next day and "
            f"rates their trust in the ads {sim.trust:.1f} out of 10.")
    else:
        parts.append(f"<b>At {html.escape(setting)}</b>, nothing is shown.")
    peak, best = recall_peak(curves)
    if not revealed:
        parts.append("Move the guess slider to where you think recall is highest, then press "
                     "<b>Reveal</b>.")
    elif math.isfinite(peak):
        at_guess = float(curves["recall"].iloc[(curves.index.to_series() - guess).abs().argmin()]) \
            if guess > 0 else 0.0
        share = at_guess / best if best > 0 else math.nan
        lo, hi = model.messages_range
        inside = curves.loc[(curves.index >= lo) & (curves.index <= hi), "trust"].dropna()
        steps = np.diff(inside.to_numpy())
        if peak > hi:
            parts.append(f"<b>Within the panel's range (up to {hi:,} messages a day) recall keeps "
                         "rising</b>: the formula's peak lies beyond the data, where it cannot be "
                         "checked.")
        else:
            near = curves.index[(curves["recall"] >= NEAR_TOP * best).to_numpy()]
            parts.append(f"<b>With these settings recall peaks at about {peak:,.0f} messages a day "
                         f"({best:.1f} ads recalled).</b> Your guess of {guess:,.0f} gives "
                         f"{at_guess:.1f}, {share:.0%} of the peak. Recall stays within "
                         f"{1 - NEAR_TOP:.0%} of its top from {near.min():,.0f} to "
                         f"{near.max():,.0f} messages a day.")
        if len(steps) and (steps <= 0).all():
            trend = f"does not peak: it falls {inside.iloc[0] - inside.iloc[-1]:.1f} points"
        elif len(steps) and (steps >= 0).all():
            trend = f"does not peak: it rises {inside.iloc[-1] - inside.iloc[0]:.1f} points"
        else:
            trend = f"is highest at about {float(inside.idxmax()):,.0f} messages a day"
        parts.append(f"Trust {trend} between {lo} and {hi:,} messages a day.")
        if len(binned):
            parts.append(f"The dots are the panel's {int(binned['days'].sum()):,} days with "
                         f"relevance within {RELEVANCE_WINDOW:.1f} of your setting (no cap); the "
                         "lines are the fitted models with your relevance and cap.")
        else:
            parts.append(f"The panel has no day with relevance within {RELEVANCE_WINDOW:.1f} of "
                         f"{sim.relevance:.2f}: the lines here are the fitted formulas alone, with "
                         "no data to check them against.")
        parts.append(f"<i>The panel is synthetic ({model.people:,} invented people): its shapes "
                     "were set by the course's data generator, so this shows what the panel was "
                     "built to do, not how real people respond.</i>")
    notes = "".join(f"<br>\u26a0 {html.escape(n)}" for n in sim.notes)
    return " ".join(parts) + notes


def overload_simulator(panel: pd.DataFrame | None = None) -> w.Box:
    """Sliders for your guess, messages a day, the relevant share and a cap per ad; a Reveal
    button; three panels (attention, recall, trust) and a summary, from models fitted once."""
    panel = load("exposure") if panel is None else panel
    model = fit_overload(panel)
    dots: dict[float, pd.DataFrame] = {}
    curve_cache: dict[tuple[float, int], pd.DataFrame] = {}

    by_relevance = panel.sort_values("relevance", kind="stable")  # once: a window is a slice
    relevances = by_relevance["relevance"].to_numpy(dtype=float)
    no_dots = binned_panel(panel).iloc[:0]

    def binned(relevance: float) -> pd.DataFrame:
        key = round(relevance, 2)
        if key not in dots:  # the panel's own averages, once per relevance setting
            lo = int(np.searchsorted(relevances, key - RELEVANCE_WINDOW - 1e-9, side="left"))
            hi = int(np.searchsorted(relevances, key + RELEVANCE_WINDOW + 1e-9, side="right"))
            dots[key] = binned_panel(by_relevance.iloc[lo:hi], key) if hi > lo else no_dots
        return dots[key]

    def curves(relevance: float, cap: int) -> pd.DataFrame:
        key = (round(relevance, 2), cap)
        if key not in curve_cache:
            curve_cache[key] = response_curves(model, relevance, cap)
        return curve_cache[key]

    style = {"description_width": "170px"}
    wide = w.Layout(width="460px")
    guess = w.IntSlider(value=600, min=0, max=X_MAX, step=10, continuous_update=False,
                        description="Your guess (messages)", style=style, layout=wide)
    reveal = w.ToggleButton(value=False, description="Reveal the curves", icon="eye",
                            tooltip="Show the panel's days and the fitted curves",
                            layout=w.Layout(width="190px"))
    messages = w.IntSlider(value=360, min=0, max=X_MAX, step=10, continuous_update=False,
                           description="Messages a day", style=style, layout=wide)
    relevance = w.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05, continuous_update=False,
                              readout_format=".2f", description="Relevant share (0-1)",
                              style=style, layout=wide)
    cap = w.IntSlider(value=CAP_MAX, min=0, max=CAP_MAX, step=1, continuous_update=False,
                      description="Cap per ad (a day)", style=style, layout=wide)

    for value in np.arange(relevance.min, relevance.max + relevance.step / 2, relevance.step):
        binned(float(value))  # every setting's dots up front: a slider move never bins the panel

    def state() -> tuple[Simulation, pd.DataFrame, pd.DataFrame]:
        sim = simulate(model, messages.value, relevance.value, cap.value)
        return sim, curves(relevance.value, cap.value), binned(relevance.value)

    figure = FigureView(overload_figure(model))
    sent: dict[object, str] = {}  # what each trace holds, so an update assigns only changes
    summary = w.HTML().add_class("course-widget-summary")

    def update(_change: object = None) -> None:
        sim, cur, dot = state()
        peak = recall_peak(cur)[0]
        if peak > model.messages_range[1]:  # a peak beyond the data is not shown as one
            peak = math.nan
        with figure.batch_update():
            fill_overload(figure.figure, cur, dot, sim, float(guess.value), reveal.value, peak,
                          panel_trust_drop(model, cur), sent)
        reveal.description = "Hide the curves" if reveal.value else "Reveal the curves"
        summary.value = describe(model, sim, cur, dot, float(guess.value), reveal.value)

    for control in (guess, reveal, messages, relevance, cap):
        control.observe(update, names="value")
    update()
    step1 = w.HTML("<b>1. Guess first.</b> At how many ad messages a day do people remember the "
                   "most ads the next day? Set your guess, then reveal.")
    step2 = w.HTML("<b>2. Play.</b> Change a person's day: how many messages, how many are "
                   "relevant to them, and how often any one ad may be shown to them (a frequency "
                   "cap).")
    return view_box("overload", [step1, w.HBox([guess, reveal]), step2, messages, relevance, cap, figure,
                                 summary])
