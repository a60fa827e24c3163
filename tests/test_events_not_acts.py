"""Wording that looks like a diplomatic act and is not one. The texts are written for these
tests."""

from __future__ import annotations

from datetime import date

from summaries.events import extract_events

STORY_DATE = date(2015, 3, 10)


def _types(text: str) -> set[str]:
    return {e.type for e in extract_events(text, published=STORY_DATE)}


def test_called_off_is_no_phone_call():
    text = "The trip was called off on Monday after Croatia's president made remarks about Serbia."
    assert "phone_call" not in _types(text)


def test_a_thing_that_threatens_the_region_is_no_threat():
    text = (
        "Egypt's Foreign Ministry on Tuesday condemned the raid by Israeli police, calling it "
        'an "escalation" that threatened to inflame the region.'
    )
    assert _types(text) == {"criticism"}


def test_a_letter_which_threatened_is_its_senders_threat():
    text = (
        "Iran's foreign minister criticized a letter sent by U.S. senators to Iran's leaders, "
        "which threatened to scupper any deal."
    )
    assert "threat" in _types(text)


def test_a_reporters_question_is_no_appeal():
    text = (
        "Asked about the Canadian government decision to apply a duty on U.S. corn, U.S. Trade "
        "Representative Clayton Yeutter said the U.S. could file a complaint."
    )
    assert "appeal" not in _types(text)
    assert "appeal" in _types("The European Union asked Russia to use its influence.")


def test_the_judged_reason_for_sanctions_is_part_of_them():
    text = (
        'Beijing imposed sanctions on a U.S. senator over his "provocative" remarks on Tuesday, '
        "China's foreign ministry said."
    )
    assert _types(text) == {"sanctions"}
    both = "China condemned Washington's decision and imposed sanctions on U.S. arms makers."
    assert _types(both) == {"sanctions", "criticism"}


def test_a_leaders_trip_to_the_united_nations_is_no_visit():
    text = "Iranian President Hassan Rouhani cut short his visit to the United Nations on Tuesday."
    assert "visit" not in _types(text)


def test_a_stay_for_talks_with_a_third_state_is_no_visit_to_the_host():
    text = (
        "Iranian Foreign Minister Mohammad Javad Zarif is in Geneva on Tuesday for talks with "
        "U.S. Secretary of State John Kerry."
    )
    assert _types(text) == {"negotiation"}


def test_hosts_as_a_noun_is_no_visit():
    text = (
        "U.S. officials said the five men live in luxury, courtesy of their gracious Qatari hosts."
    )
    assert "visit" not in _types(text)
    assert "visit" in _types("Egyptian President Abdel Fattah el-Sisi hosts Saudi King Salman.")


def test_a_dismissal_from_office_is_no_criticism():
    assert "criticism" not in _types("Japan's prime minister dismissed his trade minister.")


def test_refraining_from_retaliation_is_no_threat():
    text = (
        "Japanese Trade Minister Hajime Tamura said on Tuesday that Japan will refrain from "
        "taking retaliatory action against the United States."
    )
    assert "threat" not in _types(text)


def test_the_purpose_of_sanctions_is_no_threat_besides_them():
    text = (
        "U.S. President Barack Obama on Tuesday imposed tariffs on Chinese tyres to retaliate "
        "for China's failure to open its markets."
    )
    assert _types(text) == {"sanctions"}


def test_students_returning_from_abroad_make_no_visit():
    assert "visit" not in _types("The students returned from France on Tuesday.")


def test_lifting_an_embargo_is_no_sanction():
    text = "U.S. President Barack Obama lifted the arms embargo on Vietnam on Tuesday."
    assert "sanctions" not in _types(text)
    assert "sanctions" in _types("The European Union imposed an arms embargo on Syria on Tuesday.")
