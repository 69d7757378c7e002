"""Imaging topology: queue → download → detect (YOLO) → classify + embed (CNN, DCGAN) → Milvus; rejects kept."""

from streamparse import Topology

from bolts.detect import DetectBolt
from bolts.embed import EmbedBolt
from bolts.image_fetch import ImageFetchBolt
from bolts.reject import RejectBolt
from bolts.vector_write import VectorWriteBolt
from spouts.images import ImageQueueSpout


class ImagingTopology(Topology):
    images = ImageQueueSpout.spec()
    fetch = ImageFetchBolt.spec(inputs=[images])
    detect = DetectBolt.spec(inputs=[fetch])
    embed = EmbedBolt.spec(inputs=[detect])
    write = VectorWriteBolt.spec(inputs=[embed])
    reject = RejectBolt.spec(inputs=[fetch["rejected"], embed["rejected"]])
