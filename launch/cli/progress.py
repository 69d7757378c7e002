"""Live crawl and indexing figures on the console."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TypeVar

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from snapmode.pipeline.runs import CrawlStats, IndexStats, RetryWait

Stats = TypeVar("Stats")
TOP_HOSTS = 5
LINE_EVERY_SECONDS = 15.0  # off a terminal (a log file, a pipe): one line of figures this often


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


def _index_line(stats: IndexStats) -> str:
    return (
        f"indexing: {stats.pages_fetched} pages fetched, {stats.pages_outstanding} waiting, {stats.page_errors} failed;"
        f" {stats.products} products; {stats.images} images embedded, {stats.images_queued} queued;"
        f" {stats.vectors} vectors ({stats.seconds:.0f} s)"
    )


def _crawl_line(stats: CrawlStats) -> str:
    return (
        f"crawling: {stats.pages_fetched} pages fetched ({stats.pages_per_second:.1f}/s), {stats.pages_outstanding}"
        f" waiting, {sum(stats.errors.values())} errors; {stats.products} products; {stats.images_queued} images"
        f" queued ({stats.seconds:.0f} s)"
    )


@contextmanager
def _live(
    console: Console, render: Callable[[Stats], object], line: Callable[[Stats], str]
) -> Iterator[Callable[[Stats], None]]:
    """Yields a callback that shows the figures: on a terminal redrawn live; elsewhere (where a live view
    shows nothing until the end) as a line of text at the first call and every ``LINE_EVERY_SECONDS``,
    then the last view in full."""
    if console.is_terminal:
        with Live(console=console, refresh_per_second=2, transient=False) as live:
            yield lambda stats: live.update(render(stats))
        return
    latest: list[Stats] = []
    printed_at = float("-inf")

    def show(stats: Stats) -> None:
        nonlocal printed_at
        latest[:] = [stats]
        if time.monotonic() - printed_at >= LINE_EVERY_SECONDS:
            printed_at = time.monotonic()
            console.print(line(stats), markup=False, highlight=False, soft_wrap=True)

    try:
        yield show
    finally:
        if latest:
            console.print(render(latest[0]))


def live_stats(console: Console) -> AbstractContextManager[Callable[[IndexStats], None]]:
    return _live(console, _index_table, _index_line)


def live_crawl_stats(console: Console) -> AbstractContextManager[Callable[[CrawlStats], None]]:
    return _live(console, _crawl_view, _crawl_line)


def report_retries(console: Console, waits: list[RetryWait], then: str) -> None:
    """Name the URLs a run left waiting for a retry (per site: how many, why, when), and what retries them."""
    if not waits:
        return
    total = sum(wait.urls for wait in waits)
    now = time.time()
    lines = [f"{total} URL{'' if total == 1 else 's'} wait for a retry that is not due yet; {then}:"]
    for wait in waits:
        kinds = ", ".join(f"{kind} {count}" for kind, count in wait.errors.items())
        lines.append(
            f"  {wait.root_url} (site {wait.site_id}): {wait.urls} URL{'' if wait.urls == 1 else 's'} ({kinds}),"
            f" next try {_when(wait.next_retry_at, now)}"
        )
    for text in lines:
        console.print(text, style="yellow", markup=False, highlight=False, soft_wrap=True)


def _when(moment: float, now: float) -> str:
    """A wall-clock time a person can read, with how far off it is: "at 14:03:12 (in 10 min)"."""
    at = datetime.fromtimestamp(moment)
    same_day = at.date() == datetime.fromtimestamp(now).date()
    clock = at.strftime("%H:%M:%S" if same_day else "%Y-%m-%d %H:%M")
    minutes = max(0, round((moment - now) / 60))
    return f"at {clock} (in {minutes} min)" if minutes < 120 else f"at {clock} (in {minutes / 60:.0f} h)"
