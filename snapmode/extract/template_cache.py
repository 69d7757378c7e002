"""Each process's copy of its sites' learned templates, so that learning never waits on the sites backend.

A page is read with the template in memory and teaches it there at once; what this process learned since it last
saved (its delta) is added to the stored template every ``SYNC_SECONDS`` or ``SYNC_PAGES`` pages, and at once
when a slot was learned or dropped. Saving reads the stored template first, so what other processes parsing the
same site learned is added up rather than overwritten, and this process picks it up in the same step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from snapmode.domain import ExtractedProduct
from snapmode.extract.templates import FieldEvidence, PageStructure, SiteTemplate, Slot, TemplateResult

log = logging.getLogger(__name__)

SYNC_SECONDS = 5.0
SYNC_PAGES = 50
MAX_TEMPLATE_CHARS = 64_000  # a stored template larger than any this code writes is not one: start afresh
MAX_SITES = 256  # sites whose template one process keeps in memory


@dataclass
class _Learning:
    view: SiteTemplate  # the stored template plus what this process learned since: what pages are read with
    delta: SiteTemplate  # what this process learned since it last saved
    synced_at: float
    pages: int = 0


@dataclass
class TemplateCache:
    """Templates by site id; ``load`` and ``save`` reach the sites backend (a site's template as JSON)."""

    load: Callable[[str], str | None]
    save: Callable[[str, str], None]
    clock: Callable[[], float] = time.monotonic
    _sites: dict[str, _Learning] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(
        self, site_id: str, structure: PageStructure, found: ExtractedProduct, site_name: str | None
    ) -> TemplateResult:
        """Read one page of the site with its template and learn from it (``SiteTemplate.observe``)."""
        with self._lock:
            learning = self._sites.get(site_id) or self._open(site_id)
            result = learning.view.observe(structure, found, site_name)
            learning.delta.take(result)
            learning.pages += 1
            due = self.clock() - learning.synced_at >= SYNC_SECONDS or learning.pages >= SYNC_PAGES
            if result.changed or due:
                self._sync(site_id, learning)
            return result

    def template(self, site_id: str) -> SiteTemplate | None:
        """This process's view of the site's template, if it has read any page of the site."""
        learning = self._sites.get(site_id)
        return learning.view if learning is not None else None

    def _open(self, site_id: str) -> _Learning:
        if len(self._sites) >= MAX_SITES:
            self._sites.pop(next(iter(self._sites)))
        try:
            view = self._stored(site_id) or SiteTemplate()
        except Exception:  # learning starts from nothing rather than stop the crawl
            log.warning("the learned template of site %s could not be read", site_id, exc_info=True)
            view = SiteTemplate()
        self._sites[site_id] = learning = _Learning(view=view, delta=_delta_of(view), synced_at=self.clock())
        return learning

    def _sync(self, site_id: str, learning: _Learning) -> None:
        """Add this process's delta to the stored template, save it, and read pages with the sum from now on."""
        learning.synced_at, learning.pages = self.clock(), 0
        try:
            merged = self._stored(site_id) or SiteTemplate()
            merged.absorb(learning.delta)
            merged.refresh()
            self.save(site_id, merged.model_dump_json())
        except Exception:  # a template is an optimisation: the crawl goes on with the one in memory
            log.warning("the learned template of site %s could not be saved; kept in memory", site_id, exc_info=True)
            return
        learning.view, learning.delta = merged, _delta_of(merged)

    def _stored(self, site_id: str) -> SiteTemplate | None:
        stored = self.load(site_id)
        if stored is None or len(stored) > MAX_TEMPLATE_CHARS:
            return None
        try:
            return SiteTemplate.model_validate_json(stored)
        except ValidationError:
            log.warning("the stored template of site %s is unreadable; learning it again", site_id)
            return None


def _delta_of(view: SiteTemplate) -> SiteTemplate:
    """An empty delta on top of ``view``: same field generations and slots, no counts yet."""
    return SiteTemplate(
        fields={name: FieldEvidence(generation=found.generation) for name, found in view.fields.items()},
        slots={name: Slot(path=slot.path, agreement=slot.agreement) for name, slot in view.slots.items()},
    )
