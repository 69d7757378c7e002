"""Write the same-item labels of the Luma photos: ``id,group,style`` (group = style and colour).

``mh01-gray_main.jpg`` and ``mh01-gray_back.jpg`` show one item (style MH01 in gray): group
``mh01-gray``, style ``mh01``; gear photos are ``<style>-<colour>-0[_altN].jpg``. Photos outside
these patterns (gift cards, fitness gear) are groups of their own. Use with
``snapmode eval retrieval --images LUMA/images --labels luma_groups.csv --id-column id --label-column group``.

    .venv/bin/python scripts/luma_groups.py [IMAGES_DIR] [OUT_CSV]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_IMAGES = REPO_ROOT.parent / "shared" / "datasets" / "luma" / "images"
DEFAULT_OUT = REPO_ROOT / "var" / "eval" / "luma_groups.csv"
ITEM = re.compile(r"^(?P<style>[a-z]+\d+)-(?P<colour>[a-z]+)(?:-0)?(?:_[a-z0-9_]+)?$")


def group_of(stem: str) -> tuple[str, str]:
    """(group, style) of a photo's file stem."""
    if match := ITEM.match(stem):
        return f"{match['style']}-{match['colour']}", match["style"]
    return stem, stem


def write_groups(images_dir: Path, out: Path) -> int:
    photos = sorted(p for p in images_dir.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "group", "style"])
        for photo in photos:
            writer.writerow([photo.stem, *group_of(photo.stem)])
    return len(photos)


def main(argv: list[str]) -> int:
    images_dir = Path(argv[0]) if argv else DEFAULT_IMAGES
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    if not images_dir.is_dir():
        print(f"no image folder at {images_dir}", file=sys.stderr)
        return 2
    print(f"{write_groups(images_dir, out)} photos -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
