"""`diplobot eval events`: the event extractor scored against hand-coded stories.

Protocol (fixed so that figures compare across runs): each gold line is a story
{"id", "date", "title", "text", "dateline"?, "events": [{"date", "sides", "type", "people"}]}.
The extractor runs on the story's text with its date; within a story, predicted events are
matched one-to-one to gold events with equal (sorted sides, type) -- and, for the "dated"
figures, equal (sides, type, date). Precision, recall and F1 are micro-averaged over all
stories. People are not scored here (the tests check them on the seeds).

A gold file with a malformed line is refused with an error naming the line: a silently
skipped story would change the figures.

`check_plover(path)` is a development check on the PLOVER/CAMEO manual sentences
(../shared/data/plover-gsr-cameo): how often the type and the country sides agree.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from summaries.events import Event, event_types, extract_events

# Historic and organisation codes the gold may use besides ISO alpha-2.
ORGANISATION_CODES = frozenset(
    {"UN", "UNSC", "EU", "EC", "G7", "NATO", "OPEC", "GATT", "IMF", "WORLDBANK", "CAIRNS"}
)


class GoldError(ValueError):
    """A gold file that cannot be scored; the message names the file and line."""


@dataclass(frozen=True)
class GoldEvent:
    date: date | None
    sides: tuple[str, ...]
    type: str
    people: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldStory:
    id: str
    date: date | None
    title: str | None
    text: str
    dateline: str | None
    events: tuple[GoldEvent, ...]


@dataclass
class EventScores:
    """Matched, predicted and gold counts, undated and dated, with per-type recall."""

    n_stories: int = 0
    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    dated_matched: int = 0
    gold_by_type: Counter[str] = field(default_factory=Counter)
    found_by_type: Counter[str] = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return _ratio(self.matched, self.n_pred)

    @property
    def recall(self) -> float:
        return _ratio(self.matched, self.n_gold)

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def dated_precision(self) -> float:
        return _ratio(self.dated_matched, self.n_pred)

    @property
    def dated_recall(self) -> float:
        return _ratio(self.dated_matched, self.n_gold)

    @property
    def dated_f1(self) -> float:
        return _f1(self.dated_precision, self.dated_recall)

    def recall_by_type(self) -> dict[str, float]:
        counts = sorted(self.gold_by_type.items())
        return {t: round(_ratio(self.found_by_type[t], n), 4) for t, n in counts}

    def as_json(self) -> dict[str, float | int]:
        """Exactly the figures scripts rely on."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "dated_precision": round(self.dated_precision, 4),
            "dated_recall": round(self.dated_recall, 4),
            "dated_f1": round(self.dated_f1, 4),
            "n_gold": self.n_gold,
            "n_pred": self.n_pred,
        }


def read_gold(path: Path) -> list[GoldStory]:
    """The stories of a gold file; GoldError naming the line for anything malformed."""
    stories = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read the gold file ({exc})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            stories.append(_story(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        except (TypeError, ValueError, KeyError) as exc:
            raise GoldError(f"{path}:{number}: {exc}") from exc
    return stories


def evaluate_events(path: Path) -> EventScores:
    """Score `extract_events` on every story of a gold file (see the module docstring)."""
    scores = EventScores()
    for story in read_gold(path):
        predicted = extract_events(
            story.text, title=story.title, published=story.date, dateline=story.dateline
        )
        score_story(scores, story, predicted)
    return scores


def score_story(scores: EventScores, story: GoldStory, predicted: list[Event]) -> None:
    """Add one story's matches to `scores`."""
    scores.n_stories += 1
    scores.n_gold += len(story.events)
    scores.n_pred += len(predicted)
    scores.gold_by_type.update(g.type for g in story.events)
    undated = [(p.sides, p.type) for p in predicted]
    dated = [(p.sides, p.type, p.date) for p in predicted]
    for gold in story.events:
        key = (gold.sides, gold.type)
        if key in undated:
            undated.remove(key)
            scores.matched += 1
            scores.found_by_type[gold.type] += 1
        if (*key, gold.date) in dated:
            dated.remove((*key, gold.date))
            scores.dated_matched += 1


def _story(record: Any) -> GoldStory:
    if not isinstance(record, dict):
        raise TypeError("a story must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('"text" must be a non-empty string')
    events = record.get("events")
    if not isinstance(events, list):
        raise ValueError('"events" must be a list')
    title, dateline = record.get("title"), record.get("dateline")
    if title is not None and not isinstance(title, str):
        raise ValueError('"title" must be a string or null')
    if dateline is not None and not isinstance(dateline, str):
        raise ValueError('"dateline" must be a string or null')
    return GoldStory(
        id=str(record.get("id", "")),
        date=_date(record.get("date"), "date"),
        title=title,
        text=text,
        dateline=dateline,
        events=tuple(_event(e, i) for i, e in enumerate(events, 1)),
    )


def _event(raw: Any, number: int) -> GoldEvent:
    where = f"event {number}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a JSON object")
    sides = raw.get("sides")
    if not isinstance(sides, list) or not sides or not all(isinstance(s, str) for s in sides):
        raise ValueError(f'{where}: "sides" must be a non-empty list of codes')
    for side in sides:
        if not (len(side) == 2 and side.isalpha() and side.isupper()) and (
            side not in ORGANISATION_CODES
        ):
            raise ValueError(f"{where}: unknown side code {side!r}")
    etype = raw.get("type")
    if etype not in event_types():
        raise ValueError(f"{where}: unknown type {etype!r} (one of {', '.join(event_types())})")
    people = raw.get("people", [])
    if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
        raise ValueError(f'{where}: "people" must be a list of names')
    return GoldEvent(
        date=_date(raw.get("date"), f"{where} date"),
        sides=tuple(sorted(set(sides))),
        type=etype,
        people=tuple(people),
    )


def _date(value: Any, what: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{what} must be YYYY-MM-DD or null")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a YYYY-MM-DD date") from None


# ---------------------------------------------------------------------------------------------
# PLOVER development check

# PLOVER event -> the diplobot types that count as agreeing (README of the data set). AGREE
# (CAMEO 03: intents, offers, promises) is "mostly none" there, so it is scored with the events
# that should give no diplobot event.
PLOVER_TYPES: dict[str, frozenset[str]] = {
    "CONSULT": frozenset({"visit", "phone_call", "meeting", "negotiation"}),
    "SUPPORT": frozenset({"praise", "agreement"}),
    "DEMAND": frozenset({"appeal"}),
    "DISAPPROVE": frozenset({"criticism", "accusation"}),
    "THREATEN": frozenset({"threat"}),
    "SANCTION": frozenset({"sanctions", "visit_cancelled"}),
}


def check_plover(path: Path) -> dict[str, Any]:
    """Type and side agreement on PLOVER sentences, each run as a one-sentence story.

    - type_accuracy: over sentences whose PLOVER event maps to a diplobot type, the share whose
      first predicted event has a matching type;
    - none_accuracy: over sentences whose event has no diplobot type, the share with no event;
    - sides_accuracy: over sentences with >= 2 country sides and a predicted event, the share
      whose predicted country sides equal the gold's.
    """
    mapped = mapped_ok = unmapped = unmapped_ok = sided = sided_ok = 0
    per_event: Counter[str] = Counter()
    per_event_ok: Counter[str] = Counter()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        events = extract_events(record["text"])
        allowed = PLOVER_TYPES.get(record["event"])
        if allowed is None:
            unmapped += 1
            unmapped_ok += not events
        else:
            mapped += 1
            ok = bool(events) and events[0].type in allowed
            mapped_ok += ok
            per_event[record["event"]] += 1
            per_event_ok[record["event"]] += ok
        gold_sides = set(record.get("sides_iso2") or [])
        if len(gold_sides) >= 2 and events:
            sided += 1
            predicted = {s for s in events[0].sides if s not in ORGANISATION_CODES}
            sided_ok += predicted == gold_sides
    return {
        "type_accuracy": round(_ratio(mapped_ok, mapped), 4),
        "type_n": mapped,
        "none_accuracy": round(_ratio(unmapped_ok, unmapped), 4),
        "none_n": unmapped,
        "sides_accuracy": round(_ratio(sided_ok, sided), 4),
        "sides_n": sided,
        "type_accuracy_by_event": {
            e: f"{per_event_ok[e]}/{n}" for e, n in sorted(per_event.items())
        },
    }


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


if __name__ == "__main__":
    import sys

    print(json.dumps(check_plover(Path(sys.argv[1]))))
