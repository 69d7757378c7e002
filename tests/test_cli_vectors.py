"""`snapmode vectors migrate` and `snapmode vectors rebuild` on a data home, as an operator runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
from tests.support.earlier_layouts import write_earlier_layout

REGIONS = 30

WRITE_OLD_INDEX = """
import numpy as np
from snapmode.backends.vectors.milvus import MilvusVectorStore
from snapmode.config import Settings
from snapmode.domain import VectorRecord

settings = Settings()
store = MilvusVectorStore(settings.resolved_vectors_uri, settings.vectors_collection)
vectors = np.random.default_rng(0).random((REGIONS, 8192))
store.upsert([
    VectorRecord(id=f"r{i}", product_id=f"p{i // 3}", image_url=f"https://shop.example/{i // 3}.jpg",
                 box=(0, 0, 10, 10), label="image" if i % 3 == 0 else "detail", vector=vector.tolist(),
                 colour=[0.0] * 511 + [1.0], article_types=[0.5, 0.5])
    for i, vector in enumerate(vectors)
])
""".replace("REGIONS", str(REGIONS))

SEARCH_COMPACT = """
import numpy as np
from snapmode.backends.registry import open_vector_store
from snapmode.config import Settings

store = open_vector_store(Settings())
vector = np.random.default_rng(0).random((REGIONS, 8192))[7]
print(store.count(), store.search(vector.tolist(), k=1)[0].id)
""".replace("REGIONS", str(REGIONS))


HAS_SOURCE = """
from pymilvus import MilvusClient
from snapmode.config import Settings

settings = Settings()
print(MilvusClient(settings.resolved_vectors_uri).has_collection(settings.vectors_collection))
"""


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_migrate_then_rebuild_keep_every_region_and_repeat_safely(tmp_path: Path) -> None:
    env = {**os.environ, "SNAPMODE_HOME": str(tmp_path)}
    assert run(env, "-c", WRITE_OLD_INDEX).returncode == 0

    first = run(env, "-m", "launch", "vectors", "migrate")
    assert first.returncode == 0, first.stderr[-2000:]
    assert json.loads(first.stdout) == {
        "converted": 0,
        "rebuilt": 0,
        "regions": REGIONS,
        "copied": REGIONS,
        "already": 0,
    }
    assert run(env, "-c", HAS_SOURCE).stdout.split()[-1] == "True"  # kept unless asked
    again = run(env, "-m", "launch", "vectors", "migrate", "--drop-source")
    assert json.loads(again.stdout) == {
        "converted": 0,
        "rebuilt": 0,
        "regions": REGIONS,
        "copied": 0,
        "already": REGIONS,
    }
    assert run(env, "-c", HAS_SOURCE).stdout.split()[-1] == "False"  # dropped once everything was across
    assert run(env, "-c", SEARCH_COMPACT).stdout.split() == [str(REGIONS), "r7"]

    (tmp_path / "regions_index.db").unlink()  # the index lost: the stored regions rebuild it
    lost = run(env, "-c", SEARCH_COMPACT)
    assert lost.returncode != 0 and "snapmode vectors rebuild" in lost.stderr
    rebuilt = run(env, "-m", "launch", "vectors", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert json.loads(rebuilt.stdout) == {"regions": REGIONS}
    assert run(env, "-c", SEARCH_COMPACT).stdout.split() == [str(REGIONS), "r7"]

    # Stored regions in the layout of an earlier release: refused, naming the command, which converts them.
    (tmp_path / "regions.sqlite3").rename(tmp_path / "current.sqlite3")
    write_earlier_layout(tmp_path / "current.sqlite3", tmp_path / "regions.sqlite3")
    refused = run(env, "-c", SEARCH_COMPACT)
    assert refused.returncode != 0 and "snapmode vectors migrate" in refused.stderr
    converted = run(env, "-m", "launch", "vectors", "migrate")
    # Converted rows are numbered anew, so the index that named the earlier ones is rebuilt too.
    assert json.loads(converted.stdout) == {"converted": REGIONS, "rebuilt": REGIONS, "regions": 0, "copied": 0,
                                            "already": 0}  # fmt: skip
    assert "converting stored regions" in converted.stderr and "rebuilding the vector index" in converted.stderr
    assert run(env, "-c", SEARCH_COMPACT).stdout.split() == [str(REGIONS), "r7"]

    # An index of the release before rows named regions (it named them by their keys): refused, then rebuilt.
    with sqlite3.connect(tmp_path / "regions.sqlite3") as db:
        db.execute("DELETE FROM layout WHERE name = 'index_keys'")
    stale = run(env, "-c", SEARCH_COMPACT)
    assert stale.returncode != 0 and "snapmode vectors rebuild" in stale.stderr
    upgraded = run(env, "-m", "launch", "vectors", "migrate")
    assert json.loads(upgraded.stdout)["rebuilt"] == REGIONS
    assert run(env, "-c", SEARCH_COMPACT).stdout.split() == [str(REGIONS), "r7"]


def test_the_demo_run_again_after_an_upgrade_rebuilds_an_earlier_index(tmp_path: Path) -> None:
    env = {**os.environ, "SNAPMODE_HOME": str(tmp_path)}
    assert run(env, "-c", WRITE_OLD_INDEX).returncode == 0
    assert run(env, "-m", "launch", "vectors", "migrate", "--drop-source").returncode == 0
    with sqlite3.connect(tmp_path / "regions.sqlite3") as db:  # as the release before rows named regions left it
        db.execute("DELETE FROM layout WHERE name = 'index_keys'")
    assert "snapmode vectors rebuild" in run(env, "-c", SEARCH_COMPACT).stderr
    demo_start = (
        "from rich.console import Console; from snapmode.config import Settings; "
        "from launch.cli.demo import rebuild_an_earlier_index; rebuild_an_earlier_index(Settings(), Console(width=200))"
    )
    started = run(env, "-c", demo_start)
    assert started.returncode == 0 and "rebuilding it from the stored regions" in started.stdout, started.stderr
    assert run(env, "-c", SEARCH_COMPACT).stdout.split() == [str(REGIONS), "r7"]
    assert "rebuilding" not in run(env, "-c", demo_start).stdout  # once only


def test_the_commands_refuse_a_home_on_the_milvus_store(tmp_path: Path) -> None:
    env = {**os.environ, "SNAPMODE_HOME": str(tmp_path), "SNAPMODE_VECTORS": "milvus"}
    done = run(env, "-m", "launch", "vectors", "rebuild")
    assert done.returncode == 2 and "compact store" in done.stderr
