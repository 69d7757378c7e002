"""The local servers that scripts/services starts, as the benches use them."""

from __future__ import annotations

import os
from pathlib import Path

from snapmode.backends.solr_client import SolrCore
from snapmode.config import SolrSettings

REPO = Path(__file__).resolve().parent.parent
SERVICES_HOME = Path(os.environ.get("SNAPMODE_SERVICES_HOME", REPO / "var" / "services"))  # scripts/services/lib.sh's


def empty_solr(settings: SolrSettings) -> None:
    """Every SnapMode core emptied: a crawl drains every registered site, so an earlier run's would hold it up."""
    for name in settings.cores:
        core = SolrCore(settings, name)
        core.delete_all()
        core.close()
