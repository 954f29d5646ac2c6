"""Lesson 01's brief builder: write a creative brief, see what it buys, where it lands and who
would act."""

from __future__ import annotations

import html
import math

import ipywidgets as w
import pandas as pd

from ..data import AGE_BANDS, CHANNELS, INCOME_BANDS, REGIONS, THEMES, load
from ..figures.campaigns import brief_figure, fill_brief_figure
from ..models.campaigns import ALL_REGIONS, BriefHistory, BriefOutcome, SegmentResponse
from .base import view_box
from .figure import FigureView

__all__ = ["brief_builder"]

BUDGET_MAX = 1_500_000
BUDGET_STEP = 10_000
CHANNEL_NAMES = {"tv": "TV", "radio": "radio", "print": "print", "outdoor": "outdoor",
                 "display": "display (banners)", "search": "search ads"}


def _label(code: str) -> str:
    return code.replace("_", " ")


def _millions(x: float) -> str:
    return f"{x / 1e6:.1f} million" if x >= 1e6 else f"{x:,.0f}"


def _target_words(age: str, income: str, region: str) -> str:
    where = "all regions" if region == ALL_REGIONS else f"the {region} region"
    return f"aged {age}, {_label(income)} income, {where}"


def _compare(response: SegmentResponse) -> str:
    """How the target's rate compares with everyone else's, within the noise of the counts."""
    ratio = response.ratio
    if math.isnan(ratio):
        return "cannot be compared with"
    low, high = response.ratio_interval()
    if not math.isnan(low) and low <= 1 <= high:
        return (f"acted {ratio:.2f} times as often as everyone else (95% interval {low:.2f}-"
                f"{high:.2f}: no clear difference)")
    word = "more" if ratio > 1 else "less"
    return (f"acted {word} often than everyone else ({ratio:.2f} times; 95% interval "
            f"{low:.2f}-{high:.2f})")


def _theme_sentence(outcome: BriefOutcome) -> str:
    t = outcome.theme
    name = html.escape(_label(t.theme)).capitalize()
    if not t.known:
        return f"{name}: no past campaign used this theme, so the prediction leaves it out."
    plural = "s" if t.campaigns != 1 else ""
    text = (f"{name} campaigns made {t.ratio:.2f} times the conversions their channels' averages "
            f"predict ({t.campaigns} campaign{plural}; 95% interval {t.low:.2f}-{t.high:.2f})")
    if t.low <= 1 <= t.high:
        return text + ": the history cannot tell it from the channels' average campaign."
    return text + "."


def describe(outcome: BriefOutcome, channel: str, target: str) -> str:
    """The current finding, in words (HTML), every number computed from ``outcome``."""
    est, r = outcome.reach, outcome.response
    name = CHANNEL_NAMES.get(channel, channel)
    if est.impressions == 0:
        return (f"<b>A budget of $0 buys nothing</b> on {name}: no impressions, no reach, no "
                "conversions. Move the budget slider to buy some.")
    bought = (f"<b>${est.budget_usd:,.0f} on {name}</b> buys about {_millions(est.impressions)} "
              f"impressions (at ${est.cpm_usd:,.2f} CPM): about {_millions(est.reach)} people, "
              f"each reached {est.frequency:.1f} times.")
    tgt = outcome.targeting
    audience = ("" if math.isnan(outcome.audience_share) else
                f" Untargeted, {outcome.audience_share:.1%} of the {name} audience is of its age and "
                "income.")
    tilt = (f"The {tgt.campaigns} past {name} campaigns raised the odds of an impression landing "
            f"on their targets {tgt.odds:.2f} times (median; range {tgt.low:.2f}-{tgt.high:.2f}), so "
            if tgt is not None else "With no history of targeting on this channel, ")
    delivery = (f"Your target (people {html.escape(target)}) is {outcome.population_share:.1%} of "
                f"adults.{audience} {tilt}about <b>{outcome.on_target_share:.1%} of the "
                f"impressions</b> would land on it: {outcome.delivery_index:.1f} times what chance "
                "gives (its share of adults).")
    if r.empty:
        return (f"{bought}<br>{delivery}<br><b>The history has no impressions for these people"
                f"</b> ({outcome.history_note}): it cannot say what they do. Choose another target.")
    response = (f"In the history ({outcome.history_note}), people like your target "
                f"{_compare(r)}: {r.cell_per_1000:.3f} against {r.other_per_1000:.3f} conversions "
                f"per 1,000 impressions ({r.cell_conversions:,} conversions in "
                f"{_millions(r.cell_impressions)} impressions, against {r.other_conversions:,} in "
                f"{_millions(r.other_impressions)}).")
    low, high = outcome.conversions_range
    spread = f" ({low:,.0f}-{high:,.0f} across the theme's interval)" if high > low else ""
    result = (f"<b>So about {outcome.conversions:,.0f} conversions{spread}; "
              f"{outcome.outside_share:.0%} of them from people outside the target.</b>")
    return f"{bought}<br>{delivery}<br>{response}<br>{_theme_sentence(outcome)}<br>{result}"


def brief_builder(campaigns: pd.DataFrame | None = None,
                  results: pd.DataFrame | None = None) -> w.Box:
    """Drop-downs for the target, theme and channel, a budget slider, a live chart and a summary.

    ``campaigns`` and ``results`` default to the course's ``campaigns`` and ``campaign_results``;
    pass another history with the same columns to reuse the view.
    """
    campaigns = load("campaigns") if campaigns is None else campaigns
    results = load("campaign_results") if results is None else results
    if campaigns.empty or results.empty or not (campaigns["impressions"] > 0).any():
        empty = w.HTML("<b>The campaign history is empty</b>: the brief builder predicts from past "
                       "campaigns, so it needs at least one campaign with impressions and its "
                       "audience cells.").add_class("course-widget-summary")
        return view_box("brief-builder", [empty])
    history = BriefHistory(campaigns, results)  # delivery, themes, population: computed once
    style = {"description_width": "120px"}
    wide = w.Layout(width="330px")
    age = w.Dropdown(options=list(AGE_BANDS), value="25-34", description="Age band",
                     style=style, layout=wide)
    income = w.Dropdown(options=[(_label(x), x) for x in INCOME_BANDS], value="high",
                        description="Income band", style=style, layout=wide)
    region = w.Dropdown(options=[("all regions", ALL_REGIONS)] + [(x, x) for x in REGIONS],
                        value=ALL_REGIONS, description="Region", style=style, layout=wide)
    theme = w.Dropdown(options=[(_label(x), x) for x in THEMES], value="price_promo",
                       description="Message theme", style=style, layout=wide)
    available = [c for c in CHANNELS if c in set(campaigns["channel"].astype(str))]
    for name in available:  # each channel's history summed per audience cell, once
        history.channel_history(name)
    channel = w.Dropdown(options=[(CHANNEL_NAMES.get(c, c), c) for c in available],
                         value="tv" if "tv" in available else available[0],
                         description="Channel", style=style, layout=wide)
    budget = w.IntSlider(value=500_000, min=0, max=BUDGET_MAX, step=BUDGET_STEP,
                         description="Budget (USD)", continuous_update=False,
                         readout_format=",d", style=style, layout=w.Layout(width="520px"))
    controls = (age, income, region, theme, channel, budget)

    def outcome() -> BriefOutcome:
        return history.outcome(age=age.value, income=income.value, region=region.value,
                               channel=channel.value, theme=theme.value, budget=float(budget.value))

    def target() -> str:
        return _target_words(age.value, income.value, region.value)

    def card() -> str:
        return (
            "<div style='border:1px solid #999;padding:6px 10px;max-width:520px'>"
            "<b>Creative brief: Copperpot Coffee</b><br>"
            f"<b>Target:</b> people {html.escape(target())}<br>"
            f"<b>Message:</b> {html.escape(_label(theme.value))}<br>"
            f"<b>Channel:</b> {html.escape(CHANNEL_NAMES.get(channel.value, channel.value))}"
            f" &nbsp; <b>Budget:</b> ${budget.value:,.0f}</div>"
        )

    first = outcome()
    figure = FigureView(brief_figure(first))
    brief = w.HTML(card())
    summary = w.HTML(describe(first, channel.value, target())).add_class("course-widget-summary")

    def update(_change: object = None) -> None:
        current = outcome()
        with figure.batch_update():
            fill_brief_figure(figure, current)
        brief.value = card()
        summary.value = describe(current, channel.value, target())

    for control in controls:
        control.observe(update, names="value")
    form = w.VBox([w.HTML("<b>Write the brief</b>"), *controls])
    return view_box("brief-builder", [w.HBox([form, brief]), figure, summary])
