"""Writing the evaluation scripts' plots."""

from __future__ import annotations

from pathlib import Path


def save(figure, out: Path, dpi: int = 120) -> None:
    """Lay out ``figure``, write it to ``out`` (creating its folder) and free it."""
    import matplotlib.pyplot as plt

    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=dpi)
    plt.close(figure)
