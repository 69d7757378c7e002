"""Stock as a page shows it: a short stock line in the shop's language, and what the add-to-cart control allows.

A stock line starts with its phrase ("In stock (19 available)", "Only 2 left", "Ausverkauft",
"Disponibilité : En stock"); longer sentences that merely mention availability ("Available in
three colours, delivery in 2 days") are not read, as they say nothing about this product's stock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice

from lxml import etree

from snapmode.domain import Availability
from snapmode.extract.lines import area_elements, line_text
from snapmode.extract.normalize import IN_STOCK_PHRASES, OUT_OF_STOCK_PHRASES, inline_text

MAX_STOCK_LINE = 60
STOCK_LABEL = (
    r"(?:availability|stock|stock status|in stock\?|verf[üu]gbarkeit|lieferbarkeit|lagerstatus|disponibilit[éeà]|"
    r"disponibilidad|disponibilidade|наличие|наявність|beschikbaarheid|dost[ęe]pno[śs][ćc]|dostupnost|stok durumu|"
    r"saatavuus|disponibilitate|διαθεσιμότητα|ketersediaan|tình trạng|在庫状況|在庫|재고)\s*[:：]?\s*"
)
# What a shop writes before the state: "Sorry, this item is no longer available".
STOCK_LEAD_IN = r"(?:sorry[,!]?\s+)?(?:(?:this|the) (?:item|product|article|style) is\s+)?"
STOCK_LINE = re.compile(
    rf"^(?:{STOCK_LABEL})?{STOCK_LEAD_IN}(?:(?:currently|temporarily|derzeit|momentan|actuellement|temporalmente|"
    rf"временно)\s+)?(?:(?P<out>{OUT_OF_STOCK_PHRASES})|(?P<in>{IN_STOCK_PHRASES}|\d+ (?:available|in stock)))\b",
    re.IGNORECASE,
)
# A stock label and a bare count of units left.
STOCK_COUNT = re.compile(
    r"^(?:stock|stok|lagerbestand|existencias|stock disponible|available quantity|quantity available)"
    r"(?: total)?\s*[:：]\s*(?P<count>\d{1,7})$"
)
STATEMENT_END = re.compile(r"[(,.;:!?–—|/]")
MAX_WORDS_AFTER_PHRASE = 3
# Words that may follow a stock phrase on its line.
QUALIFIERS = frozenset(
    [
        "in",
        "stock",
        "online",
        "now",
        "today",
        "left",
        "item",
        "items",
        "unit",
        "units",
        "piece",
        "pieces",
        "pcs",
        "available",
        "auf",
        "lager",
        "stück",
        "verfügbar",
        "en",
        "ligne",
        "disponible",
        "disponibles",
        "disponibili",
        "pezzi",
        "unidades",
        "unités",
        "на",
        "складе",
        "шт",
        "ks",
        "kpl",
        "szt",
        "adet",
        "stk",
        "db",
    ]
)
# A delivery promise with a date or a lead time ("Lieferung 17.06.2020 - 18.06.2020", "Delivery by 30 Aug",
# "Entrega en 1-2 días laborables", "Ships in 24 hours"): a shop only promises one for a product it can send.
# Lines naming delivery without a time ("Free delivery over £50", "Delivery & Returns") say nothing of stock.
DELIVERY_WORDS = (
    r"(?:(?:estimated|expected|standard|express|free|voraussichtliche|kostenlose|gratis)\s+)?"
    r"(?:delivery|deliver(?:ed|s)|dispatch(?:ed|es)?|ships|arrives|get it|lieferung|lieferzeit|geliefert|"
    r"livraison|livr[ée]e?|exp[ée]di[ée]e?|entrega|envío|consegna|spedizione|levering|bezorging|geleverd|dostawa)"
)
WHEN = (
    r"\d{1,2}[./]\d{1,2}[./]|\d{1,2}\s*(?:[-–]|to|bis|à|a)?\s*\d{0,2}\s*"
    r"(?:h\b|hrs?\b|hours?|stunden|heures|horas|ore\b|uur|days?|(?:werk|arbeits)?tage?n?\b|jours?|d[íi]as|giorni|dagen|"
    r"werkdag(?:en)?|business|working|jan|feb|m[äa]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])|"
    r"\b(?:tomorrow|today|morgen|heute|demain|aujourd'hui|ma[ñn]ana|hoy|domani|oggi|amanh[ãa]|hoje)\b"
)
DELIVERY_LINE = re.compile(rf"^{DELIVERY_WORDS}\b.*?(?:{WHEN})", re.IGNORECASE)
LOADING_WORDS = re.compile(r"(?<![a-z])(?:loading|skeleton|placeholder)|\btrue\b")
SETTLING_DEPTH = 6
# Stock of one way of buying (a store, collection), not of the product online.
ABOUT_A_CHANNEL = re.compile(
    r"\b(?:in[- ]stores?|in[- ]shops?|boutiques?|filialen?|magasins?|tiendas?|negozi[oi]?|"
    r"click (?:&|and) collect|collection|pick ?up|retrait)\b"
)
# What an add-to-cart control says, in the languages of the shops seen so far.
BUY_LABEL = re.compile(
    r"(?:add to (?:your |my )?(?:shopping )?(?:cart|bag|basket|trolley)|buy(?: it)? now|ajouter au panier|in den warenkorb|zum warenkorb|"
    r"in den einkaufswagen|in die (?:einkaufs)?tasche|"
    r"a[ñn]adir al carrito|a[ñn]adir a la (?:cesta|bolsa)|aggiungi al carrello|adicionar ao carrinho|comprar|kaufen|"
    r"acheter|in (?:de )?winkel(?:wagen|mand)|toevoegen aan (?:de )?winkel(?:wagen|mand)|dodaj do koszyka|"
    r"l[äa]gg i varukorgen|sepete ekle|hemen al|do ko[šs][íi]ku|в корзину|купить|"
    r"カートに(?:入れる|追加)|購入する|今すぐ購入|加入购物车|加入購物車|立即购买|장바구니(?: 담기)?|바로 ?구매|"
    r"lis[äa][äa] ostoskoriin|osta nyt|l[æa]g i kurv(?:en)?|legg i (?:handle)?kurv(?:en)?|kos[áa]rba|"
    r"adaug[ăa] [îi]n co[şsș]|προσθήκη στο καλάθι|tambah(?:kan)? ke (?:keranjang|troli)|beli sekarang|"
    r"thêm vào giỏ(?: hàng)?|mua ngay|أضف إلى (?:السلة|عربة التسوق)|додати (?:в|до) кошик[ау]?|купити|kup teraz)\b",
    re.IGNORECASE,
)
# A request to be told when the product is back ("Notify me when available", "Benachrichtigen, wenn verfügbar"):
# what a shop puts where its buy button was once the product has run out.
RESTOCK_ALERT = re.compile(
    r"(?:notify me|notify when|e-?mail me when|alert me when|tell me when|let me know when|benachrichtig|"
    r"m'avertir|m'alerter|me pr[ée]venir|pr[ée]venez-moi|av[íi]same|avisarme|avvisami|avise-me|me avise|"
    r"houd me op de hoogte|powiadom mnie|meddela mig|сообщить о поступлении|уведомить о поступлении|"
    r"入荷(?:お知らせ|通知)|再入荷(?:お知らせ|通知)|재입고 ?알림|到货通知|到貨通知)",
    re.IGNORECASE,
)
# An image button ("<input type=image alt='Add to Cart'>") is how osCommerce-era shops draw theirs.
BUY_CONTROLS = etree.XPath(".//button | .//a | .//input[@type='submit' or @type='button' or @type='image']")
# A button whose class or id names it the buy button ("button-buy", "addToCartButton", "add-to-bag") is one
# whatever its short label says ("ADD", "Añadir", an icon): shops name the element in their markup in English.
BUY_MARK = re.compile(r"(?<![a-z])(?:add-?to-?(?:cart|bag|basket|trolley)|(?:btn|button)-?buy|buy-?(?:button|btn|now))")
MAX_MARKED_LABEL_WORDS = 2
MARK_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
MAX_CONTROLS = 200
# A shopper's choice still to make (a size, a colour): shops disable the buy control until it is made. Besides
# form fields, a list of two or more options named sizes or variants (links or buttons: "ul.options.variants").
CHOICE_LIST_NAMES = "translate(concat(@class, ' ', @id), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
PENDING_CHOICE = etree.XPath(
    ".//select | .//input[@type='radio']"
    f" | .//*[self::ul or self::ol][li[2]][contains({CHOICE_LIST_NAMES}, 'size') or contains({CHOICE_LIST_NAMES}, 'variant')]"
)
CHOICE_INPUTS = etree.XPath("input[@type='radio' or @type='checkbox']")
OPTION_LABEL_DEPTH = 4


def stock_line_state(text: str | None) -> Availability | None:
    """InStock / OutOfStock from one short stock line, None for anything else."""
    if not text or len(text) > MAX_STOCK_LINE:
        return None
    line = " ".join(text.lower().split())
    count = STOCK_COUNT.match(line)
    if count:  # "Stock: 610", "Stok Total : 0"
        return "InStock" if int(count.group("count")) > 0 else "OutOfStock"
    match = STOCK_LINE.match(line)
    if match is None or ABOUT_A_CHANNEL.search(line):
        return None
    # The phrase must be the line's statement: "Out of stock", "In stock (19 available)", "Only 2 left in
    # stock!", "Nur noch 3 Stück auf Lager", not the first words of a legend ("Unavailable to select").
    tail = STATEMENT_END.split(line[match.end() :], maxsplit=1)[0].split()
    if len(tail) > MAX_WORDS_AFTER_PHRASE or not all(word in QUALIFIERS or word.isdigit() for word in tail):
        return None
    return "OutOfStock" if match.group("out") else "InStock"


def read_stock_lines(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Availability | None:
    """The state of the first stock line in the area, skipping what ``ignored`` says is about other products and
    lines kept hidden (the "Currently unavailable" a page holds ready beside its buy button)."""
    for element in area_elements(area):
        state = stock_line_state(line_text(element))
        if state and not (ignored(element) or describes_an_option(element) or hidden(element)):
            return state
    return None


def delivery_line_state(text: str | None) -> Availability | None:
    """InStock from a short line promising delivery by a date or within a time; None for anything else."""
    if not text or len(text) > MAX_STOCK_LINE:
        return None
    line = " ".join(text.split())
    return "InStock" if DELIVERY_LINE.match(line) and not ABOUT_A_CHANNEL.search(line.lower()) else None


def read_delivery_lines(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Availability | None:
    """InStock when the area (an offer block) promises delivery by a date or within a time, else None."""
    for element in area_elements(area):
        if delivery_line_state(line_text(element)) and not ignored(element) and not describes_an_option(element):
            return "InStock"
    return None


def describes_an_option(element: etree._Element) -> bool:
    """Whether a line labels one of several choices (a radio button's label: "Used: not available"),
    which says nothing about the product as a whole."""
    for node in islice([element, *element.iterancestors()], OPTION_LABEL_DEPTH):
        if node.tag == "label" or CHOICE_INPUTS(node):
            return True
    return False


def buy_control_state(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Availability | None:
    """InStock when this product's add-to-cart control can be pressed, or is disabled or hidden only until a choice
    (size, colour) is made; OutOfStock when it is disabled or hidden and no choice is pending; None without one."""
    blocked = []
    for control in buy_controls(area, ignored):
        if not unusable(control):
            return "InStock"
        blocked.append(control)
    if not blocked:
        return None
    form = next(blocked[0].iterancestors("form"), None)
    pending = PENDING_CHOICE(area) or (form is not None and PENDING_CHOICE(form))
    return "InStock" if pending else "OutOfStock"


def restock_alert_state(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Availability | None:
    """OutOfStock when the area offers to tell the shopper when the product is back and holds no buy control at
    all; None otherwise (a size's alert beside a buy button says nothing of the product as a whole)."""
    if next(buy_controls(area, ignored), None) is not None:
        return None
    for control in BUY_CONTROLS(area)[:MAX_CONTROLS]:
        if RESTOCK_ALERT.match(control_label(control) or control.get("title", "")) and not (
            ignored(control) or hidden(control) or describes_an_option(control)
        ):
            return "OutOfStock"
    return None


def buy_controls(area: etree._Element, ignored: Callable[[etree._Element], bool]) -> Iterator[etree._Element]:
    for control in BUY_CONTROLS(area)[:MAX_CONTROLS]:
        label = control_label(control)
        if (BUY_LABEL.match(label) or marked_buy_button(control, label)) and not (
            ignored(control) or unsettled(control)
        ):
            yield control


def control_label(control: etree._Element) -> str:
    """What a control says: its text, its value, its alt text or the alt text of its image (not its title, which
    often names the product as well: "Add Tignanello Multi Pocket Organizer Crossbody to cart")."""
    return (inline_text(control) or control.get("value") or control.get("alt") or image_face(control)).strip()


def image_face(control: etree._Element) -> str:
    """The alt text of the image a textless control shows as its face ("<a href='javascript:'><img alt='Comprar
    …'>"); a link to another page is no control, whatever its image says (a product card's "Buy X")."""
    if control.tag == "a" and leads_elsewhere(control):
        return ""
    face = next(control.iter("img"), None)
    return (face.get("alt") or "") if face is not None else ""


def leads_elsewhere(link: etree._Element) -> bool:
    """Whether a link opens another page, rather than running the page's own script ("#", "javascript:…")."""
    href = (link.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:"))


def marked_buy_button(control: etree._Element, label: str) -> bool:
    """Whether a button (or a link that opens no other page: "<a id='lnkButtonAddToCart' href='javascript:…'>") is
    marked as the buy button, labelled in a word or two, and can be pressed: a disabled one labelled otherwise often
    asks for a choice first ("Select size"), which says nothing of stock."""
    # camelCase ids split into words: "UcAddToCartButton" is "uc-add-to-cart-button", as "add-to-cart" is.
    marks = "-".join(MARK_WORDS.findall(f"{control.get('class', '')} {control.get('id', '')}")).lower()
    return (
        not (control.tag == "a" and leads_elsewhere(control))
        and len(label.split()) <= MAX_MARKED_LABEL_WORDS
        and bool(BUY_MARK.search(marks))
        and not unusable(control)
    )


def unsettled(control: etree._Element) -> bool:
    """Whether a control sits in a block still loading (a page saved before its script set the buttons):
    its disabled state then says nothing about stock."""
    for node in islice([control, *control.iterancestors()], SETTLING_DEPTH):
        if LOADING_WORDS.search(f"{node.get('class', '')} {node.get('aria-busy', '')}".lower()):
            return True
    return False


def unusable(control: etree._Element) -> bool:
    classes = f"{control.get('class', '')} {control.get('id', '')}".lower()
    return (
        control.get("disabled") is not None
        or (control.get("aria-disabled") or "").lower() == "true"
        or "disabled" in classes
        or hidden(control)
    )


def hidden(element: etree._Element) -> bool:
    for node in [element, *element.iterancestors()]:
        style = (node.get("style") or "").replace(" ", "").lower()
        if node.get("hidden") is not None or "display:none" in style:
            return True
    return False
