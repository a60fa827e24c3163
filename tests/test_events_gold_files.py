"""Every hand-coded gold file shipped for the event extractor reads with the evaluator's
own rules (codes, types, dates), so a set added for an out-of-sample check is usable."""

from __future__ import annotations

from pathlib import Path

import pytest

from summaries.event_eval import read_gold

EVENTS = Path(__file__).parent / "data" / "events"
GOLD = sorted(p for p in EVENTS.glob("*/*_gold.jsonl") if "same_source" not in p.parts)


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_every_shipped_gold_file_reads_and_has_events(path):
    stories = read_gold(path)
    assert stories, path
    assert sum(len(s.events) for s in stories) >= 10
    assert len({s.id for s in stories}) == len(stories)
