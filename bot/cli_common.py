"""What every `diplobot` subcommand module shares: exit codes and opening the database.

Exit status: 0 when everything worked, 1 when some input was skipped or a run stopped on an
error, 2 for a usage or configuration mistake. One definition, so the modules cannot drift.
"""

from __future__ import annotations

import argparse

from summaries.store import Store, default_db_path

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2


def open_store(args: argparse.Namespace) -> Store:
    """The database `--db` names, or the default one."""
    return Store(args.db or default_db_path())
