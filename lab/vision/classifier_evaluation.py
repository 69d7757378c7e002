"""Figures and plots of a product classifier: accuracies, the not_product threshold, a confusion matrix.

Shared by the CNN and the linear head on DCGAN features (``classifier_linear``), so both are measured the same
way on the same pictures (``SplitData``).
Inputs are probability rows over ``classifier_data.CLASSES`` (not_product last).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.datasets import luma_heldout_names
from lab.vision.classifier_data import CLASSES, FAMILIES, NOT_PRODUCT, PRODUCT_CLASSES, Photo

NOT_PRODUCT_INDEX = CLASSES.index(NOT_PRODUCT)
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.05), 2)


def categories(probabilities: np.ndarray) -> np.ndarray:
    """Index of the best product class of each row (not_product left out)."""
    return np.argmax(probabilities[:, :NOT_PRODUCT_INDEX], axis=1)


def decisions(probabilities: np.ndarray, threshold: float) -> np.ndarray:
    """What the pipeline acts on: not_product when its probability reaches the threshold, else the category."""
    return np.where(probabilities[:, NOT_PRODUCT_INDEX] >= threshold, NOT_PRODUCT_INDEX, categories(probabilities))


def category_accuracy(probabilities: np.ndarray, labels: Sequence[str]) -> float:
    if not len(labels):
        return float("nan")
    truth = np.array([CLASSES.index(label) for label in labels])
    return float(np.mean(categories(probabilities) == truth))


def family_accuracy(probabilities: np.ndarray, labels: Sequence[str]) -> float:
    if not len(labels):
        return float("nan")
    predicted = [FAMILIES[PRODUCT_CLASSES[i]] for i in categories(probabilities)]
    return float(np.mean([FAMILIES[label] == family for label, family in zip(labels, predicted, strict=True)]))


def choose_threshold(product_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """The not_product threshold with the fewest errors (products rejected + negatives missed, as rates).

    Ties go to the threshold nearest 0.5: neither side of the validation data is favoured.
    """
    costs = [np.mean(product_scores >= t) + np.mean(negative_scores < t) for t in THRESHOLDS]
    best = min(costs)
    candidates = [t for t, cost in zip(THRESHOLDS, costs, strict=True) if cost <= best + 1e-12]
    return float(min(candidates, key=lambda t: abs(t - 0.5)))


def rejection_rate(probabilities: np.ndarray, threshold: float) -> float:
    return float(np.mean(probabilities[:, NOT_PRODUCT_INDEX] >= threshold)) if len(probabilities) else float("nan")


@dataclass
class SplitData:
    """Pixels (uint8, square) and soft targets of one split, products then negatives."""

    pixels: np.ndarray
    targets: np.ndarray
    weights: np.ndarray
    photos: list[Photo]  # the product rows, in order
    negative_kinds: list[str]  # the negative rows, in order


@dataclass
class Scored:
    """Probabilities of one split's pictures, by what they are."""

    labelled: np.ndarray
    labels: list[str]
    unlabelled: np.ndarray  # product photos with no class
    negatives: np.ndarray
    negative_kinds: list[str]
    photos: list[Photo]  # the labelled rows' photos

    @classmethod
    def of(cls, probabilities: np.ndarray, data: SplitData) -> Scored:
        n = len(data.photos)
        has_label = np.array([photo.label is not None for photo in data.photos], bool)
        products = probabilities[:n]
        return cls(
            labelled=products[has_label],
            labels=[photo.label for photo in data.photos if photo.label],
            unlabelled=products[~has_label],
            negatives=probabilities[n:],
            negative_kinds=data.negative_kinds,
            photos=[photo for photo in data.photos if photo.label],
        )

    def subset(self, keep: Sequence[bool]) -> tuple[np.ndarray, list[str]]:
        mask = np.asarray(keep, bool)
        return self.labelled[mask], [label for label, kept in zip(self.labels, mask, strict=True) if kept]


def figures(val: Scored, test: Scored) -> dict:
    """Accuracies on val and test, the threshold chosen on val, rejection figures on test."""
    products_val = np.concatenate([val.labelled, val.unlabelled])
    threshold = choose_threshold(
        products_val[:, NOT_PRODUCT_INDEX], val.negatives[:, NOT_PRODUCT_INDEX]
    )
    heldout = luma_heldout_names()
    myntra, myntra_labels = test.subset([p.group.startswith("myntra:") for p in test.photos])
    luma, luma_labels = test.subset([p.group.startswith("luma:") for p in test.photos])
    views, view_labels = test.subset([p.path.name in heldout for p in test.photos])
    predicted = categories(test.labelled)
    per_class = {
        name: round(float(np.mean(predicted[[label == name for label in test.labels]] == index)), 4)
        for index, name in enumerate(PRODUCT_CLASSES)
        if name in test.labels
    }
    kinds = sorted(set(test.negative_kinds))
    by_kind = {
        kind: rejection_rate(test.negatives[[k == kind for k in test.negative_kinds]], threshold)
        for kind in kinds
    }
    return {
        "val": {
            "photos": len(val.labels),
            "category_accuracy": category_accuracy(val.labelled, val.labels),
            "family_accuracy": family_accuracy(val.labelled, val.labels),
        },
        "test": {
            "photos": len(test.labels),
            "category_accuracy": category_accuracy(test.labelled, test.labels),
            "family_accuracy": family_accuracy(test.labelled, test.labels),
            "myntra_photos": len(myntra_labels),
            "myntra_category_accuracy": category_accuracy(myntra, myntra_labels),
            "luma_photos": len(luma_labels),
            "luma_category_accuracy": category_accuracy(luma, luma_labels),
            "luma_family_accuracy": family_accuracy(luma, luma_labels),
            "heldout_views": len(view_labels),
            "heldout_views_category_accuracy": category_accuracy(views, view_labels),
            "heldout_views_family_accuracy": family_accuracy(views, view_labels),
            "per_class_recall": per_class,
        },
        "not_product": {
            "threshold": threshold,
            "val_products_rejected": rejection_rate(products_val, threshold),
            "val_negatives_caught": rejection_rate(val.negatives, threshold),
            "test_labelled_products_rejected": rejection_rate(test.labelled, threshold),
            "test_unlabelled_products_rejected": rejection_rate(test.unlabelled, threshold),
            "test_negatives_caught": rejection_rate(test.negatives, threshold),
            "test_negatives_caught_by_kind": by_kind,
        },
    }


def confusion_matrix(truth: Sequence[int], predicted: Sequence[int], n: int = len(CLASSES)) -> np.ndarray:
    matrix = np.zeros((n, n), np.int64)
    np.add.at(matrix, (np.asarray(truth), np.asarray(predicted)), 1)
    return matrix


def plot_confusion(matrix: np.ndarray, title: str, path: Path) -> None:
    """Rows normalised to 1 (recall on the diagonal), counts of each true class in the row labels."""
    import matplotlib

    matplotlib.use("Agg")  # files only: training runs headless
    import matplotlib.pyplot as plt

    totals = matrix.sum(axis=1, keepdims=True)
    normalised = np.divide(matrix, totals, out=np.zeros(matrix.shape, float), where=totals > 0)
    fig, ax = plt.subplots(figsize=(9.5, 8.5), dpi=100)
    image = ax.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    ticks = np.arange(len(CLASSES))
    ax.set_xticks(ticks, CLASSES, rotation=60, ha="right")
    ax.set_yticks(ticks, [f"{name} ({int(total)})" for name, total in zip(CLASSES, totals[:, 0], strict=True)])
    for row in range(len(CLASSES)):
        for column in range(len(CLASSES)):
            value = normalised[row, column]
            if value >= 0.005:
                colour = "white" if value > 0.5 else "black"
                ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=7, color=colour)
    ax.set_xlabel("predicted (not_product when its probability reaches the threshold)")
    ax.set_ylabel("true class (photos)")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, fraction=0.04)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_curves(epochs: Sequence[dict], path: Path) -> None:
    """Loss and accuracy per epoch, training and validation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    numbers = [e["epoch"] for e in epochs]
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=100)
    for key, style in (("loss", "-o"), ("val_loss", "--o")):
        loss_ax.plot(numbers, [e[key] for e in epochs], style, label=key.replace("_", " "))
    for key, style in (("accuracy", "-o"), ("val_accuracy", "--o")):
        acc_ax.plot(numbers, [e[key] for e in epochs], style, label=key.replace("_", " "))
    loss_ax.set_title("loss (cross-entropy, weighted)")
    acc_ax.set_title("accuracy (15 classes, argmax; labelled photos and negatives)")
    for ax in (loss_ax, acc_ax):
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def save_picture_grid(pixels: np.ndarray, columns: int, path: Path) -> None:
    """Square uint8 pictures side by side, ``columns`` per row (what the model saw)."""
    from PIL import Image

    rows = -(-len(pixels) // columns)
    size = pixels.shape[1]
    grid = np.full((rows * size, columns * size, 3), 255, np.uint8)
    for index, picture in enumerate(pixels):
        row, column = divmod(index, columns)
        grid[row * size : (row + 1) * size, column * size : (column + 1) * size] = picture
    Image.fromarray(grid).save(path)
