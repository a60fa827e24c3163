"""Delivery schedules (summaries/schedule.py): cadences, time zones, slots, catch-up.

Time travel only: every test passes "now" in, nothing sleeps or reads the clock. Daylight
saving dates are the 2026 ones: the EU changes on 29 March and 25 October, the US on
8 March and 1 November.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from summaries.schedule import (
    Cadence,
    UnknownTimezone,
    due_slots,
    format_local,
    last_due,
    next_due,
    parse_cadence,
    parse_time,
    parse_timezone,
    split_subscribe_args,
    suggest_timezones,
    timezone_from_location,
    timezone_name,
    window,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
TEHRAN = ZoneInfo("Asia/Tehran")
KATHMANDU = ZoneInfo("Asia/Kathmandu")

DAILY_8 = Cadence("daily", time(8, 0))
DAILY_0230 = Cadence("daily", time(2, 30))
WEEKLY_MON_9 = Cadence("weekly", time(9, 0), 0)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def deliveries(cadence: Cadence, tz: tzinfo, start: datetime, days: int) -> list[datetime]:
    """Every slot in (start, start + days], found the way the scheduler finds them."""
    end = start + timedelta(days=days)
    slots = []
    slot = next_due(cadence, tz, start)
    while slot <= end:
        slots.append(slot)
        slot = next_due(cadence, tz, slot)
    return slots


# -- cadences --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Cadence("instant")),
        ("instant", Cadence("instant")),
        ("INSTANT", Cadence("instant")),
        ("daily", Cadence("daily", time(8, 0))),
        ("daily 08:00", Cadence("daily", time(8, 0))),
        ("daily 8:00", Cadence("daily", time(8, 0))),
        ("daily 8am", Cadence("daily", time(8, 0))),
        ("daily 8 am", Cadence("daily", time(8, 0))),
        ("daily 8:30pm", Cadence("daily", time(20, 30))),
        ("daily 12am", Cadence("daily", time(0, 0))),
        ("daily 12pm", Cadence("daily", time(12, 0))),
        ("daily 20:30", Cadence("daily", time(20, 30))),
        ("Daily 20h30", Cadence("daily", time(20, 30))),
        ("weekly", Cadence("weekly", time(9, 0), 0)),
        ("weekly mon 09:00", Cadence("weekly", time(9, 0), 0)),
        ("weekly monday 9:00", Cadence("weekly", time(9, 0), 0)),
        ("weekly fri", Cadence("weekly", time(9, 0), 4)),
        ("weekly Thurs 18:15", Cadence("weekly", time(18, 15), 3)),
        ("weekly 7:00 sun", Cadence("weekly", time(7, 0), 6)),
    ],
)
def test_parse_cadence_reads_what_users_type(text: str, expected: Cadence) -> None:
    assert parse_cadence(text) == expected
    assert Cadence.parse(text) == expected


def test_daily_without_time_is_at_eight_and_weekly_on_monday_at_nine() -> None:
    assert parse_cadence("daily").describe() == "daily at 08:00"
    assert parse_cadence("weekly").describe() == "weekly on Monday at 09:00"


@pytest.mark.parametrize(
    ("cadence", "text", "description"),
    [
        (Cadence("instant"), "instant", "instant"),
        (DAILY_8, "daily 08:00", "daily at 08:00"),
        (Cadence("daily", time(20, 30)), "daily 20:30", "daily at 20:30"),
        (WEEKLY_MON_9, "weekly mon 09:00", "weekly on Monday at 09:00"),
        (Cadence("weekly", time(17, 5), 4), "weekly fri 17:05", "weekly on Friday at 17:05"),
    ],
)
def test_cadence_round_trips_through_its_stored_text(
    cadence: Cadence, text: str, description: str
) -> None:
    assert cadence.as_text() == text
    assert parse_cadence(text) == cadence
    assert cadence.describe() == description


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily 25:00", "Unknown time '25:00'. Use HH:MM, e.g. 08:00."),
        ("daily 8:5", "Unknown time '8:5'. Use HH:MM, e.g. 08:00."),
        ("daily 13pm", "Unknown time '13pm'. Use HH:MM, e.g. 08:00."),
        ("daily noonish", "Unknown time 'noonish'. Use HH:MM, e.g. 08:00."),
        ("weekly funday", "Unknown weekday 'funday'. Use mon, tue, wed, thu, fri, sat or sun."),
        ("weekly mon 25:00", "Unknown time '25:00'. Use HH:MM, e.g. 08:00."),
        ("weekly mon tue", "A weekly digest takes one day and one time."),
        ("daily mon", "A daily digest takes only a time, e.g. daily 08:00."),
        ("daily 08:00 09:00", "A daily digest takes only a time, e.g. daily 08:00."),
        ("instant 08:00", "Instant delivery takes no time or day."),
        ("hourly", "Unknown schedule 'hourly'. Use instant, daily [HH:MM] or weekly"),
    ],
)
def test_parse_cadence_refuses_with_a_message_for_the_user(text: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_cadence(text)
    assert str(raised.value).startswith(message)


def test_cadence_refuses_impossible_combinations() -> None:
    with pytest.raises(ValueError):
        Cadence("daily")
    with pytest.raises(ValueError):
        Cadence("instant", time(8, 0))
    with pytest.raises(ValueError):
        Cadence("daily", time(8, 0), 2)
    with pytest.raises(ValueError):
        Cadence("weekly", time(8, 0), 7)
    with pytest.raises(ValueError):
        Cadence("daily", time(8, 0, tzinfo=UTC))
    with pytest.raises(ValueError):
        Cadence("daily", time(8, 0, 30))


def test_parse_time_accepts_clock_spellings() -> None:
    assert parse_time("8") == time(8, 0)
    assert parse_time("08:05") == time(8, 5)
    assert parse_time("23.59") == time(23, 59)
    with pytest.raises(ValueError):
        parse_time("24:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iran", ("Iran", "")),
        ("South Korea", ("South Korea", "")),
        ("Iran instant", ("Iran", "instant")),
        ("Iran weekly mon 09:00", ("Iran", "weekly mon 09:00")),
        ("United States daily 08:00", ("United States", "daily 08:00")),
        ("  Bosnia and   Herzegovina   Weekly fri ", ("Bosnia and Herzegovina", "Weekly fri")),
        ("daily 08:00", ("", "daily 08:00")),
        ("", ("", "")),
    ],
)
def test_split_subscribe_args_separates_multi_word_countries(
    text: str, expected: tuple[str, str]
) -> None:
    assert split_subscribe_args(text) == expected


# -- time zones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("  ASIA/TEHRAN ", "Asia/Tehran"),
        ("america/new york", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "GMT"),
    ],
)
def test_parse_timezone_accepts_iana_names_in_any_case(text: str, key: str) -> None:
    zone = parse_timezone(text)
    assert isinstance(zone, ZoneInfo)
    assert zone.key == key


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("UTC+3", timedelta(hours=3)),
        ("+03:00", timedelta(hours=3)),
        ("GMT-5", timedelta(hours=-5)),
        ("utc +5:45", timedelta(hours=5, minutes=45)),
        ("+0330", timedelta(hours=3, minutes=30)),
        ("UTC\u22124", timedelta(hours=-4)),
        ("+00:00", timedelta(0)),
    ],
)
def test_parse_timezone_accepts_fixed_offsets(text: str, offset: timedelta) -> None:
    zone = parse_timezone(text)
    assert zone.utcoffset(None) == offset
    assert parse_timezone(timezone_name(zone)).utcoffset(None) == offset


def test_fixed_offset_has_no_daylight_saving() -> None:
    plus_one = parse_timezone("UTC+1")
    assert next_due(DAILY_8, plus_one, utc(2026, 1, 10)) == utc(2026, 1, 10, 7)
    assert next_due(DAILY_8, plus_one, utc(2026, 7, 10)) == utc(2026, 7, 10, 7)
    # ...whereas Paris, at +01:00 in winter, delivers at 06:00 UTC in summer.
    assert next_due(DAILY_8, PARIS, utc(2026, 7, 10)) == utc(2026, 7, 10, 6)


def test_parse_timezone_suggests_close_names() -> None:
    with pytest.raises(UnknownTimezone) as raised:
        parse_timezone("Europe/Pari")
    assert raised.value.suggestions[0] == "Europe/Paris"
    assert "Did you mean Europe/Paris" in str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert suggest_timezones("tokyo") == ("Asia/Tokyo",)


@pytest.mark.parametrize("text", ["Mars/Olympus", "", "UTC+15", "+03:75", "hourly"])
def test_parse_timezone_refuses_unknown_zones_helpfully(text: str) -> None:
    with pytest.raises(ValueError, match="Use a name like Europe/Paris or an offset like UTC"):
        parse_timezone(text)


def test_timezone_name_round_trips_for_storage() -> None:
    assert timezone_name(PARIS) == "Europe/Paris"
    assert timezone_name(UTC) == "UTC"
    assert timezone_name(timezone(timedelta(hours=-3, minutes=-30))) == "UTC-03:30"
    assert parse_timezone(timezone_name(KATHMANDU)) == KATHMANDU


@pytest.mark.parametrize(
    ("latitude", "longitude", "key"),
    [
        (48.85, 2.35, "Europe/Paris"),
        (35.7, 51.4, "Asia/Tehran"),
        (40.7, -74.0, "America/New_York"),
        (27.7, 85.3, "Asia/Kathmandu"),
        (-33.9, 151.2, "Australia/Sydney"),
        # Either side of a border: Badajoz and Elvas are 16 km and an hour apart; San Diego
        # and Tijuana are one metropolitan area in two zones.
        (38.88, -6.97, "Europe/Madrid"),
        (38.88, -7.16, "Europe/Lisbon"),
        (32.72, -117.16, "America/Los_Angeles"),
        (32.51, -117.04, "America/Tijuana"),
    ],
)
def test_timezone_from_location_is_the_zone_holding_the_place(
    latitude: float, longitude: float, key: str
) -> None:
    zone = timezone_from_location(latitude, longitude)
    assert isinstance(zone, ZoneInfo)
    assert zone.key == key


def test_timezone_from_location_at_sea_is_the_nautical_zone() -> None:
    mid_pacific = timezone_from_location(0.0, -140.0)
    assert mid_pacific.utcoffset(None) == timedelta(hours=-9)
    assert timezone_name(mid_pacific) == "UTC-09:00"
    with pytest.raises(ValueError, match="Not a location"):
        timezone_from_location(91.0, 0.0)


# -- next and last slot ----------------------------------------------------------------------

NOON_MONDAY = utc(2026, 11, 23, 12)  # Monday 23 November 2026, 12:00 UTC


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (PARIS, utc(2026, 11, 24, 7)),  # 08:00 CET = 07:00 UTC, tomorrow
        (NEW_YORK, utc(2026, 11, 23, 13)),  # 08:00 EST = 13:00 UTC, still today
        (TEHRAN, utc(2026, 11, 24, 4, 30)),  # +03:30
        (KATHMANDU, utc(2026, 11, 24, 2, 15)),  # +05:45
        (UTC, utc(2026, 11, 24, 8)),
    ],
    ids=["paris", "new_york", "tehran", "kathmandu", "utc"],
)
def test_next_due_daily_in_several_zones(tz: tzinfo, expected: datetime) -> None:
    slot = next_due(DAILY_8, tz, NOON_MONDAY)
    assert slot == expected
    assert slot.tzinfo is UTC
    assert slot.astimezone(tz).time() == time(8, 0)


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (PARIS, utc(2026, 11, 30, 8)),  # today's 09:00 CET (08:00 UTC) has passed
        (NEW_YORK, utc(2026, 11, 23, 14)),  # 09:00 EST is still to come today
        (TEHRAN, utc(2026, 11, 30, 5, 30)),
        (KATHMANDU, utc(2026, 11, 30, 3, 15)),
        (UTC, utc(2026, 11, 30, 9)),
    ],
    ids=["paris", "new_york", "tehran", "kathmandu", "utc"],
)
def test_next_due_weekly_in_several_zones(tz: tzinfo, expected: datetime) -> None:
    slot = next_due(WEEKLY_MON_9, tz, NOON_MONDAY)
    assert slot == expected
    local = slot.astimezone(tz)
    assert (local.weekday(), local.time()) == (0, time(9, 0))


def test_next_due_is_strictly_after_so_a_delivered_slot_is_not_due_again() -> None:
    slot = next_due(DAILY_8, PARIS, NOON_MONDAY)
    assert next_due(DAILY_8, PARIS, slot) == slot + timedelta(days=1)
    assert next_due(DAILY_8, PARIS, slot - timedelta(microseconds=1)) == slot


def test_next_due_accepts_any_aware_moment_and_refuses_naive() -> None:
    in_tehran = NOON_MONDAY.astimezone(TEHRAN)
    assert next_due(DAILY_8, PARIS, in_tehran) == next_due(DAILY_8, PARIS, NOON_MONDAY)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due(DAILY_8, PARIS, datetime(2026, 11, 23, 12))
    with pytest.raises(ValueError, match="instant"):
        next_due(Cadence("instant"), PARIS, NOON_MONDAY)


def test_weekly_crosses_the_year_boundary() -> None:
    friday_evening = Cadence("weekly", time(18, 0), 4)
    slots = deliveries(friday_evening, PARIS, utc(2026, 12, 20), days=21)
    assert [s.astimezone(PARIS).date() for s in slots] == [
        date(2026, 12, 25),
        date(2027, 1, 1),
        date(2027, 1, 8),
    ]
    assert all(s.astimezone(PARIS).time() == time(18, 0) for s in slots)


def test_weekly_uses_the_local_weekday_not_the_utc_one() -> None:
    # Monday 09:00 in Auckland (+13:00 in January) is Sunday 20:00 UTC.
    slot = next_due(WEEKLY_MON_9, ZoneInfo("Pacific/Auckland"), utc(2026, 12, 30))
    assert slot == utc(2027, 1, 3, 20)


def test_last_due_is_the_latest_slot_at_or_before() -> None:
    slot = utc(2026, 11, 24, 7)
    assert last_due(DAILY_8, PARIS, slot) == slot
    assert last_due(DAILY_8, PARIS, slot - timedelta(seconds=1)) == slot - timedelta(days=1)
    assert last_due(WEEKLY_MON_9, PARIS, utc(2027, 1, 2)) == utc(2026, 12, 28, 8)
    assert last_due(Cadence("instant"), PARIS, slot) is None


# -- daylight saving -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "start", "change_day"),
    [
        (PARIS, utc(2026, 3, 18), date(2026, 3, 29)),
        (NEW_YORK, utc(2026, 2, 26), date(2026, 3, 8)),
    ],
    ids=["paris", "new_york"],
)
def test_spring_forward_gap_is_delivered_once_at_the_end_of_the_gap(
    tz: ZoneInfo, start: datetime, change_day: date
) -> None:
    slots = deliveries(DAILY_0230, tz, start, days=21)
    local = [s.astimezone(tz) for s in slots]
    first_day = local[0].date()
    assert len(slots) == 21
    assert [t.date() for t in local] == [first_day + timedelta(days=n) for n in range(21)]
    for t in local:
        # 02:30 does not exist on the change day: 03:00, the first moment after the gap.
        assert t.time() == (time(3, 0) if t.date() == change_day else time(2, 30))
    assert change_day in {t.date() for t in local}


@pytest.mark.parametrize(
    ("tz", "start", "at", "ambiguous"),
    [
        (PARIS, utc(2026, 10, 14), time(2, 30), True),  # 03:00 CEST -> 02:00 CET
        (NEW_YORK, utc(2026, 10, 21), time(1, 30), True),  # 02:00 EDT -> 01:00 EST
        (NEW_YORK, utc(2026, 10, 21), time(2, 30), False),  # after New York's repeated hour
    ],
    ids=["paris_0230", "new_york_0130", "new_york_0230"],
)
def test_autumn_fold_is_delivered_once_at_the_first_occurrence(
    tz: ZoneInfo, start: datetime, at: time, ambiguous: bool
) -> None:
    change_day = date(2026, 10, 25) if tz is PARIS else date(2026, 11, 1)
    slots = deliveries(Cadence("daily", at), tz, start, days=21)
    local = [s.astimezone(tz) for s in slots]
    first_day = local[0].date()
    assert len(slots) == 21
    assert [t.date() for t in local] == [first_day + timedelta(days=n) for n in range(21)]
    assert all(t.time() == at for t in local)
    first = datetime.combine(change_day, at, tzinfo=tz).astimezone(UTC)  # fold=0
    second = datetime.combine(change_day, at, tzinfo=tz).replace(fold=1).astimezone(UTC)
    assert first in slots
    assert (second - first == timedelta(hours=1)) is ambiguous
    if ambiguous:
        assert second not in slots


def test_ordinary_time_on_a_change_day_keeps_its_local_time() -> None:
    slots = deliveries(DAILY_8, PARIS, utc(2026, 3, 27), days=4)
    assert [s.astimezone(PARIS).time() for s in slots] == [time(8, 0)] * 4
    # 23 hours between Saturday's and Sunday's digests: the night was an hour shorter.
    assert slots[2] - slots[1] == timedelta(hours=23)


# -- catch-up after downtime -----------------------------------------------------------------

SIX_HOURS = timedelta(hours=6)
TUESDAY_SLOT = utc(2026, 11, 24, 7)  # 08:00 in Paris
MONDAY_SLOT = utc(2026, 11, 23, 7)


def test_due_slots_after_three_hours_down_sends_the_missed_slot_once() -> None:
    now = utc(2026, 11, 24, 9)  # down from 06:00 to 09:00 UTC, the 07:00 slot missed
    assert due_slots(DAILY_8, PARIS, MONDAY_SLOT, now, SIX_HOURS) == [TUESDAY_SLOT]
    # Once handled, it is never due again, however often the scheduler asks.
    assert due_slots(DAILY_8, PARIS, TUESDAY_SLOT, now, SIX_HOURS) == []
    assert due_slots(DAILY_8, PARIS, now, now + timedelta(hours=1), SIX_HOURS) == []


def test_due_slots_after_two_days_down_sends_only_the_latest() -> None:
    saturday_slot = utc(2026, 11, 22, 7)
    within_grace = utc(2026, 11, 24, 10)
    assert due_slots(DAILY_8, PARIS, saturday_slot, within_grace, SIX_HOURS) == [TUESDAY_SLOT]


def test_due_slots_drops_a_slot_older_than_the_grace() -> None:
    saturday_slot = utc(2026, 11, 22, 7)
    too_late = utc(2026, 11, 24, 15)  # 8 hours after the 07:00 slot
    assert due_slots(DAILY_8, PARIS, saturday_slot, too_late, SIX_HOURS) == []
    # The next slot still comes on time.
    assert next_due(DAILY_8, PARIS, too_late) == TUESDAY_SLOT + timedelta(days=1)


def test_due_slots_grace_is_inclusive_and_a_slot_is_due_at_its_instant() -> None:
    assert due_slots(DAILY_8, PARIS, MONDAY_SLOT, TUESDAY_SLOT, SIX_HOURS) == [TUESDAY_SLOT]
    edge = TUESDAY_SLOT + SIX_HOURS
    assert due_slots(DAILY_8, PARIS, MONDAY_SLOT, edge, SIX_HOURS) == [TUESDAY_SLOT]
    assert (
        due_slots(DAILY_8, PARIS, MONDAY_SLOT, TUESDAY_SLOT - timedelta(seconds=1), SIX_HOURS) == []
    )


def test_due_slots_for_new_or_instant_subscriptions_is_empty() -> None:
    now = utc(2026, 11, 24, 9)
    assert due_slots(DAILY_8, PARIS, None, now, SIX_HOURS) == []
    assert due_slots(Cadence("instant"), PARIS, MONDAY_SLOT, now, SIX_HOURS) == []
    with pytest.raises(ValueError, match="grace"):
        due_slots(DAILY_8, PARIS, MONDAY_SLOT, now, -SIX_HOURS)


def test_due_slots_weekly_after_a_week_down() -> None:
    last_monday = utc(2026, 11, 16, 8)
    now = utc(2026, 11, 23, 10)
    assert due_slots(WEEKLY_MON_9, PARIS, last_monday, now, SIX_HOURS) == [utc(2026, 11, 23, 8)]


# -- digest windows --------------------------------------------------------------------------


def test_window_is_the_period_before_the_slot() -> None:
    assert window(DAILY_8, TUESDAY_SLOT) == (MONDAY_SLOT, TUESDAY_SLOT)
    weekly_slot = utc(2026, 11, 30, 8)
    assert window(WEEKLY_MON_9, weekly_slot) == (utc(2026, 11, 23, 8), weekly_slot)
    with pytest.raises(ValueError):
        window(Cadence("instant"), TUESDAY_SLOT)


def test_window_is_shared_by_subscribers_whose_slots_coincide() -> None:
    paris = next_due(DAILY_8, PARIS, NOON_MONDAY)
    lagos = next_due(DAILY_8, ZoneInfo("Africa/Lagos"), NOON_MONDAY)  # +01:00, no DST
    fixed = next_due(Cadence("daily", time(7, 0)), UTC, NOON_MONDAY)
    assert paris == lagos == fixed
    assert window(DAILY_8, paris) == window(DAILY_8, lagos) == window(DAILY_8, fixed)
    # Given in another zone, the same instant is the same window, in UTC.
    assert window(DAILY_8, paris.astimezone(TEHRAN)) == window(DAILY_8, paris)


# -- rendering -------------------------------------------------------------------------------


def test_format_local_shows_the_subscribers_clock() -> None:
    assert format_local(TUESDAY_SLOT, PARIS) == "Tue 24 Nov 08:00 CET"
    assert format_local(utc(2026, 7, 3, 6), PARIS) == "Fri 3 Jul 08:00 CEST"
    assert format_local(TUESDAY_SLOT, NEW_YORK) == "Tue 24 Nov 02:00 EST"
    assert format_local(TUESDAY_SLOT, TEHRAN) == "Tue 24 Nov 10:30 UTC+03:30"
    assert format_local(TUESDAY_SLOT, parse_timezone("UTC+3")) == "Tue 24 Nov 10:00 UTC+03:00"
    assert format_local(TUESDAY_SLOT, UTC) == "Tue 24 Nov 07:00 UTC"
