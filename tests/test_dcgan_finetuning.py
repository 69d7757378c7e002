"""Fine-tuning the DCGAN discriminator with label heads, on packshot-like photos drawn here."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from lab.vision.dcgan_finetuning import (
    ITEMS_PER_STEP,
    ZOOM_MIN_AREA,
    ItemViews,
    _augment,
    _twin_loss,
    draw_item_pairs,
    finetune_dcgan,
    read_labelled_photos,
)
from launch.cli.main import app
from snapmode.vision import dcgan
from snapmode.vision.embedder import DcganEmbedder

COLOURS = {"Red": (200, 30, 30), "Blue": (30, 40, 200)}
runner = CliRunner()


def _shop(folder: Path, count: int) -> Path:
    """Ellipses ("Bags") and rectangles ("Shirts") in red or blue, a styles.csv naming them, and clutter."""
    images = folder / "images"
    images.mkdir(parents=True)
    rows = []
    for index in range(count):
        kind = "Bags" if index % 2 else "Shirts"
        colour = "Red" if index % 4 < 2 else "Blue"
        rng = np.random.default_rng(index)
        photo = Image.new("RGB", (64 + index % 3 * 8, 64), (255, 255, 255))
        box = (int(rng.integers(2, 14)), int(rng.integers(2, 14)), int(rng.integers(46, 60)), int(rng.integers(46, 60)))
        (ImageDraw.Draw(photo).ellipse if kind == "Bags" else ImageDraw.Draw(photo).rectangle)(box, COLOURS[colour])
        photo.save(images / f"{index}.jpg")
        rows.append({"id": str(index), "articleType": kind, "baseColour": colour})
    rows.append({"id": "900", "articleType": "Shirts", "baseColour": ""})  # no colour: left out
    Image.new("RGB", (64, 64), "white").save(images / "900.jpg")
    rows.append({"id": "901", "articleType": "Bags", "baseColour": "Red"})
    (images / "901.jpg").write_bytes(b"not a jpeg")  # unreadable: skipped, labels stay aligned
    Image.new("RGB", (64, 64), "white").save(images / "902.jpg")  # no row in styles.csv: left out
    with (folder / "styles.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "articleType", "baseColour"])
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _items(folder: Path, groups: dict[str, int]) -> ItemViews:
    """Several photos of each item: one colour per item, drawn at a different size in each photo."""
    folder.mkdir(parents=True)
    rows = []
    for number, (group, count) in enumerate(groups.items()):
        colour = (40 * number % 256, 255 - 30 * number % 256, 90)
        for view in range(count):
            photo = Image.new("RGB", (64, 64), (255, 255, 255))
            ImageDraw.Draw(photo).rectangle((4 + 6 * view, 4 + 6 * view, 60 - 4 * view, 60), colour)
            photo.save(folder / f"{group}-{view}.jpg")
            rows.append(f"{group}-{view},{group}")
    (folder / "items.csv").write_text("id,group\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return ItemViews(images=folder, labels=folder / "items.csv", weight=0.5)


@pytest.fixture
def start_weights(tmp_path: Path) -> Path:
    path = tmp_path / "gan.weights.h5"
    dcgan.build_discriminator().save_weights(path)
    return path


def test_augmentation_flips_half_the_photos_and_zooms_in_on_about_half():
    """A dark square left of centre: whole photos keep its area (on either side), zoomed ones enlarge it."""
    photo = np.full((64, 64, 3), 255, np.uint8)
    photo[24:40, 8:24] = 0
    batch = np.repeat(photo[None], 400, axis=0)
    out = _augment(batch, np.random.default_rng(0))
    assert out.shape == batch.shape and out.dtype == np.float32 and out.min() >= -1.0 and out.max() <= 1.0
    dark = out.mean(axis=-1) < 0
    area, original = dark.mean(axis=(1, 2)), 16 * 16 / 64**2
    whole = np.abs(area - original) < 0.005
    assert 0.4 < whole.mean() < 0.65  # half left whole, plus the odd zoom close to the full photo
    assert area.max() > 2 * original and area.max() <= original / ZOOM_MIN_AREA + 0.01
    left = dark[whole, :, :32].sum(axis=(1, 2)) > dark[whole, :, 32:].sum(axis=(1, 2))
    assert 0.3 < left.mean() < 0.7  # flipped about half the time
    unchanged = whole.nonzero()[0][left][0]
    assert np.allclose(out[unchanged], batch[unchanged] / 127.5 - 1.0, atol=1e-4)


def test_the_twin_term_asks_each_view_for_its_twin_among_other_classes_only():
    rng = np.random.default_rng(0)
    photos = rng.normal(size=(4, 32)).astype(np.float32)
    photos /= np.linalg.norm(photos, axis=1, keepdims=True)
    classes = np.array([0, 1, 2, 3, 0, 1, 2, 3])
    twins_alike = float(_twin_loss(np.concatenate([photos, photos]), classes))
    twins_apart = float(_twin_loss(np.concatenate([photos, photos[::-1]]), classes))
    assert twins_alike < 0.05 and twins_apart > 5  # temperature 0.1: cosine 1 against about 0 is decisive
    one_class = float(_twin_loss(np.concatenate([photos, photos[::-1]]), np.zeros(8, np.int32)))
    assert one_class == pytest.approx(0.0, abs=1e-6)  # nothing of another class to tell the twin from


def test_item_pairs_are_two_different_photos_of_one_item_in_matching_halves():
    views = [np.arange(start, start + size) for start, size in ((0, 2), (2, 3), (5, 4))]
    item_of = {row: item for item, rows in enumerate(views) for row in rows}
    rng = np.random.default_rng(0)
    for _ in range(20):
        first, second = np.split(draw_item_pairs(views, rng), 2)
        assert len(first) == 3 and len({item_of[row] for row in first}) == 3  # every item once: fewer than a step
        assert all(item_of[a] == item_of[b] and a != b for a, b in zip(first, second, strict=True))
    many = [np.array([2 * item, 2 * item + 1]) for item in range(ITEMS_PER_STEP + 10)]
    assert len(draw_item_pairs(many, rng)) == 2 * ITEMS_PER_STEP


def test_labelled_photos_need_a_row_and_every_label(tmp_path):
    shop = _shop(tmp_path / "shop", 8)
    photos = read_labelled_photos(shop / "images", shop / "styles.csv", ["articleType", "baseColour"], {"0.jpg"})
    assert [p.name for p in photos.paths] == [f"{i}.jpg" for i in range(1, 8)] + ["901.jpg"]
    assert photos.labels["articleType"][:2] == ["Bags", "Shirts"] and photos.labels["baseColour"][-1] == "Red"


@pytest.mark.training
def test_fine_tuning_learns_the_labels_and_writes_an_embedder_the_app_loads(tmp_path, start_weights):
    shop = _shop(tmp_path / "shop", 66)
    out = tmp_path / "run"
    report = finetune_dcgan(
        start_weights, shop / "images", shop / "styles.csv", out,
        epochs=4, learning_rate=2e-3, batch_size=32, exclude={"0.jpg", "1.jpg"},
    )
    assert (report.images, report.skipped_images, report.steps_per_epoch) == (64, 1, 2)
    assert report.classes == {"articleType": 2, "baseColour": 2}
    log = json.loads(report.log.read_text())
    assert [entry["epoch"] for entry in log["epochs"]] == [1, 2, 3, 4]
    assert log["classes"]["baseColour"] == ["Blue", "Red"] and log["settings"]["excluded_names"] == 2
    first, last = log["epochs"][0], log["epochs"][-1]
    assert last["articleType"] < first["articleType"] and last["baseColour"] < first["baseColour"]
    assert Image.open(report.loss_curve).format == "PNG"
    assert sorted(p.name for p in (out / "checkpoints").iterdir())[-1] == "epoch_004.weights.h5"

    photos = [Image.open(shop / "images" / f"{i}.jpg") for i in range(2, 66)]
    before = DcganEmbedder(start_weights).embed(photos)
    after = DcganEmbedder(report.weights).embed(photos)
    assert after.shape == (64, dcgan.EMBEDDING_DIM) and np.allclose(np.linalg.norm(after, axis=1), 1, atol=1e-5)
    assert not np.allclose(before, after)


@pytest.mark.training
def test_the_twin_term_takes_two_views_of_each_photo_and_is_logged_beside_the_heads(tmp_path, start_weights):
    shop = _shop(tmp_path / "shop", 66)
    report = finetune_dcgan(
        start_weights, shop / "images", shop / "styles.csv", tmp_path / "run",
        epochs=3, instance_weight=0.5, learning_rate=2e-3, batch_size=32, exclude={"0.jpg", "1.jpg"},
    )
    assert report.steps_per_epoch == 4  # 16 photos, 32 views a step
    log = json.loads(report.log.read_text())
    assert log["settings"]["instance_weight"] == 0.5 and set(report.losses) == {"articleType", "baseColour", "instance"}
    assert all(0 < entry["instance"] < np.log(17) for entry in log["epochs"])  # chance: 1 twin in ~17 candidates


@pytest.mark.training
def test_the_item_term_trains_on_photos_grouped_by_item_and_is_logged(tmp_path, start_weights):
    shop = _shop(tmp_path / "shop", 66)
    items = _items(tmp_path / "items", {"coat": 3, "bag": 2, "shoe": 3, "hat": 2, "alone": 1})
    report = finetune_dcgan(
        start_weights, shop / "images", shop / "styles.csv", tmp_path / "run",
        epochs=2, items=items, learning_rate=2e-3, batch_size=32, exclude={"0.jpg", "hat-1.jpg"},
    )
    assert set(report.losses) == {"articleType", "baseColour", "item"} and report.steps_per_epoch == 2
    settings = json.loads(report.log.read_text())["settings"]["items"]
    # the excluded hat photo leaves the hat one photo: like "alone", it cannot make a pair
    assert (settings["photos"], settings["items_with_two_or_more_photos"], settings["weight"]) == (10, 3, 0.5)
    assert all(0 < entry["item"] < np.log(5) for entry in json.loads(report.log.read_text())["epochs"])


def test_bad_input_is_a_clear_error(tmp_path, start_weights):
    shop = _shop(tmp_path / "shop", 8)
    with pytest.raises(FileNotFoundError, match="no discriminator weights"):
        finetune_dcgan(tmp_path / "none.h5", shop / "images", shop / "styles.csv", tmp_path / "run")
    with pytest.raises(ValueError, match="has no column season"):
        finetune_dcgan(start_weights, shop / "images", shop / "styles.csv", tmp_path / "run", heads={"season": 1.0})
    with pytest.raises(ValueError, match="fewer than one batch of 32"):
        finetune_dcgan(start_weights, shop / "images", shop / "styles.csv", tmp_path / "run", batch_size=32)
    with pytest.raises(ValueError, match="weights not negative"):
        finetune_dcgan(start_weights, shop / "images", shop / "styles.csv", tmp_path / "run", instance_weight=-1)
    lonely = _items(tmp_path / "lonely", {"coat": 2, "bag": 1})
    with pytest.raises(ValueError, match="1 item\\(s\\) with two or more readable photos"):
        finetune_dcgan(start_weights, shop / "images", shop / "styles.csv", tmp_path / "run", batch_size=4,
                       items=lonely)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        finetune_dcgan(start_weights, tmp_path / "nowhere", shop / "styles.csv", tmp_path / "run")


def test_the_command_refuses_bad_heads_and_missing_weights_clearly(tmp_path, start_weights):
    shop = _shop(tmp_path / "shop", 8)
    common = ["train", "dcgan-finetune", "--images", str(shop / "images"), "--styles", str(shop / "styles.csv"),
              "--out", str(tmp_path / "run")]  # fmt: skip
    bad_head = runner.invoke(app, [*common, "--weights", str(start_weights), "--head", "articleType"])
    assert bad_head.exit_code == 2 and "--head takes COLUMN=WEIGHT" in bad_head.output
    missing = runner.invoke(app, [*common, "--weights", str(tmp_path / "none.h5"), "--holdout", "2"])
    assert missing.exit_code == 2 and "no discriminator weights" in missing.output
    everything = runner.invoke(app, [*common, "--weights", str(start_weights)])  # 1,000 held out of 11 photos
    assert everything.exit_code == 2 and "would keep all 11 photos" in everything.output
