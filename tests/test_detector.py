"""The shipped garment detector, the synthetic dataset builder and a tiny training run.

The fixture photos are Luma catalogue photos (AFL-3.0) of products the shipped
detector never trained on: they fell in the validation split of its dataset.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from lab.vision.composites import SourcePhoto, compose, cut_out, load_photo, random_background
from lab.vision.detector_training import (
    WORN_BANDS,
    DatasetError,
    build_detector_dataset,
    split_sources,
    train_detector,
)
from snapmode.config import REPO_ROOT
from snapmode.domain import Region
from snapmode.vision.detector import DetectorError, GarmentDetector
from snapmode.vision.taxonomy import CLASSES, luma_class, myntra_class

WEIGHTS = REPO_ROOT / "models" / "detector.pt"
FIXTURES = Path(__file__).parent / "fixtures" / "detector"
FIXTURE_LABELS = {
    "mb02-blue-0.jpg": "bag",
    "mg01-bk-0.jpg": "accessory",
    "mp06-gray_main.jpg": "trousers",
    "mt01-red_main.jpg": "top",
}


def fixture_sources() -> list[SourcePhoto]:
    return [
        SourcePhoto(FIXTURES / name, label, group=name, worn_band=WORN_BANDS.get(label))
        for name, label in FIXTURE_LABELS.items()
    ]


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    inter_w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    inter_h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = inter_w * inter_h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


@pytest.fixture(scope="module")
def detector() -> GarmentDetector:
    return GarmentDetector(WEIGHTS)


def assert_well_formed(regions: list[Region], image: Image.Image, max_regions: int) -> None:
    assert 1 <= len(regions) <= max_regions
    assert regions[-1] == Region(box=(0, 0, image.width, image.height), label="image", score=1.0)
    scores = [region.score for region in regions[:-1]]
    assert scores == sorted(scores, reverse=True)
    for region in regions[:-1]:
        x1, y1, x2, y2 = region.box
        assert 0 <= x1 < x2 <= image.width and 0 <= y1 < y2 <= image.height
        assert region.label in CLASSES


def test_shipped_weights_are_small_and_from_our_taxonomy(detector: GarmentDetector) -> None:
    assert WEIGHTS.stat().st_size < 10 * 1024 * 1024
    assert detector.labels == CLASSES


def test_detects_pasted_products_on_a_composite(detector: GarmentDetector) -> None:
    rng = np.random.default_rng(3)
    cutouts = []
    for photo in fixture_sources():
        cutout = cut_out(photo, load_photo(photo.path, 320))
        assert cutout is not None, photo.path
        cutouts.append(cutout)
    background = random_background(np.random.default_rng(0), (320, 320), textures=[])
    composite = compose([cutouts[0], cutouts[3]], background, rng)  # a bag and a worn top
    assert len(composite.boxes) == 2
    regions = detector.detect(composite.image)
    assert_well_formed(regions, composite.image, detector.max_regions)
    matched = [
        truth
        for truth in composite.boxes
        if any(iou(region.box, truth.box) > 0.3 for region in regions[:-1])
    ]
    assert matched, (composite.boxes, regions)


def test_finds_the_product_of_a_plain_shop_photo(detector: GarmentDetector) -> None:
    image = Image.open(FIXTURES / "mb02-blue-0.jpg").convert("RGB")
    regions = detector.detect(image)
    assert_well_formed(regions, image, detector.max_regions)
    assert len(regions) >= 2


def test_blank_image_gives_only_the_whole_image(detector: GarmentDetector) -> None:
    blank = Image.new("RGB", (300, 200), "white")
    assert detector.detect(blank) == [Region(box=(0, 0, 300, 200), label="image", score=1.0)]


def test_batch_matches_single_and_honours_max_regions(detector: GarmentDetector) -> None:
    images = [Image.open(FIXTURES / name) for name in FIXTURE_LABELS] + [Image.new("L", (64, 96), 128)]
    batch = detector.detect_batch(images)
    assert len(batch) == len(images)
    for image, regions in zip(images, batch):
        assert_well_formed(regions, image, detector.max_regions)
        # Photos of one size are padded together as each alone, never to a common square with other sizes.
        assert regions == detector.detect(image)
    assert detector.detect_batch([]) == []
    single = GarmentDetector(WEIGHTS, max_regions=1)
    assert single.detect(images[0]) == [Region(box=(0, 0, images[0].width, images[0].height), label="image", score=1.0)]


def test_threads_detecting_at_once_each_get_their_own_photo_s_regions(detector: GarmentDetector) -> None:
    # The API detects from a thread pool: every answer must match the photo it was asked about.
    images = [Image.open(FIXTURES / name).convert("RGB") for name in FIXTURE_LABELS]
    images += [image.transpose(Image.Transpose.FLIP_TOP_BOTTOM) for image in images]
    alone = [detector.detect(image) for image in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(detector.detect, images * 3)) == alone * 3


def test_bad_weights_give_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DetectorError, match="do not exist"):
        GarmentDetector(tmp_path / "missing.pt")
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a checkpoint")
    with pytest.raises(DetectorError, match="cannot load"):
        GarmentDetector(corrupt)
    with pytest.raises(DetectorError, match="max_regions"):
        GarmentDetector(WEIGHTS, max_regions=0)


def test_taxonomy_maps_catalogue_categories() -> None:
    assert luma_class(["Default Category/Men/Tops/Jackets", "Default Category"]) == "outerwear"
    assert luma_class(["Default Category/Women/Bottoms/Pants"]) == "trousers"
    assert luma_class(["Gear/Bags"]) == "bag"
    assert luma_class(["Default Category/Women/Tops/Bras & Tanks"], "Celeste Sports Bra") is None
    assert luma_class(["Default Category/Women/Tops/Bras & Tanks"], "Bella Tank") == "top"
    assert luma_class(["Gear/Fitness Equipment"]) is None
    assert myntra_class("Tshirts") == "top" and myntra_class("Heels") == "shoes" and myntra_class("Skirts") is None


@pytest.mark.training
def test_build_dataset_and_train_one_epoch(tmp_path: Path) -> None:
    data_yaml = build_detector_dataset(
        tmp_path / "data", n_train=16, n_val=4, imgsz=64, seed=1, sources=fixture_sources()
    )
    data = yaml.safe_load(data_yaml.read_text())
    assert data["names"] == dict(enumerate(CLASSES))
    root = Path(data["path"])
    for split, count in (("train", 16), ("val", 4)):
        images = sorted((root / data[split]).glob("*.jpg"))
        assert len(images) == count
        for image_path in images:
            with Image.open(image_path) as image:
                assert max(image.size) == 64
            lines = (root / "labels" / split / f"{image_path.stem}.txt").read_text().split("\n")
            rows = [line.split() for line in lines if line]
            assert rows, image_path
            for row in rows:
                assert 0 <= int(row[0]) < len(CLASSES)
                assert all(0.0 <= float(value) <= 1.0 for value in row[1:]) and len(row) == 5

    weights = train_detector(
        data_yaml, tmp_path / "runs", epochs=1, imgsz=64, batch=8, workers=0, overrides={"plots": False}
    )
    trained = GarmentDetector(weights)
    assert trained.labels == CLASSES
    image = Image.open(FIXTURES / "mt01-red_main.jpg")
    assert trained.detect(image)[-1].label == "image"


def test_split_keeps_every_product_on_one_side() -> None:
    photos = [SourcePhoto(Path(f"{index}-{view}.jpg"), "top", f"p{index}") for index in range(200) for view in range(3)]
    train, val = split_sources(photos, seed=0)
    assert 10 < len({photo.group for photo in val}) < 60
    assert not {photo.group for photo in train} & {photo.group for photo in val}


def test_dataset_and_training_reject_bad_input(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="n_train"):
        build_detector_dataset(tmp_path / "a", n_train=0, n_val=1, imgsz=64, seed=0, sources=fixture_sources())
    with pytest.raises(DatasetError, match="not detector classes"):
        build_detector_dataset(
            tmp_path / "b", 2, 1, 64, 0, sources=[SourcePhoto(FIXTURES / "mt01-red_main.jpg", "dress", "x")]
        )
    unreadable = [SourcePhoto(tmp_path / f"missing{index}.jpg", "top", f"p{index}") for index in range(4)]
    with pytest.raises(DatasetError, match="no product could be cut out"):
        build_detector_dataset(tmp_path / "c", 2, 1, 64, 0, sources=unreadable)
    with pytest.raises(DatasetError, match="does not exist"):
        train_detector(tmp_path / "missing.yaml", tmp_path / "runs", epochs=1)
    (tmp_path / "bad.yaml").write_text("just text")
    with pytest.raises(DatasetError, match="not a YOLO data.yaml"):
        train_detector(tmp_path / "bad.yaml", tmp_path / "runs", epochs=1)
