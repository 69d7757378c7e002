"""Crawler topology: frontier → fetch (per host) → parse → index → publish images → status."""

from streamparse import Grouping, Topology

from bolts.fetch import FetchBolt
from bolts.index import IndexBolt
from bolts.parse import ParseBolt
from bolts.publish_images import PublishImagesBolt
from bolts.status import StatusBolt
from spouts.frontier import FrontierSpout


class CrawlerTopology(Topology):
    # A page's tuple tree not acked in time is failed and its page retried: tuples lost with a dead worker wait this
    # long. A page takes seconds (fetch timeouts 30 s, the spout paces hosts), and no crawler bolt loads a model.
    config = {"topology.message.timeout.secs": 90}  # noqa: RUF012 (streamparse reads it off the class)

    frontier = FrontierSpout.spec()
    fetch = FetchBolt.spec(inputs={frontier: Grouping.fields("host")})
    parse = ParseBolt.spec(inputs=[fetch["page"]])
    index = IndexBolt.spec(inputs=[parse["product"]])
    publish = PublishImagesBolt.spec(inputs=[index])
    status = StatusBolt.spec(
        inputs={
            fetch["outcome"]: Grouping.fields("url"),
            parse["outcome"]: Grouping.fields("url"),
            publish: Grouping.fields("url"),
        }
    )
