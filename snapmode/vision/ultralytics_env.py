"""Make ultralytics work offline; call `configure_ultralytics()` before importing it.

Ultralytics reads its settings directory when imported, checks the network, and
downloads Arial.ttf for its plots when the font is not in that directory. Nothing
can be downloaded here, so we point it at a writable directory of ours that holds
a copy of a locally installed font under the name it looks for.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from snapmode.config import REPO_ROOT, Settings
from snapmode.errors import SnapModeError
from snapmode.vision import frameworks

FONT_CANDIDATES = (
    *sorted((REPO_ROOT / "models" / "fonts").glob("*.ttf")),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


class UltralyticsSetupError(SnapModeError):
    pass


def configure_ultralytics(config_dir: Path | None = None) -> Path:
    """Set YOLO_OFFLINE, YOLO_VERBOSE (unless set) and YOLO_CONFIG_DIR (default: <home>/ultralytics), with the font
    in place; returns the dir.

    Idempotent; once ultralytics is imported its directory is fixed, so later calls keep that one.
    """
    if "ultralytics" in sys.modules and "YOLO_CONFIG_DIR" in os.environ:
        return Path(os.environ["YOLO_CONFIG_DIR"])
    config_dir = (config_dir or Settings().home / "ultralytics").resolve()
    font = config_dir / "Ultralytics" / "Arial.ttf"  # ultralytics keeps its files in this subdirectory
    font.parent.mkdir(parents=True, exist_ok=True)
    if not font.exists():
        source = next((path for path in FONT_CANDIDATES if path.exists()), None)
        if source is None:
            raise UltralyticsSetupError(
                "no TrueType font for ultralytics' plots: ship one in models/fonts/ "
                "or install DejaVu (apt-get install -y fonts-dejavu-core)"
            )
        shutil.copyfile(source, font)
    os.environ["YOLO_OFFLINE"] = "1"
    # Ultralytics logs to stdout, which is a stream component's channel to Storm (a stray line kills its worker);
    # errors still get through, and SnapMode reports its own progress.
    os.environ.setdefault("YOLO_VERBOSE", "False")
    os.environ["YOLO_CONFIG_DIR"] = str(config_dir)
    return config_dir


def import_yolo():
    """The YOLO class, imported offline and without ultralytics' global patch of PIL.Image.open.

    On bytes Pillow cannot identify, the patched opener tries to pip-install a HEIF plugin and then
    raises ImportError instead of PIL's UnidentifiedImageError, which breaks our image validation.
    """
    from PIL import Image

    configure_ultralytics()
    frameworks.torch()  # ultralytics loads torch: through the one place that orders it before TensorFlow
    pil_open = Image.open
    from ultralytics import YOLO

    Image.open = pil_open
    return YOLO
