"""Entry points: the `snapmode` command line, the embedded runner and the Apache Storm launcher.

The top layer: it wires the core (`snapmode/`) to its adapters (`api/`, `topologies/` and the spouts and bolts they
run) and drives the stream engines. Nothing below imports it (the contracts in pyproject.toml; docs/architecture.md).
"""
