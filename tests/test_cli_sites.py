"""`snapmode sites add` applies the crawler's guard and takes the shop's name."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from launch.cli.main import app
from snapmode.config import Settings
from snapmode.services import Services
from snapmode.shop.server import running_shop

runner = CliRunner()


def test_sites_add_refuses_what_the_crawler_would_not_fetch(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SNAPMODE_HOME", str(tmp_path))
    for url, reason in [
        ("http://127.0.0.1:22/", "loopback"),
        ("http://[::ffff:169.254.169.254]/", "metadata"),
        ("http://user:pw@example.com/", "user info"),
        ("https://shop.example/", "invalid pattern"),  # with the pattern below
    ]:
        refused = runner.invoke(app, ["sites", "add", url, "--include", r"/p/(\d+)/\1"])
        assert refused.exit_code == 2 and "cannot register" in refused.output, refused.output
        assert reason in " ".join(refused.output.split()), refused.output  # however the console wraps it
    assert Services.shared(Settings()).sites.all() == []


def test_sites_add_takes_a_name_and_an_allow_listed_local_shop(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SNAPMODE_HOME", str(tmp_path))
    with running_shop() as shop:
        refused = runner.invoke(app, ["sites", "add", shop + "/"])  # a local shop, not allow-listed
        assert refused.exit_code == 2 and "crawl.allow_hosts" in " ".join(refused.output.split())
        monkeypatch.setenv("SNAPMODE_CRAWL__ALLOW_HOSTS", json.dumps([shop.removeprefix("http://")]))
        added = runner.invoke(app, ["sites", "add", shop + "/", "--name", "Luma Outlet"])
        assert added.exit_code == 0, added.output
        assert json.loads(added.output)["name"] == "Luma Outlet"
        listed = runner.invoke(app, ["sites", "list"])
        assert json.loads(listed.output)["name"] == "Luma Outlet"
