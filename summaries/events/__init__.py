"""Diplomatic events in one news story: who did what with whom, and when.

`extract_events(text, title=..., published=..., dateline=...)` returns the interactions a
story reports -- calls, visits, meetings, talks, agreements, messages, appeals, praise,
criticism, accusations, threats, sanctions, cancelled visits -- each an `Event` with its
CAMEO code, its sides (ISO alpha-2 countries of the story's time, or the organisation codes
of the coding guidelines), the officials who acted, the date by the guidelines' rules and
the sentences that state it. It is a pure function: no I/O, nothing downloaded; the word
tables are in config/events.toml.

The coding rules it implements are those of the hand-coded dev sets
(shared/data/events-dev/GUIDELINES.md): several events per story and per sentence, one per
act; hypothetical, negated and background acts left out; sides read clause by clause from
the way news names states (countries, demonyms, capitals and seats of power, ministries,
embassies, "his Japanese counterpart", officials named earlier in the story).

Modules, in the order the data flows:
- `tables`: config/events.toml compiled;
- `mentions`: the states, organisations and officials a sentence names, and how;
- `acts`: one sentence's triggers turned into drafts with two or more sides, read by
  `scene` (clauses, subjects), `directed` (with `implied`: the other side a clause leaves
  unnamed), `contacts` and `visits`; `wholestory` holds what the whole text tells them;
- `officials`: who held the top offices when (config/officeholders.toml);
- `when`: the date rules and what counts as background;
- `extract`: the story read sentence by sentence, drafts merged into events;
- `model`: the `Event` and `Actor` handed out, and person keys.

An official's side comes first from how the story introduces them ("Iranian Foreign
Minister Hossein Amirabdollahian"); the only list of names is the general table of heads of
state and government and foreign ministers with their terms (config/officeholders.toml),
which `diplobot eval events --no-people-table` measures without.
This package must never raise on any `str` input and never read anything but its tables.
"""

from summaries.events.extract import event_types, extract_events
from summaries.events.model import Actor, Event, person_key, same_person

__all__ = ["Actor", "Event", "event_types", "extract_events", "person_key", "same_person"]
