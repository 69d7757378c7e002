"""A million photos on one machine: the compact vector store (snapmode.backends.vectors.compact_store) filled to N
photos, searched by real photos over HTTP, beside an exact full-precision search of the same index.

    .venv/bin/python bench/million.py                                    # real photos only, 10k, 100k, 1M
    .venv/bin/python bench/million.py --photos 10000 --seconds 10 --clients 1 4    # a quick check of the script
    .venv/bin/python bench/million.py --plot docs/images/million.png
    .venv/bin/python bench/million.py --server --photos 1000000      # the index in a Milvus server instead
    .venv/bin/python bench/million.py --server --photos 1000000 --against ddb4308 --clients 1 4
                                                        # serving only: this checkout's API against a revision's

The index: the demo shop crawled and embedded once with 8192-d vectors (bench/load_search.py's base, its real
photos and their regions), then filled up to N photos with *derived* photos: each a copy of a real photo whose
every region vector is moved to a cosine of 0.80-0.95 from its source (one draw per photo) by Gaussian noise in the
256-dimensional span of differences between random pairs of real regions, with its colours and article types. Each derived photo
belongs to a derived product (4 photos each, a copy of the source's product under a new id), indexed in the product
index. Noise in a subspace keeps the exact cosine of a query with any of a million derived vectors a 256-d dot
product away, which is what makes the exact reference affordable; it is what sits in the compact index that is
measured.

For each size it reports, in one run: the time to write the regions and to build the index (`rebuild`, what
`snapmode vectors rebuild` does); resident memory of the API process and its Milvus Lite engine while serving;
the data directory on disk; search by photo over HTTP (p50, p99 with one client, requests/s at 4 and 16); how
long a region inserted into the filled index takes to be found; and recall@10 of products: for real query photos
(held-out shop views) searched whole, the products `best_matches` ranks first through the compact store, against
the same ranking over an exact 8192-d scan of every stored region (the reference).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Self
from unittest import mock

import httpx
import numpy as np
from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.load_search import (
    Api,
    HttpRun,
    ensure_base,
    hammer,
    in_own_process,
    load_1m,
)
from bench.revisions import revision_tree

if TYPE_CHECKING:
    from snapmode.backends.vectors.payloads import Payload, SqlitePayloads

SEED = 11
NOISE_DIMS = 256  # the dimensions of the subspace derived photos' noise lies in
COSINE = (0.80, 0.95)  # of a derived region to its source, as bench/derived_vectors.py
PHOTOS_PER_PRODUCT = 4
CHUNK_PHOTOS = 5_000  # derived photos generated (and regenerated for the exact scan) together
WHOLE_CANDIDATES, VIEW_CANDIDATES = 200, 20  # SearchSettings' defaults, which the exact scan keeps per query
HELDOUT = REPO / "tests" / "fixtures" / "heldout"
GOALS = {"rss_gb": 8.0, "disk_gb": 20.0, "p50_ms": 100.0, "p99_ms": 300.0, "recall": 0.95, "build_s": 3600.0}


class SizeRun(BaseModel):
    engine: str = "lite"
    photos: int
    regions: int
    products: int
    write_s: float
    build_s: float
    rss_gb: float
    disk_gb: float
    http: list[HttpRun]
    searchable_after_ms: float
    recall_at_10: float
    load_1m: float


def home_env(home: Path) -> dict[str, str]:
    return {**os.environ, "SNAPMODE_HOME": str(home), "SNAPMODE_CRAWL_WORKER": "false"}


# ---------------------------------------------------------------------------------------------------------------
# The real photos the fill derives from: the demo shop indexed with 8192-d vectors.


def read_sources(base: Path, out: Path) -> None:
    """Every stored region of the demo shop's photos, vectors in full, and their products, into ``out``."""
    from snapmode.backends.products.base import ProductFilters
    from snapmode.backends.vectors import compact
    from snapmode.config import Settings
    from snapmode.services import Services

    services = Services(Settings(home=base, vectors="milvus"))
    products, offset = [], 0
    while page := services.products.search(None, ProductFilters(), offset=offset, limit=100).items:
        products += page
        offset += 100
    photos = [(product.id, url) for product in products for url in dict.fromkeys(product.images)]
    records, photo_of = [], []
    for index, (_, url) in enumerate(photos):
        found = services.vectors.records_for_image(url)
        records += found
        photo_of += [index] * len(found)
    services.close()
    np.savez(
        out,
        vectors=np.asarray([r.vector for r in records], np.float32),
        photo=np.asarray(photo_of, np.int32),
        colour=np.asarray([compact.pack_colour(r.colour) for r in records], dtype=object),
        article_types=np.asarray([compact.pack_probabilities(r.article_types) for r in records], dtype=object),
        meta=np.asarray([json.dumps([r.label, r.category, list(r.box)]) for r in records]),
        photos=np.asarray([json.dumps(photo) for photo in photos]),
        products=np.asarray([product.model_dump_json() for product in products]),
    )


class Sources:
    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=True) as saved:
            self.vectors = saved["vectors"]
            self.photo = saved["photo"]
            self.colour = list(saved["colour"])
            self.article_types = list(saved["article_types"])
            self.meta = [json.loads(row) for row in saved["meta"]]
            self.photos = [tuple(json.loads(row)) for row in saved["photos"]]
            self.products = {p["id"]: p for p in (json.loads(row) for row in saved["products"])}
        # Each photo's regions, in stored order: a derived photo copies all of them.
        self.regions_of = [np.flatnonzero(self.photo == i) for i in range(len(self.photos))]
        # Derived photos vary along the directions real ones do: the span of differences between real regions.
        # (Noise drawn from the whole 8192-d space would lie almost all outside the learned projection, which
        # keeps 89% of real vectors' energy: no real photo differs from another that way.)
        pairs = np.random.default_rng(SEED).integers(0, len(self.vectors), (NOISE_DIMS, 2))
        basis, _ = np.linalg.qr((self.vectors[pairs[:, 0]] - self.vectors[pairs[:, 1]]).T)
        self.noise_basis = basis.T.astype(np.float32)  # (NOISE_DIMS, d), orthonormal rows
        self.noise_of_source = self.vectors @ self.noise_basis.T  # (regions, NOISE_DIMS)


class Chunk(BaseModel, arbitrary_types_allowed=True):
    """Derived photos [start, stop): their regions' sources, noise and norms, and names."""

    start: int
    source_photo: np.ndarray  # (photos,)
    source: np.ndarray  # (regions,) source region of each derived region
    photo: np.ndarray  # (regions,) derived photo number of each
    noise: np.ndarray  # (regions, NOISE_DIMS)
    norm: np.ndarray  # (regions,) length of source + noise


def derived_chunk(sources: Sources, real_photos: int, start: int, stop: int) -> Chunk:
    """Derived photos ``start``..``stop`` (numbered after the real ones), the same on every call."""
    rng = np.random.default_rng([SEED, start])
    source_photo = rng.integers(0, real_photos, stop - start)
    cosine = rng.uniform(*COSINE, stop - start)
    source = np.concatenate([sources.regions_of[p] for p in source_photo])
    photo = np.repeat(np.arange(start, stop), [len(sources.regions_of[p]) for p in source_photo])
    per_region_cosine = cosine[photo - start]
    noise = rng.standard_normal((len(source), NOISE_DIMS)).astype(np.float32)
    # Noise of length sqrt(1/c^2 - 1) around a unit vector leaves it at cosine c from its source.
    noise *= (np.sqrt(1 / per_region_cosine**2 - 1) / np.linalg.norm(noise, axis=1))[:, None]
    lengths = np.sum(noise**2, axis=1) + 1 + 2 * np.sum(sources.noise_of_source[source] * noise, axis=1)
    return Chunk(start=start, source_photo=source_photo, source=source, photo=photo, noise=noise,
                 norm=np.sqrt(lengths))  # fmt: skip


def derived_names(photo: int) -> tuple[str, str]:
    """(product id, photo URL) of derived photo number ``photo``."""
    product = photo // PHOTOS_PER_PRODUCT
    return f"million-{product:07d}", f"https://million.example/products/{product}/{photo}.jpg"


# ---------------------------------------------------------------------------------------------------------------
# Fill: products, regions (payloads) and the index, in a process of their own (Milvus Lite's lock).


def put(stored: SqlitePayloads, payloads: list[Payload]) -> None:
    """Rows written as the compact store writes them, its index left to the rebuild that follows."""
    stored.put(payloads, stored.rows_for([payload.key for payload in payloads]))


def fill(sources_path: Path, base: Path, home: Path, photos: int) -> dict:
    from snapmode import ids
    from snapmode.backends.vectors import compact
    from snapmode.backends.vectors.compact_store import region_key
    from snapmode.backends.vectors.payloads import Payload
    from snapmode.config import Settings
    from snapmode.domain import Product
    from snapmode.services import Services
    from snapmode.vision.details import DETAIL_LABEL

    sources = Sources(sources_path)
    real_photos = len(sources.photos)
    if photos < real_photos:
        raise SystemExit(f"the demo shop alone has {real_photos} photos, more than --photos {photos}")
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(base, home, ignore=shutil.ignore_patterns("milvus.db", "regions.sqlite3"))
    services = Services(Settings(home=home))
    store = services.vectors
    codec = store._codec
    projected = sources.vectors @ codec.projection.T  # (regions, rerank_dims), before normalising
    noise_projected = sources.noise_basis @ codec.projection.T  # (NOISE_DIMS, rerank_dims)

    def payloads(rows: np.ndarray, source: np.ndarray, names: list[tuple[str, str]]) -> list[Payload]:
        coordinates = rows / np.linalg.norm(rows, axis=1, keepdims=True)
        found = []
        for i, (region, (product_id, url)) in enumerate(zip(source, names, strict=True)):
            label, category, box = sources.meta[region]
            region_id = ids.vector_id(url, tuple(box), label if label == DETAIL_LABEL else None)
            found.append(Payload(
                key=region_key(region_id), id=region_id, product_id=product_id, image_url=url, label=label,
                category=category, box=tuple(box), coordinates=compact.pack_coordinates(coordinates[i]),
                colour=sources.colour[region], article_types=sources.article_types[region],
            ))  # fmt: skip
        return found

    started = time.monotonic()
    all_regions = np.arange(len(sources.vectors))
    real_names = [sources.photos[sources.photo[r]] for r in all_regions]
    put(store._payloads, payloads(projected, all_regions, real_names))
    with Progress() as progress:
        task = progress.add_task(f"writing {photos:,} photos' regions", total=photos - real_photos)
        for start in range(real_photos, photos, CHUNK_PHOTOS):
            stop = min(start + CHUNK_PHOTOS, photos)
            chunk = derived_chunk(sources, real_photos, start, stop)
            rows = projected[chunk.source] + chunk.noise @ noise_projected
            names = [derived_names(int(p)) for p in chunk.photo]
            put(store._payloads, payloads(rows, chunk.source, names))
            new_products = {}
            for offset, source_photo in enumerate(chunk.source_photo):
                product_id, url = derived_names(start + offset)
                template = sources.products[sources.photos[source_photo][0]]
                product = new_products.setdefault(product_id, {**template, "id": product_id, "images": []})
                product["url"] = f"https://million.example/products/{product_id}"
                product["images"].append(url)
            services.products.upsert([Product.model_validate(p) for p in new_products.values()])
            progress.advance(task, stop - start)
    write_s = time.monotonic() - started
    started = time.monotonic()
    with Progress() as progress:
        task = progress.add_task("building the index", total=store.count())
        store.rebuild(lambda done, total: progress.update(task, completed=done))
    build_s = time.monotonic() - started
    figures = {"regions": store.count(), "products": services.products.count(), "write_s": round(write_s, 1),
               "build_s": round(build_s, 1)}  # fmt: skip
    services.close()
    return figures


# ---------------------------------------------------------------------------------------------------------------
# Recall: best_matches through the compact store against the same ranking over an exact scan.


class ExactScan:
    """``search_many`` by exact 8192-d cosine over every stored region, for a known set of query vectors: one pass
    over the fill (regenerated chunk by chunk) keeps each query's best regions, which later searches read."""

    def __init__(self, sources: Sources, photos: int, wholes: list[np.ndarray], views: list[np.ndarray]) -> None:
        from snapmode.vision.details import DETAIL_LABEL

        self._sources = sources
        self._answers: dict[tuple[bytes, bool], list[tuple[float, int, int]]] = {}
        not_detail = np.asarray([meta[0] != DETAIL_LABEL for meta in sources.meta])
        queries = [(vector, False, WHOLE_CANDIDATES) for vector in wholes]
        queries += [(vector, True, VIEW_CANDIDATES) for vector in views]
        matrix = np.asarray([vector for vector, _, _ in queries], np.float32)
        self._prepare(matrix / np.linalg.norm(matrix, axis=1, keepdims=True))
        real = len(sources.photos)
        best: list[list[tuple[float, int, int]]] = [[] for _ in queries]  # (cosine, photo, source region)

        def keep(scores: np.ndarray, photo: np.ndarray, region: np.ndarray) -> None:
            for q, (_, views_only, k) in enumerate(queries):
                row = np.where(not_detail[region], scores[q], -np.inf) if views_only else scores[q]
                top = np.argpartition(-row, min(k, len(row) - 1))[:k]
                found = [(float(row[i]), int(photo[i]), int(region[i])) for i in top if np.isfinite(row[i])]
                best[q] = sorted(best[q] + found, reverse=True)[:k]

        keep(self._real_scores(), sources.photo, np.arange(len(sources.vectors)))
        with Progress() as progress:
            task = progress.add_task(f"{self.scan} of every stored region", total=photos - real)
            for start in range(real, photos, CHUNK_PHOTOS):
                chunk = derived_chunk(sources, real, start, min(start + CHUNK_PHOTOS, photos))
                keep(self._derived_scores(chunk), chunk.photo, chunk.source)
                progress.advance(task, len(chunk.source_photo))
        for (vector, views_only, _), found in zip(queries, best, strict=True):
            self._answers[(np.asarray(vector, np.float32).tobytes(), views_only)] = found

    scan = "exact scan"

    def _prepare(self, queries: np.ndarray) -> None:
        """What the scores below need of the unit query vectors (queries, d)."""
        self._to_sources = queries @ self._sources.vectors.T
        self._to_noise = queries @ self._sources.noise_basis.T

    def _real_scores(self) -> np.ndarray:
        """(queries, real regions): each query's cosine with every real region."""
        return self._to_sources

    def _derived_scores(self, chunk: Chunk) -> np.ndarray:
        """(queries, the chunk's regions): each query's cosine with every derived region of the chunk."""
        return (self._to_sources[:, chunk.source] + self._to_noise @ chunk.noise.T) / chunk.norm[None, :]

    def search(self, vector, k, exclude_product=None, category=None, product_ids=None):
        return self.search_many([vector], k, exclude_product, category, None, product_ids)[0]

    def search_many(self, vectors, k, exclude_product=None, category=None, exclude_label=None, product_ids=None):
        from snapmode.backends.vectors import compact
        from snapmode.backends.vectors.hits import VectorHit
        from snapmode.vision.colour import COLOUR_DIM

        if exclude_product or category or product_ids:
            raise ValueError("the exact scan answers unfiltered searches only")
        src, hits = self._sources, []
        for vector in vectors:
            found = self._answers[(np.asarray(vector, np.float32).tobytes(), exclude_label is not None)]
            if k > len(found):
                raise ValueError(f"the exact scan kept {len(found)} regions per query, {k} asked")
            row = []
            for cosine, photo, region in found[:k]:
                label, region_category, box = src.meta[region]
                product_id, url = src.photos[photo] if photo < len(src.photos) else derived_names(photo)
                row.append(VectorHit(
                    id=f"{url}#{region}", product_id=product_id, image_url=url, label=label, category=region_category,
                    box=tuple(box), score=cosine,
                    colour=compact.unpack_colour(src.colour[region], COLOUR_DIM),
                    article_types=compact.unpack_probabilities(src.article_types[region]),
                ))  # fmt: skip
            hits.append(row)
        return hits


def query_paths(count: int) -> list[Path]:
    return sorted(HELDOUT.glob("*.jpg"))[:count]


def searching(vectors, services) -> SimpleNamespace:
    """``services`` as the search reads them, with ``vectors`` (e.g. an exact scan) in place of its store."""
    return SimpleNamespace(vectors=vectors, settings=services.settings, products=services.products)


def top_products(searched, features) -> list[str]:
    """The 10 products `best_matches` ranks first for a query's features (the photo's, then its detail views')."""
    from snapmode.pipeline.search import best_matches

    return [hit.product_id for hit, _ in best_matches(searched, features[0], features[1:], 10)]


def share_found(found: list[str], exact: list[str]) -> float:
    """Recall of one query: the share of the exact search's products that ``found`` has too."""
    return len(set(found) & set(exact)) / max(1, len(exact))


def recall(sources_path: Path, home: Path, photos: int, queries: int) -> dict:
    """Recall@10 of products, compact against exact, and how soon an inserted region is found."""
    from PIL import Image

    from snapmode.config import Settings
    from snapmode.domain import VectorRecord
    from snapmode.services import Services
    from snapmode.similarity import query_features

    sources = Sources(sources_path)
    services = Services(Settings(home=home))
    weights = services.settings.search
    if (weights.candidates, weights.view_candidates) != (WHOLE_CANDIDATES, VIEW_CANDIDATES):
        raise SystemExit("the exact scan keeps the default search.candidates and search.view_candidates")
    asked = [query_features(services, Image.open(path).convert("RGB")) for path in query_paths(queries)]
    scan = ExactScan(sources, photos, [f[0].vector for f in asked], [v.vector for f in asked for v in f[1:]])
    exact = searching(scan, services)
    shares = [share_found(top_products(services, features), top_products(exact, features)) for features in asked]
    # A region stored into the filled index, then searched for until it comes back.
    vector = sources.vectors[0]
    record = VectorRecord(id="inserted-while-serving", product_id="inserted", image_url="https://million.example/new.jpg",
                          box=(0, 0, 10, 10), label="image", vector=vector.tolist(), colour=[0.0] * 512,
                          article_types=[0.0] * len(services.article_types.classes))  # fmt: skip
    started = time.perf_counter()
    services.vectors.upsert([record])
    while not any(hit.id == record.id for hit in services.vectors.search(vector.tolist(), 5)):
        time.sleep(0.05)
    searchable_ms = (time.perf_counter() - started) * 1000
    services.close()
    return {"recall_at_10": round(float(np.mean(shares)), 4), "searchable_after_ms": round(searchable_ms, 1)}


# ---------------------------------------------------------------------------------------------------------------
# The cluster path's index: a Milvus standalone server, as scripts/cluster runs it.


class MilvusServer:
    """`scripts/cluster start milvus` with its own home (``SNAPMODE_CLUSTER_HOME``), so its data directory holds
    one size's index and its size on disk is that index's."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = {**os.environ, "SNAPMODE_CLUSTER_HOME": str(home)}

    def __enter__(self) -> Self:
        self.home.mkdir(parents=True, exist_ok=True)
        subprocess.run([REPO / "scripts" / "cluster", "start", "milvus"], env=self.env, check=True)
        self.pid = int((self.home / "milvus" / "pid").read_text())
        exports = subprocess.run([REPO / "scripts" / "cluster", "env"], env=self.env, check=True,
                                 capture_output=True, text=True).stdout  # fmt: skip
        self.uri = next(line.split("=", 1)[1] for line in exports.split() if line.startswith("SNAPMODE_VECTORS_URI="))
        return self

    def __exit__(self, *exc) -> None:
        subprocess.run([REPO / "scripts" / "cluster", "down"], env=self.env, check=True)


def server_env(server: MilvusServer, photos: int) -> dict[str, str]:
    return {"SNAPMODE_VECTORS_URI": server.uri, "SNAPMODE_COMPACT_VECTORS__COLLECTION": f"million_{photos}"}


def build_on_server(home: Path, env: dict[str, str]) -> float:
    """`snapmode vectors rebuild` from the rows into the server, which returns once the server has built every
    segment's IVF lists: its seconds."""
    started = time.monotonic()
    subprocess.run([REPO / ".venv" / "bin" / "snapmode", "vectors", "rebuild"], env={**home_env(home), **env},
                   check=True)  # fmt: skip
    return time.monotonic() - started


# ---------------------------------------------------------------------------------------------------------------
# Serving: memory, disk and HTTP latency.


def serving_rss_gb(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 1e9


def disk_gb(home: Path) -> float:
    return sum(path.stat().st_size for path in home.rglob("*") if path.is_file()) / 1e9


@contextlib.contextmanager
def serving(home: Path, uploads: list[tuple[str, bytes]], code: Path = REPO) -> Iterator[Api]:
    """The API of ``code`` on ``home``, its first calls (which trace the models) made."""
    with Api(home, home_env(home), code) as api:
        for name, data in uploads[:3]:
            httpx.post(f"{api.url}/api/v1/search/image", files={"file": (name, data, "image/jpeg")}, timeout=120)
        yield api


def hammered(
    home: Path, code: Path, clients: list[int], seconds: float, uploads: list[tuple[str, bytes]]
) -> list[HttpRun]:
    with serving(home, uploads, code) as api:
        return [asyncio.run(hammer(api.url, uploads, count, seconds)) for count in clients]


def compare_serving(
    cache: Path, home: Path, revision: str, clients: list[int], seconds: float, queries: int, rounds: int
) -> list[dict]:
    """Serving alone, this checkout's API against ``revision``'s on the same index, each started afresh and the two
    alternated ``rounds`` times, after a first run of this checkout's that warms the page cache (not reported)."""
    uploads = [(path.name, path.read_bytes()) for path in query_paths(queries)]
    tree = revision_tree(cache, revision)
    hammered(home, REPO, [1], seconds, uploads)
    found = []
    for turn in range(rounds):
        for code, name in ((tree, revision), (REPO, "this checkout")):
            for run in hammered(home, code, clients, seconds, uploads):
                found.append({"code": name, "round": turn + 1, "clients": run.clients, **run.http.model_dump()})
    return found


def report_comparison(found: list[dict], console: Console) -> None:
    table = Table(title="Serving: this checkout against a revision, alternated on the same index")
    for column in ("code", "round", "clients", "requests", "p50 ms", "p99 ms", "req/s", "load"):
        table.add_column(column, justify="left" if column == "code" else "right")
    for row in found:
        table.add_row(row["code"], str(row["round"]), str(row["clients"]), str(row["requests"]), f"{row['p50_ms']:.0f}",
                      f"{row['p99_ms']:.0f}", f"{row['per_second']:.2f}", f"{row['load_1m']:.2f}")  # fmt: skip
    console.print(table)


def serve_and_load(
    home: Path, clients: list[int], seconds: float, queries: int, also: int | None = None
) -> tuple[list[HttpRun], float]:
    """HTTP runs and the resident GB of the API's processes, and of ``also``'s (a server's) where given."""
    uploads = [(path.name, path.read_bytes()) for path in query_paths(queries)]
    with serving(home, uploads) as api:
        runs = [asyncio.run(hammer(api.url, uploads, count, seconds)) for count in clients]
        rss = serving_rss_gb(api.process.pid) + (serving_rss_gb(also) if also else 0.0)
    return runs, rss


def filled(sources_path: Path, base: Path, cache: Path, photos: int) -> tuple[Path, dict]:
    """The home of ``photos`` photos' rows and Milvus Lite index, filled once (``filled.json`` has its figures)."""
    home = cache / f"photos-{photos}"
    marker = home / "filled.json"
    if not marker.is_file():
        marker_figures = in_own_process(fill, sources_path, base, home, photos)
        marker.write_text(json.dumps(marker_figures))
    return home, json.loads(marker.read_text())


def measure(sources_path: Path, base: Path, cache: Path, photos: int, clients, seconds, queries) -> SizeRun:
    home, figures = filled(sources_path, base, cache, photos)
    load = load_1m()
    runs, rss = serve_and_load(home, clients, seconds, queries)
    found = in_own_process(recall, sources_path, home, photos, queries)
    return SizeRun(photos=photos, **figures, rss_gb=round(rss, 2), disk_gb=round(disk_gb(home), 2), http=runs,
                   load_1m=load, **found)  # fmt: skip


def measure_on_server(sources_path: Path, base: Path, cache: Path, photos: int, clients, seconds, queries) -> SizeRun:
    """The same rows with their index in a Milvus server of its own (rebuilt there once; ``server.json`` keeps the
    build's seconds): memory counts the server's processes too, disk its data directory instead of Milvus Lite's
    file."""
    home, figures = filled(sources_path, base, cache, photos)
    with MilvusServer(cache / f"server-{photos}") as server:
        env = server_env(server, photos)
        marker = server.home / "server.json"
        if not marker.is_file():
            marker.write_text(json.dumps({"build_s": round(build_on_server(home, env), 1)}))
        figures = {**figures, **json.loads(marker.read_text())}
        with mock.patch.dict(os.environ, env):  # what the API and the recall's own interpreter read
            load = load_1m()
            runs, rss = serve_and_load(home, clients, seconds, queries, also=server.pid)
            found = in_own_process(recall, sources_path, home, photos, queries)
        rows_gb = disk_gb(home) - sum(path.stat().st_size for path in home.glob("regions_index.db*")) / 1e9
        disk = rows_gb + disk_gb(server.home)
    return SizeRun(engine="server", photos=photos, **figures, rss_gb=round(rss, 2), disk_gb=round(disk, 2),
                   http=runs, load_1m=load, **found)  # fmt: skip


def report(runs: list[SizeRun], console: Console) -> None:
    table = Table(title="Compact vector store by index size (goals at 1M photos in the last row)")
    for column in ("index", "photos", "regions", "write s", "build s", "RSS GB", "disk GB", "p50 ms", "p99 ms",
                   "req/s by clients", "found after ms", "recall@10", "load"):  # fmt: skip
        table.add_column(column, justify="right")
    for run in runs:
        one = run.http[0].http
        table.add_row(
            run.engine, f"{run.photos:,}", f"{run.regions:,}", f"{run.write_s:.0f}", f"{run.build_s:.0f}", f"{run.rss_gb:.2f}",
            f"{run.disk_gb:.2f}", f"{one.p50_ms:.0f}", f"{one.p99_ms:.0f}",
            " / ".join(f"{r.clients}: {r.http.per_second:.1f}" for r in run.http),
            f"{run.searchable_after_ms:.0f}", f"{run.recall_at_10:.3f}", f"{run.load_1m:.2f}",
        )  # fmt: skip
    g = GOALS
    table.add_row("goal", "", "", "", f"<= {g['build_s']:.0f}", f"<= {g['rss_gb']}", f"<= {g['disk_gb']}",
                  f"<= {g['p50_ms']:.0f}", f"<= {g['p99_ms']:.0f}", "", "<= 5000", f">= {g['recall']}", "")  # fmt: skip
    console.print(table)


def plot(runs: list[SizeRun], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    photos = [run.photos for run in runs]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    panels = [
        ("resident memory (GB)", [r.rss_gb for r in runs], GOALS["rss_gb"]),
        ("data directory (GB)", [r.disk_gb for r in runs], GOALS["disk_gb"]),
        ("recall@10 of products", [r.recall_at_10 for r in runs], GOALS["recall"]),
    ]
    for ax, (title, values, goal) in zip(axes, panels, strict=False):
        ax.plot(photos, values, "o-")
        ax.axhline(goal, color="grey", linestyle="--", label="goal at 1M")
        ax.set_title(title)
    axes[3].plot(photos, [r.http[0].http.p50_ms for r in runs], "o-", label="p50")
    axes[3].plot(photos, [r.http[0].http.p99_ms for r in runs], "s-", label="p99")
    axes[3].axhline(GOALS["p50_ms"], color="grey", linestyle="--")
    axes[3].axhline(GOALS["p99_ms"], color="grey", linestyle=":")
    axes[3].set_title("search by photo over HTTP, 1 client (ms)")
    axes[3].legend()
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("indexed photos")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--photos", type=int, nargs="+", default=[0, 10_000, 100_000, 1_000_000], help="index sizes; 0: the real photos"
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--seconds", type=float, default=30.0, help="of load per client count")
    parser.add_argument("--queries", type=int, default=40, help="held-out shop views used as queries")
    parser.add_argument("--cache", type=Path, default=REPO / "var" / "bench" / "million")
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--server", action="store_true", help="the index in a Milvus 2.3.5 standalone server (scripts/cluster's)"
    )
    parser.add_argument(
        "--against", metavar="REVISION", help="serving only: this checkout's API against REVISION's, alternated"
    )
    parser.add_argument("--rounds", type=int, default=2, help="alternations with --against")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    base = ensure_base(args.cache)
    sources_path = args.cache / "sources.npz"
    if not sources_path.is_file():
        in_own_process(read_sources, base, sources_path)
    with np.load(sources_path) as saved:
        real = len(saved["photos"])
    if args.against:
        for photos in [size or real for size in args.photos]:
            home, _ = filled(sources_path, base, args.cache, photos)
            server = MilvusServer(args.cache / f"server-{photos}") if args.server else contextlib.nullcontext()
            with server:
                env = server_env(server, photos) if args.server else {}
                with mock.patch.dict(os.environ, env):
                    found = compare_serving(
                        args.cache, home, args.against, args.clients, args.seconds, args.queries, args.rounds
                    )
            if args.json:
                print(json.dumps(found))
            report_comparison(found, Console(width=200))
        return
    runs = []
    for photos in [size or real for size in args.photos]:
        run = measure_on_server if args.server else measure
        runs.append(run(sources_path, base, args.cache, photos, args.clients, args.seconds, args.queries))
        if args.json:
            print(runs[-1].model_dump_json())
    report(runs, Console(width=200))
    if args.plot:
        plot(runs, args.plot)


if __name__ == "__main__":
    main()
