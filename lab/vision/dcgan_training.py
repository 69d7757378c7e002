"""Train the DCGAN on product photos; resumable per epoch, with sample grids and a loss curve.

Everything a run produces lives in ``out_dir``::

    checkpoints/                  generator, discriminator, optimisers, noise RNG, epoch (resume point)
    samples/epoch_NNN.png         8x8 grid from a fixed noise batch, one per epoch
    loss_curve.png                per-step and per-epoch-mean losses
    training_log.json             settings, per-epoch and per-step losses
    dcgan_discriminator.weights.h5  the discriminator after the last epoch (what the embedder loads)
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from lab.datasets import list_training_images
from snapmode.progress import RateColumn
from snapmode.vision import dcgan
from snapmode.vision.preprocess import square_resize

import tensorflow as tf  # noqa: E402  after dcgan, which quiets TensorFlow's start-up logging
import keras  # noqa: E402

WEIGHTS_NAME = "dcgan_discriminator.weights.h5"
LOG_NAME = "training_log.json"
LOSS_CURVE_NAME = "loss_curve.png"
GRID_SIDE = 8
Precision = Literal["float32", "mixed_bfloat16"]


class TrainReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    epochs: int  # epochs completed in out_dir, resumed ones included
    resumed_from_epoch: int
    images: int
    skipped_images: int  # unreadable files left out
    steps_per_epoch: int
    seconds: float  # wall time of this call
    steps_per_second: float  # of this call's steps
    d_loss: float  # mean over the last epoch
    g_loss: float
    weights: Path
    sample_grid: Path  # the last epoch's
    loss_curve: Path
    log: Path
    checkpoints: Path


def _load_one(path: Path) -> np.ndarray | None:
    try:
        with Image.open(path) as image:
            # JPEG draft decodes at a reduced scale: a 1580 px photo needs no full decode to become 64 px.
            image.draft("RGB", (4 * dcgan.IMAGE_SIZE, 4 * dcgan.IMAGE_SIZE))
            return np.asarray(square_resize(image, dcgan.IMAGE_SIZE))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None


def read_images(paths: Sequence[Path], console: Console | None = None) -> list[np.ndarray | None]:
    """Per path, (64, 64, 3) uint8 pixels, or None for an unreadable image."""
    arrays: list[np.ndarray | None] = []
    with training_progress(console, "images") as progress, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        task = progress.add_task("loading images", total=len(paths))
        for array in pool.map(_load_one, paths):
            arrays.append(array)
            progress.advance(task)
    return arrays


def load_images(paths: Sequence[Path], console: Console | None = None) -> tuple[np.ndarray, int]:
    """(n, 64, 64, 3) uint8 pixels of the readable images, and how many were unreadable."""
    pixels = [array for array in read_images(paths, console) if array is not None]
    empty = np.zeros((0, dcgan.IMAGE_SIZE, dcgan.IMAGE_SIZE, 3), np.uint8)
    return (np.stack(pixels) if pixels else empty), len(paths) - len(pixels)


def training_progress(console: Console | None, unit: str, loss_fields: Sequence[str] = ()) -> Progress:
    """A bar with a rate in ``unit``/s and the current value of each named task field (the losses)."""
    losses = "  ".join(f"{field} {{task.fields[{field}]:.3f}}" for field in loss_fields)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        *([TextColumn(losses)] if loss_fields else []),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


class _Gan:
    """Both networks, their optimisers and compiled train step, checkpointed as one."""

    def __init__(self, seed: int, precision: Precision) -> None:
        keras.utils.set_random_seed(seed)
        self.generator = dcgan.build_generator(dtype=precision)
        self.discriminator = dcgan.build_discriminator(dtype=precision)
        self.g_optimizer, self.d_optimizer = dcgan.adam(), dcgan.adam()
        # Built now so a restored checkpoint has slots to fill (Keras creates them lazily otherwise).
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.noise = tf.random.Generator.from_seed(seed)
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.checkpoint = tf.train.Checkpoint(
            generator=self.generator,
            discriminator=self.discriminator,
            g_optimizer=self.g_optimizer,
            d_optimizer=self.d_optimizer,
            noise=self.noise,
            epoch=self.epoch,
        )
        self._bce = keras.losses.BinaryCrossentropy(from_logits=True)

    def _logits(self, images: tf.Tensor) -> tf.Tensor:
        return tf.cast(self.discriminator(images, training=True), tf.float32)

    @tf.function(input_signature=[tf.TensorSpec((None, dcgan.IMAGE_SIZE, dcgan.IMAGE_SIZE, 3), tf.uint8)])
    def train_step(self, real_pixels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        real = tf.cast(real_pixels, tf.float32) / 127.5 - 1.0
        n = tf.shape(real)[0]
        with tf.GradientTape() as tape:
            fake = self.generator(self.noise.normal((n, dcgan.LATENT_DIM)), training=True)
            real_logits, fake_logits = self._logits(real), self._logits(fake)
            real_loss = self._bce(tf.ones_like(real_logits), real_logits)
            d_loss = real_loss + self._bce(tf.zeros_like(fake_logits), fake_logits)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, variables), variables))
        with tf.GradientTape() as tape:
            fake_logits = self._logits(self.generator(self.noise.normal((n, dcgan.LATENT_DIM)), training=True))
            g_loss = self._bce(tf.ones_like(fake_logits), fake_logits)  # the paper's non-saturating loss
        variables = self.generator.trainable_variables
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
        return d_loss, g_loss


def _epoch_batches(pixels: np.ndarray, batch_size: int, rng: np.random.Generator) -> Iterable[np.ndarray]:
    """Shuffled full batches, each image flipped left-right with probability 1/2."""
    order = rng.permutation(len(pixels))
    for start in range(0, len(order) - batch_size + 1, batch_size):
        batch = pixels[order[start : start + batch_size]]
        flip = rng.random(batch_size) < 0.5
        batch[flip] = batch[flip, :, ::-1]
        yield batch


def calibrate_batch_norm(model: keras.Model, pixels: np.ndarray, batch_size: int) -> None:
    """Set every batch norm's moving statistics to their average over real images.

    Training leaves them a blend of real and generated batches (the discriminator runs in training
    mode on both), but embeddings are only ever taken of real photos.
    """
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [norm.momentum for norm in norms]
    for index, start in enumerate(range(0, len(pixels), batch_size)):
        for norm in norms:
            norm.momentum = index / (index + 1)  # a running mean over batches, not a decaying one
        model(pixels[start : start + batch_size].astype(np.float32) / 127.5 - 1.0, training=True)
    for norm, momentum in zip(norms, momenta, strict=True):
        norm.momentum = momentum


def save_sample_grid(generator: keras.Model, noise: np.ndarray, path: Path) -> None:
    # Batch statistics, as in training: the moving averages lag far behind for the first epochs.
    images = np.asarray(generator(noise, training=True), dtype=np.float32)
    pixels = np.clip((images + 1.0) * 127.5, 0, 255).astype(np.uint8)
    side, size = GRID_SIDE, dcgan.IMAGE_SIZE
    grid = pixels[: side * side].reshape(side, side, size, size, 3).transpose(0, 2, 1, 3, 4)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(grid.reshape(side * size, side * size, 3)).save(path)


def plot_losses(step_losses: Sequence[Sequence[float]], steps_per_epoch: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only: training runs headless
    import matplotlib.pyplot as plt

    losses = np.asarray(step_losses, dtype=np.float64).reshape(-1, 2)
    steps = np.arange(1, len(losses) + 1)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for column, (name, colour) in enumerate((("discriminator", "tab:blue"), ("generator", "tab:orange"))):
        ax.plot(steps, losses[:, column], color=colour, alpha=0.3, linewidth=0.8)
        whole = len(losses) // steps_per_epoch * steps_per_epoch
        if whole:
            means = losses[:whole, column].reshape(-1, steps_per_epoch).mean(axis=1)
            ends = np.arange(1, len(means) + 1) * steps_per_epoch
            ax.plot(ends, means, color=colour, marker="o", label=f"{name} (epoch mean)")
    ax.set_xlabel("step")
    ax.set_ylabel("loss (binary cross-entropy)")
    ax.set_title("DCGAN training losses")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_json(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1))
    tmp.replace(path)  # a crash mid-write never leaves a truncated log


def train_dcgan(
    image_dirs: list[Path],
    out_dir: Path,
    epochs: int,
    batch_size: int = 128,
    seed: int = 0,
    exclude: set[str] = frozenset(),
    limit: int | None = None,
    precision: Precision = "float32",
    console: Console | None = None,
) -> TrainReport:
    """Train for ``epochs`` epochs in total, continuing from the last checkpoint in ``out_dir``.

    ``exclude`` holds file names (paths are compared by name) kept out of training, e.g. evaluation views.
    ``precision="mixed_bfloat16"`` is faster on CPUs with AVX512-BF16 or AMX; weights stay float32 either way.
    """
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be positive, got {epochs} and {batch_size}")
    started = time.perf_counter()
    paths = list_training_images(image_dirs, exclude, limit, seed)
    pixels, skipped = load_images(paths, console)
    if len(pixels) < batch_size:
        folders = ", ".join(str(d) for d in image_dirs)
        raise ValueError(f"{len(pixels)} readable images in {folders}: fewer than one batch of {batch_size}")
    steps_per_epoch = len(pixels) // batch_size

    out_dir.mkdir(parents=True, exist_ok=True)
    log_path, curve_path, weights_path = out_dir / LOG_NAME, out_dir / LOSS_CURVE_NAME, out_dir / WEIGHTS_NAME
    checkpoint_dir = out_dir / "checkpoints"
    gan = _Gan(seed, precision)
    manager = tf.train.CheckpointManager(gan.checkpoint, checkpoint_dir, max_to_keep=1)
    if manager.latest_checkpoint:
        gan.checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    resumed_from = int(gan.epoch.numpy())
    log = json.loads(log_path.read_text()) if resumed_from and log_path.exists() else {"epochs": [], "step_losses": []}
    log["settings"] = {
        "image_dirs": [str(d) for d in image_dirs],
        "images": len(pixels),
        "skipped_images": skipped,
        "excluded_names": len(exclude),
        "limit": limit,
        "batch_size": batch_size,
        "steps_per_epoch": steps_per_epoch,
        "seed": seed,
        "precision": precision,
        "learning_rate": dcgan.LEARNING_RATE,
        "beta_1": dcgan.BETA_1,
        "latent_dim": dcgan.LATENT_DIM,
        "augmentation": "horizontal flip p=0.5",
    }
    grid_noise = np.random.default_rng(seed).standard_normal((GRID_SIDE**2, dcgan.LATENT_DIM)).astype(np.float32)
    grid_path = out_dir / "samples" / f"epoch_{max(resumed_from, 1):03d}.png"

    steps_run, train_seconds = 0, 0.0
    with training_progress(console, "steps", ("d_loss", "g_loss")) as progress:
        task = progress.add_task(
            "training", total=max(0, epochs - resumed_from) * steps_per_epoch, d_loss=float("nan"), g_loss=float("nan")
        )
        for epoch in range(resumed_from + 1, epochs + 1):
            progress.update(task, description=f"epoch {epoch}/{epochs}")
            epoch_losses: list[tuple[float, float]] = []
            epoch_started = time.perf_counter()
            for batch in _epoch_batches(pixels, batch_size, np.random.default_rng([seed, epoch])):
                d_loss, g_loss = (float(v) for v in gan.train_step(tf.constant(batch)))
                epoch_losses.append((d_loss, g_loss))
                progress.update(task, advance=1, d_loss=d_loss, g_loss=g_loss)
            epoch_seconds = time.perf_counter() - epoch_started
            steps_run += len(epoch_losses)
            train_seconds += epoch_seconds

            gan.epoch.assign(epoch)
            manager.save(checkpoint_number=epoch)
            grid_path = out_dir / "samples" / f"epoch_{epoch:03d}.png"
            save_sample_grid(gan.generator, grid_noise, grid_path)
            d_mean, g_mean = np.mean(epoch_losses, axis=0)
            log["epochs"].append(
                {"epoch": epoch, "d_loss": float(d_mean), "g_loss": float(g_mean), "seconds": round(epoch_seconds, 1)}
            )
            log["step_losses"] += [[round(d, 5), round(g, 5)] for d, g in epoch_losses]
            write_json(log_path, log)
            plot_losses(log["step_losses"], steps_per_epoch, curve_path)

    if not grid_path.exists():  # resumed a finished run: the outputs are re-derived from the checkpoint
        save_sample_grid(gan.generator, grid_noise, grid_path)
    if not curve_path.exists():
        plot_losses(log["step_losses"], steps_per_epoch, curve_path)
    calibrate_batch_norm(gan.discriminator, pixels, batch_size)
    gan.discriminator.save_weights(weights_path)
    last = log["epochs"][-1] if log["epochs"] else {"d_loss": float("nan"), "g_loss": float("nan")}
    return TrainReport(
        epochs=int(gan.epoch.numpy()),
        resumed_from_epoch=resumed_from,
        images=len(pixels),
        skipped_images=skipped,
        steps_per_epoch=steps_per_epoch,
        seconds=time.perf_counter() - started,
        steps_per_second=steps_run / train_seconds if train_seconds else 0.0,
        d_loss=last["d_loss"],
        g_loss=last["g_loss"],
        weights=weights_path,
        sample_grid=grid_path,
        loss_curve=curve_path,
        log=log_path,
        checkpoints=checkpoint_dir,
    )
