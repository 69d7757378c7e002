"""Product-category tags, and "is this a product photo at all?", from the shipped MobileNet-style CNN.

The model's last class is ``not_product`` (logos, banners, icons, blanks, UI blocks); a photo is
judged not a product photo when that class's probability reaches the threshold chosen on the
validation split at training time. ``label`` is always the best *product* class, so every region
of a product photo gets a category.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict

from snapmode.vision import frameworks
from snapmode.vision.preprocess import to_model_input
from snapmode.vision.taxonomy import NOT_PRODUCT

tf = frameworks.tensorflow()
keras = frameworks.keras()

BATCH_SIZE = 64
TOP_K = 3


class ClassifierConfig(BaseModel):
    """What inference needs besides the model, shipped next to it as ``<name>.json``."""

    classes: list[str]  # model outputs in order; the last is not_product
    not_product_threshold: float  # not_product probability at which a photo is rejected


class Prediction(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str  # the most likely product class (a category, never not_product)
    score: float  # its probability
    not_product: float  # probability of not being a product photo
    is_product: bool
    top: list[tuple[str, float]]  # the most likely classes, not_product included, best first


def config_path(model_path: Path) -> Path:
    """``models/classifier.keras`` -> ``models/classifier.json``."""
    return model_path.with_name(model_path.name.split(".", 1)[0] + ".json")


class ProductClassifier:
    def __init__(self, model_path: Path) -> None:
        sidecar = config_path(model_path)
        if not model_path.is_file() or not sidecar.is_file():
            raise FileNotFoundError(
                f"no classifier at {model_path} (with {sidecar.name}): run `snapmode train classifier`"
            )
        self.config = ClassifierConfig.model_validate_json(sidecar.read_text(encoding="utf-8"))
        model = keras.saving.load_model(model_path, compile=False)
        outputs = int(model.output.shape[-1])
        if self.config.classes[-1] != NOT_PRODUCT or len(self.config.classes) != outputs:
            raise ValueError(
                f"{sidecar}: {len(self.config.classes)} classes ending in {self.config.classes[-1]!r} do not fit "
                f"{model_path.name}, which has {outputs} outputs and must end in {NOT_PRODUCT!r}"
            )
        self.image_size = size = int(model.input.shape[1])
        # One trace for every batch size: the batch dimension is left open.
        self._probabilities = tf.function(
            lambda images: model(images, training=False),
            input_signature=[tf.TensorSpec((None, size, size, 3), tf.float32)],
        )

    @property
    def classes(self) -> list[str]:
        return self.config.classes

    def probabilities(self, images: Sequence[Image.Image]) -> np.ndarray:
        """(n, classes) float32; any size or mode of image is accepted."""
        size = self.image_size
        rows = [
            self._probabilities(to_model_input(images[start : start + BATCH_SIZE], size)).numpy()
            for start in range(0, len(images), BATCH_SIZE)
        ]
        return np.concatenate(rows) if rows else np.zeros((0, len(self.classes)), np.float32)

    def classify(self, images: Sequence[Image.Image]) -> list[Prediction]:
        return [self.prediction(row) for row in self.probabilities(images)]

    def prediction(self, probabilities: np.ndarray) -> Prediction:
        best = int(np.argmax(probabilities[:-1]))
        not_product = float(probabilities[-1])
        order = np.argsort(-probabilities)[:TOP_K]
        return Prediction(
            label=self.classes[best],
            score=round(float(probabilities[best]), 4),
            not_product=round(not_product, 4),
            is_product=not_product < self.config.not_product_threshold,
            top=[(self.classes[i], round(float(probabilities[i]), 4)) for i in order],
        )
