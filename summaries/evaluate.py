"""The `diplobot eval ...` measurements: each stage scored against labelled data.

Readers of these figures compare them across runs and against published baselines, so
the protocol is fixed here and documented, and a bad record is counted, never fatal.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from summaries import countries

# Codes of states that no longer exist, as labelled in 1987 Reuters data, and the code the
# tagger gives their successor today (Soviet Union -> Russia, and so on).
HISTORIC_SUCCESSORS = {"SU": "RU", "YU": "RS", "CS": "CZ", "DD": "DE", "YD": "YE", "AN": "CW"}
MACRO_MIN_DOCS = 5


@dataclass
class CountryScores:
    """Micro and macro scores of the predicted primary countries against gold labels."""

    n_docs: int = 0
    bad_records: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    support: Counter[str] = field(default_factory=Counter)

    @property
    def micro_p(self) -> float:
        return _ratio(sum(self.tp.values()), sum(self.tp.values()) + sum(self.fp.values()))

    @property
    def micro_r(self) -> float:
        return _ratio(sum(self.tp.values()), sum(self.tp.values()) + sum(self.fn.values()))

    @property
    def micro_f1(self) -> float:
        return _f1(self.micro_p, self.micro_r)

    def f1_of(self, code: str) -> float:
        p = _ratio(self.tp[code], self.tp[code] + self.fp[code])
        r = _ratio(self.tp[code], self.tp[code] + self.fn[code])
        return _f1(p, r)

    @property
    def macro_f1(self) -> float:
        """Mean F1 over countries with at least MACRO_MIN_DOCS gold documents."""
        codes = [c for c, n in self.support.items() if n >= MACRO_MIN_DOCS]
        return sum(self.f1_of(c) for c in codes) / len(codes) if codes else 0.0

    def worst(self, n: int = 10) -> list[dict[str, object]]:
        errors = self.fp + self.fn
        return [
            {
                "code": code,
                "errors": count,
                "fp": self.fp[code],
                "fn": self.fn[code],
                "support": self.support[code],
                "f1": round(self.f1_of(code), 3),
            }
            for code, count in errors.most_common(n)
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "micro_p": round(self.micro_p, 4),
            "micro_r": round(self.micro_r, 4),
            "micro_f1": round(self.micro_f1, 4),
            "macro_f1": round(self.macro_f1, 4),
            "n_docs": self.n_docs,
            "bad_records": self.bad_records,
            "worst": self.worst(),
        }


def read_jsonl(path: Path) -> Iterator[dict | None]:
    """Records of a JSON-lines file; None for a line that is not a JSON object."""
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                yield None
                continue
            yield record if isinstance(record, dict) else None


def evaluate_countries(records: Iterable[dict | None]) -> CountryScores:
    """Score `countries.tag`'s primary set against each record's `places`."""
    scores = CountryScores()
    for record in records:
        gold = _gold_places(record)
        if gold is None:
            scores.bad_records += 1
            continue
        tags = countries.tag(record.get("title"), record["text"], record.get("dateline"))
        predicted = {t.code for t in tags if t.primary}
        scores.n_docs += 1
        scores.support.update(gold)
        scores.tp.update(predicted & gold)
        scores.fp.update(predicted - gold)
        scores.fn.update(gold - predicted)
    return scores


def _gold_places(record: dict | None) -> set[str] | None:
    if not record or not isinstance(record.get("text"), str):
        return None
    places = record.get("places")
    if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
        return None
    return {HISTORIC_SUCCESSORS.get(p.upper(), p.upper()) for p in places}


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0
