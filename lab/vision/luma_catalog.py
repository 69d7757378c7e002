"""Which class each Luma product belongs to, read from the sample catalogue's CSVs (torch-free)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

Classify = Callable[[list[str], str], str | None]  # (category paths, product name) -> class or None


def luma_product_classes(root: Path, classify: Classify) -> tuple[dict[str, str], dict[str, str]]:
    """(clothing, gear): SKU -> class for the Luma products that have one, SKUs lower case without "24-".

    The two catalogues reuse SKUs: "wb01" is a bra top among clothes and a bag among gear.
    """
    clothing, gear = {}, {}
    with (root / "ConfigurableSampleData_products.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = classify(row["categories"].split(","), row["name"])
            if row["product_type"] == "configurable" and label:
                clothing[row["sku"].lower()] = label
    for path in sorted(root.glob("CatalogSampleData_SimpleProduct_products_gear_*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                # Gear categories are newline-separated "Section\nName" pairs.
                lines = row["category"].split("\n")
                label = classify(["/".join(lines[i : i + 2]) for i in range(0, len(lines) - 1, 2)], row["name"])
                if label:
                    gear[row["sku"].lower().removeprefix("24-")] = label
    return clothing, gear
