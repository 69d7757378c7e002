"""Generated pictures that are not product photos: what a shop page shows besides its products.

The classifier's ``not_product`` class is trained on these: logos and wordmarks, banners,
icons, blanks and screenshot-like UI blocks. Each is drawn at the size such things have on
a page (a 728x90 banner, a 48 px icon) so it goes through the same square padding as a photo.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

KINDS = ("logo", "banner", "icon", "blank", "ui")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path(__file__).parents[2] / "models" / "fonts")
WORDS = (
    "SALE", "NEW", "Free shipping", "SHOP NOW", "Summer", "Collection", "50% OFF", "Luma", "Outlet", "Sign in",
    "Newsletter", "Gift card", "Best sellers", "Trending", "Men", "Women", "Gear", "Contact us", "Returns",
    "Limited offer", "Members", "Click here", "Download the app", "Cart", "Checkout", "Search",
)

Rng = np.random.Generator


@cache
def font_files() -> tuple[Path, ...]:
    """TrueType fonts installed on this machine (none: Pillow's built-in font is used)."""
    return tuple(sorted(p for d in FONT_DIRS if d.is_dir() for p in d.rglob("*.[tT][tT][fF]")))


def _font(rng: Rng, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    files = font_files()
    if files:
        return ImageFont.truetype(str(files[rng.integers(len(files))]), size)
    return ImageFont.load_default(size)


def _colour(rng: Rng, light: bool | None = None) -> tuple[int, int, int]:
    low, high = {None: (0, 256), True: (170, 256), False: (0, 110)}[light]
    return tuple(int(c) for c in rng.integers(low, high, 3))


def _text(rng: Rng) -> str:
    if rng.random() < 0.3:  # made-up brand names and codes
        letters = string.ascii_uppercase if rng.random() < 0.5 else string.ascii_letters
        return "".join(rng.choice(list(letters), int(rng.integers(3, 10))))
    return str(rng.choice(WORDS))


def _draw_text_centred(draw: ImageDraw.ImageDraw, size: tuple[int, int], text: str, font, fill) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = (size[0] - (right - left)) / 2 - left
    y = (size[1] - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def _shape(draw: ImageDraw.ImageDraw, rng: Rng, box: tuple[float, float, float, float], fill) -> None:
    kind = rng.integers(4)
    if kind == 0:
        draw.ellipse(box, fill=fill)
    elif kind == 1:
        draw.rounded_rectangle(box, radius=(box[2] - box[0]) / 5, fill=fill)
    elif kind == 2:
        x1, y1, x2, y2 = box
        draw.polygon([((x1 + x2) / 2, y1), (x2, y2), (x1, y2)], fill=fill)
    else:
        x1, y1, x2, y2 = box
        points = rng.integers(3, 7) * 2
        angles = np.linspace(0, 2 * np.pi, points, endpoint=False)
        radii = np.where(np.arange(points) % 2 == 0, 1.0, 0.45)
        cx, cy, r = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2
        draw.polygon([(cx + r * k * np.sin(a), cy - r * k * np.cos(a)) for a, k in zip(angles, radii)], fill=fill)


def _gradient(rng: Rng, size: tuple[int, int]) -> Image.Image:
    width, height = size
    start, end = np.array(_colour(rng), float), np.array(_colour(rng), float)
    axis = np.linspace(0, 1, width if rng.random() < 0.6 else height)
    ramp = start + (end - start) * axis[:, None]
    pixels = np.broadcast_to(ramp[None], (height, width, 3)) if len(axis) == width else np.broadcast_to(
        ramp[:, None], (height, width, 3)
    )
    return Image.fromarray(np.ascontiguousarray(pixels).astype(np.uint8))


def logo(rng: Rng) -> Image.Image:
    """A wordmark, a shape with a name beside or under it, or a monogram in a circle."""
    width = int(rng.integers(120, 500))
    height = int(width * rng.uniform(0.3, 1.0))
    background = (255, 255, 255) if rng.random() < 0.6 else _colour(rng)
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    ink = _colour(rng, light=False) if sum(background) > 400 else _colour(rng, light=True)
    style = rng.integers(3)
    if style == 0:
        _draw_text_centred(draw, (width, height), _text(rng), _font(rng, max(10, int(height * 0.4))), ink)
    elif style == 1:
        side = height * 0.7
        top = (height - side) / 2
        _shape(draw, rng, (height * 0.15, top, height * 0.15 + side, top + side), _colour(rng))
        font = _font(rng, max(10, int(height * 0.3)))
        draw.text((height, height / 2), _text(rng), font=font, fill=ink, anchor="lm")
    else:
        side = min(width, height) * 0.85
        x, y = (width - side) / 2, (height - side) / 2
        draw.ellipse((x, y, x + side, y + side), fill=ink)
        letters = "".join(rng.choice(list(string.ascii_uppercase), int(rng.integers(1, 3))))
        _draw_text_centred(draw, (width, height), letters, _font(rng, max(10, int(side * 0.5))), background)
    return image


def banner(rng: Rng) -> Image.Image:
    """A wide strip: text on a colour or a gradient, sometimes with a button."""
    width = int(rng.integers(400, 1200))
    height = int(width / rng.uniform(3, 10))
    image = _gradient(rng, (width, height)) if rng.random() < 0.5 else Image.new("RGB", (width, height), _colour(rng))
    draw = ImageDraw.Draw(image)
    font = _font(rng, max(10, int(height * rng.uniform(0.25, 0.5))))
    ink = (255, 255, 255) if rng.random() < 0.5 else (20, 20, 20)
    draw.text((width * rng.uniform(0.03, 0.2), height / 2), _text(rng).upper(), font=font, fill=ink, anchor="lm")
    if rng.random() < 0.6:
        bw, bh = width * 0.18, height * 0.45
        x, y = width * 0.95 - bw, (height - bh) / 2
        draw.rounded_rectangle((x, y, x + bw, y + bh), radius=bh / 4, fill=_colour(rng))
        draw.text((x + bw / 2, y + bh / 2), "SHOP NOW", font=_font(rng, max(8, int(bh * 0.4))), fill=ink, anchor="mm")
    return image


def icon(rng: Rng) -> Image.Image:
    """A small glyph (a shape, a letter, a cart-like outline) on a plain background."""
    side = int(rng.integers(32, 129))
    background = (255, 255, 255) if rng.random() < 0.5 else _colour(rng)
    image = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(image)
    fill = _colour(rng, light=sum(background) < 400)
    margin = side * rng.uniform(0.1, 0.25)
    style = rng.integers(3)
    if style == 0:
        _shape(draw, rng, (margin, margin, side - margin, side - margin), fill)
    elif style == 1:
        glyph = str(rng.choice(list(string.ascii_letters + string.digits + "+x?!@#$&")))
        _draw_text_centred(draw, (side, side), glyph, _font(rng, int(side * 0.6)), fill)
    else:  # an outline pictogram: a box with a handle, a magnifier, a heart-ish pair of circles
        line = max(2, side // 12)
        draw.rectangle((margin, side * 0.4, side - margin, side - margin), outline=fill, width=line)
        draw.arc((side * 0.3, margin, side * 0.7, side * 0.6), 180, 360, fill=fill, width=line)
    return image


def blank(rng: Rng) -> Image.Image:
    """Solid, near-solid, noisy or gradient fill: a placeholder or a failed render."""
    size = (int(rng.integers(64, 800)), int(rng.integers(64, 800)))
    style = rng.integers(4)
    if style == 0:
        return Image.new("RGB", size, _colour(rng))
    if style == 1:
        return _gradient(rng, size)
    base = np.array(_colour(rng), float)
    spread = rng.uniform(2, 12) if style == 2 else rng.uniform(30, 120)
    noise = rng.normal(0, spread, (size[1], size[0], 3))
    image = Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0, 3))) if style == 3 else image


def ui_block(rng: Rng) -> Image.Image:
    """A screenshot-like block: a header bar, lines of text, buttons and input boxes."""
    width, height = int(rng.integers(300, 1000)), int(rng.integers(200, 800))
    page = (255, 255, 255) if rng.random() < 0.7 else _colour(rng, light=True)
    image = Image.new("RGB", (width, height), page)
    draw = ImageDraw.Draw(image)
    header = int(height * rng.uniform(0.08, 0.16))
    draw.rectangle((0, 0, width, header), fill=_colour(rng))
    draw.text((10, header / 2), _text(rng), font=_font(rng, max(9, header // 2)), fill=(255, 255, 255), anchor="lm")
    font = _font(rng, int(rng.integers(10, 20)))
    y = header + 10
    while y < height - 20:
        if rng.random() < 0.2:  # a button or an input field
            w = width * rng.uniform(0.2, 0.5)
            solid = rng.random() < 0.5
            draw.rounded_rectangle(
                (10, y, 10 + w, y + 28), radius=5, fill=_colour(rng) if solid else None, outline=(150, 150, 150)
            )
            y += 38
        else:
            words = " ".join(_text(rng) for _ in range(int(rng.integers(2, 8))))
            draw.text((10, y), words, font=font, fill=(40, 40, 40))
            y += int(font.size * 1.6) if hasattr(font, "size") else 18
    return image


GENERATORS: dict[str, Callable[[Rng], Image.Image]] = {
    "logo": logo,
    "banner": banner,
    "icon": icon,
    "blank": blank,
    "ui": ui_block,
}


def generate(n: int, seed: int) -> list[tuple[str, Image.Image]]:
    """``n`` (kind, picture) pairs, kinds in turn, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    return [(KINDS[i % len(KINDS)], GENERATORS[KINDS[i % len(KINDS)]](rng)) for i in range(n)]
