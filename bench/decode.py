"""Normalising a photo (`normalize_image`) at phone and web sizes, beside the same call with JPEG draft
decoding switched off: what reduced-scale decoding saves on an upload.

    .venv/bin/python bench/decode.py
    .venv/bin/python bench/decode.py --repeat 20 --json

The photos are a demo-shop photo enlarged to each size with fine noise added, so they compress like
camera JPEGs (quality 92) rather than like smooth upscales. Both sides run in this process, one photo
size after the other, alternating calls.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, JpegImagePlugin
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from snapmode.config import ImagingSettings  # noqa: E402
from snapmode.vision.images import normalize_image  # noqa: E402

SIZES = ((4032, 3024), (3000, 2000), (2048, 1536), (1200, 900))
SOURCE = REPO / "snapmode" / "shop" / "data" / "images" / "large"


def camera_like_jpeg(size: tuple[int, int], seed: int = 0) -> bytes:
    photo = Image.open(sorted(SOURCE.glob("*.jpg"))[0]).convert("RGB").resize(size, Image.Resampling.BICUBIC)
    noise = np.random.default_rng(seed).normal(0, 6, (size[1], size[0], 3))
    pixels = np.clip(np.asarray(photo, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


@contextmanager
def full_decode():
    """The peer: Pillow's JPEG draft mode off, so every photo is decoded at full size."""
    draft = JpegImagePlugin.JpegImageFile.draft
    JpegImagePlugin.JpegImageFile.draft = lambda self, mode, size: None
    try:
        yield
    finally:
        JpegImagePlugin.JpegImageFile.draft = draft


def timed_ms(data: bytes, limits: ImagingSettings) -> float:
    began = time.perf_counter()
    normalize_image(data, limits)
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="calls per photo and side")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    limits = ImagingSettings()
    rows = []
    for size in SIZES:
        data = camera_like_jpeg(size)
        reduced, full = [], []
        for _ in range(args.repeat):
            reduced.append(timed_ms(data, limits))
            with full_decode():
                full.append(timed_ms(data, limits))
        rows.append(
            {
                "size": f"{size[0]}x{size[1]}",
                "kb": len(data) // 1024,
                "draft_ms": round(statistics.median(reduced), 1),
                "full_ms": round(statistics.median(full), 1),
            }
        )
    if args.json:
        print(json.dumps(rows))
        return
    table = Table(title=f"normalize_image, median of {args.repeat} calls")
    for column in ("photo", "JPEG KB", "draft decoding ms", "full decode ms", "full / draft"):
        table.add_column(column, justify="right")
    for row in rows:
        ratio = row["full_ms"] / row["draft_ms"]
        table.add_row(row["size"], str(row["kb"]), str(row["draft_ms"]), str(row["full_ms"]), f"{ratio:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
