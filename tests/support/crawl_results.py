"""What a crawl left behind, read the same way by every test that compares two crawls."""

from __future__ import annotations

import time

from snapmode.backends.products.base import ProductFilters
from snapmode.services import Services


def crawl_drained(services: Services) -> bool:
    """No URL in flight and none due, recrawls included."""
    return services.frontier.outstanding() == 0 and services.frontier.due(time.time()) == 0


def indexed_products(services: Services) -> dict[str, dict]:
    """Every indexed product by id, without the fetch time."""
    page = services.products.search(None, ProductFilters(), limit=1000)
    assert page.total == len(page.items)
    return {p.id: p.model_dump(exclude={"fetched_at"}) for p in page.items}


def queued_tasks(services: Services) -> set[tuple[str, str, int]]:
    """Every task on the queue, read to the end (a Kafka poll returns what arrived within its wait)."""
    tasks: set[tuple[str, str, int]] = set()
    while messages := services.queue.poll(1000, 600):
        tasks |= {(m.task.product_id, m.task.image_url, m.task.position) for m in messages}
    return tasks
