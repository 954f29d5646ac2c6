"""X (Twitter): the classic "Tweet activity" export (2014-2023) and the analytics content export (2024-)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from widgets.exports._base import Context, Field, Reader, parse_dates

_NO_REACH = "X reports impressions per post, but not reach (how many different accounts saw it)"
_NO_FORMAT = "the export does not say whether a post had an image, a video or a link"


class TweetActivity(Reader):
    """``tweet_activity_metrics_<handle>_<from>_<to>_<lang>.csv``: 40 quoted columns.

    Times are UTC ("2016-12-23 18:50 +0000"); numbers are written "1938.0"; "engagement rate" is
    engagements / impressions (a fraction); the 18 "promoted ..." columns hold "-" for a post that
    was not promoted. Before November 2015 likes were called "favorites".
    """

    key = "x_tweet_activity"
    platform = "x"
    title = "X (Twitter) Tweet activity export (2014-2023)"
    short = "Tweet activity export 2014-2023"
    where = ("X's former analytics site, Tweets tab, Export data: "
             "tweet_activity_metrics_<handle>_<dates>_<lang>.csv")
    signature = (("Tweet id",), ("Tweet permalink",), ("Tweet text",), ("time",),
                 ("impressions",), ("engagements",), ("engagement rate",), ("retweets",),
                 ("replies",), ("likes", "favorites"), ("user profile clicks",), ("url clicks",))
    fields = (
        Field("post_id", ("Tweet id",), "id", required=True),
        Field("posted_at", ("time",), "date", required=True),
        Field("text", ("Tweet text",), "text"),
        Field("impressions", ("impressions",), "count", required=True),
        Field("likes", ("likes", "favorites"), "count",
              notes=(("favorites", "likes: read from 'favorites', X's name for likes before "
                                   "November 2015."),)),
        Field("comments", ("replies",), "count"),
        Field("shares", ("retweets",), "count"),
        Field("permalink", ("Tweet permalink",), "url"),
        Field("engagements", ("engagements",), "count"),
        Field("engagement_rate", ("engagement rate",), "fraction"),
        Field("url_clicks", ("url clicks",), "count"),
        Field("profile_clicks", ("user profile clicks",), "count"),
        Field("hashtag_clicks", ("hashtag clicks",), "count"),
        Field("detail_expands", ("detail expands",), "count"),
        Field("follows", ("follows",), "count"),
        Field("media_views", ("media views",), "count"),
        Field("media_engagements", ("media engagements",), "count"),
    )
    why_missing = {"reach": _NO_REACH, "format": _NO_FORMAT,
                   "clicks": "the file lacks 'url clicks' or 'user profile clicks'"}

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        out = parse_dates(ctx, header, s, rows, ["%Y-%m-%d %H:%M %z", "%Y-%m-%d %H:%M"],
                          "2016-12-23 18:50 +0000", utc=True)
        ctx.notes.append(f"Times in '{header}' are UTC (as X writes them), not your local time.")
        return out

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        if "url_clicks" in frame and "profile_clicks" in frame:
            frame["clicks"] = frame["url_clicks"] + frame["profile_clicks"]
            ctx.derived["clicks"] = "'url clicks' + 'user profile clicks' (link or profile clicks)"
        promoted = [c for c in raw.columns if c.strip().lower().startswith("promoted ")]
        if promoted:
            values = raw[promoted].apply(lambda c: c.str.strip().isin(["", "-"]))
            n = int((~values.all(axis=1)).sum())
            ctx.notes.append(
                f"{n} of {len(raw)} posts {'was' if n == 1 else 'were'} promoted (paid): the "
                "course reads the unprefixed columns; the 'promoted ...' figures stay in .raw."
                if n else
                f"No post was promoted: the {len(promoted)} 'promoted ...' columns hold '-' "
                "(not promoted) and are left out.")
        if ctx.header_row == 0 and not ctx.table.quoted_header:
            ctx.notes.append("The cells are not quoted as X writes them: the file was probably "
                             "opened and saved again in a spreadsheet program. Its ids were "
                             "checked and are intact.")


class ContentExport(Reader):
    """``account_analytics_content_<from>_<to>.csv`` (X Premium analytics, 2024-).

    Dates carry no time ("Tue, Jul 14, 2026"); there is no rate column. "Reposts" are the
    course's shares; X's separate "Shares" (sent by message or copied link) is kept as
    ``x_shares``.
    """

    key = "x_content"
    platform = "x"
    title = "X analytics content export (2024-)"
    short = "analytics content export 2024-"
    where = ("x.com Analytics (Premium), Content, Export data: "
             "account_analytics_content_<dates>.csv")
    signature = (("Post id",), ("Date",), ("Post text",), ("Post Link",), ("Impressions",),
                 ("Likes",), ("Engagements",), ("Bookmarks",), ("Shares",), ("New follows",),
                 ("Replies",), ("Reposts",), ("Profile visits",), ("URL Clicks",))
    fields = (
        Field("post_id", ("Post id",), "id", required=True),
        Field("posted_at", ("Date",), "date", required=True),
        Field("text", ("Post text",), "text"),
        Field("impressions", ("Impressions",), "count", required=True),
        Field("likes", ("Likes",), "count"),
        Field("comments", ("Replies",), "count"),
        Field("shares", ("Reposts",), "count"),
        Field("permalink", ("Post Link",), "url"),
        Field("engagements", ("Engagements",), "count"),
        Field("bookmarks", ("Bookmarks",), "count"),
        Field("x_shares", ("Shares",), "count",
              notes=(("Shares", "X's 'Shares' (a post sent by message or its link copied) are "
                                "kept as x_shares; the course's shares are X's 'Reposts'."),)),
        Field("new_follows", ("New follows",), "count"),
        Field("profile_visits", ("Profile visits",), "count"),
        Field("detail_expands", ("Detail Expands",), "count"),
        Field("url_clicks", ("URL Clicks",), "count"),
        Field("hashtag_clicks", ("Hashtag Clicks",), "count"),
        Field("permalink_clicks", ("Permalink Clicks",), "count"),
    )
    why_missing = {"reach": _NO_REACH, "format": _NO_FORMAT,
                   "clicks": "the file lacks 'URL Clicks' or 'Profile visits'"}

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        out = parse_dates(ctx, header, s, rows, ["%a, %b %d, %Y", "%b %d, %Y"],
                          "Tue, Jul 14, 2026")
        ctx.notes.append(f"'{header}' gives the day only: posted_at is midnight of that day "
                         "(no time of day).")
        return out

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        if "url_clicks" in frame and "profile_visits" in frame:
            frame["clicks"] = frame["url_clicks"] + frame["profile_visits"]
            ctx.derived["clicks"] = "'URL Clicks' + 'Profile visits' (link or profile clicks)"


READERS = (TweetActivity(), ContentExport())
