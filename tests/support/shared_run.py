"""What the processes of one test run share, whether its tests run in one process or in pytest-xdist workers.

- The real servers: each scripts/services script listens on a fixed port, so a run starts each server once.
  The first test that needs it starts it, under a file lock the run's processes share, while the others wait
  and then find it running. Only the servers this run started are stopped, once, by the process that owns the
  run (xdist's controller, or the only process) after the last test; one already running, e.g. started by
  hand for debugging, is left running.
- The work units: the workers write which group each test belongs to (tests/support/workers.py), the
  controller's scheduler reads it.
- A home directory per test process (see `process_home`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from filelock import FileLock

from tests.support import services


class SharedRun:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def for_new_run(cls) -> SharedRun:
        return cls(Path(tempfile.mkdtemp(prefix="snapmode-test-run-")))

    def ensure_server(self, name: str) -> None:
        """Return once `name` answers, started by this run unless it already was."""
        with FileLock(self.directory / f"{name}.lock"):
            if services.is_running(name):
                return
            services.start(name)
            (self.directory / f"{name}.started").touch()

    def finish(self) -> None:
        """Stop the servers this run started; the run's directory goes too."""
        for note in sorted(self.directory.glob("*.started")):
            services.stop(note.stem)
        shutil.rmtree(self.directory, ignore_errors=True)

    def process_home(self, name: str) -> Path:
        """A home directory for one process and its children. Each Milvus Lite (2.5.1) server clears and creates
        $HOME/.cache/milvus when it creates its first collection and removes it when it exits: one starting while
        another (another worker's, or any other run's on the machine) exits fails with "Mmap manager has not been
        init"."""
        home = self.directory / f"home-{name}"
        home.mkdir(exist_ok=True)
        return home

    def write_groups(self, groups: dict[str, str]) -> None:
        """Every worker writes the same groups: each write is whole (a rename), whichever comes last."""
        partial = self.directory / f"groups.{os.getpid()}.json"
        partial.write_text(json.dumps(groups), encoding="utf-8")
        partial.replace(self.directory / "groups.json")

    def read_groups(self) -> dict[str, str]:
        return json.loads((self.directory / "groups.json").read_text(encoding="utf-8"))
