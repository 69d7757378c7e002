"""The search's ranking weights (``search.colour_weight``, ``article_type_weight``, ``detail_discount``) against
both retrieval goals.

Embeds the Myntra evaluation photos and the Luma same-item photos once, with everything the search ranks by
(``snapmode.similarity``: the shipped DCGAN, detail views, colour signatures, the article-type head), then
scores both with `snapmode eval retrieval`'s code while one weight moves and the others keep their defaults.
Prints a markdown table per weight and plots Myntra articleType P@10 and Luma same-item R@10 against each.

    .venv/bin/python scripts/ranking_weights_sweep.py [--models models] [--myntra CSV] [--luma CSV] [--out PNG]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from lab.datasets import EVAL_DIR, LUMA_GOAL, MYNTRA_GOAL, add_evaluation_set_arguments
from lab.evaluation.compare import load_photo
from lab.evaluation.features import ARTICLE_TYPES_WEIGHTS, DCGAN_WEIGHTS, DcganSearchFeatures
from lab.evaluation.figures import save as save_figure
from lab.evaluation.labels import read_labels
from lab.evaluation.retrieval import RetrievalScores, evaluate
from snapmode.config import REPO_ROOT, SearchSettings
from snapmode.similarity import PhotoSignals

SWEEPS = {
    "colour_weight": (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8),
    "article_type_weight": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4),
    "detail_discount": (0.0, 0.025, 0.05, 0.1, 0.15, 0.3),
}


class EmbeddedSet:
    """One labelled photo set with everything the ranking reads, embedded once."""

    def __init__(self, model: DcganSearchFeatures, labels_csv: Path, images: Path, column: str) -> None:
        data = read_labels(labels_csv, images, "id", column, None)
        readable = [(item.label, photo) for item in data.images if (photo := load_photo(item)) is not None]
        self.labels = [label for label, _ in readable]
        photos = [photo for _, photo in readable]
        self.vectors: np.ndarray = model.embed(photos)
        self.signals: PhotoSignals = model.signals(photos)

    def score(self, weights: SearchSettings) -> RetrievalScores:
        return evaluate(self.vectors, self.labels, 10, self.signals, weights)[0]


def sweep(myntra: EmbeddedSet, luma: EmbeddedSet, name: str, values: tuple[float, ...]):
    """(Myntra scores, Luma scores) at each value of the setting ``name``, the others at their defaults."""
    runs = [SearchSettings(**{name: value}) for value in values]
    return [myntra.score(weights) for weights in runs], [luma.score(weights) for weights in runs]


def plot(results: dict[str, tuple[list[RetrievalScores], list[RetrievalScores]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    defaults = SearchSettings()
    figure, panels = plt.subplots(1, len(results), figsize=(4.2 * len(results), 4.0), sharey=True)
    for axes, (name, (myntra, luma)) in zip(panels, results.items(), strict=True):
        values = SWEEPS[name]
        axes.plot(values, [s.precision_at_k for s in myntra], marker="o", label="Myntra articleType P@10")
        axes.plot(values, [s.recall_at_k for s in luma], marker="o", label="Luma same-item R@10")
        for goal, colour in ((MYNTRA_GOAL, "tab:blue"), (LUMA_GOAL, "tab:orange")):
            axes.axhline(goal, color=colour, linestyle="--", linewidth=1)
        axes.axvline(getattr(defaults, name), color="grey", linewidth=1, label="default")
        axes.set_xlabel(f"search.{name}")
        axes.grid(alpha=0.3)
    panels[0].legend(fontsize=8)
    figure.suptitle("The search's ranking weights against both goals (dashed); the others at their defaults")
    save_figure(figure, out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--models", type=Path, default=REPO_ROOT / "models")
    add_evaluation_set_arguments(parser, EVAL_DIR / "luma_groups.csv")
    parser.add_argument("--out", type=Path, default=EVAL_DIR / "ranking-weights.png")
    args = parser.parse_args(argv)
    needed = (args.models / DCGAN_WEIGHTS, args.models / ARTICLE_TYPES_WEIGHTS, args.myntra, args.luma)
    missing = [path for path in needed if not path.is_file()]
    if missing:
        print(f"missing {missing[0]}", file=sys.stderr)
        return 2
    model = DcganSearchFeatures(args.models / DCGAN_WEIGHTS, args.models / ARTICLE_TYPES_WEIGHTS)
    myntra = EmbeddedSet(model, args.myntra, args.myntra_images, "articleType")
    luma = EmbeddedSet(model, args.luma, args.luma_images, "group")
    results = {name: sweep(myntra, luma, name, values) for name, values in SWEEPS.items()}
    for name, (on_myntra, on_luma) in results.items():
        print(f"\n| {name} | Myntra P@10 | Luma R@1 | Luma R@10 |\n|---|---|---|---|")
        for value, m, lu in zip(SWEEPS[name], on_myntra, on_luma, strict=True):
            print(f"| {value:g} | {m.precision_at_k:.3f} | {lu.recall_at_1:.3f} | {lu.recall_at_k:.3f} |")
    plot(results, args.out)
    print(f"plot -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
