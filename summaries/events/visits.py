"""Visits: the visitor and the country visited.

The visitor is the official who is the subject ("Weizsaecker arrived"), the one after
"visiting" or "hosted", or after "by" ("a visit to Aden by a Soviet delegation"); the
country visited follows the trigger ("to Japan and South Korea", "in Riyadh"), or is named
as a place in the clause, or -- "here", or an arrival under a dateline -- the dateline's.
Travel to a summit or conference is not a visit; "from Helsinki" is where the visitor came
from.
"""

from __future__ import annotations

import re

from summaries.events.mentions import (
    ACTOR,
    DEED,
    OTHER,
    PARTY_FROM,
    PLACE,
    Mention,
    Story,
)
from summaries.events.model import SOURCE, TARGET
from summaries.events.scene import (
    HERE,
    subject,
)

_MULTILATERAL = re.compile(
    r"\b(?:summit|conference|assembly|annual\s+meetings?|session|ceremony|celebrations?"
    r"|games|funeral|forum)\b",
    re.IGNORECASE,
)


_GATHERING_HOSTED = re.compile(
    r"\s+(?:the|a|an|this|that|its|their)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:meeting|meetings|summit|talks|conference|session|games)\b",
    re.IGNORECASE,
)


_BY = re.compile(r"(?:\s+\w+){0,3}?\s+by\s+")


_ORIGIN = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)


_AND = re.compile(r"\s*(?:,|and|or|,\s*and|as\s+well\s+as)\s+(?:the\s+)?", re.IGNORECASE)


_ARRIVAL = re.compile(r"arriv", re.IGNORECASE)


# A destination follows the trigger directly ("visited Japan") or after a locative word.
_TOWARD = re.compile(
    r"^\s*(?:\S+\s+){0,3}?(?:to|in|at|into|for)\s+(?:the\s+)?(?:\S+\s+){0,1}$|^\s*(?:the\s+)?$",
    re.IGNORECASE,
)


def visit(
    sentence: str, match: re.Match[str], start: int, end: int, found: list[Mention], story: Story
) -> list[tuple[list[Mention], list[str]]]:
    after_text = sentence[match.end() : end]
    if _MULTILATERAL.search(after_text[:80]):
        return []
    inside = [m for m in found if start <= m.start < end and m.side]
    after = [m for m in inside if m.start >= match.end()]
    trigger = match.group().casefold()
    if trigger.startswith(("host", "played host")) and _GATHERING_HOSTED.match(after_text):
        return []  # "who hosted the Louvre meeting": a meeting's host, no visit
    if trigger.startswith(("visiting", "host", "played host")) and after and after[0].official:
        # "told visiting U.S. Secretary of State Shultz", "hosted Japan's prime minister"
        visitor = after[0]
        # "After meeting with visiting Senator McConnell, Netanyahu said": the main clause's
        # subject hosts
        later = [
            m for m in found if m.start > visitor.end and m.official and m.side != visitor.side
        ]
        host = subject(sentence, match, start, found, story) or later[:1] or _here(story)
        return [([visitor, h], [SOURCE, TARGET]) for h in host[:1] if h.side != visitor.side]
    destinations = _destinations(sentence, match, after, inside, story)
    if _STAY.fullmatch(match.group()):
        met = sentence.find(" with ", match.end())
        hosts = {m.side for m in after if m.start > met}
        destinations = [d for d in destinations if d.side in hosts]
    visitors = (
        _visitor_after_by(sentence, destinations, found)
        or _pronoun_visitor(sentence, match, inside, destinations)
        or [v for v in subject(sentence, match, start, found, story) if official(v)]
    )
    if not visitors:
        officials = [m for m in inside if m.end <= match.start() and m.official]
        visitors = officials[-1:]
    if not destinations and visitors:
        destinations = _named_before(sentence, match, inside, visitors) or _host_of_own_visit(
            sentence, match, found, visitors
        )
    bare = _VISITED.fullmatch(match.group()) and _NOTHING_AFTER.match(sentence, match.end())
    if not destinations and bare:
        # "the leaders of Germany and Spain have visited": where the story is told from
        destinations = _here(story)
    groups = []
    for visitor in visitors[:3]:
        for place in destinations:
            if place.kind == "org" and visitor.kind != "org":
                continue  # "his visit to the United Nations": a state visits states
            if place.side != visitor.side:
                groups.append(([visitor, place], [SOURCE, TARGET]))
    return groups


_STAY = re.compile(r"(?:is|are)\s+in", re.IGNORECASE)
# "during her first visit to Japan": the visit of one named before, by pronoun
_PRONOUN_VISIT = re.compile(r"\b(?:his|her)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _pronoun_visitor(
    sentence: str, match: re.Match[str], inside: list[Mention], destinations: list[Mention]
) -> list[Mention]:
    """ "Merkel held talks with Abe in Tokyo during her first visit to Japan": the visitor is
    the official before it who is not from where the visit goes (Abe in "Obama met Abe during
    his visit to Washington")."""
    if not destinations or not _PRONOUN_VISIT.search(
        sentence, max(0, match.start() - 40), match.start()
    ):
        return []
    hosts = {d.side for d in destinations}
    return [m for m in inside if m.end <= match.start() and official(m) and m.side not in hosts][:1]


def _named_before(
    sentence: str, match: re.Match[str], inside: list[Mention], visitors: list[Mention]
) -> list[Mention]:
    """ "returning from a U.S. visit", "his Moscow trip": the place named before the noun."""
    own = {v.side for v in visitors}
    return [
        m
        for m in inside
        if m.side not in own
        and m.end <= match.start()
        and _JUST_BEFORE.fullmatch(sentence[m.end : match.start()])
    ][-1:]


# Between a place and the visit it names: "a U.S. visit", "Moscow's four-day visit".
_JUST_BEFORE = re.compile(r"(?:'s)?\s+(?:[\w-]+-day\s+|official\s+|state\s+)?")


# "the German leader's four-day visit", "during his visit": the visit is the possessor's.
_OWN_VISIT = re.compile(r"(?:\b(?:his|her|their)|'s)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def _host_of_own_visit(
    sentence: str, match: re.Match[str], found: list[Mention], visitors: list[Mention]
) -> list[Mention]:
    """ "Weizsaecker met Argentine President Alfonsin on the first day of the German
    leader's visit": with no place named, the visit is to the one he meets."""
    if not _OWN_VISIT.search(sentence, max(0, match.start() - 40), match.start()):
        return []
    own = {v.side for v in visitors}
    hosts = [m for m in found if m.side and m.side not in own and m.role == ACTOR and m.official]
    return hosts[:1]


def _visitor_after_by(
    sentence: str, destinations: list[Mention], found: list[Mention]
) -> list[Mention]:
    """ "a visit to Moscow last week by Iran's Oil Minister": the visitor follows "by"."""
    if not destinations or destinations[-1].start < 0:
        return []
    by = _BY.match(sentence, destinations[-1].end)
    if by is None:
        return []
    return [
        m
        for m in found
        if m.start >= by.end() and (official(m) or PARTY_FROM.search(sentence, by.end(), m.start))
    ][:1]


def official(m: Mention) -> bool:
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
        if len(gap.split()) > 6 or (places and not _AND.fullmatch(gap)):
            break  # "stop in Hong Kong to meet British officials": Britain is not visited
        if _ORIGIN.search(gap):
            continue  # "arrived from Helsinki": where the visitor came from
        if not places and _ARRIVAL.match(match.group()) and not _TOWARD.search(gap):
            continue  # "arrived ... aboard a U.S. Air Force plane": not where he arrived
        if m.role in (ACTOR, PLACE, OTHER) and m.kind != "demonym":
            places.append(m)
        elif places and m.role == DEED and m.kind != "demonym":
            places.append(m)  # "to Moscow and Beijing to gain support": a stop, no deed
        elif places:
            break
    if places:
        return places
    if _REGION.match(sentence, match.end()):
        # "a 10-day trip to the Far East to ... improve relations with China, South Korea and
        # the Philippines": the countries the sentence lists are the stops
        places = _listed(sentence, [m for m in after if m.role == ACTOR and m.kind == "name"])
        if places:
            return places
    named = [m for m in inside if m.role == PLACE and not _ORIGIN.search(sentence, 0, m.start)]
    if named:
        return named[:1]
    if HERE.search(sentence) or (story.dateline and _ARRIVAL.match(match.group())):
        return _here(story)  # "arrived here", or arrived under the story's dateline
    return []


_VISITED = re.compile(r"visit(?:ed|s)?", re.IGNORECASE)
_NOTHING_AFTER = re.compile(
    r"\s*(?:(?:on|this|last|earlier|late)\s+\w+\s*|(?:yesterday|today)\s*)?(?:[.;]|$)",
    re.IGNORECASE,
)


_REGION = re.compile(
    r"\s*(?:the\s+)?(?:Far\s+East|Middle\s+East|(?:South[\s-]?East\s+|Central\s+|East\s+)?Asia"
    r"|Europe|(?:West\s+|East\s+|Southern\s+)?Africa|(?:Latin|South|Central)\s+America"
    r"|Gulf|Caribbean|Pacific|Scandinavia|Balkans|Baltics|region)\b",
)


def _listed(sentence: str, mentions: list[Mention]) -> list[Mention]:
    """The first list of countries among `mentions` ("China, South Korea and Japan")."""
    listed: list[Mention] = []
    for m in mentions:
        if listed and not _AND.fullmatch(sentence[listed[-1].end : m.start]):
            break
        listed.append(m)
    return listed if len(listed) > 1 else []


def _here(story: Story) -> list[Mention]:
    here = story.here()
    return [Mention(-1, -1, here, ACTOR, "here")] if here else []
