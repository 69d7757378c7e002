"""Crawler topology: frontier → fetch (per host) → parse → index → publish images → status."""

from streamparse import Grouping, Topology

from bolts.fetch import FetchBolt
from bolts.index import IndexBolt
from bolts.parse import ParseBolt
from bolts.publish_images import PublishImagesBolt
from bolts.status import StatusBolt
from spouts.frontier import FrontierSpout


class CrawlerTopology(Topology):
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
