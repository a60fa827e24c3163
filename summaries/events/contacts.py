"""Contacts -- calls, meetings, talks, agreements, cancellations: who took part.

The subject and whoever the trigger links to it ("met with X and Y", "talks between X and
Y", "accepted Russia's invitation", "a summit of the Arab League"), not every state the
clause names; a call is between two parties, so a call with two partners is two calls. One
side named: the other is the official last named, "here" (the dateline), the counterpart's
story country, or a subject the story never places (its country is the one most often
acting where it is named). "The two sides" continue the story's previous act; what "they
discussed" during a call or meeting is that call or meeting.
"""

from __future__ import annotations

import re

from summaries import countries
from summaries.events import wholestory
from summaries.events.mentions import ACTOR, PLACE, Mention, Story
from summaries.events.model import BOTH
from summaries.events.names import NAME, STOP_NAMES, Person
from summaries.events.scene import (
    ASIDE,
    HERE,
    from_person,
    non_state_lead,
    side_mentions,
    subject,
)
from summaries.events.tables import tables

_BOTH_SIDES = re.compile(
    r"(?:^\s*they\b|\b(?:the\s+two|both)(?:\s+(?:sides|countries|nations|ministers|leaders|presidents|men"
    r"|officials|delegations|governments|foreign\s+ministers|top\s+diplomats))?\b)",
    re.IGNORECASE,
)


_THEIR = re.compile(r"\btheir\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_TWO = re.compile(r"\b(?:the\s+two|both)\b", re.IGNORECASE)


# How a contact trigger reaches its partners.
_LINKING_END = re.compile(r"\b(?:with|between|to|visiting|by|up)\s*$", re.IGNORECASE)


_DIRECT_OBJECT_TRIGGER = re.compile(
    r"^(?:met|meets|meet|received|told|phoned|telephoned|called|calls|calling)\b", re.IGNORECASE
)


_MODIFIERS = re.compile(r"\s*(?:(?-i:[a-z][\w'-]*)\s+){0,3}", re.IGNORECASE)


_FIRST_PARTNER = re.compile(
    r"\s*(?:[^\s,;]+\s+){0,4}?(?:with|between|among|and|to|from|by)\s+(?:(?-i:[a-z][\w'-]*)\s+){0,3}"
    # "with five leaders: Blair, ...": a counted plural the list after a colon spells out
    r"(?:(?:[\w'-]+\s+){0,5}?(?-i:[a-z][\w'-]*)s:\s+)?",
    re.IGNORECASE,
)


# "with X, Y and the Z", "with X as well as Y's" -- a comma or a conjunction, not "with
# Baldrige and officials to discuss Japan's ...".
_LATER_WITH = re.compile(
    r"\s*(?:[^\s,;]+\s+){1,5}?with\s+(?:(?-i:[a-z][\w'-]*)\s+){0,3}", re.IGNORECASE
)
_NEXT_PARTNER = re.compile(
    r"(?:\s*,\s*(?:(?:and|or|as\s+well\s+as|plus|along\s+with)\s+)?"
    r"|\s+(?:and|or|as\s+well\s+as|plus|along\s+with)\s+)(?:(?-i:[a-z][\w'-]*)\s+){0,2}",
    re.IGNORECASE,
)


_SIDELINES = re.compile(r"\b(?:sidelines|margins)\s+of\s+(?:the\s+|a\s+)?$", re.IGNORECASE)
_SEPARATE = re.compile(r"\bseparate(?:ly)?\b", re.IGNORECASE)
# ", and the two leaders signed", ", and afterward accused Kiev": another clause or verb
_AND_CLAUSE = re.compile(
    r",\s+and\s+(?:(?:then|later|afterwards?|also)\s+)?(?:the\s+two|they|he|she|both|(?-i:[a-z]+ed)\b)",
    re.IGNORECASE,
)
_BETWEEN_END = re.compile(r"\bbetween$", re.IGNORECASE)
# Partners named after "with" are one side's partners, not parties to each other.
_WITH_END = re.compile(r"\bwith$", re.IGNORECASE)
_WITH_NEXT = re.compile(r"\s+with\b", re.IGNORECASE)
_EXCLUDED = re.compile(r"\b(?:excluded|barred|left\s+out)\b", re.IGNORECASE)
# "talks with its 14-bank advisory committee": a partner that is no state.
_PRIVATE_PARTNER = re.compile(
    r"(?:\s+[\w$.,-]+){0,6}?\s+with\s+(?:its|the|a|their|his|her)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:banks?|committee|creditors|companies|firms|lenders|businessmen|executives|unions?)\b",
    re.IGNORECASE,
)
_BARE_MEET = re.compile(r"met|meet", re.IGNORECASE)
_MEETING_END = re.compile(r"\bmeetings?$", re.IGNORECASE)
_OF_NEXT = re.compile(r"\s+of\b")
_OWN_BODY = re.compile(r"(?:\s+[\w-]+)?'s\s")


# A gathering named as a noun ("the Arab League summit"), not "are meeting".
_GATHERING = re.compile(
    r"^(?!(?:is|are|was|were)\s).*\b(?:summit|summits|meeting|meetings)$", re.IGNORECASE
)


_OF_PARTNER = re.compile(
    r"\s*(?:of|with|between)\s+(?:the\s+)?(?:(?-i:[a-z][\w'-]*)\s+){0,4}", re.IGNORECASE
)


# Last words of a name that make it a body, not a person.
_INSTITUTIONS = frozenset(
    {"Bank", "Council", "Agency", "Organization", "Organisation", "Ministry", "Committee",
     "Party", "Corporation", "Company", "Fund", "Union", "Association", "News", "Radio",
     "Television", "University", "Commission", "Office", "Department", "Court", "Assembly",
     "Congress", "Parliament", "Group", "Institute", "Times", "Post", "Agency's"}
)  # fmt: skip


_AND_HIS = re.compile(r"\s+and\s+(?:his|her)\b")


def reciprocal(
    name: str,
    sentence: str,
    match: re.Match[str],
    start: int,
    end: int,
    found: list[Mention],
    story: Story,
) -> list[tuple[list[Mention], list[str]]]:
    if non_state_lead(sentence, start, match.start(), found):
        return []  # "Brazilian business leaders attending a meeting with Sarney": no state
    own = _AND_CLAUSE.search(sentence, match.end(), end)
    end = own.start() if own else end  # ", and the two leaders signed ...": another clause
    inside = [m for m in side_mentions(found) if start <= m.start < end and m.role == ACTOR]
    two = _the_two(name, sentence, match, start, end, found, inside, story)
    if two is not None:
        return two
    if _MEETING_END.search(match.group()) and _OF_NEXT.match(sentence, match.end()):
        # "a meeting of the Group of Seven", "of EC ministers": the body named after "of",
        # and whoever the clause's subject is -- nothing else the clause names
        body = [m for m in inside if m.start >= match.end()][:1]
        if (
            not body
            or not _OF_PARTNER.fullmatch(sentence[match.end() : body[0].start])
            or _OWN_BODY.match(sentence, body[0].end)
        ):
            return []  # "a meeting of the Reagan administration's council": a state's own
        attendees = subject(sentence, match, start, found, story)
        if _EXCLUDED.search(sentence, start, match.start()):
            attendees = []  # "Italy was excluded from a meeting of the G-5": the G-5 met
        picked = _one_per_side(attendees + body)
        sides = {member for m in picked for member in wholestory.members(story, m.side)}
        return [(picked, [BOTH] * len(picked))] if len(sides) > 1 else []
    host = _gathering_body(sentence, match, inside)
    if host is not None and _SIDELINES.search(sentence, max(0, host.start - 30), host.start):
        return []  # "met Xi on the sidelines of the G20 summit": the summit is only the venue
    if host is not None:
        # "to attend the Arab League summit": the body is a party, who attends the other.
        inside = [m for m in inside if m is not host]
        attendees = subject(sentence, match, start, [m for m in found if m is not host], story)
        picked = _one_per_side([*attendees, host])
        sides = {member for m in picked for member in wholestory.members(story, m.side)}
        return [(picked, [BOTH] * len(picked))] if len(sides) > 1 else []
    if _BETWEEN_END.search(match.group()):
        # "gas talks between Russia, Ukraine and the EU": the ones after "between" are the
        # parties, whoever the clause's subject is ("Kazakhstan offered to host talks between")
        listed = _one_per_side(
            _partners(name, sentence, match, [m for m in inside if m.start > match.start()], found)
        )
        return [(listed, [BOTH] * len(listed))] if len(listed) > 1 else []
    if any(m.end <= match.start() for m in inside):
        # A subject before the trigger: it, and whoever the trigger links to it ("met with
        # X and Y", "talks between X and Y") -- not every state the clause names ("discussed
        # Washington's scandal over arms sales to Iran").
        inside = subject(sentence, match, start, found, story) + _partners(
            name, sentence, match, [m for m in inside if m.start > match.start()], found
        )
    else:
        lead = subject(sentence, match, start, found, story)
        if not lead and (
            _WITH_END.search(match.group()) or _WITH_NEXT.match(sentence, match.end())
        ):
            listed = _partners(name, sentence, match, inside, found)
            if len(listed) > 1 and len(listed) == len(inside):
                return []  # "after talks with the World Bank and the IMF": with whom, not who
        inside = lead + inside
    picked = _one_per_side(inside)
    if len(picked) == 1 and picked[0].official and name == "negotiation":
        hosts = [h for h in _hosts(sentence, match, found, end) if h.side != picked[0].side]
        if hosts:  # talks in two places are two talks
            return [([picked[0], h], [BOTH, BOTH]) for h in hosts]
    partner = _NAMED_PARTNER.match(sentence, match.end(), end)
    if len(picked) == 1 and (
        (partner and partner.group(1) in _INSTITUTIONS)
        or _PRIVATE_PARTNER.match(sentence, match.end(), end)
    ):
        return []  # "a loan with the Inter-American Development Bank", "talks with its banks"
    if len(picked) == 1 and _BARE_MEET.fullmatch(match.group()):
        return []  # "the advisory group will meet on Wednesday": who meets is all it says
    if len(picked) == 1 and picked[0].official:
        extra = (
            _unintroduced(sentence, match, start, end, found, picked[0], story)
            or _host_where(name, sentence, match, end, found, picked[0])
            or _implicit(picked[0], sentence[start:end], story)
        )
        if extra is not None:
            picked.append(extra)
    if len(picked) > 2 and (
        name == "phone_call" or _SEPARATE.search(sentence, max(start, match.start() - 20), end)
    ):
        # "spoke by phone with Lavrov and Wang Yi": a call is between two parties; so are
        # "separate talks with his counterparts from Indonesia and Malaysia".
        first, *partners = picked
        return [([first, p], [BOTH, BOTH]) for p in partners]
    return [(picked, [BOTH] * len(picked))]


def _the_two(
    name: str,
    sentence: str,
    match: re.Match[str],
    start: int,
    end: int,
    found: list[Mention],
    inside: list[Mention],
    story: Story,
) -> list[tuple[list[Mention], list[str]]] | None:
    """The parties of a contact named as "their", "the two sides", "both" or "they": the two
    officials the sentence names before it, else the previous act's sides; None when the
    clause does not speak of them so."""
    if _THEIR.search(sentence, max(0, match.start() - 25), match.start()):
        # "urged her Iranian counterpart ..., citing a readout of their telephone talks"
        pair = _one_per_side([m for m in found if m.official and m.role == ACTOR])
        if len(pair) == 2:
            return [(pair, [BOTH, BOTH])]
    head = sentence[start : match.start()]
    both = _BOTH_SIDES.search(head)
    later = [m for m in inside if both and start + both.end() <= m.start < match.start()]
    if both and later and sentence[start + both.end() : later[0].start].strip(" ,"):
        # "The two governments signed ... after Wen held talks": Wen holds them (but "both
        # Rwanda and Kenya agreed" names the two)
        head = ""
    if not (
        _BOTH_SIDES.search(head)
        or (_BOTH_SIDES.search(sentence[start:end]) and len({m.side for m in inside}) < 2)
    ):
        return None
    here = _one_per_side([m for m in found if m.official and m.end <= match.start()])
    if len(here) == 2:
        # "Trump called up Modi ... and the two leaders agreed to meet": the sentence's own
        return [(here, [BOTH, BOTH])]
    previous = story.last_draft
    if previous is None:
        # "The two ministers were speaking after signing" (not a bare "they")
        pair = _last_two_sides(story) if _TWO.search(sentence, start, end) else []
        return [(pair, [BOTH, BOTH])] if pair else []
    if previous.type in ("phone_call", "meeting", "visit") and name not in ("agreement", "meeting"):
        return []  # what "they discussed" in a call or meeting is that call or meeting
    return [(list(previous.actors), [BOTH] * len(previous.actors))]


# The partner the trigger names, when it is no state: no other side is guessed.
_NAMED_PARTNER = re.compile(
    r"(?:\s+[\w$.-]+){0,6}?\s+with\s+(?:the\s+)?(?-i:[A-Z])[\w-]+(?:\s+(?-i:[A-Z])[\w-]+)*"
    r"\s+((?-i:[A-Z])[\w-]+)\b"
)


def _last_two_sides(story: Story) -> list[Mention]:
    """The officials of the two states the story last named, before any act was read."""
    picked: list[Mention] = []
    for person in reversed(story.people):
        if person.side and all(m.side != person.side for m in picked):
            picked.insert(0, from_person(person))
        if len(picked) == 2:
            return picked
    return []


def _hosts(sentence: str, match: re.Match[str], found: list[Mention], end: int) -> list[Mention]:
    """ "after talks in North America, the EC and Thailand": an official's talks held in
    places, when the text names no partner, are with those places' states."""
    hosts: list[Mention] = []
    previous = match.end()
    for m in found:
        if m.start < previous or m.start >= end or not m.side:
            continue
        gap = sentence[previous : m.start]
        if not (_NEXT_PLACE if hosts else _IN_PLACE).fullmatch(gap):
            break
        hosts.append(m)
        previous = m.end
    return _one_per_side(hosts)


# "in North and South America, the EC and Thailand": a place no state stands for may open it.
_NEXT_PLACE = re.compile(r"\s*,?\s*(?:and\s+)?(?:the\s+)?")
_IN_PLACE = re.compile(r"\s*in\s+(?:[^,;]{1,40},\s+)?(?:the\s+)?", re.IGNORECASE)


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
    name: str, sentence: str, match: re.Match[str], after: list[Mention], found: list[Mention]
) -> list[Mention]:
    """The parties a contact trigger links to its subject: after "with", "between", "to"
    (or, for "met" and "received", the direct object), then any coordinated with them --
    never past another state named on the way ("talks in Egypt and Tunisia" are not with
    Tunisia alone)."""
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
        elif linked or (
            name in ("meeting", "phone_call") and _DIRECT_OBJECT_TRIGGER.match(match.group())
        ):
            # "met X", or "meets in Vilnius on Wednesday with the leaders of ..."
            ok = _MODIFIERS.fullmatch(gap) or _LATER_WITH.fullmatch(gap)
        else:
            ok = _FIRST_PARTNER.fullmatch(gap)
        if not ok or any(
            previous <= o.start < m.start
            and not (o.role == PLACE and _WITH_NEXT.search(sentence, o.end, m.start))
            for o in found
        ):
            break  # never past another state on the way ("talks in Tokyo ... with X" are)
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
        return from_person(person)
    here = story.here()
    if HERE.search(clause) and here and here != only.side:
        return Mention(-1, -1, here, ACTOR, "here")
    if only.counterpart:
        for code in story.main_countries():
            if code != only.side:
                return Mention(-1, -1, code, ACTOR, "story")
    return None


_WITH_NAMED = re.compile(
    r"(?:\s+[\w$.-]+){0,4}?\s+with\s+(?:(?-i:[A-Z])[\w.'-]*\s+){1,6}?(?-i:[A-Z])[\w'-]+"
)


def _host_where(
    name: str, sentence: str, match: re.Match[str], end: int, found: list[Mention], only: Mention
) -> Mention | None:
    """ "In Hong Kong, Baldrige will hold meetings with Governor David Wilson": a meeting
    with someone the story does not place, in a named country, is with that country's
    officials -- hosts meet visitors at home."""
    if name not in ("meeting", "negotiation") or not _WITH_NAMED.match(sentence, match.end(), end):
        return None
    places = {m.side for m in found if m.role == PLACE and m.side and m.side != only.side}
    return Mention(-1, -1, places.pop(), ACTOR, "place") if len(places) == 1 else None


_OPENING = re.compile(r"[^.!?]{0,60}\((?:CNN|Reuters|AP|AFP)\)\s*")


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
    asides = [m.span() for m in ASIDE.finditer(sentence)]
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
        if len(words) == 1 and _OPENING.fullmatch(sentence, 0, match.start()):
            continue  # "(CNN)Photos published ...": the first word after a dateline
        if words[-1] in _INSTITUTIONS:
            continue
        side = story.country_of(words[-1], exclude=only.side)
        if side is None:
            return None
        person = story.register(Person(name, side, None))
        person.side = person.side or side
        return Mention(match.start(), match.end(), person.side, ACTOR, "person", person)
    return None
