"""Telegram's flood limits and injected faults, for the Bot API test double (bot/fakeapi/).

Two small, pure parts that FakeTelegram consults before it performs a sending method:

- `FloodLimiter` enforces `Limits` — about 30 messages a second overall, 1 a second per
  chat, 20 a minute per group — with sliding windows over an injected monotonic clock, and
  says how long a refused sender must wait (Telegram's `retry_after`, whole seconds).
- `FaultInjector` draws, from a seeded `random.Random`, which requests meet a `Fault`
  (5xx, 429, a dropped connection, a slow answer), so a run with the same seed and the same
  requests meets the same faults.

Both keep counters a test or a benchmark can read. Neither knows HTTP or sleeps: the clock is
a callable (`time.monotonic` by default) a test replaces with a fake one, and the double
turns a decision into an answer. Nothing here may read the wall clock behind the caller's
back or use the global random generator, or runs would stop being repeatable.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

Clock = Callable[[], float]

# Float noise must not turn "waited exactly retry_after" into a refusal.
_EPSILON = 1e-9


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits; off unless `enabled`, so ordinary tests never meet them.

    The defaults are Telegram's published figures, applied strictly (no burst), so a sender
    that ignores them gets 429s: `per_second` messages a second over all chats,
    `per_chat_burst` messages per `per_chat_burst * per_chat_interval_s` seconds in any one
    chat (1 a second by default; Telegram tolerates short bursts, raise the burst to mimic
    that), and `per_group_per_minute` messages a minute in a group or supergroup.
    """

    enabled: bool = False
    per_second: int = 30
    per_chat_interval_s: float = 1.0
    per_chat_burst: int = 1
    per_group_per_minute: int = 20

    def __post_init__(self) -> None:
        if self.per_second < 1 or self.per_chat_burst < 1 or self.per_group_per_minute < 1:
            raise ValueError("per_second, per_chat_burst and per_group_per_minute must be >= 1")
        if self.per_chat_interval_s < 0:
            raise ValueError("per_chat_interval_s must be >= 0")


FAULT_KINDS = ("server_error", "too_many_requests", "drop", "lost_answer", "slow")


@dataclass(frozen=True)
class Faults:
    """Shares (0..1) of sending requests that meet each kind of fault; all 0 by default.

    - `server_error`: answered 500 or 502 (even odds); the message is not delivered.
    - `too_many_requests`: answered 429 with `retry_after_s`; not delivered.
    - `drop`: the connection is closed without an answer; not delivered.
    - `lost_answer`: delivered, then the connection is closed before the answer — the case
      where a sender cannot know, and a retry makes a duplicate.
    - `slow`: delivered, answered after `slow_delay_s` seconds.

    The shares add up to at most 1; each request meets at most one fault. `seed` seeds the
    draw, so the same requests in the same order meet the same faults.
    """

    server_error: float = 0.0
    too_many_requests: float = 0.0
    drop: float = 0.0
    lost_answer: float = 0.0
    slow: float = 0.0
    slow_delay_s: float = 1.0
    retry_after_s: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        shares = [getattr(self, kind) for kind in FAULT_KINDS]
        if any(not 0.0 <= share <= 1.0 for share in shares):
            raise ValueError(f"fault shares must be between 0 and 1, got {shares}")
        if sum(shares) > 1.0 + _EPSILON:
            raise ValueError(f"fault shares add up to {sum(shares)}, more than 1")
        if self.slow_delay_s < 0 or self.retry_after_s < 1:
            raise ValueError("slow_delay_s must be >= 0 and retry_after_s >= 1")

    @property
    def active(self) -> bool:
        return any(getattr(self, kind) > 0 for kind in FAULT_KINDS)


_Config = TypeVar("_Config", Limits, Faults)


def updated(config: _Config, changes: Mapping[str, Any]) -> _Config:
    """`config` with `changes` applied, converting strings ("true", "0.1") from a query string.

    Unknown names are a ValueError that lists the known ones, so a typo is not ignored.
    """
    fields = {f.name: f for f in dataclasses.fields(config)}
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise ValueError(f"unknown setting(s) {unknown}; known: {sorted(fields)}")
    converted = {name: _coerce(name, fields[name].type, value) for name, value in changes.items()}
    return dataclasses.replace(config, **converted)


def _coerce(name: str, type_name: Any, value: Any) -> Any:
    kind = str(type_name)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise ValueError(f"{name} must be true or false, got {value!r}")
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if kind == "int":
        number = float(value)
        if not number.is_integer():
            raise ValueError(f"{name} must be a whole number, got {value!r}")
        return int(number)
    return float(value)


# --------------------------------------------------------------------------- flood control


class SlidingWindow:
    """At most `limit` events in any `window_s` seconds: the log of the last `limit` events."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._times: deque[float] = deque(maxlen=limit)

    def wait(self, now: float) -> float:
        """Seconds until one more event fits (0 when it fits now)."""
        if len(self._times) < self.limit:
            return 0.0
        remaining = self._times[0] + self.window_s - now
        return remaining if remaining > _EPSILON else 0.0

    def add(self, now: float) -> None:
        self._times.append(now)


@dataclass
class FloodStats:
    """What flood control did: accepted and refused sends, and the accepted rate."""

    accepted: int = 0
    throttled: int = 0
    """429s given by flood control (injected 429s are counted by the FaultInjector)."""
    throttled_by: Counter[str] = field(default_factory=Counter)
    """Refusals by the limit that was hit: "overall", "chat" or "group"."""
    first_accepted_at: float | None = None
    last_accepted_at: float | None = None

    @property
    def accepted_per_s(self) -> float:
        """Sustained accepted rate: sends after the first over the time since the first."""
        if self.first_accepted_at is None or self.last_accepted_at is None:
            return 0.0
        span = self.last_accepted_at - self.first_accepted_at
        return (self.accepted - 1) / span if span > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "throttled": self.throttled,
            "throttled_by": dict(self.throttled_by),
            "accepted_per_s": self.accepted_per_s,
        }


class FloodLimiter:
    """Decides whether a send may go now; `acquire` answers 0 (go) or `retry_after` seconds.

    A refused send takes no slot, so a sender that waits `retry_after` and tries again gets
    through (unless others used the slot meanwhile, as on Telegram).
    """

    def __init__(self, limits: Limits | None = None, *, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.stats = FloodStats()
        self.configure(limits or Limits())

    def configure(self, limits: Limits) -> None:
        """New limits; windows restart, counters carry on."""
        self.limits = limits
        self._overall = SlidingWindow(limits.per_second, 1.0)
        self._chats: dict[Hashable, SlidingWindow] = {}
        self._groups: dict[Hashable, SlidingWindow] = {}

    def acquire(self, chat: Hashable, *, group: bool = False) -> int:
        """Take a slot for one message to `chat`; 0 when allowed, else whole seconds to wait.

        `group` applies the per-group limit too (groups and supergroups on Telegram).
        """
        if not self.limits.enabled:
            return 0
        now = self.clock()
        windows = {"overall": self._overall, "chat": self._chat_window(chat)}
        if group:
            windows["group"] = self._group_window(chat)
        waits = {name: window.wait(now) for name, window in windows.items()}
        worst = max(waits, key=lambda name: waits[name])
        if waits[worst] > 0:
            self.stats.throttled += 1
            self.stats.throttled_by[worst] += 1
            return max(1, math.ceil(waits[worst] - _EPSILON))
        for window in windows.values():
            window.add(now)
        self.stats.accepted += 1
        if self.stats.first_accepted_at is None:
            self.stats.first_accepted_at = now
        self.stats.last_accepted_at = now
        return 0

    def _chat_window(self, chat: Hashable) -> SlidingWindow:
        window = self._chats.get(chat)
        if window is None:
            burst = self.limits.per_chat_burst
            window = SlidingWindow(burst, burst * self.limits.per_chat_interval_s)
            self._chats[chat] = window
        return window

    def _group_window(self, chat: Hashable) -> SlidingWindow:
        window = self._groups.get(chat)
        if window is None:
            window = SlidingWindow(self.limits.per_group_per_minute, 60.0)
            self._groups[chat] = window
        return window


# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class Fault:
    """One injected fault: its kind, and the status, retry_after or delay it comes with."""

    kind: str
    status: int | None = None
    retry_after: int | None = None
    delay_s: float = 0.0

    @property
    def delivers(self) -> bool:
        """Whether the message still reaches the chat despite the fault."""
        return self.kind in ("lost_answer", "slow")


class FaultInjector:
    """Draws the fault (or None) each sending request meets, repeatably from `Faults.seed`."""

    def __init__(self, faults: Faults | None = None) -> None:
        self.injected: Counter[str] = Counter({kind: 0 for kind in FAULT_KINDS})
        self.configure(faults or Faults())

    def configure(self, faults: Faults) -> None:
        """New shares; the random generator restarts from the seed, counters carry on."""
        self.faults = faults
        self._random = random.Random(faults.seed)

    def draw(self) -> Fault | None:
        """The fault this request meets; with no shares set no random number is used."""
        faults = self.faults
        if not faults.active:
            return None
        roll = self._random.random()
        for kind in FAULT_KINDS:
            share = getattr(faults, kind)
            if roll < share:
                self.injected[kind] += 1
                return self._fault(kind)
            roll -= share
        return None

    def _fault(self, kind: str) -> Fault:
        if kind == "server_error":
            return Fault(kind, status=self._random.choice((500, 502)))
        if kind == "too_many_requests":
            return Fault(kind, status=429, retry_after=self.faults.retry_after_s)
        if kind == "slow":
            return Fault(kind, delay_s=self.faults.slow_delay_s)
        return Fault(kind)

    def as_dict(self) -> dict[str, int]:
        return dict(self.injected)
