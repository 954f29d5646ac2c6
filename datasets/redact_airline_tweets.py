"""Write the course's airline_tweets.csv from the published "Twitter US Airline Sentiment" file.

Usage (from the repository root)::

    python datasets/redact_airline_tweets.py PATH/TO/Tweets.csv           # writes datasets/airline_tweets.csv
    python datasets/redact_airline_tweets.py PATH/TO/Tweets.csv --check   # compares, writes nothing

The input is not kept in this repository because it holds user names and locations. It is
Crowdflower's "Twitter US Airline Sentiment" (Data for Everyone, February 2015; republished on
Kaggle as crowdflower/twitter-airline-sentiment; CC BY-NC-SA 4.0), as ``Tweets.csv`` in the GitHub
repository eidehua/Real-Time-SciVi at commit cd0faf96aa3e0378310408039298362c87c1d3b2
(``twitter-airline-sentiment/Tweets.csv``; later commits edit it), byte-identical to the Tweets.csv
of Kaggle's archive. Its sha256 is ``PUBLISHED_SHA256`` below. The course's earlier, unredacted
copy (the nine kept columns, sha256 ``UNREDACTED_SHA256``) is accepted as input too and gives the
same output. datasets/README.md (the airline_tweets.csv card) says what was removed and how much.

What it does, deterministically:

1. keeps nine of the fifteen columns (drops the writer's user name, coordinates, location and time
   zone, and Crowdflower's two nearly empty "gold" columns), every row in the published order;
2. in the ``text`` column only, replaces (in this order, outside web links):
   * e-mail addresses with "[e-mail]";
   * a person's name introduced as "name is ..." or "name: ..." with "[name]";
   * booking references, confirmation codes, and case, claim, reference and frequent-flyer numbers
     with "[code]": a code after a word that introduces one ("conf #", "record locator", "PNR",
     "reservation", "case id", "claim", "ref", ...); a standalone six-character code of capital
     letters and digits that is not a flight number (UA1130, AWE474) or an aircraft registration
     (N26902); the codes in ``LISTED_CODES``, found by reading the tweets that mention a booking;
   * phone numbers (ten digits, with or without a leading 1, in the usual layouts, or dialled
     abroad with 00 first) with "[phone]";
   * any other number of six digits or more (bag tags, ticket, case and employee numbers) with
     "[code]", except decimals, percentages and counts of miles or points;
   * every @handle that is not an airline's own account (``AIRLINE_ACCOUNTS``) with "@user";
3. writes UTF-8 without BOM, ``\\n`` line ends, with Python's csv module, as the unredacted copy was.

Every other cell is unchanged. The script prints how many replacements of each kind it made.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

PUBLISHED_SHA256 = "ea94b23f41892b290dec3330bb8cf9cb6b8bc669eaae5f3a84c40f7b0de8f15e"
UNREDACTED_SHA256 = "e98520fcada59a3beb13c4d8975c5e8a9459283cb2d91714a516dd8437fd7789"
KEPT_COLUMNS = ("tweet_id", "airline_sentiment", "airline_sentiment_confidence", "negativereason",
                "negativereason_confidence", "airline", "retweet_count", "text", "tweet_created")
OUTPUT = Path(__file__).resolve().parent / "airline_tweets.csv"

#: The airlines' own accounts, kept as written (compared case-insensitively): the six airlines'
#: main accounts, Delta's (the file's "Delta" label) and two other official accounts of theirs
#: that the tweets mention. Every other @handle, including other companies', becomes "@user".
AIRLINE_ACCOUNTS = ("@united", "@USAirways", "@AmericanAir", "@SouthwestAir", "@JetBlue",
                    "@VirginAmerica", "@Delta", "@DeltaAssist", "@JetBlueCheeps")

#: Codes the rules below do not catch, found by reading the tweets that mention a booking,
#: confirmation, reservation, case or claim: all-letter booking references with no word before
#: them that says so, a car-hire reference, and one reference that is not six characters long.
LISTED_CODES = ("8FKQW", "KEVOLT", "SOZLDJ", "QQBMUG", "Fsqthg", "KMM24999563V99860L0KM", "587701925COUNT")

MASKS = {"email": "[e-mail]", "name": "[name]", "code": "[code]", "phone": "[phone]", "handle": "@user"}

_URL = re.compile(r"(https?://[^\s\"'“”<>]+)")  # links are left as they are
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME = re.compile(r"(\b[Nn]ame(?: is|:) )([A-Z][a-z]+(?: [A-Z]\.?)?(?: [A-Z][a-z]+){0,2})\b")
# A word that introduces a code, then optional "number", "#", "is", ":" and the like. ("problems":
# the publisher replaced "booking" by "Flight Booking Problems", so "booking number" reads
# "Flight Booking Problems number".)
_CODE_WORD = (r"(?:\b(?i:conf(?:irmation)?|confirm|record\s+loc(?:ator)?|record(?:\s+number)?|locator|"
              r"file\s+(?:code|loc|number)|pnr|res|reservations?|problems|case(?:\s+id)?|claim|"
              r"ref|reference|request|incident|e-?ticket|div\s+no)|\bFF|\bRR|\bSWRR)")
_FILLER = r"(?:[\s#:.'(]|&amp;|\b(?i:number|num|no|code|id|is|was|s)\b)*"
# A code: digits (and dashes), capitals and digits, six capitals, or a short mixed-case token
# with a digit in it (``fwwe7f``; not a hashtag such as ``1lesscustomer``).
_TOKEN = (r"(?:(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,18}[A-Z0-9](?![a-z])|[A-Z]{6}(?![a-z])"
          r"|(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{5,10}(?![\w-]))")
_AFTER_WORD = re.compile(rf"({_CODE_WORD}{_FILLER})({_TOKEN}(?:(?:\s*(?:[,/]|&amp;|and|:)\s*)+{_TOKEN})*)"
                         r"(?![\w-])")
_SIX = re.compile(r"(?<![\w@/.-])(?=[A-Za-z0-9]{6}(?![\w/-]))(?=[A-Za-z]*\d)(?=\d*[A-Za-z])"
                  r"[A-Za-z0-9]{6}")
_FLIGHT = re.compile(r"[A-Za-z]{2,3}\d{1,4}|[Nn]\d{1,5}[A-Za-z]{0,2}|\d{2,4}[a-z]{2,4}")
_LISTED = re.compile(r"\b(?:" + "|".join(map(re.escape, LISTED_CODES)) + r")\b")
# Any other long number (six digits or more, perhaps after letters, e.g. a bag tag, ticket, case or
# employee number), but not a decimal, a percentage or a count of miles or points.
_LONG_NUMBER = re.compile(r"(?<![\w.$,@/-])(?:\d{4} (?=\d{6}\b))?[A-Za-z]*\d{6,}(?:-\d{6,})?"
                          r"(?![\w%-]|\.\d|\s*(?i:miles|points)\b)")
_PHONE = re.compile(r"(?<![\w])(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}(?![\w])"
                    r"|(?<![\w])00\d{1,3} ?\d{3}[-. ]?\d{5,8}(?![\w])")  # or international, 00 first
_MENTION = re.compile(r"(?<![\w@])@\w+")
_KEEP = {h.lower() for h in AIRLINE_ACCOUNTS}


def _is_code(token: str) -> bool:
    """A standalone six-character token that reads as a booking reference: capitals and digits, or
    mixed case with letters and digits alternating (``jx4s2t``), not a flight number, aircraft
    registration or a time such as ``1030pm``."""
    if _FLIGHT.fullmatch(token):
        return False
    if token.isupper() or token.isdigit():
        return True
    return len(re.findall(r"[A-Za-z]+|\d+", token)) >= 4


def redact_text(text: str, counts: Counter[str] | None = None) -> str:
    """``text`` with personal data replaced (see the module docstring); ``counts`` (if given) is
    increased by the number of replacements of each kind."""
    counts = Counter() if counts is None else counts
    parts = _URL.split(text)  # text, link, text, link, ..., text
    return "".join(p if i % 2 else _redact_part(p, counts) for i, p in enumerate(parts))


def _redact_part(s: str, counts: Counter[str]) -> str:
    def sub(kind: str, pattern: re.Pattern[str], s: str,
            repl: Callable[[re.Match[str]], str] | None = None) -> str:
        def one(m: re.Match[str]) -> str:
            new = MASKS[kind] if repl is None else repl(m)
            if new != m.group(0):
                counts[kind] += 1
            return new
        return pattern.sub(one, s)

    s = sub("email", _EMAIL, s)
    s = sub("name", _NAME, s, lambda m: m.group(1) + MASKS["name"])

    def codes_after_word(m: re.Match[str]) -> str:
        found = re.sub(_TOKEN, MASKS["code"], m.group(2))
        counts["code"] += found.count(MASKS["code"]) - 1  # sub() counts one
        return m.group(1) + found

    s = sub("code", _AFTER_WORD, s, codes_after_word)
    s = sub("code", _LISTED, s)
    s = sub("code", _SIX, s, lambda m: MASKS["code"] if _is_code(m.group(0)) else m.group(0))
    s = sub("phone", _PHONE, s)
    s = sub("code", _LONG_NUMBER, s)
    return sub("handle", _MENTION, s,
               lambda m: m.group(0) if m.group(0).lower() in _KEEP else MASKS["handle"])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def redact_file(raw: bytes) -> tuple[bytes, Counter[str], Counter[str]]:
    """The course's file from the published (or the earlier unredacted) file's bytes, the number
    of replacements of each kind and the number of tweets (rows) with at least one of each kind."""
    digest = _sha256(raw)
    if digest not in (PUBLISHED_SHA256, UNREDACTED_SHA256):
        raise SystemExit(f"This is not the published Tweets.csv (sha256 {PUBLISHED_SHA256}) nor the "
                         f"course's unredacted copy (sha256 {UNREDACTED_SHA256}); its sha256 is {digest}.")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(KEPT_COLUMNS)
    total: Counter[str] = Counter()
    tweets: Counter[str] = Counter()
    for row in rows:
        counts: Counter[str] = Counter()
        row["text"] = redact_text(row["text"], counts)
        total.update(counts)
        tweets.update(counts.keys())
        writer.writerow([row[c] for c in KEPT_COLUMNS])
    return buf.getvalue().encode("utf-8"), total, tweets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("source", type=Path, help="the published Tweets.csv (see the module docstring)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare with --output instead of writing it")
    args = parser.parse_args(argv)
    out, total, tweets = redact_file(args.source.read_bytes())
    for kind in MASKS:
        print(f"{MASKS[kind]:>9}: {total[kind]:>5} replacements in {tweets[kind]:>5} tweets")
    print(f"sha256 {_sha256(out)}")
    if args.check:
        same = args.output.exists() and args.output.read_bytes() == out
        print(f"{args.output} is {'up to date' if same else 'NOT the redacted file'}")
        return 0 if same else 1
    args.output.write_bytes(out)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
