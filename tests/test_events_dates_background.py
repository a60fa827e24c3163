"""When a month alone dates an act before the news, and when it names a plan. The texts are
written for these tests."""

from __future__ import annotations

from datetime import date

from summaries.events import extract_events

MAY_STORY = date(2023, 5, 16)


def _found(text: str, published: date = MAY_STORY) -> set[tuple[str, tuple[str, ...]]]:
    return {(e.type, e.sides) for e in extract_events(text, published=published)}


def _dates(text: str, published: date) -> set[date | None]:
    return {e.date for e in extract_events(text, published=published)}


def test_a_later_month_in_a_past_report_is_last_year_and_background():
    # December, told in May: the expulsion came before the news and is only its context.
    assert not _found("Chile expelled Peru's ambassador in December over the dispute.")


def test_a_later_month_after_an_infinitive_is_a_plan_not_background():
    text = "Egypt and Jordan agreed on Tuesday to hold joint naval exercises in September."
    assert ("agreement", ("EG", "JO")) in _found(text)


def test_a_later_month_with_a_future_verb_is_a_plan():
    assert ("visit", ("CN", "RU")) in _found("Xi Jinping will visit Russia in September.")


def test_officials_of_another_state_posted_in_a_country_are_not_its_rulers():
    found = _found("U.S. officials in Iraq on Tuesday accused Iran of arming militias.")
    assert ("accusation", ("IR", "US")) in found
    assert ("accusation", ("IQ", "IR")) not in found


def test_an_act_dated_weeks_before_the_story_is_background():
    august = date(2017, 8, 16)
    text = "Saudi Arabia and Egypt cut diplomatic ties with Qatar on June 5."
    assert not _found(text, august)
    assert ("sanctions", ("EG", "QA")) in _found(text, date(2017, 6, 6))


def test_a_date_that_names_an_accord_does_not_date_the_visit():
    text = (
        "French Prime Minister Jacques Chirac, on the first day of a three-day visit to the "
        "United States, said "
        "the February 22 Paris accords should serve as a basis for the new mechanism."
    )
    events = extract_events(text, published=date(1987, 3, 30))
    visits = [e for e in events if e.type == "visit"]
    assert visits and visits[0].date != date(1987, 2, 22)


def test_a_capital_one_flew_to_is_where_the_talks_are_not_a_party():
    text = "Japanese Vice Minister Makoto Kuroda flew to Washington for talks with U.S. officials."
    assert ("negotiation", ("JP", "US")) in _found(text, date(1987, 4, 9))


def test_a_present_tense_hosting_with_a_weekday_is_scheduled_ahead():
    wednesday = date(2019, 10, 2)
    text = "South Africa's President Cyril Ramaphosa hosts Nigeria's Muhammadu Buhari on Thursday."
    events = extract_events(text, published=wednesday)
    assert [(e.type, e.date) for e in events] == [("visit", date(2019, 10, 3))]


def test_a_past_verb_dates_its_weekday_back_whatever_the_clause_expects():
    saturday = date(1988, 12, 31)
    text = (
        "Prime Minister Benazir Bhutto of Pakistan and her Indian counterpart, Rajiv Gandhi, "
        "met Friday for historic talks expected to open a new page in relations."
    )
    assert _dates(text, saturday) == {date(1988, 12, 30)}
    ahead = "Indian Prime Minister Rajiv Gandhi will visit Pakistan on Friday."
    assert _dates(ahead, saturday) == {date(1989, 1, 6)}


def test_a_weekday_reported_after_said_that_is_ahead_when_the_act_would_come():
    wednesday = date(1987, 4, 1)
    text = (
        "The spokesman said that on Thursday Deputy U.S. Trade Representative Michael Smith "
        "would meet Japanese Vice Minister Makoto Kuroda."
    )
    assert _dates(text, wednesday) == {date(1987, 4, 2)}


def test_a_trip_told_as_the_last_one_or_by_its_year_is_background():
    october = date(2015, 10, 22)
    last = (
        "When Japanese Agriculture Minister Takashi Sato last visited Washington, he offered more."
    )
    assert not _found(last, october)
    year = "Cameron angered China during his 2010 visit to Beijing, Chinese officials said."
    assert ("visit", ("CN", "GB")) not in _found(year, october)
    named = (
        "German Foreign Minister Heiko Maas arrived in Tehran on a mission to save the 2015 deal."
    )
    assert ("visit", ("DE", "IR")) in _found(named, october)
