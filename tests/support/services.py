"""Real servers for the cluster-path tests, started by the project's own scripts.

Each `scripts/services/<name>` script installs its server on first use, starts it on loopback,
waits until it answers and is idempotent; `stop` ends it. A test session starts a server the first
time a test asks for it and stops only the servers it started itself (one already running, e.g.
started by hand for a debugging session, is left running).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = REPO_ROOT / "scripts" / "services"


def _run(name: str, action: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPTS / name), action], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )


def is_running(name: str) -> bool:
    return _run(name, "status", 30).returncode == 0


def start(name: str, timeout: float = 900) -> None:
    done = _run(name, "start", timeout)
    if done.returncode != 0:
        raise RuntimeError(f"scripts/services/{name} start failed:\n{done.stdout}\n{done.stderr}")


def stop(name: str) -> None:
    _run(name, "stop", 120)
