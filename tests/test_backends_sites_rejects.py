"""The site registry and the reject log, on every backend, against the same expectations."""

import time
from collections.abc import Callable, Iterator
from functools import partial

import pytest

from snapmode.backends import solr_client
from snapmode.backends.rejects.base import RejectLog
from snapmode.backends.rejects.solr import SolrRejectLog
from snapmode.backends.rejects.sqlite import SqliteRejectLog
from snapmode.backends.sites.base import SiteRegistry
from snapmode.backends.sites.solr import SolrSiteRegistry
from snapmode.backends.sites.sqlite import SqliteSiteRegistry
from snapmode.backends.solr_client import SolrCore
from snapmode.config import SolrSettings
from snapmode.domain import Site
from snapmode.errors import BackendUnavailable
from tests.support.tiers import on_server


def _opener(request: pytest.FixtureRequest, tmp_path, sqlite: Callable, solr: Callable, core: str) -> Callable:
    """Opens the backend's store, empty at first; a second call opens the same store (another process would)."""
    if request.param == "sqlite":
        return partial(sqlite, tmp_path / "store.sqlite3")
    settings = SolrSettings(url=request.getfixturevalue("solr_server"))
    cleaner = SolrCore(settings, getattr(settings, core))
    cleaner.delete_all()
    cleaner.close()
    return partial(solr, settings)


@pytest.fixture(params=["sqlite", on_server("solr")])
def open_sites(request, tmp_path) -> Callable[[], SiteRegistry]:
    return _opener(request, tmp_path, SqliteSiteRegistry, SolrSiteRegistry, "sites_core")


@pytest.fixture(params=["sqlite", on_server("solr")])
def open_rejects(request, tmp_path) -> Callable[[], RejectLog]:
    return _opener(request, tmp_path, SqliteRejectLog, SolrRejectLog, "rejects_core")


@pytest.fixture
def sites(open_sites) -> Iterator[SiteRegistry]:
    registry = open_sites()
    yield registry
    registry.close()


@pytest.fixture
def rejects(open_rejects) -> Iterator[RejectLog]:
    log = open_rejects()
    yield log
    log.close()


def make_site(site_id: str, **fields) -> Site:
    return Site(id=site_id, root_url=f"https://{site_id}.example/", created_at=1.0, **fields)


def test_sites_upsert_get_and_replace(sites):
    assert sites.get("luma") is None
    luma = make_site("luma", rules_yaml="price: .price\n", include=[r"/shop/"], exclude=[r"\?sort="])
    sites.upsert(luma)
    assert sites.get("luma") == luma
    changed = luma.model_copy(update={"include": [], "rules_yaml": None})
    sites.upsert(changed)
    assert sites.get("luma") == changed
    assert sites.all() == [changed]


def test_sites_all_lists_every_site_by_id(sites, monkeypatch):
    monkeypatch.setattr(solr_client, "PAGE_SIZE", 7)  # Solr pages through them
    registered = [make_site(f"shop{i:02d}") for i in range(30)]
    for site in reversed(registered):
        sites.upsert(site)
    assert sites.all() == registered


def test_sites_written_by_one_opener_are_read_by_another(open_sites):
    writer, reader = open_sites(), open_sites()
    writer.upsert(make_site("acme"))
    assert [site.id for site in reader.all()] == ["acme"]
    assert reader.get("acme") == make_site("acme")
    writer.close()
    reader.close()


def test_reject_replay_updates_instead_of_adding(rejects):
    rejects.record("image", "https://x.example/a.jpg", "too small")
    rejects.record("image", "https://x.example/a.jpg", "not a product photo")
    rejects.record("page", "https://x.example/a.jpg", "no product")  # same subject, other stage: its own row
    assert rejects.count() == 2
    assert rejects.count("image") == 1 and rejects.count("page") == 1 and rejects.count("nope") == 0
    by_stage = {reject.stage: reject.reason for reject in rejects.recent()}
    assert by_stage == {"image": "not a product photo", "page": "no product"}


def test_recent_rejects_newest_first_and_limited(rejects):
    before = time.time()
    for i in range(5):
        rejects.record("page", f"https://x.example/{i}", f"reason {i}")
        time.sleep(0.01)
    recent = rejects.recent(limit=3)
    assert [reject.subject for reject in recent] == [f"https://x.example/{i}" for i in (4, 3, 2)]
    assert all(reject.at >= before for reject in recent)
    assert rejects.recent(limit=0) == []
    assert len(rejects.recent()) == 5


def test_reject_subjects_with_odd_characters_stay_apart(rejects):
    subjects = ['https://x.example/?q="a",b', "https://x.example/é 日本", 'a\\"b', "*:*"]
    for subject in subjects:
        rejects.record("page", subject, "bad")
    assert rejects.count("page") == len(subjects)
    assert {reject.subject for reject in rejects.recent()} == set(subjects)


def test_solr_down_is_a_clear_error():
    settings = SolrSettings(url="http://127.0.0.1:9/solr", timeout=2)
    sites, rejects = SolrSiteRegistry(settings), SolrRejectLog(settings)
    with pytest.raises(BackendUnavailable, match="Solr at http://127.0.0.1:9/solr/sites cannot be reached"):
        sites.all()
    with pytest.raises(BackendUnavailable, match="Solr at http://127.0.0.1:9/solr/rejects cannot be reached"):
        rejects.record("page", "https://x.example/", "bad")
    sites.close()
    rejects.close()


def test_site_state_is_kept_and_sites_can_be_deleted(open_sites) -> None:
    registry = open_sites()
    registry.upsert(make_site("a", state="paused"))
    registry.upsert(make_site("b"))
    assert registry.delete("b") is True and registry.delete("b") is False
    other = open_sites()  # another process
    assert [(site.id, site.state) for site in other.all()] == [("a", "paused")]
    registry.close()
    other.close()


def test_sites_stored_before_states_existed_read_as_active() -> None:
    old = '{"id": "a", "root_url": "https://a.example/", "include": [], "exclude": [], "created_at": 1.0}'
    assert Site.model_validate_json(old).state == "active"


def test_a_site_keeps_its_name(sites) -> None:
    named = make_site("luma", name="Luma Demo Shop")
    sites.upsert(named)
    assert sites.get("luma").name == "Luma Demo Shop" and sites.all() == [named]
    sites.upsert(named.model_copy(update={"name": None}))
    assert sites.get("luma").name is None


def test_sites_stored_with_patterns_re2_cannot_run_still_load(sites) -> None:
    """Saved before patterns ran on RE2: the record loads (its operator can change it), new input is refused."""
    old = make_site("old").model_copy(update={"include": ["/p/(?=hoodie)"], "exclude": [r"(a)\1"]})
    sites.upsert(old)
    assert sites.get("old").include == ["/p/(?=hoodie)"] and sites.all()[0].exclude == [r"(a)\1"]
    with pytest.raises(ValueError, match="invalid pattern"):
        Site.model_validate(old.model_dump())
