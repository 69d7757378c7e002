"""Crash and restart each worker and each backend mid-run; count products, vectors and pages after, beside an
uninterrupted run of the same shop.

    .venv/bin/python bench/faults.py embedded [--products 40]   # kill -9 `snapmode index`, run it again
    .venv/bin/python bench/faults.py cluster [--products 40]    # kill -9 each topology and Solr, Kafka, Milvus
    .venv/bin/python bench/faults.py loopback [--products 20] [--drills supervisor2,kafka2,solr2,milvus]

`--products 0` crawls the whole demo shop. Embedded: `snapmode index` runs in its own process group and is
killed (SIGKILL to the group, Milvus Lite's server included, as a crashed machine would) at a fraction of the
reference run's time, then started again until it exits. Cluster: both topologies run in Storm local mode
on the servers of `scripts/services` (shared: the Solr cores are emptied; run it when nobody else uses them);
each topology is killed with tests/support/storm.py's crash helper, each server with SIGKILL to its process
group and started again with its script. Expected figures come from the uninterrupted embedded run.
Loopback: the multi-process cluster of `scripts/cluster` (started by the bench, always stopped at the end),
both topologies submitted to Nimbus; an undisturbed run, then one fresh shop per drill, each daemon killed
(`scripts/cluster kill`) mid-crawl and mid-imaging, started again after a pause, the run left to finish;
expected figures come from the undisturbed run (products and photos also from the shop's catalogue).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cluster import cluster_settings
from bench.load_search import in_own_process
from bench.services import SERVICES_HOME, empty_solr
from snapmode.backends.products.base import ProductFilters
from snapmode.config import Settings
from snapmode.pipeline.crawling import register_site
from snapmode.services import Services
from snapmode.shop.server import running_shop

SERVICES = REPO / "scripts" / "services"
TIMEOUT_S = 1800
DOWN_S = 5  # how long a killed server stays down
IMAGING_KILL_DELAY_S = 5  # after the last product page: the imaging side is still embedding photos


class Census(BaseModel):
    """What a finished run left behind."""

    products: int
    product_ids: list[str]
    frontier: dict[str, int]  # pages by status
    vectors: int
    vector_rows: int  # rows stored for the indexed products' photos (a shared collection may hold others)
    vector_keys: list[str]  # image_url|box|label of every stored region
    duplicate_products: int  # rows beyond one per product URL
    duplicate_vectors: int  # rows beyond one per image region


class Outcome(BaseModel):
    scenario: str
    killed_at_s: float | None
    products_at_kill: int | None
    pages_at_kill: int | None  # pages fetched before the crash: a resumed crawl fetches only the rest
    census: Census
    recover_s: float  # from the restart to the end of the run


def census(settings: Settings) -> Census:
    """Counted in its own process when Milvus Lite is in use (see load_search.in_own_process)."""
    services = Services(settings)
    counted = census_of(services)
    services.close()
    return counted


def census_of(services: Services) -> Census:
    """Counted through services already open (the loopback runs count through their long-lived clients)."""
    products, offset = [], 0
    while page := services.products.search(None, ProductFilters(), offset=offset, limit=100).items:
        products += page
        offset += len(page)
    images = dict.fromkeys(url for product in products for url in product.images)
    records = [record for url in images for record in services.vectors.records_for_image(url)]
    keys = [f"{r.image_url}|{','.join(map(str, r.box))}|{r.label}" for r in records]
    return Census(
        products=services.products.count(),
        product_ids=sorted(p.id for p in products),
        frontier=services.frontier.counts(),
        vectors=services.vectors.count(),
        vector_rows=len(keys),
        vector_keys=sorted(set(keys)),
        duplicate_products=len(products) - len({p.url for p in products}),
        duplicate_vectors=len(keys) - len(set(keys)),
    )


@contextlib.contextmanager
def shop(products: int, scratch: Path) -> Iterator[str]:
    if products:
        from tests.support.tiny_shop import tiny_shop

        (scratch / "shop").mkdir()
        with tiny_shop(scratch / "shop", products) as base:
            yield base
    else:
        with running_shop(crawl_delay=0) as base:
            yield base


def access(shop_url: str) -> dict:
    host = shop_url.removeprefix("http://")
    return {"allow_hosts": [host], "no_delay_hosts": [host]}


def embedded_settings(home: Path, shop_url: str) -> Settings:
    settings = Settings(home=home, crawl=access(shop_url))
    registry = Services(settings)
    register_site(registry, shop_url + "/")
    registry.close()
    return settings


def index_process(settings: Settings) -> subprocess.Popen:
    """`snapmode index` on these settings, in a process group of its own (Milvus Lite runs a child server)."""
    env = {
        **os.environ,
        "SNAPMODE_HOME": str(settings.home),
        "SNAPMODE_CRAWL__ALLOW_HOSTS": json.dumps(settings.crawl.allow_hosts),
        "SNAPMODE_CRAWL__NO_DELAY_HOSTS": json.dumps(settings.crawl.no_delay_hosts),
    }
    command = [str(REPO / ".venv" / "bin" / "snapmode"), "index"]
    log = (settings.home / "index.log").open("a")
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log, start_new_session=True)


def run_index(settings: Settings) -> float:
    started = time.monotonic()
    process = index_process(settings)
    if process.wait(TIMEOUT_S) != 0:
        raise SystemExit(f"snapmode index failed; see {settings.home / 'index.log'}")
    return time.monotonic() - started


def products_now(settings: Settings) -> int:
    """Read beside a running worker: the product index is SQLite (or Solr), never locked by a reader."""
    services = Services(settings)
    try:
        return services.products.count()
    finally:
        services.close()


def pages_now(settings: Settings) -> int:
    services = Services(settings)
    try:
        return services.frontier.counts().get("fetched", 0)
    finally:
        services.close()


def uninterrupted(scratch: Path, shop_url: str, scenario: str) -> Outcome:
    """The reference: the embedded `snapmode index` over the shop, never killed."""
    reference = embedded_settings(scratch / "reference", shop_url)
    seconds = run_index(reference)
    return Outcome(
        scenario=scenario,
        killed_at_s=None,
        products_at_kill=None,
        pages_at_kill=None,
        census=in_own_process(census, reference),
        recover_s=round(seconds, 1),
    )


def embedded_runs(products: int, scratch: Path) -> tuple[Outcome, list[Outcome]]:
    with shop(products, scratch) as shop_url:
        expected = uninterrupted(scratch, shop_url, "uninterrupted")
        products = expected.census.products
        outcomes = [
            index_crash(
                f"kill -9 index at {products // 3} products",
                embedded_settings(scratch / "kill-crawling", shop_url),
                lambda settings: products_now(settings) >= products // 3,
                delay=0,
            ),
            index_crash(
                f"kill -9 index {IMAGING_KILL_DELAY_S} s after the last product",
                embedded_settings(scratch / "kill-imaging", shop_url),
                lambda settings: products_now(settings) >= products,
                delay=IMAGING_KILL_DELAY_S,
            ),
        ]
    return expected, outcomes


def index_crash(scenario: str, settings: Settings, ready: Callable[[Settings], bool], delay: float) -> Outcome:
    """`snapmode index` killed once ``ready`` (plus ``delay`` s), then run again to the end."""
    process = index_process(settings)
    started = time.monotonic()
    while not ready(settings):
        if process.poll() is not None or time.monotonic() - started > TIMEOUT_S:
            raise SystemExit(f"snapmode index ended before the crash point; see {settings.home / 'index.log'}")
        time.sleep(0.2)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(30)
    killed_at = round(time.monotonic() - started, 1)
    at_kill, pages_at_kill = products_now(settings), pages_now(settings)
    recover_s = run_index(settings)
    return Outcome(
        scenario=scenario,
        killed_at_s=killed_at,
        products_at_kill=at_kill,
        pages_at_kill=pages_at_kill,
        census=in_own_process(census, settings),
        recover_s=round(recover_s, 1),
    )


def cluster_runs(products: int, scratch: Path) -> tuple[Outcome, list[Outcome]]:
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    for name in ("solr", "kafka", "milvus"):
        subprocess.run([str(SERVICES / name), "start"], check=True)
    with shop(products, scratch) as shop_url:
        expected = uninterrupted(scratch, shop_url, "uninterrupted (embedded)")

        def finished(services: Services) -> Callable[[], bool]:
            def done() -> bool:
                try:
                    return (
                        services.frontier.outstanding() == 0
                        and services.queue.pending() == 0
                        and services.vectors.count() >= expected.census.vectors
                    )
                except Exception:  # noqa: BLE001  a server coming back fails calls in its own ways: not done yet
                    return False

            return done

        outcomes = []
        for topology in (CrawlerTopology, ImagingTopology):
            settings = cluster_settings(scratch / f"kill-{topology.__name__}", access(shop_url))
            services = Services.shared(settings)
            register_site(services, shop_url + "/")
            outcomes.append(topology_crash(topology, settings, services, finished(services)))
            services.close()
        for backend in ("solr", "kafka", "milvus"):
            settings = cluster_settings(scratch / f"kill-{backend}", access(shop_url))
            services = Services.shared(settings)
            register_site(services, shop_url + "/")
            outcomes.append(backend_crash(backend, settings, services, finished(services)))
            services.close()
    return expected, outcomes


def topology_crash(topology: type, settings: Settings, services: Services, done: Callable[[], bool]) -> Outcome:
    from tests.support.storm import crash_when, run_storm_until
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    if topology is ImagingTopology:  # the crawl first, so the imaging crash comes mid-stream
        run_storm_until([CrawlerTopology], settings, lambda: services.frontier.outstanding() == 0, TIMEOUT_S)
        ready = lambda: services.vectors.count() >= 3
    else:
        ready = lambda: services.products.count() >= 5
    started = time.monotonic()
    crash_when(topology, settings, ready, TIMEOUT_S)
    killed_at, at_kill = time.monotonic() - started, services.products.count()
    pages_at_kill = services.frontier.counts().get("fetched", 0)
    recover_s = run_storm_until([CrawlerTopology, ImagingTopology], settings, done, TIMEOUT_S)
    return Outcome(
        scenario=f"kill -9 {topology.__name__}",
        killed_at_s=round(killed_at, 1),
        products_at_kill=at_kill,
        pages_at_kill=pages_at_kill,
        census=census(settings),
        recover_s=round(recover_s, 1),
    )


def backend_crash(backend: str, settings: Settings, services: Services, done: Callable[[], bool]) -> Outcome:
    """Both topologies running; the server killed once products arrive, started again after DOWN_S; a
    topology that dies of it is started again (Storm's supervisor would do the same)."""
    from launch.storm.local import run_local, stop
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    log = settings.ensure_home() / "storm.log"
    running = {topology: run_local(topology, settings, log_file=log) for topology in (CrawlerTopology, ImagingTopology)}
    started = time.monotonic()
    try:
        while services.products.count() < 5:
            if time.monotonic() - started > TIMEOUT_S:
                raise SystemExit(f"no products in {TIMEOUT_S} s; see {log}")
            time.sleep(0.2)
        killed_at, at_kill = time.monotonic() - started, services.products.count()
        pages_at_kill = services.frontier.counts().get("fetched", 0)
        kill_backend(backend)
        time.sleep(DOWN_S)
        subprocess.run([str(SERVICES / backend), "start"], check=True)
        restarted = time.monotonic()
        while not done():
            for topology, process in running.items():
                if process.poll() is not None:
                    running[topology] = run_local(topology, settings, log_file=log)
            if time.monotonic() - restarted > TIMEOUT_S:
                raise SystemExit(f"not finished {TIMEOUT_S} s after restarting {backend}; see {log}")
            time.sleep(1)
        recover_s = time.monotonic() - restarted
    finally:
        for process in running.values():
            stop(process)
    return Outcome(
        scenario=f"kill -9 {backend}, down {DOWN_S} s",
        killed_at_s=round(killed_at, 1),
        products_at_kill=at_kill,
        pages_at_kill=pages_at_kill,
        census=census(settings),
        recover_s=round(recover_s, 1),
    )


def kill_backend(name: str) -> None:
    """SIGKILL to the server's process group (scripts/services launches each with setsid)."""
    pid = int((SERVICES_HOME / name / "pid").read_text())
    os.killpg(pid, signal.SIGKILL)
    (SERVICES_HOME / name / "pid").unlink()


# --- loopback: the multi-process cluster of scripts/cluster -------------------------------------------------------

CLUSTER = REPO / "scripts" / "cluster"
DRILLS = ("supervisor2", "kafka2", "solr2", "milvus")
LOOPBACK_DOWN_S = 10  # how long a killed daemon stays down (supervisor2: Nimbus moves its workers meanwhile)
LOOPBACK_TIMEOUT_S = 300  # per run, from its start (or a daemon's restart) to all products and vectors
NIMBUS = ("127.0.0.1", 6627)
LOOPBACK_CRAWL_DELAY_S = 0.5  # the shops' robots.txt Crawl-delay


class Drill(BaseModel):
    """One run on the loopback cluster: undisturbed (daemon None) or one daemon killed mid-run."""

    daemon: str | None
    products_expected: int
    photos_expected: int
    products_at_kill: int | None = None
    vectors_at_kill: int | None = None
    census: Census
    finished: bool  # all expected products and vectors seen before the deadline
    resume_s: float | None = None  # restart → products or vectors grow again
    recover_s: float | None = None  # restart → the run done
    total_s: float  # first page queued → the run done (or the deadline)


def cluster_command(*args: str, env: dict[str, str] | None = None) -> None:
    """scripts/cluster ARGS, its output on stderr (stdout is the bench's report); a failure stops the bench."""
    subprocess.run([str(CLUSTER), *args], check=True, timeout=900, stdout=sys.stderr, env=os.environ | (env or {}))


@contextlib.contextmanager
def loopback_cluster(env: dict[str, str] | None = None) -> Iterator[None]:
    """scripts/cluster up with no topology submitted; topologies killed and the cluster down at the end, whatever
    happens (Nimbus would start topologies left behind again with the next `up`, in a later run's stead)."""
    try:
        cluster_command("up", env=env)
        cluster_command("unsubmit")
        yield
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster_command("unsubmit")
        cluster_command("down")


def loopback_settings(home: Path, hosts: list[str], run: str) -> Settings:
    """The cluster's servers (scripts/cluster env); topic, group and collection of this invocation alone."""
    from snapmode.config import CLUSTER_BACKENDS

    return Settings(
        home=home,
        **CLUSTER_BACKENDS,
        solr={"url": "http://127.0.0.1:8984/solr"},
        kafka={
            "bootstrap_servers": "127.0.0.1:9192,127.0.0.1:9292,127.0.0.1:9392",
            "images_topic": f"faults-images-{run}",
            "failed_topic": f"faults-failed-{run}",
            "group_id": f"faults-{run}",
        },
        vectors_uri="http://127.0.0.1:19540",
        vectors_collection=f"faults_{run}",
        crawl={"allow_hosts": hosts},  # the shops' Crawl-delay kept (see catalog_shop)
    )


def progress(services: Services) -> tuple[int, int] | None:
    """Products and vector rows of the run so far (one shop per run), or None while a server does not answer."""
    try:
        ids = [p.id for p in services.products.search(None, ProductFilters(), limit=1000).items]
        return len(ids), services.vectors.count_for_products(ids) if ids else 0
    except Exception as error:  # noqa: BLE001  a killed server fails calls in its own ways: no reading this time
        print(f"faults: no reading: {type(error).__name__}: {str(error)[:200]}", file=sys.stderr)
        return None


def settled(settings: Settings) -> bool:
    """No page outstanding and no image task pending, asked through clients of their own: a long-lived Kafka
    admin client keeps asking the broker it first found for the group's offsets after a restart moved the
    group elsewhere (kafka-python caches the coordinator), and never gets an answer."""
    from tests.support.crawl_results import crawl_drained

    try:
        services = Services(settings)
    except Exception:  # noqa: BLE001  as in progress()
        return False
    try:
        return crawl_drained(services) and services.queue.pending() == 0
    except Exception:  # noqa: BLE001  as in progress()
        return False
    finally:
        services.close()


def loopback_run(
    daemon: str | None, services: Services, shop_url: str, products: int, photos: int, vectors: int | None
) -> Drill:
    """Crawl one fresh shop through the submitted topologies; kill ``daemon`` once a third of the products
    are indexed and imaging has begun, start it again after LOOPBACK_DOWN_S, wait for the run to finish."""
    empty_solr(services.settings.solr)  # the previous run has finished: its pages and products go
    started = time.monotonic()
    register_site(services, shop_url + "/")
    print(f"faults: {daemon or 'undisturbed'}: crawling {shop_url} ({products} products)", file=sys.stderr)
    at_kill = restarted = resumed = None
    while True:
        now = progress(services)
        if now is not None:
            if daemon and at_kill is None and now[0] >= max(1, products // 3) and now[1] > 0:
                at_kill = now
                print(f"faults: {daemon}: {now[0]} products, {now[1]} vectors: killing it", file=sys.stderr)
                cluster_command("kill", daemon)
                time.sleep(LOOPBACK_DOWN_S)
                cluster_command("start", daemon)
                restarted = time.monotonic()
                continue
            if restarted and resumed is None and (now[0] > at_kill[0] or now[1] > at_kill[1]):
                resumed = time.monotonic() - restarted
            want_vectors = photos if vectors is None else vectors  # pending() == 0 says imaging is done
            done = now[0] >= products and now[1] >= want_vectors and settled(services.settings)
            if done and (daemon is None or restarted):
                break
        if time.monotonic() - (restarted or started) > LOOPBACK_TIMEOUT_S:
            break
        time.sleep(1)
    finished = now is not None and done
    ended = time.monotonic()
    print(f"faults: {daemon or 'undisturbed'}: {'done' if finished else 'deadline'}, {now}", file=sys.stderr)
    return Drill(
        daemon=daemon,
        products_expected=products,
        photos_expected=photos,
        products_at_kill=at_kill and at_kill[0],
        vectors_at_kill=at_kill and at_kill[1],
        census=census_of(services),
        finished=finished,
        resume_s=None if resumed is None else round(resumed, 1),
        recover_s=round(ended - restarted, 1) if restarted and finished else None,
        total_s=round(ended - started, 1),
    )


@contextlib.contextmanager
def catalog_shop(data: Path, products: int, crawl_delay: float = LOOPBACK_CRAWL_DELAY_S) -> Iterator[str]:
    """tests/support/tiny_shop's cut of the demo shop. The drills' Crawl-delay makes the crawl last about as long
    as the imaging, so a kill lands mid-crawl and mid-imaging."""
    from snapmode.shop.catalog import DATA_DIR, load_catalog

    catalog = load_catalog()
    tiny = catalog.model_copy(update={"products": catalog.products[:products]})
    (data / "catalog.json").write_text(tiny.model_dump_json(), encoding="utf-8")
    (data / "images").symlink_to(DATA_DIR / "images")
    with running_shop(crawl_delay=crawl_delay, data_dir=data) as base:
        yield base


def loopback_runs(products: int, drills: list[str], scratch: Path) -> list[Drill]:
    """The cluster up, both topologies submitted once; one shop per run (a host of its own, so the Milvus rows
    of each run are its own), all shops allowed in the submitted settings."""
    import uuid

    from launch.storm.__main__ import submit
    from snapmode.shop.catalog import load_catalog
    from topologies.crawler import CrawlerTopology
    from topologies.imaging import ImagingTopology

    catalog = load_catalog().products
    photos = sum(len(product.images) for product in catalog[:products])
    runs: list[Drill] = []
    with contextlib.ExitStack() as shops:
        urls = []
        for number, size in enumerate([1] + [products] * (len(drills) + 1)):  # shop0: the warm-up
            (scratch / f"shop{number}").mkdir()
            urls.append(shops.enter_context(catalog_shop(scratch / f"shop{number}", size)))
        settings = loopback_settings(
            scratch / "snapmode", [url.removeprefix("http://") for url in urls], uuid.uuid4().hex[:8]
        )
        with loopback_cluster():
            services = Services.shared(settings)
            for topology in (CrawlerTopology, ImagingTopology):
                if submit(topology, settings, *NIMBUS, workers=2) != 0:
                    raise SystemExit(f"submitting {topology.__name__} to Nimbus failed")
            # Workers start and load their models on the first task: a one-product run first keeps that out
            # of the undisturbed run's time.
            loopback_run(None, services, urls[0], 1, len(catalog[0].images), None)
            reference = loopback_run(None, services, urls[1], products, photos, None)
            runs.append(reference)
            for daemon, url in zip(drills, urls[2:], strict=True):
                runs.append(loopback_run(daemon, services, url, products, photos, reference.census.vector_rows))
            services.close()
    return runs


def loopback_report(runs: list[Drill], console: Console) -> None:
    reference = runs[0].census
    table = Table(title="Faults on the loopback cluster: kill -9 one daemon mid-crawl and mid-imaging, restart")
    columns = ("drill", "products exp/got/dup", "vectors exp/got/dup", "pages exp/got", "killed at p/v")
    for column in (*columns, "resume s", "recover s", "total s"):
        table.add_column(column, justify="right")
    for run in runs:
        got = run.census
        table.add_row(
            "undisturbed" if run.daemon is None else f"kill -9 {run.daemon}, down {LOOPBACK_DOWN_S} s",
            f"{run.products_expected}/{got.products}/{got.duplicate_products}",
            f"{reference.vector_rows}/{len(got.vector_keys)}/{got.duplicate_vectors}",
            f"{reference.frontier.get('fetched', 0)}/{got.frontier.get('fetched', 0)}",
            "" if run.daemon is None else f"{run.products_at_kill}/{run.vectors_at_kill}",
            "" if run.resume_s is None else str(run.resume_s),
            "" if run.recover_s is None else str(run.recover_s),
            f"{run.total_s}{'' if run.finished else ' (deadline)'}",
        )
    console.print(table)
    console.print(
        "vectors: distinct regions (photo, box, label) of the run's products; dup: rows beyond one per region;"
        " resume s: restart to the first new product or vector; recover s: restart to the run done"
    )


def loopback_main(products: int, drills: list[str], as_json: bool) -> None:
    unknown = set(drills) - set(DRILLS)
    if unknown:
        raise SystemExit(f"no drill {', '.join(sorted(unknown))} (drills: {', '.join(DRILLS)})")
    with tempfile.TemporaryDirectory() as scratch:
        runs = loopback_runs(products, drills, Path(scratch))
    if as_json:
        print(json.dumps([run.model_dump() for run in runs]))
        return
    loopback_report(runs, Console(width=200))


def report(mode: str, expected: Outcome, outcomes: list[Outcome], console: Console) -> None:
    want = expected.census
    table = Table(title=f"Faults, {mode} mode: kill -9 mid-run, restart, let it finish")
    for column in (
        "scenario",
        "killed at s",
        "products then",
        "pages then",
        "products exp/got",
        "vectors exp/got",
        "pages exp/got",
        "lost products",
        "lost regions",
        "duplicates",
        "recover s",
    ):
        table.add_column(column, justify="right")
    for outcome in [expected, *outcomes]:
        got = outcome.census
        table.add_row(
            outcome.scenario,
            *(
                "" if value is None else str(value)
                for value in (outcome.killed_at_s, outcome.products_at_kill, outcome.pages_at_kill)
            ),
            f"{want.products}/{got.products}",
            f"{want.vectors}/{got.vectors}",
            f"{want.frontier.get('fetched', 0)}/{got.frontier.get('fetched', 0)}",
            str(len(set(want.product_ids) - set(got.product_ids))),
            str(len(set(want.vector_keys) - set(got.vector_keys))),
            str(got.duplicate_products + got.duplicate_vectors),
            f"{outcome.recover_s}",
        )
    console.print(table)
    console.print("recover s: restart to the end of the run (the uninterrupted row: the whole run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["embedded", "cluster", "loopback"])
    parser.add_argument("--products", type=int, default=40, help="shop size (0: the whole demo shop)")
    parser.add_argument("--drills", default=",".join(DRILLS), help="loopback: daemons to kill, comma-separated")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.mode == "loopback":
        loopback_main(args.products, args.drills.split(","), args.json)
        return
    with tempfile.TemporaryDirectory() as scratch:
        runs = embedded_runs if args.mode == "embedded" else cluster_runs
        expected, outcomes = runs(args.products, Path(scratch))
    if args.json:
        print(json.dumps({"expected": expected.model_dump(), "outcomes": [o.model_dump() for o in outcomes]}))
        return
    report(args.mode, expected, outcomes, Console(width=200))


if __name__ == "__main__":
    main()
