"""What the CLI shows a person at a terminal: progress bars and tables (rich).

Progress goes to stderr and only when stderr is a terminal, so piped output and --json stay
clean for scripts.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from summaries.pipeline import FileOutcome, IngestReport

out = Console()
err = Console(stderr=True)


class Progress:
    """A progress bar over `total` items that is silent when nobody is watching."""

    def __init__(self, total: int, enabled: bool = True, label: str = "Ingesting") -> None:
        self.enabled = enabled and err.is_terminal and total > 1
        self._bar = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        self._task = self._bar.add_task(label, total=total)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self._bar.stop()

    def advance(self, outcome: FileOutcome | None = None) -> None:
        if self.enabled:
            self._bar.advance(self._task)


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    caption: str | None = None,
) -> None:
    table = Table(title=title, caption=caption)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
    out.print(table)


def print_ingest_report(report: IngestReport, total_articles: int) -> None:
    """One line per skipped file (name and reason), then the counts."""
    for skipped in report.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
    print(
        f"{report.count('new')} new, {report.count('duplicate')} duplicate, "
        f"{report.count('skipped')} skipped; {total_articles} articles in the store"
    )
