"""A small convolutional autoencoder for 64x64 RGB images in [-1, 1]: the unsupervised baseline.

Trained on the same unlabelled photos as the DCGAN; its bottleneck (8x8x128 = 8192 values, as many
as the DCGAN's 4x4x512 features) flattened is the embedding. Convolutions are 4x4 stride 2 as in
the DCGAN, so the two differ in what they learn from (reconstruction vs telling real from fake),
not in their receptive fields.
"""

from __future__ import annotations

from snapmode.vision import dcgan  # noqa: F401  quiets TensorFlow's start-up logging before Keras loads

import keras  # noqa: E402
from keras import layers  # noqa: E402

IMAGE_SIZE = 64
BOTTLENECK_LAYER = "bottleneck"
BOTTLENECK_SHAPE = (8, 8, 128)
EMBEDDING_DIM = 8 * 8 * 128
LEARNING_RATE = 1e-3


def build_autoencoder() -> keras.Model:
    """64x64x3 -> 32x32x32 -> 16x16x64 -> 8x8x128 (``BOTTLENECK_LAYER``, linear) -> back to 64x64x3 (tanh)."""
    image = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="image")
    x = image
    for filters in (32, 64):
        x = layers.Conv2D(filters, 4, 2, "same", name=f"down{filters}")(x)
        x = layers.LeakyReLU(0.2)(x)
    code = layers.Conv2D(BOTTLENECK_SHAPE[-1], 4, 2, "same", name=BOTTLENECK_LAYER)(x)
    x = code
    for filters in (64, 32):
        x = layers.Conv2DTranspose(filters, 4, 2, "same", name=f"up{filters}")(x)
        x = layers.LeakyReLU(0.2)(x)
    reconstruction = layers.Conv2DTranspose(3, 4, 2, "same", activation="tanh", name="rgb")(x)
    return keras.Model(image, reconstruction, name="autoencoder")


def encoder(autoencoder: keras.Model) -> keras.Model:
    """The autoencoder up to its bottleneck, sharing its weights."""
    return keras.Model(autoencoder.input, autoencoder.get_layer(BOTTLENECK_LAYER).output, name="autoencoder_encoder")
