"""Detail views: zoomed crops of each indexed photo, stored beside its whole-photo vector.

A shop's close-up of a zip, a pocket or a fabric shares little with its own whole-garment photo at 64x64;
it does look like the same part of that photo, enlarged. So each photo is also indexed as a few crops of
its garment (three half-size crops along its long axis, four 35% crops around its centre), and a search
scores a hit on one of them less ``SearchSettings.detail_discount`` (snapmode.similarity): a close-up finds
the product, while a whole query still prefers whole photos to another product's detail.
docs/models.md ("Detail views") has the figures that chose these crops and the discount.
"""

from __future__ import annotations

Box = tuple[int, int, int, int]

DETAIL_LABEL = "detail"  # the label of a detail view's vector, never a detector class
# (side as a share of the photo's long side, start of each crop along the long axis, and across it, as shares of
# that side); crops are drawn on the photo padded to a square (as the embedder sees it), then clipped to the photo.
_HALVES = (0.5, (0.0, 0.25, 0.5), (0.25,))
_CENTRE = (0.35, (0.65 / 3, 1.3 / 3), (0.65 / 3, 1.3 / 3))
DETAIL_GRIDS = (_HALVES, _CENTRE)


def detail_boxes(box: Box) -> list[Box]:
    """The detail crops of the region ``box`` (x1, y1, x2, y2), in the same pixel coordinates, distinct."""
    x1, y1, x2, y2 = box
    width, height = x2 - x1, y2 - y1
    if width < 1 or height < 1:
        raise ValueError(f"cannot take details of an empty {width}x{height} region")
    long_side = max(width, height)
    # The padded square's origin: the photo is centred on its short axis.
    origin_x, origin_y = x1 - (long_side - width) / 2, y1 - (long_side - height) / 2
    tall = height >= width
    boxes: list[Box] = []
    for side, along, across in DETAIL_GRIDS:
        for a in along:
            for c in across:
                left, top = (c, a) if tall else (a, c)
                crop = (
                    max(x1, round(origin_x + left * long_side)),
                    max(y1, round(origin_y + top * long_side)),
                    min(x2, round(origin_x + (left + side) * long_side)),
                    min(y2, round(origin_y + (top + side) * long_side)),
                )
                if crop[2] > crop[0] and crop[3] > crop[1] and crop not in boxes:
                    boxes.append(crop)
    return boxes
