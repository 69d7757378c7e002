"""What a stream component's process does on Storm when a call raises: a backend that cannot answer now (a Solr
node or a Kafka broker restarting) fails the tuple and the process lives on; any other error still ends it, as
pystorm's run loop does (its worker restarts)."""

from __future__ import annotations

import collections
import io
import logging
from pathlib import Path

import pytest
from pystorm.component import Tuple

from bolts.reject import RejectBolt
from snapmode import components
from snapmode.config import Settings
from snapmode.errors import BackendUnavailable
from spouts.frontier import FrontierSpout

Values = collections.namedtuple("Values", ["url", "reason"])


def recorded(component_class, home: Path):
    component = component_class(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
    component.logger = logging.getLogger("test-component-failures")
    told = []
    component.send_message = lambda message: told.append((message["command"], message.get("id")))
    component.initialize(Settings(home=home).to_conf(), {})
    return component, told


def run_once(component, call) -> None:
    """One turn of pystorm's run loop (Component.run) around ``call``."""
    try:
        call()
    except Exception as error:  # noqa: BLE001  what the run loop catches
        component._handle_run_exception(error)


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(components, "UNAVAILABLE_PAUSE_S", 0.0, raising=False)


@pytest.mark.parametrize(
    ("error", "process_lives_on"),
    [(BackendUnavailable("Solr at 127.0.0.1:8984: a replica is down"), True), (ValueError("a bug"), False)],
)
def test_a_bolt_fails_its_tuple_and_lives_on_only_when_a_backend_is_unavailable(
    tmp_path, monkeypatch, error, process_lives_on
):
    bolt, told = recorded(RejectBolt, tmp_path)

    def record(*args):
        raise error

    monkeypatch.setattr(bolt.services.rejects, "record", record)
    tup = Tuple("t1", "fetch", "rejected", 1, Values("http://shop.invalid/a.jpg", "not an image"))
    bolt._current_tups = [tup]
    run_once(bolt, lambda: bolt.process(tup))
    assert told == [("error", None), ("sync", None), ("fail", "t1")]  # reported, and the tuple replayed
    assert bolt.exit_on_exception is not process_lives_on


def test_a_spout_whose_backend_is_unavailable_answers_storm_and_lives_on(tmp_path, monkeypatch):
    spout, told = recorded(FrontierSpout, tmp_path)

    def claim_due(*args, **kwargs):
        raise BackendUnavailable("Solr at 127.0.0.1:8984 failed while claiming URLs")

    monkeypatch.setattr(spout.services.frontier, "claim_due", claim_due)
    run_once(spout, spout.next_tuple)
    assert told == [("error", None), ("sync", None)]  # Storm waits for the sync before its next command
    assert spout.exit_on_exception is False
