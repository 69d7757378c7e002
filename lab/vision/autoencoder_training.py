"""Train the autoencoder baseline on the DCGAN's unlabelled photos, with a loss curve and reconstructions.

``python -m lab.vision.autoencoder_training`` reproduces the shipped run::

    models/autoencoder.weights.h5          the weights the ``autoencoder`` feature extractor loads
    models/autoencoder/loss_curve.png      train and validation reconstruction loss per epoch
    models/autoencoder/reconstructions.png validation photos (odd rows) and their reconstructions
    models/autoencoder/training_log.json   settings and per-epoch losses
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from PIL import Image
from pydantic import BaseModel, ConfigDict
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lab.datasets import list_training_images
from lab.vision import autoencoder
from lab.vision.dcgan_training import load_images
from snapmode.config import REPO_ROOT
from snapmode.progress import RateColumn

import keras  # noqa: E402  after autoencoder, which quiets TensorFlow's start-up logging
import tensorflow as tf  # noqa: E402

WEIGHTS_PATH = REPO_ROOT / "models" / "autoencoder.weights.h5"
REPORT_DIR = REPO_ROOT / "models" / "autoencoder"
VAL_FRACTION = 0.05
GRID_COLUMNS = 8


class AutoencoderReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    epochs: int
    images: int
    val_images: int
    seconds: float
    train_loss: float  # mean squared error in [-1, 1] pixel units, last epoch
    val_loss: float
    weights: Path
    weights_mb: float


def _dataset(pixels: np.ndarray, batch_size: int, seed: int, augment: bool) -> tf.data.Dataset:
    def to_model(batch: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
        images = tf.cast(batch, tf.float32) / 127.5 - 1.0
        if augment:  # the DCGAN's augmentation: a left-right flip, p = 0.5
            flip = tf.random.uniform((tf.shape(images)[0], 1, 1, 1), seed=seed) < 0.5
            images = tf.where(flip, tf.reverse(images, axis=[2]), images)
        return images, images

    data = tf.data.Dataset.from_tensor_slices(pixels)
    if augment:
        data = data.shuffle(len(pixels), seed=seed, reshuffle_each_iteration=True)
    return data.batch(batch_size).map(to_model).prefetch(2)


class _RichProgress(keras.callbacks.Callback):
    """One bar over every step of the run, with the running loss; stops at the wall-time budget."""

    def __init__(self, progress: Progress, epochs: int, steps: int, deadline: float) -> None:
        super().__init__()
        self._progress, self._epochs, self._deadline = progress, epochs, deadline
        self._task = progress.add_task("training", total=epochs * steps, loss=float("nan"), val=float("nan"))

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._progress.update(self._task, description=f"epoch {epoch + 1}/{self._epochs}")

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._progress.update(self._task, advance=1, loss=(logs or {}).get("loss", float("nan")))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._progress.update(self._task, val=(logs or {}).get("val_loss", float("nan")))
        if time.monotonic() > self._deadline:
            self.model.stop_training = True


def save_reconstructions(model: keras.Model, pixels: np.ndarray, path: Path) -> None:
    """Rows of originals, each followed by a row of their reconstructions."""
    images = pixels[: 4 * GRID_COLUMNS]
    rebuilt = np.asarray(model(images.astype(np.float32) / 127.5 - 1.0, training=False))
    rebuilt = np.clip((rebuilt + 1.0) * 127.5, 0, 255).astype(np.uint8)
    size = autoencoder.IMAGE_SIZE
    rows = []
    for start in range(0, len(images), GRID_COLUMNS):
        rows += [np.concatenate(list(block[start : start + GRID_COLUMNS]), axis=1) for block in (images, rebuilt)]
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(rows, axis=0).reshape(-1, GRID_COLUMNS * size, 3)).save(path)


def plot_losses(train: list[float], val: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(train) + 1)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.plot(epochs, train, marker="o", label="train")
    ax.plot(epochs, val, marker="o", label="validation (5 % of photos, not trained on)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (pixels in [-1, 1])")
    ax.set_title("Autoencoder reconstruction loss")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def train_autoencoder(
    image_dirs: list[Path],
    weights_path: Path,
    report_dir: Path,
    epochs: int,
    exclude: set[str] = frozenset(),
    batch_size: int = 64,
    max_minutes: float | None = None,
    seed: int = 0,
    console: Console | None = None,
) -> AutoencoderReport:
    """Train from scratch for ``epochs`` epochs, or fewer when ``max_minutes`` runs out (checked per epoch)."""
    started = time.monotonic()
    keras.utils.set_random_seed(seed)
    pixels, _ = load_images(list_training_images(image_dirs, exclude), console)
    if len(pixels) < 2 * batch_size:
        raise ValueError(f"{len(pixels)} readable images: too few to train on in batches of {batch_size}")
    order = np.random.default_rng(seed).permutation(len(pixels))
    n_val = max(batch_size, int(len(pixels) * VAL_FRACTION))
    val, train = pixels[order[:n_val]], pixels[order[n_val:]]

    model = autoencoder.build_autoencoder()
    model.compile(optimizer=keras.optimizers.Adam(autoencoder.LEARNING_RATE), loss="mse")
    steps = -(-len(train) // batch_size)
    deadline = started + 60 * max_minutes if max_minutes else float("inf")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn("steps"))
    loss_column = TextColumn("loss {task.fields[loss]:.4f}  val {task.fields[val]:.4f}")
    with Progress(*columns, loss_column, TimeElapsedColumn(), console=console) as progress:
        history = model.fit(
            _dataset(train, batch_size, seed, augment=True),
            validation_data=_dataset(val, batch_size, seed, augment=False),
            epochs=epochs,
            shuffle=False,  # the dataset shuffles itself
            verbose=0,
            callbacks=[_RichProgress(progress, epochs, steps, deadline)],
        )
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    shipped = autoencoder.build_autoencoder()  # uncompiled: its weights file holds no optimizer state
    shipped.set_weights(model.get_weights())
    shipped.save_weights(weights_path)
    train_losses, val_losses = history.history["loss"], history.history["val_loss"]
    plot_losses(train_losses, val_losses, report_dir / "loss_curve.png")
    save_reconstructions(model, val, report_dir / "reconstructions.png")
    report = AutoencoderReport(
        epochs=len(train_losses),
        images=len(train),
        val_images=len(val),
        seconds=round(time.monotonic() - started, 1),
        train_loss=train_losses[-1],
        val_loss=val_losses[-1],
        weights=weights_path,
        weights_mb=round(weights_path.stat().st_size / 2**20, 2),
    )
    settings = {
        "batch_size": batch_size,
        "learning_rate": autoencoder.LEARNING_RATE,
        "seed": seed,
        "excluded_names": len(exclude),
        "augmentation": "horizontal flip p=0.5",
    }
    epochs_log = [{"epoch": i + 1, "loss": t, "val_loss": v} for i, (t, v) in enumerate(zip(train_losses, val_losses))]
    log = {"settings": settings, "report": report.model_dump(mode="json"), "epochs": epochs_log}
    (report_dir / "training_log.json").write_text(json.dumps(log, indent=1))
    return report


def main(
    epochs: Annotated[int, typer.Option(min=1)] = 30,
    max_minutes: Annotated[float, typer.Option(min=0.1, help="Stop after the epoch that passes this wall time")] = 13,
    weights: Annotated[Path, typer.Option()] = WEIGHTS_PATH,
    report_dir: Annotated[Path, typer.Option()] = REPORT_DIR,
) -> None:
    from lab.datasets import training_exclusions, unlabelled_training_dirs

    report = train_autoencoder(
        unlabelled_training_dirs(), weights, report_dir, epochs, training_exclusions(), max_minutes=max_minutes,
        console=Console(stderr=True),
    )
    typer.echo(report.model_dump_json())


if __name__ == "__main__":
    typer.run(main)
