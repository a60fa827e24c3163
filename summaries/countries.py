"""Which countries a news story is about, and country look-up for users' queries.

`tag()` finds every country a text mentions -- by name, short form, press alias, demonym,
capital, seat of power, major city or region -- and ranks them by weighted evidence, marking the
ones the story is *about* as primary. `resolve()`, `suggest()`, `country()` and
`all_countries()` serve the bot's commands ("/country iranian", "/country Iram").

Data lives in `config/countries.toml` (see its header) and pycountry; the gazetteer built from
them (one compiled pattern and its indexes) is summaries/gazetteer.py's; nothing here is a table.

Matching is one pass of one compiled regular expression per text: every surface form is put in a
character trie that is turned into a single pattern, so the regex engine tries the longest form
first at each position ("Papua New Guinea" before "Guinea", "South Sudan" before "Sudan",
"New Mexico" -- an ignored phrase -- before "Mexico"). Surface forms are matched case-sensitively
as written, Title Case or UPPER CASE, so lower-case "turkey" is the bird and Reuters' upper-case
headlines still match. Organisations ("UN", "Security Council", "G7") and media ("Xinhua") are in
the same pattern so that they shield the country words inside them, and are never countries.

Ranking (weights in `[ranking]` of the toml, so that they can be tuned without code):
each mention scores `kind weight x zone weight x position factor`; a country's score is the sum.

- kind: a name or demonym counts more than a capital, which counts more than a city or region;
- zone: the title and the dateline count most, then the lead (the first ~400 characters of the
  first substantial paragraph), then the rest of the body. A dateline ("TOKYO, March 3") counts
  the same whether it names a city or a state: it says where the story happened;
- position: a mention in the actor position -- "Iranian Foreign Minister", "the President of
  Serbia", "Japan's prime minister", "Tehran said", "Iran is ready" -- is multiplied by `actor`;
  a demonym that starts a proper name ("British Petroleum") by `named_entity` (< 1).

A country is primary when its score reaches `min_score` and either its compressed score
(score ** compression) reaches `relative` times the top country's, or at least
`min_actor_mentions` of its mentions are in the actor position. Compression and the actor rule
keep a story's second and third actors primary when the first is mentioned thirty times;
`min_score` keeps a single passing mention in the body from being primary. The top country is
always primary once it reaches `min_top_score`: every story is about somewhere. So a country
only mentioned in passing (the US named once in a story about an Iran-France call) is tagged
but not primary, while one discussed at length (Syria in a call about Syria, Gaza in a call
about Gaza) is primary even when none of its officials speaks.

Ambiguity: "Georgia" counts only with other evidence for Georgia (it may be the US state);
"Jordan"/"Chad"/"Israel" next to another capitalised name are taken to be people ("Michael
Jordan"; a sentence-initial word before them is not a first name, so "Visiting Jordan" is the
country); "Congo" goes to whichever Congo has other evidence in the text, else the Republic of
the Congo. In ALL-CAPS text case says nothing, so "A TURKEY FOR CHRISTMAS" is tagged TR.

Names: the display name is pycountry's common name, else its ISO short name, unless the toml
overrides it ("Russia", "DR Congo", "Palestine"). Türkiye is shown as "Türkiye", its ISO and UN
name; "Turkey" resolves and tags all the same. Historic states count as their successors
(USSR -> RU, Yugoslavia -> RS, Czechoslovakia -> CZ, East Germany -> DE, Zaire -> CD). Kosovo,
which has no ISO code, is XK. resolve() knows names, codes, demonyms and aliases, not cities.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from summaries.gazetteer import (
    CURLY,
    NOT_COUNTRY,
    Country,
    Entry,
    Gazetteer,
    Ranking,
    fold,
    gazetteer,
    query_key,
    surface_key,
)

_MAX_QUERY_CHARS = 200


_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*\d|\d|\breuter",
    re.IGNORECASE,
)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]{2,}\S)")


_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”]\s*|\n\s*)$")


_NEXT_NAME = re.compile(r" ([A-Z][\w'-]*)")


_PREVIOUS_NAME = re.compile(r"([A-Z][\w'-]*\.?) $")


_ASCII_UPPER = string.ascii_uppercase.encode()


_ASCII_LOWER = string.ascii_lowercase.encode()


# suggest() keeps a candidate that is a typo of the query: at most one slip, plus one for
# every this many characters of the query; or a name one of whose words starts with a query
# of at least SUGGEST_MIN_PREFIX characters (see close_match).
SUGGEST_CHARS_PER_SLIP = 5


SUGGEST_MIN_PREFIX = 4


# QWERTY neighbours: suggest() prefers a candidate whose differing letters are adjacent keys.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class CountryTag:
    """One country found in a story; `primary` means the story is about it."""

    code: str
    name: str
    mentions: int
    primary: bool
    score: float = 0.0


@dataclass(frozen=True)
class OrganisationTag:
    """An international organisation or bloc found in a story (never a country)."""

    name: str
    mentions: int


@dataclass(frozen=True)
class Mention:
    """One place or organisation named in a text, where it stands, unranked and unsettled."""

    start: int
    end: int
    kind: str  # name, demonym, capital, seat, city, region or org
    target: str  # country code (a shared form's default one) or the organisation's name


@dataclass
class _Hit:
    """One accepted match of a country surface form in a text."""

    entry: Entry
    weight: float
    actor: bool = False
    code: str = ""


def tag(title: str | None, text: str, dateline: str | None = None) -> list[CountryTag]:
    """Countries in a story, best first, with the ones it is about marked primary.

    `dateline` ("TOKYO, March 3") is optional: wire stories often name their country only there.
    """
    gaz = gazetteer()
    hits: list[_Hit] = []
    if title:
        hits.extend(_scan(gaz, _normalise(title), "title"))
    if dateline:
        hits.extend(_scan_dateline(gaz, _normalise(dateline)))
    if text:
        hits.extend(_scan_body(gaz, _normalise(text)))
    return _rank(gaz, _settle(hits))


def tag_organisations(title: str | None, text: str) -> list[OrganisationTag]:
    """International organisations and blocs a story names, most mentioned first."""
    gaz = gazetteer()
    counts: dict[str, int] = {}
    for segment in (title or "", text or ""):
        for match in gaz.pattern.finditer(_normalise(segment)):
            entry = _lookup(gaz, match.group())
            if entry is not None and entry.kind == "org":
                counts[entry.target] = counts.get(entry.target, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [OrganisationTag(name, mentions) for name, mentions in ranked]


def mentions(text: str) -> Iterator[Mention]:
    """Every country form and organisation `text` names, in order.

    Ignored phrases and people ("Jordan Peterson") are left out. Unlike `tag`, nothing is
    weighed or settled: the event extractor needs each mention's place in its sentence.
    """
    gaz = gazetteer()
    for match in gaz.pattern.finditer(text):
        entry = _lookup(gaz, match.group())
        if entry is None or entry.kind == "ignore":
            continue
        target = entry.target
        if entry.kind != "org":
            if entry.person and _looks_like_person(gaz, text, match):
                continue
            target = target or (entry.candidates[0] if entry.candidates else "")
        if target:
            yield Mention(match.start(), match.end(), entry.kind, target)


def resolve(query: str) -> Country | None:
    """The country a user means by a name, code, demonym or alias; None when unsure."""
    if not query or len(query) > _MAX_QUERY_CHARS:
        return None
    key = query_key(query)
    if not key:
        return None
    gaz = gazetteer()
    code = gaz.resolve_index.get(key)
    return gaz.countries[code] if code else None


def suggest(query: str, limit: int = 3) -> list[Country]:
    """Countries whose names are closest to a (probably misspelt) query, best first."""
    if not query or limit <= 0 or len(query) > _MAX_QUERY_CHARS:
        return []
    key = query_key(query)
    if not key:
        return []
    gaz = gazetteer()
    found = process.extract(
        key, gaz.suggest_choices, scorer=fuzz.WRatio, limit=max(30, limit * 10), score_cutoff=50
    )
    best: dict[str, tuple[float, float]] = {}
    for choice, score, index in found:
        code = gaz.suggest_codes[index]
        distance = keyboard_distance(key, choice)
        if not close_match(key, choice, distance):
            continue
        rank = (-round(score), distance)
        if code not in best or rank < best[code]:
            best[code] = rank
    ordered = sorted(best, key=lambda code: (best[code], gaz.countries[code].name))
    return [gaz.countries[code] for code in ordered[:limit]]


def close_match(key: str, choice: str, distance: float) -> bool:
    """Whether a fuzzy candidate is close enough to suggest: a typo of the query (a few
    slips, a slip to a neighbouring key counting half: "Iram" -> Iran, Iraq), or a name
    with a word that starts with the query ("saudi" -> Saudi Arabia). WRatio alone ranks
    "Siam" (Thailand) with Iran for "Iram", and "UK" for "Tukey"."""
    if distance <= 1 + len(key) // SUGGEST_CHARS_PER_SLIP:
        return True
    return len(key) >= SUGGEST_MIN_PREFIX and (choice.startswith(key) or f" {key}" in choice)


def organisation_forms() -> dict[str, tuple[str, ...]]:
    """Each organisation's canonical name -> the forms the press writes it in (the toml's
    `[organisations]`): what summaries.sides resolves users' queries with."""
    return dict(gazetteer().organisations)


def resolve_key(query: str) -> str:
    """A user's query as resolve() and suggest() compare it: folded, case-folded, outer
    punctuation, dots and a leading "the" dropped."""
    return query_key(query)


def country(code: str) -> Country:
    """The country with this ISO alpha-2 code (any case); KeyError for an unknown code."""
    found = gazetteer().countries.get(code.strip().upper())
    if found is None:
        raise KeyError(f"unknown country code {code!r}")
    return found


def all_countries() -> list[Country]:
    """Every known country and territory, sorted by display name."""
    return sorted(gazetteer().countries.values(), key=lambda c: fold(c.name))


def _scan(
    gaz: Gazetteer,
    segment: str,
    zone: str,
    start: int = 0,
    end: int | None = None,
    shouty: bool | None = None,
) -> Iterator[_Hit]:
    """Country hits in segment[start:end], weighted for `zone` (one regex pass)."""
    if shouty is None:
        shouty = _is_shouty(segment)
    zone_weight = gaz.ranking.zones[zone]
    for match in gaz.pattern.finditer(segment, start, len(segment) if end is None else end):
        entry = _lookup(gaz, match.group())
        if entry is None or entry.kind in NOT_COUNTRY:
            continue
        if entry.person and not shouty and _looks_like_person(gaz, segment, match):
            continue
        factor = _position_factor(gaz, segment, match, entry, zone, shouty)
        weight = gaz.ranking.kinds[entry.kind] * zone_weight * factor
        yield _Hit(entry, weight, actor=factor > 1.0)


def _scan_body(gaz: Gazetteer, text: str) -> Iterator[_Hit]:
    """Hits in the body: the lead counts more than the rest."""
    lead_start, lead_end = _lead_span(text, gaz.ranking)
    shouty = _is_shouty(text)
    yield from _scan(gaz, text, "body", 0, lead_start, shouty)
    yield from _scan(gaz, text, "lead", lead_start, lead_end, shouty)
    yield from _scan(gaz, text, "body", lead_end, None, shouty)


def _scan_dateline(gaz: Gazetteer, dateline: str) -> Iterator[_Hit]:
    """Hits in a wire dateline such as "BASKING RIDGE, N.J., June 2" (the date is skipped)."""
    for part in dateline.split(","):
        part = part.strip()
        if not part or _MONTHS.search(part):
            continue
        entries = [_lookup(gaz, m.group()) for m in gaz.pattern.finditer(part)]
        if not entries:
            # Datelines drop the abbreviation's dot ("HARTFORD, Conn"): try it with one.
            entries = [
                gaz.entries.get(surface_key(part + ".")) or gaz.entries.get(surface_key(part))
            ]
        for entry in entries:
            if entry is not None and entry.kind not in NOT_COUNTRY:
                # Where the story was filed is as telling whether it names a city or a state.
                yield _Hit(entry, gaz.ranking.zones["dateline"])


def _lead_span(text: str, ranking: Ranking) -> tuple[int, int]:
    """The lead: the start of the first paragraph that is not page furniture."""
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if len(text[start:end].strip()) >= ranking.min_paragraph_chars:
            return start, min(end, start + ranking.lead_chars)
        if brk is None:
            break
        start = brk.end()
    return 0, min(len(text), ranking.lead_chars)


def _position_factor(
    gaz: Gazetteer, segment: str, match: re.Match[str], entry: Entry, zone: str, shouty: bool
) -> float:
    """Actor position boosts a mention; a demonym opening a proper name weakens it."""
    after = segment[match.end() : match.end() + 60]
    if gaz.after.match(after):
        return gaz.ranking.actor
    before = segment[max(0, match.start() - 40) : match.start()]
    if before.endswith(("of ", "of the ", "OF ", "OF THE ")) and gaz.before.search(before):
        return gaz.ranking.actor
    in_prose = zone in ("lead", "body") and not shouty
    if entry.kind == "demonym" and in_prose and after[:1] == " " and after[1:2].isupper():
        return gaz.ranking.named_entity
    return 1.0


def _looks_like_person(gaz: Gazetteer, segment: str, match: re.Match[str]) -> bool:
    """True for "Michael Jordan", "Jordan Peterson": a capitalised word right next to it."""
    nxt = _NEXT_NAME.match(segment, match.end())
    if nxt and nxt.group(1) not in gaz.not_surnames and not gaz.after.match(nxt.group(0)):
        return True
    before = segment[max(0, match.start() - 40) : match.start()]
    prev = _PREVIOUS_NAME.search(before)
    if prev is None or (len(prev.group(1)) > 2 and prev.group(1).endswith(".")):
        return False  # no capitalised word before it, or one that ends a sentence
    return not _SENTENCE_END.search(before[: prev.start()])


def _is_shouty(segment: str) -> bool:
    """Upper-case text (wire headlines) has no case to tell "Chad" the name from the country."""
    sample = segment[:300]
    if sample.isupper():
        return True
    # Letters counted in C by deleting them (ASCII only; a regex findall built a list of
    # one-character strings and cost a fifth of all tagging).
    data = sample.encode("ascii", "ignore")
    upper = len(data) - len(data.translate(None, _ASCII_UPPER))
    return upper >= 4 and upper > 4 * (len(data) - len(data.translate(None, _ASCII_LOWER)))


def _lookup(gaz: Gazetteer, matched: str) -> Entry | None:
    """The meaning of a matched string: by the exact form first (fast), else by its key
    (a form wrapped over two lines)."""
    entry = gaz.exact.get(matched)
    return entry if entry is not None else gaz.entries.get(surface_key(matched))


def _settle(hits: list[_Hit]) -> list[_Hit]:
    """Give every hit a country: drop uncorroborated ones, pick a Congo for "Congo"."""
    plain: dict[str, float] = {}
    for hit in hits:
        if not hit.entry.candidates and not hit.entry.corroborate:
            plain[hit.entry.target] = plain.get(hit.entry.target, 0.0) + hit.weight
    settled: list[_Hit] = []
    for hit in hits:
        if hit.entry.candidates:
            backed = [c for c in hit.entry.candidates if c in plain]
            hit.code = max(backed, key=plain.__getitem__) if backed else hit.entry.candidates[0]
        elif hit.entry.corroborate and hit.entry.target not in plain:
            continue
        else:
            hit.code = hit.entry.target
        settled.append(hit)
    return settled


def _rank(gaz: Gazetteer, hits: list[_Hit]) -> list[CountryTag]:
    """Sum each country's evidence and mark the primary ones (see the module docstring)."""
    scores: dict[str, float] = {}
    mentions: dict[str, int] = {}
    actors: dict[str, int] = {}
    for hit in hits:
        scores[hit.code] = scores.get(hit.code, 0.0) + hit.weight
        mentions[hit.code] = mentions.get(hit.code, 0) + 1
        actors[hit.code] = actors.get(hit.code, 0) + hit.actor
    if not scores:
        return []
    ranking = gaz.ranking
    order = sorted(scores, key=lambda code: (-scores[code], -mentions[code], code))
    top = scores[order[0]] ** ranking.compression
    tags = []
    for rank, code in enumerate(order):
        score = scores[code]
        leading = score**ranking.compression >= ranking.relative * top
        acting = actors.get(code, 0) >= ranking.min_actor_mentions
        primary = (score >= ranking.min_score and (leading or acting)) or (
            rank == 0 and score >= ranking.min_top_score
        )
        name = gaz.countries[code].name
        tags.append(CountryTag(code, name, mentions[code], primary, round(score, 3)))
    return tags


def _normalise(text: str) -> str:
    """Straight apostrophes, same length, so that "Iran’s" matches like "Iran's"."""
    for curly in CURLY:
        if curly in text:
            text = text.replace(curly, "'")
    return text


def keyboard_distance(a: str, b: str) -> float:
    """Edit distance where a slip to a neighbouring key costs half a substitution."""
    previous = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        current = [float(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else (0.5 if _adjacent_keys(ca, cb) else 1.0)
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + swap))
        previous = current
    return previous[-1]


def _adjacent_keys(a: str, b: str) -> bool:
    """True when two letters sit next to each other on a QWERTY keyboard."""
    for row in _KEYBOARD_ROWS:
        i, j = row.find(a), row.find(b)
        if i >= 0 and j >= 0 and abs(i - j) == 1:
            return True
    return False
