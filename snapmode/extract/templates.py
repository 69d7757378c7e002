"""Learned templates: a shop's product pages share one DOM layout, so where its values sit is learned from the
pages the page-level layers can read, and read back on the pages they cannot.

Each product page the page-level layers (structured data, rules, heuristics) read is evidence: for each field
found, the structural path of the smallest element whose text carries the value. A path that carried a field on
enough pages (``MIN_SUPPORT``), on most of them (``MIN_AGREEMENT``), and whose text varies from page to page (a
constant text is boilerplate, not a product's value) becomes a learned slot. Slots fill the fields the layers
miss, each value validated; a slot that keeps failing (missing, invalid, or disagreeing with the layers where
both have a value) is dropped and that field is learned again, so a shop that changes its layout is re-learned
rather than mis-read.

Everything here is bounded: elements visited per page, paths kept per field, texts kept per path, the outcomes
each slot remembers, and hence the template's JSON.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from lxml import etree
from pydantic import BaseModel, Field

from snapmode.domain import ExtractedProduct
from snapmode.extract.layered import consistent
from snapmode.extract.normalize import normalize_availability, normalize_brand, parse_price
from snapmode.extract.page import Page

# Fields a template learns; the currency comes with the price slot's text ("£48.48").
TEMPLATE_FIELDS = ("name", "price", "regular_price", "sku", "brand", "availability")
# Fields whose value identifies one product: a slot showing the same text on most pages is boilerplate for these.
# Brand (a one-brand shop) and availability ("In stock" nearly everywhere) are legitimately constant.
VARYING_FIELDS = frozenset({"name", "price", "regular_price", "sku"})

MAX_ELEMENTS = 4000  # elements of one page looked at, learning and reading alike
MAX_PATH_DEPTH = 5  # steps from the element up: enough to tell the buy box from a product card
MAX_TOKENS_PER_STEP = 4
MAX_TOKEN_CHARS = 32
MAX_LABEL_CHARS = 30
MAX_VALUE_TEXT = 200  # longer texts are blocks of prose, not one field's value
MAX_VALUE_ELEMENTS = 64  # elements in one value's element, itself included: more is a block of the page
MAX_CLIMB = 2  # ancestors of a text-holding element tried as "the element carrying the value"
MAX_PATHS_PER_PAGE = 4  # candidate paths one page adds per field
MAX_PATHS_PER_FIELD = 8
MAX_MATCHES_PER_FIELD = 16  # elements showing one field's value on one page that are looked at
MAX_TEXTS_PER_PATH = 8
MAX_PATH_CHARS = 300

MIN_SUPPORT = 5  # pages on which a path carried the field before it is trusted
MIN_AGREEMENT = 0.8  # share of the field's evidence pages on which the path carried it
BOILERPLATE_SHARE = 0.5  # a varying field's path whose most common text is on more than this share is boilerplate
RECENT_USES = 20  # outcomes a slot remembers
MIN_USES_TO_DROP = 10
MIN_VALIDATION_RATE = 0.7

SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "select", "option"})
CELL_TAGS = frozenset({"td", "dd"})
LABEL_TAGS = frozenset({"th", "dt", "td", "label", "strong", "b"})
DIGITS = re.compile(r"\d+")
# Class words that say the state of this product (in stock, on sale, selected), not where the element sits.
STATE_TOKEN = re.compile(r"stock|avail|sold|sale|active|selected|current|hidden|show|open|is-|has-")
OWN_LABEL = re.compile(r"^\s*([^\d:|]{1,30}?)\s*:")
LEAF_TAG = re.compile(r"[^.#\[{]*")
PATH_SYNTAX = re.compile(r"[>{}\[\]]")  # kept out of labels, so that a path's steps can be told apart
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{2,40}")


class PathEvidence(BaseModel):
    """How often one path carried a field's value, and a digest of the texts it showed."""

    pages: int = 0
    texts: dict[str, int] = Field(default_factory=dict)  # text digest -> pages (at most MAX_TEXTS_PER_PATH)

    def most_common_share(self) -> float:
        return max(self.texts.values(), default=0) / self.pages if self.pages else 0.0


class FieldEvidence(BaseModel):
    """A field's evidence since it was last (re)learned: pages where the page-level layers found it, and paths."""

    generation: int = 0  # bumped when the field's slot is dropped: older evidence no longer counts
    pages: int = 0
    paths: dict[str, PathEvidence] = Field(default_factory=dict)


class Slot(BaseModel):
    """A learned place of one field, with its recent validation outcomes (1 valid, 0 missing/invalid/disagreeing)."""

    path: str
    agreement: float  # share of evidence pages on which the path carried the field when it was learned
    recent: str = ""  # the last RECENT_USES outcomes, oldest first

    @property
    def validation_rate(self) -> float:
        return self.recent.count("1") / len(self.recent) if self.recent else 1.0

    @property
    def confidence(self) -> float:
        return round(self.agreement * self.validation_rate, 3)

    def worn_out(self) -> bool:
        return len(self.recent) >= MIN_USES_TO_DROP and self.validation_rate < MIN_VALIDATION_RATE


class SiteTemplate(BaseModel):
    """One site's learned template: evidence per field and the slots learned from it (JSON in the sites backend)."""

    pages: int = 0  # product pages learned from
    fields: dict[str, FieldEvidence] = Field(default_factory=dict)
    slots: dict[str, Slot] = Field(default_factory=dict)

    def learn(self, evidence: dict[str, dict[str, str]]) -> None:
        """Count one product page's evidence: per field found, {path: text carried there} (possibly empty)."""
        self.pages += 1
        for name, paths in evidence.items():
            found = self.fields.setdefault(name, FieldEvidence())
            found.pages += 1
            for path, text in paths.items():
                _count(found.paths.setdefault(path, PathEvidence()), _digest(text), 1)
            _keep_top_paths(found)

    def observe(self, structure: PageStructure, found: ExtractedProduct, site_name: str | None) -> TemplateResult:
        """Apply the template to a page and learn from it: the one call per page."""
        result = apply_template(self, structure, found, site_name)
        self.take(result)
        result.changed = self.refresh()
        return result

    def take(self, result: TemplateResult) -> None:
        """Count what one page taught: its slots' outcomes and its evidence."""
        for name, valid in result.outcomes.items():
            self.record(name, valid)
        if result.evidence:
            self.learn(result.evidence)

    def record(self, name: str, valid: bool) -> None:
        """One use of a field's slot: whether it gave a valid value that agreed with the page-level layers."""
        slot = self.slots.get(name)
        if slot is not None:
            slot.recent = (slot.recent + ("1" if valid else "0"))[-RECENT_USES:]

    def refresh(self) -> list[str]:
        """Drop the slots that stopped validating and learn the fields that have none; returns the fields changed."""
        changed = []
        for name in TEMPLATE_FIELDS:
            slot = self.slots.get(name)
            if slot is not None and slot.worn_out():
                del self.slots[name]
                generation = self.fields[name].generation + 1 if name in self.fields else 1
                self.fields[name] = FieldEvidence(generation=generation)
                changed.append(name)
            elif slot is None and (learned := self._best_slot(name)) is not None:
                self.slots[name] = learned
                changed.append(name)
        return changed

    def _best_slot(self, name: str) -> Slot | None:
        found = self.fields.get(name)
        if found is None or not found.pages:
            return None
        candidates = [
            (path_evidence.pages, path)
            for path, path_evidence in found.paths.items()
            if path_evidence.pages >= MIN_SUPPORT
            and path_evidence.pages / found.pages >= MIN_AGREEMENT
            and not (name in VARYING_FIELDS and path_evidence.most_common_share() > BOILERPLATE_SHARE)
        ]
        if not candidates:
            return None
        pages, path = max(candidates, key=lambda candidate: (candidate[0], -len(candidate[1]), candidate[1]))
        return Slot(path=path, agreement=round(pages / found.pages, 3))

    def absorb(self, later: SiteTemplate) -> None:
        """Add what another copy learned and recorded since it was loaded (another process, or this one's
        unsaved part); evidence of a generation this copy has already dropped is ignored."""
        self.pages += later.pages
        for name, theirs in later.fields.items():
            ours = self.fields.setdefault(name, FieldEvidence(generation=theirs.generation))
            if theirs.generation != ours.generation:
                continue
            ours.pages += theirs.pages
            for path, path_evidence in theirs.paths.items():
                mine = ours.paths.setdefault(path, PathEvidence())
                for digest, pages in path_evidence.texts.items():
                    _count(mine, digest, pages)
                mine.pages += path_evidence.pages - sum(path_evidence.texts.values())
            _keep_top_paths(ours)
        for name, slot in later.slots.items():
            if name in self.slots and self.slots[name].path == slot.path:
                self.slots[name].recent = (self.slots[name].recent + slot.recent)[-RECENT_USES:]


def _count(path_evidence: PathEvidence, digest: str, pages: int) -> None:
    path_evidence.pages += pages
    if digest in path_evidence.texts or len(path_evidence.texts) < MAX_TEXTS_PER_PATH:
        path_evidence.texts[digest] = path_evidence.texts.get(digest, 0) + pages


def _keep_top_paths(found: FieldEvidence) -> None:
    if len(found.paths) > MAX_PATHS_PER_FIELD:
        kept = sorted(found.paths.items(), key=lambda item: -item[1].pages)[:MAX_PATHS_PER_FIELD]
        found.paths = dict(kept)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.casefold().encode(), digest_size=6).hexdigest()


class PageStructure:
    """The structural path of a page's elements (the first MAX_ELEMENTS of its body), computed when asked and
    shared by learning and reading. A path is the element's tag with its class and id words (digits as "#", state
    words left out) and those of its ancestors up to MAX_PATH_DEPTH steps, never above <body>; a table or
    definition cell adds the label before it ("UPC"), and an element whose own text starts with "Label:" adds
    that label. No positions: they move with the content."""

    def __init__(self, page: Page) -> None:
        body = page.selector.root.find("body")
        found = (
            element
            for element in (body.iter() if body is not None else ())
            if isinstance(element.tag, str) and element.tag not in SKIPPED_TAGS
        )
        self.elements: list[etree._Element] = list(islice(found, MAX_ELEMENTS))
        self._inside = set(self.elements)
        self._steps: dict[etree._Element, str] = {}
        self._texts: dict[etree._Element, str] = {}

    def step(self, element: etree._Element) -> str:
        if element not in self._steps:
            self._steps[element] = _step(element)
        return self._steps[element]

    def path(self, element: etree._Element) -> str:
        steps = []
        node: etree._Element | None = element
        while node is not None and len(steps) < MAX_PATH_DEPTH:
            steps.append(self.step(node))
            node = None if node.tag == "body" else node.getparent()
        text = self.text(element)
        label = OWN_LABEL.match(text) if text else None
        own = f"{{{_token(label.group(1))}}}" if label else ""
        return (" > ".join(reversed(steps)) + own)[-MAX_PATH_CHARS:]  # the element's own end is what is matched

    def text(self, element: etree._Element) -> str:
        """The element's text, whitespace collapsed; "" for an element too big to hold one value (read no further:
        a hostile page nests huge blocks)."""
        if element not in self._texts:
            self._texts[element] = _value_text(element)
        return self._texts[element]

    def value_carriers(self) -> Iterator[etree._Element]:
        """Elements that hold text themselves, and their nearest ancestors (a price split into "£" and "48.48")."""
        seen: set[etree._Element] = set()
        for element in self.elements:
            if not _own_text(element):
                continue
            node: etree._Element | None = element
            for _ in range(MAX_CLIMB + 1):
                if node is None or node in seen or node not in self._inside or not self.text(node):
                    break
                seen.add(node)
                yield node
                node = node.getparent()

    def by_path(self, paths: set[str]) -> dict[str, list[etree._Element]]:
        """The elements at each of the given paths (only those whose own step is a path's last are looked at)."""
        found: dict[str, list[etree._Element]] = {path: [] for path in paths}
        leaves = {path.rsplit(" > ", 1)[-1].split("{", 1)[0] for path in paths}
        tags = {LEAF_TAG.match(leaf).group(0) for leaf in leaves}
        for element in self.elements:
            if element.tag in tags and self.step(element) in leaves:
                path = self.path(element)
                if path in found:
                    found[path].append(element)
        return found


def _step(element: etree._Element) -> str:
    tokens = sorted(
        {
            _token(word)
            for word in (element.get("class") or "").split()
            if not STATE_TOKEN.search(word.lower()) and len(word) <= MAX_TOKEN_CHARS
        }
    )[:MAX_TOKENS_PER_STEP]
    identifier = element.get("id") or ""
    step = str(element.tag) + "".join(f".{token}" for token in tokens)
    if identifier and len(identifier) <= MAX_TOKEN_CHARS:
        step += f"#{_token(identifier)}"
    if element.tag in CELL_TAGS:
        label = element.getprevious()
        if label is not None and isinstance(label.tag, str) and label.tag in LABEL_TAGS:
            text = " ".join("".join(label.itertext()).split())
            if text and len(text) <= MAX_LABEL_CHARS and not DIGITS.search(text):
                step += f"[{_token(text)}]"
    return step


def _token(word: str) -> str:
    return PATH_SYNTAX.sub(" ", DIGITS.sub("#", word.strip().lower())[:MAX_TOKEN_CHARS])


def _value_text(element: etree._Element) -> str:
    if next(islice(element.iter(), MAX_VALUE_ELEMENTS, None), None) is not None:
        return ""
    parts, size = [], 0
    for part in element.itertext():
        parts.append(part)
        size += len(part.strip())
        if size > MAX_VALUE_TEXT:
            return ""
    text = " ".join("".join(parts).split())
    return text if len(text) <= MAX_VALUE_TEXT else ""


def _own_text(element: etree._Element) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


def page_evidence(structure: PageStructure, found: ExtractedProduct) -> dict[str, dict[str, str]]:
    """For each template field the page-level layers found: {path: text} of the smallest elements carrying
    its value (at most MAX_PATHS_PER_PAGE), at paths that lead to that one element on the page (a slot must);
    a field found but carried by no such element maps to {}."""
    wanted = {name: getattr(found, name) for name in TEMPLATE_FIELDS if getattr(found, name)}
    if not wanted:
        return {}
    carriers = list(structure.value_carriers())
    candidates: dict[str, dict[str, str]] = {}
    for name, value in wanted.items():
        # a value shown more often than this is a listing's, or a page's noise: its paths would not be unique
        shown = (element for element in carriers if carries(name, value, structure.text(element)))
        matched = list(islice(shown, MAX_MATCHES_PER_FIELD))
        # the smallest elements: one that holds another match only wraps it
        wrappers = {ancestor for element in matched for ancestor in element.iterancestors()}
        smallest = [element for element in matched if element not in wrappers][:MAX_PATHS_PER_PAGE]
        candidates[name] = {structure.path(element): structure.text(element) for element in smallest}
    at = structure.by_path({path for paths in candidates.values() for path in paths})
    return {
        name: {path: text for path, text in paths.items() if len(at[path]) == 1} for name, paths in candidates.items()
    }


def carries(name: str, value: str, text: str) -> bool:
    """Whether an element's text shows the field's value."""
    if not text or len(text) > MAX_VALUE_TEXT:
        return False
    if name in ("price", "regular_price"):  # the digits first: parsing every text as a price would be slow
        return value.split(".")[0] in "".join(DIGITS.findall(text)) and _same_amount(text, value)
    if name == "sku":
        return len(text) <= 60 and value.casefold() in (token.casefold() for token in IDENTIFIER.findall(text))
    if name == "availability":
        return len(text) <= 80 and normalize_availability(text) == value
    return _strip_label(text).casefold() == value.casefold()


def _same_amount(text: str, value: str) -> bool:
    amount, _ = parse_price(_strip_label(text))
    return amount is not None and Decimal(amount) == Decimal(value)


def _strip_label(text: str) -> str:
    label = OWN_LABEL.match(text)
    return text[label.end() :].strip() if label else text


@dataclass(frozen=True)
class Reading:
    """What a learned slot shows on one page: whether its element is there (exactly once), and its valid value."""

    present: bool
    value: str | None = None
    currency: str | None = None
    confidence: float = 0.0


def read_slots(template: SiteTemplate, structure: PageStructure, site_name: str | None) -> dict[str, Reading]:
    """Each learned slot's reading on this page."""
    at = structure.by_path({slot.path for slot in template.slots.values()})
    readings = {}
    for name, slot in template.slots.items():
        elements = at.get(slot.path, [])
        # A slot matching several elements is a listing of products, or not this template: not there.
        if len(elements) != 1:
            readings[name] = Reading(present=False, confidence=slot.confidence)
            continue
        value, currency = validated(name, structure.text(elements[0]), site_name)
        readings[name] = Reading(present=True, value=value, currency=currency, confidence=slot.confidence)
    return readings


def validated(name: str, text: str, site_name: str | None) -> tuple[str | None, str | None]:
    """(value, currency) if ``text`` is a plausible value of the field, else (None, None)."""
    text = text if len(text) <= MAX_VALUE_TEXT else ""
    if not text:
        return None, None
    if name in ("price", "regular_price"):
        amount, currency = parse_price(_strip_label(text))
        return (amount, currency) if amount is not None and Decimal(amount) > 0 else (None, None)
    if name == "availability":
        return normalize_availability(text) if len(text) <= 80 else None, None
    value = _strip_label(text)
    if name == "sku":
        tokens = [token for token in IDENTIFIER.findall(value) if any(char.isdigit() for char in token)]
        return (tokens[-1], None) if len(value) <= 60 and tokens else (None, None)
    if name == "brand":
        return (normalize_brand(value) if len(value) <= 80 else None), None
    plausible_name = (
        2 <= len(value) <= MAX_VALUE_TEXT
        and any(char.isalpha() for char in value)
        and (site_name is None or value.casefold() != site_name.casefold())
    )
    return (value if plausible_name else None), None


def agrees(name: str, ours: str, theirs: str) -> bool:
    """Whether the slot's value and the page-level layers' value are the same value."""
    if name in ("price", "regular_price"):
        return Decimal(ours) == Decimal(theirs)
    return " ".join(ours.split()).casefold() == " ".join(theirs.split()).casefold()


@dataclass
class TemplateResult:
    """What a template did on one page, and what the page taught it."""

    product: ExtractedProduct  # the layers' product with the fields the slots filled
    filled: dict[str, float] = field(default_factory=dict)  # field -> confidence of the slot that supplied it
    outcomes: dict[str, bool] = field(default_factory=dict)  # slot of each field judged here -> valid
    evidence: dict[str, dict[str, str]] = field(default_factory=dict)  # see page_evidence
    changed: list[str] = field(default_factory=list)  # fields whose slot was learned or dropped after this page


def apply_template(
    template: SiteTemplate, structure: PageStructure, found: ExtractedProduct, site_name: str | None
) -> TemplateResult:
    """Fill the fields the page-level layers missed from the template's slots; judge each slot; gather the
    page's evidence for the fields that have no slot yet. Changes nothing (``SiteTemplate.take`` does).

    Slots are used and judged on product pages only: those the layers read as one, and those the slots make one
    with a valid name and price. A slot fails there when its element shows no valid value, or when the layers
    found the field and the slot misses or contradicts it; a slot whose element is absent on a page whose layers
    lack the field too (no struck-through price off sale) counts for nothing. Evidence comes from the pages the
    layers read as products, never from what a template filled in.
    """
    unlearned = found.model_copy(update={name: None for name in template.slots})
    evidence = page_evidence(structure, unlearned) if found.is_product else {}
    if not template.slots:
        return TemplateResult(product=found, evidence=evidence)
    readings = read_slots(template, structure, site_name)
    fills = {name: reading for name, reading in readings.items() if reading.value and not getattr(found, name)}
    update: dict[str, str | None] = {name: reading.value for name, reading in fills.items()}
    if "price" in fills and not found.currency and fills["price"].currency:
        update["currency"] = fills["price"].currency
    product = consistent(found.model_copy(update=update))
    if not (found.is_product or (product.name and product.price)):
        return TemplateResult(product=found, evidence=evidence)
    outcomes = {}
    for name, reading in readings.items():
        theirs = getattr(found, name)
        if reading.present or theirs:
            outcomes[name] = reading.value is not None and (not theirs or agrees(name, reading.value, theirs))
    filled = {name: reading.confidence for name, reading in fills.items() if getattr(product, name)}
    if "currency" in update:
        filled["currency"] = fills["price"].confidence
    return TemplateResult(product=product, filled=filled, outcomes=outcomes, evidence=evidence)
