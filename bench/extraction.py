"""Extraction quality on saved real shop pages: per-field F1 of SnapMode's extractor and of extruct alone.

    .venv/bin/python bench/extraction.py [--pages DIR] [--chart docs/images/extraction-f1.png]

Reads DIR/truth.jsonl and DIR/pages/ID.html.gz, prints a table per split (dev, test, all) with the
published reference figures beside ours, writes the chart and prints markdown tables for the docs
(all pages, then F1 per split).
Scoring rules: lab/extract/evaluation.py; the baseline's mapping: lab/extract/extruct_baseline.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from lab.extract.evaluation import FIELDS, FieldScore, PageTruth, extract_pages, score_pages

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT / "tests" / "fixtures" / "real_pages"
DEFAULT_CHART = ROOT / "docs" / "images" / "extraction-f1.png"
# F1 published with the product-extraction benchmark (github.com/scrapinghub/product-extraction-benchmark).
PUBLISHED = {
    "commercial ML extractor": {"price": 0.918, "sku": 0.841, "availability": 0.957},
    "extruct (published)": {"price": 0.685, "sku": 0.537, "availability": 0.626},
}
Scores = dict[str, FieldScore]


def rich_table(title: str, ours: Scores, baseline: Scores) -> Table:
    table = Table(title=title)
    for column in ("field", "support", "ours P/R/F1", "extruct alone P/R/F1", *PUBLISHED):
        table.add_column(column, justify="left" if column == "field" else "right")
    for field in FIELDS:
        published = [f"{figures[field]:.3f}" if field in figures else "-" for figures in PUBLISHED.values()]
        table.add_row(field, str(ours[field].support), prf(ours[field]), prf(baseline[field]), *published)
    return table


def prf(score: FieldScore) -> str:
    return f"{score.precision:.2f} / {score.recall:.2f} / [bold]{score.f1:.3f}[/bold]"


def markdown_table(ours: Scores, baseline: Scores) -> str:
    columns = ["field", "pages with an answer", "SnapMode F1", "extruct alone F1", "published commercial F1",
               "published extruct F1"]
    lines = ["| " + " | ".join(columns) + " |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for field in FIELDS:
        commercial, extruct = (figures.get(field) for figures in PUBLISHED.values())
        measured = [f"{score.f1:.3f}" if score.support else "–" for score in (ours[field], baseline[field])]
        cells = [field, str(ours[field].support), *measured, str(commercial or "–"), str(extruct or "–")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def split_table(truths: list[PageTruth], ours: dict[str, dict[str, Any]], baseline: dict[str, dict[str, Any]]) -> str:
    """F1 per split, "SnapMode / extruct alone" in each cell, for the docs."""
    lines = ["| split | pages | " + " | ".join(FIELDS) + " |", "| --- | ---: |" + " ---: |" * len(FIELDS)]
    for name in ("dev", "test", "all"):
        subset = [truth for truth in truths if name in ("all", truth.split)]
        scored, base = score_pages(ours, subset), score_pages(baseline, subset)
        cells = [f"{scored[f].f1:.2f} / {base[f].f1:.2f}" if scored[f].support else "–" for f in FIELDS]
        lines.append(f"| {name} | {len(subset)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_chart(path: Path, ours: Scores, baseline: Scores, pages: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = {
        "SnapMode": [ours[field].f1 for field in FIELDS],
        "extruct alone": [baseline[field].f1 for field in FIELDS],
        "published commercial": [PUBLISHED["commercial ML extractor"].get(field, 0.0) for field in FIELDS],
    }
    width = 0.27
    figure, axes = plt.subplots(figsize=(9, 4), dpi=120)
    for index, (label, values) in enumerate(series.items()):
        axes.bar([x + (index - 1) * width for x in range(len(FIELDS))], values, width, label=label)
    axes.set_xticks(range(len(FIELDS)), FIELDS)
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("F1")
    axes.set_title(f"Extraction F1 on {pages} saved real shop pages (commercial: published, price/sku/availability)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=len(series), fontsize="small", frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder with truth.jsonl and pages/")
    parser.add_argument("--chart", type=Path, default=DEFAULT_CHART, help="where the PNG goes")
    args = parser.parse_args()
    truths, ours, baseline = extract_pages(args.pages)
    console = Console()
    splits = {"dev": [t for t in truths if t.split == "dev"], "test": [t for t in truths if t.split == "test"]}
    for name, subset in [*splits.items(), ("all", truths)]:
        sites = len({truth.site for truth in subset})
        title = f"{name}: {len(subset)} pages, {sites} sites"
        console.print(rich_table(title, score_pages(ours, subset), score_pages(baseline, subset)))
    all_ours, all_baseline = score_pages(ours, truths), score_pages(baseline, truths)
    write_chart(args.chart, all_ours, all_baseline, len(truths))
    console.print(f"chart: {args.chart}")
    print(markdown_table(all_ours, all_baseline))
    print()
    print(split_table(truths, ours, baseline))


if __name__ == "__main__":
    main()
