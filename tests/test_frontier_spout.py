"""The crawler topology's spout asks the frontier for due URLs; when none is due it waits before asking again, unless a
page's tree finishes (its links may be due)."""

from __future__ import annotations

import io
import logging

import pytest

from snapmode.config import Settings
from spouts import frontier as frontier_spout
from spouts.frontier import EMPTY_CLAIM_WAIT_SECONDS, FrontierSpout


@pytest.fixture
def idle_spout(tmp_path, monkeypatch):
    """A spout over an empty frontier on a clock the test moves; yields it and the claims it made."""
    spout = FrontierSpout(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
    spout.logger = logging.getLogger("test-frontier-spout")
    spout.send_message = lambda message: None
    spout.initialize(Settings(home=tmp_path).to_conf(), {})
    claims = []
    monkeypatch.setattr(spout.services.frontier, "claim_due", lambda *args, **kwargs: claims.append(args) or [])
    clock = [1000.0]
    monkeypatch.setattr(frontier_spout.time, "monotonic", lambda: clock[0])

    def poll(times: int) -> None:  # Storm polls an idle spout every 10 ms
        for _ in range(times):
            spout.next_tuple()
            clock[0] += 0.01

    return spout, claims, poll, clock


def test_an_idle_spout_asks_the_frontier_again_only_after_a_wait(idle_spout):
    _, claims, poll, clock = idle_spout
    poll(5)
    assert len(claims) == 1
    clock[0] += EMPTY_CLAIM_WAIT_SECONDS
    poll(1)
    assert len(claims) == 2


def test_a_finished_tree_ends_the_wait(idle_spout):
    spout, claims, poll, _ = idle_spout
    poll(1)
    spout.ack("https://shop.test/p/1")
    poll(3)
    assert len(claims) == 2
