"""When an act happened, by the coding guidelines' date rules, and whether it is background.

- An explicit day is used as given ("on March 27", "27 March", "from July 7 to 10" -> the 7th).
- Relative days count from the story's date: yesterday, today, tonight, tomorrow; a weekday
  is the most recent such day before the story -- or the story's own day when it is that
  weekday ("on Monday" in a Monday story) -- unless the clause speaks of the future ("will
  meet on Thursday"), when it is the next one.
- Vague times ("last week", "recently", "next month", "during his stay") give no day.
- An act reported as current news with no time phrase takes the story's date; a future act
  without a day ("will visit Japan") and an act placed before the news ("had met") take none.
- A story without a date gives no event a date.

`is_background` says whether a clause cites the act as context well before the news ("last
year", "in 1985", "has been urging for months"): such acts are not coded at all.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from summaries.events.tables import tables

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
# Every time phrase the rules know, as one pattern; the group that matched says which rule.
_TIME = re.compile(
    rf"\b(?:(?P<md>{_MONTH}\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?(?!\s*(?:pct|percent|%|mln|bln))"
    rf"(?:,?\s+(?P<md_year>(?:19|20)\d\d))?)"
    rf"|(?P<dm>(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm_month>{_MONTH})"
    rf"(?:,?\s+(?P<dm_year>(?:19|20)\d\d))?)"
    rf"|(?P<rel>the\s+day\s+before\s+yesterday|yesterday|last\s+night|today|tonight"
    rf"|this\s+(?:morning|afternoon|evening)|tomorrow)"
    rf"|(?P<wd>(?:(?P<wd_mod>last|next|this|this\s+past|earlier\s+on|on)\s+)?(?P<wd_name>{_WEEKDAY}){_PART})"
    rf"|(?P<vague>(?:last|next|this|the\s+past|the\s+coming|later\s+this|earlier\s+this)\s+"
    rf"(?:week|weekend|month|year|spring|summer|autumn|fall|winter)"
    rf"|recently|soon|shortly|in\s+the\s+coming\s+(?:days|weeks|months)"
    rf"|(?:early|late|mid|in|since|until|by)\s+{_MONTH}(?!\s+\d)"
    rf"|at\s+the\s+(?:end|beginning|start)\s+of\s+(?:the|this|next)\s+\w+"
    rf"|during\s+(?:his|her|their|the)\s+(?:stay|visit|trip)|(?:in|since)\s+(?:19|20)\d\d"
    rf"|(?:two|three|four|several|a\s+few)\s+(?:days|weeks)\s+(?:ago|earlier)))\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|would|is\s+to|are\s+to|due\s+to|scheduled|expected\s+to|plans?\s+to"
    r"|planning\s+to|set\s+to|to\s+be\s+held|going\s+to|upcoming|next"
    # a trip in the present tense is a schedule: "leaves for Jakarta on Wednesday"
    r"|leaves|departs|flies\s+to|heads\s+to)\b",
    re.IGNORECASE,
)
# "hosts Buhari on Thursday" in a Wednesday story: a present-tense meeting with a weekday is
# a schedule (without one, the historical present of a lead is dated by the story).
_SCHEDULE = re.compile(r"\b(?:hosts|visits|meets|receives)\b", re.IGNORECASE)
# A later month than the story's is planned when the clause looks ahead: a future verb, an
# infinitive ("agreed to hold an exercise in September"), "ahead of", "until".
_LATER = re.compile(
    rf"{_FUTURE.pattern}|\bto\s+(?!the\b|an?\b|his\b|her\b|its\b|their\b)(?-i:[a-z]+)\b"
    r"|\bahead\s+of\b|\buntil\b",
    re.IGNORECASE,
)
# ", and leaves for Jakarta on Wednesday": a time phrase past a new coordinated verb is that
# verb's, not the act's.
_NEXT_VERB = re.compile(r",\s+and\s+(?!\w+ly\b)", re.IGNORECASE)
_AND = re.compile(r"\band\b", re.IGNORECASE)
_PLUPERFECT = re.compile(r"\bhad\s+(?:\w+ly\s+)?(?:been\s+)?\w+(?:ed|en|t)\b", re.IGNORECASE)
# "has accused", "have agreed": recent context whose day the text does not give.
_PERFECT = re.compile(
    r"\b(?:has|have)\s+(?:\w+ly\s+|also\s+|already\s+)?\w+(?:ed|en)\b", re.IGNORECASE
)
_REPORTED = re.compile(r"\b(?:said|says|told\s+\w+|announced|reported)\s+$", re.IGNORECASE)
# "in January", "last December": a month without a day (not "in January 1988", "January 5").
_MONTH_ALONE = re.compile(
    rf"\b(?:in|last|since|during)\s+(?P<month>{_MONTH})(?!\s*\d)", re.IGNORECASE
)
# "I've negotiated with them for 20 years": a habit, not an act of the news.
_SPAN_OF_YEARS = re.compile(
    r"\bfor\s+(?:the\s+(?:past|last)\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten"
    r"|twenty|thirty|many|several)\s+(?:years|decades|months)\b",
    re.IGNORECASE,
)
# "in 2017", not "a rift that began in 2017" (what the act ends or answers, not its date)
_PAST_YEAR = re.compile(
    r"(?<!began\s)(?<!begun\s)(?<!started\s)(?<!erupted\s)\b(?:in|since|during|of)\s+"
    r"((?:19|20)\d\d)\b"
    # "during his 2010 visit to China": a year that dates someone's trip or talks
    r"|\b(?:his|her|their|its)\s+((?:19|20)\d\d)\s+(?:[\w-]+\s+)?"
    r"(?:visit|trip|tour|talks|meeting|summit)\b",
    re.IGNORECASE,
)


def is_background(clause: str, published: date | None) -> bool:
    """True when the clause places the act well before the news: a background phrase, a
    year before the story's, or an earlier month named without a day ("in January")."""
    if tables().background.search(clause) or _SPAN_OF_YEARS.search(clause):
        return True
    if published is not None:
        for match in _MONTH_ALONE.finditer(clause):
            number = _month_number(match.group("month"))
            past = match.group().casefold().startswith(("last", "since"))
            if number is not None and (past or number < published.month):
                return True  # "in May" in a May story is news; "will go in June" is planned
            if number is not None and number > published.month and not _LATER.search(clause):
                return True  # "expelled the ambassador in December" in a May story: last year
    for match in _PAST_YEAR.finditer(clause):
        # Without the story's date a year named in a report of an act is almost always past.
        year = int(match.group(1) or match.group(2))
        if published is None or year < published.year:
            return True
    return False


def event_date(
    clause: str, trigger_at: int, published: date | None, *, spoken: bool = True
) -> tuple[date | None, str | None]:
    """The act's day by the rules above, with where it came from ("text" or "published").

    `spoken` is False for acts that are not statements (a visit, talks, a signing): for
    them "..., a spokesman said Tuesday" dates the report, not the act."""
    if published is None:
        return None, None
    cut = None if spoken else _NEXT_VERB.search(clause, trigger_at)
    own_end = cut.start() if cut else len(clause)
    phrases = [
        m for m in _TIME.finditer(clause) if _dates_the_act(m, clause, trigger_at, own_end, spoken)
    ]
    phrases.sort(key=lambda m: _distance(m, trigger_at))
    future = bool(_FUTURE.search(clause, 0, own_end))
    for phrase in phrases[:1]:
        found = _resolve(phrase, published, _looks_ahead(clause, phrase, own_end, future))
        return (found, "text") if found else (None, None)
    # A statement is made when reported, whatever future it speaks of ("said it would
    # retaliate"); a visit or a meeting that "will" happen has no day yet.
    if (future and not spoken) or _PLUPERFECT.search(clause):
        return None, None
    if _PERFECT.search(clause, 0, trigger_at + 30):
        return None, None
    return published, "published"


def _dates_the_act(
    match: re.Match[str], clause: str, trigger_at: int, own_end: int, spoken: bool
) -> bool:
    """Whether a time phrase of the clause is the act's: for a statement, the words that
    frame it; for a visit or talks, a phrase before the next coordinated verb and not the
    report's ("..., a spokesman said Tuesday")."""
    if _names_a_thing(clause, match, trigger_at):
        return False
    if spoken:
        return _frames_statement(match, trigger_at, clause)
    return (
        not _REPORTED.search(clause, max(0, match.start() - 25), match.start())
        and match.start() < own_end
        # "sending ministers to France on Tuesday and would travel to Spain": Tuesday is the
        # sending's
        and not (match.end() <= trigger_at and _AND.search(clause, match.end(), trigger_at))
    )


def _looks_ahead(clause: str, phrase: re.Match[str], own_end: int, future: bool) -> bool:
    """Whether a weekday is the coming one: a future or a present schedule ("hosts Buhari on
    Thursday"), unless the verb the phrase hangs on is past ("met Friday for talks expected
    to open a new page": last Friday)."""
    ahead = future or bool(_SCHEDULE.search(clause, 0, own_end))
    return ahead and not _told_in_the_past(clause, phrase.start())


# "the February 22 Paris accords": a date that names a thing dates nothing in the clause.
_NAMES_A_THING = re.compile(r"\b(?:the|its|their|his|her)\s+$", re.IGNORECASE)


def _names_a_thing(clause: str, match: re.Match[str], trigger_at: int) -> bool:
    """A day and month after "the" that name a thing other than the trigger's act ("said the
    February 22 Paris accords should serve"; not "the March 3 agreement" of "signed")."""
    return (
        bool(match.group("md") or match.group("dm"))
        and _NAMES_A_THING.search(clause, max(0, match.start() - 6), match.start()) is not None
        and not match.end() <= trigger_at <= match.end() + 30
    )


# A verb in the past: regular, or one of the irregular ones news reports acts with.
PAST_VERB = (
    r"(?:(?-i:[a-z]+ed)|met|held|had|spoke|made|gave|took|said|told|began|left|came|went|flew"
    r"|sent|broke|struck)"
)
# The verb a time phrase hangs on, read back from it: a past form, or a word that looks ahead.
_VERB_BEFORE = re.compile(
    # "said that on Thursday ... would meet": what follows "that" is reported, not past
    r"\b(?:(?P<ahead>will|would|shall|to|due|scheduled|expected|planned|set|next|is|are|that)"
    rf"|(?P<past>{PAST_VERB}))\b",
    re.IGNORECASE,
)


def _told_in_the_past(clause: str, at: int) -> bool:
    """Whether the nearest verb before a time phrase, within a few words, is in the past
    tense: "met Friday for historic talks expected to open ..." is last Friday, "praised his
    policies in a meeting at the White House on Wednesday" that Wednesday, whatever future
    the rest of the clause speaks of."""
    verbs = list(_VERB_BEFORE.finditer(clause, max(0, at - 90), at))
    return bool(verbs) and verbs[-1].group("past") is not None


def _frames_statement(match: re.Match[str], trigger_at: int, clause: str) -> bool:
    """Whether a time phrase dates a statement rather than what it speaks of: before the
    verb ("on Tuesday warned"), or right after it ("warned on Tuesday that ..."), not inside
    the content ("warned that it would soon have new powers")."""
    if match.start() < trigger_at:
        return True
    between = clause[trigger_at : match.start()]
    return len(between.split()) <= 4 and not re.search(r"\bthat\b", between)


def _month_number(name: str) -> int | None:
    key = name.casefold().rstrip(".")[:3]
    return next((i for i, m in enumerate(_MONTH_NAMES, 1) if m.startswith(key)), None)


def _distance(match: re.Match[str], at: int) -> int:
    if match.start() >= at:
        return match.start() - at
    return at - match.end()


def _resolve(match: re.Match[str], published: date, future: bool) -> date | None:
    if match.group("md"):
        return _month_day(
            match.group("md").split()[0], match.group("md_day"), match.group("md_year"),
            published, future,
        )  # fmt: skip
    if match.group("dm"):
        return _month_day(
            match.group("dm_month"), match.group("dm_day"), match.group("dm_year"), published,
            future,
        )  # fmt: skip
    if match.group("rel"):
        word = " ".join(match.group("rel").casefold().split())
        shift = {"yesterday": -1, "last night": -1, "tomorrow": 1, "the day before yesterday": -2}
        return published + timedelta(days=shift.get(word, 0))
    if match.group("wd"):
        return _weekday(match.group("wd_name"), match.group("wd_mod"), published, future)
    return None


# How far past the story's date a month and day with no year and no future verb may lie and
# still be this year's (a plan the sentence does not mark as one).
_AHEAD_DAYS = 120


def _month_day(
    month: str, day: str, year: str | None, published: date, future: bool
) -> date | None:
    key = month.casefold().rstrip(".")
    number = next((i for i, m in enumerate(_MONTH_NAMES, 1) if m.startswith(key[:3])), None)
    if number is None:
        return None
    try:
        found = date(int(year) if year else published.year, number, int(day))
    except ValueError:
        return None
    if year is None and not future and found > published + timedelta(days=_AHEAD_DAYS):
        # "December 1" in a March story is last year's; "April 29" in a March story is
        # this year's, planned -- a wire names a past date of last spring as such
        found = found.replace(year=found.year - 1)
    elif year is None and future and found < published - timedelta(days=180):
        found = found.replace(year=found.year + 1)
    return found


def _weekday(name: str, modifier: str | None, published: date, future: bool) -> date:
    target = _WEEKDAY_NAMES.index(name.casefold())
    mod = " ".join((modifier or "").casefold().split())
    ahead = (target - published.weekday()) % 7
    if mod == "next" or (future and mod not in ("last", "this past", "earlier on")):
        return published + timedelta(days=ahead or (7 if mod == "next" else 0))
    back = (published.weekday() - target) % 7
    if back == 0 and mod in ("last", "this past"):
        back = 7
    return published - timedelta(days=back)
