"""What each side of bench/crawl.py reports: one JSON line per crawl, read back by the table."""

from __future__ import annotations

import resource

from pydantic import BaseModel


class CrawlRun(BaseModel):
    crawler: str
    pages: int  # URLs fetched and settled (errors included), robots.txt left out
    products: int
    seconds: float
    errors: dict[str, int]
    peak_rss_mb: float
    product_urls: list[str]

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
