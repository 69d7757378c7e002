"""Search use cases: by photo (one region of it), by text with filters, and "more like this"."""

from __future__ import annotations

import base64
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from PIL import Image
from pydantic import BaseModel

from snapmode.backends.products.base import ProductFilters, ProductPage
from snapmode.backends.vectors.hits import VectorHit
from snapmode.crawl.ssrf import CredentialsInURLError, UnsafeURLError, check_url_form
from snapmode.domain import Product, Region, RegionFeatures, SearchResult
from snapmode.errors import BadImage, ImageURLRefused, InvalidRequest, NotFound
from snapmode.services import Services
from snapmode.similarity import query_features, rescored
from snapmode.vision.article_types import KIND_MIN_SCORE, SAME_KIND_MIN_SCORE, ArticleTypeHead, family_noun
from snapmode.vision.details import DETAIL_LABEL
from snapmode.vision.images import crop, normalize_image
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL

if TYPE_CHECKING:
    from snapmode.crawl.fetcher import Fetcher

log = logging.getLogger(__name__)

# A filtered photo search keeps to the products matching the filters, read from the product index
# (best text matches first when there is text), at most this many of them; the vector store searches their
# regions alone, so each of them with an embedded photo can be found however far it is from the query.
MAX_FILTER_MATCHES = 5_000
_MATCHES_PAGE = 500
# A product has several regions (photos, detections, detail views): regions fetched per round grow by this factor
# until k products are found or the store has no more to give, up to Milvus' top-k limit.
_OVERFETCH_FACTOR = 4
MAX_VECTOR_CANDIDATES = 16_384
# The copy of a photo given by URL that the answer carries, for the page to show instead of loading the URL.
PHOTO_MAX_SIDE = 1024
PHOTO_JPEG_QUALITY = 85
# Unless the query is a detected region, detection only lists the regions to offer: it runs beside the
# classifier, embedder and vector search (in one thread: the detector predicts one photo at a time anyway).
_DETECTION = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detect")


class QueryCategory(BaseModel):
    label: str  # the classifier's product category for the searched region
    score: float
    narrowed: bool  # results were limited to regions of this category


class QueryKind(BaseModel):
    label: str  # the kind of product of the searched region: a family of Myntra article types (Topwear, Shoes...)
    score: float  # the article-type head's probability of it


class ImageSearch(BaseModel):
    regions: list[Region]  # detections by score, the whole image last
    region: int  # index of the region searched with (-1 for a manual box)
    width: int
    height: int
    category: QueryCategory
    kind: QueryKind | None = None  # None when the article-type head is not confident
    notice: str | None = None  # for the shopper, when no result is of the query's kind
    photo: str | None = None  # a photo given by URL as fetched: a data:image/jpeg;base64 URL, longer side <= 1024 px
    results: list[SearchResult]


def search_by_image(
    services: Services,
    data: bytes,
    *,
    k: int | None = None,
    region: int | None = None,
    box: tuple[int, int, int, int] | None = None,
    narrow: bool = False,
    q: str | None = None,
    filters: ProductFilters | None = None,
    max_side: int | None = None,
    with_photo: bool = False,
) -> ImageSearch:
    """Detect regions in the photo, embed the chosen one, find products.

    By default the whole photo is the query (it is always the last region): with the shipped models it
    finds the right product more often than the best detection alone (docs/models.md); picking a
    region narrows the search to that garment. The searched region is tagged with the classifier's
    category; with ``narrow``, a confident category (``search.narrow_min_score``) limits the results
    to regions of that category, as large visual-search systems do, unless none is found.
    Text ``q`` and ``filters`` (as in a text search) keep the results to matching products.
    The answer names the searched region's kind of product when the article-type head is confident, with a
    notice when no result is of that kind; ``with_photo`` adds the decoded photo (for a photo given by URL).
    """
    image = normalize_image(data, services.settings.imaging, max_side=max_side).image
    width, height = image.size
    detecting = _DETECTION.submit(services.detector.detect, image)
    if box is not None:
        query_box = _clamp(box, width, height)
    elif region is None:
        query_box = (0, 0, width, height)  # the whole photo, always the last region
    else:
        regions = detecting.result()
        if not 0 <= region < len(regions):
            raise InvalidRequest(f"region must be between 0 and {len(regions) - 1}")
        query_box = regions[region].box
    query = crop(image, query_box)
    (prediction,) = services.classifier.classify([query])
    features, *views = query_features(services, query, services.settings.search.query_views)
    k = k or services.settings.search.k
    narrowed = narrow and prediction.score >= services.settings.search.narrow_min_score
    allowed = matching_products(services, q, filters or ProductFilters())
    matches = (
        best_matches(services, features, views, k, category=prediction.label, allowed=allowed) if narrowed else []
    )
    if not matches:
        narrowed, matches = False, best_matches(services, features, views, k, allowed=allowed)
    kinds = photo_article_types(services, matches)
    kind, notice = kind_and_notice(services.article_types, features.article_types, kinds, filtered=allowed is not None)
    regions = detecting.result()
    chosen = -1 if box is not None else len(regions) - 1 if region is None else region
    category = QueryCategory(label=prediction.label, score=round(prediction.score, 4), narrowed=narrowed)
    return ImageSearch(
        regions=regions,
        region=chosen,
        width=width,
        height=height,
        category=category,
        kind=kind,
        notice=notice,
        photo=_data_url(image) if with_photo else None,
        results=_results(services.article_types, matches, kinds),
    )


def similar_to_product(services: Services, product_id: str, *, k: int | None = None) -> list[SearchResult]:
    """Products whose photos look like this product's main photo, the product itself excluded."""
    product = services.products.get_many([product_id]).get(product_id)
    if product is None:
        raise NotFound(f"no product {product_id}")
    records = [r for url in product.images[:1] for r in services.vectors.records_for_image(url)]
    whole = [r for r in records if r.label == WHOLE_IMAGE_LABEL]
    if not whole:
        raise NotFound(f"product {product_id} has no embedded photo yet")
    views = [r for r in records if r.label == DETAIL_LABEL and services.settings.search.query_views]
    matches = best_matches(services, whole[0], views, k or services.settings.search.k, exclude=product_id)
    return _results(services.article_types, matches, photo_article_types(services, matches))


def fetch_image(fetcher: Fetcher, url: str, max_bytes: int) -> bytes:
    """The bytes of a photo a shopper gave by URL, fetched like the crawler fetches (SSRF guard on every hop).

    A refusal or a failure is an ``ImageURLRefused`` in words for the shopper; what the fetcher said (resolver
    output, addresses) goes to the log only."""
    refused = _refused_form(url)
    if refused:
        raise ImageURLRefused(refused)
    result = fetcher.fetch(url, max_bytes=max_bytes)
    if result.error == "too_large":
        raise BadImage(f"image at the URL is over the {max_bytes}-byte limit", too_large=True)
    if result.ok:
        return result.body
    log.info("photo URL %r refused or failed: %s (%s)", url, result.error, result.error_detail)
    if result.error in _PLAIN_FAILURES:
        raise ImageURLRefused(_PLAIN_FAILURES[result.error])
    if result.status is not None and result.status >= 300:
        raise ImageURLRefused(f"{_NOT_DOWNLOADED} (HTTP {result.status}).")
    raise ImageURLRefused(_NOT_DOWNLOADED + ".")


# Why a photo URL cannot be used, for a shopper.
_CANNOT_USE = "That address can't be used: "
_NOT_A_WEB_ADDRESS = _CANNOT_USE + "it is not a web address (http:// or https://) of a photo."
_NOT_DOWNLOADED = "The photo could not be downloaded"
_PLAIN_FAILURES = {
    "ssrf": _CANNOT_USE + "it points to a private or local network.",
    "invalid_url": _NOT_A_WEB_ADDRESS,
    "timeout": _NOT_DOWNLOADED + ": the site did not answer in time.",
    "connect": _NOT_DOWNLOADED + ": the site could not be reached.",
    "redirect_loop": _NOT_DOWNLOADED + ": the site redirects in a loop.",
    "too_many_redirects": _NOT_DOWNLOADED + ": the site redirects too many times.",
    "bad_redirect": _NOT_DOWNLOADED + ": the site redirects to an address that cannot be used.",
}


def _refused_form(url: str) -> str | None:
    """Why the URL as typed cannot be used, by the crawler's own rule (``check_url_form``; the fetcher checks it
    again, and every address it reaches)."""
    try:
        check_url_form(url)
    except CredentialsInURLError:
        return _CANNOT_USE + "addresses with a user name or password are refused."
    except UnsafeURLError:
        return _NOT_A_WEB_ADDRESS
    return None


def matching_products(services: Services, q: str | None, filters: ProductFilters) -> set[str] | None:
    """Ids of the products matching text and filters (None when there are neither: every product matches)."""
    if not q and filters == ProductFilters():
        return None
    ids: set[str] = set()
    for offset in range(0, MAX_FILTER_MATCHES, _MATCHES_PAGE):
        page = services.products.search(q, filters, offset=offset, limit=_MATCHES_PAGE)
        ids.update(product.id for product in page.items)
        if len(page.items) < _MATCHES_PAGE:
            break
    return ids


def search_text(
    services: Services, q: str | None, filters: ProductFilters, *, offset: int = 0, limit: int = 20
) -> ProductPage:
    return services.products.search(q, filters, offset=offset, limit=limit)


def best_matches(
    services: Services,
    query: RegionFeatures,
    views: list[RegionFeatures],
    k: int,
    exclude: str | None = None,
    category: str | None = None,
    allowed: set[str] | None = None,
) -> list[tuple[VectorHit, Product]]:
    """The k best products for the query and its detail views (which meet stored photos, never their details),
    each with its best hit; ``allowed`` limits the search to those products' regions."""
    if allowed is not None and not allowed:
        return []
    weights = services.settings.search
    view_hits = services.vectors.search_many(
        [view.vector for view in views], weights.view_candidates, exclude_product=exclude, category=category,
        exclude_label=DETAIL_LABEL, product_ids=allowed,
    )
    through_views = [
        hit for view, found in zip(views, view_hits, strict=True)
        for hit in rescored(view, found, weights, query_is_detail=True)
    ]
    candidates = weights.candidates
    while True:
        hits = services.vectors.search(
            query.vector, candidates, exclude_product=exclude, category=category, product_ids=allowed
        )
        best = best_per_product(rescored(query, hits, weights) + through_views, allowed)
        if len(best) >= k or len(hits) < candidates or candidates >= MAX_VECTOR_CANDIDATES:
            break
        candidates = min(candidates * _OVERFETCH_FACTOR, MAX_VECTOR_CANDIDATES)
    # Products are read k at a time, best first (each is a JSON document to parse; the hits name ~200): a vector
    # whose product is not indexed yet (the two topologies race) is not a result, and the next one takes its place.
    ranked, matches = list(best.values()), []
    for start in range(0, len(ranked), k):
        some = ranked[start : start + k]
        products = services.products.get_many([hit.product_id for hit in some])
        matches += [(hit, products[hit.product_id]) for hit in some if hit.product_id in products]
        if len(matches) >= k:
            break
    return matches[:k]


def photo_article_types(services: Services, matches: list[tuple[VectorHit, Product]]) -> list[list[float]]:
    """The article-type probabilities of each match's photo: what kind of product the photo shows. A detail view
    carries its photo's; a detected region its own, which may be another kind (the shoes in a photo of trousers)."""
    regions = {hit.image_url for hit, _ in matches if hit.label not in (WHOLE_IMAGE_LABEL, DETAIL_LABEL)}
    whole = services.vectors.article_types(regions, WHOLE_IMAGE_LABEL) if regions else {}
    return [whole.get(hit.image_url, hit.article_types) for hit, _ in matches]


def _results(
    head: ArticleTypeHead, matches: list[tuple[VectorHit, Product]], kinds: list[list[float]]
) -> list[SearchResult]:
    results = []
    for (hit, product), probabilities in zip(matches, kinds, strict=True):
        kind = head.kind(probabilities)
        results.append(
            SearchResult(
                product_id=hit.product_id,
                site=product.site,
                name=product.name,
                price=product.price,
                regular_price=product.regular_price,
                currency=product.currency,
                brand=product.brand,
                availability=product.availability,
                url=product.url,
                image_url=hit.image_url,
                score=round(hit.score, 4),
                box=hit.box,
                label=hit.label,
                category=hit.category,
                article_type=kind.family if kind else None,
            )
        )
    return results


def kind_and_notice(
    head: ArticleTypeHead,
    query: list[float],
    results: list[list[float]],
    *,
    filtered: bool,
    min_score: float = KIND_MIN_SCORE,
    same_min_score: float = SAME_KIND_MIN_SCORE,
) -> tuple[QueryKind | None, str | None]:
    """The kind of the query (its article-type probabilities) when the head is confident (``min_score``), and a
    notice when no result (their photos' probabilities) is of that kind.

    A result counts as of the query's kind from a lower probability of that family (``same_min_score``) than
    naming a kind takes: the head is less sure of the shop's photos than of Myntra's, and a notice on a real
    match costs more than a missed one (docs/models.md, "Is it the kind the shopper asked for?")."""
    kind = head.kind(query, min_score)
    if kind is None:
        return None, None
    found = QueryKind(label=kind.family, score=round(kind.score, 4))
    if not results or any(head.family_score(result, kind.family) >= same_min_score for result in results):
        return found, None
    where = "among the products that match the filters" if filtered else "in this index"
    return found, f"No {family_noun(kind.family)} {where}: these are the closest other products."


def _data_url(image: Image.Image) -> str:
    copy = image.copy()
    copy.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=PHOTO_JPEG_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def best_per_product(hits: list[VectorHit], allowed: set[str] | None) -> dict[str, VectorHit]:
    """Each allowed product's best hit, best product first."""
    best: dict[str, VectorHit] = {}
    for hit in hits:
        if allowed is not None and hit.product_id not in allowed:
            continue
        if hit.product_id not in best or hit.score > best[hit.product_id].score:
            best[hit.product_id] = hit
    return dict(sorted(best.items(), key=lambda item: -item[1].score))


def _clamp(box: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    """The box as given (x1 < x2, y1 < y2: a reversed box is as wrong as an empty one), cut to the image."""
    x1, y1, x2, y2 = box
    if x2 <= x1 or y2 <= y1:
        raise InvalidRequest("box must be x1,y1,x2,y2 with x2 > x1 and y2 > y1")
    x1, x2 = max(0, min(x1, width)), max(0, min(x2, width))
    y1, y2 = max(0, min(y1, height)), max(0, min(y2, height))
    if x2 - x1 < 4 or y2 - y1 < 4:
        raise InvalidRequest("box is empty or outside the image")
    return x1, y1, x2, y2
