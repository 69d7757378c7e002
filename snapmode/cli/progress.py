"""Live crawl and indexing figures on the console."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.live import Live
from rich.table import Table

from snapmode.runner.local import IndexStats


def _table(stats: IndexStats) -> Table:
    seconds = max(stats.seconds, 1e-6)
    table = Table(title="SnapMode indexing", title_justify="left", show_header=True)
    for column in ("", "done", "waiting", "errors", "rate"):
        table.add_column(column, justify="right")
    table.add_row("pages", str(stats.pages_fetched), str(stats.pages_outstanding), str(stats.page_errors),
                  f"{stats.pages_fetched / seconds:.1f}/s")
    table.add_row("products", str(stats.products), "", "", f"{stats.products / seconds:.1f}/s")
    table.add_row("images", str(stats.images), str(stats.images_queued), str(stats.images_rejected),
                  f"{stats.images / seconds:.1f}/s")
    table.add_row("vectors", str(stats.vectors), "", "", f"{stats.vectors / seconds:.1f}/s")
    table.caption = f"{stats.seconds:.0f} s"
    return table


@contextmanager
def live_stats(console: Console) -> Iterator:
    """Yields a callback that redraws the figures (on a terminal live; elsewhere the last table once)."""
    with Live(console=console, refresh_per_second=2, transient=False) as live:
        yield lambda stats: live.update(_table(stats))
