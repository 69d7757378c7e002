"""Whole-image and region embeddings from the trained DCGAN discriminator (8192-d, L2-normalised)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from snapmode.vision import dcgan, frameworks
from snapmode.vision.preprocess import to_model_input

tf = frameworks.tensorflow()

BATCH_SIZE = 64


class DcganEmbedder:
    dim = dcgan.EMBEDDING_DIM

    def __init__(self, weights_path: Path) -> None:
        if not weights_path.is_file():
            raise FileNotFoundError(f"no DCGAN discriminator weights at {weights_path} (run `snapmode train dcgan`)")
        discriminator = dcgan.build_discriminator()
        discriminator.load_weights(weights_path)
        self._features = dcgan.feature_extractor(discriminator)
        size = dcgan.IMAGE_SIZE
        # One trace for every batch size: the batch dimension is left open.
        self._embed_batch = tf.function(
            self._normalised_features, input_signature=[tf.TensorSpec((None, size, size, 3), tf.float32)]
        )

    def _normalised_features(self, images: tf.Tensor) -> tf.Tensor:
        flat = tf.reshape(self._features(images, training=False), (-1, self.dim))
        return tf.math.l2_normalize(flat, axis=1)

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray:
        """(n, 8192) float32, each row of unit length; any size or mode of image is accepted."""
        rows = [
            self._embed_batch(to_model_input(images[start : start + BATCH_SIZE], dcgan.IMAGE_SIZE)).numpy()
            for start in range(0, len(images), BATCH_SIZE)
        ]
        return np.concatenate(rows) if rows else np.zeros((0, self.dim), np.float32)
