"""`snapmode train …` and `snapmode eval …`: the lab's commands on the product's command line.

The product never imports the lab: pyproject.toml declares ``register`` in the ``snapmode.commands`` entry-point
group, and ``launch.cli.main`` hands its app to every function of that group when it starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from snapmode.config import REPO_ROOT, Settings

train_app = typer.Typer(help="Train the models SnapMode ships.", no_args_is_help=True)
eval_app = typer.Typer(help="Measure the models on labelled photos.", no_args_is_help=True)

err = Console(stderr=True)


def register(app: typer.Typer) -> None:
    """Add the ``train`` and ``eval`` command groups to the ``snapmode`` command line."""
    app.add_typer(train_app, name="train")
    app.add_typer(eval_app, name="eval")


def _print_json(value) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


@train_app.command("dcgan")
def train_dcgan_command(
    images: Annotated[list[Path], typer.Option(exists=True, file_okay=False, help="Folders of product photos")],
    out: Annotated[Path, typer.Option(help="Checkpoints, plots and weights go here")] = Path("var/train/dcgan"),
    epochs: Annotated[int, typer.Option(min=1)] = 20,
    batch_size: Annotated[int, typer.Option(min=2)] = 128,
    exclude: Annotated[Path | None, typer.Option(help="heldout.json whose photos must not be trained on")] = None,
) -> None:
    """Train the DCGAN (Radford et al.) whose discriminator embeds photos; shows progress, writes PNGs."""
    from lab.vision.dcgan_training import train_dcgan

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
    from lab.datasets import MYNTRA_EVALUATION_SEED, list_training_images, luma_heldout_names
    from lab.vision.dcgan_finetuning import DEFAULT_HEADS, ItemViews, finetune_dcgan

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
    from lab.vision.detector_training import build_detector_dataset, train_detector

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
    from lab.vision.classifier_training import train_classifier

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
    from lab.vision.article_types_training import train_article_types

    try:
        log = train_article_types(dcgan, out, console=err)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot train the article-type head: {exc}")
        raise typer.Exit(2) from exc
    _print_json({key: value for key, value in log.items() if key != "loss"})


@train_app.command("projection")
def train_projection_command(
    photos: Annotated[int, typer.Option(min=100, help="Myntra training photos (each also seen through 7 details)")] = 2000,
    dims: Annotated[int, typer.Option(min=1, max=8192, help="Rows kept: at least compact_vectors.rerank_dims")] = 1024,
    out: Annotated[Path, typer.Option(file_okay=False, help="vector_projection.npz goes here")] = Path(
        "var/train/projection"
    ),
) -> None:
    """Learn the compact vector store's projection from the DCGAN vectors of Myntra photos no evaluation uses; the
    defaults reproduce the shipped one (copy it to models/, then `snapmode reembed` or `snapmode vectors migrate`)."""
    from lab.evaluation.features import DcganSearchFeatures
    from lab.vision.projection_training import train

    settings = Settings()
    models = DcganSearchFeatures(settings.models_dir / "dcgan_discriminator.weights.h5",
                                 settings.models_dir / "article_types.npz")  # fmt: skip
    _print_json(train(models, out, photos, dims))


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
                                 "classifier, dcgan_gan_only, dcgan, dcgan_search, dcgan_compact (default: all)")
    ] = None,
    out: Annotated[Path, typer.Option(help="table.md and examples.png go here")] = Path("var/eval/retrieval"),
    models_dir: Annotated[Path | None, typer.Option(help="Folder of the weights (default: the shipped models)")] = None,
) -> None:
    """Leave-one-out retrieval with every model side by side; prints JSON keyed by model."""
    from lab.evaluation.features import EXTRACTORS
    from lab.evaluation.run import run_retrieval

    names = [name.strip() for name in models.split(",") if name.strip()] if models else list(EXTRACTORS)
    weights = models_dir or Settings().models_dir
    try:
        run = run_retrieval(labels, images, id_column, label_column, names, weights, out, k, path_column, err)
    except (OSError, ValueError) as exc:
        err.print(f"[red]cannot evaluate retrieval: {exc}")
        raise typer.Exit(2) from exc
    _print_json(run.as_json())
