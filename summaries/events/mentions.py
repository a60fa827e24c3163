"""Who and what a sentence names: states, organisations, officials, and the places acts happen.

A side of an event is an *actor*, not a place. This module finds every country form the
gazetteer knows (summaries/countries.py), the organisations of the coding guidelines, titled
officials ("French Foreign Minister Catherine Colonna", "the President of Serbia", "his
Japanese counterpart", "Hakan Fidan, Turkey's foreign minister") and officials the story
introduced earlier ("Colonna"), and says of each whether it stands as an actor ("Tehran said",
"the Iranian government"), as the doer of a deed ("the Israeli strikes"), or as a place ("an
attack in Iran's Kerman", "arrived in Riyadh").

Codes follow the story's time: before 1992 Moscow and the Kremlin are the Soviet Union (SU),
and before 1993 the European Community is EC, after it the EU.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from summaries import countries
from summaries.events import officials
from summaries.events.model import same_person, token_keys
from summaries.events.names import (
    NAME,
    STOP_NAMES,
    Person,
    before_country,
    clean_name,
    is_name,
    name_after,
    name_before,
)
from summaries.events.tables import Tables, tables, words_of
from summaries.gazetteer import gazetteer, surface_key

ACTOR, DEED, PLACE, OTHER = "actor", "deed", "place", "other"
NOT_STATE = "not_state"  # "Syria's rebels", "Australian labor unions": never a side
_MAX_PEOPLE = 200
# The first sentences that name a person are enough to vote on their country; a long page
# naming one person hundreds of times need not be read whole for each name.
_COUNTRY_OF_SENTENCES = 40
# Between a country and its official's title: "Pakistani caretaker Foreign Minister",
# "Taiwan's Vice Foreign Minister", "Japan's top diplomat", "U.S. Trade Representative".
_TITLE_GAP = re.compile(
    r"(?:'s?)?\s+(?:(?:(?-i:(?!(?:the|a|an|their|his|her|its|to|of|in|on|at|by|for|with|from)\b)"
    r"[a-z][\w-]*(?<!ed))|Vice|Deputy|Acting|Caretaker|Former|Senior|Chief|Junior|First|Top"
    r"|Interim|Special|External|Foreign|Trade|and|Industry|Commerce|Finance|House|Senate"
    r"|Majority|Minority|Parliament|Parliamentary|Defen[cs]e|Treasury|Economy|Energy|Oil"
    r"|Agriculture|Justice|Interior|Security|National|Military|Army|Navy"
    # "British Corporate Affairs minister": a portfolio's own capitalised words
    r"|(?-i:[A-Z])[a-z]{3,})\s+){0,3}"
)
# "the President of Serbia", "minister for foreign affairs of Japan", "counterparts from X".
# Not "to" or "in": an ambassador *to* Sweden or *in* Dhaka serves another state.
_TITLE_OF = re.compile(r"\s+(?:of|from|for)\s+(?:the\s+)?")
_COUNTERPART_OF = re.compile(r"\s+(?:of|from|for|in)\s+(?:the\s+)?")  # "his counterpart in Iran"
_SAYS = re.compile(
    r"(?:'s?)?\s+(?:has\s+|have\s+|had\s+|also\s+|on\s+\w+\s+|today\s+|yesterday\s+)?"
    r"(?:said|says|told|announced|warned|urged|called|condemned|accused|agreed|signed|"
    r"threatened|welcomed|asked|insisted|stressed|expressed|hailed|criticised|criticized|"
    r"blamed|praised|denounced|visited|met|hosted|imposed|summoned|expelled|congratulated|"
    r"thanked|complained|protested|held|discussed|received|requested|appealed|backed|"
    r"voiced|lodged|reported|reached|sent|wants|will|would|is|was|has|had|and\s+(?-i:[A-Z]))\b",
    re.IGNORECASE,
)


_POSSESSIVE = re.compile(r"'s?\s+")
# A capitalised word that is no title, month, weekday or sentence start, right before a word.
_GIVEN_NAME = re.compile(r"(?<=[a-z,]\s)((?-i:[A-Z])[a-z]{2,})\s+$")
# "the American Soybean Association", "the Japan Chamber of Commerce": a private body.
_PRIVATE_BODY = re.compile(
    r"(?:\s+(?-i:[A-Z])[\w&'-]*){0,3}\s+(?:Association|Federation|Company|Corporation|Corp"
    r"|Inc|Ltd|Chamber|Institute|Foundation|University|Society|Bank\s+of|Airlines?)\b"
)
# "representatives from Nigeria", "a delegation from the Soviet Union": the state they act for.
PARTY_FROM = re.compile(
    r"\b(?:representatives|officials?|delegates|delegations?|ministers|envoys?|diplomats|team"
    r"|mission|negotiators|leaders|counterparts)\s+(?:from|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_POSTED_IN = re.compile(
    r"\b(?:embassy|embassies|consulate|mission|ambassador|envoy|diplomats?|officials?)\s+"
    r"(?:in|at)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "Government officials in Ethiopia", "the authorities in Sudan": a country's own rulers,
# unless a state named just before owns them ("U.S. officials in Iraq").
_RULERS_IN = re.compile(
    r"\b(?:government|authorities|officials|leaders|leadership|regime)\s+in\s+$", re.IGNORECASE
)
# "flew to Washington for talks with U.S. officials": a capital travelled to is where the
# traveller went, not a party (nor the subject of what follows)
_TRAVELLED_TO = re.compile(
    r"\b(?:flew|flown|flies|fly|flying|travell?ed|travels|travell?ing|went|goes|going|came|"
    r"comes|arrived|arrives|arriving|returned|headed|heads|heading|left\s+for|leaves\s+for)"
    r"\s+(?:back\s+)?(?:to|in|into)\s+$",
    re.IGNORECASE,
)
_CAPITAL_AFTER = re.compile(r"\s+capital\b", re.IGNORECASE)
_FORMER = re.compile(r"\b(?:former|retired|ex-|late)\b", re.IGNORECASE)
_TWO_NAMES = re.compile(r"\b((?-i:[A-Z])[\w'-]+)\s+(?=((?-i:[A-Z])[\w'-]+)\b)")
_ACCREDITED = re.compile(
    r"(?:UN|U\.N\.|United\s+Nations)\s+(?:diplomats|delegates|envoys|ambassadors)", re.IGNORECASE
)
# "Lausanne, Switzerland (CNN)": a dateline glued to the story's first words.
_AGENCY_DATELINE = re.compile(r"\s*\((?:CNN|Reuters|AP|AFP|Xinhua|IRNA|TASS|dpa|UPI)\)")


@dataclass
class Mention:
    """One side-like thing in a sentence, where it stands and how it stands there."""

    start: int
    end: int
    side: str
    role: str  # ACTOR, DEED, PLACE or OTHER
    kind: str  # the gazetteer's kind (name, demonym, capital ...), "title", "person", "org"
    person: Person | None = None
    title: str | None = None
    counterpart: bool = False

    @property
    def official(self) -> bool:
        """Named or titled: the strongest evidence that a state acted."""
        return self.person is not None or self.title is not None or self.counterpart


@dataclass
class Story:
    """What the extractor remembers while reading one story."""

    title: str | None
    text: str
    dateline: str | None
    published: date | None
    people: list[Person] = field(default_factory=list)
    last_person: Person | None = None
    previous_person: Person | None = None  # last_person before the sentence being read
    people_table: bool = True  # may leaders' sides come from config/officeholders.toml
    pending_title: tuple[str, str] | None = None  # (side, title) named without a name
    previous_title: tuple[str, str] | None = None  # pending_title of the sentence before
    last_draft: Any = None  # the latest act read (acts.Draft), for "the two sides"
    _main: list[str] | None = None
    _sentences: list[str] | None = None
    _by_full: dict[str, set[int]] = field(default_factory=dict)
    _by_tail: dict[str, set[int]] = field(default_factory=dict)
    _here: str | None | bool = False
    # what the whole story says, worked out once (wholestory.py): name -> value
    facts: dict[str, Any] = field(default_factory=dict)

    def text_mentions(self) -> tuple[countries.Mention, ...]:
        """Every country form and organisation of the whole text, scanned once."""
        if "text_mentions" not in self.facts:
            self.facts["text_mentions"] = tuple(countries.mentions(self.text))
        return self.facts["text_mentions"]

    def named_for_sure(self) -> set[str]:
        """The states the text names by a form no other state shares ("Kinshasa", not
        "Congo"): what decides between the states an ambiguous form may be."""
        if "for_sure" not in self.facts:
            self.facts["for_sure"] = {
                m.target
                for m in self.text_mentions()
                if m.kind != "org" and not _candidates(self.text[m.start : m.end])
            }
        return self.facts["for_sure"]

    def bodies(self) -> set[str]:
        """The organisation codes the story names in full (for "the Bank", "the Fund")."""
        if "bodies" not in self.facts:
            t = tables()
            self.facts["bodies"] = {
                t.organisations[m.target]
                for m in self.text_mentions()
                if m.kind == "org" and m.target in t.organisations
            }
        return self.facts["bodies"]

    def main_countries(self) -> list[str]:
        """The countries the story is about, best first (the country tagger's primaries)."""
        if self._main is None:
            tags = countries.tag(self.title, self.text[:3000], self.dateline)
            self._main = [side_code(self, t.code, "") for t in tags if t.primary] or [
                side_code(self, t.code, "") for t in tags[:1]
            ]
        return self._main

    def here(self) -> str | None:
        """The country of the dateline ("TOKYO, April 21" or "Lausanne, Switzerland (CNN)"):
        where "arrived here" and "visiting X" happen."""
        if self._here is False:
            line = self.dateline or self.text[:80].split("(", 1)[0]
            found = next(iter(countries.mentions(line[:60])), None)
            self._here = side_code(self, found.target, line) if found else None
        return self._here if isinstance(self._here, str) else None

    def someone_else(self, surname: str) -> bool:
        """Whether the story gives a one-word name in full as someone no table knows ("CNN's
        Ian Lee ... Lee reported"): then the bare name is that person, not an officeholder."""
        if " " in surname:
            return False
        if "first_names" not in self.facts:  # one pass: surname -> the words before it
            firsts: dict[str, set[str]] = {}
            for match in _TWO_NAMES.finditer(self.text):
                firsts.setdefault(match.group(2), set()).add(match.group(1))
            self.facts["first_names"] = firsts
        return any(
            first not in STOP_NAMES
            and not tables().title_pattern.fullmatch(first)
            and self.officeholder(f"{first} {surname}") is None
            for first in self.facts["first_names"].get(surname, ())
        )

    def country_of(self, surname: str, exclude: str) -> str | None:
        """The country a person the story never places most likely acts for: the state most
        often named as an actor in the sentences that name them, else the story's main one."""
        cache = self.facts.setdefault("country_of", {})
        if (surname, exclude) not in cache:
            cache[surname, exclude] = self._country_of(surname, exclude)
        return cache[surname, exclude]

    def _country_of(self, surname: str, exclude: str) -> str | None:
        counts: dict[str, int] = {}
        t = tables()
        naming = (s for s in self.sentences() if surname in s)
        for sentence in itertools.islice(naming, _COUNTRY_OF_SENTENCES):
            hits = _gazetteer_hits(sentence, self, t)
            for hit in hits:
                if hit.side == exclude or _role(sentence, hit, hits, t) not in (ACTOR, DEED):
                    continue
                after = sentence[hit.end : hit.end + 60]
                weight = 2 if _SAYS.match(after) or t.actor_noun.match(after) else 1
                counts[hit.side] = counts.get(hit.side, 0) + weight
        if counts:
            return max(counts, key=lambda code: counts[code])
        return next((c for c in self.main_countries() if c != exclude), None)

    def officeholder(self, name: str) -> str | None:
        """The side of a head of state or government or foreign minister of the story's
        time called `name` (config/officeholders.toml), unless the table is switched off."""
        if not self.people_table:
            return None
        side = officials.side_of(name, self.published)
        words = name.split()
        if side is None and len(words) >= 3 and len(words[-1]) >= 4:
            # "Abd Rabbu Mansour Hadi" for "Abdrabbuh Mansour Hadi"; not "Robert Costa" for
            # "António Costa": a two-word name with another first name is someone else
            side = officials.side_of_variant(name, self.published)
        return side

    def register(self, person: Person) -> Person:
        known = self.find(person.name)
        if known is None:
            if len(self.people) < _MAX_PEOPLE:
                self.people.append(person)
                self._index(person)
            return person
        if len(person.name) > len(known.name):
            known.name = person.name
            self._index(known)
        known.side = known.side or person.side
        if person.title and (known.title is None or known.title == "counterpart"):
            known.title = person.title
        return known

    def find(self, name: str) -> Person | None:
        """The latest person the story named who `same_person` matches, found through key
        indexes so that a long page with many names costs no quadratic scan."""
        keys = token_keys(name)
        if not keys:
            return None
        candidates: set[int] = set()
        candidates.update(self._by_tail.get("".join(keys), ()))
        for i in range(len(keys)):
            candidates.update(self._by_full.get("".join(keys[i:]), ()))
        candidates.update(self._by_full.get(keys[0], ()))
        for index in sorted(candidates, reverse=True):
            if same_person(self.people[index].name, name):
                return self.people[index]
        return None

    def _index(self, person: Person) -> None:
        """Index a person by their whole key (a query may be it or end with it) and by each
        shorter tail and their first word (a query may be a surname, or "Xi")."""
        at = self.people.index(person)
        keys = token_keys(person.name)
        if not keys:
            return
        self._by_full.setdefault("".join(keys), set()).add(at)
        for i in range(1, len(keys)):
            self._by_tail.setdefault("".join(keys[i:]), set()).add(at)
        self._by_tail.setdefault(keys[0], set()).add(at)

    def sentences(self) -> list[str]:
        """The story's sentences, split once (for `country_of`)."""
        if self._sentences is None:
            self._sentences = re.split(r"(?<=[.!?\"”])\s+", self.text)
        return self._sentences


def side_code(story: Story, code: str, surface: str, body: bool = False) -> str:
    """The code the guidelines use for a gazetteer code in this story's time. `body` marks
    an organisation's code: the European Community's "EC" is the EU after Maastricht, while
    Ecuador's ISO code is "EC" in every year."""
    t = tables()
    historic = t.historic_forms.get(surface.strip())
    if historic:
        return historic
    when = story.published
    for earlier in (t.dated_forms.get(surface.strip()), t.successors.get(code)):
        if earlier is not None and when is not None and when < earlier[1]:
            return earlier[0]
    candidates = _candidates(surface)
    if candidates:
        # "Kinshasa, Democratic Republic of Congo (CNN)Congo's government ...": the Congo the
        # story names for sure
        sure = story.named_for_sure()
        code = code if code in sure else next((c for c in candidates if c in sure), code)
    if body and code in ("EU", "EC"):
        return "EC" if when is not None and when < t.ec_until else "EU"
    return code


def _candidates(surface: str) -> tuple[str, ...]:
    """The states a form shared by several may be ("Congo": CG, CD); none for others."""
    entry = gazetteer().entries.get(surface_key(surface.strip())) if surface.strip() else None
    return entry.candidates if entry is not None else ()


def mentions(sentence: str, story: Story) -> list[Mention]:
    """The sides-to-be of one sentence, in order, with officials linked to their countries."""
    t = tables()
    pending, story.pending_title = story.pending_title, None
    story.previous_title = pending
    story.previous_person = story.last_person
    hits = _gazetteer_hits(sentence, story, t)
    found = _titled(sentence, hits, story, t)
    story.pending_title = next(
        ((m.side, m.title) for m in found if m.person is None and m.title and m.side), None
    )
    taken = [(m.start, m.end) for m in found]
    for hit in hits:
        if hit.role != "linked" and not any(s <= hit.start < e for s, e in taken):
            possessed = _possessed_name(sentence, hit, story, t)
            if possessed is not None:
                hit.person, hit.end = possessed
                hit.role, hit.kind = ACTOR, "person"
            else:
                hit.role = _role(sentence, hit, hits, t)
            found.append(hit)
    taken = [(m.start, m.end) for m in found]
    found.extend(_known_people(sentence, taken, story, pending))
    found.sort(key=lambda m: m.start)
    for mention in found:
        if mention.person is not None and mention.person.side:
            story.last_person = mention.person
            break
    else:
        story.last_person = opening_person(sentence, story) or story.last_person
    return found


def opening_person(sentence: str, story: Story) -> Person | None:
    """A person of the story whose side is unknown, opening the sentence ("Biden meets in
    Vilnius ..."): the next "he" is them, not the last official with a known side."""
    first = NAME.match(sentence.lstrip(" \"“'"))
    if first is None or first.group() in STOP_NAMES:
        return None
    known = story.find(first.group())
    return known if known is not None and not known.side else None


def _gazetteer_hits(sentence: str, story: Story, t: Tables) -> list[Mention]:
    hits = []
    cache = story.facts.setdefault("gazetteer", {})  # a sentence is read two or three times
    if sentence not in cache:
        cache[sentence] = tuple(countries.mentions(sentence))
    for found in cache[sentence]:
        surface = sentence[found.start : found.end]
        if found.kind == "org":
            code = t.organisations.get(found.target)
            if code is None or _part_of_longer_name(sentence, found.start, surface):
                continue
            side = side_code(story, code, surface, body=True)
            hits.append(Mention(found.start, found.end, side, ACTOR, "org"))
        elif found.kind == "demonym" and _after_given_name(sentence, found.start, t):
            continue  # "said Antonio French, a St. Louis alderman": a surname
        else:
            code = side_code(story, found.target, surface)
            hits.append(Mention(found.start, found.end, code, OTHER, found.kind))
    if t.short_cues & words_of(sentence):
        hits.extend(_short_names(sentence, hits, story, t))
        hits.sort(key=lambda m: m.start)
    for phrase, state, needs in t.story_names:
        named = phrase.search(sentence)
        if named is not None and needs & story.named_for_sure():
            hits.append(Mention(named.start(), named.end(), state, ACTOR, "name"))
            hits.sort(key=lambda m: m.start)
    for alias, code, needs in t.group_aliases:
        named = alias.search(sentence)
        if named is not None and any(h.side == needs for h in hits):
            hits.append(Mention(named.start(), named.end(), code, ACTOR, "org"))
            hits.sort(key=lambda m: m.start)
    return hits


def _short_names(sentence: str, hits: list[Mention], story: Story, t: Tables) -> list[Mention]:
    """ "The Bank called for ...": a body the story has named in full, named by its noun."""
    out = []
    for match in t.short_name.finditer(sentence):
        if any(h.start <= match.start(1) < h.end for h in hits):
            continue
        code = next((c for c in t.short_names[match.group(1)] if c in story.bodies()), None)
        if code is not None:
            surface = match.group(1)
            side = side_code(story, code, surface, body=True)
            out.append(Mention(match.start(1), match.end(1), side, ACTOR, "org"))
    return out


def _after_given_name(sentence: str, start: int, t: Tables) -> bool:
    """Whether a demonym follows a given name ("Antonio French"): no title, month or day."""
    given = _GIVEN_NAME.search(sentence, 0, start)
    return (
        given is not None
        and given.group(1) not in STOP_NAMES
        and not t.title_pattern.fullmatch(given.group(1))
    )


def _part_of_longer_name(sentence: str, start: int, surface: str) -> bool:
    """A generic organ name inside another body's name: "National Security Council" is not
    the UN Security Council."""
    if " " not in surface or surface[0] in "UE" and surface.split()[0] in ("UN", "U.N.", "EU"):
        return False
    before = sentence[max(0, start - 20) : start].split()
    if before[-2:-1] and before[-1] == "and" and before[-2][:1].isupper():
        return True  # the African Union's "Peace and Security Council"
    return (
        bool(before)
        and before[-1][:1].isupper()
        and before[-1] not in ("The", "A", "An", "This", "Its", "UN", "U.N.", "European")
    )


def _owned(before: str, hit: Mention, hits: list[Mention]) -> bool:
    """Whether another state is named in the words just before `hit` (its officials)."""
    return any(hit.start - len(before) <= h.start < hit.start for h in hits if h is not hit)


def _role(sentence: str, hit: Mention, hits: list[Mention], t: Tables) -> str:
    """Does a country form stand for its state here, for a deed's doer, or for a place?"""
    after = sentence[hit.end : hit.end + 80]
    if _AGENCY_DATELINE.match(after):
        return PLACE
    if t.not_state.match(after) or _PRIVATE_BODY.match(after):
        return NOT_STATE
    if hit.kind == "org":
        return ACTOR
    if after[:1] in "-–" and after[1:2].isupper():
        # "U.S.-Japan trade friction": the first of a pair plays the second's part
        for other in hits:
            if other.start == hit.end + 1:
                return _role(sentence, other, hits, t)
    before = sentence[max(0, hit.start - 30) : hit.start]
    if PARTY_FROM.search(before) and hit.kind not in ("city", "region"):
        return ACTOR  # "representatives from Nigeria": the state they come for
    if (
        hit.kind == "name"
        and _RULERS_IN.search(before)
        and not _owned(before, hit, hits)
        and not after.startswith(("'s", "’s"))  # "leaders in Russia's backyard"
    ):
        return ACTOR  # "government officials in Ethiopia blamed": no other state's officials
    if hit.kind in ("city", "region") or _POSTED_IN.search(before):
        return PLACE  # a city; "the Chinese embassy in Manila": where it is, not who acts
    if hit.kind == "capital" and _TRAVELLED_TO.search(before):
        return PLACE  # "flew to Washington for talks with": where the traveller went
    if hit.kind == "demonym" and _CAPITAL_AFTER.match(after):
        return PLACE  # "arrived in the Soviet capital"
    if t.actor_noun.match(after) or _SAYS.match(after):
        return ACTOR
    if t.deed.match(after):
        return DEED
    if hit.kind == "demonym":
        # "the Iranian and Turkish delegations": the first demonym shares the second's noun.
        pair = re.match(r"\s*(?:,|and|or)\s+", after)
        if pair:
            for other in hits:
                if other.start == hit.end + pair.end() and other.kind == "demonym":
                    return _role(sentence, other, hits, t)
        return OTHER
    if t.place_before.search(before) or t.victim_before.search(sentence[: hit.start][-80:]):
        return PLACE
    return ACTOR


def _titled(sentence: str, hits: list[Mention], story: Story, t: Tables) -> list[Mention]:
    """Officials built around titles, each linked to its country and name when given."""
    out: list[Mention] = []
    if not (t.title_cues & words_of(sentence)):
        return out
    for match in t.title_pattern.finditer(sentence):
        title = t.titles[" ".join(match.group().casefold().split())]
        start, end, side = match.start(), match.end(), None
        before = [k for k, hit in enumerate(hits) if hit.end <= start]
        k = before[-1] if before else -1
        if k >= 0 and _ACCREDITED.fullmatch(sentence[hits[k].start : end]):
            del hits[k]  # "U.N. diplomats": states' diplomats at the body, not the body
            continue
        if (
            k >= 0
            and hits[k].kind != "city"
            and _TITLE_GAP.fullmatch(sentence[hits[k].end : start])
        ):
            hit = hits[k]
            side, start = hit.side, hit.start
            hit.role = "linked"
            # "China's U.N. Representative", "Greek U.N. envoy": the state whose envoy to
            # the body it is
            owner = hits[k - 1] if k and hit.kind == "org" else None
            gap = sentence[owner.end : hit.start] if owner is not None else ""
            if owner is not None and (
                _POSSESSIVE.fullmatch(gap) or (owner.kind == "demonym" and gap == " ")
            ):
                side, start = owner.side, owner.start
                owner.role = "linked"
        off_duty = _off_duty(sentence, start, hits[k].end if start < match.start() else start,
                             match.start(), t)  # fmt: skip
        if off_duty is not None:
            side, start = None, off_duty
        elif side is None:
            of = (_COUNTERPART_OF if title == "counterpart" else _TITLE_OF).match(sentence, end)
            if of:
                nxt = next((h for h in hits if h.start == of.end()), None)
                if nxt is not None and nxt.kind not in ("city", "region"):
                    side, end = nxt.side, nxt.end
                    nxt.role = "linked"
                    if match.group().endswith("s"):  # "the leaders of Germany, France and Spain"
                        out.extend(_fellow_officials(sentence, nxt, hits, title))
        person = name_after(sentence, end, title, side, story, t)
        if person is not None and any(
            h.start >= end and sentence[h.start : h.end] in person.name for h in hits
        ):
            person = None  # "the leaders of Japan, South Korea and China": no one's name
        if person is not None:
            last = person.name.split()[-1]
            at = sentence.find(last, end)
            end = at + len(last) if at >= 0 else end
        else:
            person = name_before(sentence, start, title, side, story, t)
            if person is not None:
                start = max(0, sentence.rfind(person.name.split()[0], 0, start))
        if off_duty is not None:  # "former President Bush", "Brazilian business leaders"
            out.append(Mention(start, end, "", NOT_STATE, "title"))
            continue
        if person is not None:
            side = side or person.side or story.officeholder(person.name)
            side = side or _one_country_title(sentence, start, match.end(), t)
            person.side = person.side or side
        if side is None and person is None:
            continue
        counterpart = title == "counterpart"
        if counterpart and person is not None and person.title == "counterpart":
            person.title = None
        mention = Mention(
            start, max(end, start + 1), side or "", ACTOR, "title", person,
            None if counterpart else title, counterpart,
        )  # fmt: skip
        out.append(mention)
    return [m for m in out if m.side or m.role == NOT_STATE]


_LIST_GAP = re.compile(r"\s*(?:,|and|,\s*and)\s+(?:the\s+)?")


def _fellow_officials(
    sentence: str, first: Mention, hits: list[Mention], title: str
) -> list[Mention]:
    """The states listed after a plural title's first one hold it too ("the foreign
    ministers of Iran, Iraq and Syria"): each an official of its own state."""
    fellows, last = [], first
    for hit in hits:
        if hit.start <= last.start or hit.kind in ("city", "region"):
            continue
        if not _LIST_GAP.fullmatch(sentence, last.end, hit.start):
            break
        hit.role = "linked"
        fellows.append(Mention(hit.start, hit.end, hit.side, ACTOR, "title", None, title))
        last = hit
    return fellows


def _one_country_title(sentence: str, start: int, end: int, t: Tables) -> str | None:
    """The state of an office only one state has ("Senate Majority Leader Mitch McConnell",
    "Chancellor of the Exchequer Nigel Lawson"), named without the state ([title_countries])."""
    found = t.title_country.search(sentence, max(0, start - 40), end)
    return t.title_countries[" ".join(found.group().casefold().split())] if found else None


def _off_duty(sentence: str, start: int, gap: int, title_start: int, t: Tables) -> int | None:
    """Where a title that names no one acting for a state begins: a former or retired
    holder ("Former Mossad chief", "ex-President"), or a private body's leader ("Brazilian
    business leaders", the words from `gap` to the title) -- the guidelines code neither."""
    former = _FORMER.search(sentence, max(0, start - 12), title_start)
    if former is not None:
        return min(start, former.start())
    return start if t.not_state.search(sentence, gap, title_start) else None


def _possessed_name(
    sentence: str, hit: Mention, story: Story, t: Tables
) -> tuple[Person, int] | None:
    """ "Germany's Merkel", "Iran's Zarif": a country's possessive right before a name."""
    if hit.kind in ("city", "region", "demonym"):
        return None
    match = re.match(r"'s?\s+", sentence[hit.end : hit.end + 4])
    if not match:
        return None
    name = NAME.match(sentence, hit.end + match.end())
    if not name or not is_name(name.group(), t) or t.actor_noun.match(" " + name.group()):
        return None
    if next(iter(countries.mentions(name.group())), None) is not None:
        return None  # "Iran's Kerman": a place of the country, not a person
    cleaned = clean_name(before_country(name.group()))
    known = story.find(cleaned)
    if known is None and len(cleaned.split()) > 1:
        return None  # "Iran's Revolutionary Guards": a body, not a person
    person = story.register(Person(cleaned, hit.side, known.title if known else None))
    return person, name.start() + len(cleaned)


def _known_people(
    sentence: str,
    taken: list[tuple[int, int]],
    story: Story,
    pending: tuple[str, str] | None = None,
) -> list[Mention]:
    """Names the story has introduced with a side ("Colonna" after "Catherine Colonna"), or
    that the table of officeholders knows, or -- the wire's habit -- the official whom the
    previous sentence named by title alone ("Australia's trade minister is optimistic ...
    Michael Duffy said ...")."""
    out = []
    for match in NAME.finditer(sentence):
        if any(s <= match.start() < e for s, e in taken):
            continue
        words = clean_name(match.group()).split()
        while words and words[0] in STOP_NAMES:
            words = words[1:]
        if not words or sum(ch.isalpha() for ch in " ".join(words)) < 3:
            continue
        name = " ".join(words)
        person = story.find(name)
        if person is None:
            side, title = story.officeholder(name), None
            if side is not None and story.someone_else(name):
                side = None
            if (
                side is None
                and pending
                and match.start() == 0
                and _speaks_next(sentence, match.end())
            ):
                side, title = pending
            if side is None:
                continue
            person = story.register(Person(name, side, title))
        if not person.side:
            person.side = story.officeholder(person.name) or story.officeholder(name)
        if not person.side:
            continue
        out.append(Mention(match.start(), match.end(), person.side, ACTOR, "person", person))
    return out


def _speaks_next(sentence: str, end: int) -> bool:
    """Whether a speech verb ([evaluations] speech) follows: "Michael Duffy said ..."."""
    gap = re.match(r"\s+", sentence[end : end + 4])
    return gap is not None and tables().speech_pattern.match(sentence, end + gap.end()) is not None
