"""Write ``models/article_type_families.json``: the family of each article type the shipped head knows.

A family is Myntra's own ``subCategory`` of the type (Topwear, Bottomwear, Shoes, Bags, Watches, Eyewear...),
taken from ``styles.csv``: the subCategory most of the type's rows carry (a few types, e.g. Messenger Bag, appear
under two). The photo search judges "same kind" by family (snapmode.vision.article_types): the head often swaps
types of one family (Casual against Sports Shoes, Tshirts against Tops) and seldom types of two.

    .venv/bin/python scripts/build_article_type_families.py [STYLES_CSV]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

from snapmode.vision.article_types import FAMILIES_NAME, WEIGHTS_NAME, ArticleTypeHead

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STYLES = REPO_ROOT.parent / "shared" / "datasets" / "myntra-small" / "styles.csv"
MODELS = REPO_ROOT / "models"


def families(styles: Path, classes: tuple[str, ...]) -> dict[str, str]:
    """Each class's most frequent subCategory in ``styles`` (ties: the first by name)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    with styles.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            counts[row["articleType"]][row["subCategory"]] += 1
    missing = [name for name in classes if not counts[name]]
    if missing:
        raise SystemExit(f"{styles} has no rows of the head's classes {missing}")
    return {name: min(counts[name].items(), key=lambda item: (-item[1], item[0]))[0] for name in classes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("styles", type=Path, nargs="?", default=DEFAULT_STYLES)
    args = parser.parse_args()
    head = ArticleTypeHead(MODELS / WEIGHTS_NAME)
    out = MODELS / FAMILIES_NAME
    mapping = families(args.styles, head.classes)
    document = {
        "source": "Myntra styles.csv: the subCategory most rows of each articleType carry "
        "(scripts/build_article_type_families.py)",
        "families": mapping,
    }
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(mapping)} article types in {len(set(mapping.values()))} families -> {out}")


if __name__ == "__main__":
    main()
