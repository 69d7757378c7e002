# The session loads torch (detector tests) and tensorflow (DCGAN tests): torch's side must load first.
import snapmode.vision.torch_first  # noqa: F401

import pytest  # noqa: E402

from tests.support import services  # noqa: E402


def _service(request: pytest.FixtureRequest, name: str) -> None:
    if not services.is_running(name):
        services.start(name)
        request.addfinalizer(lambda: services.stop(name))


@pytest.fixture(scope="session")
def solr_server(request: pytest.FixtureRequest) -> str:
    """Base URL of a real Solr 9 with the project's cores."""
    _service(request, "solr")
    return "http://127.0.0.1:8983/solr"


@pytest.fixture(scope="session")
def kafka_server(request: pytest.FixtureRequest) -> str:
    """Bootstrap address of a real Kafka broker (KRaft mode)."""
    _service(request, "kafka")
    return "127.0.0.1:9092"


@pytest.fixture(scope="session")
def milvus_server(request: pytest.FixtureRequest) -> str:
    """URI of a Milvus Lite server that several processes can share."""
    _service(request, "milvus")
    return "http://127.0.0.1:19530"
