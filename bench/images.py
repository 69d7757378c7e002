"""Photos per second through SnapMode's imaging path on this CPU, beside the same models as raw batched calls.

    .venv/bin/python bench/images.py [--images DIR] [--limit 240] [--batch 16] [--models DIR] [--json]

A local HTTP server (``python -m http.server``, its own process) serves a folder of product photos
(default: the demo shop's). Every side processes the same photos, at batch sizes 1 and ``--batch``:

- *pipeline*: the imaging use cases the topology's bolts call (``snapmode.pipeline.imaging``), batch after
  batch: skip photos already embedded, download with the crawler's fetcher and SSRF guard (concurrently) and
  validate, detect (one detector call per batch), classify + embed (one classifier call for every region of
  the batch, the embedder's calls of ``similarity.photos_records``), store (``VectorStore.upsert``, regions
  then whole photos), into the configured vector store in a temporary folder. Stage times per photo.
- *topology*: the imaging topology itself in the embedded runner, from the SQLite queue to the vector
  store: the same use cases plus the spout, the tuples between the bolts and their encoding. Photos/s only.
- *workers*: one and two imaging worker processes taking batches from one shared queue, each with its own
  vector store (Milvus Lite serves one process; on a cluster they share a Milvus server), with torch and
  TensorFlow on one thread each when two share the machine. Photos/s from the moment every worker has its
  models loaded to the last batch stored.
- *peer*: the same models as plain calls: ``httpx`` GET, Pillow decode, then one detector, one classifier
  and one embedder call per batch (no detail views), ``MilvusClient.insert`` per batch and one flush.

Models are loaded and warmed up before anything is timed. Each pipeline and topology run indexes the photos
under URLs of its own (a query string), so none is skipped as already embedded by an earlier run.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
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

from bench.local_server import ServerDidNotStart, free_port, server_process
from snapmode import ids
from snapmode.config import Settings
from snapmode.domain import ImageTask
from snapmode.errors import SnapModeError
from snapmode.pipeline import imaging
from snapmode.services import Services
from snapmode.vision import frameworks
from snapmode.vision.images import crop

DEFAULT_IMAGES = REPO / "snapmode" / "shop" / "data" / "images" / "large"
SERVER_START_TIMEOUT_S = 20.0
WORKER_TIMEOUT_S = 600.0
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


class Side(BaseModel):
    name: str
    batch: int
    images: int
    rejected: int  # judged no product photo by the classifier: not embedded
    vectors: int
    seconds: float
    images_per_second: float
    stages_ms_per_image: dict[str, float]
    cpu_ms_per_image: float  # CPU time of this process (all its threads; not the vector store's server process)


class Workers(BaseModel):
    workers: int
    batch: int
    images: int
    seconds: float
    images_per_second: float


class Report(BaseModel):
    sides: list[Side]
    workers: list[Workers]
    batch: int
    cpus: int
    load_average: tuple[float, float, float]  # before the run


class BenchError(RuntimeError):
    """The bench could not run or its sides did not do the same work."""


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
        self.cpu_seconds = 0.0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - began
            self.cpu_seconds += time.process_time() - cpu

    def side(self, name: str, batch: int, images: int, rejected: int, vectors: int) -> Side:
        total = sum(self.seconds.values())
        return Side(
            name=name,
            batch=batch,
            images=images,
            rejected=rejected,
            vectors=vectors,
            seconds=round(total, 3),
            images_per_second=round(images / total, 2) if total else 0.0,
            stages_ms_per_image={name: round(1000 * s / images, 2) for name, s in self.seconds.items()},
            cpu_ms_per_image=round(1000 * self.cpu_seconds / images, 2),
        )


def _batches(tasks: list[ImageTask], size: int) -> Iterator[list[ImageTask]]:
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def _tasks(base: str, photos: list[str], run: str) -> list[ImageTask]:
    """Tasks whose URLs are this run's own (the server ignores the query string)."""
    return [
        ImageTask(product_id=ids.product_id(f"{base}/p/{name}"), image_url=f"{base}/{name}?run={run}")
        for name in photos
    ]


def index_batch(services: Services, group: list[ImageTask], timer: Timer) -> tuple[int, int]:
    """One batch through the imaging use cases, as the bolts run them; (rejected, vectors)."""
    with timer.stage("download + validate"):
        todo = [task for task in group if not imaging.already_embedded(services, task)]
        downloaded = imaging.download_many(services, todo)
    failed = [outcome for outcome in downloaded if isinstance(outcome, Exception)]
    if failed:
        raise BenchError(f"{len(failed)} photos could not be downloaded: {failed[0]}")
    with timer.stage("detect"):
        detected = imaging.detect_many(services, downloaded)
    with timer.stage("classify + embed"):
        outcomes = imaging.embed_many(services, detected)
    records = [record for outcome in outcomes if isinstance(outcome, list) for record in outcome]
    with timer.stage("insert"):
        imaging.store(services, records)
    return sum(isinstance(outcome, imaging.NotAProductPhoto) for outcome in outcomes), len(records)


def run_pipeline(services: Services, tasks: list[ImageTask], batch: int) -> Side:
    timer, rejected, vectors = Timer(), 0, 0
    for group in _batches(tasks, batch):
        refused, stored = index_batch(services, group, timer)
        rejected, vectors = rejected + refused, vectors + stored
    return timer.side("pipeline", batch, len(tasks), rejected, vectors)


def run_topology(services: Services, tasks: list[ImageTask], batch: int) -> Side:
    from launch.runner.embedded import EmbeddedRunner
    from topologies.imaging import ImagingTopology

    if services.settings.imaging.batch_size != batch:
        raise BenchError(f"the topology takes batches of imaging.batch_size, {services.settings.imaging.batch_size}")
    services.queue.publish(tasks)
    # The bolts find these services by the configuration (Services.shared): the same models and stores.
    runner = EmbeddedRunner(
        ImagingTopology, services.settings.to_conf(), finished=lambda: services.queue.pending() == 0
    )
    timer = Timer()
    with timer.stage("queue to vector store"):
        while not runner.done():
            if not runner.step():
                runner.wait(0.01)
    embedded = [task for task in tasks if imaging.already_embedded(services, task)]
    rejected = len(tasks) - len(embedded)
    vectors = sum(len(services.vectors.image_ids(task.image_url)) for task in embedded)
    return timer.side("topology", batch, len(tasks), rejected, vectors)


def run_peer(services: Services, tasks: list[ImageTask], batch: int, collection: str) -> Side:
    from pymilvus import MilvusClient

    detector, classifier, embedder = services.detector, services.classifier, services.embedder
    client = MilvusClient(str(services.settings.home / "peer.db"))
    client.create_collection(collection, dimension=embedder.dim, metric_type="IP", auto_id=True)
    timer, rejected, vectors = Timer(), 0, 0
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
            rejected += len(group) - len(kept)
            vectors += len(embedded)
    with timer.stage("insert"):
        client.flush(collection)
    client.close()
    return timer.side("peer", batch, len(tasks), rejected, vectors)


def _worker(settings_json: str, one_thread: bool, batches, ready, results) -> None:
    """One imaging worker process: load the models, wait for the others, then index batches until none is left."""
    if one_thread:  # before torch and TensorFlow load: two workers share two cores
        os.environ.update(OMP_NUM_THREADS="1", TF_NUM_INTRAOP_THREADS="1", TF_NUM_INTEROP_THREADS="1")
    services = Services(Settings.model_validate_json(settings_json))
    services.load_models()
    if one_thread:
        services.detector  # noqa: B018 (loads torch)
        frameworks.torch().set_num_threads(1)
    _warm_up(services, batches.get())
    ready.wait()
    began, images, timer = time.perf_counter(), 0, Timer()
    while (group := batches.get()) is not None:
        index_batch(services, group, timer)
        images += len(group)
    results.put((images, time.perf_counter() - began))
    services.close()


def run_workers(settings: Settings, tasks: list[ImageTask], batch: int, workers: int) -> Workers:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no model state is forked
    batches, results, ready = context.Queue(), context.Queue(), context.Barrier(workers + 1)
    processes = []
    for n in range(workers):
        home = settings.home / f"worker-{workers}-{n}"
        own = settings.model_copy(update={"home": home, "vectors_uri": str(home / "milvus.db")})
        process = context.Process(target=_worker, args=(own.model_dump_json(), workers > 1, batches, ready, results))
        process.start()
        processes.append(process)
    for _ in range(workers):
        batches.put(tasks[:batch])  # each worker's warm-up batch
    ready.wait(timeout=WORKER_TIMEOUT_S)
    for group in _batches(tasks, batch):
        batches.put(group)
    for _ in range(workers):
        batches.put(None)
    done = [results.get(timeout=WORKER_TIMEOUT_S) for _ in range(workers)]
    for process in processes:
        process.join(WORKER_TIMEOUT_S)
    images, seconds = sum(n for n, _ in done), max(s for _, s in done)
    if images != len(tasks):
        raise BenchError(f"{workers} workers indexed {images} photos of {len(tasks)}")
    return Workers(
        workers=workers,
        batch=batch,
        images=images,
        seconds=round(seconds, 3),
        images_per_second=round(images / seconds, 2),
    )


def _warm_up(services: Services, tasks: list[ImageTask]) -> None:
    """Trace both models and open the stores with a batch that no timed run uses."""
    warm = [task.model_copy(update={"image_url": task.image_url.split("?")[0] + "?run=warm-up"}) for task in tasks]
    index_batch(services, warm, Timer())
    index_batch(services, warm[:1], Timer())  # a batch of one is its own trace


def measure(folder: Path, limit: int, batch: int, models_dir: Path) -> Report:
    load = os.getloadavg()
    photos = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)[:limit]
    if len(photos) < batch:
        raise BenchError(f"{len(photos)} photos in {folder}: fewer than one batch of {batch}")
    with serving(folder) as base, tempfile.TemporaryDirectory(prefix="snapmode-bench-") as home:
        host = base.removeprefix("http://")
        settings = Settings(
            home=Path(home), vectors_uri=str(Path(home) / "milvus.db"), models_dir=models_dir,
            crawl={"allow_hosts": [host]}, imaging={"batch_size": batch},
        )  # fmt: skip
        services = Services.shared(settings)
        try:
            services.load_models()
        except (FileNotFoundError, SnapModeError) as exc:  # weights missing or unusable
            raise BenchError(str(exc)) from exc
        _warm_up(services, _tasks(base, photos[:batch], "warm-up"))
        services.detector.detect_batch([Image.new("RGB", (300, 400), "white")] * batch)
        sides = []
        for size in (1, batch):
            sides.append(run_pipeline(services, _tasks(base, photos, f"pipeline-{size}"), size))
            sides.append(run_peer(services, _tasks(base, photos, f"peer-{size}"), size, f"peer_{size}"))
        sides.append(run_topology(services, _tasks(base, photos, "topology"), batch))
        services.close()
        workers = [run_workers(settings, _tasks(base, photos, f"workers-{n}"), batch, n) for n in (1, 2)]
    counts = {(side.images, side.rejected) for side in sides}
    if len(counts) != 1:
        raise BenchError(f"the sides processed different photos: {[(s.name, s.images, s.rejected) for s in sides]}")
    return Report(
        sides=sides,
        workers=workers,
        batch=batch,
        cpus=len(os.sched_getaffinity(0)),
        load_average=tuple(round(value, 2) for value in load),
    )


def print_table(report: Report, console: Console) -> None:
    stages = list(dict.fromkeys(stage for side in report.sides for stage in side.stages_ms_per_image))
    table = Table(title=f"imaging on {report.cpus} CPUs (load average before: {report.load_average})")
    for column in ("side", "batch", "photos", "vectors", *stages, "ms / photo", "CPU ms / photo", "photos/s"):
        table.add_column(column, justify="left" if column == "side" else "right")
    for side in report.sides:
        cells = [f"{side.stages_ms_per_image[s]:.1f}" if s in side.stages_ms_per_image else "" for s in stages]
        total = 1000 * side.seconds / side.images
        table.add_row(
            side.name, str(side.batch), f"{side.images} ({side.rejected} rej.)", str(side.vectors), *cells,
            f"{total:.1f}", f"{side.cpu_ms_per_image:.1f}", f"[bold]{side.images_per_second:.1f}",
        )  # fmt: skip
    console.print(table)
    for run in report.workers:
        console.print(
            f"{run.workers} imaging worker(s), batch {run.batch}: [bold]{run.images_per_second:.1f} photos/s[/]"
            f" ({run.images} photos in {run.seconds:.1f} s)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path, default=DEFAULT_IMAGES, help="folder of product photos to serve")
    parser.add_argument("--limit", type=int, default=240, help="photos to process (first by name)")
    parser.add_argument("--batch", type=int, default=16, help="photos per batch")
    parser.add_argument("--models", type=Path, default=REPO / "models", help="folder of the model files")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of tables")
    args = parser.parse_args()
    console = Console(stderr=args.json, width=160)
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
