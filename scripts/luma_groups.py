"""Write the same-item labels of the Luma photos: ``id,group,style`` (group = style and colour).

``mh01-gray_main.jpg`` and ``mh01-gray_back.jpg`` show one item (style MH01 in gray): group
``mh01-gray``, style ``mh01``; gear photos are ``<style>-<colour>-0[_altN].jpg``. Photos outside
these patterns (gift cards, fitness gear) are groups of their own. Use with
``snapmode eval retrieval --images LUMA/images --labels luma_groups.csv --id-column id --label-column group``.

``--split-other-colours`` gives a group of its own to each photo listed in ``luma_other_colours.csv``
beside this script: an audit by eye of all 153 multi-photo items found 29 whose photos do not all show the
garment in one colour (mostly the ``_main`` photo shows another colour variant) or show another product.

``--train-half ITEMS_CSV`` splits the styles that have a multi-view item in two (seeded): ITEMS_CSV gets
``id,group`` of one half's photos (minus the held-out demo views), for ``snapmode train dcgan-finetune --items``,
and OUT_CSV gives each of that half's photos a group of its own, so that they only act as distractors and the
recall is measured on the other half's items alone.

    .venv/bin/python scripts/luma_groups.py [IMAGES_DIR] [OUT_CSV] [--train-half ITEMS_CSV]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
from collections import Counter
from pathlib import Path

from lab.datasets import luma_heldout_names

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_IMAGES = REPO_ROOT.parent / "shared" / "datasets" / "luma" / "images"
DEFAULT_OUT = REPO_ROOT / "var" / "eval" / "luma_groups.csv"
SPLIT_SEED = 7
OTHER_COLOURS = Path(__file__).resolve().parent / "luma_other_colours.csv"
ITEM = re.compile(r"^(?P<style>[a-z]+\d+)-(?P<colour>[a-z]+)(?:-0)?(?:_[a-z0-9_]+)?$")


def group_of(stem: str) -> tuple[str, str]:
    """(group, style) of a photo's file stem."""
    if match := ITEM.match(stem):
        return f"{match['style']}-{match['colour']}", match["style"]
    return stem, stem


def training_styles(groups: list[tuple[str, str]]) -> set[str]:
    """Half of the styles with an item of two or more photos, drawn with SPLIT_SEED; ``groups``: (group, style)
    per photo."""
    sizes = Counter(group for group, _ in groups)
    styles = sorted({style for group, style in groups if sizes[group] > 1})
    return set(random.Random(SPLIT_SEED).sample(styles, len(styles) // 2))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def other_colours() -> set[str]:
    """Stems of the photos that show another colour or product than the rest of their item."""
    with OTHER_COLOURS.open(newline="", encoding="utf-8") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


def write_groups(
    images_dir: Path,
    out: Path,
    train_items: Path | None = None,
    held_out: set[str] = frozenset(),
    own_groups: set[str] = frozenset(),
) -> int:
    """``own_groups``: stems that get a group of their own whatever their file name says."""
    photos = sorted(p for p in images_dir.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    named = [[photo.stem, *group_of(photo.stem)] for photo in photos]
    # the split is drawn from the file names alone, so that it is the same with and without own_groups
    training = training_styles([(group, style) for _, group, style in named]) if train_items else set()
    rows = [[stem, stem if stem in own_groups else group, style] for stem, group, style in named]
    if train_items:
        _write(train_items, ["id", "group"], [
            [stem, group] for (stem, group, style), photo in zip(rows, photos, strict=True)
            if style in training and photo.name not in held_out
        ])
        rows = [[stem, stem if style in training else group, style] for stem, group, style in rows]
    _write(out, ["id", "group", "style"], rows)
    return len(photos)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("images_dir", nargs="?", type=Path, default=DEFAULT_IMAGES)
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--train-half", type=Path, metavar="ITEMS_CSV", help="split the styles; see the docstring")
    parser.add_argument(
        "--split-other-colours", action="store_true", help="photos of another colour get groups of their own"
    )
    args = parser.parse_args(argv)
    if not args.images_dir.is_dir():
        print(f"no image folder at {args.images_dir}", file=sys.stderr)
        return 2
    held_out = luma_heldout_names() if args.train_half else set()
    own_groups = other_colours() if args.split_other_colours else set()
    print(f"{write_groups(args.images_dir, args.out, args.train_half, held_out, own_groups)} photos -> {args.out}")
    if args.train_half:
        print(f"training half's items -> {args.train_half}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
