"""Where a directed act's other side comes from when the clause names none after the verb.

directed.py reads the object after the trigger ("condemned the Israeli strikes"), "him"
and "them"; when there is none, news still names the other side, in ways these rules read,
most trusted first:

- an office the story named a holder of: "asked the president to spare their lives";
- for threats, the one a condition names ("If Russia breaks the ceasefire, the EU will
  respond") or the one told ("De Clercq told Yeutter the Community would hit back");
- a judged military act's doer as the story names it ("Iran denounced the intervention");
- "both sides", "all parties", "both nations": the story's main states;
- an envoy's act: the state the envoy is posted to ("the ambassador in Bangladesh issued an
  apology"), not for the envoy's own people ("warned its citizens");
- a threat of reprisals in a story about two states: the other one.
"""

from __future__ import annotations

import re

from summaries.events import wholestory
from summaries.events.mentions import ACTOR, DEED, Mention, Story
from summaries.events.scene import from_person
from summaries.events.tables import tables


def implied_target(
    name: str,
    sentence: str,
    match: re.Match[str],
    sources: list[Mention],
    found: list[Mention],
    exclude: set[str],
    story: Story,
) -> list[Mention]:
    """The other side of a directed act whose clause names none (see the module docstring)."""
    return (
        _titled_object(sentence, match, exclude, story)
        or (
            name == "threat"
            and (
                _condition_subject(sentence, match, found, exclude)
                or _told(sentence, match, found, exclude)
            )
        )
        or _military_doer(name, sentence, match, exclude, story)
        or addressed_parties(name, sentence, match, exclude, story)
        or _conflict_parties(name, sentence, match, exclude, story)
        or (
            not _OWN_PEOPLE.match(sentence, match.end())
            and _envoys_host(sentence, sources, found, exclude)
        )
        or (name == "threat" and _reprisal_counterpart(sentence, match, sources, exclude, story))
    )


_PARTIES = re.compile(
    r"\s+(?:on\s+|upon\s+|for\s+)?(?:(?P<two>both|the\s+two)|all)\s+"
    r"(?:sides|parties|nations|countries|governments|neighbou?rs|states)\b",
    re.IGNORECASE,
)


# "asked the president to spare their lives": an office the story has named a holder of
_BARE_TITLE = re.compile(
    r"\s+the\s+(president|prime\s+minister|premier|king|chancellor|foreign\s+minister)\b",
    re.IGNORECASE,
)


def _titled_object(
    sentence: str, match: re.Match[str], exclude: set[str], story: Story
) -> list[Mention]:
    """ "Abbott wrote to Indonesian President Joko Widodo. ... he asked the president to
    spare the lives": the last holder of that office the story named, of another side."""
    bare = _BARE_TITLE.match(sentence, match.end())
    if bare is None:
        return []
    office = " ".join(bare.group(1).casefold().split())
    holders = [
        p for p in story.people
        if p.side and p.side not in exclude and p.title and p.title.casefold() == office
    ]  # fmt: skip
    return [from_person(holders[-1])] if holders else []


def addressed_parties(
    name: str, sentence: str, match: re.Match[str], exclude: set[str], story: Story
) -> list[Mention]:
    """ "urged both sides back to talks": the two states the story is about; "called on all
    sides to end hostilities": the one whose conflict it is (the story's main country).
    Named right after the verb, they are who is addressed, before any state the clause
    names earlier ("called on Tehran to protect the embassy and urged both nations to")."""
    parties = _PARTIES.match(sentence, match.end())
    if name != "appeal" or parties is None:
        return []
    main = [code for code in story.main_countries() if code not in exclude]
    wanted = main[:2] if parties.group("two") else main[:1]
    if parties.group("two") and len(wanted) < 2:
        return []
    return [Mention(-1, -1, code, ACTOR, "story") for code in wanted]


# What an appeal to a conflict's parties asks for, when it names none of them.
_CALM = re.compile(r"\b(?:restraint|calm|de-?escalation)\b", re.IGNORECASE)


def _conflict_parties(
    name: str, sentence: str, match: re.Match[str], exclude: set[str], story: Story
) -> list[Mention]:
    """ "the Security Council called for a cease-fire", "Ban called for calm": an appeal for
    a truce or restraint that names no one is made to the two states the story is about."""
    if name != "appeal":
        return []
    asked = sentence[match.end() : match.end() + 80]
    if not (tables().ceasefire.search(asked) or _CALM.search(asked)):
        return []
    parties = [code for code in story.main_countries() if code not in exclude][:2]
    if len(parties) < 2:
        return []
    return [Mention(-1, -1, code, ACTOR, "story") for code in parties]


def _envoys_host(
    sentence: str, sources: list[Mention], found: list[Mention], exclude: set[str]
) -> list[Mention]:
    """ "The North Korean ambassador in Bangladesh issued an apology": an envoy's act that
    names no one else is addressed to the state the envoy is posted to."""
    for source in sources:
        host = next((m for m in found if m.start > source.start and m.side), None)
        if (
            host is not None
            and host.side not in exclude
            and _ENVOY_IN.search(sentence, source.start, host.start)
        ):
            return [host]
    return []


# A threat of reprisals names what it threatens, if not whom ("has threatened to take
# retaliatory action"); "warned that", "threatens to undermine" do not.
_MAY = re.compile(r"\b(?:could|might|may)\b", re.IGNORECASE)  # "warned it could lead to"
_PUNITIVE = re.compile(
    r"\b(?:retaliat\w*|sanctions?|countermeasures?|reprisals?|punitive|tariffs?)\b", re.IGNORECASE
)


def _reprisal_counterpart(
    sentence: str, match: re.Match[str], sources: list[Mention], exclude: set[str], story: Story
) -> list[Mention]:
    """The other state of a two-state story ("Washington has threatened to take retaliatory
    action"): a threat of reprisals that names no one else is on it."""
    punitive = _PUNITIVE.search(sentence, match.start(), match.end() + 80)
    if punitive is None or _MAY.search(sentence, match.end(), punitive.start()):
        return []
    pair = wholestory.the_pair(story)
    if pair is None or len(sources) != 1 or sources[0].side not in pair:
        return []
    other = pair[1] if sources[0].side == pair[0] else pair[0]
    if other in exclude:
        return []
    return [Mention(-1, -1, other, ACTOR, "name")]


_TOLD = re.compile(r"\b(?:told|tells|warned|warns)\s+(?:the\s+)?", re.IGNORECASE)


def _told(
    sentence: str, match: re.Match[str], found: list[Mention], exclude: set[str]
) -> list[Mention]:
    """ "De Clercq told Yeutter the Community would hit back": a threat is on the one told."""
    for told in _TOLD.finditer(sentence, 0, match.start()):
        told_to = next((m for m in found if m.start == told.end()), None)
        if told_to is not None and told_to.side and told_to.side not in exclude:
            return [told_to]
    return []


_IF = re.compile(r"\b(?:if|unless)\b[^,;]*,", re.IGNORECASE)


def _condition_subject(
    sentence: str, match: re.Match[str], found: list[Mention], exclude: set[str]
) -> list[Mention]:
    """ "If Russia breaks the ceasefire, the EU will respond with sanctions": a threat is on
    the one its condition names first."""
    condition = next(reversed(list(_IF.finditer(sentence, 0, match.start()))), None)
    if condition is None:
        return []
    return [
        m
        for m in found
        if condition.start() < m.start < condition.end()
        and m.role in (ACTOR, DEED)
        and m.side not in exclude
    ][:1]


def _military_doer(
    name: str, sentence: str, match: re.Match[str], exclude: set[str], story: Story
) -> list[Mention]:
    """ "Iran denounced the military intervention": a judged military act whose doer the
    sentence does not name is the one the story names as its doer."""
    if name not in ("criticism", "praise"):
        return []
    if not tables().military_object.match(sentence, match.end()) and not any(
        re.match(
            rf"\s+(?:of|to)\s+(?:the\s+)?(?:operation\s+)?{re.escape(op)}\b",
            sentence[match.end() :],
        )
        for op in wholestory.operation_names(story)
    ):
        return []
    doer = wholestory.military_doer(story)
    return [Mention(-1, -1, doer, ACTOR, "story")] if doer and doer not in exclude else []


# "The French Embassy in Bamako warned its citizens": the envoy's own people, not the host
_OWN_PEOPLE = re.compile(r"\s+(?:its|their|his|her|our)\b", re.IGNORECASE)
_ENVOY_IN = re.compile(
    r"\s*(?:ambassador|envoy|embassy|charg[eé] d'affaires)\s+(?:in|to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
