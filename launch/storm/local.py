"""Run a SnapMode topology on a real Apache Storm in local mode (one JVM, one Python process per component).

`storm local` is `java org.apache.storm.LocalCluster <main> ...`: LocalCluster runs the main class (Flux)
with an in-process cluster standing in for Nimbus, keeps it up for `storm.local.sleeptime` seconds and
shuts it down. The JVM and the shell components it starts share one process group, so a stop ends all of them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from streamparse import Topology

from launch.storm.flux import flux_definition, write_flux
from snapmode.config import REPO_ROOT, Settings
from snapmode.errors import SnapModeError

STORM_SCRIPT = REPO_ROOT / "scripts" / "storm"
LOG_CONFIG = REPO_ROOT / "scripts" / "services" / "jvm" / "storm" / "log4j2.xml"
FOREVER_SECONDS = 10 * 365 * 24 * 3600  # LocalCluster needs a lifetime; "until stopped" is a long one
CLASSPATH_TIMEOUT_S = 900  # the first call downloads Storm from Maven Central
STOP_GRACE_S = 15.0


def storm_classpath() -> str:
    """Storm's jars (storm-server, storm-client, flux-core) as a Java classpath, from `scripts/storm classpath`."""
    try:
        done = subprocess.run(
            [str(STORM_SCRIPT), "classpath"], capture_output=True, text=True, timeout=CLASSPATH_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise SnapModeError(f"resolving Storm's classpath with Maven took over {CLASSPATH_TIMEOUT_S} s") from None
    if done.returncode != 0 or not done.stdout.strip():
        raise SnapModeError(f"resolving Storm's classpath with Maven failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


def flux_jar(classpath: str) -> str:
    """StormSubmitter uploads a topology jar even in local mode; the components need no more than Flux."""
    return next(entry for entry in classpath.split(":") if "/flux-core-" in entry)


def local_command(flux_file: Path, seconds: float | None, classpath: str, scratch: Path) -> list[str]:
    lifetime = FOREVER_SECONDS if seconds is None else max(1, round(seconds))
    return [
        "java",
        "-cp",
        classpath,
        f"-Dstorm.jar={flux_jar(classpath)}",
        f"-Dlog4j.configurationFile={LOG_CONFIG}",
        f"-Dstorm.local.sleeptime={lifetime}",
        # LocalCluster's ZooKeeper, Nimbus and supervisor dirs go here rather than into /tmp, where a killed
        # run would leave them.
        f"-Djava.io.tmpdir={scratch}",
        "org.apache.storm.LocalCluster",
        "org.apache.storm.flux.Flux",
        "--no-splash",
        str(flux_file),
    ]


def run_local(
    topology: type[Topology],
    settings: Settings,
    seconds: float | None = None,
    *,
    extra_conf: dict[str, Any] | None = None,
    log_file: Path | None = None,
) -> subprocess.Popen:
    """Start `topology` in Storm local mode and return the JVM's process (stop it with `stop`).

    The Flux file goes to `<settings.home>/storm/`; Storm's output to `log_file` (default: inherited).
    Runs `seconds` then exits by itself, or until stopped when None.
    """
    if topology.__name__ == "ImagingTopology" and "://" not in settings.resolved_vectors_uri:
        raise SnapModeError(
            f"the imaging topology runs several processes, but Milvus Lite at {settings.resolved_vectors_uri} "
            "allows one: start a Milvus server (scripts/services/milvus start) and set "
            "SNAPMODE_VECTORS_URI=http://127.0.0.1:19530"
        )
    # Every component process must find the same data whatever its working directory.
    settings = settings.model_copy(update={"home": settings.ensure_home().resolve()})
    definition = flux_definition(topology, settings, python=sys.executable, extra_conf=extra_conf)
    flux_file = write_flux(definition, settings.home / "storm")
    scratch = settings.home / "storm" / f"{definition.name}.local"
    shutil.rmtree(scratch, ignore_errors=True)  # what a previous run of this topology left
    scratch.mkdir()
    command = local_command(flux_file, seconds, storm_classpath(), scratch)
    log = open(log_file, "ab") if log_file is not None else None  # noqa: SIM115 - the child holds it
    try:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT if log else None, start_new_session=True
        )
    finally:
        if log is not None:
            log.close()


def stop(process: subprocess.Popen, grace: float = STOP_GRACE_S) -> int:
    """Stop a local-mode run: TERM to the JVM, whose shell components then see their input close and exit;
    KILL for whatever of the group outlives `grace`. A spout's claims are taken back by the next run, as after
    a crash: nothing is lost."""
    _signal(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(process.pid, signal.SIGKILL)
    return process.wait(grace)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass
