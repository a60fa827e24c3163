"""What every reading of a trigger shares: the draft of an act, the clause around the
trigger, asides, and who the clause's subject is.

The subject is the nearest actor before the trigger in its clause, with the actors
coordinated with it ("Lebanon and Iraq"), else the speaker of a quote ("'We appeal ...,'
Bishop told"), else the official the story last named when a pronoun or bare title stands
there; armed forces never speak.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summaries.events.mentions import (
    ACTOR,
    DEED,
    NOT_STATE,
    Mention,
    Person,
    Story,
)
from summaries.events.tables import tables

# Where a clause ends: a new clause's target or subject is someone else's.
_CLAUSE_BREAK = re.compile(
    r";|\s--\s|\s—\s|:\s|,\s+(?:but|while|whereas|which|who|although|though|after|"
    r"before|as(?!\s+well\s+as)|when|since|because|where|saying|adding|according|citing)\b|\bbut\b|\bwhile\b"
)


_HE_OR_SHE = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
# A clause whose subject is "he" or "she" ("On Tuesday he met ..."), before any name.
_PRONOUN_OPENER = re.compile(
    r"\s*[\"“]?(?:(?:On|Later|Then|Afterwards|Earlier)\b[^,]{0,30}?,?\s+)?(?:he|she)\s",
    re.IGNORECASE,
)
_HE_SAID = re.compile(
    r"\s*(?:he|she)\s+(?:said|told|added|says|tells|adds|wrote|declared|insisted)\b",
    re.IGNORECASE,
)
_HE_AND = re.compile(r"\b(?:he|she)\s+and\s+$", re.IGNORECASE)
# "They were on a cruise that stopped in Tunis": a plural is not the one official last named.
_THEY = re.compile(r"^\s*(?:they|their)\b", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[\s,\"])(?:he|she|they|it|his|her|their|its|the\s+(?:minister|spokesman|spokeswoman"
    r"|president|premier|prime\s+minister|secretary|official|ambassador|envoy|government"
    r"|ministry|kingdom|country|chancellor|leader))\b",
    re.IGNORECASE,
)


HERE = re.compile(r"\bhere\b", re.IGNORECASE)


_ARMED = re.compile(
    r"(?:'s)?\s+(?:[\w-]+\s+)?(?:forces|troops|military|army|navy|warplanes|jets|soldiers)\b",
    re.IGNORECASE,
)


_FIRST_PERSON = re.compile(r"(?:^|[\s\"])(?:I|we|We|our|Our|my|My)\b")


# Asides inside a sentence: a relative clause between commas, a parenthesis, a dashed aside.
ASIDE = re.compile(
    r",\s+(?:who|which|whose)\b[^,;]*,|\([^()]*\)|\s--\s[^;]*?\s--\s"
    # "Merkel, on her first visit to Japan in seven years, urged Tokyo ..."
    r"|,\s+(?:on|during)\s+(?:his|her|their)\s+[^,;]*,"
    # "the peace deal, reached last month in Minsk, ...": a participle dating another act
    r"|,\s+(?:reached|signed|agreed|held|made|announced|adopted|imposed|launched|struck)"
    r"\s+(?:last|on|in|earlier)\b[^,;]*,"
)


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
    # one of several stops of a trip read from one trigger: the day the trip begins is not
    # the day of each stop ("leaves on Saturday on a trip to China, Korea and Japan")
    one_of_stops: bool = False
    reports: list[Draft] = field(default_factory=list)  # later reports of the same act

    @property
    def sides(self) -> tuple[str, ...]:
        return tuple(sorted({m.side for m in self.actors if m.side}))


# A sentence that opens with a subordinate clause: it ends at its first comma.
_OPENING_CLAUSE = re.compile(
    r"\s*[\"“]?(?:While|Although|Though|Whereas|As|When|Since|Because|If|Unless|Until)\b[^,;]{3,120},"
)


# A counted plural that a colon goes on to list ("talks with three neighbours: ...").
_COUNTED = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|several|\d+)\b[^,;:]{0,60}s$",
    re.IGNORECASE,
)


def clause_span(
    sentence: str, at: int, end: int, asides: Sequence[tuple[int, int]] = ()
) -> tuple[int, int]:
    """The span of the clause around a trigger; breaks inside `asides` do not count."""
    start = 0
    opening = _OPENING_CLAUSE.match(sentence)  # "While the talks went on, Netanyahu ..."
    if opening is not None:
        if at < opening.end():
            return 0, opening.end() - 1
        start = opening.end()
    for brk in _CLAUSE_BREAK.finditer(sentence, start, at):
        if not any(a <= brk.start() < b for a, b in asides):
            start = brk.end()
    for stop in _CLAUSE_BREAK.finditer(sentence, end):
        if any(a <= stop.start() < b for a, b in asides):
            continue
        if stop.group().startswith(":") and _COUNTED.search(sentence, end, stop.start()):
            continue  # "spoke by phone with five leaders: A, B and C": the list goes on
        return start, stop.start()
    return start, len(sentence)


def speaking(mentions: list[Mention], sentence: str) -> list[Mention]:
    """Mentions that can say or sign something: not "Russian forces", "Iranian troops"."""
    return [m for m in mentions if not _ARMED.match(sentence, m.end)]


def side_mentions(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.side and m.role in (ACTOR, DEED)]


# The head of a relative clause: its subject is the noun before it.
_WHO = re.compile(r",\s+who\b\s*(?=[^,;]*$)")


# A trigger that is a prepositional phrase hangs on the clause's verb, not on its object.
_PREPOSITIONAL = re.compile(r"(?:after|during|before|following)\b", re.IGNORECASE)


# "..., and leaves for Jakarta": a verb coordinated with the clause's shares its subject.
# Also "seeks to persuade Russia ... and has threatened": an auxiliary after "and" starts
# a verb phrase, not a clause with a subject of its own.
_AND_VERB = re.compile(
    r"(?:,\s+and\s+(?:\w+ly\s+)?|\band\s+(?:has|have|had|will|would|shall|could|can|must)\s+"
    r"(?:also\s+)?(?:\w+ly\s+)?)$"
)


# ", calling for ...": a participle after a comma shares the clause's subject.
# "Putin hosted the Turkish president and criticized NATO": a verb right after "and" shares
# the clause's subject (not "... intent on annihilating Israel and threatening its allies").
_AND_FINITE = re.compile(r"\band\s+(?:also\s+|then\s+|later\s+|afterwards?\s+)?(?:\w+ly\s+)?$")
_PARTICIPLE = re.compile(r"\w+ing\b")
_COMMA = re.compile(r",\s*$")


# A noun trigger's owner: "U.S. threats to impose", "Manila's request", "Netanyahu's baseless
# charge" -- the state that makes them, though "threats" after it reads as its deed.
_OWNS_TRIGGER = re.compile(r"(?:'s?)?\s+(?:(?-i:[a-z])[\w-]+\s+)?")


_COORDINATED = re.compile(r"\s*(?:,|and|,\s*and)\s*(?:the\s+)?")


_LEAD_WORDS = re.compile(r"\s*(?:(?:the|many|some|several|other|two|three|a|an|most)\s+)*$", re.I)


def non_state_lead(sentence: str, start: int, verb: int, found: list[Mention]) -> bool:
    """Whether the clause opens with a body that is no state ("Brazilian business leaders
    attending a meeting with President Sarney called on ...", "Syria's rebels said"): then
    the officials named after it are not who acts."""
    lead = next((m for m in found if start <= m.start < verb), None)
    if (
        lead is not None
        and lead.role == NOT_STATE
        and _LEAD_WORDS.fullmatch(sentence, start, lead.start) is not None
    ):
        return True
    # "The alleged assailant, who ..., called for ...": people who are no state, unless what
    # follows is what they said another did ("Analysts said Saudi Arabia pushed ...")
    t = tables()
    people = t.not_state_lead.match(sentence, start, verb)
    if people is not None and lead is not None and lead.role == ACTOR and lead.start < people.end():
        return False  # "The European Community accused": a body's name, not "the community"
    return people is not None and not t.saying.search(sentence, people.end(), verb)


def subject(
    sentence: str, match: re.Match[str], start: int, found: list[Mention], story: Story
) -> list[Mention]:
    """The acting side(s): the nearest actor before the trigger (with the actors coordinated
    with it), else the official the story last named when a pronoun or bare title stands
    there; in a "who" clause, the one it is about ("Kenya's Moi, who afterwards appealed")."""
    who = _WHO.search(sentence, max(0, start - 8), start) or _WHO.search(
        sentence, start, match.start()
    )
    if who is not None:
        antecedent = [m for m in side_mentions(found) if m.end <= who.start() and m.role == ACTOR]
        if antecedent and not sentence[antecedent[-1].end : who.start()].strip(" ,"):
            return antecedent[-1:]
        head = sentence[max(0, who.start() - 40) : who.start()].rstrip(" ,")
        if any(m.end() == len(head) for m in tables().not_state.finditer(head)):
            return []  # "the alleged assailant, who ... called for": no state
    if non_state_lead(sentence, start, match.start(), found):
        return []
    before = [
        m for m in side_mentions(found)
        if start <= m.end <= match.start()
        and (m.role == ACTOR or _OWNS_TRIGGER.fullmatch(sentence, m.end, match.start()))
    ]  # fmt: skip
    if before and (
        _PREPOSITIONAL.match(match.group())
        or _AND_VERB.search(sentence, start, match.start())
        or (
            _AND_FINITE.search(sentence, start, match.start())
            and not _PARTICIPLE.match(match.group())
        )
        or (_PARTICIPLE.match(match.group()) and _COMMA.search(sentence, start, match.start()))
    ):
        # "visited Malaysia after talks in Thailand": the clause's subject, not the nearest --
        # with those coordinated with it ("Canadian and Egyptian negotiators ... during talks")
        opener = _PRONOUN_OPENER.match(sentence, start, before[0].start)
        earlier = story.previous_person
        if opener and earlier is not None and earlier.side:
            return [from_person(earlier)]  # "He met Kato ... and called on Japan": he
        lead = 1
        while lead < len(before) and _COORDINATED.fullmatch(
            sentence, before[lead - 1].end, before[lead].start
        ):
            lead += 1
        before = before[:lead]
    if before:
        last = before[-1]
        group = [last]
        gaps = []
        for m in reversed(before[:-1]):
            gap = sentence[m.end : group[0].start]
            if re.fullmatch(
                r"\s*(?:,|and|,\s*and|or|-|–)\s*(?:the\s+)?", gap
            ):  # "U.S.-Japan talks"
                group.insert(0, m)
                gaps.append(gap)
            else:
                break
        if gaps and not re.search(r"\b(?:and|or)\b|^[-–]$", gaps[0].strip()):
            group = [last]  # "with Netanyahu, President Obama ...": a comma is no list
        officials = [m for m in before if m.official]
        if not last.official and officials and last.role == DEED:
            return [officials[-1]]
        person = story.previous_person  # the one named before this sentence
        if (
            _HE_AND.search(sentence, start, group[0].start)
            and person is not None
            and person.side
            and person.side not in {m.side for m in group}
        ):
            return [from_person(person), *group]  # "He and President Putin discussed ..."
        return group
    head = sentence[start : match.start()]
    if _FIRST_PERSON.search(head) or head.lstrip().startswith('"'):
        speaker = quoted_speaker(sentence, match.end(), found, story)
        if speaker is not None:
            return [speaker]
    person = story.last_person
    if _PRONOUN_SUBJECT.search(head) and not _THEY.search(head):
        if _HE_OR_SHE.search(head):
            # "He held talks with Brazil's Sarney": "he" is someone named before, not Sarney
            named = [m.person for m in found if m.person is not None and m.end <= match.start()]
            person = named[-1] if named else story.previous_person or person
        if person is not None and person.side:
            return [from_person(person)]
        if story.previous_title is not None and _HE_OR_SHE.search(head):
            # "..., said U.N. High Commissioner for Human Rights Zeid Ra'ad Al Hussein. He
            # called for ...": the official the sentence before named by title
            side, title = story.previous_title
            return [Mention(-1, -1, side, ACTOR, "title", None, title)]
    earlier = [m for m in side_mentions(found) if m.end <= start and m.role == ACTOR]
    if earlier:
        return [earlier[0]]
    if person is not None and person.side and not head.strip():
        return [from_person(person)]
    return []


def quoted_speaker(sentence: str, after: int, found: list[Mention], story: Story) -> Mention | None:
    """ "We appeal to the Indonesian president ...," Bishop told the gathering; '"Russia is in
    violation of the treaty," he told reporters': the official named before the sentence."""
    close = sentence.find('"', after)
    if close < 0:
        return None
    for m in found:
        speaker = m.start > close and m.role == ACTOR and (m.official or m.kind == "person")
        if speaker and tables().speech_pattern.search(sentence, close, m.start + 80):
            return m
    person = story.previous_person
    if person is not None and person.side and _HE_SAID.match(sentence, close + 1):
        return from_person(person)
    return None


def from_person(person: Person) -> Mention:
    return Mention(-1, -1, person.side or "", ACTOR, "person", person, person.title)
