"""config/events.toml, loaded once and compiled into the patterns the extractor runs.

Everything the extractor knows about words lives in that file; this module only turns it into
regular expressions and lookups, and refuses a table it cannot use with the key named.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from config import load_table

RECIPROCAL, DIRECTED, VISIT = "reciprocal", "directed", "visit"
# A lowercase word that can stand between a country and its noun ("the Iranian *foreign*
# ministry"), unlike the function words that start another clause ("Syria *where* forces").
MODIFIER = (
    r"(?-i:(?!(?:where|which|who|whose|that|and|or|but|to|of|in|on|at|by|for|with|from|the|a"
    r"|an|is|was|are|were|has|have|had|said|says|will|would|as|than)\b)[a-z][\w-]*)"
)
MODES = (RECIPROCAL, DIRECTED, VISIT)


@dataclass(frozen=True)
class EventType:
    name: str
    cameo: str
    mode: str
    cues: frozenset[str]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Tables:
    types: tuple[EventType, ...]
    by_name: dict[str, EventType]
    per_type: tuple[tuple[str, frozenset[str], re.Pattern[str]], ...]
    all_cues: frozenset[str]
    title_cues: frozenset[str]
    titles: dict[str, str]
    title_pattern: re.Pattern[str]
    actor_noun: re.Pattern[str]
    deed: re.Pattern[str]
    not_state: re.Pattern[str]
    not_state_lead: re.Pattern[str]
    title_countries: dict[str, str]
    title_country: re.Pattern[str]
    place_before: re.Pattern[str]
    victim_before: re.Pattern[str]
    new_verb: re.Pattern[str]
    hedge: re.Pattern[str]
    offer: re.Pattern[str]
    hedge_after: re.Pattern[str]
    background: re.Pattern[str]
    organisations: dict[str, str]
    military_owner: re.Pattern[str]  # after a state's form: it did the military act
    military_object: re.Pattern[str]  # after a judging verb: "the military intervention"
    short_names: dict[str, tuple[str, ...]]
    short_name: re.Pattern[str]
    short_cues: frozenset[str]
    groups: dict[str, tuple[tuple[str, ...], bool]]  # code -> (members, always expanded)
    # a phrase naming a group in a sentence that names one state: (pattern, group, state)
    group_aliases: tuple[tuple[re.Pattern[str], str, str], ...]
    # a state named by a phrase in stories that name one of some states: (pattern, state,
    # those states)
    story_names: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...]
    ec_until: date
    successors: dict[str, tuple[str, date]]
    historic_forms: dict[str, str]
    dated_forms: dict[str, tuple[str, date]]
    speech: frozenset[str]
    speech_pattern: re.Pattern[str]
    saying: re.Pattern[str]  # speech and reporting words: who speaks before "Y must ..."
    judgements: tuple[tuple[str, re.Pattern[str]], ...]
    ceasefire: re.Pattern[str]
    ceasefire_cameo: str
    topic_nouns: tuple[str, ...]
    topic_phrases: tuple[str, ...]
    max_topics: int


_WORDS = re.compile(r"[a-z]+(?:'t)?")


@functools.lru_cache(maxsize=1024)  # one sentence is looked at by several readers
def words_of(sentence: str) -> frozenset[str]:
    """The sentence's lowercase words, for the cue lookups that spare most regex passes."""
    return frozenset(_WORDS.findall(sentence.casefold()))


def alternation(words: list[str]) -> str:
    """A regex alternation of literal phrases, longest first, any whitespace between words."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w'])(?:{alternation(words)})(?![\w-])", re.IGNORECASE)


_NO_DETERMINER = r"(?!(?:the|a|an|its|their|his|her|this|that)\s)"


@functools.cache
def tables() -> Tables:
    """Load config/events.toml once and compile its patterns."""
    raw = load_table("events")
    types = []
    for name, spec in raw["types"].items():
        if spec["mode"] not in MODES:
            raise ValueError(f"events.toml: [types.{name}] has unknown mode {spec['mode']!r}")
        cues = frozenset(w.casefold() for w in spec["cues"])
        types.append(
            EventType(name, str(spec["cameo"]), spec["mode"], cues, tuple(spec["patterns"]))
        )
    titles = {" ".join(k.casefold().split()): v for k, v in raw["titles"].items()}
    nouns = raw["actor_nouns"]
    history = raw["history"]
    return Tables(
        types=tuple(types),
        by_name={t.name: t for t in types},
        per_type=tuple(
            (t.name, t.cues, re.compile(rf"\b(?:{'|'.join(t.patterns)})\b", re.IGNORECASE))
            for t in types
        ),
        all_cues=frozenset().union(*(t.cues for t in types), raw["evaluations"]["speech"]),
        title_cues=frozenset(k.split()[-1].split("-")[-1] for k in titles),
        titles=titles,
        title_pattern=re.compile(rf"\b(?:{alternation(list(titles))})\b", re.IGNORECASE),
        actor_noun=re.compile(
            rf"(?:'s?)?\s+(?:{MODIFIER}\s+){{0,2}}?(?:{alternation(nouns['words'])}"
            rf"|{alternation(list(titles))})\b",
            re.IGNORECASE,
        ),
        deed=re.compile(
            # the words between are no verb: "Japan initialled a trade pact" is no deed, nor
            # "the United States commends the military action"
            rf"(?:'s?)?(?:-led|-backed|-dominated)?\s+(?:(?![\w-]+ed\b){_NO_DETERMINER}[\w'-]+\s+){{0,2}}?"
            rf"(?:{alternation(nouns['deeds'])})\b",
            re.IGNORECASE,
        ),
        # "Syria's rebels", "Turkey's main opposition party" (not "Iraq voiced opposition")
        not_state=re.compile(
            rf"(?:'s\s+(?:(?-i:[a-z][\w-]*)\s+){{0,2}}?|'?\s+)"
            rf"(?:{alternation(nouns['not_state'])})\b",
            re.IGNORECASE,
        ),
        title_countries={
            " ".join(k.casefold().split()): v for k, v in raw["title_countries"].items()
        },
        title_country=re.compile(
            rf"\b(?:{alternation(list(raw['title_countries']))})\b", re.IGNORECASE
        ),
        # A clause opening with such people ("The alleged assailant ... called for ...",
        # "Notable conservatives in the United States have attacked ...")
        not_state_lead=re.compile(
            # after an opening phrase: "But on Thursday morning, the alleged assailant ..."
            r"\W*(?:(?:but|and|yet)\s+)?(?:(?:[\w'-]+\s+){0,5}?[\w'-]+,\s+)?"
            r"(?:(?:the|a|an|some|many|several|most|other|notable|alleged|leading|"
            r"pro-[\w-]+|anti-[\w-]+)\s+)*(?:[\w-]+\s+)?"
            rf"(?:{alternation(nouns['not_state'])})\b",
            re.IGNORECASE,
        ),
        place_before=re.compile(
            rf"(?:\b(?:{alternation(raw['places']['before'])})\s+(?:the\s+)?"
            # "the resort town of Sharm el-Sheikh, Egypt": a town's country is a place
            rf"|\b(?:town|city|village|port)\s+of\s+(?-i:[A-Z])[\w'-]+(?:[\s-]+[\w'-]+){{0,2}},\s*"
            # "in Brussels, Belgium": the country of a named city is a place
            rf"|\b(?:in|at)\s+(?-i:[A-Z])[\w'-]+(?:[\s-]+(?-i:[A-Z])[\w'-]+){{0,2}},\s*)$",
            re.IGNORECASE,
        ),
        victim_before=re.compile(
            rf"\b(?:{alternation(raw['victims']['before'])})\s+(?:the\s+)?(?:\S+\s+){{0,4}}$",
            re.IGNORECASE,
        ),
        new_verb=re.compile(
            rf"\s(?:,\s*)?and\s+(?:\w+ly\s+)?(?:{alternation(raw['clauses']['verbs'])})\b",
            re.IGNORECASE,
        ),
        hedge=_words(raw["hedges"]["before"]),
        offer=_words(raw["hedges"]["offers"]),
        hedge_after=re.compile(
            rf"\s*,?\s*(?:{alternation(raw['hedges']['after'])})\b", re.IGNORECASE
        ),
        # not "last month's drone attacks": what the act is about, not when it was made
        background=re.compile(
            _words(raw["background"]["phrases"]).pattern + r"(?!['’]s\b)", re.IGNORECASE
        ),
        organisations=dict(raw["organisations"]),
        military_owner=re.compile(
            # "Saudi Arabia's air campaign", not "the United States commends the military action"
            rf"(?:'s?)?(?:-led|-backed|-dominated)?\s+"
            rf"(?:{_NO_DETERMINER}[\w-]+\s+){{0,2}}?"
            rf"(?:{alternation(nouns['military_deeds'])})\b",
            re.IGNORECASE,
        ),
        military_object=re.compile(
            rf"\s+(?:of\s+|to\s+)?(?:the|this|these|its|their)\s+(?:[\w-]+\s+){{0,2}}?"
            rf"(?:{alternation(nouns['military_deeds'])})\b",
            re.IGNORECASE,
        ),
        short_names={noun: tuple(codes) for noun, codes in raw["short_names"].items()},
        short_cues=frozenset(
            noun.casefold().replace("-", " ").split()[0] for noun in raw["short_names"]
        ),
        short_name=re.compile(
            # "the Bank", "the Fund's", "the 15-member council"
            rf"\b(?:the|The)\s+(?:[\w-]+'s\s+|[\w]+-member\s+)?"
            rf"({alternation(raw['short_names'])})\b"
            r"(?!\s+of\b|\s+for\s+(?-i:[A-Z])|\s+(?-i:[A-Z]))"
        ),
        groups={
            code: (tuple(group["members"]), bool(group.get("always", False)))
            for code, group in raw["groups"].items()
        },
        group_aliases=tuple(
            (
                re.compile(rf"(?<!other\s)(?<!\w){re.escape(group['alias'])}\b", re.IGNORECASE),
                code,
                group["alias_with"],
            )
            for code, group in raw["groups"].items()
            if "alias" in group
        ),
        story_names=tuple(
            (
                # "the South's ministry", not "the South China Sea" or "the North Korean"
                re.compile(rf"\b{re.escape(phrase)}\b(?!\s+(?-i:[A-Z]))", re.IGNORECASE),
                state,
                frozenset(needs),
            )
            for phrase, (state, *needs) in raw["story_names"].items()
        ),
        ec_until=date.fromisoformat(history["ec_until"]),
        successors=_until(history["successors"]),
        historic_forms=dict(history["historic_forms"]),
        dated_forms=_until(history["dated_forms"]),
        speech=frozenset(raw["evaluations"]["speech"]),
        speech_pattern=_words(raw["evaluations"]["speech"]),
        saying=_words(raw["evaluations"]["speech"] + raw["evaluations"]["reporting"]),
        judgements=(
            ("criticism", _words(raw["evaluations"]["negative"])),
            ("praise", _words(raw["evaluations"]["positive"])),
        ),
        ceasefire=_words(raw["ceasefire"]["words"]),
        ceasefire_cameo=str(raw["ceasefire"]["cameo"]),
        topic_nouns=tuple(raw["topics"]["nouns"]),
        topic_phrases=tuple(raw["topics"]["phrases"]),
        max_topics=int(raw["topics"]["max_topics"]),
    )


def _until(table: dict[str, list[str]]) -> dict[str, tuple[str, date]]:
    """`{form: [code, "YYYY-MM-DD"]}`: the code a form stands for before that day."""
    return {form: (code, date.fromisoformat(day)) for form, (code, day) in table.items()}
