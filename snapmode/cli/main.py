"""`snapmode` command line: a thin adapter over the core use cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from snapmode.cli.keys import keys_app
from snapmode.config import REPO_ROOT, Settings

app = typer.Typer(
    help="SnapMode: crawl shops, understand their photos, search products by photo.", no_args_is_help=True
)
sites_app = typer.Typer(help="Register and list shop sites.", no_args_is_help=True)
shop_app = typer.Typer(help="The demo shop shipped with SnapMode.", no_args_is_help=True)
train_app = typer.Typer(help="Train the models SnapMode ships.", no_args_is_help=True)
app.add_typer(sites_app, name="sites")
app.add_typer(shop_app, name="shop")
app.add_typer(train_app, name="train")
eval_app = typer.Typer(help="Measure the models on labelled photos.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(keys_app, name="keys")

err = Console(stderr=True)


def _print_json(value) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


def _settings_allowing(*hosts: str) -> Settings:
    settings = Settings()
    settings.crawl.allow_hosts = sorted({*settings.crawl.allow_hosts, *hosts})
    return settings


RulesOption = Annotated[Path | None, typer.Option(help="YAML extraction rules for pages without structured data")]
IncludeOption = Annotated[list[str] | None, typer.Option(help="Regex; when given, only matching pages are crawled")]
ExcludeOption = Annotated[list[str] | None, typer.Option(help="Regex; matching pages are never crawled")]


def _register(settings: Settings, url: str, rules: Path | None, include: list[str] | None, exclude: list[str] | None):
    from snapmode.pipeline.crawling import register_site
    from snapmode.services import Services

    try:
        rules_yaml = rules.read_text() if rules else None
        return register_site(Services.shared(settings), url, rules_yaml, include=include, exclude=exclude)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot register {url}: {exc}")
        raise typer.Exit(2) from exc


def _site_json(site) -> dict:
    return site.model_dump(mode="json", exclude={"rules_yaml"}) | {"rules": bool(site.rules_yaml)}


@sites_app.command("add")
def sites_add(
    url: str, rules: RulesOption = None, include: IncludeOption = None, exclude: ExcludeOption = None
) -> None:
    """Register a site to crawl (its root page and sitemaps are queued)."""
    _print_json(_site_json(_register(Settings(), url, rules, include, exclude)))


@sites_app.command("list")
def sites_list() -> None:
    """List registered sites."""
    from snapmode.services import Services

    for site in Services.shared(Settings()).sites.all():
        _print_json(_site_json(site))


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
    from snapmode import metrics
    from snapmode.cli.progress import live_crawl_stats
    from snapmode.crawl.politeness import host_key
    from snapmode.runner.local import run_crawl
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
    """Crawl every registered site and embed every image found, showing progress; exits when done."""
    from snapmode.cli.progress import live_stats
    from snapmode.runner.local import run_until_indexed

    with live_stats(err) as show:
        stats = run_until_indexed(Settings(), on_progress=show)
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
    from snapmode.cli.progress import live_stats
    from snapmode.pipeline.operators import republish_images
    from snapmode.runner.local import run_until_indexed
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
    k: Annotated[int, typer.Option(min=1, max=100)] = 10,
    region: Annotated[int | None, typer.Option(help="Detected region to search with (default: the best)")] = None,
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

    settings = Settings()
    app = create_app(settings, worker=settings.crawl_worker)
    app.state.services.load_models()
    uvicorn.run(app, host=host or settings.api_host, port=port or settings.api_port, log_level="warning")


@shop_app.command("serve")
def shop_serve(
    port: Annotated[int, typer.Option()] = 8001,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    crawl_delay: Annotated[float, typer.Option(help="Crawl-delay announced in robots.txt")] = 0.1,
) -> None:
    """Serve the demo shop (Luma sample catalogue)."""
    from snapmode.shop.server import serve as serve_shop

    err.print(f"demo shop on http://{host}:{port}/")
    serve_shop(host=host, port=port, crawl_delay=crawl_delay)


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
    from snapmode.cli.demo import run_demo

    run_demo(_settings_allowing(f"127.0.0.1:{shop_port}"), shop_port, port, until_indexed, err)


@train_app.command("dcgan")
def train_dcgan_command(
    images: Annotated[list[Path], typer.Option(exists=True, file_okay=False, help="Folders of product photos")],
    out: Annotated[Path, typer.Option(help="Checkpoints, plots and weights go here")] = Path("var/train/dcgan"),
    epochs: Annotated[int, typer.Option(min=1)] = 20,
    batch_size: Annotated[int, typer.Option(min=2)] = 128,
    exclude: Annotated[Path | None, typer.Option(help="heldout.json whose photos must not be trained on")] = None,
) -> None:
    """Train the DCGAN (Radford et al.) whose discriminator embeds photos; shows progress, writes PNGs."""
    import snapmode.vision.torch_first  # noqa: F401

    from snapmode.vision.dcgan_training import train_dcgan

    excluded = {entry["image"] for entry in json.loads(exclude.read_text())} if exclude else frozenset()
    report = train_dcgan(images, out, epochs=epochs, batch_size=batch_size, exclude=excluded)
    _print_json(report.model_dump(mode="json"))


MYNTRA = REPO_ROOT.parent / "shared" / "datasets" / "myntra-small"
LUMA_IMAGES = REPO_ROOT.parent / "shared" / "datasets" / "luma" / "images"


@train_app.command("dcgan-finetune")
def finetune_dcgan_command(
    weights: Annotated[
        Path, typer.Option(dir_okay=False, help="The GAN-trained discriminator to start from")
    ] = REPO_ROOT / "models" / "dcgan" / "gan_discriminator.weights.h5",
    images: Annotated[Path, typer.Option(help="Folder of <id>.jpg photos")] = MYNTRA / "images",
    styles: Annotated[Path, typer.Option(help="CSV with an id column and the label columns")] = MYNTRA / "styles.csv",
    out: Annotated[Path, typer.Option(help="Checkpoints, plots and weights go here")] = Path(
        "var/train/dcgan-finetune"
    ),
    epochs: Annotated[int, typer.Option(min=1)] = 96,
    head: Annotated[
        list[str] | None,
        typer.Option(help="COLUMN=WEIGHT, once per label head (default articleType=1, baseColour=0.5)"),
    ] = None,
    instance_weight: Annotated[
        float, typer.Option(min=0.0, help="Weight of the twin-view instance term; 0 trains with label heads only")
    ] = 0.0,
    items: Annotated[
        Path | None,
        typer.Option(dir_okay=False, help="CSV of id,group: photos of one item share a group (adds the item term)"),
    ] = None,
    item_images: Annotated[Path, typer.Option(help="Folder of the --items photos")] = LUMA_IMAGES,
    item_weight: Annotated[float, typer.Option(min=0.0, help="Weight of the item term")] = 1.0,
    learning_rate: Annotated[float, typer.Option(min=0.0)] = 5e-4,
    holdout: Annotated[
        int, typer.Option(min=0, help="Photos kept out for evaluation, drawn as the Myntra evaluation set is")
    ] = 1000,
) -> None:
    """Fine-tune the DCGAN discriminator with label heads (the shipped embedder's second stage), leaving out the
    evaluation photos; the defaults reproduce the shipped run. Shows progress, writes a loss curve."""
    import snapmode.vision.torch_first  # noqa: F401

    from snapmode.evaluation.datasets import MYNTRA_EVALUATION_SEED, luma_heldout_names
    from snapmode.vision.dcgan_finetuning import DEFAULT_HEADS, ItemViews, finetune_dcgan
    from snapmode.vision.dcgan_training import list_training_images

    try:
        heads = dict(_column_weight(text) for text in head) if head else DEFAULT_HEADS
        photos = list_training_images([images])
        if holdout >= len(photos):
            raise ValueError(f"--holdout {holdout} would keep all {len(photos)} photos in {images} out of training")
        kept_out = list_training_images([images], limit=holdout, seed=MYNTRA_EVALUATION_SEED) if holdout else []
        report = finetune_dcgan(
            weights, images, styles, out, epochs=epochs, heads=heads, instance_weight=instance_weight,
            items=ItemViews(images=item_images, labels=items, weight=item_weight) if items else None,
            learning_rate=learning_rate, exclude={path.name for path in kept_out} | luma_heldout_names(), console=err,
        )
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot fine-tune the discriminator: {exc}")
        raise typer.Exit(2) from exc
    _print_json(report.model_dump(mode="json"))


def _column_weight(text: str) -> tuple[str, float]:
    column, _, weight = text.partition("=")
    try:
        return column.strip(), float(weight)
    except ValueError as exc:
        raise ValueError(f"--head takes COLUMN=WEIGHT, got {text!r}") from exc


@train_app.command("detector")
def train_detector_command(
    data: Annotated[
        Path | None, typer.Option(help="A YOLO data.yaml (e.g. DeepFashion2 converted); default: build composites")
    ] = None,
    out: Annotated[Path, typer.Option()] = Path("var/train/detector"),
    epochs: Annotated[int, typer.Option(min=1)] = 10,
    imgsz: Annotated[int, typer.Option(min=32)] = 256,
    hours: Annotated[float | None, typer.Option(help="Fit the epochs into this much wall time")] = None,
    train_images: Annotated[int, typer.Option(help="Composites to generate when --data is not given")] = 1600,
) -> None:
    """Train the YOLO garment detector from scratch (ultralytics); the defaults reproduce the shipped run."""
    from snapmode.vision.detector_training import build_detector_dataset, train_detector

    if data is None:
        data = build_detector_dataset(
            out / "dataset", n_train=train_images, n_val=max(50, train_images // 5), imgsz=imgsz
        )
    weights = train_detector(data, out, epochs=epochs, imgsz=imgsz, hours=hours)
    _print_json({"weights": str(weights)})


@train_app.command("classifier")
def train_classifier_command(
    out: Annotated[Path, typer.Option(help="Checkpoints, plots, metrics and the model go here")] = Path(
        "var/train/classifier"
    ),
    epochs: Annotated[int, typer.Option(min=1)] = 15,
    image_size: Annotated[int, typer.Option(min=32, help="Input side in pixels, a multiple of 32")] = 96,
    batch_size: Annotated[int, typer.Option(min=2)] = 64,
    dcgan: Annotated[
        Path | None, typer.Option(dir_okay=False, help="DCGAN weights: also measure a linear head on its features")
    ] = None,
) -> None:
    """Train the product-category classifier (with a not_product class) from scratch on the Myntra and Luma
    photos; the defaults reproduce the shipped run. Shows progress, writes plots and metrics.json."""
    import snapmode.vision.torch_first  # noqa: F401

    from snapmode.vision.classifier_training import train_classifier

    try:
        report = train_classifier(out, epochs=epochs, image_size=image_size, batch_size=batch_size,
                                  dcgan_weights=dcgan, console=err)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot train the classifier: {exc}")
        raise typer.Exit(2) from exc
    _print_json(report.model_dump(mode="json"))


@train_app.command("article-types")
def train_article_types_command(
    dcgan: Annotated[
        Path, typer.Option(dir_okay=False, help="The embedder's weights, whose vectors the head reads")
    ] = Path("models/dcgan_discriminator.weights.h5"),
    out: Annotated[Path, typer.Option(dir_okay=False, help="The head (.npz); its log goes beside it (.json)")] = Path(
        "var/train/article_types.npz"
    ),
) -> None:
    """Train the article-type head the search ranks by (a softmax on the DCGAN vector) on the Myntra photos, the
    evaluation photos left out; the defaults reproduce the shipped head (copy it to models/)."""
    import snapmode.vision.torch_first  # noqa: F401

    from snapmode.vision.article_types_training import train_article_types

    try:
        log = train_article_types(dcgan, out, console=err)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot train the article-type head: {exc}")
        raise typer.Exit(2) from exc
    _print_json({key: value for key, value in log.items() if key != "loss"})


@eval_app.command("retrieval")
def eval_retrieval_command(
    images: Annotated[Path, typer.Option(help="Folder of the photos the CSV names")],
    labels: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="CSV with an id and a label per photo")],
    id_column: Annotated[str, typer.Option(help="Column naming each photo: <images>/<id>.jpg or .png")] = "id",
    label_column: Annotated[str, typer.Option(help="Relevant = same value in this column")] = "articleType",
    path_column: Annotated[str | None, typer.Option(help="Column with each photo's path under --images")] = None,
    k: Annotated[int, typer.Option(min=1)] = 10,
    models: Annotated[
        str | None, typer.Option(help="Comma-separated subset of colour_histogram, raw_pixels, autoencoder, "
                                 "classifier, dcgan_gan_only, dcgan, dcgan_search (default: all)")
    ] = None,
    out: Annotated[Path, typer.Option(help="table.md and examples.png go here")] = Path("var/eval/retrieval"),
    models_dir: Annotated[Path | None, typer.Option(help="Folder of the weights (default: the shipped models)")] = None,
) -> None:
    """Leave-one-out retrieval with every model side by side; prints JSON keyed by model."""
    import snapmode.vision.torch_first  # noqa: F401

    from snapmode.evaluation.run import run_retrieval
    from snapmode.vision.features import EXTRACTORS

    names = [name.strip() for name in models.split(",") if name.strip()] if models else list(EXTRACTORS)
    weights = models_dir or Settings().models_dir
    try:
        run = run_retrieval(labels, images, id_column, label_column, names, weights, out, k, path_column, err)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot evaluate retrieval: {exc}")
        raise typer.Exit(2) from exc
    _print_json(run.as_json())
