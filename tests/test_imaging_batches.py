"""The imaging path takes photos in batches (snapmode.pipeline.imaging's ``*_many``, the imaging bolts): a bad photo
among good ones is that photo's outcome alone, batched records are the one-by-one records (within float32 rounding
for the features, see tests/test_similarity.py), and a batch processed again writes nothing twice."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from launch.runner.embedded import EmbeddedRunner
from snapmode.config import Settings
from snapmode.domain import ImageTask, VectorRecord
from snapmode.errors import BadImage
from snapmode.pipeline import imaging
from snapmode.services import Services
from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL
from tests.support.crawl_server import CrawlServer
from topologies.imaging import ImagingTopology

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"
GOOD = ["wj06-purple_back.jpg", "mp07-blue_back.jpg", "mb04-black-0_alt1.jpg", "mh02-black_back.jpg"]
ATOL = 1e-5  # as tests/test_similarity.py: batches sum in another order than one photo alone


@pytest.fixture(scope="module")
def server() -> Iterator[CrawlServer]:
    with CrawlServer() as server:
        for name in GOOD:
            server.serve(f"/img/{name}", (HELDOUT / name).read_bytes(), headers={"Content-Type": "image/jpeg"})
        server.serve("/img/fake.jpg", b"<html><body>sign in</body></html>", headers={"Content-Type": "image/jpeg"})
        server.serve("/img/busy.jpg", b"try later", status=503, headers={"Content-Type": "text/plain"})
        yield server


@pytest.fixture
def services(tmp_path: Path, server: CrawlServer) -> Iterator[Services]:
    settings = Settings(home=tmp_path / "home", crawl={"allow_hosts": [server.host]}, imaging={"batch_size": 8})
    services = Services.shared(settings)
    yield services
    services.close()


def _tasks(server: CrawlServer, *names: str) -> list[ImageTask]:
    return [ImageTask(product_id=f"p-{name}", image_url=server.url(f"/img/{name}")) for name in names]


def _index(services: Services, left: int = 0) -> None:
    """The imaging topology in the embedded runner until ``left`` messages (that keep failing) are left queued."""
    runner = EmbeddedRunner(
        ImagingTopology, services.settings.to_conf(), finished=lambda: services.queue.pending() <= left
    )
    deadline = time.monotonic() + 120
    while not runner.done() and time.monotonic() < deadline:
        if not runner.step():
            runner.wait(0.02)
    assert runner.done()


def test_a_bad_photo_in_a_batch_is_reported_alone_and_its_batch_mates_are_stored(
    services: Services, server: CrawlServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    detected_batches: list[int] = []
    detect_batch = services.detector.detect_batch
    monkeypatch.setattr(
        services.detector, "detect_batch", lambda images: detected_batches.append(len(images)) or detect_batch(images)
    )
    good, fake, missing, busy = _tasks(server, *GOOD[:2]), *_tasks(server, "fake.jpg", "gone.jpg", "busy.jpg")
    services.queue.publish([good[0], fake, missing, good[1], busy])

    _index(services, left=1)

    assert detected_batches == [2]  # the good photos of the batch, in one detector call
    reasons = {reject.subject: reject.reason for reject in services.rejects.recent()}
    assert reasons[fake.image_url] == "not a decodable image: unknown format (served as image/jpeg)"
    assert reasons[missing.image_url] == "download failed: http_4xx (HTTP 404)"
    assert busy.image_url not in reasons and services.queue.pending() == 1  # failed alone: it stays queued
    for task in good:
        records = services.vectors.records_for_image(task.image_url)
        assert [r.label for r in records].count(WHOLE_IMAGE_LABEL) == 1 and len(records) > 1
    for task in (fake, missing, busy):
        assert services.vectors.records_for_image(task.image_url) == []


def test_batched_records_are_the_one_by_one_records(services: Services, server: CrawlServer) -> None:
    tasks = _tasks(server, *GOOD)
    downloaded = imaging.download_many(services, tasks)
    assert [image.task for image in downloaded] == tasks

    batched = imaging.embed_many(services, imaging.detect_many(services, downloaded))
    alone = [imaging.embed(services, imaging.detect(services, imaging.download(services, task))) for task in tasks]

    for together, single in zip(batched, alone, strict=True):
        assert [_keys(r) for r in together] == [_keys(r) for r in single]
        for mine, theirs in zip(together, single, strict=True):
            for field in ("vector", "colour", "article_types"):
                np.testing.assert_allclose(getattr(mine, field), getattr(theirs, field), atol=ATOL)


def test_each_photo_of_a_batch_gets_its_own_outcome(services: Services, server: CrawlServer) -> None:
    good, fake, busy = _tasks(server, GOOD[0], "fake.jpg", "busy.jpg")
    image, refused, later = imaging.download_many(services, [good, fake, busy])
    assert isinstance(image, imaging.DownloadedImage) and image.task == good
    assert isinstance(refused, BadImage) and refused.reason.startswith("not a decodable image")
    assert isinstance(later, imaging.ImageFetchFailed)


def test_a_batch_indexed_again_writes_and_downloads_nothing_twice(services: Services, server: CrawlServer) -> None:
    tasks = _tasks(server, *GOOD)
    services.queue.publish(tasks)
    _index(services)
    stored = {
        task.image_url: sorted(r.id for r in services.vectors.records_for_image(task.image_url)) for task in tasks
    }
    count, hits = services.vectors.count(), dict(server.hits)

    services.queue.publish(tasks)
    _index(services)
    assert services.vectors.count() == count == sum(len(ids) for ids in stored.values())
    assert {path: n for path, n in server.hits.items() if path.startswith("/img/mh")} == {
        path: n for path, n in hits.items() if path.startswith("/img/mh")
    }  # finished photos are not even downloaded again

    records = [r for task in tasks for r in services.vectors.records_for_image(task.image_url)]
    imaging.store(services, records)  # a replay of the write itself overwrites by id
    assert services.vectors.count() == count


def test_records_travel_between_workers_unchanged(services: Services, server: CrawlServer) -> None:
    (task,) = _tasks(server, GOOD[0])
    records = imaging.embed(services, imaging.detect(services, imaging.download(services, task)))
    message = imaging.EncodedRecords.of(records).model_dump_json()
    assert len(message) < sum(len(r.model_dump_json()) for r in records) / 2
    assert imaging.EncodedRecords.model_validate_json(message).decoded() == records


def _keys(record: VectorRecord) -> tuple:
    return record.id, record.box, record.label, record.category, record.product_id, record.image_url
