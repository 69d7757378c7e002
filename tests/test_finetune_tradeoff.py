import importlib.util
import shutil
from pathlib import Path

from PIL import Image, ImageDraw

from snapmode.config import REPO_ROOT
from snapmode.vision import dcgan

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load_script(name: str = "finetune_tradeoff"):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _random_weights(folder: Path) -> Path:
    folder.mkdir()
    dcgan.build_discriminator().save_weights(folder / "dcgan_discriminator.weights.h5")
    return folder


def _photos(folder: Path, column: str, groups: dict[str, int]) -> Path:
    """``count`` identical photos per label, each label a colour and shape of its own; returns the labels CSV."""
    folder.mkdir(parents=True)
    rows = []
    for number, (label, count) in enumerate(groups.items()):
        photo = Image.new("RGB", (64, 64), "white")
        ImageDraw.Draw(photo).rectangle((4 + 5 * number, 8, 60, 56 - 4 * number), (50 * number, 200 - 40 * number, 90))
        for copy in range(count):
            photo.save(folder / f"{label}{copy}.jpg")
            rows.append(f"{label}{copy},{label}")
    (folder / "labels.csv").write_text(f"id,{column}\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return folder / "labels.csv"


def _both_sets(tmp_path: Path) -> list[str]:
    """Both evaluation sets as script arguments; identical photos share a label, so any discriminator finds them
    first and every figure is 1."""
    myntra = _photos(tmp_path / "myntra", "articleType", {"Shirts": 11, "Bags": 11})
    luma = _photos(tmp_path / "luma", "group", {"mh01-red": 2, "mh01-blue": 2, "wj01-gray": 3, "lt01": 1, "lt02": 1,
                                                "lt03": 1, "lt04": 1, "lt05": 1})  # fmt: skip
    return ["--myntra", str(myntra), "--myntra-images", str(myntra.parent),
            "--luma", str(luma), "--luma-images", str(luma.parent)]  # fmt: skip


def test_each_run_is_scored_on_both_sets_and_plotted(tmp_path, capsys):
    run = _random_weights(tmp_path / "run")
    out = tmp_path / "plot.png"
    code = _load_script().main([f"random={run}", *_both_sets(tmp_path), "--out", str(out)])
    assert code == 0
    assert "| random | 1.000 | 1.000 | 1.000 |" in capsys.readouterr().out
    assert Image.open(out).format == "PNG"


def test_a_run_without_weights_is_refused(tmp_path, capsys):
    assert _load_script().main([f"empty={tmp_path}"]) == 2
    assert f"no weights in empty={tmp_path}" in capsys.readouterr().err


def test_the_ranking_weights_sweep_scores_both_sets_at_each_weight_and_plots_them(tmp_path, capsys):
    sweep = _load_script("ranking_weights_sweep")
    models = _random_weights(tmp_path / "models")
    shutil.copy(REPO_ROOT / "models" / "article_types.npz", models / "article_types.npz")
    out = tmp_path / "sweep.png"
    assert sweep.main(["--models", str(models), *_both_sets(tmp_path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("| 0") or line.startswith("| 1")]
    # one row per value of each weight; identical photos score 1 on every term, so every setting finds them first
    assert len(rows) == sum(len(values) for values in sweep.SWEEPS.values())
    assert all(row.endswith("| 1.000 | 1.000 | 1.000 |") for row in rows), printed
    assert all(f"| {name} |" in printed for name in sweep.SWEEPS)
    assert Image.open(out).format == "PNG"
    assert sweep.main(["--models", str(tmp_path / "none")]) == 2
