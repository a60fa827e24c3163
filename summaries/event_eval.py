"""`diplobot eval events`: the event extractor scored against hand-coded stories.

Protocol (fixed so that figures compare across runs): each gold line is a story
{"id", "date", "title", "text", "dateline"?, "events": [{"date", "sides", "type", "people",
"evidence"?}]} as ../shared/data/events-dev/GUIDELINES.md defines it. The extractor runs on the
story's text with its date; within a story, predicted events are matched one-to-one to gold
events with equal (sorted sides, type) -- and, for the "dated" figures, equal (sides, type,
date). Precision, recall and F1 are micro-averaged over all stories of all the gold files
given. People are not scored here (the tests check them on the seeds).

Matching pairs exact (sides, type, date) matches first and then the rest on (sides, type), so
the counts equal a plain per-key count and every undated match whose dates differ is a "wrong
date" that `--errors` can show. Unmatched gold events are "missed", unmatched predicted ones
"false"; a missed and a false event of the same story with the same sides are paired as a type
confusion (gold type -> predicted type), the rest count as "missed" / "spurious".

A gold file with a malformed line or an unknown side code is refused with an error naming the
line: a silently skipped story, or a typo such as "UK" for GB, would change the figures.

`check_plover(path)` is a development check on the PLOVER/CAMEO manual sentences
(../shared/data/plover-gsr-cameo): how often the type and the country sides agree.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import pycountry

from summaries.events import event_types, extract_events

# Organisation codes of GUIDELINES.md (CAIRNS: the Cairns Group, used by older gold). AU is
# Australia; the African Union is AFRICAN_UNION.
ORGANISATION_CODES = frozenset(
    {
        "UN", "UNSC", "EU", "EC", "NATO", "G7", "G20", "OPEC", "IMF", "WORLDBANK", "GATT",
        "WTO", "ASEAN", "AFRICAN_UNION", "ARAB_LEAGUE", "GCC", "IAEA", "CAIRNS",
    }
)  # fmt: skip

# Missed gold and spurious predictions in the confusion table.
MISSED, SPURIOUS = "missed", "spurious"


class GoldError(ValueError):
    """A gold file that cannot be scored; the message names the file and line."""


class Predicted(Protocol):
    """What scoring reads of a predicted event; `summaries.events.Event` has all of it.

    A protocol rather than `Event` itself, so that scoring does not depend on how the extractor
    builds its events (tests score hand-made predictions).
    """

    @property
    def date(self) -> date | None: ...

    @property
    def type(self) -> str: ...

    @property
    def sides(self) -> tuple[str, ...]: ...

    @property
    def sentences(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class GoldEvent:
    date: date | None
    sides: tuple[str, ...]
    type: str
    people: tuple[str, ...] = ()
    evidence: str | None = None


@dataclass(frozen=True)
class GoldStory:
    id: str
    date: date | None
    title: str | None
    text: str
    dateline: str | None
    events: tuple[GoldEvent, ...]
    source: str = ""  # the gold file's name, so errors over several files say where


@dataclass(frozen=True)
class StoryResult:
    """One story's matching, kept so that errors can be listed and figures split by file."""

    story: GoldStory
    matched: tuple[tuple[GoldEvent, Predicted], ...]
    missed: tuple[GoldEvent, ...]
    false: tuple[Predicted, ...]
    confused: tuple[tuple[GoldEvent, Predicted], ...] = ()  # missed x false, same sides

    @property
    def n_pred(self) -> int:
        return len(self.matched) + len(self.false)

    @property
    def wrong_dates(self) -> tuple[tuple[GoldEvent, Predicted], ...]:
        """Matched on (sides, type) but not on date: what costs the dated figures."""
        return tuple((g, p) for g, p in self.matched if g.date != p.date)


@dataclass
class EventScores:
    """Matched, predicted and gold counts, undated and dated, per type, with each story's
    matching (`results`) for error listings."""

    n_stories: int = 0
    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    dated_matched: int = 0
    gold_by_type: Counter[str] = field(default_factory=Counter)
    found_by_type: Counter[str] = field(default_factory=Counter)
    pred_by_type: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    results: list[StoryResult] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

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

    def add(self, result: StoryResult) -> None:
        """Count one story's matching in."""
        self.results.append(result)
        self.n_stories += 1
        self.n_gold += len(result.story.events)
        self.n_pred += result.n_pred
        self.matched += len(result.matched)
        self.dated_matched += len(result.matched) - len(result.wrong_dates)
        self.gold_by_type.update(g.type for g in result.story.events)
        self.found_by_type.update(g.type for g, _ in result.matched)
        self.pred_by_type.update(p.type for _, p in result.matched)
        self.pred_by_type.update(p.type for p in result.false)
        self.confusion.update((g.type, p.type) for g, p in result.confused)
        paired_gold = {id(g) for g, _ in result.confused}
        paired_pred = {id(p) for _, p in result.confused}
        self.confusion.update((g.type, MISSED) for g in result.missed if id(g) not in paired_gold)
        self.confusion.update((SPURIOUS, p.type) for p in result.false if id(p) not in paired_pred)

    def recall_by_type(self) -> dict[str, float]:
        counts = sorted(self.gold_by_type.items())
        return {t: round(_ratio(self.found_by_type[t], n), 4) for t, n in counts}

    def by_type(self) -> dict[str, dict[str, float | int]]:
        """Per type (alphabetical): gold, predicted and matched counts, precision and recall,
        so that a type the extractor over- or under-produces shows up."""
        types = sorted(set(self.gold_by_type) | set(self.pred_by_type))
        return {
            t: {
                "n_gold": self.gold_by_type[t],
                "n_pred": self.pred_by_type[t],
                "matched": self.found_by_type[t],
                "precision": round(_ratio(self.found_by_type[t], self.pred_by_type[t]), 4),
                "recall": round(_ratio(self.found_by_type[t], self.gold_by_type[t]), 4),
            }
            for t in types
        }

    def confusion_rows(self) -> list[dict[str, str | int]]:
        """(gold type -> predicted type, n), most frequent first; "missed" / "spurious" stand
        for the side with no event of the same sides."""
        ordered = sorted(self.confusion.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"gold": g, "predicted": p, "n": n} for (g, p), n in ordered]

    def by_file(self) -> dict[str, EventScores]:
        """The same figures for each gold file on its own, in the order the files were given."""
        split = {name: EventScores(files=[name]) for name in self.files}
        for result in self.results:
            split.setdefault(result.story.source, EventScores()).add(result)
        return split

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

    def details(self) -> dict[str, Any]:
        """What `--json` adds after the `as_json` keys: files, stories, per type, confusion."""
        return {
            "files": list(self.files),
            "n_stories": self.n_stories,
            "by_type": self.by_type(),
            "confusion": self.confusion_rows(),
        }


def read_texts(paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Stories by id from JSON-lines corpora (id, date, title, text, dateline), for gold files
    that keep only ids and events: a corpus one may not copy stays where it is."""
    found: dict[str, dict[str, Any]] = {}
    for path in paths:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise GoldError(f"{path}: cannot read the texts file ({exc})") from exc
        for number, line in enumerate(lines, 1):
            try:
                record = json.loads(line) if line.strip() else None
            except json.JSONDecodeError as exc:
                raise GoldError(f"{path}:{number}: not JSON ({exc.msg})") from exc
            if isinstance(record, dict) and "id" in record:
                found[str(record["id"])] = record
    return found


_TEXT_KEYS = ("date", "title", "text", "dateline")


def _with_text(obj: Any, texts: dict[str, dict[str, Any]] | None) -> Any:
    """A gold story without its text takes it from the texts files, by id."""
    if not isinstance(obj, dict) or "text" in obj or texts is None:
        return obj
    record = texts.get(str(obj.get("id")))
    if record is None:
        raise KeyError(f"story {obj.get('id')!r} has no text and is in no --texts file")
    return {**obj, **{key: record.get(key) for key in _TEXT_KEYS}}


def read_gold(path: Path, texts: dict[str, dict[str, Any]] | None = None) -> list[GoldStory]:
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
            stories.append(_story(_with_text(json.loads(line), texts), source=Path(path).name))
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        except (TypeError, ValueError, KeyError) as exc:
            raise GoldError(f"{path}:{number}: {exc}") from exc
    return stories


def evaluate_events(
    paths: Path | Sequence[Path],
    *,
    people_table: bool = True,
    texts: Sequence[Path] = (),
) -> EventScores:
    """Score `extract_events` on every story of one or more gold files, pooled.

    `people_table=False` runs the extractor without config/officeholders.toml, to measure
    what the table of leaders is worth. `texts` are corpora that gold stories without a
    text are looked up in by id. Every file is read before the extractor runs, so a bad
    last file fails fast.
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    by_id = read_texts(texts) if texts else None
    stories = [story for path in paths for story in read_gold(path, by_id)]
    scores = EventScores(files=_names(paths))
    for story in stories:
        predicted = extract_events(
            story.text,
            title=story.title,
            published=story.date,
            dateline=story.dateline,
            people_table=people_table,
        )
        scores.add(match_story(story, predicted))
    return scores


def score_story(scores: EventScores, story: GoldStory, predicted: Sequence[Predicted]) -> None:
    """Add one story's matches to `scores`."""
    scores.add(match_story(story, predicted))


def match_story(story: GoldStory, predicted: Sequence[Predicted]) -> StoryResult:
    """Pair gold and predicted events one-to-one: exact (sides, type, date) first, then
    (sides, type); then pair what is left with equal sides as type confusions."""
    gold_left = list(story.events)
    pred_left = list(predicted)
    matched: list[tuple[GoldEvent, Predicted]] = []
    for key in (_dated_key, _undated_key):
        for gold in list(gold_left):
            found = next((p for p in pred_left if key(p) == key(gold)), None)
            if found is not None:
                matched.append((gold, found))
                _remove(gold_left, gold)
                _remove(pred_left, found)
    order = {id(g): i for i, g in enumerate(story.events)}
    matched.sort(key=lambda pair: order[id(pair[0])])
    confused: list[tuple[GoldEvent, Predicted]] = []
    unpaired = list(pred_left)
    for gold in gold_left:
        found = next((p for p in unpaired if p.sides == gold.sides), None)
        if found is not None:
            confused.append((gold, found))
            _remove(unpaired, found)
    return StoryResult(story, tuple(matched), tuple(gold_left), tuple(pred_left), tuple(confused))


def error_records(scores: EventScores) -> list[dict[str, Any]]:
    """Every missed, false and wrong-date event, story by story, as plain records: the
    `--errors` listing, and its `--json` form."""
    records = []
    for result in scores.results:
        story = result.story
        confused = {id(g): p for g, p in result.confused}
        for gold in result.missed:
            other = confused.get(id(gold))
            records.append(
                _record(story, "missed", gold.type, gold.sides, gold.date, gold.evidence)
                | {"predicted_type": other.type if other is not None else None}
            )
        for pred in result.false:
            sentence = pred.sentences[0] if pred.sentences else None
            records.append(_record(story, "false", pred.type, pred.sides, pred.date, sentence))
        for gold, pred in result.wrong_dates:
            records.append(
                _record(story, "date", gold.type, gold.sides, gold.date, gold.evidence)
                | {"predicted_date": _iso(pred.date)}
            )
    return records


def format_errors(records: Iterable[dict[str, Any]]) -> list[str]:
    """The error records as text: a header line per story, then one line per event with its
    sentence indented below, so that a long sentence does not hide the event."""
    lines: list[str] = []
    current = None
    for r in records:
        story = (r["file"], r["story"])
        if story != current:
            current = story
            lines += ["", f"{r['file']} {r['story']} (story date {r['story_date'] or '?'})"]
        head = f"  {r['kind']:<6} {r['type']:<15} {', '.join(r['sides']):<14} "
        if r["kind"] == "date":
            head += f"gold {r['date'] or 'none'}, predicted {r['predicted_date'] or 'none'}"
        else:
            head += r["date"] or "no date"
        if r.get("predicted_type"):
            head += f" (predicted as {r['predicted_type']})"
        lines.append(head.rstrip())
        lines.append(f"         {r['sentence'] or '(no sentence)'}")
    return lines[1:]


def _record(
    story: GoldStory,
    kind: str,
    etype: str,
    sides: tuple[str, ...],
    when: date | None,
    sentence: str | None,
) -> dict[str, Any]:
    return {
        "file": story.source,
        "story": story.id,
        "story_date": _iso(story.date),
        "kind": kind,
        "type": etype,
        "sides": list(sides),
        "date": _iso(when),
        "sentence": sentence,
    }


def _names(paths: Sequence[Path]) -> list[str]:
    """File names for tables and errors; full paths when two files share a name."""
    names = [Path(p).name for p in paths]
    return names if len(set(names)) == len(names) else [str(p) for p in paths]


def _dated_key(event: GoldEvent | Predicted) -> tuple[Any, ...]:
    return (event.sides, event.type, event.date)


def _undated_key(event: GoldEvent | Predicted) -> tuple[Any, ...]:
    return (event.sides, event.type)


def _remove(items: list[Any], item: Any) -> None:
    """Remove `item` itself (not an equal one), so identical events stay distinct."""
    del items[next(i for i, x in enumerate(items) if x is item)]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@functools.cache
def side_codes() -> frozenset[str]:
    """Every side code a gold file may use: ISO 3166-1 alpha-2, the historic alpha-2 codes of
    ISO 3166-3 (SU, DD, YU, CS, YD ...), Kosovo's XK, and the organisation codes."""
    current = {c.alpha_2 for c in pycountry.countries}
    historic = {h.alpha_2 for h in pycountry.historic_countries if hasattr(h, "alpha_2")}
    return frozenset(current | historic | {"XK"} | ORGANISATION_CODES)


def _story(record: Any, source: str = "") -> GoldStory:
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
        source=source,
    )


def _event(raw: Any, number: int) -> GoldEvent:
    where = f"event {number}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a JSON object")
    sides = raw.get("sides")
    if not isinstance(sides, list) or not sides or not all(isinstance(s, str) for s in sides):
        raise ValueError(f'{where}: "sides" must be a non-empty list of codes')
    for side in sides:
        if side not in side_codes():
            raise ValueError(
                f"{where}: unknown side code {side!r} (ISO 3166-1 alpha-2, a historic code such "
                f"as SU, or one of {', '.join(sorted(ORGANISATION_CODES))})"
            )
    etype = raw.get("type")
    if etype not in event_types():
        raise ValueError(f"{where}: unknown type {etype!r} (one of {', '.join(event_types())})")
    people = raw.get("people", [])
    if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
        raise ValueError(f'{where}: "people" must be a list of names')
    evidence = raw.get("evidence")
    if evidence is not None and not isinstance(evidence, str):
        raise ValueError(f'{where}: "evidence" must be a string or null')
    return GoldEvent(
        date=_date(raw.get("date"), f"{where} date"),
        sides=tuple(sorted(set(sides))),
        type=etype,
        people=tuple(people),
        evidence=evidence,
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

    - type_accuracy: over sentences whose PLOVER event maps to a diplobot type, the share with
      a predicted event of a matching type (a sentence may report several acts);
    - type_accuracy_found: the same over those of them where an event was predicted at all
      (how often the type is right when the extractor codes the sentence: many PLOVER
      sentences have actors or acts the guidelines leave out -- rebels, domestic demands);
    - none_accuracy: over sentences whose event has no diplobot type, the share with no event;
    - sides_accuracy: over sentences with >= 2 country sides and a predicted event, the share
      whose predicted country sides equal the gold's.
    """
    mapped = mapped_ok = found = unmapped = unmapped_ok = sided = sided_ok = 0
    per_event: Counter[str] = Counter()
    per_event_ok: Counter[str] = Counter()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text, event = record["text"], record["event"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number}: {exc}") from None
        events = extract_events(text)
        allowed = PLOVER_TYPES.get(event)
        if allowed is None:
            unmapped += 1
            unmapped_ok += not events
        else:
            mapped += 1
            found += bool(events)
            ok = any(e.type in allowed for e in events)
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
        "type_accuracy_found": round(_ratio(mapped_ok, found), 4),
        "type_found_n": found,
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
