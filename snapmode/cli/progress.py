"""Live crawl and indexing figures on the console."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from snapmode.runner.local import CrawlStats, IndexStats

Stats = TypeVar("Stats")
TOP_HOSTS = 5


def _index_table(stats: IndexStats) -> Table:
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


def _crawl_view(stats: CrawlStats) -> Group:
    figures = Table(title="SnapMode crawl", title_justify="left")
    for column in ("pages", "pages/s", "waiting", "products", "images queued", "errors"):
        figures.add_column(column, justify="right")
    figures.add_row(
        str(stats.pages_fetched),
        f"{stats.pages_per_second:.1f}",
        str(stats.pages_outstanding),
        str(stats.products),
        str(stats.images_queued),
        str(sum(stats.errors.values())),
    )
    figures.caption = f"{stats.seconds:.0f} s"
    details = Table.grid(padding=(0, 4))
    details.add_column()
    details.add_column()
    errors = Table("error kind", "URLs", box=None)
    for kind, count in sorted(stats.errors.items(), key=lambda item: -item[1]):
        errors.add_row(kind, str(count))
    hosts = Table("host", "queued", box=None)
    for host, count in list(stats.queued_by_host.items())[:TOP_HOSTS]:
        hosts.add_row(host, str(count))
    details.add_row(errors, hosts)
    return Group(figures, details)


@contextmanager
def _live(console: Console, render: Callable[[Stats], object]) -> Iterator[Callable[[Stats], None]]:
    """Yields a callback that redraws the figures (on a terminal live; elsewhere the last view once)."""
    with Live(console=console, refresh_per_second=2, transient=False) as live:
        yield lambda stats: live.update(render(stats))


def live_stats(console: Console) -> AbstractContextManager[Callable[[IndexStats], None]]:
    return _live(console, _index_table)


def live_crawl_stats(console: Console) -> AbstractContextManager[Callable[[CrawlStats], None]]:
    return _live(console, _crawl_view)
