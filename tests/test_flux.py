"""The Flux definitions submitted to Storm: executors per component as the deployment asks."""

from __future__ import annotations

import pytest

from launch.storm.__main__ import parse_parallelism
from launch.storm.flux import flux_definition
from snapmode.config import Settings
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology


def executors(definition) -> dict[str, int]:
    return {component.id: component.parallelism for component in (*definition.spouts, *definition.bolts)}


def test_a_deployment_gives_components_more_executors(tmp_path):
    default = executors(flux_definition(ImagingTopology, Settings(home=tmp_path)))
    scaled = executors(
        flux_definition(
            ImagingTopology, Settings(home=tmp_path), parallelism=parse_parallelism(["detect=2", "embed=3"])
        )
    )
    assert scaled == default | {"detect": 2, "embed": 3}
    assert default["detect"] == 1


@pytest.mark.parametrize(
    ("parallelism", "message"),
    [({"detector": 2}, "has no component detector"), ({"detect": 0}, "1 or more executors")],
)
def test_a_parallelism_the_topology_cannot_take_is_a_clear_error(tmp_path, parallelism, message):
    with pytest.raises(ValueError, match=message):
        flux_definition(ImagingTopology, Settings(home=tmp_path), parallelism=parallelism)


@pytest.mark.parametrize("pair", ["detect", "detect=", "=2", "detect=two"])
def test_a_malformed_parallelism_pair_is_named(pair):
    with pytest.raises(ValueError, match="not COMPONENT=EXECUTORS"):
        parse_parallelism([pair])


def test_the_crawler_replays_a_lost_page_sooner_than_imaging_a_lost_photo(tmp_path):
    # Tuples sent to a worker that died are only replayed once their tree times out; the crawler loads no model.
    crawler = flux_definition(CrawlerTopology, Settings(home=tmp_path)).config["topology.message.timeout.secs"]
    imaging = flux_definition(ImagingTopology, Settings(home=tmp_path)).config["topology.message.timeout.secs"]
    assert crawler < imaging
