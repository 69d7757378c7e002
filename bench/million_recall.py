"""Where recall@10 at a million photos is lost: the index's candidates and the stored coordinates, each measured
against the exact 8192-d scan in one run, on bench/million.py's fill.

    .venv/bin/python bench/million_recall.py --photos 1000000 --refine 2 4 8 16 32 --plot docs/images/million_recall.png

A search takes ``refine`` times the results it is asked for from the index of 32-d prefixes and re-ranks them by
their 1,024 stored coordinates (`compact_vectors.refine`). For each ``--refine`` it reports recall@10 of products
(as bench/million.py measures it: `best_matches` through the compact store against the same ranking over an exact
scan of every stored region) and the search's own time per query (`best_matches` in this process, the query's
features computed beforehand, warm, median over ``--rounds`` rounds with the values alternated); the configured
default is the reference row. Beside them, two scans of every stored region by its coordinates with no index in
between: at unit length as stored (float32, before their byte code), and at their own length (the part of a unit
vector the learned rows carry; docs/models.md, "What more bytes buy"): the most any number of candidates could
give with each form.

Recall is given over all queries and over their even- and odd-numbered halves, so that a value chosen on one half
is checked on the other. Beside it, how near the products that recall counts as missed come to the exact ranking:
the share of each search's 10 products whose exact score is within 0.001, 0.003 or 0.01 of the exact 10th
product's (ann-benchmarks' epsilon recall, on the ranking's scores): a diagnosis of the misses, not the goal's
measure.
The fill must exist (bench/million.py writes it; ``--cache`` is shared).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.million import (
    GOALS,
    Chunk,
    ExactScan,
    Sources,
    query_paths,
    searching,
    share_found,
    top_products,
)


class CoordinateScan(ExactScan):
    """``search_many`` over every stored region scored by its coordinates on the learned rows instead of its
    exact vector: at unit length (as the store compares them) or at their own length."""

    def __init__(self, sources: Sources, photos: int, wholes, views, projection: np.ndarray, own_length: bool) -> None:
        self._projection, self._own_length = projection, own_length
        self.scan = f"scan by coordinates at {'their own' if own_length else 'unit'} length"
        super().__init__(sources, photos, wholes, views)

    def _prepare(self, queries: np.ndarray) -> None:
        # A derived region's coordinates are its source's plus its noise's (the noise lies in a 256-d basis), so
        # scores and lengths are 256-d products here too.
        coordinates = queries @ self._projection.T
        if not self._own_length:
            coordinates /= np.linalg.norm(coordinates, axis=1, keepdims=True)
        projected = self._sources.vectors @ self._projection.T
        noise_projected = self._sources.noise_basis @ self._projection.T
        self._to_sources = coordinates @ projected.T
        self._to_noise = coordinates @ noise_projected.T
        self._noise_gram = noise_projected @ noise_projected.T
        self._source_by_noise = projected @ noise_projected.T
        self._source_squares = np.sum(projected**2, axis=1)

    def _real_scores(self) -> np.ndarray:
        return self._to_sources if self._own_length else self._to_sources / np.sqrt(self._source_squares)[None, :]

    def _derived_scores(self, chunk: Chunk) -> np.ndarray:
        dots = self._to_sources[:, chunk.source] + self._to_noise @ chunk.noise.T
        if self._own_length:  # the coordinates of the unit derived vector: its row divided by its exact length
            return dots / chunk.norm[None, :]
        squares = (
            self._source_squares[chunk.source]
            + 2 * np.sum(self._source_by_noise[chunk.source] * chunk.noise, axis=1)
            + np.sum((chunk.noise @ self._noise_gram) * chunk.noise, axis=1)
        )
        return dots / np.sqrt(squares)[None, :]


EXACT_DEPTH = 30  # products of the exact ranking kept with their scores, to place the others a search returns
NEAR = (0.001, 0.003, 0.01)  # score distances from the exact 10th product


def exact_ranking(scan: ExactScan, services, asked) -> list[list[tuple[str, float]]]:
    """Each query's first ``EXACT_DEPTH`` products by `best_matches` over the exact scan, with their scores."""
    from snapmode.pipeline.search import best_matches

    searched = searching(scan, services)
    return [
        [(hit.product_id, hit.score) for hit, _ in best_matches(searched, features[0], features[1:], EXACT_DEPTH)]
        for features in asked
    ]


def near_exact(found: list[list[str]], ranked: list[list[tuple[str, float]]]) -> dict[float, dict[str, float]]:
    """For each distance in ``NEAR``: the share of found products whose exact score is at most that far below the
    exact 10th product's (the exact 10 all are), and the queries whose kept ranking ends above that margin: there a
    product below the first ``EXACT_DEPTH`` may be within it too, so the share is a lower bound."""
    shares: dict[float, dict[str, float]] = {}
    for near in NEAR:
        each, short = [], 0
        for ids, ranking in zip(found, ranked, strict=True):
            scores, tenth = dict(ranking), ranking[9][1]
            each.append(sum(scores.get(p, -np.inf) >= tenth - near for p in ids) / len(ids))
            short += ranking[-1][1] >= tenth - near
        shares[near] = {"share": float(np.mean(each)), "queries_short": short}
    return shares


def product_ids(vectors, services, asked) -> list[list[str]]:
    """The 10 products `best_matches` ranks first for each query, searching ``vectors``."""
    return [top_products(searching(vectors, services), features) for features in asked]


def shares(found: list[list[str]], exact: list[list[str]]) -> dict[str, float]:
    each = [share_found(a, b) for a, b in zip(found, exact, strict=True)]
    return {"all": float(np.mean(each)), "even": float(np.mean(each[0::2])), "odd": float(np.mean(each[1::2]))}


def measure(cache: Path, photos: int, refines: list[int], queries: int, rounds: int) -> dict:
    from PIL import Image

    from snapmode.config import Settings
    from snapmode.services import Services
    from snapmode.similarity import query_features

    home = cache / f"photos-{photos}"
    if not (home / "filled.json").is_file():
        raise SystemExit(f"no fill of {photos:,} photos under {cache}: run bench/million.py --photos {photos} first")
    sources = Sources(cache / "sources.npz")
    services = Services(Settings(home=home))
    store, default = services.vectors, services.settings.compact_vectors.refine
    asked = [query_features(services, Image.open(path).convert("RGB")) for path in query_paths(queries)]
    wholes, views = [f[0].vector for f in asked], [v.vector for f in asked for v in f[1:]]
    scan = ExactScan(sources, photos, wholes, views)
    ranked = exact_ranking(scan, services, asked)
    exact = product_ids(scan, services, asked)
    projection = store._codec.projection
    ceilings = {
        form: shares(
            product_ids(CoordinateScan(sources, photos, wholes, views, projection, own), services, asked), exact
        )
        for form, own in (("unit length (as stored)", False), ("own length", True))
    }
    for features in asked:  # the models' and the index's first calls
        top_products(services, features)
    times: dict[int, list[float]] = {refine: [] for refine in refines}
    recall: dict[int, dict[str, float]] = {}
    near: dict[int, dict[float, float]] = {}
    for _ in range(rounds):
        for refine in refines:
            store._refine = refine
            found = []
            for features in asked:
                started = time.perf_counter()
                found.append(top_products(services, features))
                times[refine].append((time.perf_counter() - started) * 1000)
            recall[refine], near[refine] = shares(found, exact), near_exact(found, ranked)
    services.close()
    return {
        "photos": photos, "queries": len(asked), "default_refine": default, "ceilings": ceilings,
        "refine": [{"refine": r, "recall": recall[r], "near": near[r], "ms_p50": float(np.median(times[r])),
                    "ms_p90": float(np.percentile(times[r], 90))} for r in refines],
        "exact_scores": {  # medians over the queries: how close the exact ranking's products lie
            rank: float(np.median([ranking[rank - 1][1] for ranking in ranked])) for rank in (1, 10, EXACT_DEPTH)
        },
    }  # fmt: skip


def within(near: dict[str, float]) -> str:
    short = near["queries_short"]
    return f"{near['share']:.3f}" + (f" (>=; {short} queries short)" if short else "")


def report(found: dict, console: Console) -> None:
    table = Table(title=f"Recall@10 of products at {found['photos']:,} photos against the exact scan "
                        f"({found['queries']} queries; even / odd: the two halves)")  # fmt: skip
    near_columns = [f"within {near} of the 10th" for near in NEAR]
    for column in ("ranked by", "refine", "recall@10", "even", "odd", *near_columns, "search ms p50", "p90"):
        table.add_column(column, justify="left" if column == "ranked by" else "right")
    for row in found["refine"]:
        name = "index, then coordinates" + (
            " (default: the reference)" if row["refine"] == found["default_refine"] else ""
        )
        r = row["recall"]
        table.add_row(name, str(row["refine"]), f"{r['all']:.3f}", f"{r['even']:.3f}", f"{r['odd']:.3f}",
                      *(within(row["near"][near]) for near in NEAR), f"{row['ms_p50']:.1f}",
                      f"{row['ms_p90']:.1f}")  # fmt: skip
    for form, r in found["ceilings"].items():
        table.add_row(f"every region by its coordinates, {form}", "all", f"{r['all']:.3f}", f"{r['even']:.3f}",
                      f"{r['odd']:.3f}", *([""] * len(NEAR)), "", "")  # fmt: skip
    table.add_row("goal", "", f">= {GOALS['recall']}", "", "", *([""] * len(NEAR)), "", "")
    console.print(table)
    scores = found["exact_scores"]
    console.print(
        "Exact ranking's scores, medians over the queries: "
        + ", ".join(f"product {rank}: {score:.4f}" for rank, score in scores.items())
    )


def plot(found: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    refines = [row["refine"] for row in found["refine"]]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.plot(refines, [row["recall"]["all"] for row in found["refine"]], "o-", label="index, then coordinates")
    for (form, r), style in zip(found["ceilings"].items(), ("--", ":"), strict=True):
        left.axhline(r["all"], color="grey", linestyle=style, label=f"every region, {form}")
    left.axhline(GOALS["recall"], color="red", linestyle="-.", label="goal")
    left.set_title(f"recall@10 of products at {found['photos']:,} photos")
    right.plot(refines, [row["ms_p50"] for row in found["refine"]], "o-", label="p50")
    right.plot(refines, [row["ms_p90"] for row in found["refine"]], "s-", label="p90")
    right.set_title("search in process, ms per query (features excluded)")
    for ax in (left, right):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("refine: index candidates per result")
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1_000_000, help="the fill's size")
    parser.add_argument("--refine", type=int, nargs="+", default=[2, 4, 8, 16, 32])
    parser.add_argument("--queries", type=int, default=40, help="held-out shop views used as queries")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds, the refine values alternated")
    parser.add_argument("--cache", type=Path, default=REPO / "var" / "bench" / "million")
    parser.add_argument("--plot", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    found = measure(args.cache, args.photos, args.refine, args.queries, args.rounds)
    if args.json:
        print(json.dumps(found))
    report(found, Console(width=160))
    if args.plot:
        plot(found, args.plot)


if __name__ == "__main__":
    main()
