"""Crawler topology with split extraction: each field group of a product page is read by its own bolt
and the parts are joined by page before indexing. Same spout, fetch, index, publish and status as
topologies/crawler.py; docs/deploy.md compares the two."""

from streamparse import Grouping, Topology

from bolts.fetch import FetchBolt
from bolts.index import IndexBolt
from bolts.join_product import JoinProductBolt
from bolts.publish_images import PublishImagesBolt
from bolts.read_fields import ReadDescriptionBolt, ReadIdentityBolt, ReadImagesBolt, ReadPriceBolt
from bolts.read_page import ReadPageBolt
from bolts.status import StatusBolt
from spouts.frontier import FrontierSpout


class SplitExtractionCrawlerTopology(Topology):
    frontier = FrontierSpout.spec()
    fetch = FetchBolt.spec(inputs={frontier: Grouping.fields("host")})
    read = ReadPageBolt.spec(inputs=[fetch["page"]])
    identity = ReadIdentityBolt.spec(inputs=[read["layout"]])
    price = ReadPriceBolt.spec(inputs=[read["layout"]])
    description = ReadDescriptionBolt.spec(inputs=[read["layout"]])
    images = ReadImagesBolt.spec(inputs=[read["layout"]])
    join = JoinProductBolt.spec(
        inputs={
            read["pending"]: Grouping.fields("key"),
            identity: Grouping.fields("key"),
            price: Grouping.fields("key"),
            description: Grouping.fields("key"),
            images: Grouping.fields("key"),
        }
    )
    index = IndexBolt.spec(inputs=[read["product"], join["product"]])
    publish = PublishImagesBolt.spec(inputs=[index])
    status = StatusBolt.spec(
        inputs={
            fetch["outcome"]: Grouping.fields("url"),
            read["outcome"]: Grouping.fields("url"),
            join["outcome"]: Grouping.fields("url"),
            publish: Grouping.fields("url"),
        }
    )
