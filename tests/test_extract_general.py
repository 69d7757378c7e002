"""Rules that follow from how shop pages are built rather than from one shop: a gallery photo's shown file beside
its largest version, the share image a page declares, logos beside the title, OpenGraph tags written in <body>.

Each page here is a few lines of hand-written HTML.
"""

from __future__ import annotations

from snapmode.extract import extract_product

URL = "https://shop.example/p/linen-dress"
BUY_BOX = '<p class="price">89,00 €</p><button>Add to cart</button>'


def page(head: str = "", body: str = "") -> str:
    return f"<html><head><title>Linen dress | Shop</title>{head}</head><body><main>{body}</main></body></html>"


def test_a_gallery_photo_is_the_file_it_shows_unless_that_is_a_thumbnail():
    gallery = (
        '<img src="/media/dress-500.jpg" data-zoom-src="/media/dress-1600.jpg" alt="Front">'
        '<img src="/media/back-400.jpg" srcset="/media/back-400.jpg 400w, /media/back-1200.jpg 1200w" alt="Back">'
        '<img src="/media/side-120.jpg" width="120" srcset="/media/side-120.jpg 120w, /media/side-900.jpg 900w">'
        '<a href="/media/detail-1400.jpg"><img src="/media/detail-thumb.jpg" alt="Detail"></a>'
        '<img src="/media/hem.jpg" alt="Hem">'
    )
    product = extract_product(page(body=f"<div><h1>Linen dress</h1>{gallery}{BUY_BOX}</div>"), URL)
    assert product.images == [  # one URL per photo: each is downloaded, detected and embedded
        "https://shop.example/media/dress-500.jpg",  # the file the page lays out, not its zoom version
        "https://shop.example/media/back-400.jpg",
        "https://shop.example/media/side-900.jpg",  # declared 120 px wide: a thumbnail gives way to its largest
        "https://shop.example/media/detail-1400.jpg",  # a thumbnail linking to its photo
        "https://shop.example/media/hem.jpg",
    ]


def test_the_declared_share_image_is_a_photo_of_the_product_whatever_the_og_type():
    head = (
        '<meta property="og:type" content="website"><meta property="og:image" content="/media/dress-og.jpg">'
        '<meta name="twitter:image" content="https://cdn.shop.example/dress-card.jpg">'
    )
    body = '<div><h1>Linen dress</h1><img src="/media/dress.jpg" alt="Dress">' + BUY_BOX + "</div>"
    product = extract_product(page(head, body), URL)
    assert product.images == [
        "https://shop.example/media/dress-og.jpg",
        "https://cdn.shop.example/dress-card.jpg",
        "https://shop.example/media/dress.jpg",
    ]
    # A shop without a photo to share declares its logo there: that is no photo of the product.
    logo = '<meta property="og:image" content="/static/shop-logo.png">'
    assert extract_product(page(logo, body), URL).images == ["https://shop.example/media/dress.jpg"]
    # A listing page declares a share image too, but is no product: nothing is read from it.
    cards = "".join(
        f'<li class="card"><a href="/p/{n}"><img src="/media/{n}.jpg"></a><span>{n}9,00 €</span></li>' for n in range(4)
    )
    assert not extract_product(page(head, f"<h1>Dresses</h1><ul>{cards}</ul>"), URL).is_product


def test_a_logo_beside_the_title_is_not_the_product_photo():
    headline = (
        '<div class="product-headline"><div class="image-container"><img src="/gfx/makers/hp.gif" alt="HP logo">'
        "</div><h1>HP Active Pen</h1></div>"
    )
    gallery = '<div class="gallery"><img src="/images/active-pen.jpg" alt="HP Active Pen"></div>'
    maker = '<div class="brand-logo"><a href="/hp"><img src="/static/hp-mark.png"></a></div>'
    product = extract_product(page(body=f"<div>{headline}{gallery}{maker}{BUY_BOX}</div>"), URL)
    assert product.images == ["https://shop.example/images/active-pen.jpg"]
    # A photo of a product with a logo on it is still a photo of the product.
    shirt = '<div><h1>Logo T-shirt</h1><img src="/media/logo-tee.jpg" alt="Balenciaga logo T-shirt">' + BUY_BOX
    assert extract_product(page(body=shirt + "</div>"), URL).images == ["https://shop.example/media/logo-tee.jpg"]


def test_a_button_graphic_beside_the_title_is_not_the_product_photo():
    # A Magento 1 theme: the photo sits in a column of its own, the buy button beside the title is an image.
    photo = '<div class="product-img-box"><img id="image" src="/media/catalog/product/dress.jpg" alt="Dress"></div>'
    buy = (
        '<div class="product-shop"><h3 class="product-name">Linen dress</h3><p class="price">89,00 €</p>'
        '<a href="#" onclick="productAddToCartForm.submit(); return false;">'
        '<img src="/skin/frontend/default/theme/images/btn_add_to_cart.gif" alt="Add to cart"></a></div>'
    )
    product = extract_product(page(body=f"<div>{photo}{buy}</div>"), URL)
    assert product.images == ["https://shop.example/media/catalog/product/dress.jpg"]
    # Galleries wrap their thumbnails in buttons: those stay photos.
    thumbs = '<button type="button"><img src="/media/dress-front.jpg" alt="Front"></button>'
    body = f"<div><h1>Linen dress</h1>{thumbs}{BUY_BOX}</div>"
    assert extract_product(page(body=body), URL).images == ["https://shop.example/media/dress-front.jpg"]


def test_opengraph_tags_written_in_the_body_are_read():
    # No <h1>: only the OpenGraph tags, which a template printed after the first body markup, name the product.
    body = (
        '<div class="topbar">Free delivery</div>'
        '<meta property="og:type" content="product"><meta property="og:title" content="Linen dress">'
        '<meta property="og:image" content="https://cdn.shop.example/dress.jpg">'
        '<meta property="product:price:amount" content="89.00"><meta property="product:price:currency" content="EUR">'
    )
    product = extract_product(f"<html><head><title>Shop</title></head><body>{body}</body></html>", URL)
    assert (product.name, product.price, product.currency) == ("Linen dress", "89.00", "EUR")
    assert product.images == ["https://cdn.shop.example/dress.jpg"]
