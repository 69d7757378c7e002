"""A streamparse `Topology` class as an Apache Storm Flux definition (YAML) of multilang shell components.

The wiring is read from the topology's streamparse specs (components, streams, groupings, parallelism), so
the Flux file and the embedded runner cannot drift apart. Each spout and bolt becomes a `FluxShellSpout` /
`FluxShellBolt` that starts `python -m streamparse.run <module.Class>` in a process of its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field
from streamparse import Topology

from snapmode.config import Settings

SHELL_SPOUT = "org.apache.storm.flux.wrappers.spouts.FluxShellSpout"
SHELL_BOLT = "org.apache.storm.flux.wrappers.bolts.FluxShellBolt"

# Storm settings of SnapMode's topologies; a topology's own `config`, then `extra_conf` of `flux_definition`,
# override them.
TOPOLOGY_CONF: dict[str, Any] = {
    "topology.workers": 1,
    "topology.max.spout.pending": 64,
    # A tree not acked in time is replayed. Generous: the first image a bolt sees loads its models (the crawler
    # topology, which loads none, sets its own).
    "topology.message.timeout.secs": 300,
    # A shell process that answers no heartbeat for this long is killed; one embedding on a busy CPU is slow.
    "topology.subprocess.timeout.secs": 300,
    # An idle spout is asked again after this long: each call queries the frontier or the queue.
    "topology.spout.wait.progressive.level3.sleep.millis": 10,
}


class ConfigMethod(BaseModel):
    name: str
    args: list[Any]


class Component(BaseModel):
    id: str
    className: str
    constructorArgs: list[Any]
    configMethods: list[ConfigMethod]
    parallelism: int


class Grouping(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str
    args: list[str] | None = None
    stream_id: str = Field(alias="streamId")


class Stream(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    grouping: Grouping


class FluxDefinition(BaseModel):
    name: str
    config: dict[str, Any]
    spouts: list[Component]
    bolts: list[Component]
    streams: list[Stream]

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(by_alias=True, exclude_none=True), sort_keys=False)


def topology_name(topology: type[Topology]) -> str:
    """`CrawlerTopology` → "snapmode-crawler"."""
    return "snapmode-" + topology.__name__.removesuffix("Topology").lower()


def flux_definition(
    topology: type[Topology],
    settings: Settings,
    *,
    python: str = sys.executable,
    extra_conf: dict[str, Any] | None = None,
    parallelism: dict[str, int] | None = None,
) -> FluxDefinition:
    """The Flux definition of `topology`; its components read `settings` from the conf under "snapmode".

    `python` is the interpreter each shell component runs with: it must have SnapMode installed
    (the project's virtualenv, at the same path on every supervisor of a cluster). `parallelism` gives
    components more executors than their spec's (a deployment's choice: each executor of a shell component is a
    process of its own, models loaded).
    """
    parallelism = parallelism or {}
    names = {spec.name for spec in topology.specs}
    unknown = sorted(set(parallelism) - names)
    if unknown:
        raise ValueError(
            f"{topology_name(topology)} has no component {', '.join(unknown)} (it has {', '.join(sorted(names))})"
        )
    if any(count < 1 for count in parallelism.values()):
        raise ValueError("a component's parallelism is 1 or more executors")
    spouts: list[Component] = []
    bolts: list[Component] = []
    streams: list[Stream] = []
    for spec in topology.specs:
        is_spout = not spec.inputs
        component = Component(
            id=spec.name,
            className=SHELL_SPOUT if is_spout else SHELL_BOLT,
            constructorArgs=[[python, "-m", "streamparse.run", _class_path(spec.component_cls)]],
            configMethods=_config_methods(spec),
            parallelism=parallelism.get(spec.name, spec.par),
        )
        (spouts if is_spout else bolts).append(component)
        for source, grouping in spec.inputs.items():
            streams.append(
                Stream(from_=source.componentId, to=spec.name, grouping=_grouping(grouping, source.streamId))
            )
    return FluxDefinition(
        name=topology_name(topology),
        config=TOPOLOGY_CONF | topology.config | settings.to_conf() | (extra_conf or {}),
        spouts=spouts,
        bolts=bolts,
        streams=streams,
    )


def write_flux(definition: FluxDefinition, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{definition.name}.yaml"
    path.write_text(definition.to_yaml(), encoding="utf-8")
    return path


def _class_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__name__}"


def _config_methods(spec) -> list[ConfigMethod]:
    # The child keeps the worker's working directory: a local-mode worker has no unpacked code dir to enter,
    # and the components are imported from the installed project, not from the topology jar.
    methods = [ConfigMethod(name="changeChildCWD", args=[False])]
    for stream, info in spec.outputs.items():
        methods.append(ConfigMethod(name="setNamedStream", args=[stream, list(info.output_fields)]))
    for key, value in json.loads(spec.config).items():
        methods.append(ConfigMethod(name="addComponentConfig", args=[key, value]))
    return methods


def _grouping(grouping, stream_id: str) -> Grouping:
    """A streamparse (Thrift) grouping as Flux's; Thrift's global grouping is a fields grouping on no field."""
    if grouping.fields is not None:
        if grouping.fields:
            return Grouping(type="FIELDS", args=list(grouping.fields), stream_id=stream_id)
        return Grouping(type="GLOBAL", stream_id=stream_id)
    for kind in ("shuffle", "all", "none", "local_or_shuffle", "direct"):
        if getattr(grouping, kind) is not None:
            return Grouping(type=kind.upper(), stream_id=stream_id)
    raise ValueError(f"grouping {grouping!r} on stream {stream_id!r} has no Flux equivalent")
