"""A photo's features (`photo_features`: the DCGAN and the colour signature of the photo and its 7 detail views,
and its article types) beside the same features with each reader squaring every image itself, as they did before
`photo_features` squared each image once for both.

    .venv/bin/python bench/photo_features.py
    .venv/bin/python bench/photo_features.py --rounds 5 --json

The photos are the held-out shop views the search benches query with, decoded as an upload is. Both sides run in
this process, alternating rounds over every photo; the table has each round's median ms a photo.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from snapmode.config import Settings
from snapmode.services import Services
from snapmode.similarity import photo_features
from snapmode.vision.colour import colour_signatures
from snapmode.vision.details import detail_boxes
from snapmode.vision.images import crop, normalize_image

HELDOUT = REPO / "tests" / "fixtures" / "heldout"


def each_reader_squaring(services: Services, photo: Image.Image) -> None:
    """The reference: the same models and signatures, given the photo and its views unsquared."""
    views = [crop(photo, box) for box in detail_boxes((0, 0, *photo.size))]
    vectors, _ = services.embedder.embed([photo]), services.embedder.embed(views)
    colour_signatures([photo]), colour_signatures(views)
    services.article_types.probabilities(vectors)


def median_ms(feature: Callable[[Image.Image], object], photos: list[Image.Image]) -> float:
    times = []
    for photo in photos:
        started = time.perf_counter()
        feature(photo)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    services = Services(Settings(home=Path(tempfile.mkdtemp(prefix="photo-features-"))))
    settings = services.settings.imaging
    photos = [normalize_image(path.read_bytes(), settings).image for path in sorted(HELDOUT.glob("*.jpg"))]
    sides = {
        "photo_features (squared once)": lambda photo: photo_features(services, [photo]),
        "each reader squaring (reference)": lambda photo: each_reader_squaring(services, photo),
    }
    for feature in sides.values():  # tracing and first calls are not a photo's cost
        [feature(photo) for photo in photos[:5]]
    rounds = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, feature in sides.items():
            rounds[name].append(median_ms(feature, photos))
    services.close()
    if args.json:
        print(json.dumps({"photos": len(photos), "median_ms_by_round": rounds}))
        return
    table = Table(title=f"ms a photo (median of {len(photos)} photos), by round")
    table.add_column("side")
    for i in range(args.rounds):
        table.add_column(f"round {i + 1}", justify="right")
    table.add_column("mean", justify="right")
    for name, values in rounds.items():
        table.add_row(name, *(f"{value:.1f}" for value in values), f"{np.mean(values):.1f}")
    Console().print(table)


if __name__ == "__main__":
    main()
