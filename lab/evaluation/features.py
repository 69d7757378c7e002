"""Image feature extractors compared in the retrieval evaluation, one small class per model.

Each has a ``name``, ``size_mb`` (its weights file; 0 for parameter-free features) and
``embed(images) -> (n, d) float32``. All start from ``preprocess.square_resize``, the DCGAN's
own preprocessing, so they differ only in the model. A model whose weights are missing raises
``FileNotFoundError`` when built; ``load_extractors`` reports it as missing instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
from PIL import Image

from snapmode.backends.vectors.compact import (
    PROJECTION_NAME,
    VectorCodec,
    colours_as_stored,
    probabilities_as_stored,
)
from snapmode.config import SearchSettings, Settings
from snapmode.similarity import PhotoSignals, photo_signals
from snapmode.vision.article_types import WEIGHTS_NAME as ARTICLE_TYPES_WEIGHTS
from snapmode.vision.article_types import ArticleTypeHead
from snapmode.vision.colour import colour_histograms
from snapmode.vision.preprocess import to_model_input

if TYPE_CHECKING:
    from snapmode.vision.embedder import DcganEmbedder

BATCH_SIZE = 64
RAW_PIXELS_SIZE = 64
AUTOENCODER_WEIGHTS = "autoencoder.weights.h5"
DCGAN_WEIGHTS = "dcgan_discriminator.weights.h5"
DCGAN_GAN_STAGE_WEIGHTS = "dcgan/gan_discriminator.weights.h5"
CLASSIFIER_MODEL = "classifier.keras"


class FeatureExtractor(Protocol):
    name: str
    size_mb: float

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray: ...


def _file_mb(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 2)


def _require(path: Path, how_to_make: str) -> Path:
    if not path.is_file():
        raise FileNotFoundError(f"no weights at {path} ({how_to_make})")
    return path


class ColourHistogram:
    """Joint RGB histogram of the preprocessed 64x64 image, as pixel counts (cosine ignores the scale)."""

    name = "colour_histogram"
    size_mb = 0.0

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        return colour_histograms(images)


class RawPixels:
    """The 64x64x3 model input itself, flattened (12,288 values in [-1, 1])."""

    name = "raw_pixels"
    size_mb = 0.0

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        return to_model_input(images, RAW_PIXELS_SIZE).reshape(len(images), -1)


class _KerasFeatures:
    """Batches of model input through a Keras feature model traced once, flattened."""

    def __init__(self, features, image_size: int) -> None:
        import tensorflow as tf

        self._image_size = image_size
        self._features = tf.function(
            lambda x: tf.reshape(features(x, training=False), (tf.shape(x)[0], -1)),
            input_signature=[tf.TensorSpec((None, image_size, image_size, 3), tf.float32)],
        )

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        rows = [
            self._features(to_model_input(images[start : start + BATCH_SIZE], self._image_size)).numpy()
            for start in range(0, len(images), BATCH_SIZE)
        ]
        return np.concatenate(rows) if rows else np.zeros((0, 0), np.float32)


class AutoencoderFeatures(_KerasFeatures):
    """The convolutional autoencoder's 8x8x128 bottleneck (``lab.vision.autoencoder``)."""

    name = "autoencoder"

    def __init__(self, weights: Path) -> None:
        from lab.vision import autoencoder

        _require(weights, "train it with `python -m lab.vision.autoencoder_training`")
        model = autoencoder.build_autoencoder()
        model.load_weights(weights)
        self.size_mb = _file_mb(weights)
        super().__init__(autoencoder.encoder(model), autoencoder.IMAGE_SIZE)


class ClassifierFeatures(_KerasFeatures):
    """The product classifier's penultimate layer: what its softmax layer reads."""

    name = "classifier"

    def __init__(self, model_path: Path) -> None:
        import keras

        _require(model_path, "train it with `snapmode train classifier`")
        classifier = keras.saving.load_model(model_path, compile=False)
        penultimate = keras.Model(classifier.input, classifier.layers[-1].input, name="classifier_features")
        self.size_mb = _file_mb(model_path)
        super().__init__(penultimate, int(classifier.input.shape[1]))


class DcganFeatures:
    """The DCGAN discriminator's 4x4x512 block, L2-normalised (``DcganEmbedder``, what SnapMode ships)."""

    def __init__(self, weights: Path, name: str = "dcgan") -> None:
        _require(weights, "train it with `snapmode train dcgan`, then `snapmode train dcgan-finetune`")
        from snapmode.vision.embedder import DcganEmbedder

        self.name = name
        self._embedder = DcganEmbedder(weights)
        self.size_mb = _file_mb(weights)

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        return self._embedder.embed(images)


class DcganSearchFeatures(DcganFeatures):
    """The shipped DCGAN as the search ranks with it (snapmode.similarity): photos also meet through their detail
    views (``snapmode.vision.details``), and colour and the article-type head's agreement count, under the
    search's settings (``SNAPMODE_SEARCH__*`` included, as the search reads them)."""

    def __init__(self, weights: Path, article_types: Path) -> None:
        super().__init__(weights, "dcgan_search")
        self.weights = Settings().search
        self.article_types = ArticleTypeHead(article_types)
        self.size_mb = round(self.size_mb + _file_mb(article_types), 2)

    @property
    def embedder(self) -> DcganEmbedder:
        return self._embedder

    def signals(self, images: Sequence[Image.Image]) -> PhotoSignals:
        """The photos' features as indexing and the search compute them (``snapmode.similarity.photo_signals``)."""
        return photo_signals(self, images)


class DcganCompactFeatures(DcganSearchFeatures):
    """``dcgan_search`` with vectors, colour signatures and article types as the compact vector store keeps them
    (snapmode.backends.vectors.compact, under the ``compact_vectors`` settings): what the ranking compares once
    the index is compact, every pair scored exactly as before."""

    def __init__(self, weights: Path, article_types: Path, projection: Path) -> None:
        super().__init__(weights, article_types)
        self.name = "dcgan_compact"
        settings = Settings().compact_vectors
        self.codec = VectorCodec(_require(projection, "train it with `snapmode train projection`"),
                                 settings.index_dims, settings.rerank_dims)  # fmt: skip
        self.size_mb = round(self.size_mb + _file_mb(projection), 2)

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        return self.codec.as_stored(super().embed(images))

    def signals(self, images: Sequence[Image.Image]) -> PhotoSignals:
        signals = super().signals(images)
        n, views, dim = signals.details.shape
        return PhotoSignals(
            colours=colours_as_stored(signals.colours),
            article_types=probabilities_as_stored(signals.article_types),
            details=self.codec.as_stored(signals.details.reshape(n * views, dim)).reshape(n, views, dim),
            detail_colours=colours_as_stored(signals.detail_colours),
        )


@runtime_checkable
class SearchRanked(Protocol):
    """An extractor scored as the search ranks (snapmode.similarity), with more than its vectors."""

    weights: SearchSettings

    def signals(self, images: Sequence[Image.Image]) -> PhotoSignals: ...


# name -> how to build it from the models folder, in the order tables list them.
EXTRACTORS: dict[str, Callable[[Path], FeatureExtractor]] = {
    "colour_histogram": lambda models: ColourHistogram(),
    "raw_pixels": lambda models: RawPixels(),
    "autoencoder": lambda models: AutoencoderFeatures(models / AUTOENCODER_WEIGHTS),
    "classifier": lambda models: ClassifierFeatures(models / CLASSIFIER_MODEL),
    "dcgan_gan_only": lambda models: DcganFeatures(models / DCGAN_GAN_STAGE_WEIGHTS, "dcgan_gan_only"),
    "dcgan": lambda models: DcganFeatures(models / DCGAN_WEIGHTS),
    "dcgan_search": lambda models: DcganSearchFeatures(models / DCGAN_WEIGHTS, models / ARTICLE_TYPES_WEIGHTS),
    "dcgan_compact": lambda models: DcganCompactFeatures(
        models / DCGAN_WEIGHTS, models / ARTICLE_TYPES_WEIGHTS, models / PROJECTION_NAME
    ),
}


def load_extractors(names: Sequence[str], models_dir: Path) -> tuple[list[FeatureExtractor], dict[str, str]]:
    """The extractors that could be built, and for each that could not, why (missing weights)."""
    unknown = [name for name in names if name not in EXTRACTORS]
    if unknown:
        raise ValueError(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(EXTRACTORS)}")
    loaded, missing = [], {}
    for name in names:
        try:
            loaded.append(EXTRACTORS[name](models_dir))
        except FileNotFoundError as exc:
            missing[name] = str(exc)
    return loaded, missing
