"""A Milvus standalone server (PyPI's `milvus` package: Milvus 2.3 with embedded etcd and local storage) on
127.0.0.1:PORT, data under DATA_DIR, until TERM or INT. scripts/cluster runs it with that package's own venv.

Usage: python milvus_standalone.py DATA_DIR PORT

Unlike the package's `milvus-server` command, a PORT that cannot be had is an error, not a silent move to the
next free port (clients would wait on PORT forever). The package probes a port by binding it without
SO_REUSEADDR, so a port whose last connections are still in TIME_WAIT (a restart within a minute) looked
taken; the probe here binds as the server itself does.
"""

from __future__ import annotations

import signal
import socket
import sys
from types import FrameType

from milvus import MilvusServer, MilvusServerConfig

# Disk on one machine: the files of segments that compaction merged are deleted 10 minutes after, not 3 hours,
# and the message log (rocksmq, what a restart replays) keeps an hour, not 3 days, and is compacted hourly, not
# daily. At a million photos (docs/operations.md) the first garbage collection took the server's data from 7.7
# to 4.1 GB.
STORAGE = {
    "dataCoord.gc.interval": 600,
    "dataCoord.gc.dropTolerance": 600,
    "rocksmq.retentionTimeInMinutes": 60,
    "rocksmq.compactionInterval": 3600,
}
COMPONENTS = ("rootCoord", "proxy", "queryCoord", "queryNode", "indexCoord", "indexNode", "dataCoord", "dataNode")


def _probe(config: MilvusServerConfig, port: int) -> socket.socket | None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen()
    except OSError:
        sock.close()
        return None
    return sock


def main(data_dir: str, port: int) -> int:
    MilvusServerConfig.try_bind_port = _probe
    # A port given here must be had (RuntimeError otherwise); the internal ones may move to a free neighbour.
    server = MilvusServer(MilvusServerConfig(proxy_port=port), wait_for_started=True)
    server.set_base_dir(data_dir)
    for component in COMPONENTS:
        server.config.set(f"{component}.ip", "127.0.0.1")  # the address each part gives the others
    for key, value in STORAGE.items():
        server.config.set(key, value)

    def stop(signum: int, frame: FrameType | None) -> None:
        server.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    print(f"milvus standalone: 127.0.0.1:{port}, data in {data_dir}", flush=True)
    server.wait()
    return 1  # the server process ended by itself


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
