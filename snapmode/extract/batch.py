"""Extraction over a manifest of saved pages, in one process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from snapmode.extract.layered import extract_file
from snapmode.extract.rules import SiteRules


class ManifestLine(BaseModel):
    id: str | int
    path: Path
    url: str | None = None


def extract_batch(manifest: Path, rules_path: Path | None = None) -> Iterator[dict[str, Any]]:
    """One result per manifest line, in order, each carrying the line's ``id``.

    A line that cannot be read or extracted gives ``{"id", "error"}`` and the batch goes on.
    Relative paths are read from the manifest's folder, or else from the working directory.
    Raises ValueError only when the manifest or the rules file themselves are unusable.
    """
    if rules_path is not None:
        SiteRules.from_file(rules_path)  # fail once, up front, rather than on every line
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read manifest: {exc}") from None
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            yield {"id": None, "error": f"line {number}: not JSON ({exc.msg})"}
            continue
        try:
            line = ManifestLine.model_validate(raw)
        except ValidationError as exc:
            line_id = raw.get("id") if isinstance(raw, dict) else None
            yield {"id": line_id, "error": f"line {number}: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}"}
            continue
        try:
            yield {"id": line.id, **extract_file(_locate(line.path, manifest), line.url, rules_path)}
        except ValueError as exc:
            yield {"id": line.id, "error": str(exc)}


def _locate(path: Path, manifest: Path) -> Path:
    if path.is_absolute():
        return path
    beside = manifest.parent / path
    return beside if beside.exists() else path
