"""Train the article-type head (snapmode.vision.article_types) on the shipped embedder's vectors.

The vectors of the labelled Myntra photos, minus the evaluation photos (the seeded draw every model leaves out,
lab.datasets), feed one softmax layer (L2-regularised, Adam); its kernel, bias and class names go
to an ``.npz`` the search reads without TensorFlow. Accuracy is measured on the evaluation photos whose article
type the head knows.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lab.datasets import MYNTRA_DIR, MYNTRA_EVALUATION_SEED, MYNTRA_EVALUATION_SIZE, list_training_images
from lab.vision.dcgan_finetuning import read_labelled_photos
from lab.vision.dcgan_training import write_json
from snapmode.vision.article_types import ArticleTypeHead
from snapmode.vision.embedder import DcganEmbedder

import keras  # noqa: E402  after the embedder, which quiets TensorFlow's start-up logging

COLUMN = "articleType"
EPOCHS = 30
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
L2 = 1e-4
EMBED_CHUNK = 256


def _vectors(embedder: DcganEmbedder, paths: list[Path], name: str, console: Console | None) -> np.ndarray:
    rows = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, disable=console is None) as progress:
        task = progress.add_task(f"{name}: DCGAN vectors", total=len(paths))
        for start in range(0, len(paths), EMBED_CHUNK):
            chunk = paths[start : start + EMBED_CHUNK]
            rows.append(embedder.embed([Image.open(path).convert("RGB") for path in chunk]))
            progress.advance(task, len(chunk))
    return np.concatenate(rows) if rows else np.zeros((0, embedder.dim), np.float32)


def train_article_types(
    dcgan_weights: Path,
    out: Path,
    myntra_dir: Path = MYNTRA_DIR,
    holdout: int = MYNTRA_EVALUATION_SIZE,
    seed: int = 0,
    console: Console | None = None,
) -> dict:
    """Write ``out`` (the head) and ``out``'s ``.json`` log beside it; returns the log. ``holdout`` photos of
    ``myntra_dir`` are drawn as the evaluation draws them and kept out of training."""
    began = time.monotonic()
    embedder = DcganEmbedder(dcgan_weights)
    images, styles = myntra_dir / "images", myntra_dir / "styles.csv"
    held_out = {p.name for p in list_training_images([images], limit=holdout, seed=MYNTRA_EVALUATION_SEED)}
    train = read_labelled_photos(images, styles, [COLUMN], held_out)
    if not train.paths:
        raise ValueError(f"no labelled photo in {images} is left to train on once {len(held_out)} are held out")
    classes, targets = np.unique(train.labels[COLUMN], return_inverse=True)
    x_train = _vectors(embedder, train.paths, "training photos", console)
    keras.utils.set_random_seed(seed)
    head = keras.Sequential(
        [keras.Input((embedder.dim,)),
         keras.layers.Dense(len(classes), "softmax", kernel_regularizer=keras.regularizers.L2(L2))]
    )
    head.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="sparse_categorical_crossentropy")
    history = head.fit(x_train, targets, batch_size=BATCH_SIZE, epochs=EPOCHS, verbose=0, shuffle=True)
    kernel, bias = head.layers[-1].get_weights()
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, kernel=kernel.astype(np.float32), bias=bias.astype(np.float32), classes=classes)

    evaluation = read_labelled_photos(images, styles, [COLUMN])
    known = set(classes)
    pairs = [(p, label) for p, label in zip(evaluation.paths, evaluation.labels[COLUMN], strict=True)
             if p.name in held_out and label in known]
    predicted = ArticleTypeHead(out).probabilities(_vectors(embedder, [p for p, _ in pairs], "evaluation photos",
                                                             console)).argmax(axis=1)
    hits = [classes[i] == label for i, (_, label) in zip(predicted, pairs, strict=True)]
    accuracy = float(np.mean(hits)) if hits else 0.0
    log = {
        "classes": len(classes), "training_photos": len(train.paths), "evaluation_photos": len(pairs),
        "evaluation_accuracy": round(accuracy, 4), "epochs": EPOCHS, "learning_rate": LEARNING_RATE, "l2": L2,
        "seed": seed, "loss": [round(float(v), 4) for v in history.history["loss"]],
        "seconds": round(time.monotonic() - began, 1),
    }
    write_json(out.with_suffix(".json"), log)
    return log
