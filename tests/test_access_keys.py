"""Operators' API keys: created, checked and revoked; only hashes at rest; the `snapmode keys` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from launch.cli.main import app
from snapmode.access import KeyStore, has_role

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path):
    keys = KeyStore(tmp_path / "keys.sqlite3")
    yield keys
    keys.close()


def test_a_created_key_verifies_until_revoked(store: KeyStore, tmp_path: Path) -> None:
    key, raw = store.create("shop team", "operator")
    assert raw.startswith(f"sm_{key.key_id}_") and len(raw) > 50
    assert store.verify(raw) == key
    assert KeyStore(tmp_path / "keys.sqlite3").verify(raw) == key  # another process sees it
    assert store.revoke(key.key_id) is True
    assert store.verify(raw) is None
    assert store.revoke(key.key_id) is False  # already revoked
    assert store.list()[0].revoked_at is not None


@pytest.mark.parametrize(
    "forged",
    ["", "sm_", "sm__x", "not-a-key", "Bearer x", "sm_{id}_wrong-secret", "sm_{id}_{secret}x", "sm_000000000000_{secret}"],
)
def test_unknown_or_altered_keys_are_refused(store: KeyStore, forged: str) -> None:
    key, raw = store.create("shop team")
    secret = raw.split("_", 2)[2]
    assert store.verify(forged.format(id=key.key_id, secret=secret)) is None


def test_keys_are_hashed_at_rest(store: KeyStore, tmp_path: Path) -> None:
    _, raw = store.create("shop team", "admin")
    secret = raw.split("_", 2)[2]
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("keys.sqlite3*"))
    assert secret.encode() not in stored and raw.encode() not in stored


def test_roles_are_ordered(store: KeyStore) -> None:
    operator, _ = store.create("a", "operator")
    admin, _ = store.create("b", "admin")
    assert has_role(admin, "operator") and has_role(admin, "admin")
    assert has_role(operator, "operator") and not has_role(operator, "admin")
    with pytest.raises(ValueError, match="role"):
        store.create("c", "root")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="name"):
        store.create("  ")


def test_cli_creates_lists_and_revokes_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SNAPMODE_HOME", str(tmp_path))
    created = runner.invoke(app, ["keys", "create", "--name", "ci", "--role", "admin"])
    assert created.exit_code == 0, created.output
    printed = json.loads(created.stdout)
    assert printed["name"] == "ci" and printed["role"] == "admin" and printed["key"].startswith("sm_")
    listed = [json.loads(line) for line in runner.invoke(app, ["keys", "list"]).stdout.splitlines()]
    assert [(key["key_id"], key["revoked_at"]) for key in listed] == [(printed["key_id"], None)]
    assert "key" not in listed[0]  # the key itself is never shown again
    assert runner.invoke(app, ["keys", "revoke", printed["key_id"]]).exit_code == 0
    assert KeyStore(tmp_path / "keys.sqlite3").verify(printed["key"]) is None
    again = runner.invoke(app, ["keys", "revoke", printed["key_id"]])
    assert again.exit_code == 2 and "no active key" in again.stderr
    bad = runner.invoke(app, ["keys", "create", "--name", "x", "--role", "root"])
    assert bad.exit_code == 2 and "role" in bad.stderr
