"""The compact store's projection: what it is learned from and what it keeps."""

import hashlib

import numpy as np
import pytest

from lab.datasets import MYNTRA_EVALUATION_SIZE, myntra_evaluation_paths, myntra_test_split
from lab.vision.projection_training import fit_projection, training_photos


def test_the_projection_keeps_inner_products_in_order_of_energy():
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(64, 6)))
    # Vectors in a 6-d subspace, one direction far stronger than the others, none centred.
    vectors = (rng.normal(size=(500, 6)) * [5, 2, 1, 1, 0.5, 0.2] + [3, 0, 0, 0, 0, 0]) @ basis.T
    components, energy = fit_projection(vectors.astype(np.float32), 6)
    assert components @ components.T == pytest.approx(np.eye(6), abs=1e-4)
    assert list(energy) == sorted(energy, reverse=True) and energy.sum() == pytest.approx(1.0, abs=1e-4)
    kept = vectors @ components.T
    assert kept @ kept.T == pytest.approx(vectors @ vectors.T, rel=1e-3, abs=1e-2)
    # The mean direction is kept first: the projection is uncentred, as cosine similarity is.
    assert abs(components[0] @ basis[:, 0]) > 0.9


def test_the_test_split_is_a_quarter_of_ids_by_their_sha256():
    ids = [str(i) for i in range(10_000, 14_000)]
    chosen = [i for i in ids if myntra_test_split(i)]
    assert 0.22 < len(chosen) / len(ids) < 0.28
    assert all(int(hashlib.sha256(i.encode()).hexdigest(), 16) % 4 == 0 for i in chosen)


def test_training_photos_leave_out_the_test_split_and_the_evaluation_photos(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    for i in range(3000):
        (images / f"{10_000 + i}.jpg").write_bytes(b"")
    evaluation = {path.name for path in myntra_evaluation_paths(tmp_path)}
    assert len(evaluation) == MYNTRA_EVALUATION_SIZE
    chosen = training_photos(10_000, myntra_dir=tmp_path)
    names = {path.name for path in chosen}
    assert names and not names & evaluation
    assert not any(myntra_test_split(path.stem) for path in chosen)
    left = [p for p in images.iterdir() if p.name not in evaluation and not myntra_test_split(p.stem)]
    assert len(chosen) == len(left)
