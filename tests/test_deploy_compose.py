"""docker-compose.yml cannot run here (no Docker engine): check it as far as a machine can without one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from snapmode.config import CLUSTER_BACKENDS, Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]


def test_matches_the_compose_specification() -> None:
    schema = json.loads((ROOT / "tests/fixtures/compose/compose_spec.json").read_text())
    jsonschema.validate(COMPOSE, schema)


def test_has_every_engine_of_the_production_shape() -> None:
    expected = {
        "zookeeper",
        "kafka",
        "solr",
        "nimbus",
        "supervisor",
        "imaging-worker",
        "storm-ui",
        "milvus",
        "etcd",
        "minio",
        "api",
        "web",
    }
    assert expected <= set(SERVICES)


def test_dependencies_name_services_that_exist_and_wait_for_health() -> None:
    for name, service in SERVICES.items():
        for dependency, rule in service.get("depends_on", {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{name} waits for {dependency}, which has no healthcheck"


def test_stateful_services_keep_their_data_in_named_volumes() -> None:
    for name in ("zookeeper", "kafka", "solr", "etcd", "minio", "milvus"):
        volumes = [entry.split(":")[0] for entry in SERVICES[name]["volumes"]]
        assert any(volume in COMPOSE["volumes"] for volume in volumes), name


def test_image_workers_reserve_a_gpu_and_crawler_workers_do_not() -> None:
    devices = SERVICES["imaging-worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]
    assert "deploy" not in SERVICES["supervisor"]


def test_build_files_and_mounted_paths_exist() -> None:
    for name, service in SERVICES.items():
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


@pytest.mark.parametrize("name", sorted(n for n, s in SERVICES.items() if "environment" in s))
def test_snapmode_environment_is_a_valid_configuration(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    environment = {key: str(value) for key, value in SERVICES[name]["environment"].items()}
    snapmode = {key: value for key, value in environment.items() if key.startswith("SNAPMODE_")}
    if not snapmode:
        return
    for key, value in snapmode.items():
        monkeypatch.setenv(key, value)
    settings = Settings()  # extra="forbid": a misspelt key fails here
    assert {name: getattr(settings, name) for name in CLUSTER_BACKENDS} == CLUSTER_BACKENDS
    assert re.match(r"http://milvus:\d+", settings.vectors_uri)


def test_solr_mounts_the_configsets_the_scripts_use() -> None:
    configsets = sorted(path.name for path in (ROOT / "solr/configsets").iterdir() if path.is_dir())
    assert {"products", "frontier", "sites", "rejects"} <= set(configsets)


def test_the_api_healthcheck_probes_the_liveness_route(tmp_path: Path) -> None:
    """A backend outage must not mark the API unhealthy: the probe is the route that reads no backend."""
    from api.main import create_app

    (path,) = re.findall(r"localhost:8000(/[\w/]+)", " ".join(SERVICES["api"]["healthcheck"]["test"]))
    assert path == "/api/v1/live"
    assert path in create_app(Settings(home=tmp_path)).openapi()["paths"]


def _pom_property(pom: str, name: str) -> str:
    (value,) = re.findall(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", (ROOT / pom).read_text())
    return value


def _image_tag(service: str) -> str:
    return SERVICES[service]["image"].rsplit(":", 1)[1]


CLUSTER_SCRIPT = (ROOT / "scripts/cluster").read_text()
KAFKA_NODES = ("kafka", "kafka-2", "kafka-3")


def test_engine_versions_are_those_scripts_cluster_runs() -> None:
    assert {_image_tag(node) for node in KAFKA_NODES} == {
        _pom_property("scripts/services/jvm/kafka/pom.xml", "kafka.version")
    }
    assert {_image_tag(node) for node in ("solr", "solr-2", "solr-init")} == {
        _pom_property("scripts/services/jvm/solr/pom.xml", "solr.version")
    }
    (milvus,) = re.findall(r"^MILVUS_VERSION=(\S+)$", CLUSTER_SCRIPT, re.MULTILINE)
    assert _image_tag("milvus") == f"v{milvus}"
    storm = _pom_property("scripts/services/jvm/storm-cluster/pom.xml", "storm.version")
    assert storm == _pom_property("scripts/services/jvm/storm/pom.xml", "storm.version")
    assert f"FROM storm:{storm}\n" in (ROOT / "docker/storm.Dockerfile").read_text()


def test_kafka_is_three_brokers_with_each_partition_on_all_three_and_two_in_sync() -> None:
    environments = [SERVICES[node]["environment"] for node in KAFKA_NODES]
    assert sorted(int(env["KAFKA_NODE_ID"]) for env in environments) == [1, 2, 3]
    for node, env in zip(KAFKA_NODES, environments, strict=True):
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{node}:9092"
        assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093"
        assert (int(env["KAFKA_DEFAULT_REPLICATION_FACTOR"]), int(env["KAFKA_MIN_INSYNC_REPLICAS"])) == (3, 2)
        assert int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == 3
        assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
    # the same settings as the brokers scripts/cluster starts
    for setting in ("default.replication.factor=3", "min.insync.replicas=2", "offsets.topic.replication.factor=3"):
        assert f"\n{setting}\n" in CLUSTER_SCRIPT
    bootstrap = SERVICES["api"]["environment"]["SNAPMODE_KAFKA__BOOTSTRAP_SERVERS"].split(",")
    assert bootstrap == [f"{node}:9092" for node in KAFKA_NODES]


def test_solr_is_two_cloud_nodes_and_each_collection_has_a_replica_on_both() -> None:
    for node in ("solr", "solr-2"):
        assert SERVICES[node]["environment"]["ZK_HOST"] == "zookeeper:2181/solr"
        assert SERVICES[node]["environment"]["SOLR_HOST"] == node
    init = SERVICES["solr-init"]
    assert init["environment"]["SOLR_REPLICAS"] == "2"
    assert "replicationFactor=2" in CLUSTER_SCRIPT
    for name in ("submit", "api"):
        assert SERVICES[name]["depends_on"]["solr-init"] == {"condition": "service_completed_successfully"}
