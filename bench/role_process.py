"""One image worker's process for bench/roles.py: the detect bolt, the embed bolt, or both, on shop photos.

    python bench/role_process.py detect|embed|both PHOTO...

Run with the Python of the role's install (it imports the installed snapmode, not this checkout's). Each bolt is
initialized and handed tuples as a Storm shell process does it; alone, the embed bolt gets each photo with its
whole-photo region; ``both`` runs the two bolts in one process, the detect bolt's output into the embed bolt, as the
embedded runner does. Prints one JSON line: photos, tuples emitted, seconds after the first photo, and which
frameworks the process loaded.
"""

from __future__ import annotations

import collections
import io
import json
import sys
import time
from pathlib import Path


def main(kind: str, photos: list[Path]) -> dict:
    from PIL import Image
    from pystorm.component import Tuple

    from bolts.detect import DetectBolt
    from bolts.embed import EmbedBolt
    from snapmode.config import Settings
    from snapmode.domain import ImageTask, Region
    from snapmode.pipeline.imaging import DetectedImage, DownloadedImage
    from snapmode.vision.images import normalize_image
    from snapmode.vision.taxonomy import WHOLE_IMAGE_LABEL

    settings = Settings()
    values = collections.namedtuple("Values", ["image"])
    emitted = 0

    def start(bolt_class):
        bolt = bolt_class(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
        bolt.initialize(settings.to_conf(), {"componentid": bolt_class.__name__, "taskid": 1})
        return bolt

    def hand(bolt, number: int, value: str) -> list[dict]:
        nonlocal emitted
        sent: list[dict] = []
        bolt.send_message = sent.append
        bolt.process(Tuple(number, "upstream", "default", 1, values(value)))
        bolt.process_batches()  # a tick tuple's work: the imaging bolts take photos in batches
        emits = [message for message in sent if message["command"] == "emit"]
        emitted += len(emits)
        return emits

    detect = start(DetectBolt) if kind in ("detect", "both") else None
    embed = start(EmbedBolt) if kind in ("embed", "both") else None
    started = None
    for number, photo in enumerate(photos, 1):
        task = ImageTask(product_id=photo.stem, image_url=f"http://shop.test/{photo.name}")
        image = DownloadedImage(task=task, jpeg=normalize_image(photo.read_bytes(), settings.imaging).jpeg)
        if detect is not None:
            detected = hand(detect, number, image.model_dump_json())[0]["tuple"][0]
        else:
            whole = Region(box=(0, 0, *Image.open(io.BytesIO(image.jpeg)).size), label=WHOLE_IMAGE_LABEL, score=1.0)
            detected = DetectedImage(task=task, jpeg=image.jpeg, regions=[whole]).model_dump_json()
        if embed is not None:
            hand(embed, number, detected)
        started = started or time.monotonic()  # the first photo loads the models
    return {
        "photos": len(photos),
        "emitted": emitted,
        "seconds_after_first": round(time.monotonic() - started, 2),
        "loaded": sorted(name for name in ("torch", "tensorflow") if name in sys.modules),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], [Path(arg) for arg in sys.argv[2:]])))
