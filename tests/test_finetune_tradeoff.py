import importlib.util
from pathlib import Path

from PIL import Image, ImageDraw

from snapmode.vision import dcgan

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "finetune_tradeoff.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("finetune_tradeoff", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def test_each_run_is_scored_on_both_sets_and_plotted(tmp_path, capsys):
    tradeoff = _load_script()
    run = tmp_path / "run"
    run.mkdir()
    dcgan.build_discriminator().save_weights(run / "dcgan_discriminator.weights.h5")
    # identical photos share a label: any discriminator finds them first, so every figure is 1
    myntra = _photos(tmp_path / "myntra", "articleType", {"Shirts": 11, "Bags": 11})
    luma = _photos(tmp_path / "luma", "group", {"mh01-red": 2, "mh01-blue": 2, "wj01-gray": 3, "lt01": 1, "lt02": 1,
                                                "lt03": 1, "lt04": 1, "lt05": 1})  # fmt: skip
    out = tmp_path / "plot.png"
    code = tradeoff.main([f"random={run}", "--myntra", str(myntra), "--myntra-images", str(myntra.parent),
                          "--luma", str(luma), "--luma-images", str(luma.parent), "--out", str(out)])  # fmt: skip
    assert code == 0
    assert "| random | 1.000 | 1.000 | 1.000 |" in capsys.readouterr().out
    assert Image.open(out).format == "PNG"


def test_a_run_without_weights_is_refused(tmp_path, capsys):
    assert _load_script().main([f"empty={tmp_path}"]) == 2
    assert f"no weights in empty={tmp_path}" in capsys.readouterr().err


def test_the_detail_discount_sweep_scores_both_sets_at_each_discount_and_plots_them(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("detail_discount_sweep", SCRIPT.with_name("detail_discount_sweep.py"))
    sweep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sweep)
    models = tmp_path / "models"
    models.mkdir()
    dcgan.build_discriminator().save_weights(models / "dcgan_discriminator.weights.h5")
    myntra = _photos(tmp_path / "myntra", "articleType", {"Shirts": 11, "Bags": 11})
    luma = _photos(tmp_path / "luma", "group", {"mh01-red": 2, "wj01-gray": 3, "lt01": 1, "lt02": 1, "lt03": 1,
                                                "lt04": 1, "lt05": 1, "lt06": 1})  # fmt: skip
    out = tmp_path / "sweep.png"
    code = sweep.main(["--models", str(models), "--myntra", str(myntra), "--myntra-images", str(myntra.parent),
                       "--luma", str(luma), "--luma-images", str(luma.parent), "--out", str(out)])  # fmt: skip
    assert code == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| 0.")]
    # identical photos share a label and each is its own best view: every discount finds them first
    assert len(rows) == len(sweep.DISCOUNTS) and all(row.endswith("| 1.000 | 1.000 | 1.000 |") for row in rows)
    assert Image.open(out).format == "PNG"
    assert sweep.main(["--models", str(tmp_path / "none")]) == 2
