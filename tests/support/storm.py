"""Running topologies on Storm local mode inside a test: until a condition holds, or until a crash."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

import pytest

from launch.storm.local import run_local, stop
from snapmode.config import Settings


def run_storm_until(topologies: list[type], settings: Settings, done: Callable[[], bool], timeout: float) -> float:
    """Run the topologies side by side in Storm local mode until `done()`; the seconds it took.
    Fails with the end of Storm's log when a run exits early or takes longer than `timeout`."""
    log = settings.ensure_home() / "storm.log"
    started = time.monotonic()
    processes = [run_local(topology, settings, log_file=log) for topology in topologies]
    try:
        while not done():
            if any(process.poll() is not None for process in processes):
                pytest.fail(f"Storm exited early:\n{log.read_text()[-5000:]}")
            if time.monotonic() - started > timeout:
                pytest.fail(f"not done in {timeout} s:\n{log.read_text()[-5000:]}")
            time.sleep(1)
        return time.monotonic() - started
    finally:
        for process in processes:
            stop(process)
            assert process.poll() is not None


# Trees in flight during a crash run. With Storm's default cap, everything queued piles up in front of the
# slowest bolt while the models load and lands in one burst, between two polls of `ready`; a low cap keeps
# the stream going tree by tree, so the kill comes mid-stream.
CRASH_RUN_IN_FLIGHT = 4


def crash_when(topology: type, settings: Settings, ready: Callable[[], bool], timeout: float) -> None:
    """Start `topology` and kill -9 its JVM and every component process once `ready()`: a crash, no clean stop."""
    log = settings.ensure_home() / "storm.log"
    in_flight = {"topology.max.spout.pending": CRASH_RUN_IN_FLIGHT}
    process = run_local(topology, settings, extra_conf=in_flight, log_file=log)
    started = time.monotonic()
    try:
        while not ready():
            assert process.poll() is None, log.read_text()[-5000:]
            assert time.monotonic() - started < timeout, log.read_text()[-5000:]
            time.sleep(0.2)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
