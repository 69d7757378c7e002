"""A 422 repeats at most a little of what the client sent, whatever the route and however large the input."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.errors import ECHO_LIMIT, MAX_FIELD_ERRORS
from api.main import create_app
from snapmode.config import Settings

SMALL = 4_000  # bytes: an error answer never needs more


@dataclass
class Api:
    client: TestClient
    operator: dict[str, str]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp_path = tmp_path_factory.mktemp("errors")
    app = create_app(Settings(home=tmp_path / "home", web_dist=tmp_path / "no-page"))
    _, key = app.state.services.keys.create("shop team", "operator")
    with TestClient(app) as client:
        yield Api(client, {"Authorization": f"Bearer {key}"})


def _clipped(text: str) -> str:
    return text[:ECHO_LIMIT] + "…"


def test_an_over_long_query_is_refused_without_being_echoed(api: Api) -> None:
    q = "x" * 60_000  # the HTTP client refuses URLs over 64 KiB; curl sent the 100,000
    answer = api.client.get("/api/v1/search", params={"q": q})
    assert answer.status_code == 422 and len(answer.content) < SMALL
    [error] = answer.json()["detail"]
    assert error["loc"] == ["query", "q"] and error["type"] == "string_too_long"
    assert error["input"] == _clipped(q) and error["input_truncated"] is True
    assert error["msg"] == "String should have at most 500 characters"


def test_an_over_long_form_field_is_cut_and_a_short_one_echoed_whole(api: Api) -> None:
    url = "https://shop.example/" + "a" * 50_000
    answer = api.client.post("/api/v1/search/image", data={"url": url, "k": "many"})
    assert answer.status_code == 422 and len(answer.content) < SMALL
    errors = {error["loc"][-1]: error for error in answer.json()["detail"]}
    assert errors["url"]["input"] == _clipped(url) and errors["url"]["input_truncated"] is True
    assert errors["k"]["input"] == "many" and "input_truncated" not in errors["k"]


def test_a_json_body_is_cut_field_names_and_the_number_of_errors_included(api: Api) -> None:
    def register(body: dict) -> dict:
        answer = api.client.post("/api/v1/sites", json=body, headers=api.operator)
        assert answer.status_code == 422 and len(answer.content) < SMALL
        return answer.json()

    many = register({"root_url": "https://shop.example/", "exclude": list(range(10_000))})
    assert len(many["detail"]) == MAX_FIELD_ERRORS and many["more_errors"] == 10_000 - MAX_FIELD_ERRORS
    assert many["detail"][0]["loc"] == ["body", "exclude", 0] and many["detail"][0]["input"] == 0

    name, value = "z" * 5_000, "y" * 5_000
    [unknown] = register({"root_url": "https://shop.example/", name: value})["detail"]
    assert unknown["type"] == "extra_forbidden" and unknown["loc"] == ["body", _clipped(name)]
    assert unknown["input"] == _clipped(value)

    [missing] = register({"exclude": ["/" + "c" * 5_000]})["detail"]
    assert missing["type"] == "missing" and missing["input_truncated"] is True
    assert missing["input"] == _clipped('{"exclude": ["/' + "c" * 5_000)
