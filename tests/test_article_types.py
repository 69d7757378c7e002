"""The article-type head the search ranks by: the shipped head on photos it never saw, clear errors, and training
on a tiny labelled set."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from snapmode.config import REPO_ROOT
from snapmode.vision.article_types import WEIGHTS_NAME, ArticleTypeHead
from snapmode.vision.embedder import DcganEmbedder

MODELS = REPO_ROOT / "models"
HELDOUT_DIR = REPO_ROOT / "tests" / "fixtures" / "heldout"
LEGWEAR = {"Track Pants", "Trousers", "Jeans", "Shorts", "Capris", "Leggings"}


@pytest.fixture(scope="module")
def embedder() -> DcganEmbedder:
    return DcganEmbedder(MODELS / "dcgan_discriminator.weights.h5")


def test_the_shipped_head_knows_myntra_s_article_types_and_its_log_its_accuracy():
    head = ArticleTypeHead(MODELS / WEIGHTS_NAME)
    log = json.loads((MODELS / "article_types.json").read_text())
    assert len(head.classes) == log["classes"] == 74 and {"Tshirts", "Jeans", "Handbags"} <= set(head.classes)
    assert log["evaluation_photos"] == 1000 and log["evaluation_accuracy"] >= 0.8
    assert (MODELS / WEIGHTS_NAME).stat().st_size < 4 * 2**20


def test_held_out_shop_photos_of_trousers_and_shorts_are_called_legwear(embedder):
    head = ArticleTypeHead(MODELS / WEIGHTS_NAME)
    # Luma styles: mp = men's pants, msh / wsh = men's and women's shorts.
    names = sorted(p.name for p in HELDOUT_DIR.glob("*.jpg") if re.match(r"(mp|msh|wsh)\d", p.name))
    assert len(names) == 9
    probabilities = head.probabilities(embedder.embed([Image.open(HELDOUT_DIR / name) for name in names]))
    assert probabilities.shape == (9, 74) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)
    predicted = {name: head.classes[i] for name, i in zip(names, probabilities.argmax(axis=1), strict=True)}
    assert set(predicted.values()) <= LEGWEAR, predicted


def test_a_missing_head_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="snapmode train article-types"):
        ArticleTypeHead(tmp_path / WEIGHTS_NAME)


def _tiny_catalogue(root: Path) -> Path:
    """24 photos of three article types, each type its own colour: what a head on DCGAN vectors can learn."""
    (root / "images").mkdir(parents=True)
    colours = {"Tshirts": (200, 30, 30), "Jeans": (30, 40, 160), "Socks": (240, 240, 240)}
    rows = []
    rng = np.random.default_rng(0)
    for i in range(24):
        kind = list(colours)[i % 3]
        pixels = np.clip(np.asarray(colours[kind]) + rng.normal(0, 12, (48, 40, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(root / "images" / f"{i}.jpg")
        rows.append({"id": str(i), "articleType": kind})
    with (root / "styles.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "articleType"])
        writer.writeheader()
        writer.writerows(rows)
    return root


@pytest.mark.training
def test_training_on_a_tiny_set_writes_a_head_that_learns_and_keeps_the_held_out_photos_out(tmp_path):
    from lab.vision.article_types_training import train_article_types

    data = _tiny_catalogue(tmp_path / "myntra")
    out = tmp_path / "head" / WEIGHTS_NAME
    log = train_article_types(MODELS / "dcgan_discriminator.weights.h5", out, myntra_dir=data, holdout=6)
    assert log["training_photos"] == 18 and log["evaluation_photos"] == 6 and log["classes"] == 3
    assert log["evaluation_accuracy"] == 1.0 and len(log["loss"]) == log["epochs"]
    assert log["loss"][-1] < log["loss"][0]
    assert json.loads(out.with_suffix(".json").read_text())["evaluation_accuracy"] == 1.0
    assert ArticleTypeHead(out).classes == ("Jeans", "Socks", "Tshirts")
    with pytest.raises(ValueError, match="no labelled photo .* left to train on"):
        train_article_types(MODELS / "dcgan_discriminator.weights.h5", out, myntra_dir=data, holdout=24)


def test_the_training_command_names_missing_weights_and_exits_2(tmp_path):
    from typer.testing import CliRunner

    from launch.cli.main import app

    result = CliRunner().invoke(
        app, ["train", "article-types", "--dcgan", str(tmp_path / "none.h5"), "--out", str(tmp_path / "h.npz")]
    )
    assert result.exit_code == 2 and "cannot train the article-type head" in result.output
    assert "none.h5" in result.output and not (tmp_path / "h.npz").exists()
