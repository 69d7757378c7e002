"""The in-process runner keeps Storm's contract: named fields, anchoring, ack after the whole tree, replay on failure."""

from __future__ import annotations

import threading
import time

from streamparse import BatchingBolt, Bolt, Grouping, Spout, Stream, Topology

from launch.runner.embedded import EmbeddedRunner

EVENTS: list[tuple] = []


class NumberSpout(Spout):
    outputs = ["n"]

    def initialize(self, conf, ctx):
        self.todo = list(conf["numbers"])
        self.replays = 0

    def next_tuple(self):
        if self.todo:
            n = self.todo.pop(0)
            self.emit([n], tup_id=f"id-{n}")

    def ack(self, tup_id):
        EVENTS.append(("ack", tup_id))

    def fail(self, tup_id):
        EVENTS.append(("fail", tup_id))
        if self.replays < 1:  # replay once, as a reliable spout would
            self.replays += 1
            self.todo.append(int(tup_id.split("-")[1]))


class SplitBolt(Bolt):
    outputs = [Stream(fields=["n", "half"], name="default"), Stream(fields=["n"], name="odd")]

    def process(self, tup):
        if tup.values.n % 2:
            self.emit([tup.values.n], stream="odd")
        else:
            self.emit([tup.values.n, tup.values.n // 2])


class SinkBolt(Bolt):
    outputs = []

    def initialize(self, conf, ctx):
        self.flaky = set(conf["flaky"])

    def process(self, tup):
        if tup.values.n in self.flaky:
            self.flaky.discard(tup.values.n)
            raise RuntimeError("transient trouble")
        EVENTS.append(("sink", tup.stream, tup.values))


class ToyTopology(Topology):
    numbers = NumberSpout.spec()
    split = SplitBolt.spec(inputs={numbers: Grouping.fields("n")})
    even = SinkBolt.spec(inputs=[split])
    odd = SinkBolt.spec(inputs=[split["odd"]])


def make(topology: type, conf: dict) -> EmbeddedRunner:
    """A runner whose source is drained once the spout named "numbers" has nothing left to emit."""

    def drained() -> bool:
        return not runner.components["numbers"].todo

    runner = EmbeddedRunner(topology, conf, finished=drained)
    return runner


def run(numbers, flaky=()):
    EVENTS.clear()
    runner = make(ToyTopology, {"numbers": numbers, "flaky": list(flaky)})
    while runner.step():
        pass
    return runner


def test_tuples_reach_subscribers_by_stream_with_named_fields():
    run([2, 3])
    sinks = [e for e in EVENTS if e[0] == "sink"]
    assert ("sink", "default") == sinks[0][:2] and sinks[0][2].half == 1
    assert sinks[1][1] == "odd" and sinks[1][2].n == 3


def test_spout_tuple_acked_only_after_its_tree_completes():
    run([4])
    assert [e[0] for e in EVENTS] == ["sink", "ack"]
    assert EVENTS[-1] == ("ack", "id-4")


def test_a_raising_bolt_fails_the_tree_and_the_spout_replays_it():
    runner = run([6], flaky=[6])
    assert ("fail", "id-6") in EVENTS
    assert EVENTS[-1] == ("ack", "id-6")  # the replay went through
    assert runner.done()


class CountingSpout(Spout):
    """Emits 0..n-1 and notes, for each ack, the thread it arrived on and the trees then in flight."""

    outputs = ["n"]

    def initialize(self, conf, ctx):
        self.todo = list(range(conf["count"]))
        self.acked: list[tuple[int, str]] = []

    def next_tuple(self):
        if self.todo:
            n = self.todo.pop(0)
            self.emit([n], tup_id=n)

    def ack(self, tup_id):
        self.acked.append((tup_id, threading.current_thread().name))


class ThreadedBolt(Bolt):
    """Hands each tuple to a thread of its own that emits and acks later, like the fetch bolt."""

    outputs = ["n"]
    auto_ack = False

    def initialize(self, conf, ctx):
        self.in_flight = 0
        self.peak = 0
        self.lock = threading.Lock()

    def process(self, tup):
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        threading.Thread(target=self.later, args=(tup,)).start()

    def later(self, tup):
        time.sleep(0.02)
        with self.lock:
            self.in_flight -= 1
        self.emit([tup.values.n], anchors=[tup])
        self.ack(tup)


class RecordingSink(Bolt):
    outputs = []

    def initialize(self, conf, ctx):
        self.seen: list[int] = []

    def process(self, tup):
        self.seen.append(tup.values.n)


class ThreadedTopology(Topology):
    numbers = CountingSpout.spec()
    later = ThreadedBolt.spec(inputs=[numbers])
    sink = RecordingSink.spec(inputs=[later])


def run_threaded(count: int, max_pending: int) -> EmbeddedRunner:
    return finish(make(ThreadedTopology, {"count": count, "topology.max.spout.pending": max_pending}))


def finish(runner: EmbeddedRunner) -> EmbeddedRunner:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if runner.step():
            continue
        if runner.done():
            break
        runner.wait(1.0)
    return runner


def test_tuples_from_a_bolts_own_thread_complete_their_trees():
    runner = run_threaded(count=6, max_pending=64)
    assert runner.done()
    assert sorted(runner.components["sink"].seen) == list(range(6))
    spout = runner.components["numbers"]
    assert sorted(n for n, _ in spout.acked) == list(range(6))
    # Spouts are not thread-safe: acks reach them on the runner's thread, never on the bolt's.
    assert {thread for _, thread in spout.acked} == {threading.current_thread().name}
    assert runner.components["later"].peak > 1  # the bolt's threads overlapped


def test_max_spout_pending_bounds_the_trees_in_flight():
    runner = run_threaded(count=5, max_pending=1)
    assert runner.done()
    assert runner.components["later"].peak == 1
    assert sorted(runner.components["sink"].seen) == list(range(5))


def test_wait_returns_as_soon_as_a_thread_hands_in_work():
    runner = make(ThreadedTopology, {"count": 1})
    runner.step()  # the bolt's thread now sleeps 20 ms before emitting
    started = time.monotonic()
    runner.wait(5.0)
    assert time.monotonic() - started < 2.0
    assert finish(runner).done()
    assert runner.components["sink"].seen == [0]


def test_a_finished_source_is_asked_for_no_more_tuples():
    def budget_spent() -> bool:
        return len(runner.components["sink"].seen) >= 3

    runner = EmbeddedRunner(ThreadedTopology, {"count": 10, "topology.max.spout.pending": 2}, finished=budget_spent)
    finish(runner)
    sink = runner.components["sink"].seen
    assert runner.done() and 3 <= len(sink) <= 5  # the two trees in flight complete, no new ones start


class BurstSpout(Spout):
    """Emits its numbers ``burst`` at a time, as the image spout emits a batch's worth of tasks."""

    outputs = ["n"]

    def initialize(self, conf, ctx):
        self.todo = list(conf["numbers"])
        self.burst = conf["burst"]

    def next_tuple(self):
        for n in self.todo[: self.burst]:
            self.emit([n], tup_id=n)
        del self.todo[: self.burst]

    def ack(self, tup_id):
        EVENTS.append(("ack", tup_id))

    def fail(self, tup_id):
        EVENTS.append(("fail", tup_id))


class SumBolt(BatchingBolt):
    """Processes what arrived together in one call; a batch holding the number 13 raises, a 7 fails alone."""

    outputs = []
    auto_ack = False

    def process_batch(self, key, tups):
        numbers = [tup.values.n for tup in tups]
        EVENTS.append(("batch", numbers))
        if 13 in numbers:
            raise RuntimeError("the batch's model call broke")
        for tup in tups:
            (self.fail if tup.values.n == 7 else self.ack)(tup)


class BatchTopology(Topology):
    numbers = BurstSpout.spec()
    sums = SumBolt.spec(inputs=[numbers])


def run_batches(numbers: list[int], burst: int) -> EmbeddedRunner:
    EVENTS.clear()
    runner = EmbeddedRunner(BatchTopology, {"numbers": numbers, "burst": burst}, finished=lambda: False)
    while runner.step():
        pass
    return runner


def test_a_batching_bolt_gets_what_arrived_together_in_one_call_without_waiting_for_a_tick():
    run_batches([1, 2, 3, 4, 5], burst=3)
    assert [e for e in EVENTS if e[0] == "batch"] == [("batch", [1, 2, 3]), ("batch", [4, 5])]
    assert sorted(e[1] for e in EVENTS if e[0] == "ack") == [1, 2, 3, 4, 5]


def test_a_tuple_failed_in_a_batch_fails_alone_and_a_raising_batch_fails_every_tuple_of_it():
    run_batches([6, 7, 8, 12, 13, 14], burst=3)
    assert sorted(e[1] for e in EVENTS if e[0] == "ack") == [6, 8]
    assert sorted(e[1] for e in EVENTS if e[0] == "fail") == [7, 12, 13, 14]



def test_a_costly_drained_check_is_asked_a_few_times_a_second_while_it_says_no():
    """The crawl's check counts a frontier of millions of URLs: asked before every tuple it cost more than a page."""
    from launch.runner.local import DRAINED_RECHECK_S, asked_at_most_every

    asked = []

    def drained() -> bool:
        asked.append(time.monotonic())
        return not runner.components["numbers"].todo

    EVENTS.clear()
    runner = EmbeddedRunner(ToyTopology, {"numbers": list(range(3000)), "flaky": []},
                            finished=asked_at_most_every(DRAINED_RECHECK_S, drained))  # fmt: skip
    started = time.monotonic()
    while not runner.done():
        runner.step()
    assert sum(1 for event in EVENTS if event[0] == "ack") == 3000  # every tuple, and then it stopped
    assert len(asked) <= 2 + (time.monotonic() - started) / DRAINED_RECHECK_S
