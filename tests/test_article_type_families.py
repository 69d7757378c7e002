"""The families of article types the photo search names a kind of product by: built from Myntra's labels, shipped for
every type the head knows, summed from the head's probabilities."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from snapmode.config import REPO_ROOT
from snapmode.vision.article_types import FAMILIES_NAME, KIND_MIN_SCORE, WEIGHTS_NAME, ArticleTypeHead

MODELS = REPO_ROOT / "models"


def _build_script():
    path = REPO_ROOT / "scripts" / "build_article_type_families.py"
    spec = importlib.util.spec_from_file_location("build_article_type_families", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _styles(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "subCategory", "articleType"])
        writer.writerows((str(i), sub, kind) for i, (sub, kind) in enumerate(rows))
    return path


def test_a_type_s_family_is_the_subcategory_most_of_its_rows_carry(tmp_path: Path) -> None:
    styles = _styles(tmp_path / "styles.csv", [
        ("Bags", "Messenger Bag"), ("Accessories", "Messenger Bag"), ("Bags", "Messenger Bag"),
        ("Shoes", "Casual Shoes"), ("Topwear", "Tshirts"),
    ])
    build = _build_script()
    assert build.families(styles, ("Casual Shoes", "Messenger Bag", "Tshirts")) == {
        "Casual Shoes": "Shoes", "Messenger Bag": "Bags", "Tshirts": "Topwear",
    }
    with pytest.raises(SystemExit, match="Watches"):
        build.families(styles, ("Tshirts", "Watches"))


def test_the_shipped_families_cover_every_type_of_the_shipped_head() -> None:
    head = ArticleTypeHead(MODELS / WEIGHTS_NAME)
    shipped = json.loads((MODELS / FAMILIES_NAME).read_text(encoding="utf-8"))["families"]
    assert set(shipped) == set(head.classes) and len(head.families) == len(head.classes)
    assert {shipped[name] for name in ("Casual Shoes", "Sports Shoes", "Heels")} == {"Shoes"}
    assert {shipped[name] for name in ("Tshirts", "Jackets", "Sweatshirts")} == {"Topwear"}
    assert shipped["Handbags"] == shipped["Backpacks"] == "Bags" and shipped["Jeans"] == "Bottomwear"


def test_a_kind_is_the_family_whose_types_together_are_likely_enough() -> None:
    head = ArticleTypeHead(MODELS / WEIGHTS_NAME)
    spread = np.full(len(head.classes), 0.0, np.float32)
    spread[head.classes.index("Casual Shoes")] = spread[head.classes.index("Sports Shoes")] = 0.2
    spread[head.classes.index("Tshirts")] = 0.25
    spread[head.classes.index("Jeans")] = 0.35
    # No shoe type is as likely as the jeans, yet shoes together are the likeliest family.
    kind = head.kind(spread)
    assert kind is not None and kind.family == "Shoes" and kind.score == pytest.approx(0.4)
    assert head.family_score(spread, "Bottomwear") == pytest.approx(0.35)
    assert head.family_score(spread, "No such family") == 0.0
    unsure = np.full(len(head.classes), 1 / len(head.classes), np.float32)
    assert max(head.family_score(unsure, family) for family in set(head.families)) < KIND_MIN_SCORE
    assert head.kind(unsure) is None


def test_a_head_without_families_loads_and_names_the_missing_file_when_asked_for_a_kind(tmp_path: Path) -> None:
    shutil.copy(MODELS / WEIGHTS_NAME, tmp_path / WEIGHTS_NAME)
    head = ArticleTypeHead(tmp_path / WEIGHTS_NAME)
    assert head.probabilities(np.ones((1, 8192), np.float32)).shape == (1, len(head.classes))
    with pytest.raises(FileNotFoundError, match="build_article_type_families.py"):
        head.kind(np.full(len(head.classes), 1 / len(head.classes)))
    (tmp_path / FAMILIES_NAME).write_text(json.dumps({"families": {"Tshirts": "Topwear"}}), encoding="utf-8")
    with pytest.raises(ValueError, match="names no family"):
        ArticleTypeHead(tmp_path / WEIGHTS_NAME).kind(np.full(len(head.classes), 1 / len(head.classes)))
