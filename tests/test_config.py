from pathlib import Path

import pytest
from pydantic import ValidationError

from snapmode.config import Settings


def test_defaults_run_embedded_in_var():
    settings = Settings()
    assert settings.home == Path("var")
    assert settings.product_index == "sqlite" and settings.queue == "sqlite"
    assert settings.resolved_vectors_uri == str(Path("var") / "milvus.db")


def test_environment_overrides_nested_fields(monkeypatch):
    monkeypatch.setenv("SNAPMODE_HOME", "/tmp/elsewhere")
    monkeypatch.setenv("SNAPMODE_CRAWL__DELAY", "2.5")
    settings = Settings()
    assert settings.home == Path("/tmp/elsewhere") and settings.crawl.delay == 2.5


def test_toml_file_is_read_below_the_environment(monkeypatch, tmp_path):
    config = tmp_path / "snapmode.toml"
    config.write_text('vectors_uri = "http://milvus:19530"\n[crawl]\ndelay = 3.0\nmax_depth = 7\n')
    monkeypatch.setenv("SNAPMODE_CONFIG", str(config))
    monkeypatch.setenv("SNAPMODE_CRAWL__DELAY", "0.5")
    settings = Settings()
    assert settings.vectors_uri == "http://milvus:19530"
    assert settings.crawl.max_depth == 7 and settings.crawl.delay == 0.5


def test_unknown_keys_are_errors_not_silently_ignored(tmp_path, monkeypatch):
    config = tmp_path / "snapmode.toml"
    config.write_text("vector_uri = 'typo'\n")
    monkeypatch.setenv("SNAPMODE_CONFIG", str(config))
    with pytest.raises(ValidationError):
        Settings()


def test_settings_travel_through_a_topology_configuration(tmp_path):
    settings = Settings(home=tmp_path, crawl={"allow_hosts": ["127.0.0.1:8001"]})
    again = Settings.from_conf(settings.to_conf())
    assert again == settings
