"""When a subscriber's digest is due: cadences, time zones and delivery slots (issue 6).

A subscription's *cadence* is what the user typed after the country in `/subscribe`:
`instant` (each new event as it is found), `daily [TIME]` or `weekly [DAY] [TIME]`. Its
*slots* are the moments a digest is due: the local wall-clock time `at` of every day (daily)
or of one weekday (weekly), in the subscriber's time zone, as aware UTC datetimes.

This module is the pure rules only. It must never talk to Telegram, open the database,
read the clock or sleep: every function takes "now" as an argument, so the scheduler can be
tested by time travel and restarted without losing or repeating a slot.

Daylight-saving rules (the choices, and why):

- A local time that does not exist -- 02:30 on the night the clocks spring forward from
  02:00 to 03:00 -- is delivered at the first moment after the gap, 03:00 local time. The
  subscriber still gets that day's digest, as close to the asked time as the clock allows.
  (PEP 495's default, shifting by the gap's length to 03:30, would be later for no reason.)
- A local time that happens twice -- 02:30 on the night the clocks fall back -- is
  delivered once, at its first occurrence (fold=0): one slot per local day, never two.
- Fixed offsets ("UTC+3") have no daylight saving: the slot stays at the same UTC time all
  year, which is what a user typing an offset asks for.

Catch-up after downtime (`due_slots`): only the latest slot that fell due while the bot was
down is delivered, and only within a grace period; older ones are dropped. A subscriber who
asked for 08:00 wants this morning's digest at 09:30 after an outage, not three of them,
and not yesterday's at midnight.

Time zones come from `/timezone NAME` (`parse_timezone`) or from a shared location
(`timezone_from_location`, the zone whose border polygon holds the point, looked up offline
with tzfpy).
"""

from __future__ import annotations

import math
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from typing import Literal

import tzfpy
from rapidfuzz import fuzz, process

Mode = Literal["instant", "daily", "weekly"]

DAILY_AT = time(8, 0)  # a morning read, before the working day
WEEKLY_ON = 0  # Monday: the week's digest opens the working week
WEEKLY_AT = time(9, 0)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_ABBR = tuple(day[:3].lower() for day in WEEKDAYS)
# Every spelling a user is likely to type, to its number (0 = Monday, as date.weekday()).
_WEEKDAY_NAMES: dict[str, int] = {
    **{day.lower(): n for n, day in enumerate(WEEKDAYS)},
    **{abbr: n for n, abbr in enumerate(_WEEKDAY_ABBR)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_TIME = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?", re.IGNORECASE)
_OFFSET = re.compile(r"(?:(?:utc|gmt)\s*)?([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)

_CADENCE_HELP = "Use instant, daily [HH:MM] or weekly [DAY] [HH:MM], e.g. daily 08:00."
_TIME_HELP = "Use HH:MM, e.g. 08:00."
_WEEKDAY_HELP = "Use mon, tue, wed, thu, fri, sat or sun."
_TIMEZONE_HELP = "Use a name like Europe/Paris or an offset like UTC+3."


# -- cadences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """How often a subscriber hears about a country.

    mode:    "instant" (each new event when it is found), "daily" or "weekly".
    at:      local wall-clock time of a daily or weekly digest (naive); None when instant.
    weekday: 0 = Monday ... 6 = Sunday for weekly; None otherwise.

    Store it as `as_text()` and read it back with `parse_cadence()`.
    """

    mode: Mode
    at: time | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        """Refuse impossible combinations, so every Cadence has exactly one meaning."""
        if self.mode not in ("instant", "daily", "weekly"):
            raise ValueError(f"Unknown schedule '{self.mode}'. {_CADENCE_HELP}")
        if (self.at is None) != (self.mode == "instant"):
            raise ValueError(
                f"A {self.mode} schedule {'takes no' if self.at is not None else 'needs a'} time"
            )
        if self.at is not None and self.at.tzinfo is not None:
            raise ValueError("The time of a schedule is local wall-clock time, without a zone")
        if self.at is not None and (self.at.second or self.at.microsecond):
            # Whole minutes only: as_text() stores HH:MM, and users never ask for seconds.
            raise ValueError(f"The time of a schedule is in whole minutes, not {self.at}")
        if (self.weekday is None) != (self.mode != "weekly"):
            raise ValueError(
                f"A {self.mode} schedule {'needs' if self.weekday is None else 'takes no'} weekday"
            )
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError(f"Weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")

    def describe(self) -> str:
        """What the user reads in /subscriptions: 'daily at 08:00', 'weekly on Monday at 09:00'."""
        if self.mode == "instant":
            return "instant"
        assert self.at is not None
        if self.mode == "daily":
            return f"daily at {self.at:%H:%M}"
        assert self.weekday is not None
        return f"weekly on {WEEKDAYS[self.weekday]} at {self.at:%H:%M}"

    def as_text(self) -> str:
        """The canonical spelling for storage, which `parse_cadence` reads back unchanged."""
        if self.mode == "instant":
            return "instant"
        assert self.at is not None
        if self.mode == "daily":
            return f"daily {self.at:%H:%M}"
        assert self.weekday is not None
        return f"weekly {_WEEKDAY_ABBR[self.weekday]} {self.at:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> Cadence:
        """Same as `parse_cadence(text)`."""
        return parse_cadence(text)


INSTANT = Cadence("instant")


def parse_cadence(text: str) -> Cadence:
    """Read what a user typed after the country: '', 'instant', 'daily 8am', 'weekly fri'...

    Empty text is instant, as a bare `/subscribe Iran` always was. A daily digest without a
    time comes at 08:00; a weekly one without a day on Monday and without a time at 09:00.
    A weekly day and time may come in either order ('weekly 9:00 mon'). Raises ValueError
    with a message to show the user as it is.
    """
    words = _join_am_pm(text.split())
    if not words:
        return INSTANT
    mode, rest = words[0].lower(), words[1:]
    if mode == "instant":
        if rest:
            raise ValueError(f"Instant delivery takes no time or day. {_CADENCE_HELP}")
        return INSTANT
    if mode == "daily":
        if len(rest) > 1 or (rest and rest[0].lower() in _WEEKDAY_NAMES):
            raise ValueError("A daily digest takes only a time, e.g. daily 08:00.")
        return Cadence("daily", parse_time(rest[0]) if rest else DAILY_AT)
    if mode == "weekly":
        return _parse_weekly(rest)
    raise ValueError(f"Unknown schedule '{words[0]}'. {_CADENCE_HELP}")


def _parse_weekly(words: list[str]) -> Cadence:
    """A weekday and a time, each optional, in either order."""
    weekday: int | None = None
    at: time | None = None
    for word in words:
        if word.lower() in _WEEKDAY_NAMES and weekday is None:
            weekday = _WEEKDAY_NAMES[word.lower()]
        elif any(c.isdigit() for c in word) and at is None:
            at = parse_time(word)
        elif word.lower() in _WEEKDAY_NAMES or any(c.isdigit() for c in word):
            raise ValueError(f"A weekly digest takes one day and one time. {_CADENCE_HELP}")
        else:
            raise ValueError(f"Unknown weekday '{word}'. {_WEEKDAY_HELP}")
    return Cadence(
        "weekly", at if at is not None else WEEKLY_AT, weekday if weekday is not None else WEEKLY_ON
    )


def _join_am_pm(words: list[str]) -> list[str]:
    """Glue a separate 'am'/'pm' to the number before it, so '8 am' reads as '8am'."""
    out: list[str] = []
    for word in words:
        if word.lower() in ("am", "pm") and out:
            out[-1] += word
        else:
            out.append(word)
    return out


def parse_time(text: str) -> time:
    """'08:00', '8:00', '8', '8am', '8:30pm', '20h30' -> a naive time; ValueError otherwise.

    Minutes must be two digits so '8:5' is refused rather than guessed; 12am is midnight
    and 12pm noon, as on a clock.
    """
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"Unknown time '{text}'. {_TIME_HELP}")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise ValueError(f"Unknown time '{text}'. {_TIME_HELP}")
        hour = hour % 12 + (12 if match[3].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"Unknown time '{text}'. {_TIME_HELP}")
    return time(hour, minute)


_CADENCE_WORDS = frozenset({"instant", "daily", "weekly"})


def split_subscribe_args(text: str) -> tuple[str, str]:
    """Split '/subscribe' arguments into (country, cadence text).

    The cadence starts at the first of the words instant/daily/weekly, so a country of
    several words needs no quotes: 'United States daily 08:00' -> ('United States',
    'daily 08:00'); 'South Korea' -> ('South Korea', ''). No country name contains those
    words. Whitespace is normalised to single spaces; nothing is validated here.
    """
    words = text.split()
    for i, word in enumerate(words):
        if word.lower() in _CADENCE_WORDS:
            return " ".join(words[:i]), " ".join(words[i:])
    return " ".join(words), ""


# -- time zones ------------------------------------------------------------------------------


class UnknownTimezone(ValueError):
    """A time zone name that is neither IANA nor an offset; `suggestions` are close names."""

    def __init__(self, text: str, suggestions: tuple[str, ...]) -> None:
        self.text = text
        self.suggestions = suggestions
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown time zone '{text}'.{hint} {_TIMEZONE_HELP}")


@cache
def _zone_keys() -> dict[str, str]:
    """Every IANA name the system (or the tzdata package) knows, by its lower-case form."""
    return {key.lower(): key for key in zoneinfo.available_timezones()}


@cache
def _suggestable_keys() -> tuple[str, ...]:
    """The Area/City names worth suggesting: not the legacy aliases ('Iran', 'W-SU', 'EST')."""
    skip = ("etc/", "systemv/", "posix", "right/", "us/", "canada/", "brazil/", "mexico/", "chile/")
    return tuple(
        sorted(
            key for key in _zone_keys().values() if "/" in key and not key.lower().startswith(skip)
        )
    )


def parse_timezone(text: str) -> tzinfo:
    """'/timezone' argument -> a tzinfo: an IANA ZoneInfo or, for offsets, a fixed timezone.

    IANA names are matched case-insensitively, with spaces for underscores
    ('america/new york' -> America/New_York); 'UTC' and 'GMT' are zones too. Offsets
    ('UTC+3', '+03:00', 'GMT-5', 'UTC+05:45') give a `datetime.timezone` of that fixed offset,
    which has no daylight saving: its slots stay at one UTC time all year. 'GMT-5' means
    five hours behind UTC, as users mean it (not the inverted POSIX 'Etc/GMT-5'). Raises
    UnknownTimezone (a ValueError) naming up to three close IANA names otherwise.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UnknownTimezone(text, ())
    keys = _zone_keys()
    for candidate in (cleaned.lower(), cleaned.lower().replace(" ", "_")):
        if candidate in keys:
            return zoneinfo.ZoneInfo(keys[candidate])
    offset = _parse_offset(cleaned)
    if offset is not None:
        return offset
    raise UnknownTimezone(cleaned, suggest_timezones(cleaned))


def _parse_offset(text: str) -> timezone | None:
    """'UTC+3', '+03:00', 'GMT-5', '+0530' -> a fixed timezone; None when not an offset."""
    match = _OFFSET.fullmatch(text.replace("\u2212", "-"))  # a typographic minus, as phones type
    if match is None:
        return None
    sign = -1 if match[1] == "-" else 1
    hours, minutes = int(match[2]), int(match[3] or 0)
    # Real offsets run from -12:00 to +14:00; anything else is a typo, not a zone.
    delta = sign * timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or not timedelta(hours=-12) <= delta <= timedelta(hours=14):
        raise UnknownTimezone(text, ())
    return UTC if delta == timedelta(0) else timezone(delta)


def suggest_timezones(text: str, limit: int = 3) -> tuple[str, ...]:
    """Close IANA names for a mistyped one: 'Europe/Pari' -> Europe/Paris; 'tokyo' -> Asia/Tokyo.

    Compares the whole name and, for a bare city, the part after the last slash, because
    users type 'Paris' as often as 'Europe/Pari'.
    """
    query = text.strip().lower().replace(" ", "_")
    keys = _suggestable_keys()
    by_lower = {key.lower(): key for key in keys}
    found = _close_matches(query, list(by_lower), limit, cutoff=60)
    if "/" not in query:
        cities: dict[str, list[str]] = {}
        for key in keys:
            cities.setdefault(key.rsplit("/", 1)[-1].lower(), []).append(key.lower())
        for city in _close_matches(query, list(cities), limit, cutoff=75):
            found.extend(k for k in cities[city] if k not in found)
    return tuple(by_lower[key] for key in found[:limit])


def _close_matches(query: str, choices: list[str], limit: int, cutoff: float) -> list[str]:
    """The `limit` choices most similar to `query` (rapidfuzz's ratio, 0-100, at least
    `cutoff`), best first; ties keep the choices' order, as difflib's did."""
    matches = process.extract(query, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff)
    return [choice for choice, _score, _index in matches]


def timezone_name(tz: tzinfo) -> str:
    """How to store a zone so that `parse_timezone` gives it back: 'Europe/Paris', 'UTC+03:00'."""
    if isinstance(tz, zoneinfo.ZoneInfo):
        return tz.key
    if tz is UTC:
        return "UTC"
    offset = tz.utcoffset(None)
    if offset is None:
        raise ValueError(f"Cannot store time zone {tz!r}: it has no fixed offset or IANA name")
    return _offset_text(offset)


def _offset_text(offset: timedelta) -> str:
    """timedelta(hours=3, minutes=30) -> 'UTC+03:30'."""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def timezone_from_location(latitude: float, longitude: float) -> tzinfo:
    """A shared Telegram location -> the IANA zone whose border polygon holds it.

    tzfpy ships the timezone-boundary-builder polygons inside its wheel, so the lookup is
    offline and right on both sides of a border (a hand-kept nearest-city table was wrong
    there). The first lookup loads the data (~0.1 s), later ones take under a microsecond.
    At sea the polygons give the nautical zone ("Etc/GMT+9", whose POSIX sign is inverted);
    it becomes a plain fixed offset (UTC-09:00), which is how users read and type it.
    """
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"Not a location on Earth: latitude {latitude}, longitude {longitude}")
    zone = zoneinfo.ZoneInfo(tzfpy.get_tz(longitude, latitude))
    if not zone.key.startswith("Etc/"):
        return zone
    offset = zone.utcoffset(None)
    return UTC if not offset else timezone(offset)


# -- slots -----------------------------------------------------------------------------------


def _require_aware(moment: datetime, name: str) -> None:
    """Naive datetimes are refused: a slot compared with a naive 'now' is a silent bug."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), not naive: {moment.isoformat()}")


def _scheduled(cadence: Cadence) -> time:
    """The slot time of a daily or weekly cadence; instant has no slots."""
    if cadence.at is None:
        raise ValueError("An instant subscription has no delivery slots")
    return cadence.at


def _is_slot_day(cadence: Cadence, day: date) -> bool:
    return cadence.weekday is None or day.weekday() == cadence.weekday


def slot_on(day: date, at: time, tz: tzinfo) -> datetime:
    """The UTC instant of local wall-clock `at` on local date `day` in `tz`.

    - Exists once: that instant.
    - Happens twice (clocks fall back): the first occurrence (fold=0), so it is one slot.
    - Does not exist (clocks spring forward over it): the first moment after the gap, i.e.
      the transition itself (03:00 local for 02:30 in Europe/Paris).
    """
    wall = datetime.combine(day, at)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return _transition_between(min(first, second), max(first, second), tz)


def _transition_between(before: datetime, after: datetime, tz: tzinfo) -> datetime:
    """The instant in (before, after] at which tz's offset changes, to the second.

    In a gap, PEP 495 maps the wall time to one instant before and one after the
    transition; bisection finds the change between them (tz rules change on whole seconds).
    """
    offset = before.astimezone(tz).utcoffset()
    lo, hi = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == offset:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


# A weekly slot recurs within 7 local days; the margins cover a zone skipping a whole day
# (Pacific/Apia skipped 30 Dec 2011) and the local date differing from the UTC date.
_SEARCH_DAYS = 16


def next_due(cadence: Cadence, tz: tzinfo, after: datetime) -> datetime:
    """The first slot strictly after `after` (aware), in UTC.

    Strictly after, so that the slot just delivered is never due again: feed a slot back
    in to get the one after it. Raises ValueError for an instant cadence, which has no slots.
    """
    _require_aware(after, "after")
    at = _scheduled(cadence)
    start = after.astimezone(tz).date() - timedelta(days=1)
    for n in range(_SEARCH_DAYS):
        day = start + timedelta(days=n)
        if _is_slot_day(cadence, day):
            slot = slot_on(day, at, tz)
            if slot > after:
                return slot
    raise AssertionError(f"no slot within {_SEARCH_DAYS} days of {after}")  # pragma: no cover


def last_due(cadence: Cadence, tz: tzinfo, at_or_before: datetime) -> datetime | None:
    """The latest slot at or before the moment, in UTC; None for an instant cadence."""
    _require_aware(at_or_before, "at_or_before")
    if cadence.mode == "instant":
        return None
    at = _scheduled(cadence)
    start = at_or_before.astimezone(tz).date() + timedelta(days=1)
    for n in range(_SEARCH_DAYS):
        day = start - timedelta(days=n)
        if _is_slot_day(cadence, day):
            slot = slot_on(day, at, tz)
            if slot <= at_or_before:
                return slot
    raise AssertionError(
        f"no slot within {_SEARCH_DAYS} days of {at_or_before}"
    )  # pragma: no cover


def due_slots(
    cadence: Cadence,
    tz: tzinfo,
    last_handled: datetime | None,
    now: datetime,
    grace: timedelta,
) -> list[datetime]:
    """The slots to deliver now: at most one, the latest in (last_handled, now].

    - None when nothing fell due since `last_handled` (the slot delivered, or the moment
      the subscription was last checked), so a slot is never delivered twice;
    - only the latest of several missed slots, so a long outage is not a stale flood;
    - and only if it is at most `grace` old, so yesterday's digest does not arrive at
      midnight; a dropped slot is simply skipped, the next one comes on time.
    A new subscription (`last_handled` None) gets nothing now: its first digest is
    `next_due`. Instant cadence has no slots: events are pushed as they are found.
    Returns a list so that a caller can loop and a later policy may return more.
    """
    _require_aware(now, "now")
    if grace < timedelta(0):
        raise ValueError(f"grace must not be negative: {grace}")
    if last_handled is None or cadence.mode == "instant":
        return []
    _require_aware(last_handled, "last_handled")
    latest = last_due(cadence, tz, now)
    if latest is None or latest <= last_handled or now - latest > grace:
        return []
    return [latest]


def window(cadence: Cadence, slot: datetime) -> tuple[datetime, datetime]:
    """The period (start, end] a digest delivered at `slot` covers, in UTC.

    Daily is the 24 hours before the slot, weekly the 7 days, so the window depends on the
    slot's UTC instant alone: a digest keyed by (country, window) is built once and shared
    by every subscriber whose slot falls at that instant, whatever their zone.
    The price: on the days the clocks change, a subscriber's consecutive slots are 23 or 25
    hours apart, so two windows overlap by an hour (spring) or leave an hour between them
    (autumn). For exact tiling use (last_due(cadence, tz, slot - 1 microsecond), slot].
    """
    _require_aware(slot, "slot")
    if cadence.mode == "instant":
        raise ValueError("An instant subscription has no digest window")
    length = timedelta(days=7 if cadence.mode == "weekly" else 1)
    end = slot.astimezone(UTC)
    return end - length, end


# -- rendering -------------------------------------------------------------------------------


def format_local(dt_utc: datetime, tz: tzinfo) -> str:
    """'Tue 24 Nov 08:00 CET': a moment as the subscriber's clock shows it.

    English names whatever the process locale (strftime's %a/%b follow it). Zones whose
    abbreviation is only a number in tzdata ('+0330' for Tehran) read 'UTC+03:30'.
    """
    _require_aware(dt_utc, "dt_utc")
    local = dt_utc.astimezone(tz)
    name = local.tzname() or ""
    if not name or name[0] in "+-":
        offset = local.utcoffset()
        name = _offset_text(offset) if offset is not None else name
    return (
        f"{WEEKDAYS[local.weekday()][:3]} {local.day} {_MONTHS[local.month - 1]} "
        f"{local:%H:%M} {name}"
    ).rstrip()
