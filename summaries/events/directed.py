"""Directed acts -- criticism, appeal, praise, threat, accusation, message, sanctions: who
acts on whom.

The acting side is the clause's subject (scene.py); the other side is the first actor or
deed's doer after the trigger ("condemned the Israeli strikes"), with those coordinated
with it ("urged Japan and South Korea"); else "him"/"her"/"them"; else, for threats and
sanctions, a side named between the actor and the verb ("seeks to persuade Russia ... and
has threatened costs"). "Breaching", "violated", "should", "must" make the subject the
target of the speaker before it. A verb coordinated with an earlier one shares its subject.
When the clause names no other side, implied.py finds the one news leaves implicit.
Judgements reported in speech ("said the move was a big mistake", "called Lee a
visionary") are criticism and praise ([evaluations] in config/events.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summaries.events.implied import addressed_parties, implied_target
from summaries.events.mentions import (
    ACTOR,
    DEED,
    OTHER,
    PLACE,
    Mention,
    Story,
)
from summaries.events.model import SOURCE, TARGET
from summaries.events.scene import (
    Draft,
    clause_span,
    from_person,
    quoted_speaker,
    side_mentions,
    speaking,
    subject,
)
from summaries.events.tables import tables, words_of

_SUBJECT_IS_TARGET = re.compile(
    r"^(?:breach|violat|should|must|is\s+right|are\s+right)", re.IGNORECASE
)


# Acts whose target often stands before the verb ("threatened retaliatory action").
_LOOSE_OBJECT = frozenset({"threat", "sanctions"})


_OBJECT_PRONOUN = re.compile(r"\s+(?:him|her|his|(?P<plural>them|their))\b", re.IGNORECASE)


_APPEAL_CALL = re.compile(r"\s+(?:on|upon|for)\b", re.IGNORECASE)  # "called on X": an appeal


_NEGATED = re.compile(r"\b(?:not|no|never|n't|nor)\b[^,.;]*$", re.IGNORECASE)


_SAME_SUBJECT = re.compile(r"\band\s+(?:(?:has|have|had|also|then|later)\s+)*$", re.IGNORECASE)


_TARGET_WINDOW_WORDS = 25


# "declared his visit to Washington a historic trip": the speaker's own act is judged, not
# the place it went to.
_OWN_ACT = re.compile(
    r"\b(?:his|her|their|its|my|our)\s+(?:[\w-]+\s+){0,2}?(?:to|in|with)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "requesting 1.95 billion dlrs, compared with Mexico's 7.7 billion": a yardstick, no target
_COMPARED = re.compile(
    r"\b(?:compared\s+(?:with|to)|than|unlike|as\s+(?:did|has|had|does))\s+(?:the\s+)?"
    r"(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
_INVERTED = re.compile(r"[,\"”]\s*$")
_ADDRESSED = re.compile(r"\s+(?:on\s+|upon\s+)?(?:the\s+)?")
_PREPOSITION = re.compile(r"\b(?:to|in|at|from|of|with|on|for|about)\b", re.IGNORECASE)


_QUOTE_MARK = re.compile(r"[\"“”]")


def judgements(sentence: str, index: int, found: list[Mention], story: Story) -> list[Draft]:
    """Criticism and praise reported as judgements: a speaker who "said" another state's
    move was "a big mistake", or called a leader "a visionary" ([evaluations])."""
    t = tables()
    if not (t.speech & words_of(sentence)):
        return []
    drafts = []
    for name, pattern in t.judgements:
        judged_sides: set[str] = set()
        previous = 0  # where the clause of this judgement word starts, in a quote before "said"
        for word in pattern.finditer(sentence):
            since, previous = previous, word.end()
            if _NEGATED.search(sentence, max(0, word.start() - 15), word.start()):
                continue
            verb = min(
                (v for v in t.speech_pattern.finditer(sentence) if not (
                    v.group().lower().startswith("call") and _APPEAL_CALL.match(sentence, v.end())
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
                and not _OWN_ACT.search(sentence, max(0, m.start - 40), m.start)
            ]  # fmt: skip
            if not others:
                continue
            if verb.end() <= word.start():  # "said the move was a big mistake"
                judged = [m for m in others if verb.end() <= m.start < word.start()]
            else:  # "... US declarations ill-advised, and the EC proposal a provocation," he said
                judged = [m for m in others if since <= m.start < word.start()]
            following = [
                m for m in others
                if word.end() <= m.start and len(sentence[word.end() : m.start].split()) <= 12
            ]  # fmt: skip
            targets = (
                judged or following[:1] or [min(others, key=lambda m: abs(m.start - word.start()))]
            )
            start, end = clause_span(sentence, verb.start(), verb.end())
            for target in {m.side: m for m in targets if m.side not in judged_sides}.values():
                judged_sides.add(target.side)
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
        and not _QUOTE_MARK.search(sentence, m.end, verb.start())  # inside what is said
    ]  # fmt: skip
    if before:
        return before[-1]
    after = [
        m for m in found
        if m.start >= verb.end() and m.role == ACTOR and m.side
        and len(sentence[verb.end() : m.start].split()) <= 3
        and not _PREPOSITION.search(sentence, verb.end(), m.start)  # "declared his visit to X"
        and _INVERTED.search(sentence, 0, verb.start())  # '...," said Zarif', not 'He said the'
    ]  # fmt: skip
    if after:
        return after[0]
    head = sentence[max(0, verb.start() - 12) : verb.start()]
    if not re.search(r"\b(?:he|she)\s*$", head, re.I):
        return None
    # '"The lies of Netanyahu are sickening," she said': not someone named in the quote
    quote = _QUOTE_MARK.search(sentence[::-1], len(sentence) - verb.start())
    quote_end = len(sentence) - quote.end() if quote else 0
    named = [m.person for m in found if m.person is not None and quote_end <= m.end <= verb.start()]
    quoted = any(m.person is not None and m.end <= quote_end for m in found)
    person = named[-1] if named else story.previous_person if quoted else story.last_person
    return from_person(person) if person is not None and person.side else None


def _objects(
    sentence: str, match: re.Match[str], end: int, found: list[Mention], exclude: set[str]
) -> list[Mention]:
    """The first actor or deed's doer after the trigger, with the ones coordinated with it."""
    words = sentence[match.end() : end].split()
    limit = match.end() + len(" ".join(words[:_TARGET_WINDOW_WORDS])) + 1
    # From the trigger's start: "expelled two Russian diplomats" holds its own object, and
    # "Iranian diplomats had 48 hours to leave" begins with it.
    after = [
        m for m in found
        if match.start() <= m.start < min(end, limit) and m.side
        and not _COMPARED.search(sentence, max(0, m.start - 30), m.start)
    ]  # fmt: skip
    first = next((m for m in after if m.role in (ACTOR, DEED) and m.side not in exclude), None)
    if (
        _AT_END.search(match.group())
        and after
        and after[0].side not in exclude
        and _THE.fullmatch(sentence, match.end(), after[0].start)
    ):
        first = after[0]  # "hit out at Washington": the one right after "at" is its object
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
    # "Genscher telephoned George Shultz, the American Secretary of State. Genscher urged
    # him ...": the official of another side the story named last
    for person in (story.last_person, story.previous_person, *reversed(story.people)):
        if person is not None and person.side and person.side not in exclude:
            return [from_person(person)]
    return []


def _asks_own_state(
    sentence: str, match: re.Match[str], found: list[Mention], own: set[str]
) -> bool:
    """Whether the one an appeal addresses, right after the verb, is the asker's own state."""
    first = next((m for m in found if m.start >= match.end() and m.side), None)
    return (
        first is not None
        and first.side in own
        and len(sentence[match.end() : first.start].split()) <= 2
    )


_AT_END = re.compile(r"\bat$", re.IGNORECASE)
_THE = re.compile(r"\s*(?:the\s+)?", re.IGNORECASE)
# "Japan's ambassador to the U.S.": the state an envoy is posted to does not speak.
_POSTED_TO = re.compile(r"\b(?:ambassador|envoy|embassy)\s+to\s+(?:the\s+)?$", re.IGNORECASE)
_BY_AGENT = re.compile(r"\s+(?:by|from)\s+(?:the\s+)?", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_PARTICIPLE_END = re.compile(r"(?:ed|en)$", re.IGNORECASE)  # not "was critical of"
_BREACH = re.compile(r"(?:breach|violation)$", re.IGNORECASE)
_BREACH_BY = re.compile(r"(?:\s+[\w'-]+){0,5}?\s+by\s+(?:the\s+)?")
_NOMINAL = re.compile(r"(?:protest|complaint|criticism|condemnation|rebuke)s?$", re.IGNORECASE)


def directed(
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
        exclude = {previous[0].side}
        targets = (
            objects
            or addressed_parties(name, sentence, match, exclude, story)
            or list(previous[1:])
        )
        return [([previous[0], *targets], [SOURCE] + [TARGET] * len(targets))]
    by = _BY_AGENT.match(sentence, match.end())
    if by is not None and (
        _PASSIVE.search(sentence, max(0, match.start() - 25), match.start())
        or _NOMINAL.search(match.group())
    ):
        # "was summoned by the Iranian foreign ministry", "a protest from Accra": the one
        # after "by" or "from" acts on the clause's subject
        agents = [
            m
            for m in side_mentions(found)
            if by.end() <= m.start < end and len(sentence[by.end() : m.start].split()) <= 4
        ][:1]  # the agent follows "by" closely, not "from across the spectrum ... White House"
        patients = [m for m in side_mentions(found) if start <= m.start and m.end <= match.start()][
            :1
        ]  # the clause's subject: "Britain's ambassador to Iran was summoned"
        if agents and patients and agents[0].side not in {p.side for p in patients}:
            return [([agents[0], *patients], [SOURCE] + [TARGET] * len(patients))]
        return []
    if (
        name != "threat"
        and _PARTICIPLE_END.search(match.group())
        and _PASSIVE.search(sentence, max(0, match.start() - 25), match.start())
    ):
        return []  # "a professor was accused of ...": the one acted on, no actor named
    breacher = _BREACH_BY.match(sentence, match.end(), end)
    if breacher is not None and _BREACH.match(match.group()):
        # "considers the attacks a breach of Pakistan's sovereignty by Iran": the subject
        # accuses the one after "by"
        agents = [m for m in side_mentions(found) if m.start == breacher.end()]
        accusers = speaking(subject(sentence, match, start, found, story), sentence)
        if agents and accusers and agents[0].side != accusers[0].side:
            return [([accusers[0], agents[0]], [SOURCE, TARGET])]
    if _SUBJECT_IS_TARGET.match(match.group()):
        targets = subject(sentence, match, start, found, story)
        until = targets[0].start if targets and targets[0].start >= 0 else match.start()
        # "X said Y must ...", not "X must, and Y ..."
        # the last one who says it, even of its own state ("Japan's ambassador told the
        # minister Japan must ...": no appeal), not someone named before ("before the U.S.
        # imposes tariffs, Japan's ambassador told ...")
        speakers = [
            m for m in side_mentions(found)
            if m.end <= until and tables().saying.search(sentence, m.end, until)
            and not _POSTED_TO.search(sentence, max(0, m.start - 30), m.start)
        ][-1:]  # fmt: skip
        speakers = [m for m in speakers if m.side not in {t.side for t in targets}]
        if not speakers and sentence.lstrip().startswith('"'):
            # '"Russia must withdraw its troops," Merkel told reporters'
            speaker = quoted_speaker(sentence, match.end(), found, story)
            speakers = (
                [speaker] if speaker and speaker.side not in {t.side for t in targets} else []
            )
        if not targets or not speakers:
            return []
        return [([speakers[-1], *targets], [SOURCE] + [TARGET] * len(targets))]
    sources = speaking(subject(sentence, match, start, found, story), sentence)
    if not sources:
        return []
    exclude = {s.side for s in sources}
    if name == "appeal" and _asks_own_state(sentence, match, found, exclude):
        return []  # "Baldrige asked the White House to block the sale to Fujitsu"
    objects = _objects(sentence, match, end, found, exclude)
    if name == "appeal":
        # "called for efforts to end the Israeli strikes": an appeal's other side is the one
        # addressed, not the doer of what is asked about.
        # Right after the verb it is the one addressed ("asked Moscow to suspend military ties").
        objects = [
            m
            for m in objects
            if m.role == ACTOR or _ADDRESSED.fullmatch(sentence, match.end(), m.start)
        ]
    targets = (
        # "thanked him for his efforts to improve relations with Pakistan": him
        _object_pronoun(sentence, match, found, exclude, story)
        or addressed_parties(name, sentence, match, exclude, story)
        or objects
        or (name in _LOOSE_OBJECT and _earlier_object(sentence, match, sources, found, exclude))
        or implied_target(name, sentence, match, sources, found, exclude, story)
    )
    if not targets:
        return []
    if name == "message" and _PLURAL_MESSAGES.search(match.group()):
        # "sent messages to the leaders of Saudi Arabia and Egypt": one to each
        return [([s, t], [SOURCE, TARGET]) for s in sources for t in targets]
    return [([s, *targets], [SOURCE] + [TARGET] * len(targets)) for s in sources]


_PLURAL_MESSAGES = re.compile(r"\b(?:messages|letters|notes|telegrams|cables)\b", re.IGNORECASE)
