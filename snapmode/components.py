"""What every SnapMode spout and bolt shares: the topology configuration in, core services out.

In the core, below spouts/ and bolts/, so that neither adapter imports the other. Engine-free: the mixin fills in
the ``initialize`` hook that every stream component has and the multilang run loop's exception hook, and imports
no engine.
"""

from __future__ import annotations

import time
from typing import ClassVar

from snapmode.config import Settings
from snapmode.errors import BackendUnavailable
from snapmode.services import Services
from snapmode.vision.frameworks import Framework, uses

UNAVAILABLE_PAUSE_S = 1.0  # after a backend did not answer, before the next tuple


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

    def _handle_run_exception(self, exc: Exception) -> None:
        """The multilang run loop's hook for an exception it caught: it reports it to Storm and fails the tuple in
        hand, then ends the process, and on Storm the worker with every component in it. A backend that cannot
        answer now (a Solr node or a Kafka broker restarting) is no reason to: the component pauses and goes on,
        and the failed tuple is replayed from its spout."""
        super()._handle_run_exception(exc)
        self.exit_on_exception = not isinstance(exc, BackendUnavailable)
        if not self.exit_on_exception:
            time.sleep(UNAVAILABLE_PAUSE_S)
