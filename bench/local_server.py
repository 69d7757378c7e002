"""A server in a process of its own for a bench: started, awaited until it answers, stopped."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpx


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer in time."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server_process(command: Sequence[str], probe_url: str, name: str, timeout: float, **popen: Any) -> Iterator[None]:
    """Run ``command`` until the block ends; enter the block once ``probe_url`` answers with a success."""
    process = subprocess.Popen(list(command), **popen)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ServerDidNotStart(f"the {name} exited with status {process.returncode}")
            try:
                if httpx.get(probe_url, timeout=1.0).is_success:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"the {name} did not answer within {timeout:g} s")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)
