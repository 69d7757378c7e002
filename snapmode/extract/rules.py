"""Per-site extraction rules: a YAML mapping of field -> selector, checked when the operator registers them.

A selector is parsel CSS (``h1.title::text``, ``img.main::attr(src)``) or ``xpath:`` followed by
an XPath expression. ``images`` and ``categories`` take every match, ``description`` joins its
matches, the other fields take the first match with a usable value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import yaml
from lxml import etree
from parsel import Selector, SelectorList
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from snapmode.domain import ExtractedProduct
from snapmode.extract.images import element_image
from snapmode.extract.normalize import (
    block_text,
    clean_text,
    image_url,
    inline_text,
    normalize_availability,
    normalize_currency,
    parse_price,
)
from snapmode.extract.page import Page

XPATH_PREFIX = "xpath:"
# Selectors are tried on this at load time, so syntax errors, unknown functions and unknown
# pseudo-elements surface when the operator registers the rules, not while crawling.
PROBE = Selector(text="<html><head></head><body><p>probe</p></body></html>")
# libxml2 reports unknown functions and variables only when it evaluates them, and a predicate on
# the empty probe page is never evaluated, so these are checked by name.
XPATH_FUNCTIONS = frozenset({
    "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat", "starts-with",
    "contains", "substring-before", "substring-after", "substring", "string-length", "normalize-space", "translate",
    "boolean", "not", "true", "false", "lang", "number", "sum", "floor", "ceiling", "round",
    "node", "text", "comment", "processing-instruction",  # node tests look like calls
    "has-class",  # registered by parsel
})
XPATH_EXTENSION_PREFIXES = ("re:", "set:")  # EXSLT namespaces parsel registers
XPATH_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
XPATH_CALL = re.compile(r"([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")


def check_xpath_names(expression: str) -> None:
    code = XPATH_LITERAL.sub("''", expression)
    if "$" in code:
        raise ValueError("XPath variables ($name) are not supported")
    for function in XPATH_CALL.findall(code):
        if function not in XPATH_FUNCTIONS and not function.startswith(XPATH_EXTENSION_PREFIXES):
            raise ValueError(f"unknown XPath function {function}()")


def compile_selector(rule: str) -> Callable[[Selector], SelectorList[Selector]]:
    if rule.startswith(XPATH_PREFIX):
        expression = rule.removeprefix(XPATH_PREFIX).strip()
        return lambda selector: selector.xpath(expression)
    return lambda selector: selector.css(rule)


class SiteRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = None
    price: str | None = None
    regular_price: str | None = None
    currency: str | None = None
    brand: str | None = None
    sku: str | None = None
    availability: str | None = None
    description: str | None = None
    images: str | None = None
    categories: str | None = None

    @field_validator("*")
    @classmethod
    def _valid_selector(cls, rule: str | None) -> str | None:
        if rule is None:
            return None
        rule = rule.strip()
        kind = "XPath" if rule.startswith(XPATH_PREFIX) else "CSS"
        if not rule.removeprefix(XPATH_PREFIX).strip():
            raise ValueError(f"empty {kind} selector")
        try:
            if kind == "XPath":
                check_xpath_names(rule.removeprefix(XPATH_PREFIX))
            compile_selector(rule)(PROBE)
        except Exception as error:  # noqa: BLE001 - parsel, cssselect and lxml each raise their own kinds
            raise ValueError(f"invalid {kind} selector {rule!r}: {error}") from None
        return rule

    @classmethod
    def from_yaml(cls, text: str) -> SiteRules:
        """Rules from YAML text; a ValueError names every mistake."""
        return _rules_from_yaml(text)

    @classmethod
    def from_file(cls, path: Path | str) -> SiteRules:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(f"cannot read site rules {path}: {error}") from None
        try:
            return cls.from_yaml(text)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None

    def apply(self, page: Page) -> ExtractedProduct:
        """What the rules find on a page, normalised like every other layer's output."""
        found = {field: self._values(page, field) for field, rule in self if rule is not None}
        price, price_currency = first_parsed_price(found.get("price", []))
        regular_price, _ = first_parsed_price(found.get("regular_price", []))
        currency = next(filter(None, map(normalize_currency, found.get("currency", []))), None)
        return ExtractedProduct(
            name=first_text(found.get("name", [])),
            price=price,
            regular_price=regular_price,
            currency=currency or price_currency,
            brand=first_text(found.get("brand", [])),
            sku=first_text(found.get("sku", [])),
            availability=next(filter(None, map(normalize_availability, found.get("availability", []))), None),
            description=clean_text(" ".join(found.get("description", []))),
            categories=list(dict.fromkeys(filter(None, map(clean_text, found.get("categories", []))))),
            images=list(dict.fromkeys(filter(None, (image_url(v, page.base_url) for v in found.get("images", []))))),
        )

    def _values(self, page: Page, field: str) -> list[str]:
        values = []
        for match in compile_selector(getattr(self, field))(page.selector):
            value = match_value(match, field, page)
            if value:
                values.append(value)
        return values


def match_value(match: Selector, field: str, page: Page) -> str | None:
    """A match as text: text and attribute nodes as they are, elements by their visible text
    (or, for ``images``, the photo URL an <img> or link points at)."""
    root = match.root
    if isinstance(root, etree._Element):
        if field == "images":
            return element_image(root, page)
        return block_text(root) if field == "description" else inline_text(root)
    if isinstance(root, bool) or root is None:
        return None
    return str(root).strip() or None


def first_text(values: list[str]) -> str | None:
    return next(filter(None, map(clean_text, values)), None)


def first_parsed_price(values: list[str]) -> tuple[str | None, str | None]:
    for value in values:
        amount, currency = parse_price(value)
        if amount is not None:
            return amount, currency
    return None, None


@lru_cache(maxsize=256)
def _rules_from_yaml(text: str) -> SiteRules:
    # The crawler re-reads a site's rules for every page; the model is frozen, so one copy is shared.
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValueError(f"site rules are not valid YAML: {error}") from None
    if not isinstance(data, dict) or not data:
        raise ValueError("site rules must be a YAML mapping of field: selector, e.g. 'name: h1::text'")
    data = {str(key): value for key, value in data.items()}
    try:
        return SiteRules.model_validate(data)
    except ValidationError as error:
        raise ValueError("invalid site rules: " + "; ".join(map(_describe, error.errors()))) from None


def _describe(error: dict) -> str:
    field = ".".join(map(str, error["loc"]))
    if error["type"] == "extra_forbidden":
        return f"unknown field {field!r} (fields: {', '.join(SiteRules.model_fields)})"
    if error["type"] == "string_type":
        return f"{field}: a selector must be a string, got {error['input']!r}"
    return f"{field}: {error['msg'].removeprefix('Value error, ')}"
