"""What every SnapMode spout and bolt shares: the topology configuration in, core services out.

In the core, below spouts/ and bolts/, so that neither adapter imports the other. Engine-free: the mixin fills in
the ``initialize`` hook that every stream component has, and imports no engine.
"""

from __future__ import annotations

from typing import ClassVar

from snapmode.config import Settings
from snapmode.services import Services
from snapmode.vision.frameworks import Framework, uses


class UsesServices:
    """Mixed into streamparse components; `initialize` runs once per worker task.

    ``frameworks`` names the deep-learning frameworks the component runs. On a cluster each component is a process
    of its own, which then loads those and nothing of the others; the embedded runner initializes every component
    of its topologies in one process, which so learns that it runs both (snapmode.vision.frameworks).
    """

    services: Services
    frameworks: ClassVar[tuple[Framework, ...]] = ()

    def initialize(self, storm_conf, context) -> None:
        uses(*self.frameworks)
        self.services = Services.shared(Settings.from_conf(storm_conf))
