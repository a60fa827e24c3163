"""The extractor on ordinary news phrasing: one act per sentence, written for the tests
(tests/data/events/phrasings.txt says how), so that a rule that only serves the dev sets'
stories shows up as a miss here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from summaries.events import extract_events

PHRASINGS = Path(__file__).parent / "data" / "events" / "phrasings.txt"
STORY_DATE = date(2015, 3, 10)


def _cases() -> list[tuple[str, tuple[str, ...], str]]:
    cases = []
    for line in PHRASINGS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            etype, sides, sentence = line.split("|", 2)
            cases.append((etype, tuple(sorted(sides.split(","))), sentence))
    return cases


@pytest.mark.parametrize(("etype", "sides", "sentence"), _cases())
def test_one_act_per_sentence_is_found(etype, sides, sentence):
    found = {(e.type, e.sides) for e in extract_events(sentence, published=STORY_DATE)}
    assert (etype, sides) in found
