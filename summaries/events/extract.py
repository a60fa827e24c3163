"""`extract_events`: a story read sentence by sentence, its acts merged into events.

The story-level rules (the sentence-level ones are in acts.py):

- Within one sentence, one act is named once: content beats channel (a letter "urging" is
  an appeal, not a message), an accusation absorbs the criticism of the same statement, the
  word that names the act decides between a meeting and talks ("met ... to discuss" is a
  meeting, "discussed ... at a meeting" talks), a call absorbs the talks held in it, and a
  cancelled visit is no visit. A call and the praise given in it stay two events, as do a
  visit and the meeting during it.
- Across the story, repeated reports of one (sides, type) are one event whose supporting
  sentences are all of them, dated by its first dated report.
"""

from __future__ import annotations

import re
from datetime import date

from summaries.events import wholestory
from summaries.events.acts import acts_in
from summaries.events.mentions import Story, mentions, opening_person
from summaries.events.model import (
    SOURCE,
    TARGET,
    Actor,
    Event,
    person_key,
    same_person,
    straighten_quotes,
)
from summaries.events.names import NAME, Person
from summaries.events.scene import Draft
from summaries.events.tables import tables, words_of
from summaries.events.when import event_date
from summaries.tokenize import split_sentences

# Longer "sentences" are run-together lists or tables: only their start is read, which keeps
# the work per sentence bounded on untrusted pages.
_MAX_SENTENCE_CHARS = 1_000
_MAX_EVENTS = 500
_PARAGRAPHS = re.compile(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)")
_HEADS = frozenset(
    {"leader", "President", "Prime Minister", "King", "Queen", "Emir", "Supreme Leader",
     "Chancellor", "Sultan", "Crown Prince"}
)  # fmt: skip
# Acts that are statements: dated by the words that frame them, not by what they speak of.
_STATEMENTS = frozenset({"criticism", "praise", "appeal", "threat", "accusation", "message"})
_BEFORE_THE_NEWS = re.compile(r"\b(?:after|following)\s", re.IGNORECASE)
_CONDOLENCE = re.compile(r"condolen|sympath|thoughts\s+and", re.IGNORECASE)
_EXPEL = re.compile(r"expel|expul|withdr|recall|ties|relations", re.IGNORECASE)
# Types that one statement's more specific act absorbs (same sentence, same sides).
_LETTER = re.compile(r"\b(?:letter|message)\b", re.IGNORECASE)
_LETTER_CONTENT = ("appeal", "praise", "criticism", "accusation", "threat")
_ABSORBED_BY = {
    "message": {"appeal", "criticism", "accusation", "threat", "praise", "phone_call"},
    "criticism": {"accusation", "threat"},
    "negotiation": {"phone_call", "visit_cancelled"},
    "meeting": {"phone_call", "visit_cancelled"},
    "visit": {"visit_cancelled"},
}


def extract_events(
    text: str,
    *,
    title: str | None = None,
    published: date | None = None,
    dateline: str | None = None,
    people_table: bool = True,
) -> list[Event]:
    """The diplomatic events a story reports, in the order it reports them.

    `text` is the body (ideally `clean(raw).text`); `title` and `dateline` help to find the
    story's main country and where "here" is; `published` is the story's date, against which
    "on Saturday" is resolved (None: every event date is None); `people_table=False` leaves
    out config/officeholders.toml, so that sides come from the story alone. Never raises on
    a `str`.
    """
    if not text or not isinstance(text, str):
        return []
    story = Story(
        title=title, text=text, dateline=dateline, published=published, people_table=people_table
    )
    t = tables()
    sentences = [straighten_quotes(s[:_MAX_SENTENCE_CHARS]) for s in _sentences(text)]
    _meet_people(sentences, story)
    drafts: list[Draft] = []
    for index, sentence in enumerate(sentences):
        words = words_of(sentence)
        if not (t.all_cues & words):
            if t.title_cues & words:
                mentions(sentence, story)  # who is named here is who "he" is next
            else:
                _note_names(sentence, story)
            continue
        found = mentions(sentence, story)
        here = _within_sentence(acts_in(sentence, index, found, story))
        if here:
            story.last_draft = here[-1]
            drafts.extend(here)
        if len(drafts) >= _MAX_EVENTS:
            break
    events = [_finish(d, story) for d in _across_story(drafts)]
    return [e for e in events if not _long_before(e.date, published)]


# An act dated more than two weeks before the story is context, not its news: of the 243
# dated events coded in the dev and test sets, one lies further back ("I wrote to him on
# the fourth of March", told on the 26th). "cut ties with Qatar on June 5", in August, is
# the background the guidelines leave out.
_NEWS_DAYS = 14


def _long_before(when: date | None, published: date | None) -> bool:
    return when is not None and published is not None and (published - when).days > _NEWS_DAYS


def _sentences(text: str) -> list[str]:
    """Sentences of the story; lines wrapped inside a paragraph are joined first."""
    out: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        joined = " ".join(paragraph.split())
        if joined:
            out.extend(split_sentences(joined))
    return out


def _meet_people(sentences: list[str], story: Story) -> None:
    """Read every official's introduction first: "Reagan" early in a story is the "U.S.
    President Ronald Reagan" of a later paragraph."""
    cues = tables().title_cues
    for sentence in sentences:
        if cues & words_of(sentence):
            mentions(sentence, story)
        else:
            story.pending_title = None
    story.last_person = None
    story.pending_title = None


def _note_names(sentence: str, story: Story) -> None:
    """Remember the last official named, the likely subject of the next sentence's pronoun."""
    story.pending_title = None
    for match in NAME.finditer(sentence):
        known = story.find(match.group())
        if known is not None and known.side:
            story.last_person = known
            return
    story.last_person = opening_person(sentence, story) or story.last_person


def _within_sentence(drafts: list[Draft]) -> list[Draft]:
    kept: list[Draft] = []
    for draft in drafts:
        sides = set(draft.sides)
        same = [k for k in kept if k.sides == draft.sides]
        near = [k for k in kept if sides <= set(k.sides) or set(k.sides) <= sides]
        if any(k.type == draft.type for k in same):
            continue
        if any(k.type in _ABSORBED_BY.get(draft.type, ()) for k in near):
            continue
        if _reason_of_sanctions(draft, near):
            continue
        if _talks_named_by_meeting(draft, near):
            continue
        kept = [
            k
            for k in kept
            if not (
                (set(k.sides) <= sides or sides <= set(k.sides))
                and draft.type in _ABSORBED_BY.get(k.type, ())
            )
        ]
        kept.append(draft)
    return [
        k for k in kept if not any(_narrower(o, k) or _narrower(k, o, addressed=True) for o in kept)
    ]


def _reason_of_sanctions(draft: Draft, near: list[Draft]) -> bool:
    """A judgement word that gives the reason for sanctions in the same sentence ("imposed
    sanctions on Pelosi over her 'provocative' actions, the ministry said") is part of them;
    a criticism said in a verb of its own ("condemned") is an act besides them. So is the
    purpose of sanctions ("imposed tariffs ... to retaliate for Japan's failure"): no threat
    besides them."""
    judged = (
        draft.type == "criticism" and tables().speech_pattern.fullmatch(draft.trigger) is not None
    )
    purpose = draft.type == "threat" and draft.trigger.lower().startswith("to ")
    return (judged or purpose) and any(k.type == "sanctions" for k in near)


def _narrower(one: Draft, other: Draft, *, addressed: bool = False) -> bool:
    """One speaker's act of one type, read twice in a sentence with fewer and with more
    targets ("summoned Sweden's envoy to protest remarks against Saudi Arabia"): one act, and
    the fewer targets are the ones it was made to -- unless the more are named as the ones
    addressed (`addressed`: "called on Tehran to protect the embassy and urged both nations
    to ...", one appeal to both)."""
    return (
        one.type == other.type
        and SOURCE in one.roles
        and _same_source(one, other)
        and set(one.sides) < set(other.sides)
        and any(m.kind == "story" for m in other.actors) == addressed
    )


def _talks_named_by_meeting(draft: Draft, same: list[Draft]) -> bool:
    """Meeting and talks of one sentence: the earlier word names the act."""
    pair = {"meeting", "negotiation"}
    return draft.type in pair and any(k.type in pair for k in same)


def _across_story(drafts: list[Draft]) -> list[Draft]:
    merged: dict[tuple[tuple[str, ...], str], Draft] = {}
    apart: list[Draft] = []
    for draft in drafts:
        key = (draft.sides, draft.type)
        if key not in merged:
            merged[key] = draft
        elif (
            _other_people(merged[key], draft)
            or _opposite(merged[key], draft)
            or _other_measure(merged[key], draft)
        ):
            # two leaders' own acts, one side's and the other's answer, or two kinds of
            # sanction: distinct events
            apart.append(draft)
        else:
            _absorb(merged[key], draft)
    for (sides, etype), draft in list(merged.items()):
        accused = merged.get((sides, "accusation"))
        if etype == "criticism" and accused is not None and _same_source(draft, accused):
            # One speaker's criticism and accusation of one target are one act, the more
            # specific one (the dev sets' convention).
            _absorb(accused, draft)
            del merged[(sides, etype)]
            continue
        # "wrote to Widodo ... In the letter, he asked the president to spare ...": a letter
        # whose content is coded is that act, not a message besides it
        content = next(
            (
                merged[(sides, kind)]
                for kind in _LETTER_CONTENT
                if (sides, kind) in merged
                and _LETTER.search(" ".join(merged[(sides, kind)].sentences))
            ),
            None,
        )
        if etype == "message" and content is not None and _same_source(draft, content):
            _absorb(content, draft)
            del merged[(sides, etype)]
            continue
        # Sympathy expressed in a call or meeting is part of it, wherever the story says so.
        host = merged.get((sides, "phone_call")) or merged.get((sides, "meeting"))
        if (
            etype == "message"
            and host is not None
            and _CONDOLENCE.search(" ".join(draft.sentences))
        ):
            _absorb(host, draft)
            del merged[(sides, etype)]
    return sorted([*merged.values(), *apart], key=lambda d: d.sentence_index)


# The kinds of sanction the guidelines list: each is an act of its own ("severing ties with
# Iran" and "Iranian diplomats had 48 hours to leave" are two events).
_MEASURES = (
    (
        "diplomats",
        re.compile(r"expel|expul|leave|recall|withdr|persona|staff|employees|number", re.I),
    ),
    ("ties", re.compile(r"\b(?:ties|relations|links|contacts)\b", re.I)),
)


def _measure(draft: Draft) -> str:
    return next((kind for kind, cue in _MEASURES if cue.search(draft.trigger)), "economic")


def _other_measure(first: Draft, second: Draft) -> bool:
    return first.type == "sanctions" and _measure(first) != _measure(second)


def _opposite(first: Draft, second: Draft) -> bool:
    """Whether two directed acts go opposite ways (Iran criticises Israel, Israel Iran)."""
    return SOURCE in first.roles and SOURCE in second.roles and not _same_source(first, second)


def _same_source(first: Draft, second: Draft) -> bool:
    """Whether two directed acts were made by the same side."""
    return bool(first.actors and second.actors) and first.actors[0].side == second.actors[0].side


def _other_people(first: Draft, second: Draft) -> bool:
    """Whether two reports of one (sides, type) name different people acting for one side
    ("Obama called Lee a visionary", "Kerry also praised Lee")."""
    mine = {m.side: m.person.name for m in first.actors if m.person}
    if any(
        m.person and m.side in mine and not same_person(mine[m.side], m.person.name)
        for m in second.actors
    ):
        return True
    # Two spokespeople of one state judging the same target: two statements.
    one, other = _speaker_person(first), _speaker_person(second)
    return one is not None and other is not None and not same_person(one, other)


def _speaker_person(draft: Draft) -> str | None:
    """Who made a directed act, when a person is named as its source."""
    if SOURCE not in draft.roles:
        return None
    source = draft.actors[draft.roles.index(SOURCE)]
    return source.person.name if source.person else None


def _absorb(into: Draft, other: Draft) -> None:
    into.reports.append(other)
    for sentence in other.sentences:
        if sentence not in into.sentences:
            into.sentences.append(sentence)
    into.places.extend(other.places)
    for mention in other.actors:
        for i, mine in enumerate(into.actors):
            if mine.side == mention.side and mine.person is None and mention.person is not None:
                into.actors[i] = mention


def _finish(draft: Draft, story: Story) -> Event:
    t = tables()
    actors: list[Actor] = []
    seen: set[str] = set()
    for mention, role in zip(draft.actors, draft.roles, strict=False):
        members = wholestory.members(story, mention.side) if mention.side else ()
        if len(members) > 1:  # a group stands for its members, none of them named here
            actors.extend(Actor(side=m, role=role) for m in members if m not in seen)
            seen.update(members)
            continue
        if not mention.side or mention.side in seen:
            continue
        seen.add(mention.side)
        person = mention.person
        title = mention.title or (person.title if person else None)
        if mention.counterpart and title is None:
            title = next(
                (m.title or (m.person.title if m.person else None) for m in draft.actors
                 if m is not mention and (m.title or (m.person and m.person.title))),
                None,
            )  # fmt: skip
        if person is None and title is not None:
            person = _holder(story, mention.side, title)
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
    cameo = t.by_name[draft.type].cameo
    if draft.type == "appeal" and t.ceasefire.search(draft.clause):
        cameo = t.ceasefire_cameo
    if draft.type == "sanctions" and _EXPEL.search(draft.trigger):
        cameo = "161"
    when, how = _date_of(draft, story)
    earlier = draft.follows
    while how == "published" and earlier is not None:
        # "The two sides also signed ...": the day of the meeting it continues.
        when, how = _date_of(earlier, story)
        earlier = earlier.follows
    if how == "published" and _BEFORE_THE_NEWS.search(draft.trigger):
        when, how = None, None  # "is in Malaysia after talks in Thailand": earlier, no day
    if when is None:
        # "Nigeria and France have signed an agreement ... The accord was signed here
        # yesterday": the first report that gives the day dates the act.
        when, how = next(
            (found for report in draft.reports if (found := _date_of(report, story))[1] == "text"),
            (when, how),
        )
    return Event(
        date=when,
        date_how=how,
        type=draft.type,
        cameo=cameo,
        actors=tuple(actors),
        topics=_topics(draft),
        sentences=tuple(draft.sentences),
    )


def _date_of(draft: Draft, story: Story) -> tuple[date | None, str | None]:
    """The day one report of an act gives it, by the guidelines' date rules (when.py)."""
    if draft.one_of_stops:
        return None, None
    return event_date(
        draft.clause,
        draft.trigger_at - draft.clause_at,
        story.published,
        spoken=draft.type in _STATEMENTS,
    )


def _holder(story: Story, side: str, title: str) -> Person | None:
    """Who "her Iranian counterpart" is, when the story names them elsewhere: the official of
    that side with the same title, or for a leader, the side's head of state or government."""
    same = next((p for p in story.people if p.side == side and p.title == title), None)
    if same is not None or title not in _HEADS:
        return same
    return next((p for p in story.people if p.side == side and p.title in _HEADS), None)


def _topics(draft: Draft) -> tuple[str, ...]:
    t = tables()
    topics: list[str] = []
    text = " ".join(draft.sentences)
    for place in dict.fromkeys(draft.places):
        at = text.find(place)
        if at < 0:
            continue
        window = text[max(0, at - 90) : at + len(place) + 40].casefold()
        nouns = [n for n in t.topic_nouns if re.search(rf"\b{re.escape(n)}\b", window)]
        topics.append(f"{place} {nouns[0]}" if nouns else place)
    lowered = text.casefold()
    for phrase in t.topic_phrases:
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            topics.append(phrase)
    return tuple(list(dict.fromkeys(topics))[: t.max_topics])


def event_types() -> dict[str, str]:
    """Every event type with its CAMEO code."""
    return {t.name: t.cameo for t in tables().types}
