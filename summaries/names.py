"""One spelling per person: the name shown for everyone whose reports spell it differently.

Outlets transliterate names their own way ("Amirabdollahian", "Amir-Abdollahian", "Amir
Abdollahian"; "Raisi", "Raeisi"), and a later report may give the surname alone. Headlines
must name one person one way, so every spelling the store holds is grouped by the event
extractor's spelling-tolerant keys (summaries.events.model) and each group is shown by its
most frequent full spelling (ties: the alphabetically first, so the choice is stable).

A short form ("Raisi") joins a full name ("Ebrahim Raisi") only when exactly one full name
in the store ends with it (or, for names written surname first such as "Xi Jinping",
starts with it); when two people share a surname it is left as reported.

Plain data in and out, linear in the number of distinct spellings: nothing here reads the
store or a table.
"""

from __future__ import annotations

from collections.abc import Mapping

from summaries.events.model import token_keys


def canonical_spellings(counts: Mapping[str, int]) -> dict[str, str]:
    """Each spelling -> the spelling shown for that person; `counts` is how many reports
    use each spelling."""
    keyed = {name: token_keys(name) for name in counts}
    keyed = {name: keys for name, keys in keyed.items() if keys}
    # Longest keys first, so every short form meets the full names it may belong to.
    ordered = sorted(keyed, key=lambda n: (-len("".join(keyed[n])), -counts[n], n))
    groups: dict[str, list[str]] = {}  # a full name's joined key -> its spellings
    short_forms: dict[str, set[str]] = {}  # a short form's joined key -> full keys
    for name in ordered:
        keys = keyed[name]
        joined = "".join(keys)
        if joined in groups:
            groups[joined].append(name)
            continue
        owners = short_forms.get(joined, set())
        if len(owners) == 1:
            groups[next(iter(owners))].append(name)
            continue
        groups[joined] = [name]
        for form in _short_forms(keys):
            short_forms.setdefault(form, set()).add(joined)
    result: dict[str, str] = {}
    for joined, names in groups.items():
        full = [n for n in names if "".join(keyed[n]) == joined]
        shown = min(full, key=lambda n: (-counts[n], n))
        result.update(dict.fromkeys(names, shown))
    return result


def _short_forms(keys: list[str]) -> list[str]:
    """The keys under which a shorter mention of this name is looked up: each ending of it
    ("Abdollahian", "Amir Abdollahian"), and its first word for names of two or three
    words (surname-first names: "Xi" of "Xi Jinping"), as `same_person` accepts them."""
    forms = ["".join(keys[i:]) for i in range(1, len(keys))]
    if len(keys) in (2, 3):
        forms.append(keys[0])
    return forms
