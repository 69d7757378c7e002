"""`snapmode reembed`: a new or emptied vector store is rebuilt from the product index, without recrawling."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from snapmode.backends.products.base import ProductFilters
from snapmode.backends.registry import open_vector_store
from snapmode.config import Settings
from tests.support.tiny_shop import tiny_shop

REPO = Path(__file__).resolve().parents[1]


def _snapmode(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "launch", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _stored(home: Path, image_urls: list[str]) -> dict[str, list[tuple]]:
    store = open_vector_store(Settings(home=home))
    try:
        return {url: sorted((r.id, r.box, r.label) for r in store.records_for_image(url)) for url in image_urls}
    finally:
        store.close()


def test_reembed_rebuilds_an_emptied_vector_store_without_fetching_a_page(tmp_path: Path) -> None:
    home, data = tmp_path / "home", tmp_path / "shop"
    data.mkdir()
    with tiny_shop(data, 3) as shop:
        host = shop.removeprefix("http://")
        env = {**os.environ, "SNAPMODE_HOME": str(home), "SNAPMODE_CRAWL__ALLOW_HOSTS": json.dumps([host]),
               "SNAPMODE_CRAWL__NO_DELAY_HOSTS": json.dumps([host])}  # fmt: skip
        _snapmode(env, "sites", "add", shop + "/")
        first = _snapmode(env, "index")
        assert first["products"] == 3 and first["vectors"] > first["images"] > 0
        # An upgrade that changes what the vector store holds: the same products, an empty store.
        before = tmp_path / "before"
        before.mkdir()
        for stored in [*home.glob("regions.sqlite3*"), home / "regions_index.db"]:
            shutil.move(stored, before / stored.name)
        rebuilt = env
        photos = first["images"] + first["images_rejected"]
        again = _snapmode(rebuilt, "reembed")
        assert again["queued"] == photos
        assert (again["images"], again["vectors"]) == (first["images"], first["vectors"])
        assert again["pages_fetched"] == first["pages_fetched"]  # nothing was crawled again
        # Repeating it queues the photos again and adds nothing: they are embedded already.
        assert _snapmode(rebuilt, "reembed", "--publish-only") == {"queued": photos}
        assert _snapmode(rebuilt, "reembed", "--publish-only", "--site", "no-such-site") == {"queued": 0}
        assert _snapmode(rebuilt, "index")["vectors"] == first["vectors"]
    from snapmode.services import Services

    products = Services.shared(Settings(home=home)).products.search(None, ProductFilters(), limit=10).items
    image_urls = [url for product in products for url in product.images]
    assert image_urls and _stored(home, image_urls) == _stored(before, image_urls)
