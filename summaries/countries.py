"""Which countries a news story is about, and country look-up for users' queries.

`tag()` finds every country a text mentions -- by name, short form, press alias, demonym,
capital, seat of power, major city or region -- and ranks them by weighted evidence, marking the
ones the story is *about* as primary. `resolve()`, `suggest()`, `country()` and
`all_countries()` serve the bot's commands ("/country iranian", "/country Iram").

Data lives in `config/countries.toml` (see its header) and pycountry; nothing here is a table.

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

import functools
import re
import string
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pycountry
from rapidfuzz import fuzz, process

from config import load_table

_MAX_QUERY_CHARS = 200
_STRIP_CHARS = " \t\r\n.,;:!?\"'()[]{}<>«»“”‘’/\\|*#@_-–—"
_CURLY = ("’", "‘", "ʼ", "`")
_APOSTROPHES = str.maketrans(dict.fromkeys(_CURLY, "'"))
_KIND_ORDER = ("name", "seat", "capital", "demonym", "city", "region")
_NOT_COUNTRY = ("ignore", "org")
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
_SPEECH_VERBS = (
    "said|says|told|announced|warned|urged|called|condemned|accused|rejected|denied|agreed|"
    "signed|demanded|threatened|protested|summoned|expelled|welcomed|proposed|offered|asked|"
    "insisted|vowed|pledged|stressed|expressed|voiced|reiterated|hailed|criticised|criticized|"
    "is|was|has|had|will|would|remains|wants|plans|seeks"
)
# suggest() keeps a candidate that is a typo of the query: at most one slip, plus one for
# every this many characters of the query; or a name one of whose words starts with a query
# of at least SUGGEST_MIN_PREFIX characters (see close_match).
SUGGEST_CHARS_PER_SLIP = 5
SUGGEST_MIN_PREFIX = 4
# QWERTY neighbours: suggest() prefers a candidate whose differing letters are adjacent keys.
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class Country:
    """A country as users see it: ISO 3166-1 alpha-2 code and a common short name."""

    code: str
    name: str


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


@dataclass(frozen=True)
class _Entry:
    """What one surface form means: a country (by kind), an organisation, or nothing."""

    kind: str  # name, demonym, capital, seat, city, region, org or ignore
    target: str  # country code, organisation name, or "" for ignored phrases
    candidates: tuple[str, ...] = ()  # for forms shared by several countries; first = default
    corroborate: bool = False  # counts only with other evidence for the same country
    person: bool = False  # also a first name: rejected next to another capitalised name


@dataclass(frozen=True)
class _Ranking:
    """The tunable numbers of the ranking; see the module docstring."""

    min_score: float
    min_top_score: float
    min_actor_mentions: int
    relative: float
    compression: float
    actor: float
    named_entity: float
    lead_chars: int
    min_paragraph_chars: int
    kinds: dict[str, float]
    zones: dict[str, float]


@dataclass
class _Hit:
    """One accepted match of a country surface form in a text."""

    entry: _Entry
    weight: float
    actor: bool = False
    code: str = ""


@dataclass
class _Gazetteer:
    """Everything loaded and compiled once: the countries, the pattern and the indexes."""

    countries: dict[str, Country]
    entries: dict[str, _Entry]
    exact: dict[str, _Entry]
    pattern: re.Pattern[str]
    resolve_index: dict[str, str]
    suggest_choices: list[str]
    suggest_codes: list[str]
    ranking: _Ranking
    after: re.Pattern[str]
    before: re.Pattern[str]
    not_surnames: frozenset[str] = field(default_factory=frozenset)
    organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Public API


def tag(title: str | None, text: str, dateline: str | None = None) -> list[CountryTag]:
    """Countries in a story, best first, with the ones it is about marked primary.

    `dateline` ("TOKYO, March 3") is optional: wire stories often name their country only there.
    """
    gaz = _gazetteer()
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
    gaz = _gazetteer()
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
    gaz = _gazetteer()
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
    key = _resolve_key(query)
    if not key:
        return None
    gaz = _gazetteer()
    code = gaz.resolve_index.get(key)
    return gaz.countries[code] if code else None


def suggest(query: str, limit: int = 3) -> list[Country]:
    """Countries whose names are closest to a (probably misspelt) query, best first."""
    if not query or limit <= 0 or len(query) > _MAX_QUERY_CHARS:
        return []
    key = _resolve_key(query)
    if not key:
        return []
    gaz = _gazetteer()
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
    return dict(_gazetteer().organisations)


def resolve_key(query: str) -> str:
    """A user's query as resolve() and suggest() compare it: folded, case-folded, outer
    punctuation, dots and a leading "the" dropped."""
    return _resolve_key(query)


def country(code: str) -> Country:
    """The country with this ISO alpha-2 code (any case); KeyError for an unknown code."""
    found = _gazetteer().countries.get(code.strip().upper())
    if found is None:
        raise KeyError(f"unknown country code {code!r}")
    return found


def all_countries() -> list[Country]:
    """Every known country and territory, sorted by display name."""
    return sorted(_gazetteer().countries.values(), key=lambda c: _fold(c.name))


# ---------------------------------------------------------------------------------------------
# Scanning


def _scan(
    gaz: _Gazetteer,
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
        if entry is None or entry.kind in _NOT_COUNTRY:
            continue
        if entry.person and not shouty and _looks_like_person(gaz, segment, match):
            continue
        factor = _position_factor(gaz, segment, match, entry, zone, shouty)
        weight = gaz.ranking.kinds[entry.kind] * zone_weight * factor
        yield _Hit(entry, weight, actor=factor > 1.0)


def _scan_body(gaz: _Gazetteer, text: str) -> Iterator[_Hit]:
    """Hits in the body: the lead counts more than the rest."""
    lead_start, lead_end = _lead_span(text, gaz.ranking)
    shouty = _is_shouty(text)
    yield from _scan(gaz, text, "body", 0, lead_start, shouty)
    yield from _scan(gaz, text, "lead", lead_start, lead_end, shouty)
    yield from _scan(gaz, text, "body", lead_end, None, shouty)


def _scan_dateline(gaz: _Gazetteer, dateline: str) -> Iterator[_Hit]:
    """Hits in a wire dateline such as "BASKING RIDGE, N.J., June 2" (the date is skipped)."""
    for part in dateline.split(","):
        part = part.strip()
        if not part or _MONTHS.search(part):
            continue
        entries = [_lookup(gaz, m.group()) for m in gaz.pattern.finditer(part)]
        if not entries:
            # Datelines drop the abbreviation's dot ("HARTFORD, Conn"): try it with one.
            entries = [gaz.entries.get(_key(part + ".")) or gaz.entries.get(_key(part))]
        for entry in entries:
            if entry is not None and entry.kind not in _NOT_COUNTRY:
                # Where the story was filed is as telling whether it names a city or a state.
                yield _Hit(entry, gaz.ranking.zones["dateline"])


def _lead_span(text: str, ranking: _Ranking) -> tuple[int, int]:
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
    gaz: _Gazetteer, segment: str, match: re.Match[str], entry: _Entry, zone: str, shouty: bool
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


def _looks_like_person(gaz: _Gazetteer, segment: str, match: re.Match[str]) -> bool:
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


def _lookup(gaz: _Gazetteer, matched: str) -> _Entry | None:
    """The meaning of a matched string: by the exact form first (fast), else by its key
    (a form wrapped over two lines)."""
    entry = gaz.exact.get(matched)
    return entry if entry is not None else gaz.entries.get(_key(matched))


# ---------------------------------------------------------------------------------------------
# Settling ambiguity and ranking


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


def _rank(gaz: _Gazetteer, hits: list[_Hit]) -> list[CountryTag]:
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


# ---------------------------------------------------------------------------------------------
# Text keys


def _normalise(text: str) -> str:
    """Straight apostrophes, same length, so that "Iran’s" matches like "Iran's"."""
    for curly in _CURLY:
        if curly in text:
            text = text.replace(curly, "'")
    return text


def _fold(text: str) -> str:
    """Accents off ("Türkiye" -> "Turkiye"), so either spelling matches."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(surface: str) -> str:
    """The dictionary key of a surface form: folded, case-folded, one space, no hyphens."""
    folded = _fold(surface.translate(_APOSTROPHES)).casefold().replace("-", " ")
    return " ".join(folded.split())


def _resolve_key(query: str) -> str:
    """A user's query as a key: surrounding punctuation, dots and a leading "the" dropped."""
    key = _key(query.strip(_STRIP_CHARS)).replace(".", "")
    return key[4:] if key.startswith("the ") else key


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


# ---------------------------------------------------------------------------------------------
# Loading


@functools.cache
def _gazetteer() -> _Gazetteer:
    """Load the toml and pycountry once, and compile the single matching pattern."""
    data = load_table("countries")
    countries = _load_countries(data["countries"])
    entries = _build_entries(data, countries)
    roles = sorted({_key(word) for word in data["roles"]["words"]}, key=len, reverse=True)
    role_alt = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in roles)
    # "Iranian Foreign Minister", "Pakistani caretaker Foreign Minister", "Japan's government",
    # "Tehran said", "Iran has warned": up to two lower-case modifiers before a role word, none
    # before a verb (so "Japan trade surplus is" is not an actor).
    after = re.compile(
        rf"(?:'s)?\s+(?:(?:(?-i:[a-z][\w-]*)\s+){{0,2}}?(?:{role_alt})"
        rf"|(?:(?:has|have|had)\s+)?(?:{_SPEECH_VERBS}))\b",
        re.IGNORECASE,
    )
    before = re.compile(rf"\b(?:{role_alt})\s+of\s+(?:the\s+)?$", re.IGNORECASE)
    choices, codes = _suggest_choices(data["countries"], countries)
    variants = _surface_variants(data, countries)
    return _Gazetteer(
        countries=countries,
        entries=entries,
        exact={v: entries[_key(v)] for v in variants if _key(v) in entries},
        pattern=_compile_surfaces(variants),
        resolve_index=_build_resolve_index(data, countries),
        suggest_choices=choices,
        suggest_codes=codes,
        ranking=_load_ranking(data["ranking"]),
        after=after,
        before=before,
        not_surnames=frozenset(data["ambiguous"]["not_surnames"]),
        organisations={name: tuple(forms) for name, forms in data["organisations"].items()},
    )


def _load_ranking(raw: dict[str, Any]) -> _Ranking:
    """The `[ranking]` table as typed numbers."""
    return _Ranking(
        min_score=float(raw["min_score"]),
        min_top_score=float(raw["min_top_score"]),
        min_actor_mentions=int(raw["min_actor_mentions"]),
        relative=float(raw["relative"]),
        compression=float(raw["compression"]),
        actor=float(raw["actor"]),
        named_entity=float(raw["named_entity"]),
        lead_chars=int(raw["lead_chars"]),
        min_paragraph_chars=int(raw["min_paragraph_chars"]),
        kinds={k: float(v) for k, v in raw["kinds"].items()},
        zones={k: float(v) for k, v in raw["zones"].items()},
    )


def _load_countries(table: dict[str, dict[str, Any]]) -> dict[str, Country]:
    """All ISO countries (pycountry) plus user-assigned ones from the toml (Kosovo)."""
    countries: dict[str, Country] = {}
    for record in pycountry.countries:
        override = table.get(record.alpha_2, {}).get("display")
        countries[record.alpha_2] = Country(record.alpha_2, override or _display_name(record))
    for code, extra in table.items():
        if code not in countries:
            if "display" not in extra:
                raise ValueError(f"countries.toml: {code} is not in ISO 3166-1 and has no display")
            countries[code] = Country(code, extra["display"])
    return countries


def _display_name(record: Any) -> str:
    """pycountry's common name, else its ISO short name without ", Republic of" or "(...)"."""
    name = getattr(record, "common_name", None) or record.name
    return name.split(",")[0].split(" (")[0].strip()


def _iso_names(record: Any) -> list[str]:
    """pycountry's names, with inverted ones also in reading order."""
    names = []
    for attr in ("name", "official_name", "common_name"):
        value = getattr(record, attr, None)
        if not value:
            continue
        value = value.removeprefix("the ").removeprefix("The ")
        names.append(value)
        head, sep, tail = value.partition(", ")
        if sep and (tail.endswith((" of", " of the")) or " " not in tail):
            names.append(f"{tail} {head}".removeprefix("The "))
        if " (" in value:
            names.append(value.split(" (")[0])
    return names


def _plural(demonym: str) -> str | None:
    """Iranian -> Iranians; none for Swiss, French, Japanese (see the toml header)."""
    if demonym.endswith(("s", "sh", "ch", "x", "z", "ese")) or not demonym[-1:].isalpha():
        return None
    return demonym + "s"


def _country_surfaces(code: str, extra: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(surface, kind) pairs the toml gives for one country, plurals included."""
    for kind, key in (
        ("name", "names"),
        ("seat", "seats"),
        ("capital", "capitals"),
        ("city", "cities"),
        ("region", "regions"),
    ):
        for surface in extra.get(key, []):
            yield surface, kind
    for demonym in extra.get("demonyms", []):
        yield demonym, "demonym"
        plural = _plural(demonym)
        if plural:
            yield plural, "demonym"
    if "display" in extra:
        yield extra["display"], "name"


def _build_entries(data: dict[str, Any], countries: dict[str, Country]) -> dict[str, _Entry]:
    """key -> meaning, strongest layer first: ignored phrases, organisations, ambiguous forms,
    the toml's countries, then pycountry's names. A key claimed by two countries in one layer
    is a data error, reported at load time rather than tagging one of them at random."""
    entries: dict[str, _Entry] = {}
    ignore = data["ignore"]
    for surface in [*ignore["phrases"], *ignore["currencies"], *ignore["media"]]:
        entries.setdefault(_key(surface), _Entry("ignore", ""))
    for name, surfaces in data["organisations"].items():
        for surface in surfaces:
            entries.setdefault(_key(surface), _Entry("org", name))
    ambiguous = data["ambiguous"]
    for surface, candidates in ambiguous["choose"].items():
        entries.setdefault(_key(surface), _Entry("name", "", tuple(candidates)))
    layer: dict[str, _Entry] = {}
    for code, extra in data["countries"].items():
        for surface, kind in _country_surfaces(code, extra):
            _claim(layer, _key(surface), _Entry(kind, code), surface)
    pycountry_layer: dict[str, _Entry] = {}
    for record in pycountry.countries:
        for surface in _iso_names(record):
            _claim(pycountry_layer, _key(surface), _Entry("name", record.alpha_2), surface)
    for source in (layer, pycountry_layer):
        for key, entry in source.items():
            entries.setdefault(key, entry)
    for surface in ambiguous["corroborate"]:
        _flag(entries, surface, corroborate=True)
    for surface in ambiguous["person"]:
        _flag(entries, surface, person=True)
    unknown = {e.target for e in entries.values() if e.kind not in _NOT_COUNTRY and e.target}
    unknown |= {c for e in entries.values() for c in e.candidates}
    if unknown - set(countries):
        raise ValueError(f"countries.toml: unknown codes {sorted(unknown - set(countries))}")
    return entries


def _claim(layer: dict[str, _Entry], key: str, entry: _Entry, surface: str) -> None:
    """Add a key to a layer; the same country keeps its strongest kind, two countries clash."""
    current = layer.get(key)
    if current is None:
        layer[key] = entry
    elif current.target != entry.target:
        raise ValueError(f"countries.toml: {surface!r} is both {current.target} and {entry.target}")
    elif _KIND_ORDER.index(entry.kind) < _KIND_ORDER.index(current.kind):
        layer[key] = entry


def _flag(entries: dict[str, _Entry], surface: str, **flags: bool) -> None:
    """Mark an existing surface form as needing corroboration or as a possible first name."""
    key = _key(surface)
    if key not in entries:
        raise ValueError(f"countries.toml: ambiguous form {surface!r} is not a known name")
    current = entries[key]
    entries[key] = _Entry(current.kind, current.target, current.candidates, **flags)


def _surface_variants(data: dict[str, Any], countries: dict[str, Country]) -> set[str]:
    """Every string the pattern must find: each form as written, Title Case and UPPER CASE,
    with and without accents, and with a hyphen or a space."""
    surfaces: set[str] = set()
    ignore = data["ignore"]
    surfaces.update(ignore["phrases"], ignore["currencies"], ignore["media"])
    surfaces.update(data["ambiguous"]["choose"])
    for forms in data["organisations"].values():
        surfaces.update(forms)
    for code, extra in data["countries"].items():
        surfaces.update(surface for surface, _ in _country_surfaces(code, extra))
    for record in pycountry.countries:
        surfaces.update(_iso_names(record))
    variants: set[str] = set()
    for surface in surfaces:
        for form in {surface, _fold(surface)}:
            for spaced in {form, form.replace("-", " ")}:
                variants.update(_case_variants(spaced))
    return {v for v in variants if v.strip()}


def _case_variants(surface: str) -> set[str]:
    """As written, first letter up, every word up, and all upper case."""
    words = surface.split(" ")
    title = " ".join(w[:1].upper() + w[1:] for w in words)
    return {surface, surface[:1].upper() + surface[1:], title, surface.upper()}


def _compile_surfaces(surfaces: Iterable[str]) -> re.Pattern[str]:
    """One regex for all surface forms, built from a character trie so the engine tries the
    longest form first and never walks a list of thousands of alternatives."""
    trie: dict[str, Any] = {}
    for surface in surfaces:
        node = trie
        for ch in surface:
            node = node.setdefault(ch, {})
        node[""] = {}
    # The look-ahead on the possible first letters comes before the look-behind so that the
    # engine can skip, in C, every position where no form starts (~25% faster scanning).
    first = "".join(sorted(re.escape(ch) for ch in trie))
    return re.compile(rf"(?=[{first}])(?<![\w]){_trie_pattern(trie)}(?![\w])")


def _trie_pattern(node: dict[str, Any]) -> str:
    """The regex for one trie node; a space matches any run of whitespace (wrapped lines)."""
    branches = []
    for ch in sorted(ch for ch in node if ch):
        atom = r"\s+" if ch == " " else re.escape(ch)
        branches.append(atom + _trie_pattern(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _build_resolve_index(data: dict[str, Any], countries: dict[str, Country]) -> dict[str, str]:
    """Query key -> code: display and ISO names, toml names and demonyms, then ISO codes.
    Earlier sources win, so "Georgia" is the country and "Congo" the default Congo."""
    index: dict[str, str] = {}

    def add(surface: str, code: str) -> None:
        key = _resolve_key(surface)
        if key:
            index.setdefault(key, code)

    for code, found in countries.items():
        add(found.name, code)
    for surface, candidates in data["ambiguous"]["choose"].items():
        add(surface, candidates[0])
    for record in pycountry.countries:
        for surface in _iso_names(record):
            add(surface, record.alpha_2)
    for code, extra in data["countries"].items():
        for surface in [*extra.get("names", []), *extra.get("demonyms", [])]:
            add(surface, code)
            add(_fold(surface), code)
            plural = _plural(surface)
            if plural and surface in extra.get("demonyms", []):
                add(plural, code)
    for record in pycountry.countries:
        add(record.alpha_3, record.alpha_2)
        add(record.alpha_2, record.alpha_2)
    for code, extra in data["countries"].items():
        if "alpha_3" in extra:
            add(extra["alpha_3"], code)
        add(code, code)
    return index


def _suggest_choices(
    table: dict[str, dict[str, Any]], countries: dict[str, Country]
) -> tuple[list[str], list[str]]:
    """Parallel lists of (folded name, code) that suggest() fuzzy-matches against."""
    pairs: dict[str, str] = {}
    for code, found in countries.items():
        pairs.setdefault(_resolve_key(found.name), code)
    for code, extra in table.items():
        for surface in [*extra.get("names", []), *extra.get("demonyms", [])]:
            pairs.setdefault(_resolve_key(surface), code)
    return list(pairs), list(pairs.values())
