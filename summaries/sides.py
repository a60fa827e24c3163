"""The sides of events as users ask for them: countries, organisations and historic states.

Events are stored with a code per side (summaries.events): an ISO alpha-2 code for a country,
an organisation code (UN, UNSC, EU, NATO, OPEC, G7, G20, IMF, WORLDBANK, WTO, ASEAN,
AFRICAN_UNION, ARAB_LEAGUE, GCC, IAEA ...) or a historic state's (SU, EC, DD, YU, CS). A user
asks for any of them the same way: `/country NATO`, `/country UN Security Council`,
`/country Soviet Union`. This module turns such a query into a `Country` (code and display
name) that the bot's commands already know how to use, and names any side code.

Where the words come from (data, not code): countries from summaries.countries; the names
shown for organisations and historic states from config/digest.toml `[organisations]`; the
forms the press writes an organisation in from config/countries.toml `[organisations]`,
mapped to side codes by config/events.toml `[organisations]`; historic states' forms from
config/events.toml `[history]` (read through the extractor's tables, never edited here).
A country's name always wins: "Georgia" is the country, "Turkey" Türkiye.
"""

from __future__ import annotations

from functools import cache

from rapidfuzz import fuzz, process

from config import load_table
from summaries import countries
from summaries.countries import Country
from summaries.events.tables import tables as event_tables


def resolve(query: str) -> Country | None:
    """The country, organisation or historic state a user means; None when unsure.

    A historic state's own name ("Soviet Union", "USSR") means that state, whose events are
    coded apart from its successor's; any other country name means the country.
    """
    key = countries.resolve_key(query)
    historic = _historic().get(key)
    if historic:
        return side(historic)
    found = countries.resolve(query)
    if found is not None:
        return found
    code = _index().get(key)
    return side(code) if code else None


def suggest(query: str, limit: int = 3) -> list[Country]:
    """Close names for a query that resolves to nothing: countries first (by
    countries.suggest), then organisations whose names are a typo of it away."""
    found = countries.suggest(query, limit)
    key = countries.resolve_key(query)
    if len(found) >= limit or not key:
        return found
    index = _index()
    names = list(index)
    close = process.extract(key, names, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=50)
    for name, _, _ in close:
        candidate = side(index[name])
        distance = countries.keyboard_distance(key, name)
        if candidate not in found and countries.close_match(key, name, distance):
            found.append(candidate)
    return found[:limit]


def side(code: str) -> Country:
    """The side with this code (a country's ISO code, an organisation's or a historic
    state's); KeyError for an unknown code."""
    code = code.strip().upper()
    names = _names()
    if code in names:
        return Country(code, names[code])
    return countries.country(code)


def name(code: str) -> str:
    """A side's display name ("UN Security Council", "Iran"); the code itself if unknown."""
    try:
        return side(code).name
    except KeyError:
        return code


def is_country(code: str) -> bool:
    """Whether a side code is a present-day country (articles are tagged with those only)."""
    return code.strip().upper() not in _names()


@cache
def _names() -> dict[str, str]:
    """Organisation and historic side codes -> display names (config/digest.toml)."""
    return {str(k): str(v) for k, v in load_table("digest")["organisations"].items()}


@cache
def _index() -> dict[str, str]:
    """Query key -> side code, for every organisation and historic state with a name."""
    index: dict[str, str] = {}

    def add(surface: str, code: str) -> None:
        key = countries.resolve_key(surface)
        if key and code in _names():
            index.setdefault(key, code)

    for code, shown in _names().items():
        add(code, code)
        add(code.replace("_", " "), code)
        add(shown, code)
    known = event_tables()
    forms = countries.organisation_forms()
    for canonical, code in known.organisations.items():
        add(canonical, code)
        for form in forms.get(canonical, ()):
            add(form, code)
    for key, code in _historic().items():
        index.setdefault(key, code)
    return index


@cache
def _historic() -> dict[str, str]:
    """Query key -> code of a historic state, by the names that always mean it."""
    return {
        countries.resolve_key(form): code
        for form, code in event_tables().historic_forms.items()
        if code in _names()
    }
