"""The shipped data tables (config/*.toml) and the one function that reads them.

Every module of summaries/ and bot/ that needs a table calls `load_table`; none parses a
TOML file of its own, so where the tables live and how they are read is decided here once.
It holds no data itself and imports nothing of the project.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any


def load_table(name: str) -> dict[str, Any]:
    """The parsed config/`name`.toml shipped with the package ("countries", "cleaning" ...).

    Parsed afresh on each call, so a caller may change what it gets; callers that read a
    table often cache what they build from it.
    """
    return tomllib.loads(resources.files("config").joinpath(f"{name}.toml").read_text("utf-8"))
