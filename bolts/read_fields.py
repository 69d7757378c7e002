from __future__ import annotations

from streamparse import Bolt

from snapmode.pipeline.crawling import PageReading, read_layout


class ReadFieldsBolt(Bolt):
    """Reads one field group of a product page from its layout; one subclass per group."""

    group: str
    outputs = ["key", "group", "fields"]

    def process(self, tup) -> None:
        part = read_layout(PageReading.model_validate_json(tup.values.reading), self.group)
        self.emit([tup.values.key, self.group, part.model_dump_json()])


class ReadIdentityBolt(ReadFieldsBolt):
    group = "identity"


class ReadPriceBolt(ReadFieldsBolt):
    group = "price"


class ReadDescriptionBolt(ReadFieldsBolt):
    group = "description"


class ReadImagesBolt(ReadFieldsBolt):
    group = "images"
