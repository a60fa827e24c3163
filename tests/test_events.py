"""Diplomatic event extraction (summaries/events.py), its evaluation and `eval events`.

The seed gold (tests/data/events/seeds_gold.jsonl) is the table of issue 5 over the five
bundled seed articles; the short texts below are written for these tests.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from bot.cli_events import add_eval_events_parser
from summaries.event_eval import GoldError, evaluate_events, read_gold
from summaries.events import event_types, extract_events, person_key, same_person

GOLD = Path(__file__).parent / "data" / "events" / "seeds_gold.jsonl"


def _stories():
    return read_gold(GOLD)


@pytest.mark.parametrize("story", _stories(), ids=lambda s: s.id[:3])
def test_every_seed_gold_event_is_found_with_date_sides_type_and_people(story):
    predicted = extract_events(story.text, title=story.title, published=story.date)
    for gold in story.events:
        matches = [e for e in predicted if e.sides == gold.sides and e.type == gold.type]
        assert matches, f"{story.id}: no {gold.type} {gold.sides} in {predicted}"
        event = matches[0]
        assert event.date == gold.date
        for name in gold.people:
            assert any(same_person(name, p) for p in event.people), (name, event.people)


def test_seed_events_carry_titles_and_cameo_codes():
    story = next(s for s in _stories() if s.id.startswith("003"))
    events = extract_events(story.text, title=story.title, published=story.date)
    call = next(e for e in events if e.sides == ("IR", "PK"))
    assert call.cameo == "041"
    titles = {a.side: a.title for a in call.actors}
    assert titles == {"PK": "caretaker Foreign Minister", "IR": "Foreign Minister"}
    message = next(e for e in events if e.sides == ("CN", "IR"))
    assert message.type == "message" and message.cameo == "018"


def test_condolences_in_a_call_are_part_of_the_call():
    story = next(s for s in _stories() if s.id.startswith("003"))
    events = extract_events(story.text, title=story.title, published=story.date)
    assert [e.type for e in events if e.sides == ("IR", "PK")] == ["phone_call"]


def test_four_amirabdollahian_spellings_are_one_person():
    spellings = ["Amirabdollahian", "Amir-Abdollahian", "Amir Abdollahian", "Amir‐Abdollahian"]
    assert len({person_key(s) for s in spellings}) == 1
    assert all(same_person("Hossein Amirabdollahian", s) for s in spellings)
    assert person_key("Raisi") == person_key("Raeisi")
    assert same_person("Ebrahim Raeisi", "Raisi")
    assert not same_person("Hossein Amirabdollahian", "Hakan Fidan")


def test_iranian_foreign_minister_has_one_key_across_seeds():
    keys = set()
    for story in _stories():
        for event in extract_events(story.text, title=story.title, published=story.date):
            keys.update(
                a.person_key
                for a in event.actors
                if a.person and same_person(a.person, "Amirabdollahian")
            )
    assert len(keys) == 1


CALL = (
    "In a telephone conversation with her Iranian counterpart {when}, French Foreign Minister "
    "Catherine Colonna condemned the attack in Kerman."
)


def test_weekday_resolves_against_the_article_date():
    events = extract_events(CALL.format(when="on Saturday"), published=date(2024, 1, 7))
    assert [(e.type, e.sides, e.date) for e in events] == [
        ("phone_call", ("FR", "IR"), date(2024, 1, 6))
    ]
    assert events[0].date_how == "text"


def test_month_and_day_resolve_against_the_article_date():
    events = extract_events(CALL.format(when="on January 3"), published=date(2024, 1, 7))
    assert events[0].date == date(2024, 1, 3)


def test_unknown_article_date_gives_no_event_date():
    events = extract_events(CALL.format(when="on Saturday"), published=None)
    assert events and events[0].date is None and events[0].date_how is None


def test_counterpart_takes_the_other_sides_title():
    events = extract_events(CALL.format(when="on Saturday"), published=None)
    titles = {a.side: a.title for a in events[0].actors}
    assert titles == {"FR": "Foreign Minister", "IR": "Foreign Minister"}


def test_japanese_counterpart_is_japans_side():
    text = (
        "Iranian Foreign Minister Hossein Amirabdollahian held a phone call with his Japanese "
        "counterpart Yoko Kamikawa on Tuesday."
    )
    (event,) = extract_events(text, published=date(2024, 4, 17))
    assert event.sides == ("IR", "JP")
    kamikawa = next(a for a in event.actors if a.side == "JP")
    assert kamikawa.person == "Yoko Kamikawa" and kamikawa.title == "Foreign Minister"
    assert event.date == date(2024, 4, 16)


@pytest.mark.parametrize(
    "text",
    [
        "Iranian Foreign Minister Hossein Amirabdollahian said the economy grew last year.",
        "The French foreign minister condemned the terrorist attack in Kerman.",
        "Thousands more are missing under the rubble in Gaza.",
        "The company said the order met the demand of customers in Japan and France.",
    ],
)
def test_no_event_from_a_sentence_without_an_interaction(text):
    assert extract_events(text, published=date(2024, 1, 7)) == []


def test_a_planned_visit_stated_as_fact_is_an_event_with_no_day_for_a_vague_time():
    text = "Chinese President Xi Jinping will visit France next month, officials said."
    (event,) = extract_events(text, published=date(2024, 1, 7))
    assert (event.type, event.sides, event.date) == ("visit", ("CN", "FR"), None)
    roles = {a.side: a.role for a in event.actors}
    assert roles == {"CN": "source", "FR": "target"}


@pytest.mark.parametrize(
    "text",
    [
        "Chinese President Xi Jinping may visit France next month, officials said.",
        "Chinese President Xi Jinping did not visit France, officials said.",
        "Chinese President Xi Jinping refused to meet French President Emmanuel Macron.",
        "If the talks fail, Japan's Trade Minister said, Tokyo could impose sanctions on Korea.",
        "In 2009, U.S. President Barack Obama visited France.",
    ],
)
def test_hypothetical_negated_and_background_acts_are_left_out(text):
    assert extract_events(text, published=date(2024, 1, 7)) == []


def test_several_acts_in_one_sentence_are_several_events():
    text = (
        "In a phone call with Israeli Prime Minister Benjamin Netanyahu on Thursday, U.S. "
        "President Barack Obama congratulated him on his victory."
    )
    events = extract_events(text, published=date(2015, 3, 20))
    assert {(e.type, e.sides, e.date) for e in events} == {
        ("phone_call", ("IL", "US"), date(2015, 3, 19)),
        ("praise", ("IL", "US"), date(2015, 3, 19)),
    }


def test_a_call_with_two_partners_is_two_calls():
    text = (
        "U.S. Secretary of State John Kerry spoke by phone with Russian Foreign Minister "
        "Sergey Lavrov and Chinese Foreign Minister Wang Yi."
    )
    events = extract_events(text, published=date(2015, 3, 20))
    assert sorted(e.sides for e in events if e.type == "phone_call") == [
        ("CN", "US"),
        ("RU", "US"),
    ]


def test_one_act_per_actor_when_several_actors_criticise():
    text = "Lebanon and Iraq have criticised Saudi Arabia over the strikes."
    events = extract_events(text, published=date(2015, 3, 28))
    assert sorted(e.sides for e in events) == [("IQ", "SA"), ("LB", "SA")]


def test_capitals_and_seats_of_power_stand_for_their_state():
    text = "The Kremlin accused Washington of meddling, and Tokyo urged Seoul to show restraint."
    events = extract_events(text, published=date(2015, 3, 28))
    assert {(e.type, e.sides) for e in events} == {
        ("accusation", ("RU", "US")),
        ("appeal", ("JP", "KR")),
    }


def test_the_soviet_union_and_the_european_community_in_their_time():
    text = "Moscow criticised the European Community over the new farm duties."
    (event,) = extract_events(text, published=date(1987, 3, 2))
    assert event.sides == ("EC", "SU")
    (event,) = extract_events(text, published=date(2015, 3, 2))
    assert event.sides == ("EU", "RU")


@pytest.mark.parametrize(
    ("phrase", "published", "expected"),
    [
        ("on Monday", date(2024, 1, 8), date(2024, 1, 8)),  # a Monday story: that day
        ("on Saturday", date(2024, 1, 8), date(2024, 1, 6)),
        ("last Friday", date(2024, 1, 8), date(2024, 1, 5)),
        ("yesterday", date(2024, 1, 8), date(2024, 1, 7)),
        ("last week", date(2024, 1, 8), None),
        ("recently", date(2024, 1, 8), None),
    ],
)
def test_dates_follow_the_guidelines(phrase, published, expected):
    text = f"French Foreign Minister Catherine Colonna met Iranian officials {phrase}."
    (event,) = extract_events(text, published=published)
    assert event.date == expected


def test_a_future_weekday_is_the_next_one():
    text = "French Foreign Minister Catherine Colonna will meet Iranian officials on Thursday."
    (event,) = extract_events(text, published=date(2024, 1, 8))
    assert event.date == date(2024, 1, 11)


def test_organisations_are_sides():
    text = "The UN Security Council on Thursday condemned Israel over the strikes."
    (event,) = extract_events(text, published=date(2024, 1, 5))
    assert (event.type, event.sides, event.cameo) == ("criticism", ("IL", "UNSC"), "111")
    text = "The European Union imposed new sanctions on Russia on Monday."
    (event,) = extract_events(text, published=date(2024, 2, 27))
    assert (event.type, event.sides) == ("sanctions", ("EU", "RU"))
    assert event.date == date(2024, 2, 26)


def test_appeal_for_a_ceasefire_is_coded_0256():
    text = "Turkey urged Israel to agree to an immediate ceasefire in Gaza."
    (event,) = extract_events(text)
    assert (event.type, event.sides, event.cameo) == ("appeal", ("IL", "TR"), "0256")
    roles = {a.side: a.role for a in event.actors}
    assert roles == {"TR": "source", "IL": "target"}
    assert "Gaza ceasefire" in event.topics


def test_event_as_dict_is_plain_json():
    (event,) = extract_events(CALL.format(when="on Saturday"), published=date(2024, 1, 7))
    data = json.loads(json.dumps(event.as_dict()))
    assert data["sides"] == ["FR", "IR"] and data["date"] == "2024-01-06"
    assert data["cameo"] == "041" and data["sentences"]


def test_every_type_has_a_cameo_code():
    types = event_types()
    assert set(types) >= {
        "phone_call", "visit", "meeting", "negotiation", "message", "appeal", "praise",
        "agreement", "criticism", "accusation", "threat", "sanctions", "visit_cancelled",
    }  # fmt: skip
    assert types["phone_call"] == "041" and types["meeting"] == "044"


def test_evaluate_events_on_the_seed_gold_finds_every_event():
    scores = evaluate_events(GOLD)
    figures = scores.as_json()
    assert set(figures) == {
        "precision", "recall", "f1", "dated_precision", "dated_recall", "dated_f1",
        "n_gold", "n_pred",
    }  # fmt: skip
    assert figures["recall"] == 1.0 and figures["dated_recall"] == 1.0
    assert figures["n_gold"] == 7
    assert scores.recall_by_type() == {"message": 1.0, "phone_call": 1.0}


def test_bad_gold_file_names_the_line(tmp_path):
    good = GOLD.read_text(encoding="utf-8").splitlines()[0]
    bad = json.dumps({"id": "x", "date": None, "title": "t", "text": "t", "events": [
        {"date": None, "sides": ["IR", "FR"], "type": "phonecall", "people": []}
    ]})  # fmt: skip
    path = tmp_path / "gold.jsonl"
    path.write_text(good + "\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"gold\.jsonl:2: event 1: unknown type 'phonecall'"):
        evaluate_events(path)
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r":1: not JSON"):
        read_gold(path)


def _eval_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="diplobot")
    commands = parser.add_subparsers()
    evals = commands.add_parser("eval").add_subparsers(required=True)
    add_eval_events_parser(evals)
    return parser


def test_eval_events_command_prints_json(capsys):
    args = _eval_parser().parse_args(["eval", "events", "--gold", str(GOLD), "--json"])
    assert args.func(args) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["recall"] == 1.0 and figures["n_gold"] == 7


def test_eval_events_command_prints_a_table(capsys):
    args = _eval_parser().parse_args(["eval", "events", "--gold", str(GOLD)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "phone_call" in out


def test_eval_events_command_refuses_a_bad_gold_file(tmp_path, capsys):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "x", "text": "t", "events": "none"}\n', encoding="utf-8")
    args = _eval_parser().parse_args(["eval", "events", "--gold", str(path)])
    assert args.func(args) == 2
    assert "gold.jsonl:1" in capsys.readouterr().err
    args = _eval_parser().parse_args(["eval", "events", "--gold", str(tmp_path / "missing")])
    assert args.func(args) == 2


def test_the_two_sides_continue_the_previous_event():
    text = (
        "Iranian Foreign Minister Abbas Araghchi met his Omani counterpart Badr Albusaidi in "
        "Muscat on Sunday.\n\nThe two sides also signed an agreement on maritime security."
    )
    events = extract_events(text, published=date(2024, 10, 7))
    assert [(e.type, e.sides, e.date) for e in events] == [
        ("meeting", ("IR", "OM"), date(2024, 10, 6)),
        ("agreement", ("IR", "OM"), date(2024, 10, 6)),
    ]
    assert "maritime security" in events[1].topics


def test_a_condemned_deed_points_at_its_doer_not_its_place():
    text = (
        "Iran's Foreign Ministry spokesman Esmaeil Baghaei condemned the Israeli strikes on Syria."
    )
    (event,) = extract_events(text)
    assert (event.type, event.sides) == ("criticism", ("IL", "IR"))
    spokesman = next(a for a in event.actors if a.side == "IR")
    assert spokesman.title == "Foreign Ministry spokesman" and spokesman.role == "source"


def test_leaders_named_without_their_country_take_it_from_the_officeholders_table():
    text = "President Obama urged Netanyahu to return to talks with the Palestinians."
    (event,) = extract_events(text, published=date(2015, 3, 20))
    assert (event.type, event.sides) == ("appeal", ("IL", "US"))
    assert extract_events(text, published=date(2015, 3, 20), people_table=False) == []


def test_the_officeholders_table_answers_only_within_a_term_and_never_between_two():
    from summaries.events.officials import side_of

    assert side_of("Reagan", date(1987, 3, 1)) == "US"
    assert side_of("Reagan", date(1995, 3, 1)) is None  # out of office
    assert side_of("Baker", date(1987, 3, 1)) is None  # Treasury then, not State
    assert side_of("Baker", date(1990, 3, 1)) == "US"
    assert side_of("Amir Abdollahian", date(2024, 1, 6)) == "IR"  # spelling variant
    assert side_of("Xi", None) == "CN"  # surname first
    assert side_of("Abdullah", None) is None  # Saudi and Jordanian kings
    assert side_of("Both", None) is None  # no loose skeleton matches ("Botha")
    assert side_of("Ortega", date(1987, 3, 1)) == "NI"
    assert side_of("James A. Baker III", date(1990, 3, 1)) == "US"  # a middle initial
    assert side_of("George H.W. Bush", date(1990, 3, 1)) == "US"


def test_a_name_with_a_middle_initial_is_one_name():
    from summaries.events.names import NAME

    assert [m.group() for m in NAME.finditer("Clayton K. Yeutter warned")] == ["Clayton K. Yeutter"]
    assert [m.group() for m in NAME.finditer("said George H.W. Bush")][-1] == "George H.W. Bush"


def test_a_long_name_ending_in_a_leaders_surname_is_not_that_leader():
    from summaries.events.officials import side_of_variant

    assert side_of_variant("Abd Rabbu Mansour Hadi", None) == "YE"  # a spelling of his
    assert side_of_variant("Omar Trevino Morales", None) is None  # a Zetas boss, not Evo
    text = (
        "Mexican marines captured Zetas boss Omar Trevino Morales. U.S. officials have "
        "requested his extradition, a Mexican official said."
    )
    assert all("BO" not in e.sides for e in extract_events(text))


def test_judgements_reported_in_speech_are_criticism_and_praise():
    text = (
        'Iranian Foreign Minister Mohammad Javad Zarif said the Israeli strikes were "a big '
        "mistake\".\n\nU.S. Secretary of State John Kerry called Singapore's Prime Minister "
        'Lee Hsien Loong "a statesman".'
    )
    events = extract_events(text, published=date(2015, 3, 24))
    assert {(e.type, e.sides) for e in events} == {
        ("criticism", ("IL", "IR")),
        ("praise", ("SG", "US")),
    }
    calm = "Iranian Foreign Minister Mohammad Javad Zarif said the Israeli move was not a mistake."
    assert extract_events(calm, published=date(2015, 3, 24)) == []


def _pages():
    path = Path(__file__).parent / "data" / "events" / "pages" / "stories.jsonl"
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


@pytest.mark.parametrize(
    ("story", "expected"),
    [
        (
            "koreaherald",
            {
                ("phone_call", ("CN", "KR"), date(2024, 2, 6)),
                ("praise", ("CN", "KR"), date(2024, 2, 7)),  # Cho thanked Wang
                ("appeal", ("CN", "KR"), date(2024, 2, 7)),  # called on Beijing
            },
        ),
        ("news.az", {("phone_call", ("TR", "US"), date(2022, 2, 8))}),
        (
            "tehrantimes",
            {
                ("phone_call", ("IR", "UA"), date(2022, 3, 15)),
                ("appeal", ("IR", "UA"), date(2022, 3, 15)),
                ("praise", ("IR", "UA"), date(2022, 3, 15)),
            },
        ),
    ],
)
def test_real_pages_from_other_outlets_give_their_events(story, expected):
    record = _pages()[story]
    events = extract_events(record["text"], published=date.fromisoformat(record["date"]))
    assert {(e.type, e.sides, e.date) for e in events} == expected


def test_an_official_named_by_title_then_by_name_in_the_next_sentence_is_one_person():
    text = (
        "Australia's trade minister is optimistic about the farm talks.\n\n"
        "Michael Duffy said the European Community's reform plan and the U.S. proposal "
        "were steps in the right direction."
    )
    events = extract_events(text, published=date(1987, 10, 20))
    assert {(e.type, e.sides) for e in events} == {
        ("praise", ("AU", "EC")),
        ("praise", ("AU", "US")),
    }
    assert all(e.actors[0].person == "Michael Duffy" for e in events)


def test_a_verb_coordinated_with_another_shares_its_subject_and_object():
    text = (
        "Senior U.S. officials have accused Tokyo of failing to live up to the accord and "
        "have threatened retaliatory action."
    )
    events = extract_events(text, published=date(1987, 3, 24))
    assert {(e.type, e.sides) for e in events} == {
        ("accusation", ("JP", "US")),
        ("threat", ("JP", "US")),
    }
    assert all(e.actors[0].side == "US" for e in events)


def test_hostile_text_never_raises_and_stays_bounded():
    """Random and pathological text (control characters, runaway quotes and brackets,
    trigger words and possessives repeated) gives a list, never an exception."""
    import random
    import string

    rng = random.Random(7)
    alphabet = string.printable + "’“”—–\u200f\u202e\x00ÇŠ"
    cases = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300))) for _ in range(150)]
    cases += [
        "Iran's " * 200 + "condemned met visited " * 100,
        '"' * 500 + "(" * 300 + " and ".join(["France condemned Iran"] * 100),
        "Talks between " + ", ".join(["Iran"] * 400),
        "",
        " \n\n ",
    ]
    for text in cases:
        events = extract_events(text, published=date(2015, 3, 1), dateline="TOKYO, March 3")
        assert isinstance(events, list)


@pytest.mark.parametrize(
    "text",
    [
        "Saudi Foreign Minister Adel al-Jubeir said Riyadh has been discussing the matter with "
        "the United States for many months.",
        "Japan's finance minister said he talks with U.S. officials from time to time.",
        "In January, Iranian Foreign Minister Mohammad Javad Zarif met Omani officials.",
        "British Foreign Minister Philip Hammond was asked about Iran's programme.",
    ],
)
def test_habitual_earlier_and_passive_acts_are_not_news(text):
    assert extract_events(text, published=date(2015, 3, 24)) == []


def test_a_month_ahead_is_a_plan_not_background():
    text = "Iranian Foreign Minister Mohammad Javad Zarif will visit Oman in June."
    (event,) = extract_events(text, published=date(2015, 3, 24))
    assert (event.type, event.sides, event.date) == ("visit", ("IR", "OM"), None)
