"""Prices written as text: "Price: £48.48", "Prix : 29,90 €", "Preis 19,95 EUR*", "Was $60", "£40.00 excl. VAT".

A line is a price only when, once its label and tax note are set aside, nothing but one amount with
its currency is left: "Free delivery over £50" and "Size 42" are not prices. The label around an
amount (its table row, its dt, its paragraph) tells whether it is a former price, a price before
tax, or a charge that is not the product's price (tax, shipping).
"""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from snapmode.extract.lines import cells_text, line_text
from snapmode.extract.normalize import parse_price

PRICE_WORDS = r"price|prix|preis|precio|prezzo|pre[çc]o|pris|prijs|cena|цена"
# Labels that may stand before an amount ("Our price:", "Prix TTC :", "Was", "ab").
PRICE_LABEL = re.compile(
    rf"^(?:(?:our|sale|special|your|unit|regular|list|retail|current|new|old|original|selling|le|unser|nuestro)\s+)?"
    rf"(?:{PRICE_WORDS})\b|^(?:now|jetzt|nu|maintenant|ahora|ora|was|before|statt|uvp|rrp|msrp|au lieu de|antes|"
    r"avant|vorher|from|ab|à partir de|dès|desde|da|a partire da|only|nur)\b",
    re.IGNORECASE,
)
TAX_NOTE = re.compile(
    r"\(?\s*(?<!\w)(?:incl|including|inkl|inklusive|excl|excluding|exkl|ex|zzgl|plus|ohne|mit|avec|sans|con|sin|tax|tva|"
    r"iva|vat|mwst)\b\.?\s*(?:of\s+)?(?:\d+\s*%\s*)?(?:tax(?:es)?|vat|gst|mwst|ust|tva|iva|btw|ндс|incl\w*|"
    r"excl\w*|inclu\w*)?\.?\s*\)?|\b(?:ttc|ht|netto|brutto)\b\.?|\*",
    re.IGNORECASE,
)
EXCLUDING_TAX = re.compile(
    r"\b(?:excl|excluding|exkl|zzgl|ohne|sans|before tax|tax excl\w*|ht|netto|net)\b|\bex\.?\s*(?:vat|tax|gst)\b",
    re.IGNORECASE,
)
# A former price in words: "Was £60", "UVP 79,90 €", "Prix de base", "Regular price", "Orig. $235", "Reg. $99.50".
FORMER_PRICE_LABEL = re.compile(
    r"^(?:was|before|statt|uvp|rrp|msrp|au lieu de|antes|avant|vorher|list price|old price|compare at|prix de base|"
    r"prix initial|alter preis|precio anterior|prezzo di listino|orig|original|reg|regular|regularly|ursprünglich|"
    r"früher|ehemals|было|старая цена)\b",
    re.IGNORECASE,
)
# Amounts that are not what the product costs.
CHARGE_LABEL = re.compile(
    r"^(?:tax|vat|tva|iva|mwst|ust|shipping|delivery|postage|versand|livraison|frais|env[íi]o|spedizione|"
    r"deposit|pfand|grundpreis|unit price|prix au kilo|number of reviews)\b",
    re.IGNORECASE,
)
# A price the shop shows only to logged-in customers or on request ("Login to view rate", "Sign in for pricing",
# "Price on request", "Preis auf Anfrage"): B2B and reseller shops write this where the amount would be.
WITHHELD_PRICE = re.compile(
    r"\b(?:log\s?in|sign\s?in|anmelden|einloggen|connectez-vous|accedi)\b.{0,30}"
    rf"\b(?:{PRICE_WORDS}|prices|rates?|pricing)\b"
    rf"|\b(?:{PRICE_WORDS})\s+(?:on|upon|auf|sur|su|a|op)\s+(?:request|anfrage|demande|richiesta|consultar|aanvraag)\b"
    r"|\bcall for (?:price|pricing)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d(?:[\d.,'\u00a0\u202f]*\d)?")
AMOUNT_ONLY = re.compile(r"[^\d\s]{0,4}\.?\s?\d[\d.,'\u00a0\u202f ]*\s?[^\d\s]{0,4}\.?")
LABEL_SEPARATORS = " :：-–\u00a0"


def money_in_line(text: str | None) -> tuple[str, str] | None:
    """(amount, ISO currency) when the line is one price with its currency, possibly labelled; else None."""
    if not text:
        return None
    rest = TAX_NOTE.sub(" ", text).strip()
    label = PRICE_LABEL.match(rest)
    if label:
        rest = rest[label.end() :]
        if rest.lstrip().startswith("("):  # "Price (incl. tax): £4" once the note is gone: "Price (): £4"
            rest = rest.lstrip()[1:].lstrip(" )")
        rest = rest.lstrip(LABEL_SEPARATORS)
    if not AMOUNT_ONLY.fullmatch(rest.strip()):
        return None
    amount, currency = parse_price(rest)
    return (amount, currency) if amount is not None and currency is not None else None


def label_context(carrier: etree._Element) -> str:
    """The line an amount sits in, with its label: its table row, its dt and dd, or the short block around
    it as long as that block adds words only (not another amount: "UVP 99 € Preis 79 €" is two lines), or
    the same amount again ("UVP <span>539,–</span> <span class=sr-only>€539,00</span>": one shown for the
    eye, one for screen readers)."""
    node, text = carrier, line_text(carrier) or ""
    own_amount = parse_price(text)[0]
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        if parent.tag == "tr":
            return cells_text(parent) or text
        if node.tag == "dd":
            term = next(node.itersiblings("dt", preceding=True), None)
            return f"{(line_text(term) or '') if term is not None else ''} {text}".strip()
        wider = line_text(parent)
        if wider is None or not only_repeats(wider.replace(text, "", 1), own_amount):
            break
        node, text = parent, wider
    return text


def only_repeats(text: str, amount: str | None) -> bool:
    """Whether every number in the text is the given amount written again (none at all counts)."""
    numbers = NUMBER.findall(text)
    return not numbers or (
        amount is not None
        and all(
            (found := parse_price(number)[0]) is not None and Decimal(found) == Decimal(amount) for number in numbers
        )
    )


def excludes_tax(context: str) -> bool:
    return bool(EXCLUDING_TAX.search(context))


def former_price_label(context: str) -> bool:
    return bool(FORMER_PRICE_LABEL.match(context))


def charge_label(context: str) -> bool:
    return bool(CHARGE_LABEL.match(context))


def withholds_price(text: str | None) -> bool:
    """Whether a line says the price is shown only after logging in or on request."""
    return bool(text and WITHHELD_PRICE.search(text))
