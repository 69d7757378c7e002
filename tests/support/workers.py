"""How the suite is shared out between pytest-xdist workers (scripts/test runs `-n 2 --dist loadgroup`).

Each group of tests is one unit of work that one worker runs start to end: a module, so its module-scoped
fixtures (the demo index, a served app, a loaded model) are built once, or the group an `xdist_group` mark
names across modules (every test that touches Solr: tests/support/tiers.py). Units of the heavy tiers are
handed out first, so the short modules fill the gaps instead of trailing at the end of the run.

xdist 3.8's own loadgroup finds a test's group in a suffix it writes into the test's node id, which pytest
9.2 no longer lets it write (pytest-dev/pytest-xdist#1386): it would run every test as a unit of its own,
Solr's tests side by side. So the workers write the groups down for the run (SharedRun.write_groups) and the
controller schedules with `GroupScheduling`, xdist's scope scheduler reading those groups.
"""

from __future__ import annotations

from collections import Counter

import pytest
from xdist.scheduler import LoadScopeScheduling

from tests.support.shared_run import SharedRun
from tests.support.tiers import TIERS, tier_rank


def group_of(item: pytest.Item) -> str:
    """The group its `xdist_group` mark names, otherwise its module."""
    mark = item.get_closest_marker("xdist_group")
    if mark is None:
        return item.path.stem
    return mark.args[0] if mark.args else mark.kwargs.get("name", "default")


def share_out(items: list[pytest.Item]) -> dict[str, str]:
    """Order the items unit by unit, heavy tiers first; returns each item's group by node id."""
    groups = {item.nodeid: group_of(item) for item in items}
    rank: dict[str, int] = {}
    for item in items:
        group = groups[item.nodeid]
        rank[group] = min(rank.get(group, len(TIERS)), tier_rank(item))
    order = {group: position for position, group in enumerate(sorted(rank, key=rank.__getitem__))}
    items.sort(key=lambda item: order[groups[item.nodeid]])  # stable: collection order within a unit
    return groups


def refuse_shared_node_ids(items: list[pytest.Item]) -> None:
    """xdist schedules tests by node id: of tests sharing one, it would run one and drop the others unreported
    (schemathesis' `schema.parametrize()` gives every operation the same id)."""
    shared = sorted(nodeid for nodeid, count in Counter(item.nodeid for item in items).items() if count > 1)
    if shared:
        raise pytest.UsageError(f"tests share a node id, so parallel runs would skip all but one: {shared}")


class GroupScheduling(LoadScopeScheduling):
    """xdist's scope scheduler with the groups the workers wrote down as its scopes, in collection order."""

    def __init__(self, config: pytest.Config, log, run: SharedRun) -> None:
        super().__init__(config, log)
        self._run = run
        self._groups: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._groups is None:  # first asked once every worker has collected, so after they wrote the groups
            self._groups = self._run.read_groups()
        return self._groups[nodeid]
