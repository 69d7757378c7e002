"""The currency a sign stands for in the shop's own market: "kr" is NOK on a .no shop and SEK on a .se one, "лей" and
"lei" are MDL on a .md shop, "$" is CAD on a .ca shop; and the currency of a price written with no sign at all.

price-parser reads the sign and knows nothing of the market: it leaves "kr" and "лей" unread and reads "$" as USD.
The page's country-code domain names the market. A price is read in the market's currency only where the page
writes that price with one of the market's signs, and never where structured data declares an ISO code.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import islice
from urllib.parse import urlsplit

from lxml import etree
from price_parser import Price

from snapmode.extract.normalize import CURRENCY_SYMBOLS, normalize_currency
from snapmode.extract.page import Page

# country-code domain: (the market's currency, the signs it is written with, as price-parser returns them or as
# they stand in the text, lower case). "$" alone reads as USD elsewhere, "lei" as RON, "¥" as JPY.
MARKETS: dict[str, tuple[str, frozenset[str]]] = {
    "no": ("NOK", frozenset({"kr", "kr."})),
    "se": ("SEK", frozenset({"kr", "kr."})),
    "dk": ("DKK", frozenset({"kr", "kr."})),
    "is": ("ISK", frozenset({"kr", "kr."})),
    "md": ("MDL", frozenset({"lei", "лей", "леев"})),
    "ca": ("CAD", frozenset({"$"})),
    "au": ("AUD", frozenset({"$"})),
    "nz": ("NZD", frozenset({"$"})),
    "sg": ("SGD", frozenset({"$"})),
    "hk": ("HKD", frozenset({"$"})),
    "mx": ("MXN", frozenset({"$"})),
    "cn": ("CNY", frozenset({"¥"})),
}
# What those signs read as without a market: the only found currencies a market's reading may replace.
READINGS_ELSEWHERE = frozenset({"USD", "RON", "JPY"})
MAX_PRICE_LINE = 40  # characters: a price with its sign and a label, not a sentence that mentions an amount
TEXTS_WITH_DIGITS = (
    "//body//text()[contains(translate(., '0123456789', '##########'), '#')][not(ancestor::script or ancestor::style)]"
)
PRICE_TEXTS = etree.XPath(f"{TEXTS_WITH_DIGITS}[string-length(normalize-space()) < {MAX_PRICE_LINE}]")
AMOUNT_TEXTS = etree.XPath(TEXTS_WITH_DIGITS)
MAX_PRICE_TEXTS = 2000
# A currency sign next to an amount in any of the page's texts, sentences included ("Unsere Standardversandkosten
# betragen 4,99 €."); only the one-character signs normalize_currency knows, since three capital letters beside a
# number are often something else ("USB 3").
SIGNS = re.escape("".join(sign for sign in CURRENCY_SYMBOLS if len(sign) == 1))
SIGN_BESIDE_AMOUNT = re.compile(rf"([{SIGNS}])\s?\d|\d\s?([{SIGNS}])")
MAX_TEXT_READ = 400
MAX_BLOCK_PIECES = 12


def market_currency(page: Page, price: str | None, currency: str | None, declared: bool) -> str | None:
    """The price's currency once the shop's market reads the sign it is written with; ``currency`` when structured
    data ``declared`` it, when the market has no such sign, or when the page does not write the price with one."""
    market = MARKETS.get(country_code(page.url))
    if market is None or price is None or declared:
        return currency
    local, signs = market
    if currency == local or (currency is not None and currency not in READINGS_ELSEWHERE):
        return currency
    return local if written_with(page, Decimal(price), signs) else currency


def unwritten_currency(page: Page) -> str | None:
    """The one currency the page's other amounts are written in, for a price shown with no sign ("29,99" in H&M's
    heading, beside "4,99 €" of delivery in a sentence below); None when they show none, or several."""
    market = MARKETS.get(country_code(page.url))
    seen = set()
    for text in AMOUNT_TEXTS(page.selector.root)[:MAX_PRICE_TEXTS]:
        for match in SIGN_BESIDE_AMOUNT.finditer(str(text)[:MAX_TEXT_READ]):
            sign = match.group(1) or match.group(2)
            seen.add(market[0] if market and sign in market[1] else normalize_currency(sign))
            if len(seen) > 1:
                return None
    return next(iter(seen), None)


def country_code(url: str) -> str:
    """The last label of the page's host name ("md" for shop.example.md, "uk" for shop.example.co.uk)."""
    return (urlsplit(url).hostname or "").rsplit(".", 1)[-1].lower()


def written_with(page: Page, amount: Decimal, signs: frozenset[str]) -> bool:
    """Whether a short text of the page shows the amount with one of the signs ("1 399,00 kr", "532.04 лей"), the
    sign in the same text or beside it in the text's block ("<span>145</span> лей")."""
    # The last digits of the whole part, as every way of writing the amount has them ("1 399,00", "1.399,-").
    digits = str(int(amount))[-3:]
    for text in PRICE_TEXTS(page.selector.root)[:MAX_PRICE_TEXTS]:
        if digits not in text:
            continue
        owner = text.getparent()  # the element the text is in (or, for a tail, the element before it)
        block = owner.getparent() if owner is not None else None
        if shows(str(text), amount, signs) or (block is not None and shows(short_text(block), amount, signs)):
            return True
    return False


def short_text(element: etree._Element) -> str:
    """An element's text when it is a line's worth, else "" (read piece by piece: a block may hold a whole page)."""
    pieces, length = [], 0
    for piece in islice(element.itertext(), MAX_BLOCK_PIECES):
        pieces.append(piece)
        length += len(piece)
        if length >= MAX_PRICE_LINE * 4:
            return ""
    line = " ".join("".join(pieces).split())
    return line if len(line) < MAX_PRICE_LINE else ""


def shows(line: str, amount: Decimal, signs: frozenset[str]) -> bool:
    if not line:
        return False
    parsed = Price.fromstring(line)
    if parsed.amount is None or parsed.amount != amount:
        return False
    return (parsed.currency or "").lower() in signs or not signs.isdisjoint(line.lower().split())
