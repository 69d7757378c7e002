"""The in-process runner keeps Storm's contract: named fields, anchoring, ack after the whole tree, replay on failure."""

from __future__ import annotations

from streamparse import Bolt, Grouping, Spout, Stream, Topology

from snapmode.runner.embedded import EmbeddedRunner

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


def run(numbers, flaky=()):
    EVENTS.clear()
    runner = EmbeddedRunner(ToyTopology, {"numbers": numbers, "flaky": list(flaky)}, finished=lambda: True)
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
