"""Figures and plots of a product classifier: accuracies, the not_product threshold, a confusion matrix.

Shared by the CNN and the linear head on DCGAN features, so both are measured the same way.
Inputs are probability rows over ``classifier_data.CLASSES`` (not_product last).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from snapmode.vision.classifier_data import CLASSES, FAMILIES, NOT_PRODUCT, PRODUCT_CLASSES

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
