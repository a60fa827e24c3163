"""From one sentence's triggers and mentions to drafts of events: one per act, clause by clause.

For each trigger ("condemned", "in a phone conversation with", "paid a visit to") in a
sentence:

1. **Is it an act that happened or is stated as planned?** A hedge before the trigger in its
   clause ("may sign", "refused to meet", "did not condemn", "if ... visits") or background
   time ("last year", "in 1985", "has been urging for months") drops it.
2. **Who acts, on whom?** The clause (the sentence cut at semicolons, dashes and relative or
   contrastive joints) is read around the trigger:
   - directed acts (criticism, appeal, praise, threat, accusation, message, sanctions): the
     acting side is the clause's subject -- the nearest actor before the trigger, or the
     official the story last named when the subject is a pronoun ("He accused ...") -- and
     the other side is the first actor or deed's doer after it ("condemned the Israeli
     strikes"); a coordinated subject ("Lebanon and Iraq have voiced opposition") gives one
     act per actor, a coordinated object ("urged Japan and South Korea") one act with all;
     "breaching", "violated", "should", "must" make the subject the target of the speaker
     before it ("Baker said Bonn was breaching the accord");
   - reciprocal acts (call, meeting, talks, agreement, cancellation): every actor of the
     clause, completed by the official last named for a pronoun, by "his counterpart", or
     by the sides of the story's previous act for "the two sides";
   - visits: the visitor (subject, or the official after "visiting") and the place visited
     (after the trigger, "in X", or the dateline's country for "here"); travel to a summit or
     conference is not a visit.
3. A draft needs two different sides; `consolidate` (extract.py) then merges and prunes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summaries import countries
from summaries.events.mentions import (
    ACTOR,
    DEED,
    NAME,
    OTHER,
    PLACE,
    STOP_NAMES,
    Mention,
    Person,
    Story,
)
from summaries.events.model import BOTH, SOURCE, TARGET
from summaries.events.tables import DIRECTED, VISIT, tables, words_of
from summaries.events.when import is_background

# Where a clause ends: a new clause's target or subject is someone else's.
_CLAUSE_BREAK = re.compile(
    r";|\s--\s|\s—\s|:\s|,\s+(?:but|while|whereas|which|who|although|though|after|"
    r"before|as(?!\s+well\s+as)|when|since|because|where|saying|adding|according)\b|\bbut\b|\bwhile\b"
)
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[\s,\"])(?:he|she|they|it|his|her|their|its|the\s+(?:minister|spokesman|spokeswoman"
    r"|president|premier|prime\s+minister|secretary|official|ambassador|envoy|government"
    r"|ministry|kingdom|country|chancellor|leader))\b",
    re.IGNORECASE,
)
_BOTH_SIDES = re.compile(
    r"(?:^\s*they\b|\b(?:the\s+two|both)(?:\s+(?:sides|countries|nations|ministers|leaders|presidents|men"
    r"|officials|delegations|governments|foreign\s+ministers|top\s+diplomats))?\b)",
    re.IGNORECASE,
)
_HERE = re.compile(r"\bhere\b", re.IGNORECASE)
_MULTILATERAL = re.compile(
    r"\b(?:summit|conference|assembly|annual\s+meetings?|session|ceremony|celebrations?"
    r"|games|funeral|forum)\b",
    re.IGNORECASE,
)
_SUBJECT_IS_TARGET = re.compile(
    r"^(?:breach|violat|should|must|is\s+right|are\s+right)", re.IGNORECASE
)
_ARMED = re.compile(
    r"(?:'s)?\s+(?:[\w-]+\s+)?(?:forces|troops|military|army|navy|warplanes|jets|soldiers)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"(?:^|[\s\"])(?:I|we|We|our|Our|my|My)\b")
_SPEECH = re.compile(r"\b(?:said|says|told|added|stated|wrote|declared|insisted)\b")
# Acts whose target often stands before the verb ("threatened retaliatory action").
_LOOSE_OBJECT = frozenset({"threat", "sanctions"})
_OBJECT_PRONOUN = re.compile(r"\s+(?:him|her|(?P<plural>them))\b", re.IGNORECASE)
_INFINITIVE = re.compile(r"\bto\b|\bfor\b")
# Asides inside a sentence: a relative clause between commas, a parenthesis, a dashed aside.
_ASIDE = re.compile(r",\s+(?:who|which|whose)\b[^,;]*,|\([^()]*\)|\s--\s[^;]*?\s--\s")
# How a contact trigger reaches its partners.
_LINKING_END = re.compile(r"\b(?:with|between|to|visiting)\s*$", re.IGNORECASE)
_DIRECT_OBJECT_TRIGGER = re.compile(r"^(?:met|meets|meet|received|told)\b", re.IGNORECASE)
_MODIFIERS = re.compile(r"\s*(?:(?-i:[a-z][\w'-]*)\s+){0,3}", re.IGNORECASE)
_FIRST_PARTNER = re.compile(
    r"\s*(?:\S+\s+){0,4}?(?:with|between|among|and|to)\s+(?:(?-i:[a-z][\w'-]*)\s+){0,3}",
    re.IGNORECASE,
)
_NEXT_PARTNER = re.compile(
    r"\s*,?\s*(?:(?:and|or|as\s+well\s+as|plus|along\s+with)\s+)?(?:(?-i:[a-z][\w'-]*)\s+){0,2}",
    re.IGNORECASE,
)
_GATHERING = re.compile(r"\b(?:summit|summits|meeting|meetings)$", re.IGNORECASE)
_OF_PARTNER = re.compile(
    r"\s*(?:of|with|between)\s+(?:the\s+)?(?:(?-i:[a-z][\w'-]*)\s+){0,2}", re.IGNORECASE
)
_BY = re.compile(r"(?:\s+\w+){0,3}?\s+by\s+")
_APPEAL_CALL = re.compile(r"\s+(?:on|upon|for)\b", re.IGNORECASE)  # "called on X": an appeal
_NEGATED = re.compile(r"\b(?:not|no|never|n't|nor)\b[^,.;]*$", re.IGNORECASE)
# Last words of a name that make it a body, not a person.
_INSTITUTIONS = frozenset(
    {"Bank", "Council", "Agency", "Organization", "Organisation", "Ministry", "Committee",
     "Party", "Corporation", "Company", "Fund", "Union", "Association", "News", "Radio",
     "Television", "University", "Commission", "Office", "Department", "Court", "Assembly",
     "Congress", "Parliament", "Group", "Institute", "Times", "Post", "Agency's"}
)  # fmt: skip
_POSSESSED = re.compile(r"'s\s+(?:[\w-]+\s+)?$")
_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_ARRIVAL = re.compile(r"arriv", re.IGNORECASE)
# A destination follows the trigger directly ("visited Japan") or after a locative word.
_TOWARD = re.compile(
    r"^\s*(?:\S+\s+){0,3}?(?:to|in|at|into|for)\s+(?:the\s+)?(?:\S+\s+){0,1}$|^\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_AND_HIS = re.compile(r"\s+and\s+(?:his|her)\b")
_PURPOSE = re.compile(r"\bto\s+$")
_SAME_SUBJECT = re.compile(r"\band\s+(?:(?:has|have|had|also|then|later)\s+)*$", re.IGNORECASE)
_TARGET_WINDOW_WORDS = 25
# How far past the trigger a time phrase still dates the act ("visited France in 2009")
# rather than something else in the clause ("to raise trade by 50 pct on last year").
_BACKGROUND_AFTER = 40
_HEDGE_WORDS = 5
_CONDITION = re.compile(r"\b(?:if|unless|whether)\b", re.IGNORECASE)


@dataclass
class Draft:
    """One act as read from one sentence, before the story's acts are merged."""

    type: str
    sentence_index: int
    trigger_at: int
    trigger: str
    clause: str
    clause_at: int
    actors: list[Mention]
    roles: list[str]
    sentences: list[str]
    places: list[str] = field(default_factory=list)
    follows: Draft | None = None  # the act "the two sides" continues

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(sorted({m.side for m in self.actors if m.side}))


def acts_in(sentence: str, index: int, found: list[Mention], story: Story) -> list[Draft]:
    """Every act the sentence reports that has two sides (see the module docstring)."""
    t = tables()
    drafts: list[Draft] = []
    matches = _triggers(sentence)
    asides = [m.span() for m in _ASIDE.finditer(sentence)]
    asking: list[re.Match[str]] = []  # appeals and threats: what they ask or threaten is not done
    everyone = found
    purpose: list[Mention] = []  # the subject an infinitive of purpose shares ("... to protest")
    previous: list[Mention] = []  # the last directed act's sides, for "... and have threatened"
    for i, (name, match) in enumerate(matches):
        # An aside the trigger is not in ("Boehner, who invited Netanyahu ..., plans to
        # visit Israel") is invisible to it: its breaks and its mentions.
        outside = [(a, b) for a, b in asides if not a <= match.start() < b]
        found = [m for m in everyone if not any(a <= m.start < b for a, b in outside)]
        start, end = _clause(sentence, match.start(), match.end(), outside)
        clause = sentence[start:end]  # whole, for the date: "... duties it imposed on April 17"
        if _asked_for(sentence, match, asking, start):
            continue
        if name in ("appeal", "threat", "agreement"):
            asking.append(match)  # "agreed to hold talks": the talks are not held yet
        if t.by_name[name].mode == DIRECTED and i + 1 < len(matches):
            # "condemned the attack and called on Iran": Iran is the appeal's, not the
            # condemnation's.
            end = min(end, max(matches[i + 1][1].start(), match.end()))
        if t.by_name[name].mode == DIRECTED and name != "message":
            # "... and firmly supports Iran's efforts": another act of the same subject (a
            # condolence's addressee, though, is often only named in what follows).
            verb = t.new_verb.search(sentence, match.end(), end)
            end = verb.start() if verb else end
        if name == "negotiation" and _POSSESSED.search(
            sentence, max(0, match.start() - 40), match.start()
        ):
            continue  # "the administration's negotiations with Iran": named, not reported
        near = sentence[start : min(end, match.end() + _BACKGROUND_AFTER)]
        if _hedged(sentence, start, match, name, outside) or is_background(near, story.published):
            continue
        etype = t.by_name[name]
        if etype.mode == DIRECTED:
            groups = _directed(name, sentence, match, start, end, found, story, previous)
            if purpose and _PURPOSE.search(sentence, max(0, match.start() - 4), match.start()):
                # "the UAE summoned Sweden's ambassador to protest ...": the UAE protests
                groups = [
                    ([purpose[0], *others], [SOURCE] + [TARGET] * len(others))
                    for actors, _ in groups
                    if (others := [a for a in actors if a.side != purpose[0].side])
                ] or groups
            if groups:
                purpose = [groups[0][0][0]]
                previous = groups[0][0]
        elif etype.mode == VISIT:
            groups = _visit(sentence, match, start, end, found, story)
        else:
            groups = _reciprocal(name, sentence, match, start, end, found, story)
        for actors, roles in groups:
            if len({a.side for a in actors}) < 2:
                continue
            places = [sentence[m.start : m.end] for m in everyone if m.role == PLACE]
            draft = Draft(
                name, index, match.start(), match.group(), clause, start, actors, roles,
                [sentence], places,
            )  # fmt: skip
            if story.last_draft is not None and actors == story.last_draft.actors:
                draft.follows = story.last_draft
            drafts.append(draft)
    drafts.extend(_judgements(sentence, index, everyone, story))
    return drafts


def _judgements(sentence: str, index: int, found: list[Mention], story: Story) -> list[Draft]:
    """Criticism and praise reported as judgements: a speaker who "said" another state's
    move was "a big mistake", or called a leader "a visionary" ([evaluations])."""
    t = tables()
    if not (t.speech & words_of(sentence)):
        return []
    drafts = []
    for name, pattern in t.judgements:
        for word in pattern.finditer(sentence):
            if _NEGATED.search(sentence, max(0, word.start() - 15), word.start()):
                continue
            verb = min(
                (v for v in t.speech_pattern.finditer(sentence) if not _APPEAL_CALL.match(
                    sentence, v.end()
                )),
                key=lambda v: abs(v.start() - word.start()),
                default=None,
            )  # fmt: skip
            if verb is None:
                continue
            speaker = _speaker(sentence, verb, found, story)
            if speaker is None:
                continue
            others = [
                m for m in found
                if m.side and m.side != speaker.side and m is not speaker
                and (m.role in (ACTOR, DEED) or m.kind == "demonym" and m.role == OTHER)
            ]  # fmt: skip
            if not others:
                continue
            low, high = sorted((verb.end(), word.start()))
            judged = [m for m in others if low <= m.start < high]  # what the judgement is of
            following = [
                m for m in others
                if word.end() <= m.start and len(sentence[word.end() : m.start].split()) <= 12
            ]  # fmt: skip
            targets = (
                judged or following[:1] or [min(others, key=lambda m: abs(m.start - word.start()))]
            )
            start, end = _clause(sentence, verb.start(), verb.end())
            for target in {m.side: m for m in targets}.values():
                drafts.append(
                    Draft(
                        name,
                        index,
                        verb.start(),
                        verb.group(),
                        sentence[start:end],
                        start,
                        [speaker, target],
                        [SOURCE, TARGET],
                        [sentence],
                    )  # fmt: skip
                )
            break
    return drafts


def _speaker(
    sentence: str, verb: re.Match[str], found: list[Mention], story: Story
) -> Mention | None:
    """Who said it: the official or state right before the speech verb, or right after it
    ("said Zarif"), or the official last named when a pronoun says it."""
    before = [
        m for m in found
        if m.end <= verb.start() and m.role == ACTOR and m.side
        and len(sentence[m.end : verb.start()].split()) <= 8
    ]  # fmt: skip
    if before:
        return before[-1]
    after = [
        m for m in found
        if m.start >= verb.end() and m.role == ACTOR and m.side
        and len(sentence[verb.end() : m.start].split()) <= 3
    ]  # fmt: skip
    if after:
        return after[0]
    head = sentence[max(0, verb.start() - 12) : verb.start()]
    person = story.last_person
    if person is not None and person.side and re.search(r"\b(?:he|she)\s*$", head, re.I):
        return _from_person(person)
    return None


def _asked_for(
    sentence: str, match: re.Match[str], asking: list[re.Match[str]], clause_start: int
) -> bool:
    """An act inside what an appeal or threat asks for ("urged Israel to return to talks",
    "threatened to impose sanctions") has not happened: the appeal or threat is the event."""
    return any(
        earlier.end() <= match.start()
        and earlier.start() >= clause_start
        and _INFINITIVE.search(sentence, earlier.end(), match.start())
        for earlier in asking
    )


def _triggers(sentence: str) -> list[tuple[str, re.Match[str]]]:
    """Every trigger of every type, in order; one type's match may overlap another's ("told
    visiting X" is both a meeting and a visit). A type's patterns run only when one of its
    cue words is in the sentence."""
    words = words_of(sentence)
    found = [
        (m.start(), name, m)
        for name, cues, pattern in tables().per_type
        if cues & words
        for m in pattern.finditer(sentence)
    ]
    return [(name, m) for _, name, m in sorted(found, key=lambda f: f[0])]


def _clause(
    sentence: str, at: int, end: int, asides: Sequence[tuple[int, int]] = ()
) -> tuple[int, int]:
    """The span of the clause around a trigger; breaks inside `asides` do not count."""
    start = 0
    for brk in _CLAUSE_BREAK.finditer(sentence, 0, at):
        if not any(a <= brk.start() < b for a, b in asides):
            start = brk.end()
    for stop in _CLAUSE_BREAK.finditer(sentence, end):
        if not any(a <= stop.start() < b for a, b in asides):
            return start, stop.start()
    return start, len(sentence)


def _hedged(
    sentence: str,
    clause_start: int,
    match: re.Match[str],
    name: str,
    asides: Sequence[tuple[int, int]] = (),
) -> bool:
    """A hypothetical, negated or refused act: a hedge shortly before the trigger (asides
    left out: "China and Israel, which have no relations, discussed ...")."""
    t = tables()
    head = sentence[clause_start : match.start()]
    for a, b in sorted(asides, reverse=True):
        if clause_start <= a < match.start():
            head = head[: a - clause_start] + head[min(b, match.start()) - clause_start :]
    window = " ".join(head.split()[-_HEDGE_WORDS:])
    if t.hedge.search(window) or _CONDITION.search(head):
        return True
    if name != "message" and t.offer.search(window):
        return True
    return name != "threat" and bool(t.hedge_after.match(sentence, match.end()))


def _speakers(mentions: list[Mention], sentence: str) -> list[Mention]:
    """Mentions that can say or sign something: not "Russian forces", "Iranian troops"."""
    return [m for m in mentions if not _ARMED.match(sentence, m.end)]


def _sides(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.side and m.role in (ACTOR, DEED)]


def _subject(
    sentence: str, match: re.Match[str], start: int, found: list[Mention], story: Story
) -> list[Mention]:
    """The acting side(s): the nearest actor before the trigger (with the actors coordinated
    with it), else the official the story last named when a pronoun or bare title stands
    there."""
    before = [m for m in _sides(found) if start <= m.end <= match.start() and m.role == ACTOR]
    if before:
        last = before[-1]
        group = [last]
        gaps = []
        for m in reversed(before[:-1]):
            gap = sentence[m.end : group[0].start]
            if re.fullmatch(r"\s*(?:,|and|,\s*and|or)\s*(?:the\s+)?", gap):
                group.insert(0, m)
                gaps.append(gap)
            else:
                break
        if gaps and not re.search(r"\b(?:and|or)\b", gaps[0]):
            group = [last]  # "with Netanyahu, President Obama ...": a comma is no list
        officials = [m for m in before if m.official]
        if not last.official and officials and last.role == DEED:
            return [officials[-1]]
        return group
    head = sentence[start : match.start()]
    if _FIRST_PERSON.search(head) or head.lstrip().startswith('"'):
        speaker = _quoted_speaker(sentence, match.end(), found)
        if speaker is not None:
            return [speaker]
    person = story.last_person
    if person is not None and person.side and _PRONOUN_SUBJECT.search(head):
        return [_from_person(person)]
    earlier = [m for m in _sides(found) if m.end <= start and m.role == ACTOR]
    if earlier:
        return [earlier[0]]
    if person is not None and person.side and not head.strip():
        return [_from_person(person)]
    return []


def _quoted_speaker(sentence: str, after: int, found: list[Mention]) -> Mention | None:
    """ "We appeal to the Indonesian president ...," Bishop told the gathering."""
    close = sentence.find('"', after)
    if close < 0:
        return None
    for m in found:
        speaker = m.start > close and m.role == ACTOR and (m.official or m.kind == "person")
        if speaker and _SPEECH.search(sentence, close, m.start + 80):
            return m
    return None


def _from_person(person: Person) -> Mention:
    return Mention(-1, -1, person.side or "", ACTOR, "person", person, person.title)


def _objects(
    sentence: str, match: re.Match[str], end: int, found: list[Mention], exclude: set[str]
) -> list[Mention]:
    """The first actor or deed's doer after the trigger, with the ones coordinated with it."""
    words = sentence[match.end() : end].split()
    limit = match.end() + len(" ".join(words[:_TARGET_WINDOW_WORDS])) + 1
    # From the trigger's start: "expelled two Russian diplomats" holds its own object.
    after = [m for m in found if match.start() < m.start < min(end, limit) and m.side]
    first = next((m for m in after if m.role in (ACTOR, DEED) and m.side not in exclude), None)
    if first is None:
        first = next(
            (m for m in after if m.role == OTHER and m.kind == "demonym" and m.side not in exclude),
            None,
        )
    if first is None:
        return []
    group = [first]
    for m in after[after.index(first) + 1 :]:
        gap = sentence[group[-1].end : m.start]
        if m.role != PLACE and re.fullmatch(
            r"\s*(?:,|and|,\s*and|as\s+well\s+as)\s*(?:the\s+)?", gap
        ):
            group.append(m)
        else:
            break
    return [m for m in group if m.side not in exclude]


def _earlier_object(
    sentence: str,
    match: re.Match[str],
    sources: list[Mention],
    found: list[Mention],
    exclude: set[str],
) -> list[Mention]:
    """A target named before the trigger, after its actor: "Washington seeks to persuade
    Russia ... and has threatened a variety of costs", "was injured in the U.S. attack and
    vowed retaliation"."""
    after_source = max((s.end for s in sources), default=0)
    between = [
        m
        for m in found
        if after_source <= m.start and m.end <= match.start() and m.side not in exclude
        and m.role in (ACTOR, DEED)
    ]  # fmt: skip
    return between[-1:]


def _object_pronoun(
    sentence: str, match: re.Match[str], found: list[Mention], exclude: set[str], story: Story
) -> list[Mention]:
    """ "congratulated him", "urged them": the official named last, of another side."""
    pronoun = _OBJECT_PRONOUN.match(sentence, match.end())
    if pronoun is None:
        return []
    before = [m for m in found if m.end <= match.start() and m.official and m.side not in exclude]
    if before:
        return [before[-1]]
    if pronoun.group("plural"):
        return []  # "them" is rarely the last official named in an earlier sentence
    person = story.last_person
    if person is not None and person.side and person.side not in exclude:
        return [_from_person(person)]
    return []


def _directed(
    name: str,
    sentence: str,
    match: re.Match[str],
    start: int,
    end: int,
    found: list[Mention],
    story: Story,
    previous: Sequence[Mention] = (),
) -> list[tuple[list[Mention], list[str]]]:
    """Who acts on whom; a verb coordinated with an earlier one ("have accused Tokyo ... and
    have threatened retaliatory action") shares its subject and, without its own, its object."""
    if previous and _SAME_SUBJECT.search(sentence, max(0, match.start() - 30), match.start()):
        objects = _objects(sentence, match, end, found, {previous[0].side})
        targets = objects or list(previous[1:])
        return [([previous[0], *targets], [SOURCE] + [TARGET] * len(targets))]
    if _SUBJECT_IS_TARGET.match(match.group()):
        targets = _subject(sentence, match, start, found, story)
        speakers = [
            m for m in _sides(found)
            if m.end <= (targets[0].start if targets and targets[0].start >= 0 else match.start())
            and m.side not in {t.side for t in targets}
        ]  # fmt: skip
        if not targets or not speakers:
            return []
        return [([speakers[-1], *targets], [SOURCE] + [TARGET] * len(targets))]
    sources = _speakers(_subject(sentence, match, start, found, story), sentence)
    if not sources:
        return []
    exclude = {s.side for s in sources}
    objects = _objects(sentence, match, end, found, exclude)
    if name == "appeal":
        # "called for efforts to end the Israeli strikes": an appeal's other side is the one
        # addressed, not the doer of what is asked about.
        objects = [m for m in objects if m.role == ACTOR]
    targets = (
        objects
        or _object_pronoun(sentence, match, found, exclude, story)
        or (name in _LOOSE_OBJECT and _earlier_object(sentence, match, sources, found, exclude))
        or []
    )
    if not targets:
        return []
    return [([s, *targets], [SOURCE] + [TARGET] * len(targets)) for s in sources]


def _reciprocal(
    name: str,
    sentence: str,
    match: re.Match[str],
    start: int,
    end: int,
    found: list[Mention],
    story: Story,
) -> list[tuple[list[Mention], list[str]]]:
    inside = [m for m in _sides(found) if start <= m.start < end and m.role == ACTOR]
    head = sentence[start : match.start()]
    if _BOTH_SIDES.search(head) or (
        _BOTH_SIDES.search(sentence[start:end]) and len({m.side for m in inside}) < 2
    ):
        previous = story.last_draft
        if previous is None or (
            previous.type in ("phone_call", "meeting") and name not in ("agreement", "meeting")
        ):
            return []  # what "they discussed" in a call or meeting is that call or meeting
        return [(list(previous.actors), [BOTH] * len(previous.actors))]
    host = _gathering_body(sentence, match, inside)
    if host is not None:
        # "to attend the Arab League summit": the body is a party, who attends the other.
        inside = [m for m in inside if m is not host]
        attendees = _subject(sentence, match, start, [m for m in found if m is not host], story)
        picked = _one_per_side([*attendees, host])
        return [(picked, [BOTH] * len(picked))] if len(picked) > 1 else []
    if any(m.end <= match.start() for m in inside):
        # A subject before the trigger: it, and whoever the trigger links to it ("met with
        # X and Y", "talks between X and Y") -- not every state the clause names ("discussed
        # Washington's scandal over arms sales to Iran").
        inside = _subject(sentence, match, start, found, story) + _partners(
            name, sentence, match, [m for m in inside if m.start > match.start()]
        )
    else:
        inside = _subject(sentence, match, start, found, story) + inside
    picked = _one_per_side(inside)
    if len(picked) == 1 and picked[0].official:
        extra = _unintroduced(sentence, match, start, end, found, picked[0], story) or _implicit(
            picked[0], sentence[start:end], story
        )
        if extra is not None:
            picked.append(extra)
    if name == "phone_call" and len(picked) > 2:
        # "spoke by phone with Lavrov and Wang Yi": a call is between two parties.
        first, *partners = picked
        return [([first, p], [BOTH, BOTH]) for p in partners]
    return [(picked, [BOTH] * len(picked))]


def _gathering_body(sentence: str, match: re.Match[str], inside: list[Mention]) -> Mention | None:
    """The organisation a summit or meeting belongs to, named right before it."""
    if not _GATHERING.search(match.group()):
        return None
    for m in inside:
        if (
            m.kind == "org"
            and m.end <= match.start()
            and not sentence[m.end : match.start()].strip()
        ):
            return m
    return None


def _partners(
    name: str, sentence: str, match: re.Match[str], after: list[Mention]
) -> list[Mention]:
    """The parties a contact trigger links to its subject: after "with", "between", "to"
    (or, for "met" and "received", the direct object), then any coordinated with them."""
    linked = _LINKING_END.search(match.group()) is not None
    accepted: list[Mention] = []
    previous = match.end()
    for m in after:
        if m.start < match.end():  # inside the trigger: "accepted Russia's invitation"
            accepted.append(m)
            previous = max(previous, m.end)
            continue
        gap = sentence[previous : m.start]
        if accepted:
            ok = _NEXT_PARTNER.fullmatch(gap)
        elif _GATHERING.search(match.group()):
            ok = _OF_PARTNER.fullmatch(gap)
        elif linked or (name == "meeting" and _DIRECT_OBJECT_TRIGGER.match(match.group())):
            ok = _MODIFIERS.fullmatch(gap)
        else:
            ok = _FIRST_PARTNER.fullmatch(gap)
        if not ok:
            break
        accepted.append(m)
        previous = m.end
    return accepted


def _one_per_side(mentions: list[Mention]) -> list[Mention]:
    """One mention per side, a named official before an unnamed one."""
    by_side: dict[str, Mention] = {}
    for m in mentions:
        known = by_side.get(m.side)
        if known is None or (m.person is not None and known.person is None):
            by_side[m.side] = m
    return sorted(by_side.values(), key=lambda m: m.start)


def _implicit(only: Mention, clause: str, story: Story) -> Mention | None:
    """The side a contact report leaves implicit: the official last named ("he met ..."),
    else the dateline's country for acts "here", else the story's main country."""
    person = story.last_person
    if (
        person is not None
        and person.side
        and person.side != only.side
        and (only.person is None or person is not only.person)
    ):
        return _from_person(person)
    here = story.here()
    if _HERE.search(clause) and here and here != only.side:
        return Mention(-1, -1, here, ACTOR, "here")
    if only.counterpart:
        for code in story.main_countries():
            if code != only.side:
                return Mention(-1, -1, code, ACTOR, "story")
    return None


def _unintroduced(
    sentence: str,
    trigger: re.Match[str],
    start: int,
    end: int,
    found: list[Mention],
    only: Mention,
    story: Story,
) -> Mention | None:
    """A call or meeting whose subject the story names but never places ("Pezeshkian made
    the comment in a phone conversation with Iraqi Prime Minister X"): the subject is taken to
    be of the story's main country -- the one the report is about."""
    bodies = [(m.start, m.end) for m in countries.mentions(sentence[start:end])]
    asides = [m.span() for m in _ASIDE.finditer(sentence)]
    for match in NAME.finditer(sentence, start, end):
        if any(m.start <= match.start() < m.end for m in found) or any(
            a <= match.start() - start < b for a, b in bodies
        ):
            continue  # a state, or an organisation: "the Inter-American Development Bank"
        if any(a <= match.start() < b for a, b in asides):
            continue  # "-- which also happens to be Nowruz, a holiday --"
        if match.end() > trigger.start() and not _AND_HIS.match(sentence, match.end()):
            continue  # the subject stands before the act, or beside "and his counterpart"
        name = match.group().removesuffix("'s")
        words = name.split()
        if words[0] in STOP_NAMES or tables().title_pattern.fullmatch(name):
            continue
        if words[-1] in _INSTITUTIONS:
            continue
        side = story.country_of(words[-1], exclude=only.side)
        if side is None:
            return None
        person = story.register(Person(name, side, None))
        person.side = person.side or side
        return Mention(match.start(), match.end(), person.side, ACTOR, "person", person)
    return None


def _visit(
    sentence: str, match: re.Match[str], start: int, end: int, found: list[Mention], story: Story
) -> list[tuple[list[Mention], list[str]]]:
    after_text = sentence[match.end() : end]
    if _MULTILATERAL.search(after_text[:80]):
        return []
    inside = [m for m in found if start <= m.start < end and m.side]
    after = [m for m in inside if m.start >= match.end()]
    trigger = match.group().casefold()
    if trigger.startswith(("visiting", "host", "played host")) and after and after[0].official:
        # "told visiting U.S. Secretary of State Shultz", "hosted Japan's prime minister"
        visitor = after[0]
        host = _subject(sentence, match, start, found, story) or _here(story)
        return [([visitor, h], [SOURCE, TARGET]) for h in host[:1] if h.side != visitor.side]
    destinations = _destinations(sentence, match, after, inside, story)
    visitors = _visitor_after_by(sentence, destinations, found) or [
        v for v in _subject(sentence, match, start, found, story) if _official(v)
    ]
    if not visitors:
        officials = [m for m in inside if m.end <= match.start() and m.official]
        visitors = officials[-1:]
    groups = []
    for visitor in visitors[:3]:
        for place in destinations:
            if place.side != visitor.side:
                groups.append(([visitor, place], [SOURCE, TARGET]))
    return groups


def _visitor_after_by(
    sentence: str, destinations: list[Mention], found: list[Mention]
) -> list[Mention]:
    """ "a visit to Moscow last week by Iran's Oil Minister": the visitor follows "by"."""
    if not destinations or destinations[-1].start < 0:
        return []
    by = _BY.match(sentence, destinations[-1].end)
    if by is None:
        return []
    return [m for m in found if m.start >= by.end() and _official(m)][:1]


def _official(m: Mention) -> bool:
    """A state actor who can travel: an official, a delegation, a government ("a French
    government team": a demonym is an actor only before such a noun)."""
    return (
        m.official
        or m.kind in ("person", "title", "org")
        or (m.kind == "demonym" and m.role == ACTOR)
    )


def _destinations(
    sentence: str,
    match: re.Match[str],
    after: list[Mention],
    inside: list[Mention],
    story: Story,
) -> list[Mention]:
    """Where the visit goes: what follows the trigger ("to Japan and South Korea", "in
    Riyadh"), else a place named in the clause ("who is in Rome on a tour"), else "here"."""
    places: list[Mention] = []
    for m in after:
        gap = sentence[(places[-1].end if places else match.end()) : m.start]
        if len(gap.split()) > (6 if not places else 2):
            break
        if _ORIGIN.search(gap):
            continue  # "arrived from Helsinki": where the visitor came from
        if not places and _ARRIVAL.match(match.group()) and not _TOWARD.search(gap):
            continue  # "arrived ... aboard a U.S. Air Force plane": not where he arrived
        if m.role in (ACTOR, PLACE, OTHER) and m.kind != "demonym":
            places.append(m)
        elif places:
            break
    if places:
        return places
    named = [m for m in inside if m.role == PLACE and not _ORIGIN.search(sentence, 0, m.start)]
    if named:
        return named[:1]
    if _HERE.search(sentence) or (story.dateline and _ARRIVAL.match(match.group())):
        return _here(story)  # "arrived here", or arrived under the story's dateline
    return []


def _here(story: Story) -> list[Mention]:
    here = story.here()
    return [Mention(-1, -1, here, ACTOR, "here")] if here else []
