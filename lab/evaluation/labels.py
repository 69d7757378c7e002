"""Labelled photo sets from a CSV: which file each row names, and which label it carries.

A row's image is ``<images>/<id>.jpg`` or ``<id>.png`` (or the ``path_column`` value, relative to
``images``). Rows whose file is absent, whose label is empty or whose id repeats are skipped and
counted, so an evaluation says exactly what it ran on.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import BaseModel, ConfigDict

IMAGE_SUFFIXES = (".jpg", ".png")


class LabelledImage(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    path: Path
    label: str


class LabelledSet(BaseModel):
    model_config = ConfigDict(frozen=True)

    images: list[LabelledImage]
    missing_files: int  # rows whose image file is not there
    unlabelled: int  # rows with an empty label
    duplicates: int  # rows repeating an id already read


def _image_path(images_dir: Path, row_id: str, relative: str | None) -> Path | None:
    if relative is not None:
        path = images_dir / relative
        return path if path.is_file() else None
    for suffix in IMAGE_SUFFIXES:
        if (path := images_dir / f"{row_id}{suffix}").is_file():
            return path
    return None


def read_labels(
    csv_path: Path, images_dir: Path, id_column: str, label_column: str, path_column: str | None = None
) -> LabelledSet:
    """Raises ValueError for a CSV without the named columns or a folder that does not exist."""
    if not images_dir.is_dir():
        raise ValueError(f"image folder {images_dir} does not exist")
    try:
        return _read(csv_path, images_dir, id_column, label_column, path_column)
    except csv.Error as exc:
        raise ValueError(f"{csv_path} is not a readable CSV: {exc}") from exc


def _read(csv_path: Path, images_dir: Path, id_column: str, label_column: str, path_column: str | None) -> LabelledSet:
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        needed = [c for c in (id_column, label_column, path_column) if c is not None]
        if absent := [c for c in needed if c not in columns]:
            raise ValueError(f"{csv_path} has no column {', '.join(absent)} (columns: {', '.join(columns) or 'none'})")
        images, seen = [], set()
        missing = unlabelled = duplicates = 0
        for row in reader:
            row_id, label = (row[id_column] or "").strip(), (row[label_column] or "").strip()
            if not label:
                unlabelled += 1
            elif row_id in seen:
                duplicates += 1
            elif (path := _image_path(images_dir, row_id, (row[path_column] or "") if path_column else None)) is None:
                missing += 1
            else:
                seen.add(row_id)
                images.append(LabelledImage(id=row_id, path=path, label=label))
    return LabelledSet(images=images, missing_files=missing, unlabelled=unlabelled, duplicates=duplicates)
