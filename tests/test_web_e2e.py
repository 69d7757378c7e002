"""The web page in a real browser: `snapmode serve` on a small indexed shop, driven by Chromium.

The browser tests themselves are TypeScript in web/e2e/ (playwright-core over Debian's Chromium, run by
Vitest); this module prepares what they need and runs them:
- a data home with a tiny shop registered under a name of its own, crawled, indexed and embedded (a few
  products, so the models on a CPU take well under a minute),
- an operator key made with `snapmode keys create`,
- `snapmode serve` on a free port, serving web/dist (or, when web/src is newer, a build of its own),
- a second tiny shop, not yet registered, for the operator console to register and watch being crawled.

`SNAPMODE_E2E_SCREENSHOTS=docs/images` saves the screenshots shown in docs/ui.md.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from snapmode.shop.catalog import RULES_PATH, load_catalog
from tests.support.tiny_shop import tiny_shop

REPO = Path(__file__).resolve().parent.parent
WEB = REPO / "web"
# A photo of red casual shoes: the tiny shop sells hoodies and sweatshirts only.
OTHER_KIND_PHOTO = REPO / "tests" / "fixtures" / "kinds" / "myntra-17981-red-casual-shoes.jpg"
SEARCH_SHOP_PRODUCTS = 4  # indexed before the server starts: the shopper's flows search it
OPERATOR_SHOP_PRODUCTS = 3  # registered through the operator console while the tests watch
SEARCH_SHOP_NAME = "Luma Outlet"  # given at registration: the page must show it instead of the shop's host
SERVER_START_TIMEOUT_S = 180  # the server loads the detector, embedder and classifier before it answers
BROWSER_TESTS_TIMEOUT_S = 600

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _host(base_url: str) -> str:
    return base_url.removeprefix("http://")


def _web_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """web/dist when it is newer than every source (scripts/setup builds it, with its own stamp); otherwise the
    sources built into a folder of this run's own, since tests running beside this one serve web/dist."""
    dist = WEB / "dist"
    sources = [WEB / "index.html", WEB / "vite.config.ts", *(WEB / "src").rglob("*")]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    if (dist / "index.html").exists() and (dist / "index.html").stat().st_mtime >= newest:
        return dist
    dist = tmp_path_factory.mktemp("web-dist")
    built = subprocess.run(
        ["npm", "run", "build", "--silent", "--", "--outDir", str(dist), "--emptyOutDir"],
        check=False, cwd=WEB, capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, f"npm run build failed:\n{built.stdout[-4000:]}\n{built.stderr[-4000:]}"
    return dist


@pytest.fixture(scope="module")
def search_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with tiny_shop(tmp_path_factory.mktemp("search-shop"), SEARCH_SHOP_PRODUCTS) as base:
        yield base


@pytest.fixture(scope="module")
def operator_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with tiny_shop(tmp_path_factory.mktemp("operator-shop"), OPERATOR_SHOP_PRODUCTS) as base:
        yield base


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, search_shop: str, operator_shop: str) -> Iterator[dict[str, str]]:
    web_dist = _web_build(tmp_path_factory)
    home = tmp_path_factory.mktemp("e2e-home")
    hosts = [_host(search_shop), _host(operator_shop)]
    env = {
        **os.environ,
        "SNAPMODE_HOME": str(home),
        "SNAPMODE_WEB_DIST": str(web_dist),
        "SNAPMODE_CRAWL__ALLOW_HOSTS": json.dumps(hosts),
        # The operator's shop keeps the politeness delay, so its figures grow while the console watches.
        "SNAPMODE_CRAWL__NO_DELAY_HOSTS": json.dumps(hosts[:1]),
    }
    # As a user would, in processes of their own: Milvus Lite opens a data directory in one process at a time.
    _snapmode(env, "sites", "add", f"{search_shop}/", "--rules", str(RULES_PATH), "--name", SEARCH_SHOP_NAME)
    _snapmode(env, "index", timeout=600)
    key = json.loads(_snapmode(env, "keys", "create", "--name", "web-e2e", "--role", "operator"))["key"]

    port = _free_port()
    log = (home / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "launch", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        health = _wait_until_serving(base_url, process, home / "serve.log")
        assert health["products"] == SEARCH_SHOP_PRODUCTS and health["vectors"] > 0, health
        yield {"base_url": base_url, "key": key, "log": str(home / "serve.log"), "search_shop": search_shop}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _snapmode(env: dict[str, str], *args: str, timeout: float = 60) -> str:
    """Runs the command line; its last line of output."""
    done = subprocess.run(
        [sys.executable, "-m", "launch", *args],
        check=False, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )
    assert done.returncode == 0, f"snapmode {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _wait_until_serving(base_url: str, process: subprocess.Popen, log: Path) -> dict:
    """The server's health answer, once it gives one."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"snapmode serve exited:\n{log.read_text()[-4000:]}"
        try:
            answer = httpx.get(f"{base_url}/api/v1/health", timeout=2)
            if answer.status_code == 200:
                return answer.json()
        except httpx.TransportError:
            pass
        time.sleep(1)
    pytest.fail(f"snapmode serve did not answer within {SERVER_START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}")


def _run_browser_tests(spec: str, server: dict[str, str], extra_env: dict[str, str]) -> None:
    npx = shutil.which("npx")
    assert npx, "Node.js (npx) is needed for the browser tests"
    screenshots = os.environ.get("SNAPMODE_E2E_SCREENSHOTS")
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "E2E_BASE_URL": server["base_url"],
        **({"E2E_SCREENSHOT_DIR": str((REPO / screenshots).resolve())} if screenshots else {}),
        **extra_env,
    }
    done = subprocess.run(
        [npx, "vitest", "run", "--config", "vitest.e2e.config.ts", spec],
        check=False, cwd=WEB, env=env, capture_output=True, text=True, timeout=BROWSER_TESTS_TIMEOUT_S,
    )
    print(done.stdout[-6000:])
    assert done.returncode == 0, (
        f"browser tests failed:\n{done.stdout[-8000:]}\n{done.stderr[-4000:]}\n"
        f"server log:\n{Path(server['log']).read_text()[-3000:]}"
    )


def test_shopper_searches_by_photo_region_and_price_in_chromium(server: dict[str, str]) -> None:
    catalog = load_catalog()
    product = catalog.products[0]
    _run_browser_tests("e2e/shopper.e2e.ts", server, {
        "E2E_PHOTO": str(catalog.image_path(product.images[0])),
        "E2E_PRODUCT_NAME": product.name,
        "E2E_PRODUCT_PRICE": product.current_price,
        "E2E_SHOP_NAME": SEARCH_SHOP_NAME,
        "E2E_OTHER_KIND_PHOTO": str(OTHER_KIND_PHOTO),
        # The query string makes the address the shopper types unlike any the result cards load.
        "E2E_PHOTO_URL": f"{server['search_shop']}/media/large/{product.images[0].file}?typed=in-the-url-box",
    })


def test_operator_registers_a_shop_and_watches_its_crawl_in_chromium(
    server: dict[str, str], operator_shop: str
) -> None:
    catalog = load_catalog()
    plain = next(p for p in catalog.products[:OPERATOR_SHOP_PRODUCTS] if p.markup == "plain")  # needs the rules
    _run_browser_tests("e2e/operator.e2e.ts", server, {
        "E2E_OPERATOR_KEY": server["key"],
        "E2E_SHOP_URL": f"{operator_shop}/",
        "E2E_SAMPLE_URL": f"{operator_shop}{plain.path}",
        "E2E_SAMPLE_NAME": plain.name,
        "E2E_RULES_FILE": str(RULES_PATH),
        "E2E_SHOP_PRODUCTS": str(OPERATOR_SHOP_PRODUCTS),
    })
