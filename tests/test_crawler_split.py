"""Split extraction (topologies/crawler_split.py): field-group bolts joined by page give exactly what
the one-bolt crawler topology gives, keep Storm's replay guarantees, and run on Storm."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamparse import Grouping, Spout, Stream, Topology

from bolts.join_product import JoinProductBolt
from bolts.read_fields import ReadFieldsBolt, ReadPriceBolt
from snapmode.config import Settings
from snapmode.extract.heuristics import FIELD_GROUPS
from snapmode.pipeline.crawling import register_site
from snapmode.runner.embedded import EmbeddedRunner
from snapmode.runner.local import run_crawl
from snapmode.services import Services
from snapmode.shop.catalog import RULES_PATH
from snapmode.shop.server import running_shop
from tests.support.crawl_results import crawl_drained, indexed_products, queued_tasks
from tests.support.storm import run_storm_until
from tests.support.tiny_shop import tiny_shop
from topologies.crawler_split import SplitExtractionCrawlerTopology

STORM_TIMEOUT_S = 240


def settings_for(shop: str, home: Path) -> Settings:
    host = shop.removeprefix("http://")
    return Settings(home=home, crawl={"allow_hosts": [host], "no_delay_hosts": [host]})


def crawled(shop: str, home: Path, topology: type[Topology] | None = None, rules: bool = False) -> Services:
    services = Services.shared(settings_for(shop, home))
    site = register_site(services, shop + "/", RULES_PATH.read_text() if rules else None)
    run_crawl(services.settings, site_ids=[site.id], topology=topology)
    return services


@pytest.fixture(scope="module")
def demo_shop() -> Iterator[str]:
    with running_shop(crawl_delay=0) as base:
        yield base


def test_the_topology_reads_one_bolt_per_field_group() -> None:
    groups = {
        spec.component_cls.group
        for spec in SplitExtractionCrawlerTopology.specs
        if issubclass(spec.component_cls, ReadFieldsBolt)
    }
    assert groups == set(FIELD_GROUPS)


@pytest.mark.parametrize("rules", [False, True], ids=["layout", "site-rules"])
def test_split_extraction_indexes_the_whole_demo_shop_like_one_parse_bolt(
    demo_shop: str, tmp_path: Path, rules: bool
) -> None:
    one_bolt = crawled(demo_shop, tmp_path / "one-bolt", rules=rules)
    split = crawled(demo_shop, tmp_path / "split", SplitExtractionCrawlerTopology, rules=rules)
    expected = indexed_products(one_bolt)
    assert len(expected) > 100
    assert indexed_products(split) == expected
    assert split.frontier.counts() == one_bolt.frontier.counts()
    assert queued_tasks(split) == queued_tasks(one_bolt)
    one_bolt.close()
    split.close()


def test_a_field_bolt_failing_replays_the_page_and_loses_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    failures: list[str] = []
    process = ReadPriceBolt.process

    def fails_twice(self, tup) -> None:
        if len(failures) < 2:
            failures.append(tup.values.key)
            raise RuntimeError("price reader crashed")
        process(self, tup)

    monkeypatch.setattr(ReadPriceBolt, "process", fails_twice)
    (tmp_path / "shop").mkdir()
    with tiny_shop(tmp_path / "shop", 5) as shop:
        reference = crawled(shop, tmp_path / "one-bolt")
        split = crawled(shop, tmp_path / "split", SplitExtractionCrawlerTopology)
        assert len(failures) == 2
        assert indexed_products(split) == indexed_products(reference)
        assert split.frontier.counts() == reference.frontier.counts()
    reference.close()
    split.close()


class _PendingSpout(Spout):
    """Emits one page's "pending" tuple whose parts never come, then a second page's, later."""

    outputs = [Stream(fields=["key", "reading"], name="pending")]

    def initialize(self, conf, ctx) -> None:
        self.todo, self.acked, self.failed = ["stale", "next"], [], []

    def next_tuple(self) -> None:
        if self.todo:
            key = self.todo.pop(0)
            self.emit([key, "{}"], tup_id=key, stream="pending")

    def ack(self, tup_id) -> None:
        self.acked.append(tup_id)

    def fail(self, tup_id) -> None:
        self.failed.append(tup_id)


class _JoinAlone(Topology):
    pages = _PendingSpout.spec()
    join = JoinProductBolt.spec(inputs={pages["pending"]: Grouping.fields("key")})


def test_a_page_whose_parts_never_come_is_failed_after_the_message_timeout(monkeypatch) -> None:
    monkeypatch.setattr("bolts.join_product.PageReading.model_validate_json", lambda _: object())
    runner = EmbeddedRunner(_JoinAlone, {"topology.message.timeout.secs": 0.2}, finished=lambda: False)
    spout = runner.components["pages"]
    runner.step()  # the stale page's tuple arrives
    time.sleep(0.3)
    runner.step()  # the next page's tuple arrives after the timeout
    assert spout.failed == ["stale"]
    assert spout.acked == []
    assert list(runner.components["join"].waiting) == ["next"]


def test_split_extraction_on_storm_indexes_what_the_embedded_runner_does(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    with tiny_shop(tmp_path / "shop", 4) as shop:
        embedded = crawled(shop, tmp_path / "embedded")
        storm = Services.shared(settings_for(shop, tmp_path / "storm"))
        register_site(storm, shop + "/")

        seconds = run_storm_until(
            [SplitExtractionCrawlerTopology], storm.settings, lambda: crawl_drained(storm), STORM_TIMEOUT_S
        )
        print(f"Storm split-extraction crawler: start + crawl in {seconds:.0f} s")
        assert indexed_products(storm) == indexed_products(embedded)
        assert storm.frontier.counts() == embedded.frontier.counts()
        assert queued_tasks(storm) == queued_tasks(embedded)
    embedded.close()
    storm.close()
