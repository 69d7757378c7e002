"""Labelled facts on a product page: specification tables, definition lists, "Label: value" lines,
``data-*`` attributes, loose ``<meta>`` tags and the identifier at the end of the URL.

Labels are matched whole ("SKU", "Artikelnummer", "Référence", "UPC", "Marke"...), so a row
"Product type: Books" or a sentence with a colon gives nothing. Identifiers must look like one
(a single token holding a digit); the URL's last token counts only when the page shows it too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from urllib.parse import unquote, urlsplit

from lxml import etree

from snapmode.domain import Availability
from snapmode.extract.lines import area_elements, line_text
from snapmode.extract.normalize import normalize_availability, normalize_brand
from snapmode.extract.page import Page

MAX_LABEL_CHARS = 40
MAX_BRAND_CHARS = 60
MAX_ATTRIBUTE_ELEMENTS = 50
MAX_ROW_CELLS = 4  # a table row of more cells is a grid (a size chart), not label/value pairs
LABEL_TRAILER = re.compile(r"[\s:：#.]*(?:\((?:[^)]{0,20})\))?[\s:：#.]*$")
LABEL_KINDS: dict[str, re.Pattern[str]] = {
    "sku": re.compile(
        r"^(?:sku|item|article|art|artikel|artikelnummer|art\.?-?nr|style|style code|product code|product id|"
        r"item code|product number|item number|item no|item id|web id|article number|article no|ref|référence|reference|"
        r"réf|referencia|riferimento|codice|codice articolo|codice prodotto|código|código de producto|model code|"
        r"c[óo]d(?:igo|\.)?\s*(?:d[eo]\s+)?(?:item|produto|artigo|art[íi]culo|refer[êe]ncia)|refer[êe]ncia|"
        r"productcode|artikelcode|artikelnr|varenummer|varenr|tuotenumero|tuotekoodi|artikkelinumero|cikksz[áa]m|term[ée]kk[óo]d|"
        r"kod (?:produktu|towaru)|numer katalogowy|k[óo]d (?:produktu|zbo[žz][íi]|tovaru)|katalogov[ée] [čc][íi]slo|"
        r"[üu]r[üu]n kodu|stok kodu|cod produs|kode produk|κωδικός(?: προϊόντος)?|"
        r"商品番号|品番|商品コード|商品编号|货号|상품번호|상품코드|품번|"
        r"артикул|код|код товара|код товару)$"
    ),
    "gtin": re.compile(
        r"^(?:upc|ean|ean-?13|ean-?8|gtin|gtin-?1[234]|gtin-?8|isbn|isbn-?1[03]|barcode|jan|"
        r"c[óo]d(?:igo|\.)?\s*(?:de\s+)?(?:ean|barras)|kod ean|ean kod|janコード|条形码)$"
    ),
    "mpn": re.compile(r"^(?:mpn|manufacturer part number|part number|mfr part number|herstellernummer)$"),
    # Not "manufacturer"/"Hersteller": in technical specifications those rows name a part's maker (the CPU's).
    "brand": re.compile(
        r"^(?:brand|marke|marque|marca|marka|merk|marchio|zna[čc]ka|merkki|m[æä]rke|μάρκα|designer|бренд|"
        r"ブランド|品牌|브랜드)$"
    ),
    "availability": re.compile(
        r"^(?:availability|stock|stock status|in stock|verfügbarkeit|lieferbarkeit|lagerstatus|disponibilité|"
        r"disponibilidad|disponibilità|disponibilidade|наличие|наявність|beschikbaarheid|dost[ęe]pno[śs][ćc]|"
        r"dostupnost|stok durumu|saatavuus|disponibilitate|διαθεσιμότητα|ketersediaan|在庫|在庫状況|재고)$"
    ),
}
NUMBER_WORDS = re.compile(r"[\s.]*(?:no|nr|number|num|#)\.?$")
IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]{2,40}")
LABELLED_LINE = re.compile(r"^(?P<label>[^:：]{1,40})[:：]\s*(?P<value>.+)$")
# The label written just before an element holding its value, at the end of a line's running text:
# "Tavaramerkit: <a>Levi's</a>, Artikkelinumero: <span>NG20004</span>".
LEADING_LABEL = re.compile(r"(?:^|[,;|·•])\s*(?P<label>[^,;|·•:：]{1,40})[:：]\s*$")
SKU_ATTRIBUTES = ("data-sku", "data-product-sku", "data-item-sku", "data-product-id")
BRAND_ATTRIBUTES = ("data-brand", "data-brand-name", "data-product-brand")
DECLARING_ELEMENTS = etree.XPath(
    "//*[{}]".format(" or ".join(f"@{name}" for name in (*SKU_ATTRIBUTES, *BRAND_ATTRIBUTES, "data-availability")))
)
LETTER = re.compile(r"[^\W\d_]")
META_TAGS = etree.XPath("//meta[@content][@itemprop or @property or @name]")
META_FIELDS = {
    "sku": ("sku", "product:retailer_item_id", "product:sku", "gtin13", "gtin"),
    "brand": ("brand", "product:brand"),
    "availability": ("availability", "product:availability"),
}
WEB_ADDRESS = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")
MIN_URL_IDENTIFIER = 5
TEXT_HOLDING = etree.XPath("//body//text()[contains(., $token)][not(ancestor::script or ancestor::style)]")
MAX_TOKEN_LINES = 20
URL_TOKEN_SEPARATORS = re.compile(r"[-_.,/+]+")


@dataclass
class Specs:
    """The first value of each kind found, in the order the page gives them."""

    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    brand: str | None = None
    availability: Availability | None = None

    def identifier(self) -> str | None:
        return self.sku or self.gtin or self.mpn

    def fill(self, other: Specs) -> None:
        """Take the other's values for what is still missing."""
        for kind in ("sku", "gtin", "mpn", "brand", "availability"):
            if getattr(self, kind) is None:
                setattr(self, kind, getattr(other, kind))

    def add(self, kind: str, value: str) -> None:
        if getattr(self, kind) is not None:
            return
        if kind == "brand":
            brand = normalize_brand(value)
            self.brand = brand if brand and len(brand) <= MAX_BRAND_CHARS else None
        elif kind == "availability":
            self.availability = normalize_availability(value)
        else:
            setattr(self, kind, identifier(value))


def label_kind(label: str) -> str | None:
    """Which fact a label names ("Art.-Nr.:" → sku, "UPC" → gtin, "Marque" → brand), None for others."""
    text = LABEL_TRAILER.sub("", " ".join(label.lower().split()))
    if not text or len(text) > MAX_LABEL_CHARS:
        return None
    for candidate in (text, NUMBER_WORDS.sub("", text)):
        for kind, pattern in LABEL_KINDS.items():
            if pattern.match(candidate):
                return kind
    return None


def identifier(value: str) -> str | None:
    """One identifier token holding a digit ("AB-1234", "9780316769488"), else None."""
    text = value.strip().strip(".,;")
    return text if IDENTIFIER.fullmatch(text) and any(char.isdigit() for char in text) else None


def labelled_identifier(text: str) -> str | None:
    """The identifier in a value that prints its label too, as an element's text does ("(Cód. Item 462100)",
    "Art.-Nr. 12345"): the last token, when the words before it are a label of an identifier; else None."""
    words = text.strip().strip("()[]").rsplit(None, 1)
    if len(words) != 2:
        return None
    label, token = words
    return identifier(token) if label_kind(label) in ("sku", "gtin", "mpn") else None


def distinctive(token: str) -> bool:
    """A URL token that can only be an identifier: five characters or more, with a digit (not "2024",
    "18v" or "page-2", which a page may show for other reasons)."""
    return len(token) >= MIN_URL_IDENTIFIER and identifier(token) is not None


def labelled_pairs(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Iterator[tuple[str, str]]:
    """(label, value) pairs of table rows, dt/dd pairs and "Label: value" lines, in page order."""
    for element in area_elements(area):
        if element.tag == "tr":
            # Wide specification tables put two label/value pairs side by side in one row
            # ("Material: | Cotton | Brand: | Levis"), so the cells are read two by two.
            cells = [cell for cell in islice(element, MAX_ROW_CELLS + 1) if cell.tag in ("th", "td")]
            if len(cells) % 2 or len(cells) > MAX_ROW_CELLS or ignored(element):
                continue
            for label_cell, value_cell in zip(cells[::2], cells[1::2]):
                label, value = line_text(label_cell), line_text(value_cell)
                if label and value:
                    yield label, value
        elif element.tag == "dt":
            definition = element.getnext()
            if definition is not None and definition.tag == "dd":
                label, value = line_text(element), line_text(definition)
                if label and value and not ignored(element):
                    yield label, value
        elif element.tag in ("li", "p", "div", "span", "td", "dd"):
            pair = labelled_line(element)
            if pair and not ignored(element):
                yield pair


def labelled_line(element: etree._Element) -> tuple[str, str] | None:
    """("Art.-Nr.", "21-2704") from "Art.-Nr.: 21-2704", or from the element holding the value after its label
    in the running text ("…, Art.-Nr.: <span>21-2704</span>"), or from a label followed by the one element
    holding its value and nothing else, without a colon ("Art.-Nr. <span>21-2704</span>"), or from two elements
    and nothing else, the label's and the value's ("<span>Item No.</span> <span>1610104181</span>")."""
    match = LABELLED_LINE.match(line_text(element) or "")
    if match:
        return match.group("label"), match.group("value")
    previous = element.getprevious()
    before = previous.tail if previous is not None else getattr(element.getparent(), "text", None)
    lead = LEADING_LABEL.search(before or "")
    if lead and (value := line_text(element)):
        return lead.group("label"), value
    children = [child for child in element if isinstance(child.tag, str)]
    if len(children) != len(element) or any((child.tail or "").strip() for child in children):
        return None
    label = " ".join((element.text or "").split())
    if len(children) == 1 and label:
        value = line_text(children[0])
        return (label, value) if value else None
    if len(children) == 2 and not label:
        label, value = line_text(children[0]), line_text(children[1])
        if label and value and len(label) <= MAX_LABEL_CHARS:
            return label, value
    return None


def read_specs(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Specs:
    specs = Specs()
    for label, value in labelled_pairs(area, ignored):
        kind = label_kind(label)
        if kind:
            specs.add(kind, value)
    return specs


def attribute_specs(page: Page, ignored: Callable[[etree._Element], bool]) -> Specs:
    """What ``data-*`` attributes and loose <meta> tags (itemprop or product:* outside any item) declare."""
    specs = Specs()
    for element in DECLARING_ELEMENTS(page.selector.root)[:MAX_ATTRIBUTE_ELEMENTS]:
        if ignored(element):
            continue
        for name in SKU_ATTRIBUTES:
            value = element.get(name) or ""
            if value and (name != "data-product-id" or LETTER.search(value)):  # bare numbers are internal ids
                specs.add("sku", value)
        for kind, name in (*(("brand", name) for name in BRAND_ATTRIBUTES), ("availability", "data-availability")):
            if element.get(name):
                specs.add(kind, element.get(name) or "")
    metas: dict[str, str] = {}
    for meta in META_TAGS(page.selector.root)[:MAX_ATTRIBUTE_ELEMENTS]:
        for attribute in ("itemprop", "property", "name"):
            metas.setdefault((meta.get(attribute) or "").lower(), meta.get("content") or "")
    for kind, names in META_FIELDS.items():
        for name in names:
            if metas.get(name) and not (kind == "brand" and names_own_site(metas[name], page)):
                specs.add(kind, metas[name])
    return specs


def names_own_site(value: str, page: Page) -> bool:
    """Whether a value is the page's own web address ("AliExpress.com" on he.aliexpress.com): a marketplace
    declaring itself where a maker belongs."""
    address = value.strip().lower()
    host = (urlsplit(page.url).hostname or "").lower()
    return bool(WEB_ADDRESS.fullmatch(address)) and (host == address or host.endswith(f".{address}"))


def url_identifier(page: Page, area: etree._Element) -> str | None:
    """The identifier ending the page's URL ("/p/linen-dress-LD2041"), when the page shows the same token.
    Only the last token: earlier ones are words of the product's name ("ring-7-mm-h081-P31175655")."""
    path = unquote(urlsplit(page.url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] if path else ""
    token = URL_TOKEN_SEPARATORS.split(last)[-1]
    if not distinctive(token):
        return None
    shown = " ".join(text for element in area_elements(area) if (text := line_text(element)))
    if re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", shown, re.IGNORECASE):
        return token
    return token if labelled_on_page(page, token) else None


def labelled_on_page(page: Page, token: str) -> bool:
    """Whether the page's text anywhere gives the token alone ("<span class='articleCode'>0494992001</span>") or
    as the value of a "Label: value" line ("eBay item number: 304998642264" in a details tab far below the
    title). Found by XPath over text nodes, so a large page costs one pass in libxml2, and at most
    MAX_TOKEN_LINES of the lines holding it are read."""
    for text in islice(TEXT_HOLDING(page.selector.root, token=token), MAX_TOKEN_LINES):
        if text.strip().lower() == token.lower():
            return True
        parent = text.getparent()
        for element in (parent, parent.getparent() if parent is not None else None):
            match = LABELLED_LINE.match(line_text(element) or "") if element is not None else None
            if match and match.group("value").strip().lower() == token.lower():
                return True
    return False
