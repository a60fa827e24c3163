"""The country gazetteer, built once: every surface form of every country (names, press
aliases, demonyms, capitals, seats of power, cities, regions) and of the organisations that
must never be tagged as countries, compiled into one trie-shaped regular expression, with the
indexes that resolve users' queries and suggest close names.

Data from pycountry and config/countries.toml (see its header); summaries/countries.py uses
what is built here to tag stories and answer look-ups. Building is the one job here: loading,
merging the layers (names over demonyms over capitals ...), and compiling.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pycountry

from config import load_table

STRIP_CHARS = " \t\r\n.,;:!?\"'()[]{}<>«»“”‘’/\\|*#@_-–—"


CURLY = ("’", "‘", "ʼ", "`")


_APOSTROPHES = str.maketrans(dict.fromkeys(CURLY, "'"))


KIND_ORDER = ("name", "seat", "capital", "demonym", "city", "region")


NOT_COUNTRY = ("ignore", "org")


SPEECH_VERBS = (
    "said|says|told|announced|warned|urged|called|condemned|accused|rejected|denied|agreed|"
    "signed|demanded|threatened|protested|summoned|expelled|welcomed|proposed|offered|asked|"
    "insisted|vowed|pledged|stressed|expressed|voiced|reiterated|hailed|criticised|criticized|"
    "is|was|has|had|will|would|remains|wants|plans|seeks"
)


@dataclass(frozen=True)
class Country:
    """A country as users see it: ISO 3166-1 alpha-2 code and a common short name."""

    code: str
    name: str


@dataclass(frozen=True)
class Entry:
    """What one surface form means: a country (by kind), an organisation, or nothing."""

    kind: str  # name, demonym, capital, seat, city, region, org or ignore
    target: str  # country code, organisation name, or "" for ignored phrases
    candidates: tuple[str, ...] = ()  # for forms shared by several countries; first = default
    corroborate: bool = False  # counts only with other evidence for the same country
    person: bool = False  # also a first name: rejected next to another capitalised name


@dataclass(frozen=True)
class Ranking:
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
class Gazetteer:
    """Everything loaded and compiled once: the countries, the pattern and the indexes."""

    countries: dict[str, Country]
    entries: dict[str, Entry]
    exact: dict[str, Entry]
    pattern: re.Pattern[str]
    resolve_index: dict[str, str]
    suggest_choices: list[str]
    suggest_codes: list[str]
    ranking: Ranking
    after: re.Pattern[str]
    before: re.Pattern[str]
    not_surnames: frozenset[str] = field(default_factory=frozenset)
    organisations: dict[str, tuple[str, ...]] = field(default_factory=dict)


def fold(text: str) -> str:
    """Accents off ("Türkiye" -> "Turkiye"), so either spelling matches."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def surface_key(surface: str) -> str:
    """The dictionary key of a surface form: folded, case-folded, one space, no hyphens."""
    folded = fold(surface.translate(_APOSTROPHES)).casefold().replace("-", " ")
    return " ".join(folded.split())


def query_key(query: str) -> str:
    """A user's query as a key: surrounding punctuation, dots and a leading "the" dropped."""
    key = surface_key(query.strip(STRIP_CHARS)).replace(".", "")
    return key[4:] if key.startswith("the ") else key


@functools.cache
def gazetteer() -> Gazetteer:
    """Load the toml and pycountry once, and compile the single matching pattern."""
    data = load_table("countries")
    countries = _load_countries(data["countries"])
    entries = _build_entries(data, countries)
    roles = sorted({surface_key(word) for word in data["roles"]["words"]}, key=len, reverse=True)
    role_alt = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in roles)
    # "Iranian Foreign Minister", "Pakistani caretaker Foreign Minister", "Japan's government",
    # "Tehran said", "Iran has warned": up to two lower-case modifiers before a role word, none
    # before a verb (so "Japan trade surplus is" is not an actor).
    after = re.compile(
        rf"(?:'s)?\s+(?:(?:(?-i:[a-z][\w-]*)\s+){{0,2}}?(?:{role_alt})"
        rf"|(?:(?:has|have|had)\s+)?(?:{SPEECH_VERBS}))\b",
        re.IGNORECASE,
    )
    before = re.compile(rf"\b(?:{role_alt})\s+of\s+(?:the\s+)?$", re.IGNORECASE)
    choices, codes = _suggest_choices(data["countries"], countries)
    variants = _surface_variants(data, countries)
    return Gazetteer(
        countries=countries,
        entries=entries,
        exact={v: entries[surface_key(v)] for v in variants if surface_key(v) in entries},
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


def _load_ranking(raw: dict[str, Any]) -> Ranking:
    """The `[ranking]` table as typed numbers."""
    return Ranking(
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
    record = pycountry.countries.get(alpha_2=code)
    names = set(_iso_names(record)) if record is not None else set()
    for demonym in extra.get("demonyms", []):
        yield demonym, "demonym"
        plural = _plural(demonym)
        if plural:  # "Philippine" + s is the country's name, not its people
            yield plural, "name" if plural in names else "demonym"
    if "display" in extra:
        yield extra["display"], "name"


def _build_entries(data: dict[str, Any], countries: dict[str, Country]) -> dict[str, Entry]:
    """key -> meaning, strongest layer first: ignored phrases, organisations, ambiguous forms,
    the toml's countries, then pycountry's names. A key claimed by two countries in one layer
    is a data error, reported at load time rather than tagging one of them at random."""
    entries: dict[str, Entry] = {}
    ignore = data["ignore"]
    for surface in [*ignore["phrases"], *ignore["currencies"], *ignore["media"]]:
        entries.setdefault(surface_key(surface), Entry("ignore", ""))
    for name, surfaces in data["organisations"].items():
        for surface in surfaces:
            entries.setdefault(surface_key(surface), Entry("org", name))
    ambiguous = data["ambiguous"]
    for surface, candidates in ambiguous["choose"].items():
        entries.setdefault(surface_key(surface), Entry("name", "", tuple(candidates)))
    layer: dict[str, Entry] = {}
    for code, extra in data["countries"].items():
        for surface, kind in _country_surfaces(code, extra):
            _claim(layer, surface_key(surface), Entry(kind, code), surface)
    pycountry_layer: dict[str, Entry] = {}
    for record in pycountry.countries:
        for surface in _iso_names(record):
            _claim(pycountry_layer, surface_key(surface), Entry("name", record.alpha_2), surface)
    for source in (layer, pycountry_layer):
        for key, entry in source.items():
            entries.setdefault(key, entry)
    for surface in ambiguous["corroborate"]:
        _flag(entries, surface, corroborate=True)
    for surface in ambiguous["person"]:
        _flag(entries, surface, person=True)
    unknown = {e.target for e in entries.values() if e.kind not in NOT_COUNTRY and e.target}
    unknown |= {c for e in entries.values() for c in e.candidates}
    if unknown - set(countries):
        raise ValueError(f"countries.toml: unknown codes {sorted(unknown - set(countries))}")
    return entries


def _claim(layer: dict[str, Entry], key: str, entry: Entry, surface: str) -> None:
    """Add a key to a layer; the same country keeps its strongest kind, two countries clash."""
    current = layer.get(key)
    if current is None:
        layer[key] = entry
    elif current.target != entry.target:
        raise ValueError(f"countries.toml: {surface!r} is both {current.target} and {entry.target}")
    elif KIND_ORDER.index(entry.kind) < KIND_ORDER.index(current.kind):
        layer[key] = entry


def _flag(entries: dict[str, Entry], surface: str, **flags: bool) -> None:
    """Mark an existing surface form as needing corroboration or as a possible first name."""
    key = surface_key(surface)
    if key not in entries:
        raise ValueError(f"countries.toml: ambiguous form {surface!r} is not a known name")
    current = entries[key]
    entries[key] = Entry(current.kind, current.target, current.candidates, **flags)


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
        for form in {surface, fold(surface)}:
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
        key = query_key(surface)
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
            add(fold(surface), code)
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
        pairs.setdefault(query_key(found.name), code)
    for code, extra in table.items():
        for surface in [*extra.get("names", []), *extra.get("demonyms", [])]:
            pairs.setdefault(query_key(surface), code)
    return list(pairs), list(pairs.values())
