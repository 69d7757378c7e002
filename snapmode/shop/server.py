"""Run the demo shop with uvicorn: blocking for demos, in a background thread for tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from snapmode.shop.app import create_app
from snapmode.shop.plain import create_plain_app

STARTUP_TIMEOUT_S = 10.0
SHUTDOWN_TIMEOUT_S = 5.0


def serve(
    host: str = "127.0.0.1",
    port: int = 8080,
    crawl_delay: float = 0.1,
    data_dir: Path | None = None,
    products: int | None = None,
    seed: int = 0,
    access_log: bool = True,
    plain: bool = False,
) -> None:
    """Serve the shop (a scale shop of ``products`` generated products when given, the plain-HTML shop of that
    many with ``plain``) until interrupted (Ctrl-C)."""
    app = _app(data_dir, crawl_delay, products, seed, plain)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)


def _app(data_dir: Path | None, crawl_delay: float, products: int | None, seed: int, plain: bool) -> Starlette:
    if plain:
        if products is None:
            raise ValueError("the plain shop needs a number of products")
        return create_plain_app(products, seed)
    return create_app(data_dir, crawl_delay, products, seed)


def _listening_socket(host: str, port: int) -> socket.socket:
    """Bind here rather than in uvicorn, which answers a busy port with sys.exit inside its thread."""
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, protocol)
    except OSError as error:
        raise RuntimeError(f"the demo shop could not listen on {host}:{port}: {error.strerror}") from None
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise RuntimeError(f"the demo shop could not listen on {host}:{port}: {error.strerror}") from None
    return sock


@contextmanager
def running_shop(
    host: str = "127.0.0.1",
    port: int = 0,
    crawl_delay: float = 0.1,
    data_dir: Path | None = None,
    products: int | None = None,
    seed: int = 0,
    plain: bool = False,
) -> Iterator[str]:
    """Serve the shop in a daemon thread and yield its base URL, e.g. "http://127.0.0.1:54321".

    ``port=0`` picks a free port; ``products`` makes it a scale shop, and with ``plain`` the plain-HTML shop
    (snapmode.shop.plain). The server stops when the block exits.
    """
    app = _app(data_dir, crawl_delay, products, seed, plain)
    sock = _listening_socket(host, port)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    # uvicorn installs signal handlers only on the main thread, so a worker thread leaves pytest's alone.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="demo-shop", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the demo shop did not start within {STARTUP_TIMEOUT_S:g} s (see the log above)")
        time.sleep(0.01)
    bound_port = sock.getsockname()[1]
    authority = f"[{host}]" if ":" in host else host
    try:
        yield f"http://{authority}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_S)
