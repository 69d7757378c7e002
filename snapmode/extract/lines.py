"""Short lines of a page's text, read with bounded work: the unit the layout layer reads prices, stock and specs from.

A "line" is an element whose whole text is short ("Price: £48.48", "In stock", "SKU: AB-12"). Whether an
element is one is decided by looking at no more than MAX_LINE_ELEMENTS nodes under it, and an area is
read at most MAX_AREA_ELEMENTS elements deep, so a huge or deeply nested page costs a bounded amount of work.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from lxml import etree

from snapmode.extract.normalize import inline_text

MAX_LINE_CHARS = 120
MAX_LINE_ELEMENTS = 40  # an element with more nodes under it is a block, not a line
MAX_AREA_ELEMENTS = 3000  # elements of one area read per question (prices, stock, specs)
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "select", "option", "textarea"})


def area_elements(area: etree._Element) -> Iterator[etree._Element]:
    """The elements of an area in page order (the area itself first), at most MAX_AREA_ELEMENTS of them."""
    for element in islice(area.iter(), MAX_AREA_ELEMENTS):
        if isinstance(element.tag, str):
            yield element


def is_block(element: etree._Element) -> bool:
    """Whether more than MAX_LINE_ELEMENTS nodes lie under the element: a block, whose text is not read as a line."""
    return next(islice(element.iter(), MAX_LINE_ELEMENTS, None), None) is not None


def line_text(element: etree._Element) -> str | None:
    """The element's text when it is a short line; None for blocks, long texts and scripts."""
    if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS or is_block(element):
        return None
    nodes = list(element.iter())
    if any(node.tag in SKIPPED_TAGS for node in nodes):
        text = inline_text(element)
    else:  # libxml2's own text serialisation: the common case, several times faster than an XPath per line
        text = " ".join(etree.tostring(element, method="text", encoding=str, with_tail=False).split()) or None
    return text if text and len(text) <= MAX_LINE_CHARS else None


def cells_text(row: etree._Element) -> str | None:
    """A table row's line with its cells kept apart ("Price (incl. tax)" + "£4.00" → "Price (incl. tax) £4.00")."""
    cells = [line_text(cell) for cell in islice(row, MAX_LINE_ELEMENTS) if isinstance(cell.tag, str)]
    text = " ".join(cell for cell in cells if cell)
    return text if text and len(text) <= MAX_LINE_CHARS else None
