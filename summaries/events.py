"""Diplomatic events in one news story: who did what with whom, and when.

`extract_events(text, title=..., published=...)` reads a story sentence by sentence and
returns the interactions it reports -- a phone call, a visit, a meeting, a condolence message,
an appeal, a condemnation of another country -- each as an `Event` with CAMEO-coded type, the
sides (ISO alpha-2 countries or organisation codes), the people and titles that acted for
them, the date, topics and the sentences that support it. It is a pure function: no I/O, no
store, nothing downloaded; the word tables are in config/events.toml.

How a sentence becomes an event (the rules are about the language of diplomatic reporting):

1. A trigger from `[types]` ("in a phone conversation with", "paid a visit", "condemned")
   names the type; a hedge right before it ("the upcoming meeting", "plans to visit"), a
   future in its clause ("will ... at a meeting with") or a time ahead after it ("a visit to
   Japan later this month") means nothing happened yet, and the trigger is skipped. Types
   are tried in priority order and the first that has two sides wins, so a sentence gives
   at most one event. "The two sides also signed ..." takes the sides (and, without a date
   of its own, the date) of the story's previous event.
2. Sides are *actors*, not places: "Iranian Foreign Minister X", "his Japanese counterpart",
   "the President of Serbia", "the Iranian government", "Tehran said", an organisation
   ("the UN Security Council"), or a person the story introduced earlier ("Jilani") or that
   `[people]` knows ("Pezeshkian"). "an attack in Iran's Kerman" is a place. A reciprocal
   event (call, visit, meeting) takes its sides from the officials in the sentence; a directed
   one (criticism, threat) needs a target right after its verb, in the same clause, so
   "condemned the attack" alone is no event; a demonym before a deed is its doer ("condemned
   the Israeli strikes on Syria" targets Israel). A call with one side named ("Vucic, in a
   call with his counterpart") gets the other side from the counterpart's country or, failing
   that, from the story's main country.
3. What was said in a call or a meeting belongs to that call: messages, appeals, praise and
   criticism between the same sides of a story are folded into the contact event.
   Reports of one (sides, type) in a story are one event.
4. The date is the relative phrase nearest the trigger ("on Saturday", "on January 3",
   "yesterday") resolved against the publication date; without a phrase, the publication
   date (`date_how="published"`); without a publication date, None -- never invented.

People are keyed by a spelling-tolerant `person_key` (letters without vowels, doubled letters
single), so Amirabdollahian, Amir-Abdollahian and Amir Abdollahian are one person, and Raisi
and Raeisi too; `same_person` also matches a surname against a full name.

This module must never raise on any `str` input and never read anything but its tables.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from summaries import countries
from summaries.dates import resolve_relative
from summaries.tokenize import split_sentences

RECIPROCAL, DIRECTED, ADDRESSED = "reciprocal", "directed", "addressed"
SOURCE, TARGET, BOTH = "source", "target", "both"
# Statements that, between the sides of a call or meeting in the same story, are part of it.
_FOLDED_TYPES = frozenset({"message", "appeal", "praise", "criticism", "accusation"})
# A person's name: up to six capitalised words, with particles ("Mohammed bin Salman").
_NAME = re.compile(
    r"[A-Z][\w'-]{0,40}(?:\s+(?:(?:al|bin|bint|ibn|de|da|van|von|der|el|du|la)\s+)?"
    r"[A-Z][\w'-]{0,40}){0,5}"
)
# Longer "sentences" are run-together lists or tables; the rest is not read, which keeps
# the work per sentence bounded on untrusted pages.
_MAX_SENTENCE_CHARS = 1_000
_MAX_PEOPLE = 200
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DATE_PHRASE = re.compile(
    rf"\b(?:(?:on|last|this past|earlier on)\s+{_WEEKDAY}"
    r"(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|on\s+{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|on\s+\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+\d{{4}})?"
    rf"|yesterday|last night|the day before yesterday)\b",
    re.IGNORECASE,
)
# Between a country and its official's title: "Pakistani caretaker Foreign Minister",
# "Taiwan's Vice Foreign Minister", "Japan's top diplomat".
_TITLE_GAP = re.compile(
    r"(?:'s)?\s+(?:(?:(?-i:[a-z][\w-]*)|Vice|Deputy|Acting|Caretaker|Former|Senior|Chief"
    r"|Junior|First|Top|Interim)\s+){0,2}"
)
# Between a directed verb and its target: a new clause means the target is someone else's
# ("condemns terrorist attacks and firmly supports Iran's efforts").
_CLAUSE_BREAK = re.compile(r"[;:,]|\b(?:and|but|while|which|who|whereas)\b")
_BOTH_SIDES = re.compile(
    r"\b(?:the\s+two|both)\s+(?:sides|countries|nations|ministers|leaders|presidents"
    r"|officials|delegations|foreign\s+ministers|top\s+diplomats|senior\s+diplomats)\b",
    re.IGNORECASE,
)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)")
_CURLY = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sheikh", "sir", "lt", "gen", "general"})
_STOP_NAMES = frozenset(
    {
        "The", "In", "On", "At", "For", "But", "And", "He", "She", "It", "They", "We", "His",
        "Her", "Their", "A", "An", "During", "After", "Also", "Meanwhile", "Furthermore", "As",
        "If", "When", "While", "With", "By", "From", "To", "Of", "This", "That", "These",
        "Those", "Under", "According", "Before", "Since", "Although", "Its", "Our", "Mr", "Mrs",
    }
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Public data


@dataclass(frozen=True)
class Actor:
    """One side of an event as the story names it.

    `side` is an ISO alpha-2 code or an organisation code (UN, UNSC, EU, G7 ...); `person` the
    name as introduced in the story (None for "his Iranian counterpart" when the story never
    names them); `person_key` its spelling-tolerant key; `title` as reported ("Foreign Minister",
    "President", "caretaker Foreign Minister", "spokesman"); `role` "source", "target" or
    "both" (reciprocal events).
    """

    side: str
    person: str | None = None
    person_key: str | None = None
    title: str | None = None
    role: str = BOTH

    def as_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "person": self.person,
            "person_key": self.person_key,
            "title": self.title,
            "role": self.role,
        }


@dataclass(frozen=True)
class Event:
    """A diplomatic interaction reported by one story.

    `date` is when it happened (None when unknown); `date_how` says where the date came from:
    "text" (a phrase in the supporting sentences), "published" (the story's own date), or None.
    `type` is one of `EVENT_TYPES`, `cameo` its CAMEO code (0256 for an appeal for a
    ceasefire). `actors` has one entry per side, sources first; `sentences` are the supporting
    sentences in story order, the first being the one that reported the event.
    """

    date: date | None
    date_how: str | None
    type: str
    cameo: str
    actors: tuple[Actor, ...]
    topics: tuple[str, ...]
    sentences: tuple[str, ...]

    @property
    def sides(self) -> tuple[str, ...]:
        """The sorted side codes, the form the gold files use."""
        return tuple(sorted({a.side for a in self.actors}))

    @property
    def people(self) -> tuple[str, ...]:
        """The named people, in actor order."""
        return tuple(a.person for a in self.actors if a.person)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "date_how": self.date_how,
            "type": self.type,
            "cameo": self.cameo,
            "sides": list(self.sides),
            "people": list(self.people),
            "actors": [a.as_dict() for a in self.actors],
            "topics": list(self.topics),
            "sentences": list(self.sentences),
        }


def event_types() -> dict[str, str]:
    """Every event type with its CAMEO code, in priority order."""
    return {t.name: t.cameo for t in _tables().types}


# ---------------------------------------------------------------------------------------------
# People


def person_key(name: str) -> str:
    """A spelling-tolerant key for a person's name: accents, case, hyphens, spaces, honorifics,
    vowels and doubled letters dropped. "Amir-Abdollahian" and "Amirabdollahian" -> "mrbdlhn";
    "Raeisi" and "Raisi" -> "rs"."""
    return "".join(_token_keys(name))


def same_person(a: str, b: str) -> bool:
    """True when two names are spelling variants of one person, or one is the other's surname
    (or, for names written surname first such as "Xi Jinping", its first word)."""
    ka, kb = _token_keys(a), _token_keys(b)
    if not ka or not kb:
        return False
    if "".join(ka) == "".join(kb):
        return True
    short, long = (ka, kb) if len("".join(ka)) <= len("".join(kb)) else (kb, ka)
    joined = "".join(short)
    return any("".join(long[i:]) == joined for i in range(1, len(long))) or (
        len(short) == 1 and long[0] == joined and len(long) == 2
    )


def _token_keys(name: str) -> list[str]:
    words = _fold(name.translate(_CURLY)).casefold().removesuffix("'s").split()
    keys = []
    for word in words:
        letters = "".join(ch for ch in word if ch.isalpha())
        if not letters or letters in _HONORIFICS:
            continue
        skeleton = "".join(ch for ch in letters if ch not in "aeiou")
        skeleton = re.sub(r"(.)\1+", r"\1", skeleton) or letters[:1]
        keys.append(skeleton)
    return keys


def _fold(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


# ---------------------------------------------------------------------------------------------
# Extraction


def extract_events(
    text: str,
    *,
    title: str | None = None,
    published: date | None = None,
    dateline: str | None = None,
) -> list[Event]:
    """The diplomatic events a story reports, in the order it reports them.

    `text` is the body (ideally `clean(raw).text`); `title` and `dateline` help to find the
    story's main country when a side is left implicit; `published` is the story's date, against
    which "on Saturday" is resolved (None: every event date is None).
    """
    if not text or not isinstance(text, str):
        return []
    story = _Story(title=title, text=text, dateline=dateline, published=published)
    tables = _tables()
    for index, sentence in enumerate(_sentences(text)):
        sentence = sentence[:_MAX_SENTENCE_CHARS].translate(_CURLY)
        has_title = tables.title_pattern.search(sentence) is not None
        triggers = list(tables.trigger_pattern.finditer(sentence))
        if not has_title and not triggers:
            story.note_names(sentence)
            continue
        mentions = _mentions(sentence, story)
        if triggers:
            found = _event_in(sentence, index, mentions, triggers, story)
            if found is not None:
                story.drafts.append(found)
    return [_finish(draft, story) for draft in _consolidate(story.drafts)]


@dataclass
class _Person:
    name: str
    side: str | None
    title: str | None


@dataclass
class _Mention:
    """One actor or place in a sentence."""

    start: int
    end: int
    side: str | None
    kind: str  # "actor", "place" or "location" (a place a visit can be to)
    person: _Person | None = None
    title: str | None = None
    counterpart: bool = False
    city: bool = False  # a city or region: a topic even when its country is a side


@dataclass
class _Draft:
    type: str
    sentence_index: int
    trigger_at: int
    actors: list[_Mention]
    roles: list[str]
    sentences: list[str]
    places: list[str] = field(default_factory=list)
    follows: _Draft | None = None  # the event "the two sides" refers to


@dataclass
class _Story:
    title: str | None
    text: str
    dateline: str | None
    published: date | None
    people: list[_Person] = field(default_factory=list)
    drafts: list[_Draft] = field(default_factory=list)
    last_person: _Person | None = None
    _main: list[str] | None = None

    def main_countries(self) -> list[str]:
        if self._main is None:
            tags = countries.tag(self.title, self.text, self.dateline)
            self._main = [t.code for t in tags if t.primary] or [t.code for t in tags[:1]]
        return self._main

    def register(self, person: _Person) -> _Person:
        known = self.find(person.name)
        if known is None:
            if len(self.people) < _MAX_PEOPLE:
                self.people.append(person)
            return person
        if len(person.name) > len(known.name):
            known.name = person.name
        known.side = known.side or person.side
        if person.title and (known.title is None or known.title == "counterpart"):
            known.title = person.title
        return known

    def find(self, name: str) -> _Person | None:
        for person in self.people:
            if same_person(person.name, name):
                return person
        return None

    def note_names(self, sentence: str) -> None:
        """Remember the last person named, the likely subject of the next sentence."""
        for match in _NAME.finditer(sentence):
            known = self.find(_clean_name(match.group()))
            if known is not None:
                self.last_person = known
                return


def _sentences(text: str) -> list[str]:
    """Sentences of the story; lines wrapped inside a paragraph are joined first."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        joined = " ".join(paragraph.split())
        if joined:
            sentences.extend(split_sentences(joined))
    return sentences


def _clean_name(name: str) -> str:
    name = name.strip()
    name = re.sub(r"'s$|'$", "", name)
    return name


# ---------------------------------------------------------------------------------------------
# Mentions: who and what is named in a sentence


def _mentions(sentence: str, story: _Story) -> list[_Mention]:
    """Actors and places in a sentence, in order, with people and titles linked."""
    tables = _tables()
    hits: list[_Mention] = []
    for found in countries.mentions(sentence):
        if found.kind != "org":
            hits.append(_Mention(found.start, found.end, found.target, found.kind))
        elif code := tables.organisations.get(found.target):
            hits.append(_Mention(found.start, found.end, code, "actor"))
    for match in tables.extra_org_pattern.finditer(sentence):
        hits.append(_Mention(match.start(), match.end(), tables.extra_orgs[match.group()], "actor"))
    hits.sort(key=lambda m: m.start)
    titled = _link_titles(sentence, hits, story)
    used = [(m.start, m.end) for m in titled] + [(m.start, m.end) for m in hits]
    people = _bare_people(sentence, used, story)
    mentions: list[_Mention] = list(titled)
    linked = {id(m) for m in titled}
    for hit in hits:
        if hit.kind == "linked":
            continue
        hit.kind = _hit_kind(sentence, hit, hits) if hit.kind != "actor" else "actor"
        if id(hit) not in linked:
            mentions.append(hit)
    mentions.extend(people)
    mentions.sort(key=lambda m: m.start)
    for mention in mentions:
        if mention.person is not None:
            story.last_person = mention.person
            break
    return mentions


def _hit_kind(sentence: str, hit: _Mention, hits: list[_Mention]) -> str:
    """Is a country mention an actor ("Tehran said", "the Iranian government") or a place?"""
    tables = _tables()
    kind = hit.kind
    after = sentence[hit.end : hit.end + 60]
    if kind in ("city", "region"):
        hit.city = True
        return "location" if kind == "city" else "place"
    if tables.actor_after.match(after):
        return "actor"
    if kind == "demonym":
        # "the Iranian and Turkish delegations": the first demonym shares the second's noun.
        nxt = re.match(r"\s+and\s+", after)
        if nxt:
            for other in hits:
                if other.start == hit.end + nxt.end() and tables.actor_after.match(
                    sentence[other.end : other.end + 60]
                ):
                    return "actor"
        return "other"
    before = sentence[max(0, hit.start - 30) : hit.start]
    if tables.place_before.search(before):
        return "location"
    return "actor"


def _link_titles(sentence: str, hits: list[_Mention], story: _Story) -> list[_Mention]:
    """Mentions built around titles: "French Foreign Minister Catherine Colonna", "the
    President of Serbia Aleksandar Vucic", "his Japanese counterpart Yoko Kamikawa"."""
    tables = _tables()
    out: list[_Mention] = []
    for match in tables.title_pattern.finditer(sentence):
        title = tables.titles[" ".join(match.group().casefold().split())]
        start, end = match.start(), match.end()
        side = None
        for hit in reversed(hits):
            if hit.end <= start and hit.kind in ("demonym", "name", "capital", "seat", "actor"):
                gap = sentence[hit.end : start]
                if _TITLE_GAP.fullmatch(gap):
                    side, start = hit.side, hit.start
                    hit.kind = "linked"
                break
        rest = sentence[end:]
        of = re.match(r"\s+(?:of|in|from|for)\s+(?:the\s+)?", rest)
        if side is None and of:
            for hit in hits:
                if hit.start == end + of.end() and hit.kind != "org":
                    side, end = hit.side, hit.end
                    hit.kind = "linked"
                    rest = sentence[end:]
                    break
        person = None
        named = re.match(r",?\s+", rest)
        if named:
            name_match = _NAME.match(rest, named.end())
            if name_match and _is_name(name_match.group(), tables):
                name = _clean_name(name_match.group())
                end = end + name_match.end()
                person = story.register(_Person(name, side, title))
        if person is None and title != "counterpart":
            # A title after a name: "Hakan Fidan, Turkey's foreign minister".
            pass
        if person is not None:
            side = side or person.side or tables.people_side(person.name)
            person.side = person.side or side
        counterpart = title == "counterpart"
        if counterpart and person is not None and person.title == "counterpart":
            person.title = None
        out.append(
            _Mention(
                start,
                end,
                side,
                "actor",
                person=person,
                title=None if counterpart else title,
                counterpart=counterpart,
            )
        )
    return out


def _is_name(text: str, tables: _Tables) -> bool:
    first = text.split()[0]
    if first in _STOP_NAMES or re.fullmatch(_WEEKDAY + "|" + _MONTH, first):
        return False
    return tables.title_pattern.fullmatch(text) is None and len(text) > 1


def _bare_people(sentence: str, used: list[tuple[int, int]], story: _Story) -> list[_Mention]:
    """Names the story introduced before ("Jilani") or that `[people]` knows ("Pezeshkian")."""
    tables = _tables()
    out = []
    for match in _NAME.finditer(sentence):
        if any(s <= match.start() < e for s, e in used):
            continue
        name = _clean_name(match.group())
        words = name.split()
        while words and words[0] in _STOP_NAMES:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if sum(ch.isalpha() for ch in name) < 2:
            continue
        person = story.find(name)
        if person is None:
            side = tables.people_side(name)
            if side is None:
                continue
            person = story.register(_Person(name, side, None))
        elif person.side is None:
            person.side = tables.people_side(person.name)
        out.append(_Mention(match.start(), match.end(), person.side, "actor", person=person))
    return out


# ---------------------------------------------------------------------------------------------
# Events


def _event_in(
    sentence: str,
    index: int,
    mentions: list[_Mention],
    triggers: list[re.Match[str]],
    story: _Story,
) -> _Draft | None:
    """The highest-priority event a sentence reports, if any has two sides."""
    tables = _tables()
    found = []
    linked: _Draft | None = None
    for match in triggers:
        name = match.lastgroup
        if name is None or _hedged(sentence, match.start()):
            continue
        found.append((tables.by_name[name].priority, match.start(), name, match))
    for _, _, name, match in sorted(found):
        etype = tables.by_name[name]
        actors, roles = _sides_for(etype, sentence, match, mentions, story)
        lone = len({a.side for a in actors if a.side}) < 2
        if lone and story.drafts and _BOTH_SIDES.search(sentence):
            # "The two sides also signed ...": the sides of the story's latest event.
            linked = story.drafts[-1]
            actors = list(linked.actors)
            roles = [BOTH] * len(actors)
        if len({a.side for a in actors if a.side}) >= 2:
            sides = {a.side for a in actors}
            places = [
                sentence[m.start : m.end]
                for m in mentions
                if m.kind in ("place", "location") and (m.city or m.side not in sides)
            ]
            draft = _Draft(name, index, match.start(), actors, roles, [sentence], places)
            draft.follows = linked
            return draft
    return None


def _hedged(sentence: str, at: int) -> bool:
    """True when the trigger is announced, not reported: a hedge word right before it
    ("the upcoming visit"), a future in its clause ("Nakasone will ... at a meeting with"), or
    a time ahead right after it ("a visit to Japan later this month")."""
    tables = _tables()
    before = sentence[max(0, at - 25) : at].casefold().split()
    if before and (before[-1] in tables.hedges or " ".join(before[-2:]) in tables.hedges):
        return True
    clause = re.split(r"[,;:(]", sentence[max(0, at - 80) : at])[-1]
    return bool(tables.future_before.search(clause) or tables.future_after.match(sentence, at))


def _sides_for(
    etype: _Type, sentence: str, match: re.Match[str], mentions: list[_Mention], story: _Story
) -> tuple[list[_Mention], list[str]]:
    actors = [
        m for m in mentions if m.kind == "actor" or (etype.locations and m.kind == "location")
    ]
    if etype.mode == DIRECTED:
        before = [m for m in actors if m.end <= match.start()]
        source = _best_source(before, story)
        target = None
        for m in actors:
            if m.start > match.start() and (source is None or m.side != source.side):
                gap = sentence[match.end() : m.start]
                if len(gap.split()) <= etype.window and not _CLAUSE_BREAK.search(gap):
                    target = m
                break
        if source is None or target is None or source.side == target.side:
            return [], []
        return [source, target], [SOURCE, TARGET]
    if etype.mode == ADDRESSED:
        words_after = sentence[match.end() :].split()
        limit = match.end() + len(" ".join(words_after[: etype.window])) + 1
        actors = [m for m in actors if m.start < limit]
    picked = _pick_sides(actors, match.start())
    if etype.contact and len({m.side for m in picked if m.side}) == 1:
        extra = _implicit_side(picked, story)
        if extra is not None:
            picked.append(extra)
    picked = [m for m in picked if m.side]
    return picked, [BOTH] * len(picked)


def _best_source(before: list[_Mention], story: _Story) -> _Mention | None:
    before = [m for m in before if m.side]
    if before:
        officials = [m for m in before if m.person or m.title or m.counterpart]
        return (officials or before)[-1]
    person = story.last_person
    if person is not None and person.side:
        return _Mention(-1, -1, person.side, "actor", person=person, title=person.title)
    return None


def _pick_sides(actors: list[_Mention], at: int) -> list[_Mention]:
    """One mention per side: officials first, then the other actors nearest the trigger."""
    by_side: dict[str, _Mention] = {}
    officials = [m for m in actors if m.person or m.title or m.counterpart]
    # Per side, a named official before an unnamed one, then the one nearest the trigger
    # ("spokesman X said President Y's trip was cancelled": Y made the trip).
    for m in sorted(officials, key=lambda m: (m.person is None, abs(m.start - at))):
        if m.side and m.side not in by_side:
            by_side[m.side] = m
    if len(by_side) < 2:
        rest = sorted(
            (m for m in actors if m.side and m.side not in by_side),
            key=lambda m: abs(m.start - at),
        )
        for m in rest:
            if len(by_side) >= 2:
                break
            by_side[m.side] = m
    return sorted(by_side.values(), key=lambda m: m.start)


def _implicit_side(picked: list[_Mention], story: _Story) -> _Mention | None:
    """The side a contact report leaves implicit: the subject of the previous sentences, else
    the story's main country (a call "with his Iranian counterpart" in a story about France)."""
    present = {m.side for m in picked if m.side}
    person = story.last_person
    if (
        person is not None
        and person.side
        and person.side not in present
        and all(m.person is not person for m in picked)
    ):
        return _Mention(-1, -1, person.side, "actor", person=person, title=person.title)
    for code in story.main_countries():
        if code not in present:
            return _Mention(-1, -1, code, "actor")
    return None


# ---------------------------------------------------------------------------------------------
# Story-level consolidation, dates and topics


def _consolidate(drafts: list[_Draft]) -> list[_Draft]:
    """One event per (sides, type); statements folded into a call or meeting between the same
    sides; a meeting on a visit between the same sides is the visit."""
    merged: dict[tuple[tuple[str, ...], str], _Draft] = {}
    for draft in drafts:
        key = (_draft_sides(draft), draft.type)
        if key in merged:
            _absorb(merged[key], draft)
        else:
            merged[key] = draft
    contacts = [d for d in merged.values() if _tables().by_name[d.type].contact]
    kept: list[_Draft] = []
    for draft in merged.values():
        sides = set(_draft_sides(draft))
        host = None
        if draft.type in _FOLDED_TYPES or draft.type == "meeting":
            candidates = [
                c
                for c in contacts
                if c is not draft
                and sides <= set(_draft_sides(c))
                and (draft.type != "meeting" or c.type == "visit")
            ]
            host = candidates[0] if candidates else None
        if host is not None:
            _absorb(host, draft)
        else:
            kept.append(draft)
    kept.sort(key=lambda d: d.sentence_index)
    return kept


def _draft_sides(draft: _Draft) -> tuple[str, ...]:
    return tuple(sorted({m.side for m in draft.actors if m.side}))


def _absorb(into: _Draft, other: _Draft) -> None:
    for sentence in other.sentences:
        if sentence not in into.sentences:
            into.sentences.append(sentence)
    into.places.extend(other.places)
    for mention in other.actors:
        for i, mine in enumerate(into.actors):
            if mine.side == mention.side and mine.person is None and mention.person is not None:
                into.actors[i] = mention


def _finish(draft: _Draft, story: _Story) -> Event:
    tables = _tables()
    etype = tables.by_name[draft.type]
    actors = []
    seen: set[str] = set()
    titles = {
        m.side: m.title or m.person.title
        for m in draft.actors
        if m.title or (m.person and m.person.title)
    }
    for mention, role in zip(draft.actors, draft.roles, strict=False):
        if not mention.side or mention.side in seen:
            continue
        seen.add(mention.side)
        person = mention.person
        title = mention.title or (person.title if person else None)
        if mention.counterpart and title is None:
            title = next((t for s, t in titles.items() if s != mention.side), None)
        if person is None and title is not None:
            # "his Iranian counterpart": the story may name them elsewhere with that title.
            person = next(
                (p for p in story.people if p.side == mention.side and p.title == title), None
            )
        actors.append(
            Actor(
                side=mention.side,
                person=person.name if person else None,
                person_key=person_key(person.name) if person else None,
                title=title,
                role=role,
            )
        )
    actors.sort(key=lambda a: (a.role != SOURCE, a.role == TARGET))
    cameo = etype.cameo
    text = " ".join(draft.sentences)
    if draft.type == "appeal" and tables.ceasefire_pattern.search(text):
        cameo = tables.ceasefire_cameo
    when, how = _event_date(draft, story)
    return Event(
        date=when,
        date_how=how,
        type=draft.type,
        cameo=cameo,
        actors=tuple(actors),
        topics=_topics(draft),
        sentences=tuple(draft.sentences),
    )


def _event_date(draft: _Draft, story: _Story) -> tuple[date | None, str | None]:
    if story.published is None:
        return None, None
    first = draft.sentences[0]
    phrases = sorted(_DATE_PHRASE.finditer(first), key=lambda m: abs(m.start() - draft.trigger_at))
    for sentence in draft.sentences[1:]:
        phrases.extend(_DATE_PHRASE.finditer(sentence))
    for phrase in phrases:
        found = resolve_relative(phrase.group(), story.published)
        if found is not None:
            return found, "text"
    if draft.follows is not None:
        # "The two sides also signed ...": the same day as the meeting it continues.
        return _event_date(draft.follows, story)
    return story.published, "published"


def _topics(draft: _Draft) -> tuple[str, ...]:
    tables = _tables()
    topics: list[str] = []
    text = " ".join(draft.sentences)
    for place in dict.fromkeys(draft.places):
        for sentence in draft.sentences:
            at = sentence.find(place)
            if at < 0:
                continue
            window = sentence[max(0, at - 90) : at + len(place) + 40].casefold()
            nouns = [n for n in tables.topic_nouns if re.search(rf"\b{re.escape(n)}\b", window)]
            topics.append(f"{place} {nouns[0]}" if nouns else place)
            break
    lowered = text.casefold()
    for phrase in tables.topic_phrases:
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            topics.append(phrase)
    unique = list(dict.fromkeys(topics))
    return tuple(unique[: tables.max_topics])


# ---------------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class _Type:
    name: str
    cameo: str
    priority: int
    mode: str
    contact: bool
    locations: bool
    window: int
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class _Tables:
    types: tuple[_Type, ...]
    by_name: dict[str, _Type]
    trigger_pattern: re.Pattern[str]
    titles: dict[str, str]
    title_pattern: re.Pattern[str]
    actor_after: re.Pattern[str]
    place_before: re.Pattern[str]
    hedges: frozenset[str]
    future_before: re.Pattern[str]
    future_after: re.Pattern[str]
    organisations: dict[str, str]
    extra_orgs: dict[str, str]
    extra_org_pattern: re.Pattern[str]
    people: dict[str, str]
    people_exact: dict[str, str]
    ceasefire_pattern: re.Pattern[str]
    ceasefire_cameo: str
    topic_nouns: tuple[str, ...]
    topic_phrases: tuple[str, ...]
    max_topics: int

    def people_side(self, name: str) -> str | None:
        """The side `[people]` gives a name, matching surnames and spelling variants.

        Keys shorter than three letters ("Xi", "Sisi") match only as written: as skeletons
        they would match too many other names."""
        exact = self.people_exact.get(" ".join(name.casefold().split()))
        if exact:
            return exact
        keys = _token_keys(name)
        for n in range(len(keys)):
            key = "".join(keys[n:])
            if len(key) >= 3 and key in self.people:
                return self.people[key]
        if len(keys) == 2 and len(keys[0]) >= 3:
            return self.people.get(keys[0])
        return None


def _alternation(words: list[str]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


@functools.cache
def _tables() -> _Tables:
    """Load config/events.toml once and compile its patterns."""
    raw = tomllib.loads(resources.files("config").joinpath("events.toml").read_text("utf-8"))
    types = []
    for name, spec in raw["types"].items():
        mode = spec["mode"]
        if mode not in (RECIPROCAL, DIRECTED, ADDRESSED):
            raise ValueError(f"events.toml: [types.{name}] has unknown mode {mode!r}")
        types.append(
            _Type(
                name=name,
                cameo=str(spec["cameo"]),
                priority=int(spec["priority"]),
                mode=mode,
                contact=bool(spec.get("contact", False)),
                locations=bool(spec.get("locations_are_sides", False)),
                window=int(spec.get("window", 16 if mode == ADDRESSED else 6)),
                patterns=tuple(spec["patterns"]),
            )
        )
    types.sort(key=lambda t: t.priority)
    trigger = "|".join(f"(?P<{t.name}>{'|'.join(t.patterns)})" for t in types)
    titles = {" ".join(k.casefold().split()): v for k, v in raw["titles"].items()}
    nouns = [*titles, *raw["actor_nouns"]["words"], *raw["actor_nouns"]["deeds"]]
    extra = raw["extra_organisations"]
    ceasefire = raw["ceasefire"]
    return _Tables(
        types=tuple(types),
        by_name={t.name: t for t in types},
        trigger_pattern=re.compile(rf"\b(?:{trigger})\b", re.IGNORECASE),
        titles=titles,
        title_pattern=re.compile(rf"\b(?:{_alternation(list(titles))})\b", re.IGNORECASE),
        actor_after=re.compile(
            rf"(?:'s)?\s+(?:(?-i:[a-z][\w-]*)\s+){{0,2}}?(?:{_alternation(nouns)})\b"
            r"|(?:'s)?\s+(?:has\s+|have\s+|had\s+)?(?:said|says|told|announced|warned|urged|"
            r"called|condemned|accused|rejected|agreed|signed|demanded|threatened|welcomed|"
            r"asked|insisted|stressed|expressed|hailed|criticised|criticized|blamed|praised|"
            r"denounced|visited|met|hosted|imposed|summoned|expelled|congratulated|thanked|"
            r"complained|protested|held|discussed|received|are|were|is|was|will|would)\b",
            re.IGNORECASE,
        ),
        place_before=re.compile(
            rf"\b(?:{_alternation(raw['places']['before'])})\s+(?:the\s+)?$", re.IGNORECASE
        ),
        hedges=frozenset(raw["hedges"]["before"]),
        future_before=re.compile(
            rf"\b(?:{_alternation(raw['hedges']['future_in_clause'])})\b", re.IGNORECASE
        ),
        future_after=re.compile(
            rf"[^,;.]{{0,60}}?\b(?:{_alternation(raw['hedges']['time_ahead'])})\b",
            re.IGNORECASE,
        ),
        organisations=dict(raw["organisations"]),
        extra_orgs=dict(extra),
        extra_org_pattern=re.compile(rf"\b(?:{_alternation(list(extra))})\b"),
        people={"".join(_token_keys(k)): v for k, v in raw["people"].items()},
        people_exact={" ".join(k.casefold().split()): v for k, v in raw["people"].items()},
        ceasefire_pattern=re.compile(rf"\b(?:{_alternation(ceasefire['words'])})\b", re.IGNORECASE),
        ceasefire_cameo=str(ceasefire["cameo"]),
        topic_nouns=tuple(raw["topics"]["nouns"]),
        topic_phrases=tuple(raw["topics"]["phrases"]),
        max_topics=int(raw["topics"]["max_topics"]),
    )
