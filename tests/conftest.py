# The session runs torch (detector tests) and TensorFlow (DCGAN tests): torch first (snapmode/vision/frameworks.py).
from snapmode.vision import frameworks

frameworks.uses("torch", "tensorflow")

import os
from pathlib import Path

import pytest

from tests.support import tiers, workers
from tests.support.shared_run import SharedRun

SHARED_RUN = pytest.StashKey[SharedRun]()
CURRENT_TEST = pytest.StashKey[pytest.Item]()
SHARED_RUN_INPUT = "snapmode_shared_run"  # the key of its directory in each xdist worker's input


def pytest_configure(config: pytest.Config) -> None:
    worker_input = getattr(config, "workerinput", None)
    if worker_input is None:  # xdist's controller, or a run in one process
        config.stash[SHARED_RUN] = run = SharedRun.for_new_run()
    else:
        config.stash[SHARED_RUN] = run = SharedRun(Path(worker_input[SHARED_RUN_INPUT]))
    # A home of its own for each process that runs tests and for what it starts: see SharedRun.process_home.
    os.environ["HOME"] = str(run.process_home(worker_input["workerid"] if worker_input else "main"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    node.workerinput[SHARED_RUN_INPUT] = str(node.config.stash[SHARED_RUN].directory)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") == "loadgroup":
        return workers.GroupScheduling(config, log, config.stash[SHARED_RUN])
    return None


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and SHARED_RUN in config.stash:
        config.stash[SHARED_RUN].finish()


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by mark
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    workers.refuse_shared_node_ids(items)
    tiers.mark_server_users(items)
    if hasattr(config, "workerinput") and config.getvalue("loadgroup"):  # a worker of `-n N --dist loadgroup`
        config.stash[SHARED_RUN].write_groups(workers.share_out(items))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[CURRENT_TEST] = item


def _serve(request: pytest.FixtureRequest, name: str) -> None:
    tiers.fail_unless_marked(request.config.stash.get(CURRENT_TEST, None), name)
    request.config.stash[SHARED_RUN].ensure_server(name)


@pytest.fixture(scope="session")
def solr_server(request: pytest.FixtureRequest) -> str:
    """Base URL of a real Solr 9 with the project's cores."""
    _serve(request, "solr")
    return "http://127.0.0.1:8983/solr"


@pytest.fixture(scope="session")
def kafka_server(request: pytest.FixtureRequest) -> str:
    """Bootstrap address of a real Kafka broker (KRaft mode)."""
    _serve(request, "kafka")
    return "127.0.0.1:9092"


@pytest.fixture(scope="session")
def milvus_server(request: pytest.FixtureRequest) -> str:
    """URI of a Milvus Lite server that several processes can share."""
    _serve(request, "milvus")
    return "http://127.0.0.1:19530"
