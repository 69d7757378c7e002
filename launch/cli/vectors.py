"""`snapmode vectors`: the compact vector store's index rebuilt, and an older index migrated into it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from snapmode.config import Settings

vectors_app = typer.Typer(help="Rebuild or migrate the vector index (docs/operations.md).", no_args_is_help=True)
err = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), console=err,
    )  # fmt: skip


def _require_compact(settings: Settings) -> None:
    if settings.vectors != "compact":
        err.print(f"[red]the vector store is {settings.vectors!r}: these commands work on the compact store")
        raise typer.Exit(2)


@vectors_app.command("rebuild")
def rebuild() -> None:
    """Build the vector index again from the stored regions (no photos, no models): after a change of
    `compact_vectors.index_dims` or `nlist`, or when the index file is lost or damaged. Run it with the API and
    workers stopped; interrupted, run it again. On a Milvus server it then waits until the server has built the
    index's lists (searches work meanwhile, more slowly)."""
    settings = Settings()
    _require_compact(settings)
    typer.echo(json.dumps({"regions": _rebuild(settings)}))


def _rebuild(settings: Settings) -> int:
    """The compact store's index built again from its stored regions, with progress: the regions indexed."""
    from snapmode.backends.registry import open_compact_store

    store = open_compact_store(settings, rebuilding=True)
    try:
        with _progress() as progress:
            task = progress.add_task("rebuilding the vector index", total=None)
            regions = store.rebuild(lambda done, total: progress.update(task, completed=done, total=total))
            lists = progress.add_task("building the index's lists", total=None)
            store.wait_for_lists(lambda built, total: progress.update(lists, completed=built, total=total))
    finally:
        store.close()
    return regions


@vectors_app.command("migrate")
def migrate(
    drop_source: Annotated[
        bool, typer.Option(help="Delete the 8192-d collection once every region of it is in the compact store")
    ] = False,
) -> None:
    """Bring an index written by an earlier release into this one, without recrawling or embedding: stored regions
    of an earlier layout are converted, the index rebuilt where it names them otherwise than this release, and an
    index of 8192-d vectors (`vectors = milvus`) is moved into the compact store. Run it with the API and workers
    stopped; interrupted, run it again: it goes on where it stopped (a rebuild starts again)."""
    from snapmode.backends.registry import open_compact_store
    from snapmode.backends.vectors.compact_store import index_outdated
    from snapmode.backends.vectors.migration import Migration
    from snapmode.backends.vectors.migration import migrate as migrate_regions
    from snapmode.backends.vectors.milvus import MilvusVectorStore, has_collection
    from snapmode.backends.vectors.payloads import convert, in_earlier_layout

    settings = Settings()
    _require_compact(settings)
    converted = 0
    if in_earlier_layout(settings.compact_payloads_path):
        with _progress() as progress:
            task = progress.add_task("converting stored regions", total=None)
            converted = convert(
                settings.compact_payloads_path, lambda n, total: progress.update(task, completed=n, total=total)
            )
    rebuilt = _rebuild(settings) if index_outdated(settings.compact_payloads_path) else 0
    done = Migration(regions=0, copied=0, already=0)
    if has_collection(settings.resolved_vectors_uri, settings.vectors_collection):
        source = MilvusVectorStore(
            settings.resolved_vectors_uri, settings.vectors_collection, nlist=settings.vectors_nlist
        )
        target = open_compact_store(settings)
        with _progress() as progress:
            task = progress.add_task("migrating regions", total=None)
            done = migrate_regions(source, target, lambda n, total: progress.update(task, completed=n, total=total))
        if drop_source and done.copied + done.already == done.regions:
            source.drop()
        target.close()
        source.close()
    typer.echo(json.dumps({"converted": converted, "rebuilt": rebuilt, **done.model_dump()}))
