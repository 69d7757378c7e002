"""Checkouts of earlier revisions, for benches that run the code before a change beside the code after it."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def revision_tree(cache: Path, revision: str) -> Path:
    """A checkout of ``revision`` (a git worktree kept under the cache)."""
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--verify", f"{revision}^{{commit}}"], check=True,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    tree = cache / "trees" / commit
    if not tree.is_dir():
        subprocess.run(["git", "-C", REPO, "worktree", "add", "--detach", tree, commit], check=True)
    return tree
