"""Property-based fuzzing of every operation in the API's OpenAPI document (schemathesis, in process):
whatever the input, the answer is never a server error and always matches the documented schema.

Operator routes get an admin key, so their handlers run rather than stopping at the 401; the app
runs no crawl worker, and photo URLs and shop previews go through the crawler's fetcher with short
timeouts (generated hosts do not resolve or are refused by the SSRF guard).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.main import create_app
from snapmode.config import ApiSettings, CrawlSettings, Settings
from snapmode.domain import Product
from tests.support.records import random_record

EXAMPLES_PER_OPERATION = 60


def fuzz_app(home: Path):
    app = create_app(
        Settings(
            home=home,
            crawl=CrawlSettings(connect_timeout=1, read_timeout=1, total_timeout=2),
            api=ApiSettings(search_rate="100000/minute", upload_rate="100000/minute", image_url_timeout=2),
        )
    )
    services = app.state.services
    rng = np.random.default_rng(3)
    products = [
        Product(
            id=f"p{n}",
            url=f"https://shop.example/p{n}",
            site="shop",
            name=f"Jacket {n}",
            brand="Luma",
            price="45.00",
            currency="EUR",
            availability="InStock",
            images=[f"https://shop.example/p{n}.jpg"],
            categories=["Women/Tops/Jackets"],
            fetched_at=1.0,
        )
        for n in range(3)
    ]
    services.products.upsert(products)
    services.vectors.upsert(
        [
            random_record(
                rng, id=f"v{n}", product_id=product.id, image_url=product.images[0], box=(0, 0, 64, 64), label="image"
            )
            for n, product in enumerate(products)
        ]
    )
    _, admin_key = services.keys.create("fuzzing", role="admin")
    return app, admin_key


HOME = Path(tempfile.mkdtemp(prefix="snapmode-fuzz-"))
APP, ADMIN_KEY = fuzz_app(HOME)  # at import: schemathesis reads the operations from the app when collecting
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def close_services():
    yield
    APP.state.services.close()
    shutil.rmtree(HOME, ignore_errors=True)


# One pytest test per operation, each with a node id of its own: schemathesis' own `schema.parametrize()` gives
# all of them one node id, and pytest-xdist, which schedules by node id, then runs only one of them.
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_operation_answers_with_a_server_error(operation, data) -> None:
    case = data.draw(operation.as_strategy())
    response = case.call(headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
