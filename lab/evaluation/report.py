"""What a retrieval evaluation leaves behind: a markdown table and a picture of example queries."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from pydantic import BaseModel, ConfigDict

from lab.evaluation.compare import ModelResult
from lab.evaluation.labels import LabelledSet

EXAMPLE_RESULTS = 5
THUMB = 96
FRAME = 4
LABEL_WIDTH = 150
RELEVANT = (46, 160, 67)
NOT_RELEVANT = (215, 215, 215)
QUERY = (90, 90, 200)
INK = (20, 20, 20)


class RunSummary(BaseModel):
    """What the evaluation ran on, for the table's preamble."""

    model_config = ConfigDict(frozen=True)

    source: str  # the labels CSV
    label_column: str
    photos: int
    labels: int
    unreadable: int
    missing: dict[str, str]  # model -> why it was not evaluated


def markdown_table(results: Sequence[ModelResult], data: LabelledSet, summary: RunSummary) -> str:
    k = results[0].scores.k if results else 10
    singletons = results[0].scores.singleton_queries if results else 0
    lines = [
        f"Leave-one-out retrieval on `{summary.source}`, relevance = same `{summary.label_column}`: "
        f"{summary.photos} photos, {summary.labels} labels, {singletons} photos alone in their label "
        f"(they score 0 precision and are left out of recall). Skipped rows: {data.missing_files} without an "
        f"image file, {summary.unreadable} unreadable, {data.unlabelled} unlabelled, {data.duplicates} duplicate ids.",
        "",
        f"| model | P@1 | P@{k} | R@1 | R@{k} (any relevant in top {k}) | dim | ms/image | size MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        s = result.scores
        lines.append(
            f"| {result.name} | {s.precision_at_1:.3f} | {s.precision_at_k:.3f} | {s.recall_at_1:.3f} | "
            f"{s.recall_at_k:.3f} | {result.dim} | {result.ms_per_image:.2f} | {result.size_mb:.2f} |"
        )
    lines += [f"\nNot evaluated: **{name}**: {reason}." for name, reason in summary.missing.items()]
    return "\n".join(lines) + "\n"


def example_queries(labels: Sequence[str], count: int, seed: int = 0) -> list[int]:
    """A seeded choice of queries that have something relevant to find, in index order."""
    codes, sizes = np.unique(np.asarray(labels), return_inverse=True, return_counts=True)[1:]
    candidates = np.flatnonzero(sizes[codes] > 1)
    chosen = np.random.default_rng(seed).choice(candidates, size=min(count, len(candidates)), replace=False)
    return sorted(int(i) for i in chosen)


def _thumb(photo: Image.Image, frame: tuple[int, int, int]) -> Image.Image:
    inner = photo.convert("RGB")
    inner.thumbnail((THUMB - 2 * FRAME, THUMB - 2 * FRAME))
    cell = Image.new("RGB", (THUMB, THUMB), frame)
    white = Image.new("RGB", (THUMB - 2 * FRAME, THUMB - 2 * FRAME), (255, 255, 255))
    white.paste(inner, ((white.width - inner.width) // 2, (white.height - inner.height) // 2))
    cell.paste(white, (FRAME, FRAME))
    return cell


def examples_image(
    results: Sequence[ModelResult],
    photos: Sequence[Image.Image],
    names: Sequence[str],
    labels: Sequence[str],
    queries: Sequence[int],
) -> Image.Image:
    """For each query (framed blue): one row per model of its top results, relevant ones framed green."""
    font = ImageFont.load_default(size=14)
    shown = min(EXAMPLE_RESULTS, results[0].scores.k) if results else 0
    width = LABEL_WIDTH + THUMB * (shown + 1) + 12
    block = 24 + THUMB * max(1, len(results))
    canvas = Image.new("RGB", (width, block * len(queries) + 4), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for q, query in enumerate(queries):
        top = q * block
        draw.text((4, top + 4), f"query {names[query]} ({labels[query]})", fill=INK, font=font)
        canvas.paste(_thumb(photos[query], QUERY), (4, top + 24))
        for row, result in enumerate(results):
            y = top + 24 + row * THUMB
            draw.text((THUMB + 12, y + THUMB // 2 - 8), result.name, fill=INK, font=font)
            for col, hit in enumerate(result.ranked[query][:shown]):
                frame = RELEVANT if labels[hit] == labels[query] else NOT_RELEVANT
                canvas.paste(_thumb(photos[hit], frame), (LABEL_WIDTH + THUMB + 8 + col * THUMB, y))
        if q:
            draw.line([(0, top), (width, top)], fill=(120, 120, 120), width=2)
    return canvas
