"""`python -m launch.storm local|submit crawler|imaging ...` (scripts/storm is the entry operators use)."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
from types import FrameType

from streamparse import Topology

from launch.storm.flux import flux_definition, write_flux
from launch.storm.local import flux_jar, run_local, stop, storm_classpath
from snapmode.config import Settings
from snapmode.errors import SnapModeError
from topologies.crawler import CrawlerTopology
from topologies.imaging import ImagingTopology

NIMBUS_PORT = 6627

# Importing a topology loads its spouts' and bolts' modules, not the models they run: those load in the components.
TOPOLOGIES: dict[str, type[Topology]] = {"crawler": CrawlerTopology, "imaging": ImagingTopology}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/storm", description="Run SnapMode's topologies on Apache Storm")
    commands = parser.add_subparsers(dest="command", required=True)
    local = commands.add_parser("local", help="Storm local mode on this machine")
    local.add_argument("topology", choices=tuple(TOPOLOGIES))
    local.add_argument("--seconds", type=float, help="stop after this long (default: until Ctrl-C or TERM)")
    submit = commands.add_parser("submit", help="submit to a running Storm cluster")
    submit.add_argument("topology", choices=tuple(TOPOLOGIES))
    submit.add_argument("--nimbus", required=True, help="Nimbus host")
    submit.add_argument("--port", type=int, default=NIMBUS_PORT, help="Nimbus Thrift port")
    submit.add_argument("--workers", type=int, default=2, help="worker JVMs of the topology")
    submit.add_argument(
        "--parallelism",
        action="append",
        default=[],
        metavar="COMPONENT=EXECUTORS",
        help="executors of a component (default: its spec's); repeat for several",
    )
    return parser.parse_args(argv)


def parse_parallelism(pairs: list[str]) -> dict[str, int]:
    """["detect=2", ...] → {"detect": 2}; ValueError names a pair that is not COMPONENT=EXECUTORS."""
    parsed = {}
    for pair in pairs:
        name, _, count = pair.partition("=")
        if not name or not count.isdigit():
            raise ValueError(f"not COMPONENT=EXECUTORS: {pair!r}")
        parsed[name] = int(count)
    return parsed


def _stop_on(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_local_until_stopped(topology: type[Topology], settings: Settings, seconds: float | None) -> int:
    process = run_local(topology, settings, seconds)
    signal.signal(signal.SIGTERM, _stop_on)
    try:
        return process.wait()
    except KeyboardInterrupt:
        print("stopping Storm local mode...", file=sys.stderr)
        stop(process)
        return 0


def submit(
    topology: type[Topology],
    settings: Settings,
    nimbus: str,
    port: int,
    workers: int,
    parallelism: dict[str, int] | None = None,
) -> int:
    """Flux submits through StormSubmitter, which reads Nimbus' address from the topology conf; the
    uploaded topology jar is flux-core itself (the components are the installed Python project)."""
    conf = {"nimbus.seeds": [nimbus], "nimbus.thrift.port": port, "topology.workers": workers}
    # Workers run their components in directories of their own: a relative home would differ in each.
    settings = settings.model_copy(update={"home": settings.ensure_home().resolve()})
    definition = flux_definition(topology, settings, python=sys.executable, extra_conf=conf, parallelism=parallelism)
    flux_file = write_flux(definition, settings.home / "storm")
    classpath = storm_classpath()
    command = [
        "java",
        "-cp",
        classpath,
        f"-Dstorm.jar={flux_jar(classpath)}",
        "org.apache.storm.flux.Flux",
        str(flux_file),
    ]
    return subprocess.run(command, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = Settings()
    topology = TOPOLOGIES[args.topology]
    try:
        if args.command == "local":
            return run_local_until_stopped(topology, settings, args.seconds)
        return submit(topology, settings, args.nimbus, args.port, args.workers, parse_parallelism(args.parallelism))
    except (SnapModeError, ValueError) as error:
        print(f"scripts/storm: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
