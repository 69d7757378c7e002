"""Photo similarity, in one place: what a photo is compared by, the records that keep it, and a hit's score.

Indexing (snapmode.pipeline.imaging), the search (snapmode.pipeline.search, for its query) and the retrieval
evaluation (lab.evaluation.features) all turn pixels into features with `photo_features`, so a photo indexed and
the same photo searched for get identical features (tests/test_similarity.py). A photo, or a query crop, is seen

- whole: its DCGAN vector (snapmode.vision.embedder), its colour signature (snapmode.vision.colour) and the
  article-type head's probabilities (snapmode.vision.article_types), read off its vector;
- through its detail views (snapmode.vision.details): zoomed crops, each with its own vector and colour, sharing
  the whole photo's article types.

A detected region is seen whole only. A hit is scored for a query by

    score = (1 - colour_weight) * cosine similarity of the DCGAN vectors
          + colour_weight * cosine similarity of the colour signatures
          + article_type_weight * agreement of the article-type head's probabilities (their dot product)
          - detail_discount, when either side is a detail view

The DCGAN vector finds garments of the same kind and shape; colour is what a product's views share across pose
and zoom; the article-type agreement is a soft narrowing to the query's kind of product, which costs nothing when
the head is unsure. Detail views go both ways: a stored photo's details meet a close-up query, and the query's
own details (searched beside it) meet a stored close-up; a detail never meets a detail. The search fetches
``search.candidates`` regions by DCGAN cosine alone (the vector index) and ranks them by this score;
``snapmode eval retrieval --models dcgan_search`` scores every pair of photos the same way. docs/models.md ("Colour
and category in the ranking", "Article types in the ranking") has the figures behind the weights.

A new signal is computed in `photo_features`, weighed in `scores`, and kept in `RegionFeatures` (snapmode.domain),
`VectorHit` (snapmode.backends.vectors.hits) and the vector store's field for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike
from PIL import Image

from snapmode import ids
from snapmode.backends.vectors.hits import VectorHit
from snapmode.config import SearchSettings
from snapmode.domain import Region, RegionFeatures, VectorRecord
from snapmode.errors import BackendUnavailable
from snapmode.vision.colour import HISTOGRAM_SIZE, colour_signatures
from snapmode.vision.details import DETAIL_LABEL, Box, detail_boxes
from snapmode.vision.images import crop
from snapmode.vision.preprocess import square_resize
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL


class Embedder(Protocol):
    def embed(self, images: Sequence[Image.Image]) -> np.ndarray: ...


class ArticleTypes(Protocol):
    def probabilities(self, vectors: np.ndarray) -> np.ndarray: ...


class Models(Protocol):
    """The models features are computed with: a process's `Services`, or any object carrying the two."""

    @property
    def embedder(self) -> Embedder: ...

    @property
    def article_types(self) -> ArticleTypes: ...


@dataclass(frozen=True)
class PhotoFeatures:
    """n photos (or query crops), each seen whole and through its detail views: float32 arrays, rows photo after
    photo. One batch of photos is two embedder calls (the photos, then all their views) whatever its size."""

    vectors: np.ndarray  # (n, d) DCGAN vectors of the photos
    colours: np.ndarray  # (n, c) their colour signatures
    article_types: np.ndarray  # (n, classes) the head's probabilities, which each photo's views share
    detail_boxes: list[list[Box]]  # each photo's detail views, in its own pixel coordinates
    detail_vectors: np.ndarray  # (views of all photos, d)
    detail_colours: np.ndarray  # (views of all photos, c)

    def whole(self, photo: int) -> RegionFeatures:
        return RegionFeatures(**self.whole_fields(photo))

    def details(self, photo: int) -> list[tuple[Box, RegionFeatures]]:
        return [(box, RegionFeatures(**fields)) for box, fields in self.detail_fields(photo)]

    def whole_fields(self, photo: int) -> dict[str, list[float]]:
        """`whole` as the fields of a RegionFeatures (a record takes them without validating them twice)."""
        return _fields(self.vectors[photo], self.colours[photo], self.article_types[photo])

    def detail_fields(self, photo: int) -> list[tuple[Box, dict[str, list[float]]]]:
        start = sum(len(boxes) for boxes in self.detail_boxes[:photo])
        kinds = self.article_types[photo]
        return [
            (box, _fields(self.detail_vectors[start + i], self.detail_colours[start + i], kinds))
            for i, box in enumerate(self.detail_boxes[photo])
        ]


def photo_features(models: Models, photos: Sequence[Image.Image], with_details: bool = True) -> PhotoFeatures:
    """The features of each photo seen whole and (``with_details``) through its detail views.

    Index and query compute a photo's features with this same call, so they agree to the bit; photos batched
    together (the evaluation) agree with each photo alone within float32 rounding, as the model's kernels and the
    head's matrix product sum in an order that depends on the batch's size."""
    boxes = [detail_boxes((0, 0, *photo.size)) if with_details else [] for photo in photos]
    crops = [crop(photo, box) for photo, views in zip(photos, boxes, strict=True) for box in views]
    # The DCGAN and the colour signature both read a photo squared to 64 x 64: squared once here, not by each
    # (a Lanczos resize; 4.7 of a query's 29 ms, bench/photo_features.py).
    squares = [square_resize(photo, HISTOGRAM_SIZE) for photo in photos]
    view_squares = [square_resize(view, HISTOGRAM_SIZE) for view in crops]
    # One call of the DCGAN for the photos and their views: on a query (a photo and 7 views) 12.4 ms against
    # 4.1 + 11.8 ms in two calls of the model.
    embedded = _embed(models, squares + view_squares)
    vectors, detail_vectors = embedded[: len(squares)], embedded[len(squares) :]
    return PhotoFeatures(
        vectors=vectors,
        colours=colour_signatures(squares),
        article_types=models.article_types.probabilities(vectors) if photos else np.zeros((0, 0), np.float32),
        detail_boxes=boxes,
        detail_vectors=detail_vectors,
        detail_colours=colour_signatures(view_squares),
    )


def query_features(models: Models, query: Image.Image, with_views: bool = True) -> list[RegionFeatures]:
    """What a search compares by: the query crop's features, then (``with_views``) its detail views', which share
    its article types (as a stored photo's details share its)."""
    features = photo_features(models, [query], with_views)
    return [features.whole(0), *(view for _, view in features.details(0))]


@dataclass(frozen=True)
class DetectedPhoto:
    """What `photos_records` needs of one decoded photo: its regions (the whole photo's among them), the
    classifier's category of each, and the keys its records are stored under."""

    pixels: Image.Image
    regions: Sequence[Region]
    categories: Sequence[str | None]
    product_id: str
    image_url: str


def photo_records(
    models: Models,
    photo: Image.Image,
    regions: Sequence[Region],
    categories: Sequence[str | None],
    *,
    product_id: str,
    image_url: str,
) -> list[VectorRecord]:
    """The stored records of a decoded photo: one per region, in order, then one per detail view of the whole photo,
    which shares its category. ``categories`` are the classifier's, one per region.

    The whole photo's region and views are computed as a search computes a whole-photo query; the detected regions
    are embedded together, each seen whole."""
    return photos_records(models, [DetectedPhoto(photo, regions, categories, product_id, image_url)])[0]


def photos_records(models: Models, photos: Sequence[DetectedPhoto]) -> list[list[VectorRecord]]:
    """`photo_records` of several photos with three embedder calls in all (their whole regions, those regions'
    detail views, every detected region) and one article-type head call per kind, whatever their number.

    One photo alone is computed exactly as a whole-photo query is (the same calls with the same batches), so its
    features agree with the search's to the bit; photos batched together agree with each photo alone within
    float32 rounding (`photo_features`)."""
    wholes: list[int] = []
    for photo in photos:
        at = next((i for i, region in enumerate(photo.regions) if region.label == WHOLE_IMAGE_LABEL), None)
        if at is None:
            raise ValueError(f"no whole-photo region ({WHOLE_IMAGE_LABEL!r}) among the regions of {photo.image_url}")
        wholes.append(at)
    whole = photo_features(models, [crop(p.pixels, p.regions[at].box) for p, at in zip(photos, wholes, strict=True)])
    detected = [(n, i) for n, (p, at) in enumerate(zip(photos, wholes, strict=True)) for i in range(len(p.regions))]
    detected = [(n, i) for n, i in detected if i != wholes[n]]
    found = photo_features(
        models, [crop(photos[n].pixels, photos[n].regions[i].box) for n, i in detected], with_details=False
    )
    features = {key: found.whole_fields(row) for row, key in enumerate(detected)}
    features |= {(n, at): whole.whole_fields(n) for n, at in enumerate(wholes)}
    batch = []
    for n, (photo, at) in enumerate(zip(photos, wholes, strict=True)):
        keys = photo.product_id, photo.image_url
        records = [
            _record(*keys, region.box, region.label, category, features[(n, i)])
            for i, (region, category) in enumerate(zip(photo.regions, photo.categories, strict=True))
        ]
        x, y = photo.regions[at].box[:2]  # the views' boxes are in the whole region's pixels
        batch.append(
            records
            + [
                _record(*keys, (x1 + x, y1 + y, x2 + x, y2 + y), DETAIL_LABEL, photo.categories[at], fields)
                for (x1, y1, x2, y2), fields in whole.detail_fields(n)
            ]
        )
    return batch


def scores(
    cosine: ArrayLike, colour: ArrayLike, article_types: ArrayLike, detail: ArrayLike, weights: SearchSettings
) -> np.ndarray:
    """The score of each (query, region) pair from its three similarities; any broadcastable shapes."""
    colour_weight = weights.colour_weight
    return (
        (1 - colour_weight) * np.asarray(cosine)
        + colour_weight * np.asarray(colour)
        + weights.article_type_weight * np.asarray(article_types)
        - weights.detail_discount * np.asarray(detail, dtype=np.float32)
    )


def rescored(
    query: RegionFeatures, hits: list[VectorHit], weights: SearchSettings, query_is_detail: bool = False
) -> list[VectorHit]:
    """The hits (whose ``score`` is the vector index's cosine) with ``score`` replaced by the ranking score;
    ``query_is_detail`` when the query is one of the searched photo's detail views (its hits are no details)."""
    if not hits:
        return []
    colour = np.stack([hit.colour for hit in hits]) @ np.asarray(query.colour, np.float32)
    article_types = _stored_article_types(hits, len(query.article_types)) @ np.asarray(query.article_types, np.float32)
    cosine = [hit.score for hit in hits]
    detail = [query_is_detail or hit.label == DETAIL_LABEL for hit in hits]
    return [
        hit.scored(float(value))
        for hit, value in zip(hits, scores(cosine, colour, article_types, detail, weights), strict=True)
    ]


@dataclass(frozen=True)
class PhotoSignals:
    """What the ranking reads of a set of photos beside their whole-photo vectors, row-aligned with them (the
    retrieval evaluation scores every pair of photos with these, as the search scores its candidates)."""

    colours: np.ndarray  # (n, c) colour signatures of the whole photos
    article_types: np.ndarray  # (n, classes) the article-type head's probabilities, which a photo's details share
    details: np.ndarray  # (n, views, d) vectors of each photo's detail views
    detail_colours: np.ndarray  # (n, views, c) their colour signatures

    def __post_init__(self) -> None:
        n, views = self.details.shape[:2]
        shapes = (len(self.colours), len(self.article_types), self.detail_colours.shape[:2])
        if shapes != (n, n, (n, views)):
            raise ValueError(f"signals of {n} photos with {views} views each do not fit: {shapes}")


def photo_signals(models: Models, photos: Sequence[Image.Image]) -> PhotoSignals:
    """`photo_features` of the photos as arrays of one shape: where a photo has fewer detail views than another,
    its last view is repeated (only a photo's best view counts)."""
    features = photo_features(models, photos)
    counts = [len(boxes) for boxes in features.detail_boxes]
    if 0 in counts:
        raise ValueError("every photo needs a detail view: one is too small to crop")
    views = max(counts, default=0)
    starts = np.cumsum([0, *counts])[:-1]
    rows = [start + min(view, count - 1) for start, count in zip(starts, counts, strict=True) for view in range(views)]
    return PhotoSignals(
        colours=features.colours,
        article_types=features.article_types,
        details=features.detail_vectors[rows].reshape(len(photos), views, -1),
        detail_colours=features.detail_colours[rows].reshape(len(photos), views, -1),
    )


def _embed(models: Models, images: Sequence[Image.Image]) -> np.ndarray:
    return models.embedder.embed(images) if images else np.zeros((0, 0), np.float32)


def _fields(vector: np.ndarray, colour: np.ndarray, article_types: np.ndarray) -> dict[str, list[float]]:
    return {"vector": vector.tolist(), "colour": colour.tolist(), "article_types": article_types.tolist()}


def _record(
    product_id: str, image_url: str, box: Box, label: str, category: str | None, fields: dict[str, list[float]]
) -> VectorRecord:
    view = DETAIL_LABEL if label == DETAIL_LABEL else None
    return VectorRecord(
        id=ids.vector_id(image_url, box, view), product_id=product_id, image_url=image_url, box=box, label=label,
        category=category, **fields,
    )  # fmt: skip


def _stored_article_types(hits: list[VectorHit], classes: int) -> np.ndarray:
    stored = {len(hit.article_types) for hit in hits}
    if stored != {classes}:
        # A deployment state, not a bad request: photo search is unavailable until the vectors are rebuilt.
        raise BackendUnavailable(
            f"stored regions carry {sorted(stored)} article-type probabilities, the head gives {classes}: "
            "the vector index was built with another article-type head; rebuild it with `snapmode reembed`"
        )
    return np.stack([hit.article_types for hit in hits])
