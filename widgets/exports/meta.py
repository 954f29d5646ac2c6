"""Meta: Business Suite content exports for Facebook and Instagram (2023-), and the older
Facebook Insights post export (2012-2021)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from widgets.exports._base import (
    FORMAT_WORDS,
    Context,
    Field,
    Reader,
    format_from_type,
    norm,
    parse_dates,
)

#: A few localised Business Suite headers (Spanish, French, German). They were written from
#: Meta's interface wording, not checked against a real localised export; a header in another
#: language gives a clear error, and the remedy is to switch the interface to English first.
LOCAL: dict[str, tuple[str, ...]] = {
    "Post ID": ("Identificador de la publicación", "Identifiant de la publication", "Beitrags-ID"),
    "Page ID": ("Identificador de la página", "Identifiant de la Page", "Seiten-ID"),
    "Page name": ("Nombre de la página", "Nom de la Page", "Seitenname"),
    "Account ID": ("Identificador de la cuenta", "Identifiant du compte", "Konto-ID"),
    "Account username": ("Nombre de usuario de la cuenta", "Nom d'utilisateur du compte",
                         "Konto-Benutzername"),
    "Publish time": ("Hora de publicación", "Heure de publication", "Veröffentlichungszeitpunkt"),
    "Description": ("Descripción", "Beschreibung"),
    "Permalink": ("Enlace permanente", "Lien permanent"),
    "Post type": ("Tipo de publicación", "Type de publication", "Beitragstyp"),
    "Views": ("Visualizaciones", "Vues", "Aufrufe"),
    "Impressions": ("Impresiones", "Impressionen"),
    "Reach": ("Alcance", "Couverture", "Reichweite"),
    "Reactions": ("Reacciones", "Réactions", "Reaktionen"),
    "Comments": ("Comentarios", "Commentaires", "Kommentare"),
    "Shares": ("Veces que se compartió", "Partages", "Geteilte Inhalte"),
    "Likes": ("Me gusta", "J'aime", "Gefällt mir"),
    "Link clicks": ("Clics en el enlace", "Clics sur un lien", "Link-Klicks"),
    "Saves": ("Guardados", "Enregistrements", "Gespeichert"),
}


def _g(*names: str) -> tuple[str, ...]:
    """A signature group: English names and their localised variants."""
    return tuple(n for name in names for n in (name,) + LOCAL.get(name, ()))


def _f(target: str, *names: str, kind: str, required: bool = False,
       notes: tuple[tuple[str, str], ...] = ()) -> Field:
    return Field(target, names, kind, required=required,
                 localised=tuple(x for n in names for x in LOCAL.get(n, ())), notes=notes)


_VIEWS_NOTE = (("Views", "impressions: read from Meta's 'Views' (the times the post was shown "
                         "or played), which replaced 'Impressions' in 2024-25."),)
_DATES = ["%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y"]
_ZONE = ("The file does not say which time zone '{header}' is in: compare times of day with "
         "care.")


class _BusinessSuite(Reader):
    """What the Facebook and Instagram content exports share (UTF-8 with BOM, MM/DD/YYYY HH:MM)."""

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        ctx.notes.append(_ZONE.format(header=header))
        return parse_dates(ctx, header, s, rows, _DATES, "12/05/2024 14:30", us_slashes=True)

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        if "post_type" in frame:
            frame["format"] = format_from_type(ctx, ctx.found["post_type"], frame["post_type"],
                                               FORMAT_WORDS)
            ctx.derived["format"] = f"from '{ctx.found['post_type']}'"
        period = [c for c in raw.columns if norm(c) == "date"]
        if period:
            values = sorted(set(raw[period[0]].str.strip()) - {""})
            if values == ["Lifetime"]:
                ctx.notes.append("Figures are lifetime totals up to the day of the export (the "
                                 "'Date' column reads 'Lifetime'): older posts had longer to "
                                 "collect them.")
            elif values:
                ctx.notes.append(f"The 'Date' column reads {', '.join(values[:3])}: the period "
                                 "the figures cover.")


class FacebookContent(_BusinessSuite):
    """Meta Business Suite > Insights > Content > Export, for a Facebook Page.

    32-34 columns that vary by month and in case; "Views" replaced "Impressions" in 2024-25;
    ids have 15-17 digits; the header may be localised; "Date" reads "Lifetime".
    """

    key = "meta_facebook"
    platform = "facebook"
    title = "Meta Business Suite content export (Facebook)"
    short = "Meta Business Suite content export"
    where = ("Meta Business Suite, Insights, Content, Export data (CSV), for the Facebook Page")
    signature = (_g("Post ID"), _g("Page ID"), _g("Page name"), _g("Publish time"),
                 _g("Permalink"), _g("Post type"), ("Data comment",), ("Is crosspost",),
                 ("Caption type",), _g("Views", "Impressions"), _g("Reach"),
                 ("Reactions, Comments and Shares",), _g("Reactions"))
    fields = (
        _f("post_id", "Post ID", kind="id", required=True),
        _f("posted_at", "Publish time", kind="date", required=True),
        _f("text", "Description", kind="text"),
        _f("title", "Title", kind="text"),
        _f("impressions", "Views", "Impressions", kind="count", notes=_VIEWS_NOTE),
        _f("reach", "Reach", kind="count", required=True),
        _f("likes", "Reactions", kind="count"),
        _f("comments", "Comments", kind="count"),
        _f("shares", "Shares", kind="count"),
        _f("clicks", "Link clicks", kind="count"),
        _f("permalink", "Permalink", kind="url"),
        _f("post_type", "Post type", kind="text"),
        _f("duration_sec", "Duration (sec)", kind="number"),
        _f("interactions", "Reactions, Comments and Shares", kind="count"),
        _f("total_clicks", "Total clicks", kind="count"),
        _f("other_clicks", "Other Clicks", kind="count"),
    )
    why_missing = {"clicks": "the file has no 'Link clicks' column"}

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        super().derive(ctx, frame, raw, rows)
        if "text" in frame and "title" in frame:
            gap = frame["text"].isna() & frame["title"].notna()
            if gap.any():
                frame["text"] = frame["text"].where(~gap, frame["title"])
                ctx.notes.append(f"text: {int(gap.sum())} post(s) have no Description; their "
                                 "Title is used instead.")
        if "clicks" not in frame and "total_clicks" in frame:
            ctx.why["clicks"] = ("the file has 'Total clicks' (every click on the post, photo "
                                 "opens and 'see more' included), not link clicks; it is kept "
                                 "as total_clicks")


class InstagramContent(_BusinessSuite):
    """Meta Business Suite > Insights > Content > Export, for an Instagram account.

    Post types are "IG image", "IG carousel", "IG reel"; there are Likes (not reactions),
    Saves and Follows, and no clicks.
    """

    key = "meta_instagram"
    platform = "instagram"
    title = "Meta Business Suite content export (Instagram)"
    short = "Meta Business Suite content export"
    where = ("Meta Business Suite, Insights, Content, Export data (CSV), for the Instagram account")
    signature = (_g("Post ID"), _g("Account ID"), _g("Account username"), ("Account name",),
                 _g("Publish time"), _g("Permalink"), _g("Post type"), ("Data comment",),
                 _g("Views", "Impressions"), _g("Reach"), _g("Likes"), _g("Saves"),
                 ("Follows",))
    fields = (
        _f("post_id", "Post ID", kind="id", required=True),
        _f("posted_at", "Publish time", kind="date", required=True),
        _f("text", "Description", kind="text"),
        _f("impressions", "Views", "Impressions", kind="count", notes=_VIEWS_NOTE),
        _f("reach", "Reach", kind="count", required=True),
        _f("likes", "Likes", kind="count"),
        _f("comments", "Comments", kind="count"),
        _f("shares", "Shares", kind="count"),
        _f("saves", "Saves", kind="count"),
        _f("follows", "Follows", kind="count"),
        _f("permalink", "Permalink", kind="url"),
        _f("post_type", "Post type", kind="text"),
        _f("duration_sec", "Duration (sec)", kind="number"),
    )
    why_missing = {"clicks": "Meta's Instagram content export has no clicks per post"}


class FacebookInsights(Reader):
    """The Facebook Insights post export (2012-2021, "Export Data", Post data).

    Row 1 names the columns, row 2 describes them ("Lifetime: The number of people who saw
    your Page post. (Unique Users)"); some names repeat; "Posted" is "10/1/2015 21:00".
    Likes, comments and shares are "Lifetime Post Stories by action type" (counts); the "Talking
    About This" columns (unique people) are the fallback.
    """

    key = "facebook_insights"
    platform = "facebook"
    title = "Facebook Insights post export (2012-2021)"
    short = "Insights post export 2012-2021"
    where = "the former Facebook Insights, Export Data, Post data (CSV)"
    signature = (("Post ID",), ("Permalink",), ("Post Message",), ("Type",), ("Posted",),
                 ("Lifetime Post Total Reach",), ("Lifetime Post Total Impressions",),
                 ("Lifetime Engaged Users",), ("Lifetime Post Consumers",))
    _UNIQUE = "(unique people, a little below the count of actions)"
    fields = (
        Field("post_id", ("Post ID",), "id", required=True),
        Field("posted_at", ("Posted",), "date", required=True),
        Field("text", ("Post Message",), "text"),
        Field("impressions", ("Lifetime Post Total Impressions",), "count"),
        Field("reach", ("Lifetime Post Total Reach",), "count", required=True),
        Field("likes", ("Lifetime Post Stories by action type - like",
                        "Lifetime Talking About This (Post) by action type - like"), "count",
              notes=(("Lifetime Talking About This (Post) by action type - like",
                      f"likes: read from 'Talking About This' {_UNIQUE}."),)),
        Field("comments", ("Lifetime Post Stories by action type - comment",
                           "Lifetime Talking About This (Post) by action type - comment"),
              "count", notes=(("Lifetime Talking About This (Post) by action type - comment",
                               f"comments: read from 'Talking About This' {_UNIQUE}."),)),
        Field("shares", ("Lifetime Post Stories by action type - share",
                         "Lifetime Talking About This (Post) by action type - share"), "count",
              notes=(("Lifetime Talking About This (Post) by action type - share",
                      f"shares: read from 'Talking About This' {_UNIQUE}."),)),
        Field("clicks", ("Lifetime Post Consumptions by type - link clicks",
                         "Lifetime Post consumers by type - link clicks"), "count",
              notes=(("Lifetime Post consumers by type - link clicks",
                      f"clicks: read from 'Post consumers' {_UNIQUE}."),)),
        Field("engaged_users", ("Lifetime Engaged Users",), "count"),
        Field("permalink", ("Permalink",), "url"),
        Field("post_type", ("Type",), "text"),
    )

    def skip_row(self, ctx: Context, cells: dict[str, str], first: bool) -> str | None:
        reach = cells.get(norm("Lifetime Post Total Reach"), "").strip()
        if first and reach and not reach.replace(".", "", 1).lstrip("-").isdigit():
            return "the row of column descriptions Facebook puts under the header"
        return None

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        ctx.notes.append(_ZONE.format(header=header))
        return parse_dates(ctx, header, s, rows, _DATES, "10/1/2015 21:00", us_slashes=True)

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        if "post_type" in frame:
            frame["format"] = format_from_type(ctx, ctx.found["post_type"], frame["post_type"],
                                               FORMAT_WORDS)
            ctx.derived["format"] = f"from '{ctx.found['post_type']}'"


READERS = (FacebookContent(), InstagramContent(), FacebookInsights())
