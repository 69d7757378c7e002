"""Turn the many ways shops write a value into the one form ExtractedProduct stores.

Every function takes whatever a page gave (text, JSON number, schema.org URL)
and returns the normalised value or None; none of them raises on odd input.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import html_text
from lxml import etree
from price_parser import Price
from w3lib.url import safe_url_string

from snapmode.domain import Availability

# Longer texts are not a price; the cap also bounds price-parser's regex work.
MAX_PRICE_TEXT = 100
MAX_PRICE = Decimal(10) ** 10  # above this an "amount" is an id or a parse accident, not a price
MACHINE_DECIMAL = re.compile(r"\d+(?:\.\d+)?")

# Symbols and local abbreviations seen on shop pages; ambiguous ones ("kr", "¥" in China) get the
# most common reading, since a page that cares names the ISO code in its structured data.
CURRENCY_SYMBOLS = {
    "$": "USD", "US$": "USD", "USD$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "円": "JPY", "元": "CNY",
    "RMB": "CNY", "₹": "INR", "RS": "INR", "RS.": "INR", "₽": "RUB", "РУБ": "RUB", "РУБ.": "RUB", "₩": "KRW", "원": "KRW",
    "₺": "TRY", "₪": "ILS", "ZŁ": "PLN", "R$": "BRL", "C$": "CAD", "CA$": "CAD", "CAN$": "CAD", "A$": "AUD",
    "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "KČ": "CZK", "FR.": "CHF", "₫": "VND", "₱": "PHP",
    "฿": "THB", "₴": "UAH", "FT": "HUF", "LEI": "RON", "TL": "TRY", "RP": "IDR", "RP.": "IDR",
}
ISO_CODE = re.compile(r"[A-Z]{3}")

# schema.org ItemAvailability members (and common short spellings), by what a shopper can do now.
AVAILABILITY_TERMS: dict[str, Availability] = {
    "instock": "InStock", "instoreonly": "InStock", "onlineonly": "InStock", "limitedavailability": "InStock",
    "preorder": "InStock", "presale": "InStock", "backorder": "InStock", "madetoorder": "InStock",
    "available": "InStock", "true": "InStock",
    "outofstock": "OutOfStock", "soldout": "OutOfStock", "discontinued": "OutOfStock", "reserved": "OutOfStock",
    "oos": "OutOfStock", "unavailable": "OutOfStock", "notavailable": "OutOfStock", "false": "OutOfStock",
}
# Free text on the page ("Only 3 left!", "Ausverkauft", "Нет в наличии") in the languages of the shops seen so
# far: the out-of-stock phrases are checked first because many contain an in-stock one ("nicht vorrätig").
OUT_OF_STOCK_PHRASES = (
    r"out of stock|sold out|unavailable|not available|discontinued|no longer available|currently unavailable|"
    r"ausverkauft|nicht vorr[äa]tig|nicht (?:auf lager|lieferbar|verf[üu]gbar)|vergriffen|"
    r"[ée]puis[ée]e?|rupture de stock|indisponible|plus (?:en stock|disponible)|non disponible|"
    r"agotad[oa]|sin (?:stock|existencias)|no disponible|esaurit[oa]|non disponibile|"
    r"esgotad[oa]|sem estoque|indispon[íi]vel|uitverkocht|niet (?:op voorraad|leverbaar)|slut(?:såld| i lager)|"
    r"wyprzedan[ey]|brak w magazynie|niedost[ęe]pny|wycofan[ya]|nicht mehr (?:erh[äa]ltlich|lieferbar|verf[üu]gbar)|"
    r"нет в наличии|нет на складе|распродан|"
    r"немає в наявності|розпродано|t[üu]kendi|stokta yok|vyprod[áa]no|vypredan[éeý]|nen[íi] skladem|"
    r"nie je skladom|uds[oå]lgt|utsolgt|ikke p[åa] lager|(?:inte|ej) i lager|loppuunmyyty|ei varastossa|"
    r"elfogyott|nincs rakt[áa]ron|stoc epuizat|indisponibil|εξαντλήθηκε|μη διαθέσιμο|εκτός αποθέματος|"
    r"stok habis|habis terjual|tidak tersedia|kehabisan stok|hết hàng|نفدت الكمية|نفذت الكمية|غير متوفر|"
    r"在庫切れ|在庫なし|在庫がありません|在庫ありません|売り切れ|品切れ|販売終了|缺货|缺貨|售罄|已售完|无货|無貨|"
    r"품절|일시품절|재고 ?없음"
)
IN_STOCK_PHRASES = (
    r"in stock|available|only \d+ left|pre-?order|back-?order|ships in|"
    r"auf lager|vorr[äa]tig|(?:sofort )?lieferbar|verf[üu]gbar|nur noch \d+|"
    r"en stock|disponible|plus que \d+|en existencia|disponibile|in magazzino|solo \d+|"
    r"em estoque|dispon[íi]vel|op voorraad|leverbaar|p[åa] lager|dost[ęe]pny|на складе|в наличии|"
    r"в наявності|stokta|skladem|na sklad[ěe]|skladom|(?:finns )?i lager|varastossa|rakt[áa]ron|k[ée]szleten|"
    r"[îi]n stoc|disponibil|διαθέσιμο|σε απόθεμα|stok tersedia|tersedia|c[òo]n hàng|متوفر|"
    r"在庫あり|在庫有り|残りわずか|有货|有貨|现货|現貨|재고 ?있음"
)
OUT_OF_STOCK_TEXT = re.compile(OUT_OF_STOCK_PHRASES)
IN_STOCK_TEXT = re.compile(IN_STOCK_PHRASES)

PLACEHOLDER_WORDS = frozenset(
    {"placeholder", "spinner", "loader", "loading", "spacer", "blank", "transparent", "1x1", "favicon", "sprite",
     "icon", "icons", "noimage"}
)
PLACEHOLDER_PARTS = ("placeholder", "no-image", "no_image", "noimage")  # "woocommerce-placeholder-600x600"
NON_PHOTO_EXTENSIONS = (".svg", ".ico")
# A rating's stars or a button's face, drawn as a GIF or PNG and named so: "stars_0.gif", "starb.gif",
# "stars50.gif", "gift_wrap_button.png" (a photo of a product called "Star" is a JPEG).
PAGE_ORNAMENT = re.compile(r"^(?:(?:rating[_-]?)?stars?[_-]?[a-z0-9]{0,3}|rating[_-]?\d*|.*[_-](?:button|btn))$")
# A CDN's scheme-relative link glued to the shop's own address by its template ("https://shop.example//cdn.example/
# p/1.jpg"): the photo is on the CDN.
GLUED_HOST = re.compile(r"^//(?P<host>(?:[a-z0-9-]+\.)+[a-z]{2,})(?P<path>/.*)$", re.IGNORECASE)
WORD_SEPARATORS = re.compile(r"[-_.\s]+")
HTML_TAG = re.compile(r"<[a-zA-Z/!]")
# A title's separators, and the arrows and chevrons a brand link ends with ("MICHAEL Michael Kors ►").
BRAND_SEPARATORS = " -–—|:•·/,►▸▶›»→>"
# A placeholder of a page template the page was saved before filling ("{{product.brandName}}", "${brand}").
TEMPLATE_PLACEHOLDER = re.compile(r"\{\{.*\}\}|\$\{.*\}|<%.*%>")
NO_BRAND = re.compile(
    r"unbranded|no brand|non-branded|generic|n/?a|none|does not apply|not applicable|nicht zutreffend|ohne marke|"
    r"markenlos|sans marque|sin marca|senza marca"
)
VISIBLE_TEXT = etree.XPath("descendant-or-self::text()[not(ancestor::script or ancestor::style)]")


def clean_text(value: object) -> str | None:
    """Plain text with entities decoded, tags dropped and whitespace collapsed; None when empty."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    if HTML_TAG.search(text):
        text = html_fragment_text(text)
    text = " ".join(html.unescape(text).split())
    return text or None


def html_fragment_text(markup: str) -> str:
    try:
        return html_text.extract_text(markup, guess_layout=False)
    except (etree.ParserError, ValueError):  # lxml rejects fragments that hold no element at all
        return markup


def block_text(element: etree._Element) -> str | None:
    """The visible text of a block of markup (a description), blocks kept apart, whitespace collapsed."""
    return clean_text(html_text.extract_text(element, guess_layout=False))


def inline_text(element: etree._Element) -> str | None:
    """The text of a short element (a title, a label, a link), scripts and styles dropped."""
    return clean_text("".join(VISIBLE_TEXT(element)))


def parse_price(value: object, *, machine: bool = False) -> tuple[str | None, str | None]:
    """(amount as a decimal string, ISO currency) from a price as a page shows or declares it.

    ``machine`` marks structured-data values, where "1.299" means one point two nine nine;
    display text goes through price-parser, which knows "1.299,00 €" is 1299.00 EUR.
    """
    if value is None or isinstance(value, bool):
        return None, None
    currency = None
    if isinstance(value, (int, Decimal)):
        amount: Decimal | None = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # repr is the shortest exact round-trip: 119.01, not 119.0100000000000051
    else:
        text = " ".join(str(value).split())
        if not text or len(text) > MAX_PRICE_TEXT or "%" in text or text.startswith(("-", "\u2212")):
            return None, None
        if machine and MACHINE_DECIMAL.fullmatch(text):
            amount = Decimal(text)
        else:
            parsed = Price.fromstring(text)
            amount, currency = parsed.amount, normalize_currency(parsed.currency)
    if amount is None or not amount.is_finite() or not 0 <= amount < MAX_PRICE:
        return None, currency
    return format(amount, "f"), currency


def normalize_currency(value: object) -> str | None:
    """ISO 4217 code from a code or a currency symbol; None when unrecognisable."""
    if not isinstance(value, str):
        return None
    text = value.strip().upper()
    if text in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[text]
    return text if ISO_CODE.fullmatch(text) else None


def normalize_availability(value: object) -> Availability | None:
    """InStock / OutOfStock from a schema.org URL, a short name or the text a page shows."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    term = re.sub(r"[^a-z0-9]", "", text.rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower())
    if term in AVAILABILITY_TERMS:
        return AVAILABILITY_TERMS[term]
    phrase = " ".join(text.lower().split())
    if OUT_OF_STOCK_TEXT.search(phrase):
        return "OutOfStock"
    if IN_STOCK_TEXT.search(phrase):
        return "InStock"
    return None


def normalize_brand(value: object) -> str | None:
    """A brand name without the separator a title puts after it ("Tefal - " before the product's name);
    None for values without a letter, which are catalogue keys ("4248"), for links (the brand's page, not
    its name), for the words marketplaces write where an item has no brand ("Unbranded") and for a template's
    placeholder left unfilled."""
    text = (clean_text(value) or "").strip(BRAND_SEPARATORS)
    if not any(char.isalpha() for char in text) or absolute_url(text, "") or NO_BRAND.fullmatch(text.lower()):
        return None
    return None if TEMPLATE_PLACEHOLDER.search(text) else text


def absolute_url(link: object, base: str) -> str | None:
    """An absolute http(s) URL for a link as written on the page, or None."""
    return _absolute_url(link.strip(), base) if isinstance(link, str) else None


@lru_cache(maxsize=8192)  # pages repeat their links (thumbnails, breadcrumbs) and w3lib's quoting is slow
def _absolute_url(link: str, base: str) -> str | None:
    if not link or link.startswith(("data:", "javascript:", "blob:", "about:", "#")):
        return None
    try:
        joined = urljoin(base, link)
        if not joined.lower().startswith(("http://", "https://")):
            return None
        parts = urlsplit(safe_url_string(joined))
    except ValueError:  # e.g. an invalid IPv6 host or port
        return None
    if not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()


def image_url(link: object, base: str) -> str | None:
    """An absolute product-photo URL, or None for data: URIs, placeholders, icons and spinners."""
    url = absolute_url(link, base)
    if url is None:
        return None
    parts = urlsplit(url)
    glued = GLUED_HOST.match(parts.path)
    if glued:
        parts = parts._replace(netloc=glued.group("host"), path=glued.group("path"))
        url = parts.geturl()
    filename = parts.path.rsplit("/", 1)[-1].lower()
    if filename.endswith(NON_PHOTO_EXTENSIONS):
        return None
    stem = filename.rsplit(".", 1)[0]
    words = set(WORD_SEPARATORS.split(stem))
    ornament = filename.endswith((".gif", ".png")) and PAGE_ORNAMENT.match(stem)
    if words & PLACEHOLDER_WORDS or any(part in stem for part in PLACEHOLDER_PARTS) or ornament:
        return None
    return url


def largest_srcset_candidate(srcset: str) -> str | None:
    """The URL of the widest (or highest-density) candidate of a srcset attribute."""
    best: tuple[float, str] | None = None
    for url, descriptor in srcset_candidates(srcset):
        try:
            size = float(descriptor[:-1]) if descriptor[-1:] in ("w", "x") else 1.0
        except ValueError:
            size = 1.0
        if best is None or size > best[0]:
            best = (size, url)
    return best[1] if best else None


def srcset_candidates(srcset: str) -> list[tuple[str, str]]:
    """(url, descriptor) pairs, parsed the way browsers do: URLs may contain commas, candidates end at one."""
    candidates = []
    position, length = 0, len(srcset)
    while position < length:
        while position < length and (srcset[position].isspace() or srcset[position] == ","):
            position += 1
        start = position
        while position < length and not srcset[position].isspace():
            position += 1
        url = srcset[start:position]
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            end = srcset.find(",", position)
            end = length if end == -1 else end
            descriptor = srcset[position:end].strip().split(" ")[0].lower()
            position = end
        if url:
            candidates.append((url, descriptor))
    return candidates
