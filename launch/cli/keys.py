"""`snapmode keys`: operators' API keys, created and revoked on the machine that runs SnapMode."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from snapmode.access.keys import ROLES, KeyStore
from snapmode.config import Settings

keys_app = typer.Typer(help="Create, list and revoke operators' API keys.", no_args_is_help=True)


def open_keys() -> KeyStore:
    return KeyStore(Settings().ensure_home() / "keys.sqlite3")


@keys_app.command("create")
def create(
    name: Annotated[str, typer.Option(help="Who or what uses the key")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)} (admin may also delete sites)")] = "operator",
) -> None:
    """Create a key and print it once: only its hash is kept."""
    store = open_keys()
    try:
        key, raw = store.create(name, role)  # type: ignore[arg-type]  # checked by create
    except ValueError as exc:
        typer.echo(f"cannot create a key: {exc}", err=True)
        raise typer.Exit(2) from exc
    finally:
        store.close()
    typer.echo(json.dumps(key.model_dump(exclude={"revoked_at"}) | {"key": raw}))


@keys_app.command("list")
def list_keys() -> None:
    """Every key ever created (never the keys themselves), one JSON line each."""
    store = open_keys()
    for key in store.list():
        typer.echo(key.model_dump_json())
    store.close()


@keys_app.command("revoke")
def revoke(key_id: str) -> None:
    """Revoke a key by its id (the part after `sm_`); requests with it get 401 at once."""
    store = open_keys()
    revoked = store.revoke(key_id)
    store.close()
    if not revoked:
        typer.echo(f"no active key {key_id}", err=True)
        raise typer.Exit(2)
    typer.echo(json.dumps({"revoked": key_id}))
