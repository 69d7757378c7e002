"""Install size and resident memory of each role (docs/deploy.md, "What each role installs and uses").

    .venv/bin/python bench/roles.py sizes [--dir /tmp/snapmode-roles] [--json]
    .venv/bin/python bench/roles.py memory [--dir /tmp/snapmode-roles] [--photos 20] [--json]

``sizes`` copies this checkout's source (what git tracks or would track) and installs it into one fresh virtualenv
per install under ``--dir``: ``python3.11 -m venv``, then ``pip install -c requirements/lock.txt 'SOURCE[extras]'``
(downloads go through pip's cache). It reports the bytes under each site-packages (as ``du -sb`` counts them) and
the distributions installed. The virtualenvs of the processes ``memory`` runs (crawl, imaging, api) are kept; the
others are removed once measured.

``memory`` runs each role's process with the Python of its virtualenv under ``--dir`` (the project's .venv where
there is none) and reports its peak resident set, the kernel's ``ru_maxrss`` of the finished process (os.wait4):

- crawl: ``snapmode crawl`` of the whole demo shop (served by the project's .venv in a process of its own, no
  crawl delay, its host allow-listed with ``--allow-private``);
- detect: the detect bolt alone on ``--photos`` shop photos (bench/role_process.py);
- embed: the embed bolt alone on the same photos, each with its whole-photo region;
- both: the two bolts in one process, as the embedded runner runs them (torch loaded before TensorFlow);
- serve: ``snapmode serve`` (models loaded at start, the crawl worker idle), stopped after one photo search.

Sizes are exact for the pinned versions. Resident memory depends on what else runs on the machine (page cache,
allocator) and varies between runs by a few percent.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.local_server import free_port, server_process

LOCK = REPO / "requirements" / "lock.txt"
PHOTOS = REPO / "snapmode" / "shop" / "data" / "images" / "large"
# name of the install (and of its virtualenv) -> the extras it installs
INSTALLS = {
    "crawl": "crawl",
    "crawl-cluster": "crawl,cluster",
    "imaging": "imaging",
    "api": "api",
    "lab": "lab",
    "all": "all",
}
KEPT = {"crawl", "imaging", "api"}  # the virtualenvs `memory` runs
PYTHON = os.environ.get("PYTHON", "python3.11")
STARTUP_TIMEOUT_S = 300.0


def _source_copy(into: Path) -> Path:
    """The checkout's files as git sees them (tracked and untracked, ignored ones left out)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


def _bytes_under(path: Path) -> int:
    seen, total = set(), 0
    for root, _, files in os.walk(path):
        for name in files:
            stat = os.lstat(os.path.join(root, name))
            if (stat.st_dev, stat.st_ino) not in seen:
                seen.add((stat.st_dev, stat.st_ino))
                total += stat.st_size
    return total


def sizes(directory: Path) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        source = _source_copy(Path(scratch))
        for name, extras in INSTALLS.items():
            venv = directory / name
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, "-c", str(LOCK), f"{source}[{extras}]"], check=True)
            (site,) = (venv / "lib").glob("python3*/site-packages")
            dists = sorted(p.name.split("-")[0] for p in site.glob("*.dist-info"))
            rows.append({
                "install": f"snapmode[{extras}]",
                "site_packages_mb": round(_bytes_under(site) / 1e6, 1),
                "distributions": len(dists),
                "torch": "torch" in dists,
                "tensorflow": "tensorflow_cpu" in dists,
            })
            if name not in KEPT:
                shutil.rmtree(venv)
    dev = next((REPO / ".venv" / "lib").glob("python3*/site-packages"))
    rows.append({"install": "requirements/lock.txt (.venv: demo, tests, benches)",
                 "site_packages_mb": round(_bytes_under(dev) / 1e6, 1),
                 "distributions": len(list(dev.glob("*.dist-info"))), "torch": True, "tensorflow": True})
    return rows


def _python(directory: Path, name: str) -> tuple[Path, str]:
    """The Python of the install named ``name`` under ``directory`` (the .venv's where there is none), and its label."""
    python = directory / name / "bin" / "python"
    if python.exists():
        return python, f"snapmode[{INSTALLS[name]}]"
    return REPO / ".venv" / "bin" / "python", ".venv (requirements/lock.txt)"


def _environment(home: Path, **settings: str) -> dict[str, str]:
    # A non-editable install looks for models/ and web/dist/ beside its site-packages: point it at the checkout's.
    return {**os.environ, "SNAPMODE_HOME": str(home), "SNAPMODE_MODELS_DIR": str(REPO / "models"),
            "SNAPMODE_WEB_DIST": str(REPO / "web" / "dist"), "PYTHONPATH": "", **settings}


def _peak_mb(process: subprocess.Popen, timeout: float = 600.0) -> tuple[int, float]:
    """Wait for the process (killed after ``timeout``); its exit status and peak resident set in MB (ru_maxrss is
    in KiB on Linux)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, round(usage.ru_maxrss * 1024 / 1e6, 1)
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.1)


def _crawl(directory: Path, home: Path) -> dict:
    port = free_port()
    shop = [str(REPO / ".venv" / "bin" / "snapmode"), "shop", "serve", "--port", str(port), "--crawl-delay", "0"]
    url = f"http://127.0.0.1:{port}/"
    with server_process(shop, url + "robots.txt", "demo shop", 60, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL):
        python, install = _python(directory, "crawl")
        started = time.monotonic()
        host = json.dumps([f"127.0.0.1:{port}"])  # allow-listed, crawled without politeness delay
        environment = _environment(home, SNAPMODE_CRAWL__ALLOW_HOSTS=host, SNAPMODE_CRAWL__NO_DELAY_HOSTS=host)
        process = subprocess.Popen([str(python.parent / "snapmode"), "crawl", url], env=environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        output = process.stdout.read()
        status, peak = _peak_mb(process)
    if status != 0:
        raise RuntimeError(f"snapmode crawl exited with {status}")
    stats = json.loads(output.strip().splitlines()[-1])
    return {"process": "crawl (snapmode crawl, the demo shop)", "install": install, "peak_rss_mb": peak,
            "seconds": round(time.monotonic() - started, 1),
            "work": f"{stats['pages_fetched']} pages, {stats['products']} products"}


def _bolt(directory: Path, home: Path, kind: str, photos: list[Path]) -> dict:
    python, install = _python(directory, "imaging")
    started = time.monotonic()
    process = subprocess.Popen([str(python), str(REPO / "bench" / "role_process.py"), kind, *map(str, photos)],
                               env=_environment(home), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    status, peak = _peak_mb(process)
    if status != 0:
        raise RuntimeError(f"the {kind} process exited with {status}")
    result = json.loads(output.strip().splitlines()[-1])
    name = "detect and embed bolts in one process" if kind == "both" else f"{kind} bolt alone"
    return {"process": name, "install": install, "peak_rss_mb": peak,
            "seconds": round(time.monotonic() - started, 1),
            "work": f"{result['photos']} photos, loaded {' + '.join(result['loaded']) or 'no framework'}"}


def _serve(directory: Path, home: Path, photo: Path) -> dict:
    python, install = _python(directory, "api")
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen([str(python.parent / "snapmode"), "serve", "--port", str(port)],
                               env=_environment(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{base}/live", timeout=1.0).is_success:
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("snapmode serve did not start") from None
                time.sleep(0.5)
        answer = httpx.post(f"{base}/search/image", files={"file": (photo.name, photo.read_bytes())}, timeout=120)
        answer.raise_for_status()
    finally:
        process.send_signal(signal.SIGINT)
    _, peak = _peak_mb(process)
    return {"process": "serve (snapmode serve, one photo search)", "install": install, "peak_rss_mb": peak,
            "seconds": round(time.monotonic() - started, 1), "work": "models loaded, 1 search"}


def memory(directory: Path, photos: int) -> list[dict]:
    chosen = sorted(PHOTOS.glob("*.jpg"))[:photos]
    rows = []
    for measure in (
        lambda home: _crawl(directory, home),
        lambda home: _bolt(directory, home, "detect", chosen),
        lambda home: _bolt(directory, home, "embed", chosen),
        lambda home: _bolt(directory, home, "both", chosen),
        lambda home: _serve(directory, home, chosen[0]),
    ):
        with tempfile.TemporaryDirectory() as home:
            rows.append(measure(Path(home)))
    return rows


def _print(rows: list[dict], as_json: bool) -> None:
    if as_json:
        print(json.dumps(rows))
        return
    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row.get(column, "")) for column in columns) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("sizes", "memory"))
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "snapmode-roles")
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    _print(sizes(args.dir) if args.what == "sizes" else memory(args.dir, args.photos), args.json)


if __name__ == "__main__":
    main()
