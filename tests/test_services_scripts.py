"""scripts/services/*: the cluster-path servers' start scripts say why a start failed, and Kafka's storage is
formatted with a cluster id that `kafka-storage format` cannot mistake for an option."""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts" / "services"
CLUSTER_ID = re.compile(r"[A-Za-z0-9_-]{22}")
# The rest of each id's bytes: a NUL, a newline, '%' and '\' are what a shell or printf could mangle.
REST = bytes([0x00, 0x0A, 0x25, 0x5C, 0x78, 0xFF, 0x80, 0x7F, 0x01, 0x20, 0x27, 0x22, 0x3F, 0xF8, 0xFB])


def cluster_ids(sources: list[Path]) -> list[str]:
    """What lib.sh's generator makes of each file's bytes, one run of bash for all of them."""
    script = f'source "{SCRIPTS}/lib.sh"; for source in "$@"; do kafka_cluster_id "$source"; done'
    done = subprocess.run(
        ["bash", "-c", script, "bash", *map(str, sources)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_kafka_cluster_ids_never_start_with_a_dash_whatever_the_random_bytes(tmp_path: Path) -> None:
    # The id is base64 of the bytes: the first character comes from the first byte's top six bits alone, so
    # every first byte covers every first character; 0xf8-0xfb made the ids starting with '-' that broke CI.
    sources = []
    for first in range(256):
        source = tmp_path / f"random-{first:02x}"
        source.write_bytes(bytes([first]) + REST)
        sources.append(source)
    assert base64.urlsafe_b64encode(bytes([0xF8]) + REST).startswith(b"-")  # what the old pipeline printed
    ids = cluster_ids(sources)
    assert len(ids) == 256 and not [cluster_id for cluster_id in ids if cluster_id.startswith("-")]
    for first, cluster_id in enumerate(ids):
        assert CLUSTER_ID.fullmatch(cluster_id), cluster_id
        # Kafka reads the id back as 16 bytes of URL-safe base64: only the first byte's top bit is spent.
        assert base64.urlsafe_b64decode(cluster_id + "==") == bytes([first & 0x7F]) + REST


def test_kafka_cluster_ids_are_random_and_a_short_source_is_refused(tmp_path: Path) -> None:
    first, second = cluster_ids([Path("/dev/urandom"), Path("/dev/urandom")])
    assert first != second and CLUSTER_ID.fullmatch(first) and CLUSTER_ID.fullmatch(second)
    short = tmp_path / "short"
    short.write_bytes(b"\xf8" * 5)
    script = f'source "{SCRIPTS}/lib.sh"; kafka_cluster_id "{short}"'
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and done.stdout == "" and "gave 5 bytes, not 16" in done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def services_home(tmp_path: Path) -> Iterator[dict[str, str]]:
    """An environment whose servers live under tmp_path; whatever Kafka started there is stopped after."""
    env = {**os.environ, "SNAPMODE_SERVICES_HOME": str(tmp_path / "services")}
    yield env
    subprocess.run([str(SCRIPTS / "kafka"), "stop"], env=env, capture_output=True, timeout=120, check=False)


def kafka_start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPTS / "kafka"), "start"], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def assert_log_tail_shown(done: subprocess.CompletedProcess[str], log: Path) -> str:
    """The start failed, said so, named its log and showed the log's last lines; returns them."""
    assert done.returncode != 0 and "kafka did not start (exit 1)" in done.stderr
    assert f"kafka: last 40 lines of {log}:" in done.stderr
    tail = done.stderr.split(f"lines of {log}:\n", 1)[1]
    assert tail == "".join(log.read_text().splitlines(keepends=True)[-40:])
    return tail


@pytest.mark.services  # runs scripts/services/kafka: a JVM and Kafka from Maven
def test_a_kafka_storage_format_that_fails_shows_kafkas_reason(services_home: dict[str, str], tmp_path: Path) -> None:
    # What a cluster id read as an option did: the format step failed, its words only in the log.
    done = kafka_start(services_home | {"KAFKA_PORT": str(_free_port()), "KAFKA_CONTROLLER_PORT": "not-a-port"})
    tail = assert_log_tail_shown(done, tmp_path / "services" / "kafka" / "log")
    assert "Failed to parse host name from entry 1@127.0.0.1:not-a-port" in tail
    assert not (tmp_path / "services" / "kafka" / "pid").exists()  # no server was launched


@pytest.mark.services  # runs scripts/services/kafka: a JVM and Kafka from Maven
def test_a_kafka_server_that_exits_during_start_shows_its_log(services_home: dict[str, str], tmp_path: Path) -> None:
    # The controller's port is taken (bound, not listening: nothing answers on it, and Kafka cannot bind it).
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = str(taken.getsockname()[1])
        done = kafka_start(services_home | {"KAFKA_PORT": str(_free_port()), "KAFKA_CONTROLLER_PORT": port})
    assert "kafka exited during start" in done.stderr
    tail = assert_log_tail_shown(done, tmp_path / "services" / "kafka" / "log")
    assert "Address already in use" in tail and port in tail  # Kafka's own words on why it stopped
    assert (tmp_path / "services" / "kafka" / "data" / "meta.properties").exists()  # formatted with a good id
