"""How much a detail view's similarity is discounted (``search.detail_discount``) against both retrieval goals.

Embeds the Myntra evaluation photos and the Luma same-item photos once with the shipped DCGAN and its detail
views (``snapmode.vision.details``), then scores both with `snapmode eval retrieval`'s code at each discount:
0 lets every detail view compete with whole photos, a large one leaves whole photos alone (the ``dcgan`` row).
Prints a markdown table and plots Myntra articleType P@10 and Luma same-item R@10 against the discount.

    .venv/bin/python scripts/detail_discount_sweep.py [--models models] [--myntra CSV] [--luma CSV] [--out PNG]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import snapmode.vision.torch_first  # noqa: F401  before tensorflow

from snapmode.config import REPO_ROOT
from snapmode.evaluation.compare import load_photo
from snapmode.evaluation.datasets import EVAL_DIR, LUMA_GOAL, MYNTRA_GOAL, add_evaluation_set_arguments
from snapmode.evaluation.labels import read_labels
from snapmode.evaluation.retrieval import RetrievalScores, evaluate
from snapmode.vision.features import DCGAN_WEIGHTS, DcganDetailFeatures

DISCOUNTS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3)


def sweep(
    model: DcganDetailFeatures, labels_csv: Path, images: Path, column: str, discounts: tuple[float, ...]
) -> list[RetrievalScores]:
    data = read_labels(labels_csv, images, "id", column, None)
    readable = [(item.label, photo) for item in data.images if (photo := load_photo(item)) is not None]
    labels, photos = [label for label, _ in readable], [photo for _, photo in readable]
    whole, details = model.embed(photos), model.embed_details(photos)
    return [evaluate(whole, labels, 10, details, discount)[0] for discount in discounts]


def plot(discounts, myntra, luma, current: float, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 4.2))
    axes.plot(discounts, [s.precision_at_k for s in myntra], marker="o", label="Myntra articleType P@10")
    axes.plot(discounts, [s.recall_at_k for s in luma], marker="o", label="Luma same-item R@10")
    for goal, colour in ((MYNTRA_GOAL, "tab:blue"), (LUMA_GOAL, "tab:orange")):
        axes.axhline(goal, color=colour, linestyle="--", linewidth=1)
    axes.axvline(current, color="grey", linewidth=1, label=f"search.detail_discount = {current}")
    axes.set_xlabel("discount on a detail view's cosine similarity")
    axes.set_title("Detail views in the gallery: the discount against both goals (dashed)")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=120)
    plt.close(figure)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--models", type=Path, default=REPO_ROOT / "models")
    add_evaluation_set_arguments(parser, EVAL_DIR / "luma_groups.csv")
    parser.add_argument("--out", type=Path, default=EVAL_DIR / "detail-discount.png")
    args = parser.parse_args(argv)
    missing = [path for path in (args.models / DCGAN_WEIGHTS, args.myntra, args.luma) if not path.is_file()]
    if missing:
        print(f"missing {missing[0]}", file=sys.stderr)
        return 2
    model = DcganDetailFeatures(args.models / DCGAN_WEIGHTS)
    myntra = sweep(model, args.myntra, args.myntra_images, "articleType", DISCOUNTS)
    luma = sweep(model, args.luma, args.luma_images, "group", DISCOUNTS)
    print("| discount | Myntra P@10 | Luma R@1 | Luma R@10 |\n|---|---|---|---|")
    for discount, on_myntra, on_luma in zip(DISCOUNTS, myntra, luma, strict=True):
        print(f"| {discount:.2f} | {on_myntra.precision_at_k:.3f} | {on_luma.recall_at_1:.3f} | "
              f"{on_luma.recall_at_k:.3f} |")
    plot(DISCOUNTS, myntra, luma, model.detail_discount, args.out)
    print(f"plot -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
