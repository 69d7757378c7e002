"""The cheap alternative to the CNN: a linear (logistic) head on the DCGAN's 8192-d features.

Trained and measured on the same pictures, targets and weights as the CNN, so the two rows of
the accuracy table differ only in the model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console

from lab.vision.classifier_data import CLASSES
from lab.vision.classifier_evaluation import Scored, SplitData, figures
from lab.vision.classifier_model import LabelledAccuracy
from lab.vision.dcgan_training import training_progress
from snapmode.vision.embedder import DcganEmbedder

import keras  # noqa: E402  after the embedder, which quiets TensorFlow's start-up logging

EMBED_CHUNK = 512
EPOCHS = 60
L2 = 1e-4


def _features(embedder: DcganEmbedder, data: SplitData, name: str, console: Console | None) -> np.ndarray:
    rows = []
    with training_progress(console, "img") as progress:
        task = progress.add_task(f"{name}: DCGAN features", total=len(data.pixels))
        for start in range(0, len(data.pixels), EMBED_CHUNK):
            chunk = data.pixels[start : start + EMBED_CHUNK]
            rows.append(embedder.embed([Image.fromarray(pixels) for pixels in chunk]))
            progress.advance(task, len(chunk))
    return np.concatenate(rows) if rows else np.zeros((0, embedder.dim), np.float32)


def linear_head_figures(
    train: SplitData, val: SplitData, test: SplitData, dcgan_weights: Path, seed: int, console: Console | None = None
) -> dict:
    """Train softmax(W x + b) on the features of the classifier's own (square, resized) pictures."""
    embedder = DcganEmbedder(dcgan_weights)
    x_train, x_val, x_test = (_features(embedder, d, n, console) for d, n in ((train, "train"), (val, "val"),
                                                                              (test, "test")))
    keras.utils.set_random_seed(seed)
    head = keras.Sequential(
        [keras.Input((embedder.dim,)), keras.layers.Dense(len(CLASSES), "softmax",
                                                          kernel_regularizer=keras.regularizers.L2(L2))]
    )
    head.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=[LabelledAccuracy()])
    labelled_val = np.max(val.targets, axis=1) > 0.5
    history = head.fit(
        x_train, train.targets, sample_weight=train.weights, batch_size=128, epochs=EPOCHS, verbose=0,
        validation_data=(x_val[labelled_val], val.targets[labelled_val]),
        callbacks=[keras.callbacks.EarlyStopping("val_accuracy", patience=10, mode="max", restore_best_weights=True)],
    )
    result = figures(Scored.of(head.predict(x_val, verbose=0), val), Scored.of(head.predict(x_test, verbose=0), test))
    result["epochs"] = len(history.history["loss"])
    return result
