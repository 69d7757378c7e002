"""One install per role, and each process loads only its frameworks (docs/deploy.md, "What each role installs and
uses").

pyproject.toml's base ``dependencies`` are what every role runs and each role adds its extra. Checked here:

- every third-party import of the product's modules (and the lab's) is installed by each role that loads the module;
- a module imports at load time only modules of its own role (what other roles run is imported where they run it);
- each role's process, run for real in a fresh interpreter, loads nothing its install lacks and never the framework
  it must not: the crawler neither torch nor TensorFlow, the detect bolt no TensorFlow, the embed bolt no torch; the
  API's photo search loads both, torch first;
- torch, TensorFlow and Keras are imported in one place only, snapmode/vision/frameworks.py.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from snapmode.shop.server import running_shop

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PRODUCT = ("snapmode", "api", "bolts", "spouts", "topologies", "launch")
CHECKED = (*PRODUCT, "lab")
OURS = {*CHECKED, "tests", "bench", "scripts"}

# The extras a module needs beyond the base; the longest matching prefix of its name wins, the base when none does.
MODULE_EXTRAS: dict[str, frozenset[str]] = {
    "snapmode.vision": frozenset({"imaging"}),
    "snapmode.vision.frameworks": frozenset(),  # every process may ask it; it imports the frameworks in functions
    "snapmode.vision.taxonomy": frozenset(),  # label names
    "snapmode.pipeline.imaging": frozenset({"imaging"}),
    "snapmode.pipeline.search": frozenset({"imaging"}),
    "snapmode.similarity": frozenset({"imaging"}),
    "snapmode.backends.vectors.milvus": frozenset({"imaging"}),
    "snapmode.backends.vectors.compact": frozenset({"imaging"}),
    "snapmode.backends.vectors.compact_store": frozenset({"imaging"}),
    "snapmode.backends.vectors.hits": frozenset({"imaging"}),
    "snapmode.backends.vectors.key_search": frozenset({"imaging"}),
    "snapmode.backends.vectors.migration": frozenset({"imaging"}),
    "bolts.image_fetch": frozenset({"imaging"}),
    "bolts.detect": frozenset({"imaging"}),
    "bolts.embed": frozenset({"imaging"}),
    "bolts.vector_write": frozenset({"imaging"}),
    "spouts.images": frozenset({"imaging"}),
    "topologies.imaging": frozenset({"imaging"}),
    "snapmode.backends.queue.kafka": frozenset({"cluster"}),
    "api": frozenset({"api"}),
    "launch.runner.worker": frozenset({"api"}),  # the crawl worker of `snapmode serve`
    "snapmode.shop": frozenset({"shop"}),
    "launch.cli.demo": frozenset({"api", "shop"}),
    "launch.storm": frozenset({"cluster", "imaging"}),  # the Storm launcher names both topologies
    "lab": frozenset({"lab"}),
    "lab.cli": frozenset(),  # every `snapmode` command loads it through its entry point
}
# Imports inside functions of a module that other roles load too: the command or call that runs them is this role's.
LAZY_IMPORTS: dict[tuple[str, str], frozenset[str]] = {
    ("launch.cli.main", "uvicorn"): frozenset({"api"}),  # `snapmode serve`
    **{
        ("snapmode.vision.frameworks", name): frozenset({"imaging"})
        for name in ("torch", "torchvision", "triton", "tensorflow", "keras", "numpy", "threadpoolctl")
    },
}
FRAMEWORKS = ("torch", "torchvision", "triton", "tensorflow", "keras")


@dataclass(frozen=True)
class Import:
    name: str  # a module of ours, or the top-level name of a third-party package
    ours: bool
    lazy: bool  # inside a function: runs when the function does


def _module_files() -> dict[str, Path]:
    files = {}
    for package in CHECKED:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


MODULES = _module_files()


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST, lazy: bool = False):
    """Every import statement with whether it runs only when a function does; `if TYPE_CHECKING:` never runs."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node, lazy
        return
    children = node.orelse if isinstance(node, ast.If) and _type_checking(node.test) else ast.iter_child_nodes(node)
    lazy = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
    for child in children:
        yield from _import_nodes(child, lazy)


@cache
def imports_of(path: Path) -> tuple[Import, ...]:
    found = []
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node, lazy in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for target in targets:
            top = target.split(".")[0]
            if top in OURS:
                found.append(Import(target, ours=True, lazy=lazy))
            elif top not in sys.stdlib_module_names and top != "__future__":
                found.append(Import(top, ours=False, lazy=lazy))
    return tuple(found)


def extras_of(module: str) -> frozenset[str]:
    matches = [prefix for prefix in MODULE_EXTRAS if module == prefix or module.startswith(prefix + ".")]
    return MODULE_EXTRAS[max(matches, key=len)] if matches else frozenset()


def _requirements(extra: str) -> list[Requirement]:
    return [Requirement(line) for line in PROJECT["optional-dependencies"][extra]]


@cache
def with_included(extras: frozenset[str]) -> frozenset[str]:
    """The extras and those they include (``snapmode[imaging]`` in ``api``)."""
    found, todo = set(), list(extras)
    while todo:
        extra = todo.pop()
        if extra not in found:
            found.add(extra)
            todo += [e for r in _requirements(extra) if canonicalize_name(r.name) == "snapmode" for e in r.extras]
    return frozenset(found)


@cache
def installed_by(extras: frozenset[str]) -> frozenset[str]:
    """Every distribution that installing the base and these extras brings, following each one's requirements."""
    todo = [Requirement(line) for line in PROJECT["dependencies"]]
    todo += [r for extra in with_included(extras) for r in _requirements(extra)]
    names: set[str] = set()
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name == "snapmode" or (name, frozenset(requirement.extras)) in seen:
            continue
        seen.add((name, frozenset(requirement.extras)))
        names.add(name)
        try:
            lines = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:  # not for this platform: nothing of it can be imported here either
            continue
        for line in lines:
            needed = Requirement(line)
            asked = requirement.extras or {""}
            if needed.marker is None or any(needed.marker.evaluate({"extra": extra}) for extra in asked):
                todo.append(needed)
    return frozenset(names)


@cache
def _distributions_of_import_names() -> dict[str, frozenset[str]]:
    found = metadata.packages_distributions().items()
    return {name: frozenset(canonicalize_name(d) for d in dists) for name, dists in found}


def distributions(import_name: str) -> frozenset[str]:
    return _distributions_of_import_names().get(import_name, frozenset())


def role_label(extras: frozenset[str]) -> str:
    return "snapmode[" + ",".join(sorted(extras)) + "]" if extras else "the base install"


# --- static: what the modules import ---------------------------------------------------------------------------


def test_every_third_party_import_is_installed_by_the_roles_that_load_it() -> None:
    problems = []
    for module, path in MODULES.items():
        for imported in imports_of(path):
            if imported.ours:
                continue
            extras = extras_of(module)
            if imported.lazy:
                extras |= LAZY_IMPORTS.get((module, imported.name), frozenset())
            dists = distributions(imported.name)
            if not dists:
                problems.append(f"{module} imports {imported.name}, which no installed distribution provides")
            elif not dists & installed_by(extras):
                problems.append(f"{module} imports {imported.name} ({', '.join(sorted(dists))}), "
                                f"which {role_label(extras)} does not install")
    assert problems == [], "a module's role is in MODULE_EXTRAS here, a role's packages are in pyproject.toml's extras"


def test_the_lazy_imports_allowed_to_other_roles_are_imports_inside_functions() -> None:
    for (module, name), extras in LAZY_IMPORTS.items():
        found = [i for i in imports_of(MODULES[module]) if not i.ours and i.name == name]
        assert found, f"{module} no longer imports {name}: drop it from LAZY_IMPORTS"
        assert all(i.lazy for i in found), f"{module} imports {name} when loaded, in every role, not only {extras}"


def test_a_module_loads_at_import_only_modules_of_its_role() -> None:
    """A crawler must start on the base install: its modules may name imaging code only inside functions."""
    problems = []
    for module, path in MODULES.items():
        mine = with_included(extras_of(module))
        for imported in imports_of(path):
            if imported.ours and not imported.lazy and not with_included(extras_of(imported.name)) <= mine:
                problems.append(f"{module} ({role_label(mine)}) imports {imported.name} when loaded, "
                                f"which needs {role_label(extras_of(imported.name))}")
    assert problems == [], "import another role's module inside the function that runs it, or move the module"


def test_every_extra_pins_exact_versions_that_agree_with_the_lock() -> None:
    lock = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[canonicalize_name(name)] = version
    groups = {"dependencies": PROJECT["dependencies"], **PROJECT["optional-dependencies"]}
    for group, lines in groups.items():
        for requirement in map(Requirement, lines):
            name = canonicalize_name(requirement.name)
            if name == "snapmode":
                assert requirement.extras <= set(PROJECT["optional-dependencies"]), (group, requirement)
                continue
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{group}: {requirement} is not pinned exactly"
            assert lock.get(name) == spec.version, f"{group}: {requirement}, lock.txt has {lock.get(name)}"


def test_the_crawler_installs_no_deep_learning_framework_nor_image_library() -> None:
    crawler = installed_by(frozenset({"crawl"}))
    assert not crawler & {"torch", "torchvision", "ultralytics", "tensorflow-cpu", "keras", "opencv-python", "pillow"}
    assert {"torch", "tensorflow-cpu", "ultralytics"} <= installed_by(frozenset({"api"}))


def test_the_docker_images_install_roles_that_exist() -> None:
    for dockerfile in sorted((ROOT / "docker").glob("*Dockerfile")):
        for extras in re.findall(r"SNAPMODE_EXTRAS=([\w,]+)", dockerfile.read_text(encoding="utf-8")):
            assert set(extras.split(",")) <= set(PROJECT["optional-dependencies"]), (dockerfile.name, extras)
    assert re.search(r"SNAPMODE_EXTRAS=", (ROOT / "docker" / "Dockerfile").read_text(encoding="utf-8"))


def test_torch_tensorflow_and_keras_are_imported_in_one_place_only() -> None:
    """The order that lets torch and TensorFlow share a process lives in snapmode/vision/frameworks.py alone: a module
    importing torch (or, in the product, TensorFlow or Keras) itself would load them out of that order."""
    frameworks = ROOT / "snapmode" / "vision" / "frameworks.py"
    files = [p for top in OURS if (ROOT / top).is_dir() for p in (ROOT / top).rglob("*.py")]
    importers = {}
    for path in files:
        names = {i.name for i in imports_of(path) if not i.ours}
        loads_torch = names & {"torch", "torchvision", "triton"}
        in_product = path.relative_to(ROOT).parts[0] in PRODUCT
        if loads_torch or (in_product and names & {"tensorflow", "keras"}):
            importers[str(path.relative_to(ROOT))] = sorted(names & set(FRAMEWORKS))
    assert importers == {str(frameworks.relative_to(ROOT)): sorted(FRAMEWORKS)}


# --- in a fresh process: what each role's process loads ---------------------------------------------------------

# Distributions outside the role's install cannot be imported in the probe, as where the role's install alone is
# there: what a library imports only when it is installed (httpx imports click) is left out, what the role needs
# fails. A package a library carries inside itself (setuptools' vendored platformdirs) is found as it would be.
NOT_INSTALLED = """
import importlib.machinery, os, sys, sysconfig

class NotInThisInstall(importlib.machinery.PathFinder):
    names = set(os.environ["NOT_INSTALLED"].split(","))
    site = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is None and name in cls.names:
            path = [entry for entry in sys.path if entry not in cls.site]
        return super().find_spec(name, path, target)

sys.meta_path[sys.meta_path.index(importlib.machinery.PathFinder)] = NotInThisInstall
"""
REPORT = """
import json, sys
print("LOADED " + json.dumps([[name, getattr(module, "__file__", None)] for name, module in list(sys.modules.items())
                              if "." not in name]))
try:  # after LOADED, which so lists what the role loaded by itself
    from threadpoolctl import threadpool_info
except ImportError:  # not in this role's install
    pass
else:
    print("NUMPY_BLAS_THREADS " + json.dumps([pool["num_threads"] for pool in threadpool_info()
                                              if pool["user_api"] == "blas" and "numpy" in pool["filepath"]]))
"""
BOLT = """
import collections, io, sys
from pathlib import Path
from PIL import Image
from pystorm.component import Tuple
from snapmode.config import Settings
from snapmode.domain import ImageTask, Region
from snapmode.pipeline.imaging import DetectedImage, DownloadedImage
from snapmode.vision.images import normalize_image

settings = Settings()
photo = Path(sys.argv[1]).read_bytes()
task = ImageTask(product_id="p1", image_url="http://shop.test/p1.jpg")
image = DownloadedImage(task=task, jpeg=normalize_image(photo, settings.imaging).jpeg)

def run(bolt_class, value):
    # As a Storm shell process runs it: initialized with the topology's conf, then handed a tuple.
    bolt = bolt_class(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
    sent = []
    bolt.send_message = sent.append
    bolt.initialize(settings.to_conf(), {"componentid": "probe", "taskid": 1})
    bolt.process(Tuple(1, "upstream", "default", 1, collections.namedtuple("Values", ["image"])(value)))
    bolt.process_batches()  # what a tick tuple makes a batching bolt do with a partial batch
    assert [m["command"] for m in sent] == ["emit", "ack"], sent
"""
PROBES = {
    "crawl": """
from launch.cli.main import app
app(["crawl", sys.argv[1], "--allow-private", "--max-pages", "12"], standalone_mode=False)
""",
    "detect": BOLT + """
from bolts.detect import DetectBolt
run(DetectBolt, image.model_dump_json())
""",
    "embed": BOLT + """
from bolts.embed import EmbedBolt
from snapmode.vision import frameworks
whole = Region(box=(0, 0, *Image.open(io.BytesIO(image.jpeg)).size), label="image", score=1.0)
run(EmbedBolt, DetectedImage(task=image.task, jpeg=image.jpeg, regions=[whole]).model_dump_json())
try:
    frameworks.torch()
except frameworks.FrameworkOrderError:
    print("REFUSED torch")
""",
    "api": """
from fastapi.testclient import TestClient
from api.main import create_app
with TestClient(create_app()) as client:
    answer = client.post("/api/v1/search/image", files={"file": ("p.jpg", open(sys.argv[1], "rb").read())})
    assert answer.status_code == 200, answer.text
""",
}
ROLE_OF_PROBE = {"crawl": "crawl", "detect": "imaging", "embed": "imaging", "api": "api"}
MUST_NOT_LOAD = {
    "crawl": {"torch", "tensorflow", "keras", "ultralytics", "cv2"},
    "detect": {"tensorflow", "keras"},
    "embed": {"torch", "torchvision", "triton", "ultralytics"},
    "api": set(),
}
PHOTO = ROOT / "snapmode" / "shop" / "data" / "images" / "large" / "mb01-blue-0.jpg"


def not_installed_by(extras: frozenset[str]) -> set[str]:
    """Import names of the distributions here that installing the base and these extras does not bring."""
    installed = installed_by(extras)
    return {
        name for name, dists in _distributions_of_import_names().items()
        if not dists & installed and name not in OURS and name not in sys.stdlib_module_names
    }


def run_probe(probe: str, argument: str, home: Path) -> tuple[list[tuple[str, str | None]], str]:
    script = NOT_INSTALLED + "import sys\n" + PROBES[probe] + REPORT
    blocked = ",".join(sorted(not_installed_by(frozenset({ROLE_OF_PROBE[probe]}))))
    env = {**os.environ, "SNAPMODE_HOME": str(home), "PYTHONPATH": str(ROOT), "NOT_INSTALLED": blocked}
    done = subprocess.run(
        [sys.executable, "-c", script, argument], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("LOADED ")]
    return [tuple(entry) for entry in json.loads(line.removeprefix("LOADED "))], done.stdout


def loaded_distributions(loaded: list[tuple[str, str | None]]) -> dict[str, frozenset[str]]:
    """Modules loaded from site-packages, with the distributions of the folder or file they came from there."""
    site = {Path(sysconfig.get_paths()[kind]) for kind in ("purelib", "platlib")}
    found = {}
    for name, file in loaded:
        for directory in site:
            if file and Path(file).is_relative_to(directory):
                top = Path(file).relative_to(directory).parts[0].split(".")[0]
                if top not in OURS and not top.startswith("__editable__"):  # how this checkout is installed
                    found[name] = distributions(top)
    return found


@pytest.fixture(scope="module")
def shop() -> str:
    with running_shop(crawl_delay=0) as base:
        yield base


@pytest.mark.parametrize("probe", list(PROBES))
def test_each_role_process_loads_only_what_its_install_holds(probe: str, shop: str, tmp_path: Path) -> None:
    loaded, output = run_probe(probe, shop + "/" if probe == "crawl" else str(PHOTO), tmp_path)
    names = [name for name, _ in loaded]
    assert not MUST_NOT_LOAD[probe] & set(names)
    installed = installed_by(frozenset({ROLE_OF_PROBE[probe]}))
    missing = {name: sorted(dists) for name, dists in loaded_distributions(loaded).items() if not dists & installed}
    assert missing == {}, f"{probe} loads packages snapmode[{ROLE_OF_PROBE[probe]}] does not install"
    if probe != "crawl":  # numpy's products on one thread beside the frameworks' pools (frameworks.one_blas_thread)
        (threads,) = [json.loads(line.split(" ", 1)[1]) for line in output.splitlines() if line.startswith("NUMPY_BLAS")]
        assert threads == [1]
    if probe == "crawl":
        (stats,) = [json.loads(line) for line in output.splitlines() if line.startswith('{"pages_fetched"')]
        assert stats["pages_fetched"] == 12
    if probe == "embed":
        assert "REFUSED torch" in output  # asked for after TensorFlow here, torch is refused with a reason, no segfault
    if probe == "api":
        assert names.index("torch") < names.index("tensorflow")
