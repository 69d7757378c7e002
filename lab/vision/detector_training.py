"""Build the synthetic detector dataset and train the detector from scratch.

Nothing pretrained can be downloaded here, so ultralytics trains from a YAML
architecture. The source photos (Myntra, Luma) are split by product before any
composite is made: validation composites only ever show products, and background
photos, that training never saw.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import yaml
from PIL import Image
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lab.vision.composites import (
    LabeledBox,
    LabeledImage,
    SourcePhoto,
    compose,
    cut_out,
    draw_boxes,
    load_photo,
    random_background,
    tight_box_image,
)
from lab.vision.luma_catalog import luma_product_classes
from snapmode.config import REPO_ROOT
from snapmode.errors import SnapModeError
from snapmode.progress import RateColumn
from snapmode.vision.detector import GarmentDetector
from snapmode.vision.taxonomy import CLASSES, luma_class, myntra_class
from snapmode.vision.ultralytics_env import import_yolo

DATASETS_DIR = REPO_ROOT.parent / "shared" / "datasets"
HELDOUT_DIR = REPO_ROOT / "tests" / "fixtures" / "heldout"
VAL_FRACTION = 0.15
TIGHT_BOX_FRACTION = 0.3  # share of dataset images that are a whole product photo with its box
MAX_PRODUCTS_PER_COMPOSITE = 4

# Where a worn garment lies in the frame (fractions of the photo height): both shops
# shoot tops head to thigh and bottoms chest to feet.
WORN_BANDS: dict[str, tuple[float, float]] = {
    "top": (0.2, 0.87),
    "outerwear": (0.2, 0.9),
    "trousers": (0.07, 0.9),
    "shorts": (0.05, 0.47),
}
LUMA_WORN_VIEWS = ("main", "back")  # the other views are close-ups or odd framings
LUMA_WORN_PHOTO = re.compile(r"^(?P<sku>[a-z]+\d+)-[a-z]+_(?P<view>[a-z0-9]+)\.jpg$")
LUMA_GEAR_PHOTO = re.compile(r"^(?P<sku>[a-z]+\d+)-[a-z]+-0(_alt\d)?\.jpg$")


class DatasetError(SnapModeError):
    """The source photos or a data.yaml cannot make a detector dataset."""


def myntra_sources(root: Path) -> list[SourcePhoto]:
    """Myntra photos whose articleType maps to a detector class."""
    sources = []
    with (root / "styles.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = myntra_class(row["articleType"])
            path = root / "images" / f"{row['id']}.jpg"
            if label and path.exists():
                sources.append(SourcePhoto(path, label, f"myntra:{row['id']}", WORN_BANDS.get(label)))
    return sources


def luma_sources(root: Path, excluded: set[str] = frozenset()) -> list[SourcePhoto]:
    """Luma clothing (worn, front and back views) and gear photos, minus the `excluded` file names."""
    clothing, gear = luma_product_classes(root, luma_class)
    sources = []
    for path in sorted((root / "images").glob("*.jpg")):
        if path.name in excluded:
            continue
        if match := LUMA_GEAR_PHOTO.match(path.name):
            label = gear.get(match["sku"])
            if label:
                sources.append(SourcePhoto(path, label, f"luma:{match['sku']}"))
        elif (match := LUMA_WORN_PHOTO.match(path.name)) and match["view"] in LUMA_WORN_VIEWS:
            label = clothing.get(match["sku"])
            if label in WORN_BANDS:
                sources.append(SourcePhoto(path, label, f"luma:{match['sku']}", WORN_BANDS[label]))
    return sources


def heldout_names(heldout_dir: Path = HELDOUT_DIR) -> set[str]:
    """File names of the held-out photos: those in the directory plus every string in its heldout.json.

    The photos the end-to-end evaluation searches with must never be trained on.
    """
    if not heldout_dir.is_dir():
        return set()
    names = {path.name for path in heldout_dir.iterdir() if path.suffix.lower() in (".jpg", ".jpeg", ".png")}

    def strings(node: object) -> Iterable[str]:
        if isinstance(node, str):
            yield node
        elif isinstance(node, Mapping):
            for key, value in node.items():
                yield from strings(key)
                yield from strings(value)
        elif isinstance(node, list):
            for item in node:
                yield from strings(item)

    index = heldout_dir / "heldout.json"
    if index.exists():
        names |= {Path(text).name for text in strings(json.loads(index.read_text(encoding="utf-8")))}
    return names


def split_sources(sources: Sequence[SourcePhoto], seed: int, val_fraction: float = VAL_FRACTION):
    """(train, val) by a stable hash of each product, so no product straddles the split."""
    train, val = [], []
    for photo in sources:
        digest = hashlib.sha256(f"{seed}:{photo.group}".encode()).digest()
        (val if int.from_bytes(digest[:8]) / 2**64 < val_fraction else train).append(photo)
    return train, val


def default_sources(datasets_dir: Path = DATASETS_DIR, heldout_dir: Path = HELDOUT_DIR) -> list[SourcePhoto]:
    myntra, luma = datasets_dir / "myntra-small", datasets_dir / "luma"
    for needed in (myntra / "styles.csv", luma / "ConfigurableSampleData_products.csv"):
        if not needed.exists():
            raise DatasetError(f"{needed} is missing: the detector dataset is built from the Myntra and Luma photos")
    return myntra_sources(myntra) + luma_sources(luma, heldout_names(heldout_dir))


def _write_sample(sample: LabeledImage, stem: str, images_dir: Path, labels_dir: Path) -> None:
    width, height = sample.image.size
    sample.image.save(images_dir / f"{stem}.jpg", quality=90)
    lines = []
    for labeled in sample.boxes:
        x1, y1, x2, y2 = labeled.box
        cx, cy, w, h = (x1 + x2) / 2 / width, (y1 + y2) / 2 / height, (x2 - x1) / width, (y2 - y1) / height
        lines.append(f"{CLASSES.index(labeled.label)} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}")
    (labels_dir / f"{stem}.txt").write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def _catalogue_weights(photos: Sequence[SourcePhoto]) -> np.ndarray:
    """Sampling weights giving each catalogue (the group's prefix, e.g. "luma") an equal share.

    Luma has far fewer photos than Myntra but is what the demo shop sells, in its framing.
    """
    catalogues = [photo.group.split(":", 1)[0] for photo in photos]
    sizes = Counter(catalogues)
    weights = np.array([1.0 / sizes[catalogue] for catalogue in catalogues])
    return weights / weights.sum()


def _make_split(
    name: str,
    photos: Sequence[SourcePhoto],
    count: int,
    imgsz: int,
    rng: np.random.Generator,
    out_dir: Path,
    progress: Progress,
) -> Counter[str]:
    """Write `count` images made only from `photos`; returns the box count per class."""
    images_dir, labels_dir = out_dir / "images" / name, out_dir / "labels" / name
    images_dir.mkdir(parents=True)
    labels_dir.mkdir(parents=True)
    loaded, cutouts = {}, defaultdict(list)
    task = progress.add_task(f"{name}: cutting out {len(photos)} photos", total=len(photos))
    for photo in photos:
        try:
            image = load_photo(photo.path, imgsz)
        except OSError as error:  # missing or corrupt: one bad file should not sink a dataset of thousands
            progress.console.print(f"[yellow]skipped {photo.path}: {error}")
            progress.advance(task)
            continue
        cutout = cut_out(photo, image)
        if cutout is not None:
            loaded[photo] = image
            cutouts[photo.label].append((photo, cutout))
        progress.advance(task)
    if not cutouts:
        raise DatasetError(f"no product could be cut out of the {len(photos)} {name} photos")
    labels, textures = sorted(cutouts), list(loaded.values())
    weights = {label: _catalogue_weights([photo for photo, _ in cutouts[label]]) for label in labels}
    boxes: Counter[str] = Counter()
    task = progress.add_task(f"{name}: composing {count} images", total=count)
    for index in range(count):
        # Classes are drawn uniformly so rare ones (outerwear, shorts) are seen as often as tops.
        drawn = [labels[rng.integers(len(labels))] for _ in range(MAX_PRODUCTS_PER_COMPOSITE)]
        picks = [cutouts[label][rng.choice(len(cutouts[label]), p=weights[label])] for label in drawn]
        sample = None
        if rng.random() < TIGHT_BOX_FRACTION:
            sample = tight_box_image(picks[0][0], loaded[picks[0][0]])
        if sample is None:
            aspect = rng.uniform(0.75, 1.33)
            size = (imgsz, round(imgsz / aspect)) if aspect >= 1 else (round(imgsz * aspect), imgsz)
            chosen = [cutout for _, cutout in picks[: rng.integers(1, MAX_PRODUCTS_PER_COMPOSITE + 1)]]
            sample = compose(chosen, random_background(rng, size, textures), rng)
        boxes.update(labeled.label for labeled in sample.boxes)
        _write_sample(sample, f"{name}_{index:05d}", images_dir, labels_dir)
        progress.advance(task)
    return boxes


def build_detector_dataset(
    out_dir: Path,
    n_train: int = 1500,
    n_val: int = 300,
    imgsz: int = 320,
    seed: int = 0,
    *,
    sources: Sequence[SourcePhoto] | None = None,
) -> Path:
    """Write a YOLO dataset of synthetic composites under `out_dir` (replaced) and return its data.yaml.

    `sources` defaults to the shared Myntra and Luma photos, minus the held-out fixture photos.
    """
    if n_train < 1 or n_val < 1 or imgsz < 32:
        raise DatasetError(f"need n_train >= 1, n_val >= 1 and imgsz >= 32, got {n_train}, {n_val}, {imgsz}")
    photos = list(sources) if sources is not None else default_sources()
    unknown = {photo.label for photo in photos} - set(CLASSES)
    if unknown:
        raise DatasetError(f"source labels {sorted(unknown)} are not detector classes {CLASSES}")
    train, val = split_sources(photos, seed)
    if not train or not val:
        # Too few products to hash into both splits: fall back to alternating products.
        groups = sorted({photo.group for photo in photos})
        val_groups = set(groups[1::2] if len(groups) > 1 else [])
        train = [photo for photo in photos if photo.group not in val_groups]
        val = [photo for photo in photos if photo.group in val_groups]
    if not train or not val:
        raise DatasetError("need photos of at least two different products to split train from val")
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    rng = np.random.default_rng(seed)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn("img"), TimeRemainingColumn()
    ) as progress:
        train_boxes = _make_split("train", train, n_train, imgsz, rng, out_dir, progress)
        val_boxes = _make_split("val", val, n_val, imgsz, rng, out_dir, progress)
    summary = {
        "seed": seed,
        "imgsz": imgsz,
        "source_photos": {"train": len(train), "val": len(val)},
        "source_photos_per_class": {
            "train": dict(Counter(photo.label for photo in train)),
            "val": dict(Counter(photo.label for photo in val)),
        },
        "boxes_per_class": {"train": dict(train_boxes), "val": dict(val_boxes)},
        "val_photos": sorted(str(photo.path) for photo in val),
    }
    (out_dir / "sources.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    data_yaml = out_dir / "data.yaml"
    data = {
        "path": str(out_dir.resolve()),
        "train": "images/train",
        "val": "images/val",
        "names": dict(enumerate(CLASSES)),
    }
    data_yaml.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return data_yaml


def _load_data_yaml(data_yaml: Path) -> dict:
    if not data_yaml.is_file():
        raise DatasetError(f"{data_yaml} does not exist")
    try:
        data = yaml.safe_load(data_yaml.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise DatasetError(f"{data_yaml} is not valid YAML: {error}") from error
    if not isinstance(data, dict) or not {"train", "val", "names"} <= data.keys():
        raise DatasetError(f"{data_yaml} is not a YOLO data.yaml: it needs train, val and names")
    return data


def train_detector(
    data_yaml: Path,
    out_dir: Path,
    epochs: int,
    imgsz: int = 320,
    model: str = "yolov8n.yaml",
    *,
    batch: int = 16,
    workers: int = 1,
    hours: float | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Path:
    """Train on a YOLO data.yaml (ours or a DeepFashion2 conversion) on the CPU; returns the best weights.

    A `model` ending in .yaml is an architecture, trained from random weights. With
    `hours`, ultralytics refits the epoch count (and its learning-rate schedule) to that
    wall time after the first epoch, and stops there. The returned best.pt is stripped
    of optimizer state by ultralytics. `overrides` go to ultralytics' train() as they are.
    """
    data_yaml, out_dir = Path(data_yaml).resolve(), Path(out_dir).resolve()
    _load_data_yaml(data_yaml)
    if epochs < 1 or batch < 1 or (hours is not None and hours <= 0):
        raise DatasetError(f"need epochs >= 1, batch >= 1 and hours > 0, got {epochs}, {batch}, {hours}")
    YOLO = import_yolo()
    settings = {
        "data": str(data_yaml),
        "epochs": epochs,
        "imgsz": imgsz,
        "batch": batch,
        "nbs": batch,  # one optimizer step per batch: a short run needs every step it can get
        "workers": workers,
        "device": "cpu",
        "project": str(out_dir),
        "name": "train",
        "exist_ok": True,
        "pretrained": False,
        "amp": False,
        "deterministic": False,  # deterministic CPU kernels are slower and buy nothing here
        "plots": True,
        # From scratch in a few hundred steps: AdamW at twice ultralytics' "auto" rate, a
        # short warm-up, and mosaic (which shrinks objects) on half the images, not at the end.
        "optimizer": "AdamW",
        "lr0": 0.002,
        "warmup_epochs": min(1.0, epochs / 10),
        "mosaic": 0.5,
        "close_mosaic": max(1, epochs // 4),
        **({"time": hours} if hours else {}),
        **(overrides or {}),
    }
    YOLO(model).train(**settings)
    best = out_dir / "train" / "weights" / "best.pt"
    if not best.exists():
        raise DatasetError(f"training finished without writing {best}")
    return best


def validate_detector(weights: Path, data_yaml: Path, imgsz: int = 320) -> dict:
    """mAP50, mAP50-95 and per-class AP50 of `weights` on the data.yaml's val split."""
    data = _load_data_yaml(Path(data_yaml))
    YOLO = import_yolo()
    with tempfile.TemporaryDirectory() as scratch:  # ultralytics makes a run directory even without plots
        metrics = YOLO(str(weights)).val(
            data=str(data_yaml), imgsz=imgsz, device="cpu", batch=16, workers=0, plots=False, verbose=False,
            project=scratch, name="val",
        )
    names = data["names"] if isinstance(data["names"], dict) else dict(enumerate(data["names"]))
    per_class = {
        names[int(index)]: round(float(ap50), 4) for index, ap50 in zip(metrics.ap_class_index, metrics.box.ap50)
    }
    return {
        "mAP50": round(float(metrics.box.map50), 4),
        "mAP50-95": round(float(metrics.box.map), 4),
        "precision": round(float(metrics.box.mp), 4),
        "recall": round(float(metrics.box.mr), 4),
        "AP50_per_class": per_class,
    }


def write_detector_report(
    weights: Path,
    data_yaml: Path,
    out_dir: Path,
    imgsz: int = 320,
    photos: Sequence[Path] = (),
    extra: Mapping[str, object] | None = None,
) -> dict:
    """Metrics json, ultralytics' training plots and a sample-predictions PNG of a trained detector in `out_dir`.

    The samples are the first val images of `data_yaml` followed by `photos` (e.g. real shop photos);
    `extra` (how it was trained) is stored in the json next to the metrics.
    """
    weights, out_dir = Path(weights), Path(out_dir)
    data = _load_data_yaml(Path(data_yaml))
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {**(extra or {}), "val": validate_detector(weights, data_yaml, imgsz)}
    (out_dir / "metrics.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    run_dir = weights.parent.parent  # ultralytics' <project>/<name>/weights/best.pt
    for plot in ("results.png", "BoxPR_curve.png", "confusion_matrix_normalized.png"):
        if (run_dir / plot).exists():
            shutil.copyfile(run_dir / plot, out_dir / plot)

    val_images = sorted((Path(data["path"]) / data["val"]).glob("*.jpg"))[: max(0, 12 - len(photos))]
    samples = [*val_images, *photos]
    detector = GarmentDetector(weights)
    tile, columns = 224, 4
    sheet = Image.new("RGB", (tile * columns, tile * -(-len(samples) // columns)), "white")
    for position, path in enumerate(samples):
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        regions = detector.detect(image)[:-1]
        image = draw_boxes(LabeledImage(image, [LabeledBox(f"{r.label} {r.score:.2f}", r.box) for r in regions]))
        image.thumbnail((tile, tile))
        sheet.paste(image, ((position % columns) * tile, (position // columns) * tile))
    sheet.quantize(256).save(out_dir / "sample_predictions.png", optimize=True)
    return report
