"""The demo shop cut down to its first products (same pages, same photos), for runs that must stay short."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from snapmode.shop.catalog import DATA_DIR, load_catalog
from snapmode.shop.server import running_shop


@contextmanager
def tiny_shop(data: Path, products: int) -> Iterator[str]:
    """Serve a shop of the catalogue's first `products` products from `data`; yields its base URL."""
    catalog = load_catalog()
    tiny = catalog.model_copy(update={"products": catalog.products[:products]})
    (data / "catalog.json").write_text(tiny.model_dump_json(), encoding="utf-8")
    (data / "images").symlink_to(DATA_DIR / "images")
    with running_shop(crawl_delay=0, data_dir=data) as base:
        yield base
