"""Which way imports point (the contracts in pyproject.toml, checked by import-linter; docs/architecture.md): entry
points over the API and topologies, over spouts and bolts, over an engine-agnostic core; the product never imports
the lab; no import loop anywhere; and the lab reaches the command line only through its entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp
from typer.testing import CliRunner

from launch.cli.main import app
from snapmode.config import REPO_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = (
    "Layers: entry points over the API and topologies, over spouts and bolts, over the engine-agnostic core",
    "The core never imports a stream engine (streamparse, pystorm)",
    "The product never imports the lab (training, synthetic data, baselines, evaluation)",
    "No import loop between the modules or packages of the product",
    "The lab never imports the entry points: its commands join the command line through an entry point",
    "No import loop between the lab's modules",
)
PACKAGES = ("snapmode", "api", "bolts", "spouts", "topologies", "launch", "lab")


def test_the_import_contracts_hold() -> None:
    # Wide enough that rich prints each contract's name on one line.
    env = {**os.environ, "COLUMNS": "300"}
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in done.stdout, f"contract {name!r} missing from pyproject.toml:\n{done.stdout}"


def test_no_module_imports_itself_back() -> None:
    """No import loop between files, a package's own ``__init__`` included: the acyclic contracts compare the
    children of each package, so they miss a loop between a package and one of its modules."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    loops = [
        graph.find_shortest_chain(importer=imported, imported=importer)
        for importer in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if graph.chain_exists(importer=imported, imported=importer)
    ]
    assert not loops, f"import loops (each chain leads back to where it starts): {loops}"


def test_the_product_command_line_loads_only_the_labs_command_definitions() -> None:
    """`snapmode` finds `train` and `eval` through the `snapmode.commands` entry point; the lab's training and
    evaluation code (TensorFlow, torch, datasets) loads only when one of those commands runs."""
    script = "import sys, launch.cli.main; print(sorted(m for m in sys.modules if m.partition('.')[0] == 'lab'))"
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['lab', 'lab.cli']"


def test_train_and_eval_keep_their_commands_on_the_product_command_line() -> None:
    runner = CliRunner()
    train = runner.invoke(app, ["train", "--help"])
    assert train.exit_code == 0, train.output
    for command in ("dcgan", "dcgan-finetune", "article-types", "detector", "classifier"):
        assert command in train.output
    retrieval = runner.invoke(app, ["eval", "retrieval", "--help"])
    assert retrieval.exit_code == 0, retrieval.output
    assert "--label-column" in retrieval.output and "--models" in retrieval.output
