"""What the whole story says that reading one of its sentences needs, worked out once.

- **Groups**: a group stands for its members when the guidelines want them -- the story
  spells them out in one sentence, or the group has no code of its own (the P5+1).
- **Military acts**: the state most often named as the doer of airstrikes or an
  intervention, and the operations named ("operation Decisive Storm"), so that "Iran
  denounced the military intervention" has its other side.

Each is cached in `Story.facts`; the scans are linear in the story's length.
"""

from __future__ import annotations

import re
from collections import Counter

from summaries import countries
from summaries.events.mentions import Story, side_code
from summaries.events.tables import tables

_OPERATION_NAME = re.compile(
    r"\b(?:[Oo]peration|dubbed|code-?named)\s+[\"“]?"
    r"((?:al-)?(?-i:[A-Z])[\w'-]+(?:\s+(?-i:[A-Z])[\w'-]+){0,2})"
)


def members(story: Story, side: str) -> tuple[str, ...]:
    """The sides `side` stands for in this story: a group's members, or itself."""
    group = tables().groups.get(side)
    if group is None:
        return (side,)
    cache = story.facts.setdefault("members", {})
    if side not in cache:
        codes, always = group
        wanted = always or any(
            set(codes) <= {side_code(story, m.target, "") for m in countries.mentions(s)}
            for s in story.sentences()
            if s.count(",") >= 2
        )
        cache[side] = codes if wanted else (side,)
    return cache[side]


def military_doer(story: Story) -> str | None:
    """The state the story most often names as the doer of a military act ("the Saudi-led
    airstrikes"); None when there is none, or a tie."""
    if "military" not in story.facts:
        owner = tables().military_owner
        counts = Counter(
            side_code(story, m.target, "")
            for m in story.text_mentions()
            if m.kind != "org" and owner.match(story.text, m.end)
        )
        ranked = counts.most_common(2)
        clear = bool(ranked) and (len(ranked) == 1 or ranked[1][1] < ranked[0][1])
        story.facts["military"] = ranked[0][0] if clear else None
    return story.facts["military"]


def operation_names(story: Story) -> frozenset[str]:
    """Named military operations ("operation Determination Storm", "dubbed al-Hazm Storm")."""
    if "operations" not in story.facts:
        story.facts["operations"] = frozenset(
            m.group(1) for m in _OPERATION_NAME.finditer(story.text)
        )
    return story.facts["operations"]


def the_pair(story: Story) -> tuple[str, str] | None:
    """The two states a story is about, when it is about two: they hold most of its mentions
    of states (a trade row between Washington and Tokyo), so an act of one that names no
    other side is on the other."""
    if "pair" not in story.facts:
        counts = Counter(
            side_code(story, m.target, story.text[m.start : m.end])
            for m in story.text_mentions()
            if m.kind != "org"
        )
        ranked = counts.most_common(3)
        total = sum(counts.values())
        pair = None
        if len(ranked) >= 2 and ranked[1][1] >= 2:
            third = ranked[2][1] if len(ranked) > 2 else 0
            if ranked[0][1] + ranked[1][1] >= 0.8 * total and ranked[1][1] >= 2 * third:
                pair = (ranked[0][0], ranked[1][0])
        story.facts["pair"] = pair
    return story.facts["pair"]
