"""The DCGAN of Radford et al. (2016) for 64x64 RGB images in [-1, 1], in Keras 3.

The discriminator doubles as the visual-search feature extractor: its last conv block
(4x4x512, named ``FEATURES_LAYER``) flattened is the 8192-d embedding.
"""

from __future__ import annotations

from snapmode.vision import frameworks

keras = frameworks.keras()
layers = keras.layers

IMAGE_SIZE = 64
LATENT_DIM = 100
EMBEDDING_DIM = 4 * 4 * 512
FEATURES_LAYER = "features"
LEARNING_RATE = 2e-4
BETA_1 = 0.5


def _conv_init() -> keras.initializers.Initializer:
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)  # the paper's init


def _batch_norm(name: str, dtype: str) -> layers.BatchNormalization:
    return layers.BatchNormalization(
        gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02), name=name, dtype=dtype
    )


def build_generator(latent_dim: int = LATENT_DIM, dtype: str = "float32") -> keras.Model:
    """z -> 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64x3 (tanh).

    ``dtype`` is a Keras dtype policy; "mixed_bfloat16" computes in bfloat16 and keeps float32 weights.
    """
    z = keras.Input((latent_dim,), name="z")
    x = layers.Dense(4 * 4 * 512, use_bias=False, kernel_initializer=_conv_init(), name="project", dtype=dtype)(z)
    x = layers.Reshape((4, 4, 512), dtype=dtype)(x)
    x = _batch_norm("project_bn", dtype)(x)
    x = layers.ReLU(dtype=dtype)(x)
    for filters in (256, 128, 64):
        x = layers.Conv2DTranspose(
            filters, 4, 2, "same", use_bias=False, kernel_initializer=_conv_init(), name=f"up{filters}", dtype=dtype
        )(x)
        x = _batch_norm(f"up{filters}_bn", dtype)(x)
        x = layers.ReLU(dtype=dtype)(x)
    image = layers.Conv2DTranspose(
        3, 4, 2, "same", activation="tanh", kernel_initializer=_conv_init(), name="rgb", dtype=dtype
    )(x)
    return keras.Model(z, image, name="generator")


def build_discriminator(dtype: str = "float32") -> keras.Model:
    """64x64x3 -> 32x32x64 -> 16x16x128 -> 8x8x256 -> 4x4x512 (``FEATURES_LAYER``) -> one logit.

    Conv 4x4 stride 2 throughout, as in the paper: no batch norm on the first block.
    """
    image = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="image")
    x = layers.Conv2D(64, 4, 2, "same", kernel_initializer=_conv_init(), name="down64", dtype=dtype)(image)
    x = layers.LeakyReLU(0.2, dtype=dtype)(x)
    for filters in (128, 256, 512):
        x = layers.Conv2D(
            filters, 4, 2, "same", use_bias=False, kernel_initializer=_conv_init(), name=f"down{filters}", dtype=dtype
        )(x)
        x = _batch_norm(f"down{filters}_bn", dtype)(x)
        x = layers.LeakyReLU(0.2, name=FEATURES_LAYER if filters == 512 else None, dtype=dtype)(x)
    x = layers.Flatten(dtype=dtype)(x)
    logit = layers.Dense(1, kernel_initializer=_conv_init(), name="logit", dtype=dtype)(x)
    return keras.Model(image, logit, name="discriminator")


def feature_extractor(discriminator: keras.Model) -> keras.Model:
    """The discriminator up to its last conv block, sharing its weights."""
    return keras.Model(discriminator.input, discriminator.get_layer(FEATURES_LAYER).output, name="dcgan_features")


def adam() -> keras.optimizers.Adam:
    return keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1=BETA_1)
