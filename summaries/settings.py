"""diplobot's configuration: shipped defaults, overridden by a user's TOML file.

Secrets (the bot token) never come from here: they come from the environment only, so a
config file can be shared or committed without leaking anything.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from config import load_table

# Counts where zero makes no sense (an empty summary, a reply with no article).
MINIMUMS = {
    "summary.sentences": 1,
    "bot.articles_per_reply": 1,
    "ingest.max_file_bytes": 1,
    "schedule.poll_interval_s": 60,
    "schedule.poll_check_s": 5,
    "schedule.digest_check_s": 1,
    "schedule.grace_hours": 0,
    "delivery.messages_per_second": 1,
    "delivery.max_attempts": 1,
}


class ConfigError(ValueError):
    """A configuration file or value a user has to fix; the message says where and how."""


def user_config_path() -> Path:
    env = os.environ.get("DIPLOBOT_CONFIG")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "diplobot" / "config.toml"


def defaults() -> dict[str, Any]:
    return load_table("defaults")


def load(path: str | Path | None = None) -> dict[str, Any]:
    """Defaults merged with the user's file; an explicit path that is missing is an error."""
    settings = defaults()
    explicit = path is not None
    file = Path(path) if explicit else user_config_path()
    if not file.exists():
        if explicit:
            raise ConfigError(f"config file {file} does not exist")
        return settings
    try:
        user = tomllib.loads(file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {file} is not valid TOML: {exc}") from exc
    _merge(settings, user, file, prefix="")
    return settings


def _merge(base: dict[str, Any], override: dict[str, Any], file: Path, prefix: str) -> None:
    """Overlay `override` on `base`, refusing unknown keys and values of the wrong type."""
    for key, value in override.items():
        name = f"{prefix}{key}"
        if key not in base:
            raise ConfigError(f"{file}: unknown setting '{name}'")
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{file}: '{name}' must be a table")
            _merge(current, value, file, prefix=f"{name}.")
            continue
        if not _same_kind(current, value):
            raise ConfigError(f"{file}: '{name}' must be {type(current).__name__}, got {value!r}")
        minimum = MINIMUMS.get(name, 0)
        if isinstance(value, int | float) and not isinstance(value, bool) and value < minimum:
            raise ConfigError(f"{file}: '{name}' must be at least {minimum}, got {value}")
        base[key] = value


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float)
    return isinstance(value, type(default))
