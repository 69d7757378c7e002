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
