"""`snapmode demo`: the whole product on one machine, from an empty data directory."""

from __future__ import annotations

import json

from rich.console import Console

from snapmode.config import Settings

SHOP_NAME = "Luma Demo Shop"  # as the demo shop's own pages call it (og:site_name, <title>)


def run_demo(settings: Settings, shop_port: int, port: int | None, until_indexed: bool, console: Console) -> None:
    from launch.cli.progress import live_stats, report_retries
    from launch.runner.local import run_until_indexed
    from snapmode.pipeline.crawling import register_site
    from snapmode.services import Services
    from snapmode.shop.catalog import RULES_PATH
    from snapmode.shop.server import running_shop

    rebuild_an_earlier_index(settings, console)
    with running_shop(port=shop_port) as shop_url:
        console.print(f"demo shop running at {shop_url}/")
        services = Services.shared(settings)
        site = register_site(services, f"{shop_url}/", RULES_PATH.read_text(), name=SHOP_NAME)
        console.print(f"registered site {site.id}; crawling and indexing (data in {settings.home.resolve()})")
        with live_stats(console) as show:
            stats = run_until_indexed(settings, on_progress=show)
        # Another site's failing URLs never hold the demo up: named here, retried later.
        then = "the demo run again after then retries them" if until_indexed else "the crawl worker retries them"
        report_retries(console, stats.waiting_for_retry, then)
        figures = {"products": stats.products, "images": stats.images, "vectors": stats.vectors, "seconds": stats.seconds}
        if until_indexed:
            print(json.dumps(figures), flush=True)
            services.close()
            return
        import uvicorn

        from api.main import create_app
        from launch.runner.worker import CrawlWorker

        port = port or settings.api_port
        services.load_models()
        key_file = settings.home / "operator-key.txt"
        if not key_file.exists():
            _, key = services.keys.create("demo operator", "operator")
            key_file.touch(mode=0o600)
            key_file.write_text(key + "\n")
            console.print(f"operator API key (sign in at /operators): [bold]{key}[/] (kept in {key_file.resolve()})")
        console.print(f"[bold green]SnapMode is ready: open http://{settings.api_host}:{port}/ "
                      f"(API docs at http://{settings.api_host}:{port}/api/docs). Ctrl-C stops.")
        app = create_app(settings, worker=CrawlWorker(settings) if settings.crawl_worker else None)
        uvicorn.run(app, host=settings.api_host, port=port, log_level="warning")


def rebuild_an_earlier_index(settings: Settings, console: Console) -> None:
    """Rebuild from the stored regions a vector index that an earlier release wrote, as `snapmode vectors rebuild`
    does, so that the demo run again after an upgrade starts where the store would refuse to (seconds at the demo's
    size)."""
    from snapmode.backends.registry import open_compact_store
    from snapmode.backends.vectors.compact_store import index_outdated

    path = settings.compact_payloads_path
    if settings.vectors != "compact" or not path.is_file() or not index_outdated(path):
        return
    console.print("the vector index was written by an earlier release: rebuilding it from the stored regions")
    store = open_compact_store(settings, rebuilding=True)
    try:
        store.rebuild()
    finally:
        store.close()
