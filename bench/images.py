"""Images per second through SnapMode's imaging path on this CPU, beside the same work as raw model calls.

    .venv/bin/python bench/images.py [--images DIR] [--limit 200] [--batch 8] [--models DIR] [--json]

A local HTTP server (``python -m http.server``, its own process) serves a folder of product photos
(default: the demo shop's). The *pipeline* side runs each photo through the imaging use cases the
topology's bolts call (``snapmode.pipeline.imaging``): download with the crawler's fetcher and SSRF
guard, validate and normalise, detect, then ``embed`` (which tags every region with the product
classifier and embeds it with the DCGAN discriminator), and store in Milvus Lite in a temporary
folder. Those use cases take one photo at a time, except ``store``, which takes the records of
``--batch`` photos at once. The *peer* side does the same work as plain calls: ``httpx`` GET, Pillow
decode, then one detector, one classifier and one embedder call per batch of photos,
``MilvusClient.insert`` per batch and one flush at the end. Models are loaded and warmed up before
either side is timed; both sides must process the same photos.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
from PIL import Image
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.local_server import ServerDidNotStart, free_port, server_process  # noqa: E402
from snapmode import ids  # noqa: E402
from snapmode.config import Settings  # noqa: E402
from snapmode.domain import ImageTask  # noqa: E402
from snapmode.errors import SnapModeError  # noqa: E402
from snapmode.pipeline import imaging  # noqa: E402
from snapmode.services import Services  # noqa: E402
from snapmode.vision.images import crop  # noqa: E402

DEFAULT_IMAGES = REPO / "snapmode" / "shop" / "data" / "images" / "large"
SERVER_START_TIMEOUT_S = 20.0
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


class Side(BaseModel):
    images: int
    rejected: int  # judged no product photo by the classifier: not embedded
    vectors: int
    seconds: float
    images_per_second: float
    stages_ms_per_image: dict[str, float]


class Report(BaseModel):
    pipeline: Side
    peer: Side
    overhead: float  # peer images/s over pipeline images/s: how much slower the pipeline is
    batch: int
    cpus: int


class BenchError(RuntimeError):
    """The bench could not run or its two sides did not do the same work."""


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1, in its own process; yields the base URL."""
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    base = f"http://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    with server_process(command, base + "/", "image server", SERVER_START_TIMEOUT_S, **quiet):
        yield base


class Timer:
    """Wall seconds per stage, summed over calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - began

    def side(self, images: int, rejected: int, vectors: int) -> Side:
        total = sum(self.seconds.values())
        return Side(
            images=images,
            rejected=rejected,
            vectors=vectors,
            seconds=round(total, 3),
            images_per_second=round(images / total, 2) if total else 0.0,
            stages_ms_per_image={name: round(1000 * s / images, 2) for name, s in self.seconds.items()},
        )


def _batches(tasks: list[ImageTask], size: int) -> Iterator[list[ImageTask]]:
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def run_pipeline(services: Services, tasks: list[ImageTask], batch: int) -> Side:
    timer, images, rejected, vectors = Timer(), 0, 0, 0
    for group in _batches(tasks, batch):
        records = []
        for task in group:
            with timer.stage("download + validate"):
                downloaded = imaging.download(services, task)
            with timer.stage("detect"):
                detected = imaging.detect(services, downloaded)
            with timer.stage("classify + embed"):
                try:
                    records += imaging.embed(services, detected)
                except imaging.NotAProductPhoto:
                    rejected += 1
            images += 1
        with timer.stage("insert"):
            imaging.store(services, records)
        vectors += len(records)
    return timer.side(images, rejected, vectors)


def run_peer(services: Services, tasks: list[ImageTask], batch: int, collection: str) -> Side:
    from pymilvus import MilvusClient

    detector, classifier, embedder = services.detector, services.classifier, services.embedder
    client = MilvusClient(services.settings.vectors_uri)
    client.create_collection(collection, dimension=embedder.dim, metric_type="IP", auto_id=True)
    timer, images, rejected, vectors = Timer(), 0, 0, 0
    with httpx.Client() as http:
        for group in _batches(tasks, batch):
            with timer.stage("download + decode"):
                photos = [Image.open(io.BytesIO(http.get(t.image_url).content)).convert("RGB") for t in group]
            with timer.stage("detect"):
                regions = detector.detect_batch(photos)
            with timer.stage("classify"):
                crops = [[crop(photo, r.box) for r in found] for photo, found in zip(photos, regions)]
                predictions = classifier.classify([c for per_photo in crops for c in per_photo])
                # The whole-image region comes last for each photo: it decides whether the photo is kept.
                ends = np.cumsum([len(per_photo) for per_photo in crops]) - 1
                kept = [per_photo for per_photo, end in zip(crops, ends) if predictions[end].is_product]
            with timer.stage("embed"):
                embedded = embedder.embed([c for per_photo in kept for c in per_photo])
            with timer.stage("insert"):
                client.insert(collection, [{"vector": row.tolist()} for row in embedded])
            images += len(group)
            rejected += len(group) - len(kept)
            vectors += len(embedded)
    with timer.stage("insert"):
        client.flush(collection)
    return timer.side(images, rejected, vectors)


def measure(folder: Path, limit: int, batch: int, models_dir: Path) -> Report:
    photos = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)[:limit]
    if len(photos) < batch:
        raise BenchError(f"{len(photos)} photos in {folder}: fewer than one batch of {batch}")
    with serving(folder) as base, tempfile.TemporaryDirectory(prefix="snapmode-bench-") as home:
        host = base.removeprefix("http://")
        settings = Settings(home=Path(home), vectors_uri=str(Path(home) / "milvus.db"), models_dir=models_dir)
        settings.crawl.allow_hosts = [host]
        services = Services(settings)
        try:
            services.load_models()
        except (FileNotFoundError, SnapModeError) as exc:  # weights missing or unusable
            raise BenchError(str(exc)) from exc
        warm = ImageTask(product_id="warm-up", image_url=f"{base}/{photos[0]}")
        imaging.embed(services, imaging.detect(services, imaging.download(services, warm)))  # trace both models
        services.detector.detect_batch([Image.new("RGB", (300, 400), "white")] * batch)
        tasks = [
            ImageTask(product_id=ids.product_id(f"{base}/p/{name}"), image_url=f"{base}/{name}") for name in photos
        ]
        pipeline = run_pipeline(services, tasks, batch)
        peer = run_peer(services, tasks, batch, "peer_regions")
        services.close()
    if (pipeline.images, pipeline.rejected) != (peer.images, peer.rejected):
        raise BenchError(
            f"the pipeline processed {pipeline.images} photos ({pipeline.rejected} rejected), "
            f"the peer {peer.images} ({peer.rejected} rejected)"
        )
    return Report(
        pipeline=pipeline,
        peer=peer,
        overhead=round(peer.images_per_second / pipeline.images_per_second, 2),
        batch=batch,
        cpus=len(os.sched_getaffinity(0)),
    )


def print_table(report: Report, console: Console) -> None:
    for name, side in (("pipeline", report.pipeline), ("peer (raw calls)", report.peer)):
        title = f"{name}: {side.images} photos ({side.rejected} rejected), {side.vectors} vectors, batch {report.batch}"
        table = Table(title=title)
        table.add_column("stage")
        table.add_column("ms / photo", justify="right")
        table.add_column("share", justify="right")
        total_ms = 1000 * side.seconds / side.images
        for stage, ms in side.stages_ms_per_image.items():
            table.add_row(stage, f"{ms:.1f}", f"{ms / total_ms:.0%}")
        table.add_row("[bold]total", f"[bold]{total_ms:.1f}", "100%")
        console.print(table)
        console.print(f"{name}: [bold]{side.images_per_second:.1f} photos/s[/] on {report.cpus} CPUs\n")
    console.print(f"the pipeline runs at 1/{report.overhead:.2f} of the raw calls' speed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES, help="folder of product photos to serve")
    parser.add_argument("--limit", type=int, default=200, help="photos to process (first by name)")
    parser.add_argument("--batch", type=int, default=8, help="photos per batch")
    parser.add_argument("--models", type=Path, default=REPO / "models", help="folder of the model files")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of tables")
    args = parser.parse_args()
    console = Console(stderr=args.json)
    if not args.images.is_dir() or args.limit < 1 or args.batch < 1:
        console.print("[red]--images must be a folder, --limit and --batch positive")
        return 2
    try:
        report = measure(args.images, args.limit, args.batch, args.models)
    except (BenchError, ServerDidNotStart) as exc:
        console.print(f"[red]{exc}")
        return 1
    if args.json:
        print(report.model_dump_json())
    else:
        print_table(report, console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
