"""Retrieval evaluation: the metrics on features worked out by hand, the labels CSV, the command, the autoencoder."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from lab.evaluation.features import AutoencoderFeatures, load_extractors
from lab.evaluation.labels import read_labels
from lab.evaluation.retrieval import evaluate, rank_neighbours, score
from lab.vision import autoencoder
from launch.cli.main import app
from snapmode.config import SearchSettings
from snapmode.similarity import PhotoSignals

HELDOUT = Path(__file__).resolve().parent / "fixtures" / "heldout"
SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
runner = CliRunner()

# Six points in the plane. Cosine similarities worked out by hand: 0-1 and 2-3 are 0.981, 4 is 0.832 from
# 1 and 3 (an exact tie) and 0.707 from 0 and 2 (another); 5 points away from everything.
FEATURES = np.array([[1, 0], [1, 0.2], [0, 1], [0.2, 1], [1, 1], [-1, 0]], dtype=np.float32)
LABELS = ["a", "a", "b", "b", "a", "c"]  # "c" has one member


def test_rankings_put_the_most_similar_first_and_break_ties_by_position():
    ranked = rank_neighbours(FEATURES, 5)
    assert ranked[0].tolist() == [1, 4, 3, 2, 5]
    assert ranked[2].tolist() == [3, 4, 1, 0, 5]  # 0 and 5 are both at cosine 0: 0 first
    assert ranked[4].tolist() == [1, 3, 0, 2, 5]  # the tied pairs in index order
    assert ranked[5].tolist() == [2, 3, 4, 1, 0]
    assert all(query not in row for query, row in enumerate(ranked))


def test_precision_and_recall_at_k_match_the_hand_count():
    scores, _ = evaluate(FEATURES, LABELS, k=2)
    # Top 2 per query: 0 -> 1,4 (2 relevant); 1 -> 0,4 (2); 2 -> 3,4 (1); 3 -> 2,4 (1); 4 -> 1,3 (1); 5 -> 2,3 (0).
    assert scores.precision_at_1 == pytest.approx(5 / 6)
    assert scores.precision_at_k == pytest.approx(7 / 12)
    # The singleton query 5 counts for precision only.
    assert scores.singleton_queries == 1 and scores.queries == 6
    assert scores.recall_at_1 == 1.0 and scores.recall_at_k == 1.0


def test_recall_counts_a_query_once_whatever_number_of_relevant_results():
    ranked = np.array([[2, 1], [0, 2], [0, 1]])  # query 0 finds its pair second, 1 first, 2 (alone) nothing
    scores = score(["x", "x", "y"], ranked)
    assert scores.recall_at_1 == 0.5 and scores.recall_at_k == 1.0
    assert scores.precision_at_1 == pytest.approx(1 / 3) and scores.precision_at_k == pytest.approx(2 / 6)


def test_an_all_zero_feature_row_is_similar_to_nothing_and_k_is_checked():
    features = np.vstack([FEATURES, np.zeros((1, 2), np.float32)])
    assert not np.isnan(rank_neighbours(features, 3)).any()
    with pytest.raises(ValueError, match="k must be"):
        rank_neighbours(FEATURES, 6)


def _signals(details, colours, article_types) -> PhotoSignals:
    details = np.asarray(details, np.float32)
    colours = np.asarray(colours, np.float32)
    return PhotoSignals(colours=colours, article_types=np.asarray(article_types, np.float32), details=details,
                        detail_colours=np.repeat(colours[:, None], details.shape[1], axis=1))


def test_a_gallery_view_finds_its_photo_at_its_similarity_less_the_discount():
    features = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    # Photo 2's one view points exactly along photo 0; photo 1 is at cosine 0.8 from photo 0. Colours and
    # article types are all alike, so only the vectors and the discount decide.
    signals = _signals([[[0, 1]], [[0, 1]], [[1, 0]]], [[1, 0]] * 3, [[1.0]] * 3)
    details_only = dict(colour_weight=0, article_type_weight=0)
    assert rank_neighbours(features, 2)[0].tolist() == [1, 2]
    weights = SearchSettings(detail_discount=0.1, **details_only)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [2, 1]  # 0.9 beats 0.8
    weights = SearchSettings(detail_discount=0.3, **details_only)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [1, 2]  # 0.7 does not
    with pytest.raises(ValueError, match="signals must describe"):
        rank_neighbours(features[:2], 1, signals)
    with pytest.raises(ValueError, match="come together"):
        rank_neighbours(features, 2, signals)


def test_a_query_s_own_view_finds_a_photo_of_that_part_at_its_similarity_less_the_discount():
    features = np.array([[1, 0], [0.8, 0.6], [0, 1]], dtype=np.float32)
    # Photo 0's one view points exactly along photo 2 (a close-up of it, say); photo 1 is at cosine 0.8.
    signals = _signals([[[0, 1]], [[0, -1]], [[0, -1]]], [[1, 0]] * 3, [[1.0]] * 3)
    details_only = dict(colour_weight=0, article_type_weight=0)
    weights = SearchSettings(detail_discount=0.1, **details_only)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [2, 1]  # 0.9 beats 0.8
    weights = SearchSettings(detail_discount=0.3, **details_only)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [1, 2]  # 0.7 does not
    weights = SearchSettings(detail_discount=0.1, query_views=False, **details_only)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [1, 2]  # the view is not looked at


def test_the_search_model_ranks_under_the_search_s_settings_environment_included(monkeypatch):
    monkeypatch.setenv("SNAPMODE_SEARCH__COLOUR_WEIGHT", "0.25")
    models = Path(__file__).resolve().parent.parent / "models"
    (model,), missing = load_extractors(["dcgan_search"], models)
    assert not missing and model.weights.colour_weight == 0.25
    with pytest.raises(ValueError, match="do not fit"):
        _signals([[[0, 1]], [[0, 1]]], [[1, 0]] * 3, [[1.0]] * 3)


def test_colour_and_article_types_reorder_photos_as_the_search_does():
    features = np.array([[1, 0], [0.8, 0.6], [0.6, 0.8]], dtype=np.float32)
    views = [[[0, -1]], [[0, -1]], [[0, -1]]]  # far from everything: no detail wins
    # Photo 2 is further from photo 0 than photo 1 but has its colour; photo 1 has its article type.
    signals = _signals(views, [[1, 0], [0, 1], [1, 0]], [[1, 0], [1, 0], [0, 1]])
    weights = SearchSettings(colour_weight=0, article_type_weight=0)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [1, 2]
    # 0.7 * 0.6 + 0.3 * 1 = 0.72 beats 0.7 * 0.8 = 0.56
    weights = SearchSettings(colour_weight=0.3, article_type_weight=0)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [2, 1]
    # ... unless article-type agreement is worth more than the difference: 0.56 + 0.2 = 0.76
    weights = SearchSettings(colour_weight=0.3, article_type_weight=0.2)
    assert rank_neighbours(features, 2, signals, weights)[0].tolist() == [1, 2]


def _photo(path: Path, colour: tuple[int, int, int]) -> None:
    Image.new("RGB", (40, 50), colour).save(path)


def test_labels_csv_maps_ids_to_files_and_counts_what_it_skips(tmp_path):
    _photo(tmp_path / "1.jpg", (200, 0, 0))
    _photo(tmp_path / "2.png", (0, 200, 0))
    (tmp_path / "sub").mkdir()
    _photo(tmp_path / "sub" / "x.jpg", (0, 0, 200))
    csv_path = tmp_path / "labels.csv"
    csv_path.write_text("id,type,file\n1,shirt,\n2,shoe,\n3,shoe,\n4,,\n1,shirt,\n")
    found = read_labels(csv_path, tmp_path, "id", "type")
    assert [(i.id, i.path.name, i.label) for i in found.images] == [("1", "1.jpg", "shirt"), ("2", "2.png", "shoe")]
    assert (found.missing_files, found.unlabelled, found.duplicates) == (1, 1, 1)

    csv_path.write_text("id,type,file\nx,bag,sub/x.jpg\ny,bag,sub/none.jpg\n")
    by_path = read_labels(csv_path, tmp_path, "id", "type", path_column="file")
    assert [i.path for i in by_path.images] == [tmp_path / "sub" / "x.jpg"] and by_path.missing_files == 1

    with pytest.raises(ValueError, match="no column articleType"):
        read_labels(csv_path, tmp_path, "id", "articleType")


def _heldout_labels(tmp_path: Path, count: int = 12) -> Path:
    """The first held-out Luma views, grouped by their file name's first letters (mh = men's hoodies, ...)."""
    photos = sorted(HELDOUT.glob("*.jpg"))[:count]
    csv_path = tmp_path / "groups.csv"
    csv_path.write_text("id,group\n" + "".join(f"{p.stem},{p.stem[:2]}\n" for p in photos))
    return csv_path


def test_the_command_prints_figures_per_model_and_writes_the_table_and_examples(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["eval", "retrieval", "--images", str(HELDOUT), "--labels", str(_heldout_labels(tmp_path)),
         "--id-column", "id", "--label-column", "group", "--k", "3",
         "--models", "colour_histogram,raw_pixels", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert list(figures) == ["colour_histogram", "raw_pixels"]
    for model in figures.values():
        assert {"precision@1", "precision@3", "recall@3", "ms_per_image", "size_mb"} <= set(model)
        assert 0 <= model["precision@3"] <= model["recall@3"] <= 1 and model["queries"] == 12
    assert figures["colour_histogram"]["dim"] == 512 and figures["raw_pixels"]["dim"] == 64 * 64 * 3
    table = (out / "table.md").read_text()
    assert "| colour_histogram |" in table and "| raw_pixels |" in table and "12 photos" in table
    with Image.open(out / "examples.png") as examples:
        assert examples.width > 5 * 96 and examples.height > 2 * 96


def test_unreadable_and_missing_photos_are_skipped_and_counted(tmp_path):
    rows = ["id,colour"]
    for index in range(6):
        colour = "red" if index % 2 else "blue"
        _photo(tmp_path / f"{index}.jpg", (220, 10, 10) if colour == "red" else (10, 10, 220))
        rows.append(f"{index},{colour}")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8 not a jpeg")
    rows += ["broken,red", "absent,blue"]
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "out"
    command = ["eval", "retrieval", "--images", str(tmp_path), "--labels", str(tmp_path / "labels.csv"),
               "--label-column", "colour", "--models", "colour_histogram", "--out", str(out)]  # fmt: skip
    result = runner.invoke(app, [*command, "--k", "2"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["colour_histogram"]
    # Three photos of each solid colour: both nearest neighbours of every photo share its colour.
    assert figures["queries"] == 6 and figures["precision@1"] == figures["precision@2"] == 1.0
    assert "1 without an image file, 1 unreadable" in (out / "table.md").read_text()

    too_few = runner.invoke(app, [*command, "--k", "6"])  # leave-one-out leaves 5 candidates per query
    assert too_few.exit_code == 2 and "need more than k = 6" in _unwrapped(too_few.output)


def _unwrapped(text: str) -> str:
    """The terminal wraps long error lines."""
    return " ".join(text.split())


def test_the_command_refuses_unknown_models_and_missing_columns(tmp_path):
    labels = _heldout_labels(tmp_path)
    common = ["eval", "retrieval", "--images", str(HELDOUT), "--labels", str(labels), "--out", str(tmp_path)]
    unknown = runner.invoke(app, [*common, "--label-column", "group", "--models", "sift"])
    assert unknown.exit_code == 2 and "unknown model" in _unwrapped(unknown.output)
    no_column = runner.invoke(app, [*common, "--models", "raw_pixels"])  # default label column: articleType
    assert no_column.exit_code == 2 and "no column articleType" in _unwrapped(no_column.output)


def test_models_without_weights_are_listed_as_missing(tmp_path):
    loaded, missing = load_extractors(["raw_pixels", "classifier", "autoencoder", "dcgan"], tmp_path)
    assert [e.name for e in loaded] == ["raw_pixels"]
    assert set(missing) == {"classifier", "autoencoder", "dcgan"} and "no weights" in missing["classifier"]


def test_the_autoencoder_embeds_to_its_bottleneck_size(tmp_path):
    weights = tmp_path / "autoencoder.weights.h5"
    autoencoder.build_autoencoder().save_weights(weights)
    features = AutoencoderFeatures(weights)
    images = [Image.new("RGB", (30 + 10 * i, 60), (40 * i, 90, 200)) for i in range(3)]
    embedded = features.embed(images)
    assert embedded.shape == (3, autoencoder.EMBEDDING_DIM) == (3, 8 * 8 * 128)
    assert embedded.dtype == np.float32 and features.size_mb > 0


def _luma_groups():
    spec = importlib.util.spec_from_file_location("luma_groups", SCRIPTS / "luma_groups.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_luma_photos_are_grouped_by_style_and_colour(tmp_path):
    luma_groups = _luma_groups()
    assert luma_groups.group_of("mh01-gray_main") == ("mh01-gray", "mh01")
    assert luma_groups.group_of("mh01-gray_back") == ("mh01-gray", "mh01")
    assert luma_groups.group_of("mp07-blue_side_a") == ("mp07-blue", "mp07")
    assert luma_groups.group_of("mb04-black-0_alt1") == ("mb04-black", "mb04")
    assert luma_groups.group_of("luma-yoga-strap") == ("luma-yoga-strap", "luma-yoga-strap")
    for name in ("wj01-red_main.jpg", "wj01-red_back.jpg", "lt01.jpg"):
        _photo(tmp_path / name, (10, 20, 30))
    out = tmp_path / "groups.csv"
    assert luma_groups.write_groups(tmp_path, out) == 3
    groups = read_labels(out, tmp_path, "id", "group")
    assert [(i.id, i.label) for i in groups.images] == [
        ("lt01", "lt01"),
        ("wj01-red_back", "wj01-red"),
        ("wj01-red_main", "wj01-red"),
    ]


def test_the_luma_split_trains_on_half_the_styles_and_measures_the_other_half(tmp_path):
    luma_groups = _luma_groups()
    images = tmp_path / "images"
    images.mkdir()
    for style in ("mh01", "mh02", "wj01", "wj02"):
        for name in (f"{style}-red_main.jpg", f"{style}-red_back.jpg", f"{style}-blue_main.jpg"):
            _photo(images / name, (10, 20, 30))
    _photo(images / "lt01.jpg", (10, 20, 30))
    labels, items = tmp_path / "split.csv", tmp_path / "items.csv"
    assert luma_groups.write_groups(images, labels, items, held_out={"mh01-red_back.jpg"}) == 13
    groups = {i.id: i.label for i in read_labels(labels, images, "id", "group").images}
    training = read_labels(items, images, "id", "group").images
    trained_styles = {item.id[:4] for item in training}
    assert len(trained_styles) == 2  # half of the four styles with a multi-view item
    for stem, group in groups.items():  # a trained style's photos are distractors only: groups of their own
        assert group == (stem if stem[:4] in trained_styles else luma_groups.group_of(stem)[0])
    expected = {f"{s}-{view}" for s in trained_styles for view in ("red_main", "red_back", "blue_main")}
    assert {item.id for item in training} == expected - {"mh01-red_back"}  # the held-out view is never trained on


def test_photos_of_another_colour_get_groups_of_their_own_without_moving_the_split(tmp_path):
    luma_groups = _luma_groups()
    audited = luma_groups.other_colours()
    assert len(audited) == 29 and all(luma_groups.ITEM.match(stem) for stem in audited)
    images = tmp_path / "images"
    images.mkdir()
    for style in ("mh01", "mh02", "wj01", "wj02"):
        for name in (f"{style}-red_main.jpg", f"{style}-red_back.jpg", f"{style}-red_alt1.jpg"):
            _photo(images / name, (10, 20, 30))
    plain, items = tmp_path / "plain.csv", tmp_path / "items.csv"
    luma_groups.write_groups(images, plain, items)
    split, audited_items = tmp_path / "split.csv", tmp_path / "audited_items.csv"
    own = {"mh01-red_main", "mh02-red_main", "wj01-red_main", "wj02-red_main"}
    luma_groups.write_groups(images, split, audited_items, own_groups=own)

    def groups(path):
        return {i.id: i.label for i in read_labels(path, images, "id", "group").images}

    trained = {stem[:4] for stem in groups(items)}
    assert {stem[:4] for stem in groups(audited_items)} == trained  # the same styles are trained on
    for stem, group in groups(split).items():
        own_group = stem in own or stem[:4] in trained
        assert group == (stem if own_group else luma_groups.group_of(stem)[0])
    assert all(groups(audited_items)[stem] == stem for stem in own if stem[:4] in trained)
