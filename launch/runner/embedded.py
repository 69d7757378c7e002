"""Run a streamparse topology in this process, with Storm's tuple-tree semantics.

The same spout and bolt classes that Storm runs are instantiated here; their multilang
`send_message` is replaced by an in-process router, so `emit`, `ack` and `fail` take
the code paths they take on a cluster. A spout tuple is acked once every tuple
anchored to it is acked, and failed as soon as one of them fails or a bolt raises.
Parallelism hints are ignored: one instance per component.

Bolts run on this thread, but may emit, ack and fail from threads of their own (the fetch
bolt does), as pystorm allows; spouts hear of acks and fails on this thread, in ``step``.
Up to ``topology.max.spout.pending`` trees per spout are in flight at once.

A batching bolt (pystorm's ``BatchingBolt``) collects the tuples it is handed; where Storm's tick
tuple would make it process a partial batch, the runner calls its ``process_batches`` as soon as
no tuple is queued, so a batch is as large as what arrived together and never waits.
"""

from __future__ import annotations

import io
import itertools
import logging
import threading
from collections import deque, namedtuple
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pystorm.bolt import BatchingBolt
from pystorm.component import Tuple  # what bolts receive on a cluster; pystorm's ack() checks for it

log = logging.getLogger(__name__)

MAX_SPOUT_PENDING = 64  # when the configuration names no topology.max.spout.pending


@dataclass
class _Tree:
    spout: str
    tup_id: Any
    pending: set[int] = field(default_factory=set)


class EmbeddedRunner:
    def __init__(self, topology: type, conf: dict[str, Any], finished: Callable[[], bool]) -> None:
        """`finished` tells when the topology's source is drained (e.g. no URL left in the frontier)
        or should be left alone (a page budget spent); trees in flight still complete."""
        self.name = topology.__name__
        self.finished = finished
        self.max_spout_pending = int(conf.get("topology.max.spout.pending") or MAX_SPOUT_PENDING)
        self._ids = itertools.count(1)
        # Guards what bolts' own threads touch (trees, inbox, spout events); notified when work arrives.
        self._work = threading.Condition()
        self._trees: dict[int, _Tree] = {}
        self._tuple_root: dict[int, int] = {}
        self._inbox: deque[tuple[str, Tuple]] = deque()
        self._spout_events: deque[tuple[str, str, Any]] = deque()  # (spout, "ack" | "fail", tuple id)
        self._subscribers: dict[tuple[str, str], list[str]] = {}
        self._fields: dict[tuple[str, str], type] = {}
        self.components: dict[str, Any] = {}
        self.spouts: list[str] = []
        for spec in topology.specs:
            for stream_id in spec.inputs:
                self._subscribers.setdefault((stream_id.componentId, stream_id.streamId), []).append(spec.name)
            for stream, info in spec.outputs.items():
                self._fields[(spec.name, stream)] = namedtuple(f"{spec.name}_{stream}", info.output_fields)
        for spec in topology.specs:
            component = spec.component_cls(input_stream=io.StringIO(), output_stream=io.StringIO(), rdb_signal=None)
            component.send_message = lambda message, name=spec.name: self._route(name, message)
            component.component_name = spec.name
            component.topology_name = self.name
            component.logger = logging.getLogger(f"snapmode.{spec.name}")
            component.initialize(conf, {"componentid": spec.name, "taskid": 1})
            self.components[spec.name] = component
            if hasattr(component, "next_tuple"):
                self.spouts.append(spec.name)

    def step(self) -> bool:
        """Tell spouts of finished trees, ask each spout for one tuple unless it has
        ``max_spout_pending`` trees in flight or ``finished`` says stop, and process every queued
        tuple. True if work was done."""
        worked = self._deliver()
        for name in self.spouts:
            if self._pending(name) < self.max_spout_pending and not self.finished():
                self.components[name].next_tuple()
            worked |= self._drain()
            worked |= self._deliver()
        return worked

    def wait(self, timeout: float) -> None:
        """Sleep until a bolt's thread hands in work or ``timeout`` seconds pass: what to do when idle."""
        with self._work:
            if not (self._inbox or self._spout_events):
                self._work.wait(timeout)

    def done(self) -> bool:
        with self._work:
            busy = self._trees or self._inbox or self._spout_events
        return not busy and self.finished()

    def _pending(self, spout: str) -> int:
        with self._work:
            return sum(1 for tree in self._trees.values() if tree.spout == spout)

    def _take(self, queue: deque) -> Any:
        """The next item of a queue bolts' threads also fill, or None when it is empty."""
        with self._work:
            return queue.popleft() if queue else None

    def _drain(self) -> bool:
        worked = False
        while True:
            while (item := self._take(self._inbox)) is not None:
                name, tup = item
                worked = True
                self._process(name, tup)
            waiting = [name for name, bolt in self.components.items() if _has_batch(bolt)]
            if not waiting:
                return worked
            for name in waiting:  # in topology order: a batch's emits are queued before the next bolt's flush
                self._process(name, None)

    def _process(self, name: str, tup: Tuple | None) -> None:
        """One tuple to a bolt, or (``tup`` None) a batching bolt's waiting batch, as a tick tuple would."""
        bolt = self.components[name]
        batching = isinstance(bolt, BatchingBolt)
        bolt._current_tups = [tup] if tup is not None else []
        try:
            if tup is None:
                bolt.process_batches()
            else:
                bolt.process(tup)
                if bolt.auto_ack and not batching:
                    bolt.ack(tup)
        except Exception:
            # On a cluster the worker dies and the tuple times out; here the tree fails at once. A batching bolt's
            # batch in hand fails with it, as pystorm fails it on a cluster.
            failed = [*bolt._current_tups, *(t for batch in bolt._batches.values() for t in batch)] if batching else []
            log.exception("%s failed on %d tuple(s); their spout tuples will be replayed", name, max(1, len(failed)))
            for failed_tup in failed or [tup]:
                self._fail(failed_tup.id)
            if batching:
                bolt._batches.clear()
        finally:
            bolt._current_tups = []

    def _deliver(self) -> bool:
        """Acks and fails reach spouts here, on the runner's thread (spouts are not thread-safe)."""
        worked = False
        while (item := self._take(self._spout_events)) is not None:
            spout, event, tup_id = item
            worked = True
            getattr(self.components[spout], event)(tup_id)
        return worked

    def _route(self, name: str, message: dict[str, Any]) -> None:
        command = message["command"]
        with self._work:
            if command == "emit":
                self._emit(name, message)
            elif command == "ack":
                self._ack(message["id"])
            elif command == "fail":
                self._fail(message["id"])
            elif command == "log":
                log.info("%s: %s", name, message.get("msg"))
            self._work.notify_all()

    def _emit(self, name: str, message: dict[str, Any]) -> None:
        stream = message.get("stream") or "default"
        values = self._fields[(name, stream)](*message["tuple"])
        if name in self.spouts:
            roots = []
            if message.get("id") is not None:
                root = next(self._ids)
                self._trees[root] = _Tree(spout=name, tup_id=message["id"])
                roots = [root]
        else:
            anchors = message.get("anchors", [])
            roots = sorted({self._tuple_root[a] for a in anchors if self._tuple_root.get(a) in self._trees})
        subscribers = self._subscribers.get((name, stream), [])
        for subscriber in subscribers:
            tuple_id = next(self._ids)
            for root in roots[:1]:  # bolts here anchor to one input; one root per tuple is enough
                self._trees[root].pending.add(tuple_id)
                self._tuple_root[tuple_id] = root
            self._inbox.append((subscriber, Tuple(tuple_id, name, stream, 1, values)))
        if name in self.spouts and roots and not subscribers:
            self._complete(roots[0])

    def _ack(self, tuple_id: int) -> None:
        root = self._tuple_root.pop(tuple_id, None)
        if root is None or root not in self._trees:
            return
        tree = self._trees[root]
        tree.pending.discard(tuple_id)
        if not tree.pending:
            self._complete(root)

    def _fail(self, tuple_id: int) -> None:
        # Tuples of a failed tree still queued are processed like on Storm; their acks find no tree.
        with self._work:
            root = self._tuple_root.pop(tuple_id, None)
            tree = self._trees.pop(root, None) if root is not None else None
            if tree is not None:
                self._spout_events.append((tree.spout, "fail", tree.tup_id))

    def _complete(self, root: int) -> None:
        tree = self._trees.pop(root)
        self._spout_events.append((tree.spout, "ack", tree.tup_id))


def _has_batch(bolt: Any) -> bool:
    return isinstance(bolt, BatchingBolt) and any(bolt._batches.values())
