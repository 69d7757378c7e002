"""The one place a SnapMode process loads torch and TensorFlow, in the only order in which they share a process.

Two clashes of native libraries make the order load-bearing:

- torchvision or triton loaded after TensorFlow segfaults the process; torch, torchvision and triton loaded
  first, all of them coexist with TensorFlow.
- TensorFlow's library carries its own SQLite, built without FTS5. Loaded before Python's ``sqlite3``, it serves
  sqlite3's symbols, and the embedded product index's full-text search fails ("no such module: fts5").

So no other module imports torch, TensorFlow or Keras (tests/test_roles.py checks it): the detector gets torch from
``torch()`` (``ultralytics_env.import_yolo``), the embedder and the classifier get TensorFlow and Keras from
``tensorflow()`` and ``keras()``.

A process that runs one framework only loads nothing of the other, once its components said what they run
(``uses``): on a cluster the detect bolt's process says torch and never imports TensorFlow, the embed bolt's says
TensorFlow and never imports torch. Where one process runs both (the embedded runner, whose detect and embed bolts
both say so; the API's photo search, ``Services.load_models``), torch is loaded before TensorFlow whichever model
comes first. A process where nobody said anything (a script, the lab, the test session) is treated as one that may
run both: loading TensorFlow loads torch first when torch is installed, so the detector still works after it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import sys
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Literal

from snapmode.errors import SnapModeError

Framework = Literal["torch", "tensorflow"]

_said: set[str] = set()
# Two threads of one process may load their models at once (the photo search detects while it classifies).
_lock = threading.RLock()


class FrameworkOrderError(SnapModeError):
    """torch was asked for after TensorFlow in a process that said it runs TensorFlow only."""


def uses(*frameworks: Framework) -> None:
    """Say which frameworks this process's components run; before any model loads (bolts: in ``initialize``)."""
    with _lock:
        _said.update(frameworks)


def torch() -> ModuleType:
    """torch, with torchvision and triton loaded beside it (ultralytics loads them later otherwise)."""
    with _lock:
        if "tensorflow" in sys.modules and "torchvision" not in sys.modules:
            raise FrameworkOrderError(
                "torch was asked for after TensorFlow was loaded, which segfaults the process: this process said it "
                f"runs {sorted(_said)}; a process that runs both says so first: "
                'snapmode.vision.frameworks.uses("torch", "tensorflow")'
            )
        if "torch" not in sys.modules:
            _one_blas_thread()
        import torch
        import torchvision  # noqa: F401
        import triton  # noqa: F401

        return torch


def tensorflow() -> ModuleType:
    """TensorFlow, after torch where this process may run torch too, and after Python's sqlite3."""
    with _lock:
        if "tensorflow" not in sys.modules:
            if _may_run_torch():
                torch()  # which limits numpy's BLAS as it loads
            else:
                _one_blas_thread()
            _load_tensorflow()
        return sys.modules["tensorflow"]


def keras() -> ModuleType:
    """Keras on TensorFlow (importing Keras loads its backend: TensorFlow goes through ``tensorflow()`` first)."""
    tensorflow()
    import keras

    return keras


def _may_run_torch() -> bool:
    if _said:
        return "torch" in _said
    return importlib.util.find_spec("torch") is not None


def _load_tensorflow() -> None:
    import sqlite3  # noqa: F401  before TensorFlow, which would otherwise serve sqlite3 its SQLite without FTS5

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with _native_stderr_muted():
        import tensorflow as tf
    with contextlib.suppress(RuntimeError):  # raised when the runtime already started: its setting stands
        # One op at a time, each on all cores: on a few shared cores concurrent ops thrash (measured ~2x slower steps).
        tf.config.threading.set_inter_op_parallelism_threads(1)


def _one_blas_thread() -> None:
    """numpy's BLAS (OpenBLAS) on one thread from now on, in a process that runs a framework.

    The frameworks' own thread pools hold every core while a batch goes through the models, and OpenBLAS threads
    started beside them for numpy's products (the vector projection, the article-type head) wait for the cores
    those pools spin on: in a batch of imaging, a projection that takes 6 ms alone took 120 ms, the head's 0.1 ms
    took 116 (cProfile). On one thread the imaging path costs a quarter less CPU a photo (docs/operations.md,
    "Imaging throughput"). The lab's large products, with no model running beside them, lift the limit.
    """
    import numpy  # noqa: F401  loads OpenBLAS: the limit reaches loaded libraries only
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


@contextlib.contextmanager
def _native_stderr_muted() -> Iterator[None]:
    """TensorFlow's C++ prints start-up notices (oneDNN) before any log level applies; only the fd can mute them."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
