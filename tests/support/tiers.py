"""The suite's tiers (README, "Tests"), as marks registered in pyproject.toml.

`services` (a real Solr, Kafka or Milvus server, or Apache Storm), `demo` (the whole demo shop indexed by
`snapmode demo`), `browser` (Chromium against `snapmode serve`) and `training` (trains a model). What carries
none of them is the unit tier: `pytest -m "not services and not training and not browser and not demo"`.

A test that asks for a server fixture is marked `services` at collection; a fixture parametrized over
backends marks its server-backed values with `on_server`; the rest are marked in their modules.
"""

from __future__ import annotations

from typing import Any

import pytest

TIERS = ("services", "demo", "browser", "training")  # heaviest first: the order workers are handed them
SERVER_FIXTURES = {"solr_server": "solr", "kafka_server": "kafka", "milvus_server": "milvus"}
# Solr's tests empty its shared cores, so none may run beside another: they share one group (tests/support/workers.py).
SOLR_GROUP = "solr"


def on_server(server: str) -> Any:
    """A backend fixture's parameter naming a real server: `@pytest.fixture(params=["sqlite", on_server("solr")])`."""
    marks = [pytest.mark.services]
    if server == "solr":
        marks.append(pytest.mark.xdist_group(SOLR_GROUP))
    return pytest.param(server, marks=marks)


def mark_server_users(items: list[pytest.Item]) -> None:
    """Mark `services` every test that asks for a server fixture, and put Solr's users in its group."""
    for item in items:
        servers = {SERVER_FIXTURES[name] for name in getattr(item, "fixturenames", ()) if name in SERVER_FIXTURES}
        if servers and not item.get_closest_marker("services"):
            item.add_marker(pytest.mark.services)
        if "solr" in servers and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(SOLR_GROUP))


def tier_rank(item: pytest.Item) -> int:
    """0 for the first of TIERS the item is marked with, len(TIERS) for the unit tier."""
    return next((rank for rank, tier in enumerate(TIERS) if item.get_closest_marker(tier)), len(TIERS))


def fail_unless_marked(item: pytest.Item | None, server: str) -> None:
    """A test that starts a server without the `services` mark would start it in the unit tier too."""
    if item is not None and not item.get_closest_marker("services"):
        pytest.fail(
            f"{item.nodeid} uses the {server} server but is not marked services: mark it (pytestmark, or"
            " tests.support.tiers.on_server for a backend parameter) so the unit tier leaves it out",
            pytrace=False,
        )
