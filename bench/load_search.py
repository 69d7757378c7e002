"""Search by photo under load: POST /api/v1/search/image over HTTP on loopback against N indexed vectors,
beside the same query vectors sent straight to the vector store (VectorStore.search).

    .venv/bin/python bench/load_search.py                                  # 10k and 100k vectors, 60 s a run
    .venv/bin/python bench/load_search.py --vectors 10000 --seconds 15 --clients 1 4
    .venv/bin/python bench/load_search.py --vectors 100000 --nlist 1024 --candidates 25

The index: the demo shop crawled and embedded once (`snapmode demo --until-indexed`, cached under
--cache, one folder per Milvus Lite version and index inputs: models and the code that stores records),
then filled up to N with derived vectors (a real vector plus Gaussian noise, renormalised, with the payload of
its real product), because embedding 100k real photos on a CPU takes hours. Queries are real shop photos uploaded as
files. The API runs in its own uvicorn process (no access log) and every step that opens Milvus Lite
runs in a process of its own (Milvus Lite locks its database to one process). Each row shows the
one-minute load average before the run: compare rows taken on a quiet machine only.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Self

import httpx
import numpy as np
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHOP_PHOTOS = REPO / "snapmode" / "shop" / "data" / "images" / "large"
FILL_BATCH = 2048  # vectors derived and handed to one store upsert at a time (the store sends them 128 per call)
SEED = 7
UNLIMITED = "1000000/second"
# Opening an index of millions of regions, Milvus Lite loads and indexes its segments first: 4-6 min at 9.1M.
API_START_S = 900
TARGETS_MS = {"p50_ms": 50, "p99_ms": 150}  # at 100k vectors on 2 cores
# What search_by_image calls on Services, timed one by one for the breakdown.
STAGES = (
    ("detector", "detect"),
    ("classifier", "classify"),
    ("embedder", "embed"),
    ("vectors", "search"),
    ("vectors", "search_many"),
    ("products", "get_many"),
)


class Latencies(BaseModel):
    requests: int
    errors: dict[str, int]  # status code (or exception name) -> count
    p50_ms: float
    p99_ms: float
    per_second: float
    load_1m: float  # one-minute load average before the run

    @classmethod
    def of(cls, seconds: list[float], errors: dict[str, int], wall_s: float, load_1m: float) -> Latencies:
        ms = np.asarray(seconds) * 1000 if seconds else np.zeros(1)
        return cls(
            requests=len(seconds),
            errors=errors,
            p50_ms=round(float(np.percentile(ms, 50)), 1),
            p99_ms=round(float(np.percentile(ms, 99)), 1),
            per_second=round(len(seconds) / wall_s, 2),
            load_1m=load_1m,
        )


class Direct(BaseModel):
    """The peer: the same query vectors straight to VectorStore.search, and where one search's time goes."""

    vectors: int
    nlist: int  # IVF lists of the collection (1: exact search)
    store: Latencies
    stages_ms: dict[str, float]  # mean per in-process search_by_image call
    candidates: list[list[str]]  # per query photo, the ids the store returned, best first
    recall: float | None = None  # share of the exact search's candidates also returned, when nlist > 1


class HttpRun(BaseModel):
    vectors: int
    nlist: int
    clients: int
    http: Latencies


def load_1m() -> float:
    return round(os.getloadavg()[0], 2)


def query_photos(count: int) -> list[Path]:
    """Distinct product photos spread over the catalogue (sorted names, evenly spaced)."""
    photos = sorted(SHOP_PHOTOS.glob("*.jpg"))
    return photos[:: max(1, len(photos) // count)][:count]


def snapmode_env(home: Path) -> dict[str, str]:
    # This bench measures the store that keeps 8192-d vectors (bench/million.py measures the compact one).
    return {**os.environ, "SNAPMODE_HOME": str(home), "SNAPMODE_VECTORS": "milvus"}


# What decides the stored records: the models, and the code that computes and stores them.
INDEX_INPUTS = (
    "models/dcgan_discriminator.weights.h5",
    "models/classifier.keras",
    "models/article_types.npz",
    "snapmode/pipeline/imaging.py",
    "snapmode/vision/colour.py",
    "snapmode/vision/details.py",
    "snapmode/backends/vectors/milvus.py",
)


def index_digest() -> str:
    digest = hashlib.sha256()
    for path in INDEX_INPUTS:
        digest.update((REPO / path).read_bytes())
    return digest.hexdigest()[:8]


def ensure_base(cache: Path) -> Path:
    """The demo shop crawled and embedded, once; reused while its marker exists."""
    base = cache / "base"
    marker = base / "indexed.json"
    if not marker.is_file():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        print("indexing the demo shop once (a few minutes) ...", file=sys.stderr)
        done = subprocess.run(
            [str(REPO / ".venv" / "bin" / "snapmode"), "demo", "--until-indexed", "--shop-port", str(free_port())],
            env=snapmode_env(base),
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        marker.write_text(done.stdout.strip().splitlines()[-1])
    return base


def ensure_filled(cache: Path, base: Path, vectors: int, nlist: int) -> Path:
    """The base products and a new vector collection of ``vectors`` rows with ``nlist`` IVF lists; reused while
    its marker exists."""
    home = cache / f"n{vectors}-nlist{nlist}"
    marker = home / "filled.json"
    if not marker.is_file():
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(base, home, ignore=shutil.ignore_patterns("milvus.db"))
        print(f"filling an index to {vectors} vectors ({nlist} lists) ...", file=sys.stderr)
        figures = in_own_process(fill, base, home, vectors, nlist)
        marker.write_text(json.dumps(figures))
    return home


def in_own_process(function, *args):
    """Run in a fresh interpreter that exits afterwards, releasing Milvus Lite's lock on its database."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def fill(base: Path, home: Path, vectors: int, nlist: int) -> dict:
    from bench.derived_vectors import derive
    from snapmode.backends.products.base import ProductFilters
    from snapmode.backends.vectors.milvus import MilvusVectorStore
    from snapmode.config import Settings
    from snapmode.domain import VectorRecord
    from snapmode.services import Services

    services = Services(Settings(home=base, vectors="milvus"))
    images = []
    page_size, offset = 100, 0
    while page := services.products.search(None, ProductFilters(), offset=offset, limit=page_size).items:
        images += [url for product in page for url in product.images]
        offset += page_size
    real = [record for url in dict.fromkeys(images) for record in services.vectors.records_for_image(url)]
    if len(real) > vectors:
        raise SystemExit(f"the demo shop alone has {len(real)} vectors, more than --vectors {vectors}")
    settings = Settings(home=home, vectors="milvus")
    store = MilvusVectorStore(settings.resolved_vectors_uri, settings.vectors_collection, nlist=nlist)
    store.upsert(real)
    matrix = np.asarray([record.vector for record in real], dtype=np.float32)
    rng = np.random.default_rng(SEED)
    started = time.monotonic()
    for start in range(0, vectors - len(real), FILL_BATCH):
        count = min(FILL_BATCH, vectors - len(real) - start)
        sources, derived = derive(rng, matrix, count)
        store.upsert(
            [
                VectorRecord(
                    id=f"derived-{start + i:07d}",
                    product_id=real[source].product_id,
                    image_url=real[source].image_url,
                    box=real[source].box,
                    label=real[source].label,
                    category=real[source].category,
                    article_types=real[source].article_types,
                    colour=real[source].colour,
                    vector=row.tolist(),
                )
                for i, (source, row) in enumerate(zip(sources, derived, strict=True))
            ]
        )
    stored = store.count()
    store.close()
    services.close()
    return {"real": len(real), "vectors": stored, "nlist": nlist, "fill_s": round(time.monotonic() - started, 1)}


def direct(home: Path, photos: list[Path], seconds: float, nlist: int) -> Direct:
    """In one process: the store alone with the photos' query vectors, then search_by_image stage by stage."""
    from snapmode.config import Settings
    from snapmode.pipeline.search import search_by_image
    from snapmode.services import Services
    from snapmode.vision.images import normalize_image

    services = Services(Settings(home=home, vectors="milvus"))
    services.load_models()
    settings = services.settings
    queries = [services.embedder.embed([normalize_image(p.read_bytes(), settings.imaging).image])[0] for p in photos]
    queries = [vector.tolist() for vector in queries]
    services.vectors.search(queries[0], settings.search.candidates)  # warm the collection
    latencies, started, load = [], time.monotonic(), load_1m()
    while time.monotonic() - started < seconds:
        for vector in queries:
            began = time.perf_counter()
            services.vectors.search(vector, settings.search.candidates)
            latencies.append(time.perf_counter() - began)
    store = Latencies.of(latencies, {}, time.monotonic() - started, load)
    candidates = [[hit.id for hit in services.vectors.search(v, settings.search.candidates)] for v in queries]

    stages = StageClock(services)
    uploads = [photo.read_bytes() for photo in photos]
    search_by_image(services, uploads[0])  # first calls trace the models
    stages.reset()
    rounds = 3
    for _ in range(rounds):
        for data in uploads:
            stages.time("total", search_by_image, services, data)
    stages_ms = {name: round(total * 1000 / (rounds * len(uploads)), 1) for name, total in stages.totals.items()}
    # The detector runs beside the other stages (search_by_image), so it is left out of the sum.
    stages_ms["other (decode, crop, JSON models, waiting for the detector)"] = round(
        stages_ms["total"] - sum(v for k, v in stages_ms.items() if k not in ("total", "detector.detect")), 1
    )
    count = services.vectors.count()
    services.close()
    return Direct(vectors=count, nlist=nlist, store=store, stages_ms=stages_ms, candidates=candidates)


class StageClock:
    """Times the components search_by_image calls by wrapping them on the Services instance."""

    def __init__(self, services) -> None:
        self.totals: dict[str, float] = {}
        for component, method in STAGES:
            target = getattr(services, component)
            setattr(target, method, self._timed(f"{component}.{method}", getattr(target, method)))

    def _timed(self, name: str, function):
        def timed(*args, **kwargs):
            return self.time(name, function, *args, **kwargs)

        return timed

    def time(self, name: str, function, *args, **kwargs):
        began = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            self.totals[name] = self.totals.get(name, 0.0) + time.perf_counter() - began

    def reset(self) -> None:
        self.totals.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Api:
    """`snapmode serve` on a data directory, as production starts the API (its models loaded before the first
    request), in its own process without the crawl worker: one worker, since Milvus Lite serves one process per
    data directory. ``code``: the checkout whose API runs (another revision's, to compare with)."""

    def __init__(self, home: Path, env: dict[str, str] | None = None, code: Path = REPO) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "launch", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        # The per-client upload limit would turn the load into 429s: the bench measures capacity, not the limiter.
        env = {**(env or snapmode_env(home)), "SNAPMODE_API__UPLOAD_RATE": UNLIMITED, "SNAPMODE_CRAWL_WORKER": "false"}
        self.process = subprocess.Popen(command, cwd=code, env=env)

    def __enter__(self) -> Self:
        deadline = time.monotonic() + API_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the API exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the API did not come up in {API_START_S} s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(30)


async def hammer(url: str, uploads: list[tuple[str, bytes]], clients: int, seconds: float) -> HttpRun:
    """``clients`` connections each posting photos back to back for ``seconds``."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    endpoint = f"{url}/api/v1/search/image"
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    load = load_1m()
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        started = time.monotonic()

        async def one_client(offset: int) -> None:
            turn = offset
            while time.monotonic() - started < seconds:
                name, data = uploads[turn % len(uploads)]
                turn += 1
                began = time.perf_counter()
                try:
                    response = await client.post(endpoint, files={"file": (name, data, "image/jpeg")})
                    outcome = None if response.status_code == 200 else str(response.status_code)
                except httpx.HTTPError as error:
                    outcome = type(error).__name__
                if outcome is None:
                    latencies.append(time.perf_counter() - began)
                else:
                    errors[outcome] = errors.get(outcome, 0) + 1

        await asyncio.gather(*(one_client(i) for i in range(clients)))
        wall = time.monotonic() - started
    return HttpRun(vectors=0, nlist=0, clients=clients, http=Latencies.of(latencies, errors, wall, load))


def measure(home: Path, photos: list[Path], clients: list[int], seconds: float) -> list[HttpRun]:
    uploads = [(photo.name, photo.read_bytes()) for photo in photos]
    runs = []
    with Api(home) as api:
        asyncio.run(hammer(api.url, uploads, min(clients), min(10.0, seconds)))  # loads and traces the models
        for count in clients:
            runs.append(asyncio.run(hammer(api.url, uploads, count, seconds)))
    return runs


def recall(peer: Direct, earlier: list[Direct]) -> float | None:
    """Share of the exact search's candidates the approximate one also returned (same vectors, same queries)."""
    exact = next((d for d in earlier if d.vectors == peer.vectors and d.nlist == 1), None)
    if peer.nlist == 1 or exact is None:
        return None
    found = [len(set(mine) & set(truth)) / len(truth) for mine, truth in zip(peer.candidates, exact.candidates)]
    return round(sum(found) / len(found), 4)


def report(directs: list[Direct], runs: list[HttpRun], console: Console) -> None:
    from snapmode.config import Settings

    candidates = Settings().search.candidates
    table = Table(
        title=f"Search by photo over HTTP (POST /api/v1/search/image) vs VectorStore.search alone, {candidates} candidates"
    )
    for column in ("vectors", "lists", "recall", "path", "clients", "requests", "errors", "p50 ms", "p99 ms", "req/s",
                   "p50 ratio http/store", "load 1m"):
        table.add_column(column, justify="right")
    for peer in directs:
        store = peer.store
        recall = "" if peer.recall is None else f"{peer.recall:.3f}"
        table.add_row(f"{peer.vectors:,}", str(peer.nlist), recall, "store", "1", str(store.requests), "0", f"{store.p50_ms}",
                      f"{store.p99_ms}", f"{store.per_second}", "1.00", f"{store.load_1m}")
        for run in (r for r in runs if (r.vectors, r.nlist) == (peer.vectors, peer.nlist)):
            http = run.http
            table.add_row(f"{run.vectors:,}", str(run.nlist), "", "http", str(run.clients), str(http.requests),
                          str(sum(http.errors.values())) + (f" {http.errors}" if http.errors else ""),
                          f"{http.p50_ms}", f"{http.p99_ms}", f"{http.per_second}",
                          f"{http.p50_ms / store.p50_ms:.1f}", f"{http.load_1m}")
    console.print(table)
    stages = Table(title="One search_by_image call in process, mean ms per stage")
    stages.add_column("stage")
    for peer in directs:
        stages.add_column(f"{peer.vectors:,} vectors, {peer.nlist} lists", justify="right")
    for name in directs[0].stages_ms:
        stages.add_row(name, *(f"{peer.stages_ms[name]}" for peer in directs))
    console.print(stages)


def plot(directs: list[Direct], runs: list[HttpRun], path: Path) -> None:
    """p50 and p99 against indexed vectors, one line per client count, the store alone dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    lists = sorted({peer.nlist for peer in directs})
    for axis, percentile in zip(axes, ("p50_ms", "p99_ms"), strict=True):
        for nlist, clients in sorted({(run.nlist, run.clients) for run in runs}):
            mine = sorted((r for r in runs if (r.nlist, r.clients) == (nlist, clients)), key=lambda r: r.vectors)
            label = f"HTTP, {clients} client{'s' if clients > 1 else ''}" + (f", {nlist} lists" if len(lists) > 1 else "")
            axis.plot([r.vectors for r in mine], [getattr(r.http, percentile) for r in mine], "o-", label=label)
        for nlist, style in zip(lists, ("k--", "k-.", "k:"), strict=False):
            store = sorted((d for d in directs if d.nlist == nlist), key=lambda d: d.vectors)
            label = "VectorStore.search alone" + (f", {nlist} lists" if len(lists) > 1 else "")
            axis.plot([d.vectors for d in store], [getattr(d.store, percentile) for d in store], style, label=label)
        axis.axhline(TARGETS_MS[percentile], color="red", linestyle=":", label="target")
        axis.set(title=percentile.removesuffix("_ms"), xlabel="indexed vectors", xscale="log", yscale="log")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("ms")
    axes[1].legend(fontsize=8)
    loads = [run.http.load_1m for run in runs] + [direct.store.load_1m for direct in directs]
    figure.suptitle(
        f"Search by photo: latency against index size ({os.cpu_count()} cores, "
        f"load average {min(loads):g}-{max(loads):g} during the runs)"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vectors", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--photos", type=int, default=8, help="distinct query photos from the demo shop")
    parser.add_argument(
        "--nlist", type=int, nargs="+", default=[1],
        help="IVF lists of the filled collections (1: exact search, the store's default); recall is against 1",
    )
    parser.add_argument(
        "--candidates", type=int, help="vectors fetched per search before grouping by product (search.candidates)"
    )
    parser.add_argument("--cache", type=Path, default=REPO / "var" / "bench" / "load")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--plot", type=Path, help="also draw the percentiles against index size to this PNG")
    args = parser.parse_args()
    if args.candidates:  # read by the in-process searches and the API alike
        os.environ["SNAPMODE_SEARCH__CANDIDATES"] = str(args.candidates)
    photos = query_photos(args.photos)
    # Engines cannot read each other's files, and records from other models or code are another index.
    cache = args.cache / f"milvus-lite-{version('milvus-lite')}-index-{index_digest()}"
    base = ensure_base(cache)
    directs, runs = [], []
    for vectors in args.vectors:
        for nlist in args.nlist:
            home = ensure_filled(cache, base, vectors, nlist)
            peer = in_own_process(direct, home, photos, args.seconds, nlist)
            directs.append(peer.model_copy(update={"recall": recall(peer, directs)}))
            for run in measure(home, photos, args.clients, args.seconds):
                runs.append(run.model_copy(update={"vectors": peer.vectors, "nlist": nlist}))
    if args.plot:
        plot(directs, runs, args.plot)
    if args.json:
        print(json.dumps({"direct": [d.model_dump() for d in directs], "http": [r.model_dump() for r in runs]}))
        return
    report(directs, runs, Console(width=200))


if __name__ == "__main__":
    main()
