from __future__ import annotations

import threading
import time
from collections import defaultdict

from snapmode.crawl.host_lanes import HostLanes


def test_each_host_keeps_its_bound_and_order_and_a_slow_host_holds_up_no_other() -> None:
    running: dict[str, int] = defaultdict(int)
    peak: dict[str, int] = defaultdict(int)
    done: dict[str, list[int]] = defaultdict(list)
    lock = threading.Lock()
    finished = threading.Event()

    def work(host: str, item: int) -> None:
        with lock:
            running[host] += 1
            peak[host] = max(peak[host], running[host])
        time.sleep(0.05 if host == "slow" else 0.01)
        with lock:
            running[host] -= 1
            done[host].append(item)
            if len(done["fast"]) == 8 and len(done["polite"]) == 4:
                finished.set()

    lanes = HostLanes(work, concurrency=lambda host: 4 if host == "fast" else 1, threads=8)
    for item in range(4):
        lanes.submit("slow", item)
        lanes.submit("polite", item)
    for item in range(8):
        lanes.submit("fast", item)
    assert finished.wait(5)  # fast and polite finish while slow is still at it
    assert len(done["slow"]) < 4
    assert peak["polite"] == 1 and done["polite"] == [0, 1, 2, 3]  # one at a time, in order
    assert 2 <= peak["fast"] <= 4
    lanes.close()
