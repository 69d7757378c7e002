"""What every SnapMode spout and bolt shares: configuration in, core services out."""

from __future__ import annotations

from snapmode.config import Settings
from snapmode.services import Services


class UsesServices:
    """Mixed into streamparse components; `initialize` runs once per worker task."""

    services: Services

    def initialize(self, storm_conf, context) -> None:
        self.services = Services.shared(Settings.from_conf(storm_conf))
