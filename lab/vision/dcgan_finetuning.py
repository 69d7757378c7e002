"""Second stage of the DCGAN embedder: fine-tune the GAN-trained discriminator with labels.

GAN training alone gives a discriminator that retrieves no better than raw pixels (docs/models.md).
Here its 4x4x512 feature block, flattened and L2-normalised exactly as the embedder reads it, feeds
cosine-margin softmax heads (CosFace: logits s * (cos - m) for the true class), one per label column of
a ``styles.csv`` (Myntra: articleType, and baseColour at a lower weight so colour stays in the features).
The heads are thrown away afterwards: only the discriminator is written, same architecture, same 8192-d.
An optional instance term (``instance_weight``) also asks each augmented view to find its twin view of the same
photo in the batch, for same-item search across crops. An optional item term (``items``) does the same with real
views: photos grouped by item (a shop's several photos of one product), each view asked to pick another view of its
own item out of the batch.

Everything a run produces lives in ``out_dir``::

    checkpoints/epoch_NNN.weights.h5  the discriminator after each epoch (moving BatchNorm statistics)
    loss_curve.png                    per-epoch mean loss of each head
    training_log.json                 settings, classes and per-epoch losses
    dcgan_discriminator.weights.h5    the last epoch, BatchNorm statistics recomputed (what the embedder loads)
"""

from __future__ import annotations

import csv
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from rich.console import Console

from lab.datasets import IMAGE_SUFFIXES
from lab.vision.dcgan_training import (
    LOG_NAME,
    LOSS_CURVE_NAME,
    WEIGHTS_NAME,
    calibrate_batch_norm,
    read_images,
    training_progress,
    write_json,
)
from snapmode.vision import dcgan

import tensorflow as tf  # noqa: E402  after dcgan, which quiets TensorFlow's start-up logging
import keras  # noqa: E402

DEFAULT_HEADS = {"articleType": 1.0, "baseColour": 0.5}
COSINE_SCALE = 16.0
COSINE_MARGIN = 0.2
# Augmentation: horizontal flips, and all but WHOLE_SHARE of each batch zoomed in to a random square crop
# covering ZOOM_MIN_AREA..1 of the photo, so that close-up views of a product land near its whole views.
WHOLE_SHARE = 0.5
ZOOM_MIN_AREA = 0.25
# Instance term (NT-Xent): with a positive weight each batch holds two augmented views of half as many photos,
# and each view must pick its twin out of the views of other classes (first head's label) in the batch: zoomed
# and whole views of one product are pulled together without pushing apart products that share a class.
INSTANCE_TEMPERATURE = 0.1
INSTANCE_LOSS = "instance"
# Item term: each step also draws ITEMS_PER_STEP items and two of each item's photos, augmented like the rest.
ITEMS_PER_STEP = 24
ITEM_LOSS = "item"
NO_VIEWS = np.zeros((0, dcgan.IMAGE_SIZE, dcgan.IMAGE_SIZE, 3), np.float32)


class ItemViews(BaseModel):
    """Photos ``<images>/<id>.<ext>`` grouped into items by the ``group`` column of ``labels``."""

    images: Path
    labels: Path
    weight: float = 1.0


class FinetuneReport(BaseModel):
    epochs: int
    images: int
    skipped_images: int
    classes: dict[str, int]  # label column -> number of classes
    steps_per_epoch: int
    seconds: float
    steps_per_second: float
    losses: dict[str, float]  # label column (and "instance", "item") -> mean loss over the last epoch
    weights: Path
    loss_curve: Path
    log: Path


class LabelledPhotos(BaseModel):
    paths: list[Path]
    labels: dict[str, list[str]]  # label column -> one label per path


def read_labelled_photos(
    images_dir: Path, styles_csv: Path, columns: Sequence[str], exclude: set[str] = frozenset()
) -> LabelledPhotos:
    """Photos ``<images_dir>/<id>.<ext>`` with a non-empty value in every column, minus excluded file names."""
    if not images_dir.is_dir():
        raise FileNotFoundError(f"training image directory {images_dir} does not exist")
    with styles_csv.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in ("id", *columns) if column not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{styles_csv} has no column {', '.join(missing)}")
        rows = {row["id"]: row for row in reader}
    paths = sorted(
        path
        for path in images_dir.iterdir()
        if path.suffix.lower() in IMAGE_SUFFIXES
        and path.name not in exclude
        and path.stem in rows
        and all((rows[path.stem][column] or "").strip() for column in columns)
    )
    return LabelledPhotos(paths=paths, labels={c: [rows[p.stem][c].strip() for p in paths] for c in columns})


def _augment(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """uint8 photos -> float32 model input in [-1, 1], flipped and zoomed at random."""
    batch = batch.copy()
    count = len(batch)
    flip = rng.random(count) < 0.5
    batch[flip] = batch[flip, :, ::-1]
    side = np.sqrt(rng.uniform(ZOOM_MIN_AREA, 1.0, count))
    side[rng.random(count) < WHOLE_SHARE] = 1.0
    top = rng.uniform(0, 1, count) * (1 - side)
    left = rng.uniform(0, 1, count) * (1 - side)
    boxes = np.stack([top, left, top + side, left + side], axis=1).astype(np.float32)
    size = dcgan.IMAGE_SIZE
    zoomed = tf.image.crop_and_resize(batch.astype(np.float32), boxes, np.arange(count, dtype=np.int32), (size, size))
    return zoomed.numpy() / 127.5 - 1.0


class _Heads:
    """The discriminator's features, one cosine-margin head per label column, one compiled train step."""

    def __init__(self, discriminator: keras.Model, classes: Mapping[str, int], weights: Mapping[str, float],
                 instance_weight: float, item_weight: float, learning_rate: float, total_steps: int,
                 seed: int) -> None:
        self.features = dcgan.feature_extractor(discriminator)
        init = tf.random.stateless_normal
        self.centres = {
            column: tf.Variable(init((dcgan.EMBEDDING_DIM, count), seed=[seed, index], stddev=0.01), name=column)
            for index, (column, count) in enumerate(classes.items())
        }
        self.weights = dict(weights)
        self.instance_weight = instance_weight
        self.item_weight = item_weight
        schedule = keras.optimizers.schedules.CosineDecay(learning_rate, total_steps)
        self.optimizer = keras.optimizers.Adam(schedule, beta_1=dcgan.BETA_1)
        self.train_step = tf.function(self._train_step)

    def _loss(self, embedding: tf.Tensor, centres: tf.Variable, labels: tf.Tensor) -> tf.Tensor:
        cosine = tf.matmul(embedding, tf.math.l2_normalize(centres, axis=0))
        logits = COSINE_SCALE * (cosine - COSINE_MARGIN * tf.one_hot(labels, tf.shape(centres)[1]))
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))

    def _train_step(self, images: tf.Tensor, labels: dict[str, tf.Tensor], views: tf.Tensor) -> dict[str, tf.Tensor]:
        """``views``: the item term's pairs, first views then second views in the same item order (or none)."""
        count = tf.shape(images)[0]
        with tf.GradientTape() as tape:
            flat = tf.reshape(self.features(tf.concat([images, views], 0), training=True), (-1, dcgan.EMBEDDING_DIM))
            everything = tf.math.l2_normalize(flat, axis=1)  # what the embedder returns
            embedding, item_views = everything[:count], everything[count:]
            losses = {column: self._loss(embedding, self.centres[column], labels[column]) for column in self.centres}
            total = tf.add_n([self.weights[column] * loss for column, loss in losses.items()])
            if self.instance_weight:
                losses[INSTANCE_LOSS] = _twin_loss(embedding, labels[next(iter(self.centres))])
                total += self.instance_weight * losses[INSTANCE_LOSS]
            if self.item_weight:
                items = tf.range(tf.shape(item_views)[0] // 2)
                losses[ITEM_LOSS] = _twin_loss(item_views, tf.concat([items, items], 0))
                total += self.item_weight * losses[ITEM_LOSS]
        variables = self.features.trainable_variables + list(self.centres.values())
        self.optimizer.apply_gradients(zip(tape.gradient(total, variables), variables, strict=True))
        return losses


def _twin_loss(embedding: tf.Tensor, classes: tf.Tensor) -> tf.Tensor:
    """NT-Xent over a batch whose second half holds the twins of its first half, in the same order; views of
    the same class, the view itself included, are left out of each view's candidates except for its twin."""
    count = tf.shape(embedding)[0]
    logits = tf.matmul(embedding, embedding, transpose_b=True) / INSTANCE_TEMPERATURE
    twins = tf.math.floormod(tf.range(count) + count // 2, count)
    candidate = tf.not_equal(classes[:, None], classes[None, :]) | tf.cast(tf.one_hot(twins, count), tf.bool)
    logits = tf.where(candidate, logits, -1e9)
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(twins, logits))


def read_item_views(
    items: ItemViews, exclude: set[str], console: Console | None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """The items' readable photos, and per item with two or more of them, their row indices."""
    photos = read_labelled_photos(items.images, items.labels, ["group"], exclude)
    arrays = read_images(photos.paths, console)
    readable = [index for index, array in enumerate(arrays) if array is not None]
    groups: dict[str, list[int]] = {}
    for row, index in enumerate(readable):
        groups.setdefault(photos.labels["group"][index], []).append(row)
    views = [np.asarray(rows) for _, rows in sorted(groups.items()) if len(rows) > 1]
    if len(views) < 2:
        raise ValueError(f"{items.labels} names {len(views)} item(s) with two or more readable photos; the item "
                         f"term needs at least 2")
    return np.stack([arrays[index] for index in readable]), views


def draw_item_pairs(views: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Row indices of two different photos of each of up to ITEMS_PER_STEP items: all first photos, then all
    second photos in the same item order."""
    chosen = rng.choice(len(views), min(ITEMS_PER_STEP, len(views)), replace=False)
    pairs = np.stack([rng.choice(views[item], 2, replace=False) for item in chosen])
    return np.concatenate([pairs[:, 0], pairs[:, 1]])


def plot_head_losses(epochs: Sequence[Mapping[str, float]], columns: Sequence[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: training runs headless
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    numbers = [entry["epoch"] for entry in epochs]
    for column in columns:
        ax.plot(numbers, [entry[column] for entry in epochs], marker="o", label=column)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cosine-margin cross-entropy (epoch mean)")
    ax.set_title("DCGAN discriminator fine-tuning")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def finetune_dcgan(
    weights: Path,
    images_dir: Path,
    styles_csv: Path,
    out_dir: Path,
    *,
    epochs: int = 96,
    heads: Mapping[str, float] = DEFAULT_HEADS,
    instance_weight: float = 0.0,
    items: ItemViews | None = None,
    learning_rate: float = 5e-4,
    batch_size: int = 128,
    seed: int = 0,
    exclude: set[str] = frozenset(),
    console: Console | None = None,
) -> FinetuneReport:
    """Fine-tune the discriminator in ``weights`` on the labelled photos; ``heads`` maps label columns to loss
    weights, ``instance_weight`` weighs the twin-view instance term (0: none), ``items`` adds the item term.
    ``exclude`` holds file names kept out of training (the evaluation photos), of both photo sets."""
    item_weight = items.weight if items else 0.0
    if epochs < 1 or batch_size < 2 or not heads or instance_weight < 0 or item_weight < 0:
        raise ValueError(
            f"epochs must be positive, batch_size at least 2, heads not empty and instance and item weights not "
            f"negative, got {epochs}, {batch_size}, {dict(heads)}, {instance_weight}, {item_weight}"
        )
    if not weights.is_file():
        raise FileNotFoundError(f"no discriminator weights at {weights} (train them: snapmode train dcgan)")
    started = time.perf_counter()
    photos = read_labelled_photos(images_dir, styles_csv, list(heads), exclude)
    arrays = read_images(photos.paths, console)
    readable = [index for index, array in enumerate(arrays) if array is not None]
    skipped = len(arrays) - len(readable)
    if len(readable) < batch_size:
        raise ValueError(
            f"{len(readable)} readable labelled photos in {images_dir}: fewer than one batch of {batch_size}"
        )
    pixels = np.stack([arrays[index] for index in readable])
    item_pixels, item_views = read_item_views(items, exclude, console) if items else (NO_VIEWS, [])
    classes = {column: sorted({values[index] for index in readable}) for column, values in photos.labels.items()}
    targets = {
        column: np.asarray([classes[column].index(values[index]) for index in readable], dtype=np.int32)
        for column, values in photos.labels.items()
    }
    # with the instance term a batch holds two views of each photo, so an epoch takes twice the steps
    photos_per_step = batch_size // 2 if instance_weight else batch_size
    steps_per_epoch = len(pixels) // photos_per_step

    discriminator = dcgan.build_discriminator()
    discriminator.load_weights(weights)
    model = _Heads(discriminator, {c: len(v) for c, v in classes.items()}, heads, instance_weight, item_weight,
                   learning_rate, epochs * steps_per_epoch, seed)
    checkpoints = out_dir / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    log_path, curve_path = out_dir / LOG_NAME, out_dir / LOSS_CURVE_NAME
    log = {
        "settings": {
            "initial_weights": str(weights),
            "images_dir": str(images_dir),
            "styles_csv": str(styles_csv),
            "images": len(pixels),
            "skipped_images": skipped,
            "excluded_names": len(exclude),
            "heads": dict(heads),
            "instance_weight": instance_weight,
            "instance_temperature": INSTANCE_TEMPERATURE,
            "items": {
                **items.model_dump(mode="json"),
                "photos": len(item_pixels),
                "items_with_two_or_more_photos": len(item_views),
                "items_per_step": ITEMS_PER_STEP,
            } if items else None,
            "cosine_scale": COSINE_SCALE,
            "cosine_margin": COSINE_MARGIN,
            "learning_rate": learning_rate,
            "schedule": "cosine decay to 0",
            "beta_1": dcgan.BETA_1,
            "batch_size": batch_size,
            "steps_per_epoch": steps_per_epoch,
            "seed": seed,
            "augmentation": f"horizontal flip p=0.5; zoom p={1 - WHOLE_SHARE}: a square crop of "
            f"{ZOOM_MIN_AREA:.0%}-100% of the area, resized back (bilinear)",
        },
        "classes": classes,
        "epochs": [],
    }
    rng = np.random.default_rng(seed)
    train_seconds = 0.0
    columns = [*heads, *[INSTANCE_LOSS] * bool(instance_weight), *[ITEM_LOSS] * bool(item_weight)]
    with training_progress(console, "steps", columns) as progress:
        task = progress.add_task("fine-tuning", total=epochs * steps_per_epoch, **dict.fromkeys(columns, float("nan")))
        for epoch in range(1, epochs + 1):
            progress.update(task, description=f"epoch {epoch}/{epochs}")
            order = rng.permutation(len(pixels))
            sums = dict.fromkeys(columns, 0.0)
            epoch_started = time.perf_counter()
            for step in range(steps_per_epoch):
                chosen = order[step * photos_per_step : (step + 1) * photos_per_step]
                if instance_weight:
                    chosen = np.concatenate([chosen, chosen])  # _augment draws each twin's crop independently
                views = _augment(item_pixels[draw_item_pairs(item_views, rng)], rng) if item_weight else NO_VIEWS
                losses = model.train_step(
                    tf.constant(_augment(pixels[chosen], rng)),
                    {column: tf.constant(targets[column][chosen]) for column in heads},
                    tf.constant(views),
                )
                values = {column: float(loss) for column, loss in losses.items()}
                for column in columns:
                    sums[column] += values[column]
                progress.update(task, advance=1, **values)
            epoch_seconds = time.perf_counter() - epoch_started
            train_seconds += epoch_seconds
            means = {column: sums[column] / steps_per_epoch for column in columns}
            log["epochs"].append({"epoch": epoch, **means, "seconds": round(epoch_seconds, 1)})
            discriminator.save_weights(checkpoints / f"epoch_{epoch:03d}.weights.h5")
            write_json(log_path, log)
            plot_head_losses(log["epochs"], columns, curve_path)

    calibrate_batch_norm(model.features, pixels, batch_size)
    weights_path = out_dir / WEIGHTS_NAME
    discriminator.save_weights(weights_path)
    last = log["epochs"][-1]
    return FinetuneReport(
        epochs=epochs,
        images=len(pixels),
        skipped_images=skipped,
        classes={column: len(values) for column, values in classes.items()},
        steps_per_epoch=steps_per_epoch,
        seconds=time.perf_counter() - started,
        steps_per_second=epochs * steps_per_epoch / train_seconds if train_seconds else 0.0,
        losses={column: last[column] for column in columns},
        weights=weights_path,
        loss_curve=curve_path,
        log=log_path,
    )
