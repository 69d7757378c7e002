"""Every image, crawled or uploaded, is validated before a model sees it: bad input is a clear BadImage."""

import io
import os
import subprocess
import sys

import pytest
from PIL import Image

from snapmode.config import ImagingSettings
from snapmode.errors import BadImage
from snapmode.vision.images import decode_normalized, normalize_image

LIMITS = ImagingSettings()


def _jpeg(size=(200, 300), color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def test_normalised_image_is_rgb_and_round_trips_exactly():
    normalized = normalize_image(_jpeg(), LIMITS)
    assert normalized.image.mode == "RGB" and normalized.size == (200, 300)
    assert list(decode_normalized(normalized.jpeg).getdata()) == list(normalized.image.getdata())


def test_large_photos_are_downscaled():
    assert max(normalize_image(_jpeg((3000, 1500)), LIMITS).size) == 1024


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_a_phone_sized_jpeg_decoded_at_reduced_scale_matches_a_full_decode(mode):
    gradient = Image.linear_gradient("L").resize((4032, 3024))
    photo = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), gradient))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed: the reduced decode must still be turned
    buffer = io.BytesIO()
    photo.convert(mode).save(buffer, format="JPEG", quality=95, exif=exif)
    full = Image.open(io.BytesIO(buffer.getvalue()))
    full = full.transpose(Image.Transpose.ROTATE_270).convert("RGB")
    full.thumbnail((1024, 1024), Image.Resampling.LANCZOS)

    reduced = normalize_image(buffer.getvalue(), LIMITS).image

    assert reduced.mode == "RGB" and reduced.size == full.size == (768, 1024)
    difference = [abs(a - b) for a, b in zip(reduced.tobytes(), full.tobytes(), strict=True)]
    assert sum(difference) / len(difference) < 3


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise when displayed
    assert normalize_image(_jpeg((200, 100), exif=exif), LIMITS).size == (100, 200)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>not an image</body></html>", "not a decodable image"),
        (_jpeg()[:300], "corrupt"),
        (_jpeg((20, 20)), "smaller than"),
    ],
)
def test_bad_bytes_are_refused_with_a_reason(data, reason):
    with pytest.raises(BadImage, match=reason):
        normalize_image(data, LIMITS)


def test_decompression_bomb_is_refused_from_its_header():
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")  # 400 Mpx, a few KB on disk
    with pytest.raises(BadImage, match="pixel limit") as caught:
        normalize_image(buffer.getvalue(), LIMITS)
    assert not caught.value.too_large  # a bomb is refused as an unsupported image (415), not a large body


def test_oversized_body_is_refused_before_decoding():
    with pytest.raises(BadImage, match="byte limit"):
        normalize_image(b"\xff" * 100, ImagingSettings(max_image_bytes=50))


def test_loading_the_detector_leaves_image_validation_intact():
    # ultralytics patches PIL.Image.open globally on import; our import keeps Pillow's own opener.
    from PIL import Image as PILImage

    from snapmode.vision.ultralytics_env import import_yolo

    opener = PILImage.open
    import_yolo()
    assert PILImage.open is opener
    with pytest.raises(BadImage, match="not a decodable image"):
        normalize_image(b"<html>not an image</html>", LIMITS)


def test_loading_the_detector_prints_nothing_on_stdout(tmp_path):
    # A stream component's stdout is its channel to Storm: a stray line there kills its worker. Ultralytics writes
    # a notice there when it first creates its settings, so this runs in a fresh home and a fresh process.
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOLO_")} | {"SNAPMODE_HOME": str(tmp_path)}
    loaded = subprocess.run(
        [sys.executable, "-c", "from snapmode.vision.ultralytics_env import import_yolo; import_yolo()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert (tmp_path / "ultralytics" / "Ultralytics" / "settings.json").exists()  # the settings were created
    assert loaded.stdout == ""
