"""LinkedIn: the page content export (.xls; the same columns saved as CSV are read too)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from widgets.exports._base import (
    FORMAT_WORDS,
    Context,
    Field,
    Reader,
    format_from_type,
    id_from_link,
    parse_dates,
)

#: The number in a LinkedIn post link: .../feed/update/urn:li:activity:7140000000000000000
_ACTIVITY = r"(?:activity|share|ugcPost)(?::|%3A|-)(\d{10,})"


class PageContent(Reader):
    """Page admin view > Analytics > Posts (Content) > Export: an .xls workbook.

    Sheet "All posts": row 1 is a note ("All dates and times are in UTC."), row 2 the header.
    "Created date" is "12/14/2023"; rates are fractions; engagement rate = (clicks + likes +
    comments + reposts + follows) / impressions; negative values occur (corrections). Older
    exports say "Update" for "Post" and "Shares" for "Reposts". There is no post id column: the
    id is the activity number in the post's link.
    """

    key = "linkedin"
    platform = "linkedin"
    title = "LinkedIn page content export"
    short = "page content export, .xls"
    where = "the Page's admin view, Analytics, Posts, Export (an .xls file)"
    signature = (("Post title", "Update title"), ("Post link", "Update link"),
                 ("Post type", "Update type"), ("Campaign name",), ("Posted by",),
                 ("Created date",), ("Audience",), ("Impressions",), ("Clicks",),
                 ("Click through rate (CTR)",), ("Likes",), ("Comments",), ("Reposts", "Shares"),
                 ("Follows",), ("Engagement rate",), ("Content Type",))
    fields = (
        Field("posted_at", ("Created date",), "date", required=True),
        Field("text", ("Post title", "Update title"), "text"),
        Field("impressions", ("Impressions",), "count", required=True),
        Field("likes", ("Likes",), "count"),
        Field("comments", ("Comments",), "count"),
        Field("shares", ("Reposts", "Shares"), "count",
              notes=(("Shares", "shares: read from 'Shares', LinkedIn's name for reposts in "
                                "older exports."),)),
        Field("clicks", ("Clicks",), "count"),
        Field("permalink", ("Post link", "Update link"), "url", required=True),
        Field("ctr", ("Click through rate (CTR)",), "fraction"),
        Field("engagement_rate", ("Engagement rate",), "fraction"),
        Field("follows", ("Follows",), "count"),
        Field("views", ("Views (Excluding offsite video views)", "Views"), "count"),
        Field("offsite_views", ("Offsite Views",), "count"),
        Field("post_type", ("Post type", "Update type"), "text"),
        Field("content_type", ("Content Type",), "text"),
        Field("posted_by", ("Posted by",), "text"),
        Field("audience", ("Audience",), "text"),
    )
    why_missing = {"reach": "LinkedIn's content export has impressions but no reach "
                            "(different members) per post",
                   "format": "the file has no 'Content Type' column"}

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        return parse_dates(ctx, header, s, rows, ["%m/%d/%Y", "%m/%d/%Y %H:%M"], "12/14/2023",
                           us_slashes=True)

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        frame["post_id"] = id_from_link(ctx, ctx.found["permalink"], frame["permalink"],
                                        _ACTIVITY, "activity number")
        if "content_type" in frame:
            frame["format"] = format_from_type(ctx, ctx.found["content_type"],
                                               frame["content_type"], FORMAT_WORDS)
            ctx.derived["format"] = f"from '{ctx.found['content_type']}'"
        if "post_type" in frame:
            paid = int(frame["post_type"].fillna("").str.casefold().eq("sponsored").sum())
            if paid:
                ctx.notes.append(f"{paid} of {len(raw)} posts are sponsored (paid): compare "
                                 "them apart from organic posts.")
        if ctx.table.delimiter is not None:
            ctx.notes.append("LinkedIn exports an .xls workbook; this is a CSV copy of its "
                             "'All posts' sheet, read the same way.")


READERS = (PageContent(),)
