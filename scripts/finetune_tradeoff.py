"""Place DCGAN fine-tuning runs on the two retrieval goals at once: Myntra articleType P@10 against Luma same-item R@10.

Each RUN is ``NAME=FOLDER``, a folder holding ``dcgan_discriminator.weights.h5`` (a ``snapmode train
dcgan-finetune`` output, or ``models`` for the shipped weights). Both sets are scored with `snapmode eval
retrieval`'s code: the 1,000 Myntra evaluation photos (``python -m lab.datasets``) and the Luma
labels of ``scripts/luma_groups.py`` (with ``--train-half``, the styles no run trained on). Prints a markdown
table and writes a scatter plot with the goals drawn in.

    .venv/bin/python scripts/finetune_tradeoff.py shipped=models items=var/train/items \\
        [--myntra var/eval/myntra_evaluation.csv] [--luma var/eval/luma_split.csv] [--out PNG]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from lab.datasets import EVAL_DIR, LUMA_GOAL, MYNTRA_GOAL, add_evaluation_set_arguments
from lab.evaluation.figures import save as save_figure
from lab.evaluation.run import run_retrieval


def score(weights_dir: Path, myntra: tuple[Path, Path], luma: tuple[Path, Path]) -> dict[str, float]:
    """Both sets' figures for one run; each set is (labels CSV, images folder)."""
    with tempfile.TemporaryDirectory() as scratch:
        on_myntra = run_retrieval(*myntra, "id", "articleType", ["dcgan"], weights_dir,
                                  Path(scratch) / "myntra").results[0].scores
        on_luma = run_retrieval(*luma, "id", "group", ["dcgan"], weights_dir, Path(scratch) / "luma").results[0].scores
    return {"myntra_p10": on_myntra.precision_at_k, "luma_r1": on_luma.recall_at_1, "luma_r10": on_luma.recall_at_k}


def plot(figures: dict[str, dict[str, float]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6.4, 4.4))
    for name, scores in figures.items():
        axes.scatter(scores["myntra_p10"], scores["luma_r10"], color="tab:blue")
        axes.annotate(name, (scores["myntra_p10"], scores["luma_r10"]), textcoords="offset points", xytext=(5, 4),
                      fontsize=7)
    left, right = axes.get_xlim()
    bottom, top = axes.get_ylim()
    axes.set_ylim(bottom, max(top, LUMA_GOAL + 0.02))
    axes.set_xlim(left, max(right, MYNTRA_GOAL + 0.01))
    axes.axvspan(MYNTRA_GOAL, axes.get_xlim()[1], ymin=max(0.0, (LUMA_GOAL - bottom) / (axes.get_ylim()[1] - bottom)),
                 color="tab:green", alpha=0.15, label="both goals met")
    axes.axvline(MYNTRA_GOAL, color="tab:green", linestyle="--", linewidth=1)
    axes.axhline(LUMA_GOAL, color="tab:green", linestyle="--", linewidth=1)
    axes.legend(loc="lower left", fontsize=8)
    axes.set_xlabel("Myntra articleType P@10 (1,000 unseen photos)")
    axes.set_ylabel("Luma same-item R@10")
    axes.set_title("DCGAN fine-tuning runs against both retrieval goals")
    axes.grid(alpha=0.3)
    save_figure(figure, out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("runs", nargs="+", metavar="NAME=FOLDER")
    add_evaluation_set_arguments(parser, EVAL_DIR / "luma_split.csv")
    parser.add_argument("--out", type=Path, default=EVAL_DIR / "finetune-tradeoff.png")
    args = parser.parse_args(argv)
    runs = dict(run.partition("=")[::2] for run in args.runs)
    unusable = [f"{name}={folder}" for name, folder in runs.items()
                if not (Path(folder) / "dcgan_discriminator.weights.h5").is_file()]  # fmt: skip
    labels = [path for path in (args.myntra, args.luma) if not path.is_file()]
    if unusable or labels:
        print(f"no weights in {', '.join(unusable)}" if unusable else f"no labels at {labels[0]}", file=sys.stderr)
        return 2
    myntra, luma = (args.myntra, args.myntra_images), (args.luma, args.luma_images)
    figures = {name: score(Path(folder), myntra, luma) for name, folder in runs.items()}
    print("| run | Myntra articleType P@10 | Luma item R@1 | Luma item R@10 |\n|---|---|---|---|")
    for name, scores in figures.items():
        print(f"| {name} | {scores['myntra_p10']:.3f} | {scores['luma_r1']:.3f} | {scores['luma_r10']:.3f} |")
    plot(figures, args.out)
    print(f"plot -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
