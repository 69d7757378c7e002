"""The crawler topology's spout asks the frontier for due URLs; when none is due it waits before asking again."""

from __future__ import annotations

import io
import logging

from snapmode.config import Settings
from spouts import frontier as frontier_spout
from spouts.frontier import EMPTY_CLAIM_WAIT_SECONDS, FrontierSpout


def test_an_idle_spout_asks_the_frontier_again_only_after_a_wait(tmp_path, monkeypatch):
    spout = FrontierSpout(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
    spout.logger = logging.getLogger("test-frontier-spout")
    spout.send_message = lambda message: None
    spout.initialize(Settings(home=tmp_path).to_conf(), {})
    claims = []
    monkeypatch.setattr(spout.services.frontier, "claim_due", lambda *args, **kwargs: claims.append(args) or [])
    clock = [1000.0]
    monkeypatch.setattr(frontier_spout.time, "monotonic", lambda: clock[0])

    for _ in range(5):  # Storm polls an idle spout every few milliseconds
        spout.next_tuple()
        clock[0] += 0.01
    assert len(claims) == 1
    clock[0] += EMPTY_CLAIM_WAIT_SECONDS
    spout.next_tuple()
    assert len(claims) == 2
