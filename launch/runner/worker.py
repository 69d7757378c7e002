"""The crawl worker: the embedded runner's crawler and imaging topologies, on a thread of the API process.

`snapmode serve` hands one to the API (``api.main.create_app(worker=...)``) so a site registered through the API
is crawled, indexed and embedded with no other command. It shares the process's `Services` (Milvus Lite opens its
data directory in one process only). Paused sites are left alone by the frontier spout within a second. Nothing
here may take the API down: a failure is logged and counted, and the topologies are built again after a backoff (a
backend that is down is retried at growing intervals).
"""

from __future__ import annotations

import logging
import threading

from pydantic import BaseModel

from launch.runner.embedded import EmbeddedRunner
from snapmode.config import Settings
from snapmode.services import Services
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

log = logging.getLogger(__name__)

IDLE_SLEEP_MIN = 0.02  # seconds between polls right after work
IDLE_SLEEP_MAX = 1.0  # an idle worker polls the frontier and the queue once a second
BACKOFF_MIN = 1.0
BACKOFF_MAX = 60.0


class WorkerState(BaseModel):
    running: bool
    failures: int  # times the topologies failed and were built again
    last_error: str | None = None


class CrawlWorker:
    def __init__(self, settings: Settings) -> None:
        self._conf = settings.to_conf()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._backoff = BACKOFF_MIN
        self.failures = 0
        self.last_error: str | None = None
        # Spouts and bolts look their services up by configuration: make sure they find this process's.
        if Services.shared(Settings.from_conf(self._conf)) is not Services.shared(settings):
            raise ValueError("the worker's settings do not round-trip through the topology configuration")

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="snapmode-crawl-worker", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the worker to stop and wait for it; URLs it had claimed are handed back."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def state(self) -> WorkerState:
        running = self._thread is not None and self._thread.is_alive()
        return WorkerState(running=running, failures=self.failures, last_error=self.last_error)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._work()
            except Exception as exc:  # the API must outlive any failure of the crawl
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("crawl worker failed; starting again in %.0f s", self._backoff)
                self._stop.wait(self._backoff)
                self._backoff = min(BACKOFF_MAX, self._backoff * 2)

    def _work(self) -> None:
        runners = [
            EmbeddedRunner(CrawlerTopology, self._conf, finished=self._stop.is_set),
            EmbeddedRunner(ImagingTopology, self._conf, finished=self._stop.is_set),
        ]
        crawler = runners[0]
        idle = IDLE_SLEEP_MIN
        try:
            while not self._stop.is_set():
                worked = False
                for runner in runners:
                    worked = runner.step() or worked
                if worked:
                    idle, self._backoff = IDLE_SLEEP_MIN, BACKOFF_MIN
                else:
                    crawler.wait(idle)  # returns as soon as a fetch thread hands in a page
                    idle = min(IDLE_SLEEP_MAX, idle * 2)
        finally:
            for runner in runners:
                for name in runner.spouts:
                    _quietly(runner.components[name].deactivate)


def _quietly(action) -> None:
    try:
        action()
    except Exception:  # stopping must not mask the error that stopped the worker
        log.warning("could not hand back a spout's claims", exc_info=True)

