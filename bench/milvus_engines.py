"""The vector store's engine side by side: the same 8192-d vectors, collection and queries on the Milvus Lite
this project pins and on another Milvus Lite installed in a second interpreter, such as the Python engine of
Milvus Lite 3 that the project pinned before:

    python3 -m venv /tmp/milvus-lite-3
    /tmp/milvus-lite-3/bin/pip install pymilvus==3.0.2 milvus-lite==3.2.2 setuptools==81.0.0 numpy==2.4.6
    .venv/bin/python bench/milvus_engines.py --peer /tmp/milvus-lite-3/bin/python --vectors 100000 --nlist 1024

Each interpreter fills a fresh collection in one process (the store's schema and IVF_FLAT index, rows
upserted 128 at a time and flushed every 2,048, as Milvus Lite 3 needed) with derived vectors around 1,400
random sources, then, in a second process, as the API opens a filled store, times searches for 100 and for 25
hits with the store's output fields. `category` is a plain string on both sides, as the store keeps it. The
figures say what the engine costs, not what `MilvusVectorStore` does around it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ importable from either interpreter
from bench.derived_vectors import derive  # noqa: E402

SOURCES = 1400
FLUSH_EVERY = 2048
UPSERT_BATCH = 128
DIM = 8192
QUERIES = 40
WARMUP = 5
SEED = 7


def _client(data_dir: str):
    from pymilvus import MilvusClient

    return MilvusClient(str(Path(data_dir) / "milvus.db"))


def _sources():
    import numpy as np

    rng = np.random.default_rng(SEED)
    sources = rng.normal(size=(SOURCES, DIM)).astype(np.float32)
    return rng, sources / np.linalg.norm(sources, axis=1, keepdims=True)


def fill(vectors: int, nlist: int, data_dir: str) -> dict:
    import milvus_lite
    from pymilvus import DataType, MilvusClient

    client = _client(data_dir)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("product_id", DataType.VARCHAR, max_length=64)
    schema.add_field("image_url", DataType.VARCHAR, max_length=2048)
    schema.add_field("label", DataType.VARCHAR, max_length=64)
    schema.add_field("category", DataType.VARCHAR, max_length=64)
    schema.add_field("box", DataType.JSON)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    index = MilvusClient.prepare_index_params()
    # Milvus Lite 3 reads the build parameters nested under "params", 2.5 flat: give both.
    index.add_index(
        field_name="vector",
        index_type="IVF_FLAT",
        metric_type="IP",
        params={"nlist": nlist, "params": {"nlist": nlist}},
    )
    client.create_collection("regions", schema=schema, index_params=index, consistency_level="Strong")
    rng, sources = _sources()
    started = time.monotonic()
    for start in range(0, vectors, FLUSH_EVERY):
        count = min(FLUSH_EVERY, vectors - start)
        picked, derived = derive(rng, sources, count)
        rows = [
            {
                "id": f"v{start + i}",
                "product_id": f"p{source // 8}",
                "image_url": f"https://shop.example/{source}.jpg",
                "label": "image",
                "category": "top",
                "box": [0, 0, 64, 64],
                "vector": row.tolist(),
            }
            for i, (source, row) in enumerate(zip(picked, derived, strict=True))
        ]
        for batch in range(0, count, UPSERT_BATCH):
            client.upsert("regions", rows[batch : batch + UPSERT_BATCH])
        client.flush("regions")
    client.close()
    return {"engine": milvus_lite.__version__, "fill_s": round(time.monotonic() - started, 1)}


def search(nlist: int, data_dir: str) -> dict:
    """In a fresh process, as the API opens a filled store: no fill-time work left running beside the queries."""
    import numpy as np

    client = _client(data_dir)
    client.load_collection("regions")
    _, sources = _sources()
    search_params = {"metric_type": "IP", "params": {"nprobe": min(32, nlist)}}
    figures = {}
    for hits in (100, 25):
        seconds = []
        for query in range(QUERIES + WARMUP):
            began = time.perf_counter()
            client.search(
                "regions",
                data=[sources[query * 7 % SOURCES].tolist()],
                limit=hits,
                output_fields=["product_id", "image_url", "label", "category", "box"],
                search_params=search_params,
            )
            seconds.append(time.perf_counter() - began)
        figures[f"p50_ms_{hits}_hits"] = round(float(np.median(seconds[WARMUP:])) * 1000, 1)
    client.close()
    return figures


def _step(python: str, *args: str) -> dict:
    done = subprocess.run([python, __file__, "--step", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(python: str, vectors: int, nlist: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="milvus-engine-") as data_dir:
        filled = _step(python, "fill", str(vectors), str(nlist), data_dir)
        return {**filled, **_step(python, "search", str(vectors), str(nlist), data_dir)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", help="a Python interpreter with the other Milvus Lite")
    parser.add_argument("--vectors", type=int, default=100_000)
    parser.add_argument("--nlist", type=int, default=1024)
    parser.add_argument("--step", nargs=4, metavar=("STEP", "VECTORS", "NLIST", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step, vectors, nlist, data_dir = args.step
        figures = fill(int(vectors), int(nlist), data_dir) if step == "fill" else search(int(nlist), data_dir)
        print(json.dumps(figures))
        return
    if not args.peer:
        parser.error("--peer is required")
    from rich.console import Console
    from rich.table import Table

    ours = run(sys.executable, args.vectors, args.nlist)
    peer = run(args.peer, args.vectors, args.nlist)
    table = Table(
        title=f"Milvus Lite engines: {args.vectors:,} vectors of {DIM} dimensions, IVF_FLAT {args.nlist} lists"
    )
    for column in ("Milvus Lite", "fill s", "p50 ms, 100 hits", "p50 ms, 25 hits"):
        table.add_column(column, justify="right")
    for side in (ours, peer):
        table.add_row(side["engine"], str(side["fill_s"]), str(side["p50_ms_100_hits"]), str(side["p50_ms_25_hits"]))
    ratios = [f"{ours[key] / peer[key]:.1f}x" for key in ("fill_s", "p50_ms_100_hits", "p50_ms_25_hits")]
    table.add_row(f"{ours['engine']} / {peer['engine']}", *ratios)
    Console().print(table)


if __name__ == "__main__":
    main()
