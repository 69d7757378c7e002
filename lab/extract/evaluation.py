"""Scoring extracted products against pages with known answers: per-field precision, recall and F1.

Counting follows the product-extraction benchmark that published the reference figures: on each
page and field, a prediction that matches one of the accepted answers is a true positive; a
prediction that matches none is a false positive (and, where the page has an answer, also a
false negative); a missing prediction where the page has an answer is a false negative. A page
without an answer for a field and without a prediction does not count.

Matching rules, per field:

- price: equal as decimal numbers ("119.0" matches "119.00");
- currency: ISO 4217 codes, equal ignoring case;
- availability: equal after normalising ("https://schema.org/InStock", "in stock" → InStock);
- name, brand: equal after collapsing whitespace and ignoring case;
- sku: equal after ignoring case and every character but letters and digits ("466/7999" matches "4667999");
- images: a hit when the page's main photo (the first accepted URL) is among the extracted URLs,
  compared without scheme, fragment and trailing slash, and with percent-escapes decoded ("set=source[/62/…]"
  and "set=source%5B/62/…%5D" name one file).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, Field, field_validator

from snapmode.extract.normalize import normalize_availability

FIELDS = ("price", "currency", "brand", "sku", "availability", "name", "images")
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


class PageTruth(BaseModel):
    """The known answers for one saved page; an empty list means the page has no such value."""

    id: str
    url: str
    site: str  # the shop, e.g. "gibertjeune.fr": splits and per-site counts go by it
    source: str  # where the saved page comes from (repository, path, commit)
    split: str = "dev"  # "dev": looked at while improving the extractor; "test": only scored
    name: list[str] = Field(default_factory=list)
    price: list[str] = Field(default_factory=list)
    currency: list[str] = Field(default_factory=list)
    brand: list[str] = Field(default_factory=list)
    sku: list[str] = Field(default_factory=list)
    availability: list[str] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)  # the main photo first

    @field_validator(*FIELDS, mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> list[Any]:
        # truth.jsonl writes one answer as a plain value and "no answer" as null.
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


class FieldScore(BaseModel):
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def support(self) -> int:
        """Pages with an answer for this field."""
        return self.true_positives + self.false_negatives

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_truths(path: Path) -> list[PageTruth]:
    """One PageTruth per line of a JSON Lines file; ValueError names the first bad line."""
    truths = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            truths.append(PageTruth.model_validate(json.loads(line)))
        except ValueError as error:
            raise ValueError(f"{path}:{number}: {error}") from None
    return truths


def text_key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def sku_key(value: object) -> str:
    return NOT_ALPHANUMERIC.sub("", str(value)).casefold()


def url_key(value: object) -> str:
    url = unquote(str(value).strip().split("#", 1)[0]).rstrip("/")
    return re.sub(r"^https?:", "", url, flags=re.IGNORECASE)


def price_key(value: object) -> Decimal | None:
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def field_matches(field: str, predicted: Any, accepted: list[str]) -> bool:
    """Whether one predicted value is right for a field (see the module docstring for the rules)."""
    if field == "images":
        return bool(accepted) and url_key(accepted[0]) in {url_key(url) for url in predicted or []}
    if field == "price":
        amount = price_key(predicted)
        return amount is not None and amount in {price_key(value) for value in accepted}
    if field == "availability":
        state = normalize_availability(predicted)
        return state is not None and state in {normalize_availability(value) for value in accepted}
    key = sku_key if field == "sku" else text_key
    return bool(key(predicted)) and key(predicted) in {key(value) for value in accepted}


def has_value(value: Any) -> bool:
    return bool(value) if isinstance(value, list) else value is not None and str(value).strip() != ""


def score_pages(
    predictions: Mapping[str, Mapping[str, Any]], truths: Iterable[PageTruth], fields: Iterable[str] = FIELDS
) -> dict[str, FieldScore]:
    """Per-field counts over every page; ``predictions`` maps a page id to its extracted fields."""
    scores = {field: FieldScore() for field in fields}
    for truth in truths:
        predicted = predictions.get(truth.id, {})
        for field, score in scores.items():
            accepted: list[str] = getattr(truth, field)
            value = predicted.get(field)
            if not has_value(value):
                score.false_negatives += bool(accepted)
            elif field_matches(field, value, accepted):
                score.true_positives += 1
            else:
                score.false_positives += 1
                score.false_negatives += bool(accepted)
    return scores


def extract_pages(pages: Path) -> tuple[list[PageTruth], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Truths of ``pages/truth.jsonl`` and what SnapMode and extruct alone extract from ``pages/pages/ID.html.gz``."""
    from lab.extract.extruct_baseline import extruct_alone
    from snapmode.extract.layered import extract_product

    truths = load_truths(pages / "truth.jsonl")
    ours, baseline = {}, {}
    for truth in truths:
        html = gzip.decompress((pages / "pages" / f"{truth.id}.html.gz").read_bytes())
        ours[truth.id] = extract_product(html, truth.url).model_dump()
        baseline[truth.id] = extruct_alone(html, truth.url)
    return truths, ours, baseline
