"""A MobileNet-style CNN (Howard et al., 2017) sized for small photos and a few CPU cores.

MobileNetV1's recipe: a 3x3 stem, then depthwise-separable blocks (3x3 depthwise conv +
1x1 pointwise conv, each followed by BatchNorm + ReLU6), downsampling by stride 2, global
average pooling and one dense softmax layer. At 96x96 input the 7x7-and-smaller stages of
the original are cut to two 512-channel blocks: the map is 3x3 there.

``LabelledAccuracy`` is the validation metric both this CNN and the linear head on DCGAN features train with.
"""

from __future__ import annotations

from snapmode.vision import dcgan  # noqa: F401  quiets TensorFlow's start-up logging and sets its threading

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

# (pointwise filters, stride) of each depthwise-separable block.
BLOCKS: tuple[tuple[int, int], ...] = (
    (32, 1),
    (64, 2),
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (256, 1),
    (512, 2),
    (512, 1),
)
STEM_FILTERS = 16
DROPOUT = 0.2
# Keras' default 0.99 averages over ~100 steps: in a run of a few epochs the weights move faster than
# that, and the moving statistics (what inference uses) lagged so far that every photo came out not_product.
BN_MOMENTUM = 0.9
WEIGHT_DECAY = 4e-5  # MobileNet's L2 on the pointwise and dense kernels


def _bn_relu(x, name: str):
    x = layers.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn")(x)
    return layers.ReLU(6.0, name=f"{name}_relu")(x)


def build_classifier(num_classes: int, image_size: int) -> keras.Model:
    """Images in [-1, 1] (``preprocess.to_model_input``) -> class probabilities (softmax)."""
    regulariser = keras.regularizers.L2(WEIGHT_DECAY)
    image = keras.Input((image_size, image_size, 3), name="image")
    x = layers.Conv2D(STEM_FILTERS, 3, 2, "same", use_bias=False, kernel_regularizer=regulariser, name="stem")(image)
    x = _bn_relu(x, "stem")
    for index, (filters, stride) in enumerate(BLOCKS, start=1):
        x = layers.DepthwiseConv2D(3, stride, "same", use_bias=False, name=f"block{index}_dw")(x)
        x = _bn_relu(x, f"block{index}_dw")
        x = layers.Conv2D(filters, 1, use_bias=False, kernel_regularizer=regulariser, name=f"block{index}_pw")(x)
        x = _bn_relu(x, f"block{index}_pw")
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    x = layers.Dropout(DROPOUT, name="dropout")(x)
    probabilities = layers.Dense(num_classes, activation="softmax", kernel_regularizer=regulariser, name="classes")(x)
    return keras.Model(image, probabilities, name="product_classifier")


class LabelledAccuracy(keras.metrics.Metric):
    """Accuracy over rows with a class (one-hot target): unlabelled product photos have none to match."""

    def __init__(self, name: str = "accuracy", **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.correct = self.add_variable((), initializer="zeros", name="correct")
        self.total = self.add_variable((), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        labelled = tf.cast(tf.reduce_max(y_true, axis=1) > 0.5, tf.float32)
        hits = tf.cast(tf.argmax(y_true, axis=1) == tf.argmax(y_pred, axis=1), tf.float32) * labelled
        self.correct.assign_add(tf.reduce_sum(hits))
        self.total.assign_add(tf.reduce_sum(labelled))

    def result(self):
        return tf.math.divide_no_nan(self.correct, self.total)

    def reset_state(self) -> None:
        self.correct.assign(0.0)
        self.total.assign(0.0)
