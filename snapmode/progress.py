"""Progress-bar parts shared by every long job (crawling, dataset building, training)."""

from __future__ import annotations

from rich.progress import ProgressColumn, Task
from rich.table import Column
from rich.text import Text


class RateColumn(ProgressColumn):
    """Items per second, e.g. "12.50 img/s"; rich's own speed column assumes bytes."""

    def __init__(self, unit: str = "it") -> None:
        super().__init__(table_column=Column(no_wrap=True))
        self.unit = unit

    def render(self, task: Task) -> Text:
        rate = f"{task.speed:.2f}" if task.speed else "--"
        return Text(f"{rate} {self.unit}/s", style="progress.data.speed")
