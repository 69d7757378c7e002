"""How a region's features are kept compact: what the vector index and the re-ranking store of an 8192-d DCGAN
vector, and of its colour signature and article-type probabilities.

A stored vector is its *coordinates*: the vector projected on the learned projection's first ``rerank_dims`` rows
(models/vector_projection.npz, ``snapmode train projection``), normalised, kept as one byte each (and a scale). The vector index holds
the first ``index_dims`` of them, normalised again: the projection's rows are ordered by the energy they keep, so
the short prefix finds candidates and the whole coordinates re-rank them. Cosine similarities of coordinates stand
for those of the 8192-d vectors (docs/operations.md, "A million photos" has what each choice costs in recall and
in the retrieval evaluation). A colour signature keeps its non-zero bins, each as a byte; article-type
probabilities are bytes too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

PROJECTION_NAME = "vector_projection.npz"
QUANTA = 255  # a colour bin or a probability in [0, 1] is kept as round(value * 255)


def save_projection(path: Path, components: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, components=components.astype(np.float16))


class VectorCodec:
    """The learned projection, cut to the index's and the re-ranking's dimensions."""

    def __init__(self, path: Path, index_dims: int, rerank_dims: int) -> None:
        if not path.is_file():
            raise FileNotFoundError(f"no vector projection at {path} (run `snapmode train projection`)")
        with np.load(path) as saved:
            stored = saved["components"]
        self.digest = hashlib.sha256(stored.tobytes()).hexdigest()[:16]  # which projection made stored coordinates
        components = stored.astype(np.float32)
        if not 1 <= index_dims <= rerank_dims <= len(components):
            raise ValueError(
                f"index dims {index_dims} and re-rank dims {rerank_dims} must satisfy "
                f"1 <= index <= re-rank <= {len(components)} (the rows of {path})"
            )
        self.index_dims = index_dims
        self.rerank_dims = rerank_dims
        self.dim = components.shape[1]
        self._components = components[:rerank_dims]

    @property
    def projection(self) -> np.ndarray:
        """(rerank_dims, d): the rows coordinates are taken on."""
        return self._components

    def coordinates(self, vectors: np.ndarray) -> np.ndarray:
        """(n, rerank_dims) float32 unit rows: the vectors as the re-ranking compares them."""
        vectors = np.asarray(vectors, np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected {self.dim}-d vectors, got an array of shape {vectors.shape}")
        return _unit_rows(vectors @ self._components.T)

    def index_vectors(self, coordinates: np.ndarray) -> np.ndarray:
        """(n, index_dims) float32 unit rows: what the vector index searches."""
        return _unit_rows(np.asarray(coordinates, np.float32)[:, : self.index_dims])

    def vectors(self, coordinates: np.ndarray) -> np.ndarray:
        """8192-d vectors whose coordinates are these (a stored region searched for again, e.g. similar products)."""
        return _unit_rows(np.asarray(coordinates, np.float32) @ self._components)

    def as_stored(self, vectors: np.ndarray) -> np.ndarray:
        """8192-d vectors whose cosines are those the compact store compares for these (the retrieval evaluation
        scores photos with them)."""
        return self.vectors(unpack_coordinates([pack_coordinates(row) for row in self.coordinates(vectors)]))


def colours_as_stored(signatures: np.ndarray) -> np.ndarray:
    """Colour signatures (any leading shape) as the store gives them back."""
    rows = signatures.reshape(-1, signatures.shape[-1])
    return np.asarray([unpack_colour(pack_colour(row), len(row)) for row in rows], np.float32).reshape(signatures.shape)


def probabilities_as_stored(probabilities: np.ndarray) -> np.ndarray:
    rows = probabilities.reshape(-1, probabilities.shape[-1])
    stored = [unpack_probabilities(pack_probabilities(row)) for row in rows]
    return np.asarray(stored, np.float32).reshape(probabilities.shape)


def pack_coordinates(coordinates: np.ndarray) -> bytes:
    """A row of coordinates as bytes: its scale (float32), then each coordinate as a signed byte of that scale."""
    row = np.asarray(coordinates, np.float32)
    scale = float(np.abs(row).max()) / 127 or 1.0
    return np.float32(scale).tobytes() + np.rint(row / scale).astype(np.int8).tobytes()


def unpack_coordinates(blobs: list[bytes]) -> np.ndarray:
    raw = np.frombuffer(b"".join(blobs), np.uint8).reshape(len(blobs), -1)
    scales = raw[:, :4].copy().view(np.float32)
    return raw[:, 4:].view(np.int8).astype(np.float32) * scales


def pack_colour(signature: list[float]) -> bytes:
    """The non-zero bins of a colour signature: 2 bytes of bin index and 1 of value each."""
    values = np.rint(np.asarray(signature, np.float32) * QUANTA).astype(np.uint8)
    bins = np.flatnonzero(values).astype("<u2")
    return bins.tobytes() + values[bins].tobytes()


def unpack_colour(blob: bytes, dim: int) -> np.ndarray:
    count = len(blob) // 3
    signature = np.zeros(dim, np.float32)
    bins = np.frombuffer(blob[: 2 * count], "<u2")
    signature[bins] = np.frombuffer(blob[2 * count :], np.uint8) / QUANTA
    return signature


def pack_probabilities(probabilities: list[float]) -> bytes:
    return np.rint(np.clip(np.asarray(probabilities, np.float32), 0, 1) * QUANTA).astype(np.uint8).tobytes()


def unpack_probabilities(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, np.uint8).astype(np.float32) / QUANTA


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
