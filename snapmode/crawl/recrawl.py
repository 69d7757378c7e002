"""When to fetch a page again: sooner when it keeps changing, later when it does not.

Multiplicative increase/decrease between bounds, the schedule web crawlers commonly use
for change-rate estimation without keeping a page's whole history.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class RecrawlPolicy(BaseModel):
    enabled: bool = True
    initial: float = Field(24 * 3600.0, gt=0, description="Seconds before the first recrawl of a page")
    minimum: float = Field(3600.0, gt=0, description="Shortest interval, however often a page changes")
    maximum: float = Field(30 * 24 * 3600.0, gt=0, description="Longest interval, however stable a page is")
    factor: float = Field(2.0, gt=1, description="Interval divided by this on a change, multiplied when unchanged")

    @model_validator(mode="after")
    def _ordered(self) -> RecrawlPolicy:
        if not self.minimum <= self.initial <= self.maximum:
            raise ValueError("recrawl intervals must satisfy minimum <= initial <= maximum")
        return self

    def next_interval(self, previous: float | None, changed: bool) -> float:
        if previous is None:
            return self.initial
        interval = previous / self.factor if changed else previous * self.factor
        return min(self.maximum, max(self.minimum, interval))
