"""Detail views: which crops of a photo are indexed beside it (how a search scores them: tests/test_similarity.py)."""

from __future__ import annotations

import pytest

from snapmode.ids import vector_id
from snapmode.vision.details import DETAIL_LABEL, detail_boxes


def _inside(box, region) -> bool:
    return region[0] <= box[0] < box[2] <= region[2] and region[1] <= box[1] < box[3] <= region[3]


def test_a_tall_photo_is_cut_into_halves_down_its_length_and_four_crops_around_its_centre():
    boxes = detail_boxes((0, 0, 300, 600))
    halves, centre = boxes[:3], boxes[3:]
    # Half the long side (300 px) high, from the top, the middle and the bottom, centred across: the padded
    # square's centre column is 300 px wide, the whole photo.
    assert halves == [(0, 0, 300, 300), (0, 150, 300, 450), (0, 300, 300, 600)]
    assert len(centre) == 4 and all(box[3] - box[1] == 210 for box in centre)
    # 210 px squares at 130 and 260 px from the padded square's edges; across, that square starts 150 px left of
    # the photo, so they are clipped to it.
    assert centre == [(0, 130, 190, 340), (110, 130, 300, 340), (0, 260, 190, 470), (110, 260, 300, 470)]
    assert len(set(boxes)) == len(boxes)


def test_a_wide_photo_is_cut_along_its_width_and_an_offset_region_keeps_its_coordinates():
    region = (100, 40, 500, 240)  # 400 x 200
    boxes = detail_boxes(region)
    assert boxes[:3] == [(100, 40, 300, 240), (200, 40, 400, 240), (300, 40, 500, 240)]
    assert all(_inside(box, region) for box in boxes) and len(boxes) == 7


def test_a_square_photo_gets_seven_distinct_crops_and_an_empty_one_none():
    boxes = detail_boxes((0, 0, 256, 256))
    assert len(boxes) == len(set(boxes)) == 7 and all(_inside(box, (0, 0, 256, 256)) for box in boxes)
    with pytest.raises(ValueError, match="empty"):
        detail_boxes((10, 10, 10, 50))


def test_a_detail_view_has_a_key_of_its_own_even_on_a_region_box():
    box = (0, 0, 300, 300)
    assert vector_id("http://shop/p.jpg", box, DETAIL_LABEL) != vector_id("http://shop/p.jpg", box)
    assert vector_id("http://shop/p.jpg", box, DETAIL_LABEL) == vector_id("http://shop/p.jpg", box, DETAIL_LABEL)
