import itertools
import multiprocessing
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from snapmode.backends.products.base import COVERAGE_FIELDS, FieldCoverage, ProductFilters, ProductIndex
from snapmode.backends.products.indexing import TEXT_VERSION, category_paths
from snapmode.backends.products.query import parse_query
from snapmode.backends.products.solr import SolrProductIndex
from snapmode.backends.products.sqlite import SqliteProductIndex, fts_match
from snapmode.backends.solr_client import SolrCore
from snapmode.config import SolrSettings
from snapmode.domain import Product, Variant
from snapmode.errors import BackendUnavailable, InvalidRequest
from snapmode.ids import product_id
from tests.support.tiers import on_server

OpenIndex = Callable[[], ProductIndex]


def make_product(pid: str, **fields) -> Product:
    defaults = {"url": f"https://shop.example/{pid}", "site": "luma", "fetched_at": 0.0}
    return Product(id=pid, **(defaults | fields))


CATALOGUE = [
    make_product(
        "jacket",
        name="Proteus Fitness Jackshirt",
        brand="Luma",
        price="45.00",
        availability="InStock",
        description="Part jacket, part shirt, for running in the cold.",
        categories=["Men/Tops/Jackets"],
        variants=[Variant(sku="MJ12-S-Red", color="Red", size="S")],
    ),
    make_product(
        "hoodie",
        name="Mach Street Sweatshirt",
        brand="Luma",
        price="62.00",
        availability="OutOfStock",
        description="A cosy hooded sweatshirt.",
        categories=["Men/Tops/Hoodies & Sweatshirts"],
        sku="MS04",  # the colour and the variants' codes are only in the variants, as shops list them
        variants=[Variant(sku="MS04-XS-Red", color="Red", size="XS"), Variant(sku="MS04-M-Navy", color="Navy")],
    ),
    make_product(
        "tee",
        name="Tristan Running Tee",
        brand="Acme",
        price="19.99",
        availability="InStock",
        description="Light tee for running.",
        categories=["Men/Tops/Tees", "Sale"],
        site="other",
    ),
    make_product(
        "pants",
        name="Cora Parachute Pant",
        brand="Acme",
        price="120.00",
        availability="InStock",
        description="Crinkled nylon pants.",
        categories=["Women/Bottoms/Pants"],
    ),
    make_product("bag", name="Joust Duffle Bag", price="not a price", categories=["Gear/Bags"]),
]


@pytest.fixture(params=["sqlite", on_server("solr")])
def open_index(request: pytest.FixtureRequest, tmp_path) -> OpenIndex:
    """Opens the backend's (empty at first) store; picklable, so other processes can open it too."""
    if request.param == "sqlite":
        return partial(SqliteProductIndex, tmp_path / "products.sqlite3")
    settings = SolrSettings(url=request.getfixturevalue("solr_server"))
    core = SolrCore(settings, settings.products_core)
    core.delete_all()
    core.close()
    return partial(SolrProductIndex, settings)


@pytest.fixture
def index(open_index: OpenIndex) -> Iterator[ProductIndex]:
    index = open_index()
    index.upsert(CATALOGUE)
    yield index
    index.close()


def ids(page) -> list[str]:
    return [product.id for product in page.items]


def facet(page, name: str) -> dict[str, int]:
    return {entry.value: entry.count for entry in page.facets[name]}


def test_reupsert_is_idempotent_and_updates_fields(index):
    index.upsert(CATALOGUE)
    assert index.count() == len(CATALOGUE)
    changed = CATALOGUE[0].model_copy(update={"name": "Proteus Windbreaker", "price": "30.00", "categories": ["Sale"]})
    index.upsert([changed])
    assert index.count() == len(CATALOGUE)
    assert index.get_many(["jacket"])["jacket"].name == "Proteus Windbreaker"
    # the text, filter and category rows follow the update instead of piling up
    assert ids(index.search("windbreaker", ProductFilters())) == ["jacket"]
    assert index.search("jackshirt", ProductFilters()).total == 0
    assert "jacket" not in ids(index.search(None, ProductFilters(category="Men")))
    assert ids(index.search(None, ProductFilters(max_price=35))) == ["jacket", "tee"]


def test_large_batches_with_real_ids(open_index):
    index = open_index()
    batch = [make_product(product_id(f"https://shop.example/p/{i}"), name=f"Item {i}") for i in range(600)]
    index.upsert(batch)
    index.upsert(batch)  # a replay of the whole batch adds nothing
    index.upsert([])
    assert index.count() == 600
    assert index.get_many([p.id for p in batch]) == {p.id: p for p in batch}
    assert all(len(index.history(p.id)) == 1 for p in batch[:5])
    index.close()


def test_get_many_returns_only_known_ids(index):
    found = index.get_many(["tee", "missing", "bag"])
    assert set(found) == {"tee", "bag"}
    assert found["tee"] == CATALOGUE[2]
    assert index.get_many([]) == {}


def test_browse_without_query_lists_everything_by_name(index):
    for q in (None, ""):
        page = index.search(q, ProductFilters())
        assert page.total == 5
        assert [p.name for p in page.items] == sorted(p.name for p in CATALOGUE)


def test_text_search_ranks_and_stems_and_prefixes(index):
    running = index.search("running", ProductFilters())
    # the name hit outranks the description-only hit
    assert ids(running) == ["tee", "jacket"]
    assert ids(index.search("sweatshirts", ProductFilters()))[0] == "hoodie"  # porter: sweatshirts ~ sweatshirt
    assert ids(index.search("parach", ProductFilters())) == ["pants"]  # prefix
    assert ids(index.search("luma jackshirt", ProductFilters())) == ["jacket"]  # words are ANDed
    assert index.search("luma parachute", ProductFilters()).total == 0
    assert ids(index.search("jackets", ProductFilters())) == ["jacket"]  # category text is searchable


@pytest.mark.parametrize(
    "hostile",
    ['"', '""', "AND OR", "AND", "NOT tee", "*", "(", ")", "tee)", 'NEAR("a" "b")', "name:tee", "-tee", "^tee",
     "tee*", "'", "\x00", "a_b", "∑∂ ☃ 日本語", "\u0301", "x" * 255, "café naïve"],
)
def test_hostile_queries_never_raise(index, hostile):
    page = index.search(hostile, ProductFilters())
    assert page.total >= 0


EVERYTHING = {product.id for product in CATALOGUE}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("red hoodie", {"hoodie"}),  # the colour of a variant, the category: every word, each in any field
        ("navy sweatshirt", {"hoodie"}),
        ("red", {"jacket", "hoodie"}),
        ("jacket OR hoodie", {"jacket", "hoodie"}),
        ("jacket OR hoodie OR parachute", {"jacket", "hoodie", "pants"}),
        ("red jacket OR hoodie", {"jacket", "hoodie"}),  # OR binds tighter: red AND (jacket OR hoodie)
        ("(navy sweatshirt) OR (crinkled nylon)", {"hoodie", "pants"}),
        ("running AND tee", {"tee"}),
        ("MS04", {"hoodie"}),  # the product's SKU
        ("ms04-xs-red", {"hoodie"}),  # a variant's SKU, as one phrase
        ("MJ12", {"jacket"}),  # a variant's SKU only
        ('"part jacket"', {"jacket"}),  # a phrase: these words, side by side
        ('"shirt part"', set()),  # ...in this order
        ('"running tee"', {"tee"}),
        ('"parach"', set()),  # a quoted word is exact
        ("parach", {"pants"}),  # a plain one finds the words it starts
        ("hood*", {"hoodie"}),
        ("running -tee", {"jacket"}),
        ("running NOT tee", {"jacket"}),
        ('-"mach street"', EVERYTHING - {"hoodie"}),  # exclusions alone: every other product
        ("-luma", {"tee", "pants", "bag"}),
        ("red -(street sweatshirt)", {"jacket"}),
        ("(running -tee) OR parachute", {"jacket", "pants"}),
        ("t-shirt", set()),  # words joined by a symbol are a phrase: "t shirt" is nowhere
        ("jackshirt 🧥 !!", {"jacket"}),  # symbols and emoji are ignored...
        ("(jacket OR", {"jacket"}),  # ...and so are unclosed groups and OR with one side
        ('"', EVERYTHING),  # a query of symbols only has no text: every product
        ("*", EVERYTHING),
        ("(", EVERYTHING),
        ("🧥", EVERYTHING),
        ("- ) OR AND NOT", EVERYTHING),
    ],
)
def test_query_language(index, q, expected):
    page = index.search(q, ProductFilters(), limit=100)
    assert set(ids(page)) == expected
    assert page.total == len(expected)


def test_text_and_filters_combine(index):
    assert ids(index.search("jacket OR hoodie", ProductFilters(in_stock=True))) == ["jacket"]
    assert set(ids(index.search("-running", ProductFilters(brand="Acme")))) == {"pants"}
    assert ids(index.search("red", ProductFilters(max_price=50))) == ["jacket"]


def test_exact_sku_ranks_first(open_index):
    index = open_index()
    index.upsert([*CATALOGUE, make_product("mention", name="Mach Cap", description="Goes with the MS04 hoodie.")])
    assert ids(index.search("MS04", ProductFilters())) == ["hoodie", "mention"]
    index.close()


@pytest.mark.parametrize("q", ["jacket OR (-red)", "-(-red) jacket"])
def test_exclusions_with_nothing_to_exclude_from_are_a_clear_error(index, q):
    with pytest.raises(InvalidRequest, match="needs a word to search for"):
        index.search(q, ProductFilters())


def test_reversed_price_range_is_a_clear_error():
    with pytest.raises(InvalidRequest, match=r"min_price \(100\) is above max_price \(10\)"):
        ProductFilters(min_price=100, max_price=10)
    assert ProductFilters(min_price=10, max_price=10).max_price == 10


def test_unicode_text_matches_without_diacritics(open_index):
    index = open_index()
    index.upsert([make_product("robe", name="Robe Crêpe Naïve", categories=["Femme/Robes"]),
                  make_product("jp", name="日本語 シャツ"), make_product("de", name="Straße Ærø ﬁt")])
    assert ids(index.search("crepe naive", ProductFilters())) == ["robe"]
    # both indexes fold alike: ß is ss, ligatures come apart, letters without an accent stay as they are
    assert ids(index.search("STRASSE ærø fit", ProductFilters())) == ["de"]
    assert ids(index.search('"straße"', ProductFilters())) == ["de"]
    assert index.search("aero", ProductFilters()).total == 0
    assert ids(index.search("日本語", ProductFilters())) == ["jp"]
    index.close()


def test_too_many_words_is_a_clear_error(index):
    with pytest.raises(InvalidRequest, match="at most 32"):
        index.search(" ".join(["word"] * 40), ProductFilters())
    assert ids(index.search(" OR ".join([*(f"w{i}" for i in range(31)), "jackshirt"]), ProductFilters())) == ["jacket"]


def test_category_filter_matches_descendants(index):
    assert set(ids(index.search(None, ProductFilters(category="Men")))) == {"jacket", "hoodie", "tee"}
    assert set(ids(index.search(None, ProductFilters(category="Men/Tops")))) == {"jacket", "hoodie", "tee"}
    assert ids(index.search(None, ProductFilters(category="Men/Tops/Jackets"))) == ["jacket"]
    assert ids(index.search(None, ProductFilters(category=" men / tops / jackets/"))) == ["jacket"]
    assert index.search(None, ProductFilters(category="Men/Top")).total == 0  # a path, not a string prefix
    assert ids(index.search("running", ProductFilters(category="Sale"))) == ["tee"]


def test_category_paths_lists_ancestors():
    assert category_paths("Men/Tops/Jackets") == ["Men", "Men/Tops", "Men/Tops/Jackets"]
    assert category_paths(" /Gear//Bags ") == ["Gear", "Gear/Bags"]


def test_filters_combine(index):
    assert set(ids(index.search(None, ProductFilters(brand="acme")))) == {"tee", "pants"}
    assert ids(index.search(None, ProductFilters(site="other"))) == ["tee"]
    assert set(ids(index.search(None, ProductFilters(min_price=40, max_price=62)))) == {"jacket", "hoodie"}
    assert ids(index.search(None, ProductFilters(min_price=100))) == ["pants"]
    assert set(ids(index.search(None, ProductFilters(in_stock=True)))) == {"jacket", "tee", "pants"}
    assert set(ids(index.search(None, ProductFilters(in_stock=False)))) == {"hoodie", "bag"}
    assert ids(index.search(None, ProductFilters(brand="Luma", in_stock=True, category="Men"))) == ["jacket"]


def test_facets_count_the_filtered_result(index):
    page = index.search(None, ProductFilters())
    assert facet(page, "brand") == {"Luma": 2, "Acme": 2}
    categories = facet(page, "category")
    assert categories["Men"] == 3 and categories["Men/Tops"] == 3 and categories["Men/Tops/Jackets"] == 1
    assert categories["Women"] == 1 and categories["Sale"] == 1 and categories["Gear/Bags"] == 1
    assert [f.value for f in page.facets["category"][:2]] == ["Men", "Men/Tops"]  # ties by name
    assert [(f.value, f.count) for f in page.facets["price"]] == [("0-25", 1), ("25-50", 1), ("50-100", 1), ("100+", 1)]
    assert [(f.value, f.count) for f in page.facets["site"]] == [("luma", 4), ("other", 1)]
    assert facet(page, "availability") == {"InStock": 3, "OutOfStock": 1}

    men = index.search(None, ProductFilters(category="Men"))
    assert facet(men, "brand") == {"Luma": 2, "Acme": 1}
    assert facet(men, "availability") == {"InStock": 2, "OutOfStock": 1}
    assert "Women" not in facet(men, "category")
    assert facet(men, "price") == {"0-25": 1, "25-50": 1, "50-100": 1}

    running = index.search("running", ProductFilters())
    assert facet(running, "brand") == {"Luma": 1, "Acme": 1}


def test_category_facet_keeps_the_top_30(open_index):
    index = open_index()
    index.upsert([make_product(f"p{i}", name=f"P{i}", categories=[f"Cat{i:02d}"]) for i in range(40)])
    index.upsert([make_product("x", name="X", categories=["Cat39"])])
    page = index.search(None, ProductFilters())
    assert len(page.facets["category"]) == 30
    assert page.facets["category"][0].value == "Cat39" and page.facets["category"][0].count == 2
    index.close()


def test_pagination(index):
    everything = ids(index.search(None, ProductFilters(), limit=100))
    first = index.search(None, ProductFilters(), offset=0, limit=2)
    second = index.search(None, ProductFilters(), offset=2, limit=2)
    last = index.search(None, ProductFilters(), offset=4, limit=2)
    assert first.total == second.total == last.total == 5
    assert ids(first) + ids(second) + ids(last) == everything
    assert index.search(None, ProductFilters(), offset=10).items == []
    assert index.search(None, ProductFilters(), limit=0).total == 5
    with pytest.raises(ValueError):
        index.search(None, ProductFilters(), offset=-1)


def _upsert_range(open_index: OpenIndex, start: int) -> None:
    index = open_index()
    for i in range(start, start + 50):
        index.upsert([make_product(f"p{i}", name=f"Product {i}", categories=["Shared/Cat"])])
    index.close()


def _run_processes(target: Callable[..., None], args: list[tuple]) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=target, args=arg) for arg in args]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0


def test_several_processes_write_one_store(open_index):
    _run_processes(_upsert_range, [(open_index, 0), (open_index, 50)])
    index = open_index()
    assert index.count() == 100
    assert index.search("product", ProductFilters(category="Shared")).total == 100
    index.close()


def test_another_connections_searches_see_each_write_at_once(open_index):
    writer, reader = open_index(), open_index()  # each its own connection, as the index bolt and the API have
    writer.upsert(CATALOGUE[:2])
    assert reader.count() == 2 and ids(reader.search("Jackshirt", ProductFilters())) == ["jacket"]
    writer.upsert([make_product("pants", name="Cora Parachute Pant", brand="Zenith", price="99.00")])
    assert facet(reader.search(None, ProductFilters()), "brand") == {"Luma": 2, "Zenith": 1}
    assert reader.coverage("luma").products == 3
    writer.close()
    reader.close()


def _replay_observations(open_index: OpenIndex, times: list[float]) -> None:
    index = open_index()
    for fetched_at in times:
        price = "45.00" if int(fetched_at) % 2 else "39.00"
        index.upsert([make_product("jacket", name=f"Jacket {fetched_at:g}", price=price, fetched_at=fetched_at)])
    index.close()


def test_processes_racing_on_one_product_keep_the_newest(open_index):
    # Two writers interleave observations of one product, each writer in its own order.
    times = [float(t) for t in range(1, 41)]
    _run_processes(_replay_observations, [(open_index, times), (open_index, times[::-1])])
    index = open_index()
    latest = index.get_many(["jacket"])["jacket"]
    assert (latest.fetched_at, latest.name) == (40.0, "Jacket 40")
    points = index.history("jacket")
    assert [p.observed_at for p in points] == sorted(p.observed_at for p in points)
    assert all(a.price != b.price for a, b in itertools.pairwise(points))  # a point only for a change
    assert index.count() == 1
    index.close()


def test_match_expression_quotes_every_word():
    assert fts_match(parse_query('tee" OR (x*')) == '("tee"* AND "or x")'
    assert fts_match(parse_query("a:b NEAR(c) -d")) == '(("a b" AND "near"* AND "c"*) NOT "d"*)'
    assert parse_query("  ") is None


def _old_text_index(path) -> None:
    """Turns the file's full-text table into the one SnapMode made before colours and SKUs were searchable."""
    db = sqlite3.connect(path)
    with db:
        db.execute("DROP TABLE products_fts")
        db.execute(
            "CREATE VIRTUAL TABLE products_fts USING fts5 (\n"
            "    name, brand, description, categories, tokenize = 'porter unicode61 remove_diacritics 2'\n)"
        )
        db.execute(
            "INSERT INTO products_fts (rowid, name, brand, description, categories) "
            "SELECT pk, name, brand, json_extract(data, '$.description'), "
            "(SELECT group_concat(value, char(10)) FROM json_each(data, '$.categories')) FROM products"
        )
    db.close()


def test_sqlite_rebuilds_an_older_text_table_on_open(tmp_path):
    path = tmp_path / "products.sqlite3"
    index = SqliteProductIndex(path)
    index.upsert(CATALOGUE)
    index.close()
    _old_text_index(path)
    index = SqliteProductIndex(path)
    assert ids(index.search("MS04", ProductFilters())) == ["hoodie"]
    assert ids(index.search("red hoodie", ProductFilters())) == ["hoodie"]
    assert ids(index.search("running", ProductFilters())) == ["tee", "jacket"]
    index.upsert([CATALOGUE[0].model_copy(update={"name": "Proteus Windbreaker"})])
    assert ids(index.search("windbreaker", ProductFilters())) == ["jacket"]
    assert index.search(None, ProductFilters()).total == len(CATALOGUE)
    index.close()
    # the same table made from text of another version (another folding, say) is rebuilt too
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM products_fts")
        db.execute("PRAGMA user_version = 1")
    db.close()
    index = SqliteProductIndex(path)
    assert ids(index.search("windbreaker", ProductFilters())) == ["jacket"]
    index.close()


def test_solr_rewrites_documents_of_older_text_fields(solr_server):
    settings = SolrSettings(url=solr_server)
    core = SolrCore(settings, settings.products_core)
    core.delete_all()
    index = SolrProductIndex(settings)
    index.upsert(CATALOGUE)
    # the hoodie as the schema before colours and SKUs indexed it: no text_version, colours or skus
    stored = core.get(["hoodie"], "id,type,data,fetched_at,point_at,point_values")[0]
    hoodie = CATALOGUE[1]
    core.update([stored | {"name": hoodie.name, "description": hoodie.description, "categories": hoodie.categories,
                           "brand": hoodie.brand, "name_sort": hoodie.name.lower(), "site": hoodie.site,
                           "category_path": category_paths(hoodie.categories[0]), "price": 62.0,
                           "availability": hoodie.availability}])
    assert ids(index.search("MS04", ProductFilters())) == []
    reopened = SolrProductIndex(settings)
    assert ids(reopened.search("MS04", ProductFilters())) == ["hoodie"]
    assert reopened.get_many(["hoodie"])["hoodie"] == hoodie
    assert len(reopened.history("hoodie")) == 1  # the rewrite adds no price point
    reopened.close()
    index.close()
    core.close()


def test_price_history_has_a_point_per_change_and_ignores_replays(open_index):
    index = open_index()
    seen = [
        (100.0, "45.00", None, "InStock"),
        (200.0, "45.00", None, "InStock"),  # recrawl, nothing changed
        (300.0, "39.00", "45.00", "InStock"),  # on sale
        (300.0, "39.00", "45.00", "InStock"),  # the same tuple replayed
        (250.0, "45.00", None, "InStock"),  # a late replay of an older observation
        (400.0, "39.00", "45.00", "OutOfStock"),
    ]
    for fetched_at, price, regular, availability in seen:
        index.upsert([make_product("jacket", name="Jacket", price=price, regular_price=regular, currency="EUR",
                                   availability=availability, fetched_at=fetched_at)])
    points = [(p.observed_at, p.price, p.regular_price, p.availability) for p in index.history("jacket")]
    assert points == [
        (100.0, "45.00", None, "InStock"),
        (300.0, "39.00", "45.00", "InStock"),
        (400.0, "39.00", "45.00", "OutOfStock"),
    ]
    assert index.history("unknown") == []
    latest = index.get_many(["jacket"])["jacket"]
    assert (latest.price, latest.availability, latest.fetched_at) == ("39.00", "OutOfStock", 400.0)
    index.close()


def test_solr_down_is_a_clear_error():
    index = SolrProductIndex(SolrSettings(url="http://127.0.0.1:9/solr", timeout=2))
    with pytest.raises(BackendUnavailable, match=r"Solr at http://127.0.0.1:9/solr/products cannot be reached"):
        index.count()
    with pytest.raises(BackendUnavailable, match="Solr"):
        index.upsert(CATALOGUE)
    index.close()


def test_missing_solr_core_is_a_clear_error(solr_server):
    index = SolrProductIndex(SolrSettings(url=solr_server, products_core="no_such_core"))
    with pytest.raises(BackendUnavailable, match="no_such_core not found"):
        index.search("tee", ProductFilters())
    index.close()


def test_text_search_works_in_a_process_that_loaded_the_embedder_first(tmp_path):
    """TensorFlow carries a SQLite without FTS5: loaded before sqlite3, it broke the embedded index's search."""
    script = f"""
from pathlib import Path
import snapmode.vision.embedder
from snapmode.backends.products.base import ProductFilters
from snapmode.backends.products.sqlite import SqliteProductIndex
from snapmode.domain import Product
index = SqliteProductIndex(Path({str(tmp_path / "products.sqlite3")!r}))
index.upsert([Product(id="tee", url="https://shop.example/tee", site="luma", fetched_at=0.0, name="Running Tee")])
print([product.id for product in index.search("tee", ProductFilters()).items])
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "['tee']"


# Coverage: how much of a site's catalogue each field covers, and which extraction source supplied it.
COVERED = [
    make_product(
        "full",
        name="Wool Coat",
        price="120.00",
        currency="EUR",
        sku="WC-1",
        brand="Acme",
        availability="InStock",
        images=["https://shop.example/coat.jpg"],
        description="Warm.",
        field_sources=dict.fromkeys(COVERAGE_FIELDS, "json-ld"),
    ),
    make_product(
        "templated",
        name="Linen Shirt",
        price="48.48",
        currency="GBP",
        availability="OutOfStock",
        images=[],  # an empty list is no photo
        description="",  # nor is blank text
        field_sources={
            "name": "heuristics",
            "price": "template",
            "currency": "template",
            "availability": "rules",
            "images": "heuristics",
            "description": "heuristics",
            "categories": "rules",
        },
    ),
    make_product("unrecorded", name="Old Scarf", price="9.00", brand="Acme"),  # indexed before sources were kept
    make_product("elsewhere", name="Other Shop Hat", price="5.00", site="other", field_sources={"name": "rdfa"}),
]


def test_field_sources_are_stored_and_read_back(open_index):
    index = open_index()
    index.upsert(COVERED)
    stored = index.get_many(["full", "templated", "unrecorded"])
    assert stored["templated"].field_sources == COVERED[1].field_sources
    assert stored["full"] == COVERED[0] and stored["unrecorded"].field_sources == {}
    index.close()


def test_coverage_counts_each_field_of_a_site_and_its_sources(open_index):
    index = open_index()
    index.upsert(COVERED)
    coverage = index.coverage("luma")
    assert coverage.products == 3
    assert list(coverage.fields) == list(COVERAGE_FIELDS)
    found = {field: (entry.products, entry.sources) for field, entry in coverage.fields.items()}
    assert found == {
        "name": (3, {"json-ld": 1, "heuristics": 1}),
        "price": (3, {"json-ld": 1, "template": 1}),
        "currency": (2, {"json-ld": 1, "template": 1}),
        "sku": (1, {"json-ld": 1}),
        "brand": (2, {"json-ld": 1}),
        "availability": (2, {"json-ld": 1, "rules": 1}),
        # a source recorded for a field the product has no value for counts for nothing
        "images": (1, {"json-ld": 1}),
        "description": (1, {"json-ld": 1}),
    }
    # a recrawl that changes a field's source moves the count; the old source goes
    index.upsert([COVERED[1].model_copy(update={"fetched_at": 1.0, "field_sources": {"price": "heuristics"}})])
    after = index.coverage("luma").fields
    assert after["price"].sources == {"json-ld": 1, "heuristics": 1}
    assert after["name"].sources == {"json-ld": 1}
    index.close()


def test_coverage_of_a_site_without_products_is_all_zero(open_index):
    index = open_index()
    index.upsert(COVERED)
    coverage = index.coverage("no-such-site")
    assert coverage.products == 0
    assert all(entry.products == 0 and entry.sources == {} for entry in coverage.fields.values())
    index.close()


def test_sqlite_fills_the_coverage_of_a_file_written_before_it_on_open(tmp_path):
    path = tmp_path / "products.sqlite3"
    index = SqliteProductIndex(path)
    index.upsert(COVERED)
    expected = index.coverage("luma")
    index.close()
    db = sqlite3.connect(path)  # the file as an older SnapMode left it: products, no per-field table
    with db:
        db.execute("DROP TABLE product_fields")
    db.close()
    index = SqliteProductIndex(path)
    assert index.coverage("luma") == expected
    index.close()


def test_solr_rewrites_documents_indexed_before_coverage(solr_server):
    settings = SolrSettings(url=solr_server)
    core = SolrCore(settings, settings.products_core)
    core.delete_all()
    index = SolrProductIndex(settings)
    index.upsert(COVERED)
    # the coat as the schema before coverage stored it: no coverage fields, no coverage version
    stored = core.get(["full"], "id,type,data,fetched_at,point_at,point_values")[0]
    core.update([stored | {"site": "luma", "text_version": TEXT_VERSION, "name": "wool coat"}])
    assert index.coverage("luma").fields["sku"].products == 0
    reopened = SolrProductIndex(settings)
    assert reopened.coverage("luma").fields["sku"] == FieldCoverage(products=1, sources={"json-ld": 1})
    assert reopened.get_many(["full"])["full"] == COVERED[0]
    reopened.close()
    index.close()
    core.close()
