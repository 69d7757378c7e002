"""Train the product classifier from scratch: product photos by category plus generated non-product pictures.

Everything a run produces lives in ``out_dir``::

    backup/                   the last finished epoch (model and optimiser): a rerun resumes from it
    checkpoints/best.weights.h5  the epoch with the best validation accuracy so far
    classifier.keras          the best epoch's model, uncompiled (what ``ProductClassifier`` loads)
    classifier.json           classes and the not_product threshold
    training_log.json         settings and per-epoch figures
    curves.png                loss and accuracy per epoch
    confusion_matrix.png      on the test split, rows normalised
    negatives.png             the first 40 generated non-product pictures of the test split, as the model sees them
    metrics.json              accuracies and rejection figures (and the linear head's, when asked)
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.progress import Progress

from lab.vision import classifier_evaluation as evaluation
from lab.vision import negatives
from lab.vision.classifier_data import CLASSES, NOT_PRODUCT, PRODUCT_CLASSES, Photo, Splits, default_splits
from lab.vision.classifier_evaluation import Scored, SplitData, figures
from lab.vision.classifier_linear import linear_head_figures
from lab.vision.classifier_model import LabelledAccuracy, build_classifier
from lab.vision.dcgan_training import calibrate_batch_norm, training_progress
from snapmode.vision.classifier import ClassifierConfig, config_path
from snapmode.vision.preprocess import square_resize

import tensorflow as tf  # noqa: E402  after classifier_model, which quiets TensorFlow's start-up logging
import keras  # noqa: E402

MODEL_NAME = "classifier.keras"
LOG_NAME = "training_log.json"
METRICS_NAME = "metrics.json"
CURVES_NAME = "curves.png"
CONFUSION_NAME = "confusion_matrix.png"
NEGATIVES_NAME = "negatives.png"
LUMA_WEIGHT = 2.0  # Luma is the demo shop and its framing, with 12x fewer photos than Myntra
UNLABELLED_WEIGHT = 0.5  # product photos outside every class only teach "not a not_product"


class ClassifierReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    epochs: int  # epochs completed in out_dir, resumed ones included
    best_epoch: int
    seconds: float  # wall time of this call
    steps_per_second: float  # of this call's training steps
    test_category_accuracy: float
    not_product_threshold: float
    model: Path
    config: Path
    metrics: Path
    curves: Path
    confusion_matrix: Path


def _load_one(path: Path, size: int) -> np.ndarray | None:
    try:
        with Image.open(path) as image:
            image.draft("RGB", (2 * size, 2 * size))  # JPEG decodes at a reduced scale: faster, same result
            return np.asarray(square_resize(image, size))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None


def _target(label: str | None) -> np.ndarray:
    """One-hot for a class; uniform over the product classes for a product photo with no class."""
    target = np.zeros(len(CLASSES), np.float32)
    if label is None:
        target[: len(PRODUCT_CLASSES)] = 1.0 / len(PRODUCT_CLASSES)
    else:
        target[CLASSES.index(label)] = 1.0
    return target


def _class_weights(photos: Sequence[Photo]) -> dict[str, float]:
    """Inverse square root of each class's training count, mean 1 over the labelled photos."""
    counts = Counter(photo.label for photo in photos if photo.label)
    raw = {label: count**-0.5 for label, count in counts.items()}
    mean = sum(raw[label] * count for label, count in counts.items()) / sum(counts.values())
    return {label: weight / mean for label, weight in raw.items()}


def _build_split(
    name: str, photos: Sequence[Photo], n_negatives: int, seed: int, size: int, class_weights: dict[str, float],
    console: Console | None,
) -> SplitData:
    pixels, kept = [], []
    with training_progress(console, "img") as progress, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        task = progress.add_task(f"{name}: loading photos", total=len(photos))
        for photo, array in zip(photos, pool.map(lambda p: _load_one(p.path, size), photos), strict=True):
            if array is not None:
                pixels.append(array)
                kept.append(photo)
            progress.advance(task)
        task = progress.add_task(f"{name}: drawing non-product pictures", total=n_negatives)
        kinds = []
        for kind, picture in negatives.generate(n_negatives, seed):
            pixels.append(np.asarray(square_resize(picture, size)))
            kinds.append(kind)
            progress.advance(task)
    targets = [_target(photo.label) for photo in kept] + [_target(NOT_PRODUCT)] * len(kinds)
    weights = [
        (class_weights.get(photo.label, 1.0) if photo.label else UNLABELLED_WEIGHT)
        * (LUMA_WEIGHT if photo.group.startswith("luma:") else 1.0)
        for photo in kept
    ] + [1.0] * len(kinds)
    return SplitData(
        pixels=np.stack(pixels) if pixels else np.zeros((0, size, size, 3), np.uint8),
        targets=np.stack(targets) if targets else np.zeros((0, len(CLASSES)), np.float32),
        weights=np.asarray(weights, np.float32),
        photos=kept,
        negative_kinds=kinds,
    )


def _augmenter(seed: int) -> keras.Sequential:
    """Shop-photo variation: mirror, small shifts and zooms, lighting. Pixels in [0, 255]."""
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="nearest", seed=seed + 1),
            keras.layers.RandomZoom((-0.15, 0.1), fill_mode="nearest", seed=seed + 2),
            keras.layers.RandomContrast(0.2, seed=seed + 3),
            keras.layers.RandomBrightness(0.15, seed=seed + 4),
        ],
        name="augment",
    )


def _scaled(pixels: tf.Tensor) -> tf.Tensor:
    return tf.cast(pixels, tf.float32) / 127.5 - 1.0  # as preprocess.to_model_input


def _dataset(data: SplitData, batch_size: int, seed: int, augment: bool) -> tf.data.Dataset:
    dataset = tf.data.Dataset.from_tensor_slices((data.pixels, data.targets, data.weights))
    if augment:
        augmenter = _augmenter(seed)
        dataset = dataset.shuffle(len(data.pixels), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
        dataset = dataset.map(
            lambda x, y, w: (augmenter(tf.cast(x, tf.float32), training=True) / 127.5 - 1.0, y, w),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    else:
        dataset = dataset.batch(batch_size).map(lambda x, y, w: (_scaled(x), y, w))
    return dataset.prefetch(tf.data.AUTOTUNE)


class _ProgressAndLog(keras.callbacks.Callback):
    """A rich progress bar per step and the per-epoch log, written after every epoch."""

    def __init__(self, progress: Progress, steps_per_epoch: int, epochs: int, log: dict, log_path: Path) -> None:
        super().__init__()
        self.progress, self.steps_per_epoch, self.epochs = progress, steps_per_epoch, epochs
        self.log, self.log_path = log, log_path
        self.task = progress.add_task("training", total=epochs * steps_per_epoch, loss=float("nan"),
                                      accuracy=float("nan"))
        self.steps_run, self.train_seconds, self._epoch_started = 0, 0.0, 0.0

    def on_epoch_begin(self, epoch: int, logs=None) -> None:
        self.progress.update(self.task, description=f"epoch {epoch + 1}/{self.epochs}",
                             completed=epoch * self.steps_per_epoch)
        self._epoch_started = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs=None) -> None:
        logs = logs or {}
        self.steps_run += 1
        self.progress.update(self.task, advance=1, loss=float(logs.get("loss", np.nan)),
                             accuracy=float(logs.get("accuracy", np.nan)))

    def on_epoch_end(self, epoch: int, logs=None) -> None:
        seconds = time.perf_counter() - self._epoch_started
        self.train_seconds += seconds
        row = {"epoch": epoch + 1, "seconds": round(seconds, 1)}
        row |= {key: round(float(value), 5) for key, value in (logs or {}).items() if key != "learning_rate"}
        self.log["epochs"] = [e for e in self.log["epochs"] if e["epoch"] <= epoch] + [row]
        _write_json(self.log_path, self.log)


def _write_json(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1))
    tmp.replace(path)  # a crash mid-write never leaves a truncated file


def confusion(test: Scored, threshold: float) -> np.ndarray:
    truth = [CLASSES.index(label) for label in test.labels] + [evaluation.NOT_PRODUCT_INDEX] * len(test.negatives)
    predicted = np.concatenate(
        [evaluation.decisions(test.labelled, threshold), evaluation.decisions(test.negatives, threshold)]
    )
    return evaluation.confusion_matrix(truth, predicted)


def train_classifier(
    out_dir: Path,
    epochs: int = 16,
    image_size: int = 96,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    seed: int = 0,
    negatives_per_split: tuple[int, int, int] = (1500, 300, 500),
    splits: Splits | None = None,
    dcgan_weights: Path | None = None,
    console: Console | None = None,
) -> ClassifierReport:
    """Train for ``epochs`` epochs in total, continuing from the last finished epoch in ``out_dir``.

    ``splits`` defaults to the Myntra and Luma photos (``classifier_data.default_splits``); the test
    split is only measured, never trained on or used to choose anything. With ``dcgan_weights`` a
    linear head on the DCGAN features is trained on the same data and measured alongside.
    """
    if epochs < 1 or batch_size < 1 or image_size < 32 or image_size % 32:
        raise ValueError(f"need epochs, batch_size >= 1 and image_size a multiple of 32, got {epochs}, "
                         f"{batch_size}, {image_size}")
    started = time.perf_counter()
    keras.utils.set_random_seed(seed)
    splits = splits or default_splits(seed=seed)
    class_weights = _class_weights(splits.train)
    n_train, n_val, n_test = negatives_per_split
    train = _build_split("train", splits.train, n_train, seed + 1, image_size, class_weights, console)
    val = _build_split("val", splits.val, n_val, seed + 2, image_size, class_weights, console)
    test = _build_split("test", splits.test, n_test, seed + 3, image_size, class_weights, console)
    labelled_val = np.max(val.targets, axis=1) > 0.5  # validation accuracy is over photos with a class
    if len(train.pixels) < batch_size or not labelled_val.any():
        raise ValueError(f"{len(train.pixels)} training pictures and {int(labelled_val.sum())} labelled "
                         f"validation pictures: need at least one batch of {batch_size} and one")
    val_fit = SplitData(val.pixels[labelled_val], val.targets[labelled_val], val.weights[labelled_val], [], [])
    steps_per_epoch = int(np.ceil(len(train.pixels) / batch_size))

    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / LOG_NAME
    log = json.loads(log_path.read_text()) if log_path.exists() else {"epochs": []}
    log["settings"] = {
        "classes": list(CLASSES),
        "image_size": image_size,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "schedule": "1 epoch linear warm-up, then cosine decay to 0",
        "optimizer": "Adam",
        "seed": seed,
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
        "train_pictures": {"labelled": int(sum(p.label is not None for p in train.photos)),
                           "unlabelled_products": int(sum(p.label is None for p in train.photos)),
                           "negatives": len(train.negative_kinds)},
        "class_weights": {k: round(v, 3) for k, v in sorted(class_weights.items())},
        "luma_weight": LUMA_WEIGHT,
        "unlabelled_weight": UNLABELLED_WEIGHT,
        "augmentation": "flip, translate 8%, zoom -15..+10%, contrast 20%, brightness 15%",
    }

    model = build_classifier(len(CLASSES), image_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, decay_steps=epochs * steps_per_epoch, warmup_target=learning_rate, warmup_steps=steps_per_epoch
    )
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=keras.losses.CategoricalCrossentropy(),
                  metrics=[LabelledAccuracy()])
    best_path = out_dir / "checkpoints" / "best.weights.h5"
    best_path.parent.mkdir(exist_ok=True)
    previous_best = max((e["val_accuracy"] for e in log["epochs"]), default=None)
    with training_progress(console, "steps", ("loss", "accuracy")) as progress:
        tracker = _ProgressAndLog(progress, steps_per_epoch, epochs, log, log_path)
        model.fit(
            _dataset(train, batch_size, seed, augment=True),
            validation_data=_dataset(val_fit, 256, seed, augment=False),
            epochs=epochs,
            verbose=0,
            shuffle=False,  # the dataset shuffles itself
            callbacks=[
                keras.callbacks.BackupAndRestore(str(out_dir / "backup"), delete_checkpoint=False),
                keras.callbacks.ModelCheckpoint(
                    str(best_path), monitor="val_accuracy", mode="max", save_best_only=True, save_weights_only=True,
                    initial_value_threshold=previous_best,
                ),
                tracker,
            ],
        )
    model.load_weights(best_path)
    # Statistics of the un-augmented training photos, as inference sees them, not a lagging average.
    calibrate_batch_norm(model, train.pixels, 256)
    best_epoch = max(log["epochs"], key=lambda e: e["val_accuracy"])["epoch"]

    def scored(data: SplitData) -> Scored:
        return Scored.of(model.predict(_dataset(data, 256, seed, augment=False), verbose=0), data)

    val_scores, test_scores = scored(val), scored(test)
    metrics = figures(val_scores, test_scores)
    threshold = metrics["not_product"]["threshold"]
    luma_rejected = [
        scores.labelled[[p.group.startswith("luma:") for p in scores.photos]] for scores in (val_scores, test_scores)
    ]
    metrics["not_product"]["luma_val_test_labelled_rejected"] = evaluation.rejection_rate(
        np.concatenate(luma_rejected), threshold
    )
    model_path = out_dir / MODEL_NAME
    # An uncompiled copy: a compiled model's file carries the optimiser's slots too (3x the size).
    shipped = build_classifier(len(CLASSES), image_size)
    shipped.set_weights(model.get_weights())
    shipped.save(model_path)
    config = ClassifierConfig(classes=list(CLASSES), not_product_threshold=threshold)
    config_path(model_path).write_text(config.model_dump_json(indent=1))
    metrics |= {
        "classes": list(CLASSES),
        "best_epoch": best_epoch,
        "epochs": len(log["epochs"]),
        "parameters": model.count_params(),
        "model_bytes": model_path.stat().st_size,
        "train_seconds": round(sum(e["seconds"] for e in log["epochs"]), 1),
    }
    if dcgan_weights is not None:
        metrics["linear_head"] = linear_head_figures(train, val, test, dcgan_weights, seed, console)
    _write_json(out_dir / METRICS_NAME, metrics)
    evaluation.plot_curves(log["epochs"], out_dir / CURVES_NAME)
    evaluation.plot_confusion(
        confusion(test_scores, threshold),
        f"Product classifier on the test split (category accuracy {metrics['test']['category_accuracy']:.3f})",
        out_dir / CONFUSION_NAME,
    )
    evaluation.save_picture_grid(test.pixels[len(test.photos) :][:40], 10, out_dir / NEGATIVES_NAME)
    return ClassifierReport(
        epochs=len(log["epochs"]),
        best_epoch=best_epoch,
        seconds=time.perf_counter() - started,
        steps_per_second=tracker.steps_run / tracker.train_seconds if tracker.train_seconds else 0.0,
        test_category_accuracy=metrics["test"]["category_accuracy"],
        not_product_threshold=threshold,
        model=model_path,
        config=config_path(model_path),
        metrics=out_dir / METRICS_NAME,
        curves=out_dir / CURVES_NAME,
        confusion_matrix=out_dir / CONFUSION_NAME,
    )
