"""Colour signatures: alike for two views of one garment's colours whatever the layout, apart for other colours."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from snapmode.vision.colour import COLOUR_DIM, colour_histograms, colour_signatures


def _garment(colour: tuple[int, int, int], box: tuple[int, int, int, int], size=(200, 300)) -> Image.Image:
    photo = Image.new("RGB", size, "white")
    ImageDraw.Draw(photo).rectangle(box, fill=colour)
    return photo


def test_signatures_are_unit_rows_of_square_rooted_counts():
    photos = [_garment((200, 30, 30), (50, 50, 150, 250)), Image.new("RGB", (64, 64), (10, 200, 10))]
    signatures = colour_signatures(photos)
    assert signatures.shape == (2, COLOUR_DIM) and signatures.dtype == np.float32
    assert np.allclose(np.linalg.norm(signatures, axis=1), 1)
    # A photo of one colour is one bin: its signature is that bin alone.
    assert np.count_nonzero(signatures[1]) == 1 and colour_histograms(photos[1:]).sum() == 64 * 64


def test_another_pose_or_a_close_up_of_a_colour_beats_the_same_shot_in_another_colour():
    red = _garment((200, 30, 30), (50, 50, 150, 250))
    red_elsewhere = _garment((200, 30, 30), (10, 120, 190, 290))  # another pose: other pixels, same colours
    blue = _garment((30, 30, 200), (50, 50, 150, 250))  # the same shot re-coloured, as a shop's colour variants
    red_close_up, blue_close_up = red.crop((60, 60, 140, 140)), blue.crop((60, 60, 140, 140))  # no white at all
    query, elsewhere, other, close_up, other_close_up = colour_signatures(
        [red, red_elsewhere, blue, red_close_up, blue_close_up]
    )
    assert query @ elsewhere > 0.95 > query @ other  # the shared white background is all the re-coloured shot has
    assert query @ close_up > 0.4 and query @ other_close_up < 0.01
