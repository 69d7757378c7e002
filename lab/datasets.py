"""The photo sets the models are trained and evaluated on, named once.

The 1,000 Myntra evaluation photos are a seeded draw over the sorted file list (seed 1234); the
DCGAN, the autoencoder and the classifier never train on them, nor on the 40 held-out Luma views
of ``tests/fixtures/heldout/heldout.json``. ``python -m lab.datasets [OUT.csv]``
writes the evaluation photos' rows of ``styles.csv``, the labels `snapmode eval retrieval` reads.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from snapmode.config import REPO_ROOT

DATASETS_DIR = REPO_ROOT.parent / "shared" / "datasets"
MYNTRA_DIR = DATASETS_DIR / "myntra-small"
LUMA_DIR = DATASETS_DIR / "luma"
HELDOUT_INDEX = REPO_ROOT / "tests" / "fixtures" / "heldout" / "heldout.json"
MYNTRA_EVALUATION_SIZE = 1000
MYNTRA_EVALUATION_SEED = 1234
EVAL_DIR = REPO_ROOT / "var" / "eval"
# The retrieval goals (docs/models.md): Myntra articleType P@10 and Luma same-item R@10.
MYNTRA_GOAL = 0.70
LUMA_GOAL = 0.90
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def list_training_images(
    image_dirs: Iterable[Path], exclude: Iterable[str] = frozenset(), limit: int | None = None, seed: int = 0
) -> list[Path]:
    """Image files in the directories, minus excluded file names; ``limit`` keeps a seeded random subset."""
    excluded = {Path(name).name for name in exclude}
    paths: list[Path] = []
    for directory in image_dirs:
        if not directory.is_dir():
            raise FileNotFoundError(f"training image directory {directory} does not exist")
        paths += sorted(
            p for p in directory.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.name not in excluded
        )
    if limit is not None and limit < len(paths):
        chosen = np.random.default_rng(seed).choice(len(paths), size=limit, replace=False)
        paths = [paths[i] for i in sorted(chosen)]
    return paths


def myntra_evaluation_paths(myntra_dir: Path = MYNTRA_DIR) -> list[Path]:
    """The 1,000 Myntra photos kept for evaluation, in file-name order."""
    return list_training_images([myntra_dir / "images"], limit=MYNTRA_EVALUATION_SIZE, seed=MYNTRA_EVALUATION_SEED)


def myntra_test_split(product_id: str) -> bool:
    """Whether a Myntra product is in the test split (sha256 of its id modulo 4 is 0), which nothing trains on."""
    return int.from_bytes(hashlib.sha256(product_id.encode()).digest(), "big") % 4 == 0


def luma_heldout_names(index: Path = HELDOUT_INDEX) -> set[str]:
    return {entry["image"] for entry in json.loads(index.read_text(encoding="utf-8"))}


def training_exclusions(myntra_dir: Path = MYNTRA_DIR, heldout_index: Path = HELDOUT_INDEX) -> set[str]:
    """File names no model may train on: the Myntra evaluation photos and the held-out Luma views."""
    return {path.name for path in myntra_evaluation_paths(myntra_dir)} | luma_heldout_names(heldout_index)


def unlabelled_training_dirs() -> list[Path]:
    """The photo folders the DCGAN (and the autoencoder) learn from, before exclusions."""
    return [MYNTRA_DIR / "images", LUMA_DIR / "images"]


def add_evaluation_set_arguments(parser: argparse.ArgumentParser, luma_labels: Path) -> None:
    """``--myntra``/``--luma`` labels CSVs and ``--myntra-images``/``--luma-images`` folders, for scripts that
    score both goals; ``luma_labels`` is the default Luma CSV (all groups, or a held-out split)."""
    parser.add_argument("--myntra", type=Path, default=EVAL_DIR / "myntra_evaluation.csv")
    parser.add_argument("--luma", type=Path, default=luma_labels)
    parser.add_argument("--myntra-images", type=Path, default=MYNTRA_DIR / "images")
    parser.add_argument("--luma-images", type=Path, default=LUMA_DIR / "images")


def write_myntra_evaluation_labels(out: Path, myntra_dir: Path = MYNTRA_DIR) -> int:
    """``styles.csv`` restricted to the evaluation photos (id, articleType, ...); returns the row count."""
    chosen = {path.stem for path in myntra_evaluation_paths(myntra_dir)}
    with (myntra_dir / "styles.csv").open(newline="", encoding="utf-8") as source:
        reader = csv.DictReader(source)
        rows = [row for row in reader if row["id"] in chosen]
        columns = reader.fieldnames or []
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")  # a few rows carry stray extra fields
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else EVAL_DIR / "myntra_evaluation.csv"
    print(f"{write_myntra_evaluation_labels(target)} Myntra evaluation photos -> {target}")
