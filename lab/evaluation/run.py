"""`snapmode eval retrieval`: every model over one labelled photo set, side by side (the paper's Table 1)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lab.evaluation.compare import ModelResult, compare, load_photo
from lab.evaluation.features import load_extractors
from lab.evaluation.labels import read_labels
from lab.evaluation.report import RunSummary, example_queries, examples_image, markdown_table
from snapmode.progress import RateColumn

EXAMPLES = 4


class RetrievalRun(BaseModel):
    model_config = ConfigDict(frozen=True)

    results: list[ModelResult]
    summary: RunSummary
    table: Path
    examples: Path

    def as_json(self) -> dict[str, dict]:
        """One entry per model: its figures, or why it is missing."""
        scored = {result.name: result.summary() for result in self.results}
        return scored | {name: {"missing": reason} for name, reason in self.summary.missing.items()}


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn("images"),
        TimeElapsedColumn(), console=console,
    )  # fmt: skip


def run_retrieval(
    labels_csv: Path,
    images_dir: Path,
    id_column: str,
    label_column: str,
    models: Sequence[str],
    models_dir: Path,
    out_dir: Path,
    k: int = 10,
    path_column: str | None = None,
    console: Console | None = None,
) -> RetrievalRun:
    """Raises ValueError for input that cannot be evaluated (columns, models, fewer photos than k + 1)."""
    data = read_labels(labels_csv, images_dir, id_column, label_column, path_column)
    extractors, missing = load_extractors(models, models_dir)
    if not extractors:
        raise ValueError(f"no model could be loaded: {'; '.join(missing.values())}")
    if len(data.images) <= k:
        raise ValueError(f"{len(data.images)} photos found for {labels_csv}: need more than k = {k}")
    with _progress(console) as progress, ThreadPoolExecutor() as pool:
        task = progress.add_task("loading photos", total=len(data.images))
        loaded = []
        for item, photo in zip(data.images, pool.map(load_photo, data.images), strict=True):
            loaded.append((item, photo))
            progress.advance(task)
        readable = [(item, photo) for item, photo in loaded if photo is not None]
        if len(readable) <= k:
            raise ValueError(f"{len(readable)} readable photos: need more than k = {k}")
        photos, labels = [photo for _, photo in readable], [item.label for item, _ in readable]
        names = [item.id for item, _ in readable]
        tasks = {e.name: progress.add_task(f"embedding: {e.name}", total=len(photos)) for e in extractors}
        results = compare(extractors, photos, labels, k, lambda name, n: progress.advance(tasks[name], n))
    summary = RunSummary(
        source=labels_csv.name,
        label_column=label_column,
        photos=len(photos),
        labels=len(set(labels)),
        unreadable=len(loaded) - len(readable),
        missing=missing,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    table, examples = out_dir / "table.md", out_dir / "examples.png"
    table.write_text(markdown_table(results, data, summary), encoding="utf-8")
    examples_image(results, photos, names, labels, example_queries(labels, EXAMPLES)).save(examples)
    return RetrievalRun(results=results, summary=summary, table=table, examples=examples)
