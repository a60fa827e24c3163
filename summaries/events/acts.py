"""From one sentence's triggers and mentions to drafts of events: one per act, clause by clause.

For each trigger ("condemned", "in a phone conversation with", "paid a visit to") in a
sentence:

1. **Is it an act that happened or is stated as planned?** A hedge shortly before the
   trigger in its clause ("may sign", "refused to meet", "did not condemn", "if ... visits"),
   background time ("last year", "in 1985", "has been urging for months"), or standing inside
   what an appeal or threat asks for ("urged Israel to return to talks") drops it.
2. **Who acts, on whom?** The clause around the trigger (scene.py: the sentence cut at
   semicolons, dashes and relative or contrastive joints, asides left out) is read by the
   rules of the act's kind: directed.py (criticism, appeal, praise, threat, accusation,
   message, sanctions; judgements reported in speech), contacts.py (call, meeting, talks,
   agreement, cancellation), visits.py.
3. A draft needs two different sides; extract.py then merges and prunes a story's drafts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summaries.events import wholestory
from summaries.events.contacts import reciprocal
from summaries.events.directed import directed, judgements
from summaries.events.mentions import (
    PLACE,
    Mention,
    Story,
)
from summaries.events.model import SOURCE, TARGET
from summaries.events.scene import ASIDE, Draft, clause_span
from summaries.events.tables import DIRECTED, VISIT, tables, words_of
from summaries.events.visits import visit
from summaries.events.when import PAST_VERB, is_background

_INFINITIVE = re.compile(r"\bto\b|\bfor\b")


_ENDS_ASKING = re.compile(r"\b(?:to|for)$")
_DETERMINER = re.compile(r"\s+(?:the|a|an|his|her|its|their|this|these|that)\b", re.IGNORECASE)


_POSSESSED = re.compile(r"'s\s+(?:[\w-]+\s+)?$")


_PURPOSE = re.compile(r"\bto\s+$")


# How far past the trigger a time phrase still dates the act ("visited France in 2009")
# rather than something else in the clause ("to raise trade by 50 pct on last year").
_BACKGROUND_AFTER = 80


_HEDGE_WORDS = 5


_SHOULD = re.compile(r"(?:should|must)\b", re.IGNORECASE)
_OPENING_IF = re.compile(r"\s*[\"“]?(?:If|Unless|Should)\b")
# "Last month's visit to Budapest": the act itself is dated well before the news
_PAST_POSSESSIVE = re.compile(
    r"\b(?:last|previous)\s+(?:week|month|year|summer|spring|autumn|fall|winter)['’]s\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_CONDITION = re.compile(r"\b(?:if|unless|whether)\b", re.IGNORECASE)
_IF_CLAUSE = re.compile(r".*\b(?:if|unless)\b[^,]*,", re.IGNORECASE)


def acts_in(sentence: str, index: int, found: list[Mention], story: Story) -> list[Draft]:
    """Every act the sentence reports that has two sides (see the module docstring)."""
    t = tables()
    drafts: list[Draft] = []
    matches = _triggers(sentence)
    asides = [m.span() for m in ASIDE.finditer(sentence)]
    asking: list[re.Match[str]] = []  # appeals and threats: what they ask or threaten is not done
    everyone = found
    purpose: list[Mention] = []  # the subject an infinitive of purpose shares ("... to protest")
    previous: list[Mention] = []  # the last directed act's sides, for "... and have threatened"
    for i, (name, match) in enumerate(matches):
        # An aside the trigger is not in ("Boehner, who invited Netanyahu ..., plans to
        # visit Israel") is invisible to it: its breaks and its mentions.
        outside = [(a, b) for a, b in asides if not a <= match.start() < b]
        found = [m for m in everyone if not any(a <= m.start < b for a, b in outside)]
        start, end = clause_span(sentence, match.start(), match.end(), outside)
        clause = sentence[start:end]  # whole, for the date: "... duties it imposed on April 17"
        if _asked_for(sentence, match, asking, start):
            continue
        if name in ("appeal", "threat", "agreement"):
            asking.append(match)  # "agreed to hold talks": the talks are not held yet
        following = [
            later for _, later in matches[i + 1 :]
            if not (name == "threat" and _asked_for(sentence, later, [match], start))
        ]  # fmt: skip
        if t.by_name[name].mode == DIRECTED and following:
            # "condemned the attack and called on Iran": Iran is the appeal's, not the
            # condemnation's; but "threatened to impose tariffs on Japan" threatens Japan.
            end = min(end, max(following[0].start(), match.end()))
        if t.by_name[name].mode == DIRECTED and name != "message":
            # "... and firmly supports Iran's efforts": another act of the same subject (a
            # condolence's addressee, though, is often only named in what follows).
            verb = t.new_verb.search(sentence, match.end(), end)
            end = verb.start() if verb else end
        if name == "negotiation" and _POSSESSED.search(
            sentence, max(0, match.start() - 40), match.start()
        ):
            continue  # "the administration's negotiations with Iran": named, not reported
        near = _without(sentence, start, min(end, match.end() + _BACKGROUND_AFTER), outside)
        if (
            _hedged(sentence, start, match, name, outside)
            or is_background(near, story.published)
            or _PAST_POSSESSIVE.search(sentence, max(0, match.start() - 40), match.start())
        ):
            continue
        etype = t.by_name[name]
        if etype.mode == DIRECTED:
            groups = directed(name, sentence, match, start, end, found, story, previous)
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
            groups = visit(sentence, match, start, end, found, story)
        else:
            groups = reciprocal(name, sentence, match, start, end, found, story)
        for actors, roles in groups:
            if len({member for a in actors for member in wholestory.members(story, a.side)}) < 2:
                continue
            places = [sentence[m.start : m.end] for m in everyone if m.role == PLACE]
            draft = Draft(
                name, index, match.start(), match.group(), clause, start, actors, roles,
                [sentence], places,
            )  # fmt: skip
            if story.last_draft is not None and actors == story.last_draft.actors:
                draft.follows = story.last_draft
            draft.one_of_stops = etype.mode == VISIT and len(groups) > 1
            drafts.append(draft)
    drafts.extend(judgements(sentence, index, everyone, story))
    return drafts


def _without(sentence: str, start: int, end: int, asides: Sequence[tuple[int, int]]) -> str:
    """The sentence's span with the asides the trigger is not in left out."""
    kept, at = [], start
    for a, b in sorted(asides):
        if b <= at or a >= end:
            continue
        kept.append(sentence[at : max(at, a)])
        at = max(at, b)
    kept.append(sentence[at:end])
    return " ".join(kept)


_PAST_AFTER_AND = re.compile(r"\band\s+(?:also\s+|then\s+|later\s+)?$", re.IGNORECASE)
_PAST_FORM = re.compile(rf"{PAST_VERB}\b", re.IGNORECASE)


def _asked_for(
    sentence: str, match: re.Match[str], asking: list[re.Match[str]], clause_start: int
) -> bool:
    """An act inside what an appeal or threat asks for ("urged Israel to return to talks",
    "threatened to impose sanctions") has not happened: the appeal or threat is the event.
    A verb in the past after "and" is the subject's next act, not more of the infinitive
    ("called on Tehran to protect the embassy and urged both nations to ...")."""
    if _PAST_AFTER_AND.search(sentence, max(0, match.start() - 30), match.start()) and (
        _PAST_FORM.match(match.group())
    ):
        return False
    return any(
        earlier.end() <= match.start()
        and earlier.start() >= clause_start
        and (
            _INFINITIVE.search(sentence, earlier.end(), match.start())
            or _INFINITIVE.match(match.group())  # "urged Iran to sign a pact"
            # "agreed to hold talks", not "agreed to the proposals in negotiations"
            or (
                _ENDS_ASKING.search(earlier.group())
                and not _DETERMINER.match(sentence, earlier.end())
            )
        )
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
    opening_if = _OPENING_IF.match(sentence)
    if name == "threat":
        # "If Russia breaks the ceasefire, the EU will respond with sanctions": a threat's
        # condition is part of it; only a threat inside the if-clause is hypothetical
        condition = _IF_CLAUSE.search(head)
        head = head[condition.end() :] if condition else head
        opening_if = opening_if and "," not in sentence[opening_if.end() : match.start()]
    window = " ".join(head.split()[-_HEDGE_WORDS:])
    if t.hedge.search(window) or _CONDITION.search(head) or opening_if:
        return True
    # "suggested that Britain should join": what one says another should do is asked; "a
    # proposed visit ... has been postponed" is no offer but what the act calls off
    offered = t.offer.search(window) and name not in ("message", "visit_cancelled")
    if offered and not _SHOULD.match(match.group()):
        return True
    return name != "threat" and bool(t.hedge_after.match(sentence, match.end()))
