"""`snapmode` command line: a thin adapter over the core use cases."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from launch.cli.keys import keys_app
from launch.cli.vectors import vectors_app
from snapmode.config import Settings

app = typer.Typer(
    help="SnapMode: crawl shops, understand their photos, search products by photo.", no_args_is_help=True
)
sites_app = typer.Typer(help="Register and list shop sites.", no_args_is_help=True)
shop_app = typer.Typer(help="The demo shop shipped with SnapMode.", no_args_is_help=True)
app.add_typer(sites_app, name="sites")
app.add_typer(shop_app, name="shop")
app.add_typer(keys_app, name="keys")
app.add_typer(vectors_app, name="vectors")
# Command groups that installed packages declare (the lab's `train` and `eval`, lab/cli.py): the product imports
# none of them, each adds itself to the app.
for command_group in entry_points(group="snapmode.commands"):
    command_group.load()(app)

err = Console(stderr=True)


def _print_json(value) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


def _settings_allowing(*hosts: str) -> Settings:
    settings = Settings()
    settings.crawl.allow_hosts = sorted({*settings.crawl.allow_hosts, *hosts})
    return settings


RulesOption = Annotated[Path | None, typer.Option(help="YAML extraction rules for pages without structured data")]
IncludeOption = Annotated[list[str] | None, typer.Option(help="RE2 regex; when given, only matching pages are crawled")]
ExcludeOption = Annotated[list[str] | None, typer.Option(help="RE2 regex; matching pages are never crawled")]


def _register(
    settings: Settings,
    url: str,
    rules: Path | None,
    include: list[str] | None,
    exclude: list[str] | None,
    name: str | None = None,
):
    from snapmode.pipeline.crawling import register_site
    from snapmode.services import Services

    try:
        rules_yaml = rules.read_text() if rules else None
        return register_site(Services.shared(settings), url, rules_yaml, include=include, exclude=exclude, name=name)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot register {url}: {exc}")
        raise typer.Exit(2) from exc


def _site_json(site) -> dict:
    return site.model_dump(mode="json", exclude={"rules_yaml"}) | {"rules": bool(site.rules_yaml)}


@sites_app.command("add")
def sites_add(
    url: str,
    rules: RulesOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    name: Annotated[
        str | None, typer.Option(help="The shop's name for shoppers (default: learned from its home page)")
    ] = None,
) -> None:
    """Register a site to crawl (its root page and sitemaps are queued).

    Refused, with the reason, when the crawler would not fetch it: a private or local address (unless
    allowed by crawl.allow_hosts), user info in the URL, no valid host, or patterns RE2 cannot run."""
    _print_json(_site_json(_register(Settings(), url, rules, include, exclude, name)))


@sites_app.command("list")
def sites_list() -> None:
    """List registered sites."""
    from snapmode.services import Services

    for site in Services.shared(Settings()).sites.all():
        _print_json(_site_json(site))


@sites_app.command("status")
def sites_status(site_id: str) -> None:
    """Print a site's crawl status as JSON (as the API's /sites/{id}/status): pages by state, product and listing
    pages, and the products its listings say they hold."""
    from snapmode.errors import NotFound
    from snapmode.pipeline.operators import crawl_status
    from snapmode.services import Services

    try:
        status = crawl_status(Services.shared(Settings()), site_id)
    except NotFound as exc:
        err.print(f"[red]{exc} (`snapmode sites list` lists them)")
        raise typer.Exit(2) from exc
    typer.echo(status.model_dump_json())


@app.command()
def crawl(
    url: str,
    max_pages: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many pages (resume by running again)")
    ] = None,
    rules: RulesOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow this site's host to resolve to a private/loopback address (a local shop)")
    ] = False,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus metrics on this port while crawling")
    ] = None,
) -> None:
    """Register one site (if new) and crawl it to the end, showing progress; prints the figures as JSON.

    Image URLs found are queued; `snapmode index` embeds them.
    """
    from launch.cli.progress import live_crawl_stats
    from launch.runner.local import run_crawl
    from snapmode import metrics
    from snapmode.crawl.politeness import host_key
    from snapmode.services import Services

    settings = _settings_allowing(host_key(url)) if allow_private else Settings()
    site = _register(settings, url, rules, include, exclude)
    if metrics_port is not None:
        metrics.serve(metrics_port, Services.shared(settings).frontier)
    with live_crawl_stats(err) as show:
        stats = run_crawl(settings, site_ids=[site.id], max_pages=max_pages, on_progress=show)
    _print_json(stats.model_dump())


@app.command()
def index() -> None:
    """Crawl every registered site until no URL is due and embed every image found, showing progress; exits when
    done. URLs waiting for a retry that is not due yet are named, not waited for: a later run or `snapmode serve`
    retries them."""
    from launch.cli.progress import live_stats, report_retries
    from launch.runner.local import run_until_indexed

    with live_stats(err) as show:
        stats = run_until_indexed(Settings(), on_progress=show)
    then = "the next `snapmode index` after then, or `snapmode serve`, retries them"
    report_retries(err, stats.waiting_for_retry, then)
    _print_json(stats.model_dump())


@app.command()
def reembed(
    site: Annotated[str | None, typer.Option(help="Only this site's products (its id; default: every site's)")] = None,
    publish_only: Annotated[
        bool, typer.Option(help="Queue the photos and exit: a cluster's imaging topology embeds them")
    ] = False,
) -> None:
    """Queue every indexed product's photos again and embed those without vectors, without recrawling:
    rebuilds a new or emptied vector store (an upgrade that changes what it stores). Safe to repeat."""
    from launch.cli.progress import live_stats
    from launch.runner.local import run_until_indexed
    from snapmode.pipeline.operators import republish_images
    from snapmode.services import Services

    settings = Settings()
    queued = republish_images(Services.shared(settings), site)
    if publish_only:
        _print_json({"queued": queued})
        return
    with live_stats(err) as show:
        stats = run_until_indexed(settings, on_progress=show)
    _print_json({"queued": queued, **stats.model_dump()})


@app.command()
def search(
    image: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Photo to search with")],
    k: Annotated[int | None, typer.Option(min=1, max=100, help="Results (default: search.k)")] = None,
    region: Annotated[int | None, typer.Option(help="Detected region to search with (default: the whole photo)")] = None,
) -> None:
    """Search indexed products by photo; prints JSON."""
    from snapmode.errors import SnapModeError
    from snapmode.pipeline.search import search_by_image
    from snapmode.services import Services

    try:
        found = search_by_image(Services.shared(Settings()), image.read_bytes(), k=k, region=region)
    except SnapModeError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(2) from exc
    typer.echo(found.model_dump_json(indent=2))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the REST API (docs at /api/docs) and the web page."""
    import uvicorn

    from api.main import create_app
    from launch.runner.worker import CrawlWorker

    settings = Settings()
    app = create_app(settings, worker=CrawlWorker(settings) if settings.crawl_worker else None)
    app.state.services.load_models()
    uvicorn.run(app, host=host or settings.api_host, port=port or settings.api_port, log_level="warning")


@shop_app.command("serve")
def shop_serve(
    port: Annotated[int, typer.Option()] = 8001,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    crawl_delay: Annotated[float, typer.Option(help="Crawl-delay announced in robots.txt")] = 0.1,
    products: Annotated[
        int | None,
        typer.Option(min=1, help="Serve this many products generated from the catalogue (a shop to crawl at scale)"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Which generated catalogue (with --products): same seed, same shop")] = 0,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
    plain: Annotated[
        bool, typer.Option(help="With --products: a plain-HTML shop (no structured data, sitemap or robots.txt)")
    ] = False,
) -> None:
    """Serve the demo shop (Luma sample catalogue), a scale shop of N generated products, or a plain-HTML one."""
    from snapmode.shop.server import serve as serve_shop

    if plain and products is None:
        raise typer.BadParameter("--plain needs --products", param_hint="--plain")
    what = "demo shop" if products is None else f"scale shop ({products:,} products, seed {seed})"
    what = f"plain-HTML shop ({products:,} products, seed {seed})" if plain else what
    err.print(f"{what} on http://{host}:{port}/")
    serve_shop(
        host=host, port=port, crawl_delay=crawl_delay, products=products, seed=seed, access_log=access_log, plain=plain
    )


@app.command()
def extract(
    file: Annotated[Path | None, typer.Argument(dir_okay=False, help="A saved HTML page")] = None,
    url: Annotated[str | None, typer.Option(help="The page's URL, to resolve relative links")] = None,
    rules: Annotated[Path | None, typer.Option(help="Site extraction rules (YAML)")] = None,
    batch: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help='JSON lines {"id", "path", "url"}: one JSON line out per line in'),
    ] = None,
) -> None:
    """Print the product extracted from a saved page as JSON (null for what is not found)."""
    from snapmode.extract import extract_file

    if (file is None) == (batch is None):
        err.print("[red]give either FILE or --batch MANIFEST")
        raise typer.Exit(2)
    if batch is not None:
        from snapmode.extract.batch import extract_batch

        try:
            for line in extract_batch(batch, rules):
                _print_json(line)
        except ValueError as exc:
            err.print(f"[red]cannot extract {batch}: {exc}")
            raise typer.Exit(2) from exc
        return
    try:
        _print_json(extract_file(file, url, rules))
    except ValueError as exc:
        err.print(f"[red]cannot extract {file}: {exc}")
        raise typer.Exit(2) from exc


@app.command()
def demo(
    until_indexed: Annotated[bool, typer.Option(help="Exit after indexing, printing one JSON line of figures")] = False,
    shop_port: Annotated[
        int, typer.Option(help="Port of the demo shop on 127.0.0.1 (keep it fixed: URLs are ids)")
    ] = 8001,
    port: Annotated[int | None, typer.Option(help="Port of the API and web page")] = None,
) -> None:
    """Start the demo shop, register it, crawl and index everything, then serve the API and web page."""
    from launch.cli.demo import run_demo

    run_demo(_settings_allowing(f"127.0.0.1:{shop_port}"), shop_port, port, until_indexed, err)
