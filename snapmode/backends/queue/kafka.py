"""The image-URL queue on Apache Kafka: at-least-once, offsets committed only once settled.

Tasks go to ``images_topic`` keyed by product id, so one product's images stay on one
partition, in order. Consumers share ``group_id`` with auto-commit off; a message id is
``topic/partition/offset``. Leases live in this process: a message leased and not settled
before its deadline is handed out again by a later ``poll``. A partition's offset is
committed only up to its first unsettled message, so a crash (or a revoked partition)
replays every message not yet acked or failed. Failed tasks are published to
``failed_topic`` with their error, then count as settled.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, OffsetSpec
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import CommitFailedError, KafkaError, RebalanceInProgressError, TopicAlreadyExistsError
from kafka.structs import MemberState, OffsetAndMetadata
from pydantic import BaseModel

from snapmode.backends.queue.base import Message
from snapmode.config import KafkaSettings
from snapmode.domain import ImageTask
from snapmode.errors import BackendUnavailable

_BOOTSTRAP_TIMEOUT_MS = 5_000
_REQUEST_TIMEOUT_MS = 10_000
_SESSION_TIMEOUT_MS = 10_000  # a consumer that dies without leaving frees its partitions this fast
_JOIN_TIMEOUT_S = 30.0  # first poll: joining the group and the first fetch
_FETCH_WAIT_S = 0.5  # how long a poll waits for new messages once the group is stable
_POLL_SLICE_MS = 100


class FailedTask(BaseModel):
    """A record of the failed topic."""

    task: ImageTask
    error: str


@dataclass
class _Lease:
    task: ImageTask
    attempts: int
    deadline: float  # time.monotonic()
    settled: bool = False


class _Leases:
    """Messages fetched and not yet committed, per partition in offset order.

    Touched by the caller's thread and by the consumer's IO thread (rebalance callbacks),
    hence the lock; it is never held while talking to Kafka.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._partitions: dict[TopicPartition, OrderedDict[int, _Lease]] = {}

    def add(self, tp: TopicPartition, offset: int, task: ImageTask, deadline: float) -> _Lease:
        with self._lock:
            lease = _Lease(task=task, attempts=1, deadline=deadline)
            self._partitions.setdefault(tp, OrderedDict())[offset] = lease
            return lease

    def renew_expired(self, now: float, limit: int, lease_seconds: float) -> list[Message]:
        with self._lock:
            renewed = []
            for tp, leases in self._partitions.items():
                for offset, lease in leases.items():
                    if len(renewed) == limit:
                        return renewed
                    if not lease.settled and lease.deadline <= now:
                        lease.attempts += 1
                        lease.deadline = now + lease_seconds
                        renewed.append(_message(tp, offset, lease))
            return renewed

    def get(self, tp: TopicPartition, offset: int) -> _Lease | None:
        with self._lock:
            lease = self._partitions.get(tp, {}).get(offset)
            return None if lease is None or lease.settled else lease

    def settle(self, ids: Iterable[tuple[TopicPartition, int]]) -> dict[TopicPartition, OffsetAndMetadata]:
        """Marks messages settled; returns the offsets now committable (first unsettled offset per partition)."""
        with self._lock:
            touched = set()
            for tp, offset in ids:
                lease = self._partitions.get(tp, {}).get(offset)
                if lease is not None:  # unknown: acked already, or its partition was revoked
                    lease.settled = True
                    touched.add(tp)
            commits = {}
            for tp in touched:
                leases = self._partitions[tp]
                last = None
                while leases and next(iter(leases.values())).settled:
                    last, _ = leases.popitem(last=False)
                if last is not None:
                    commits[tp] = OffsetAndMetadata(last + 1, "", -1)
            return commits

    def settled_uncommitted(self) -> int:
        with self._lock:
            return sum(lease.settled for leases in self._partitions.values() for lease in leases.values())

    def drop(self, partitions: Iterable[TopicPartition]) -> None:
        """Forgets revoked partitions: their next owner replays them from the committed offset."""
        with self._lock:
            for tp in partitions:
                self._partitions.pop(tp, None)


class _DropRevoked(ConsumerRebalanceListener):
    def __init__(self, leases: _Leases) -> None:
        self._leases = leases

    def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        self._leases.drop(revoked)

    def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        pass

    def on_partitions_lost(self, lost: list[TopicPartition]) -> None:
        self._leases.drop(lost)


class KafkaImageQueue:
    """The cluster ``ImageQueue``; one instance per process, safe to share between threads."""

    def __init__(self, settings: KafkaSettings) -> None:
        self._settings = settings
        self._lock = threading.RLock()
        self._leases = _Leases()
        self._admin: KafkaAdminClient | None = None
        self._producer: KafkaProducer | None = None
        self._consumer: KafkaConsumer | None = None

    def publish(self, tasks: list[ImageTask]) -> None:
        if not tasks:
            return
        with self._lock, self._unavailable("publishing image tasks"):
            producer = self._ready_producer()
            futures = [
                producer.send(
                    self._settings.images_topic,
                    key=task.product_id.encode(),
                    value=task.model_dump_json().encode(),
                )
                for task in tasks
            ]
            producer.flush(timeout=_REQUEST_TIMEOUT_MS / 1000)
            for future in futures:
                future.get(timeout=0)  # raises the send's error, if any

    def poll(self, max_messages: int = 16, lease_seconds: float = 300.0) -> list[Message]:
        if max_messages < 1 or lease_seconds <= 0:
            raise ValueError(f"need max_messages >= 1 and lease_seconds > 0, got {max_messages}, {lease_seconds}")
        with self._lock, self._unavailable("polling image tasks"):
            consumer = self._ready_consumer()
            messages = self._leases.renew_expired(time.monotonic(), max_messages, lease_seconds)
            room = max_messages - len(messages)
            if room == 0:
                return messages
            for record in self._fetch(consumer, room):
                tp = TopicPartition(record.topic, record.partition)
                task = ImageTask.model_validate_json(record.value)
                lease = self._leases.add(tp, record.offset, task, time.monotonic() + lease_seconds)
                messages.append(_message(tp, record.offset, lease))
            return messages

    def ack(self, message_ids: list[str]) -> None:
        ids = [self._parse(message_id) for message_id in message_ids]
        with self._lock, self._unavailable("committing acked image tasks"):
            self._commit(self._leases.settle(ids))

    def fail(self, message_id: str, error: str) -> None:
        tp, offset = self._parse(message_id)
        with self._lock, self._unavailable("parking a failed image task"):
            lease = self._leases.get(tp, offset)
            if lease is None:  # settled already, or no longer ours: its new owner decides
                return
            producer = self._ready_producer()
            future = producer.send(
                self._settings.failed_topic,
                key=lease.task.product_id.encode(),
                value=FailedTask(task=lease.task, error=error).model_dump_json().encode(),
            )
            producer.flush(timeout=_REQUEST_TIMEOUT_MS / 1000)
            future.get(timeout=0)
            self._commit(self._leases.settle([(tp, offset)]))

    def failed(self) -> list[tuple[ImageTask, str]]:
        """Every task parked in the failed topic with its error, oldest first (the topic has one partition)."""
        with self._lock, self._unavailable("reading failed image tasks"):
            self._ready_admin()
            reader = KafkaConsumer(**self._client_config(), enable_auto_commit=False)
            try:
                partitions = [
                    TopicPartition(self._settings.failed_topic, p)
                    for p in sorted(reader.partitions_for_topic(self._settings.failed_topic) or ())
                ]
                reader.assign(partitions)
                reader.seek_to_beginning(*partitions)
                ends = reader.end_offsets(partitions, timeout_ms=_REQUEST_TIMEOUT_MS)
                records = []
                deadline = time.monotonic() + _REQUEST_TIMEOUT_MS / 1000
                while any(reader.position(tp, timeout_ms=_REQUEST_TIMEOUT_MS) < end for tp, end in ends.items()):
                    if time.monotonic() > deadline:
                        raise BackendUnavailable(
                            f"Kafka at {self._settings.bootstrap_servers}: reading "
                            f"{self._settings.failed_topic} took longer than {_REQUEST_TIMEOUT_MS} ms"
                        )
                    for batch in reader.poll(timeout_ms=_POLL_SLICE_MS).values():
                        records.extend(batch)
            finally:
                reader.close(autocommit=False)
        records.sort(key=lambda record: (record.timestamp, record.partition, record.offset))
        parked = [FailedTask.model_validate_json(record.value) for record in records]
        return [(failed.task, failed.error) for failed in parked]

    def pending(self) -> int:
        """Messages the group has not settled: end offsets minus committed offsets, less the messages this
        process settled past a gap (acked, but not committable yet)."""
        with self._lock, self._unavailable("counting pending image tasks"):
            deadline = time.monotonic() + _REQUEST_TIMEOUT_MS / 1000
            while True:
                try:
                    with self._admin_session() as admin:
                        return self._unsettled(admin) - self._leases.settled_uncommitted()
                except KafkaError as error:
                    # A coordinator still starting, or moved (the client that asked the old one is replaced):
                    # asked again for one request timeout.
                    if not error.retriable or time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)

    def _unsettled(self, admin: KafkaAdminClient) -> int:
        topic, group = self._settings.images_topic, self._settings.group_id
        (description,) = admin.describe_topics([topic])
        partitions = [TopicPartition(topic, p["partition_index"]) for p in description["partitions"]]
        ends = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
        starts = admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in partitions})
        committed = admin.list_group_offsets({group: partitions}).get(group, {})
        unsettled = 0
        for tp in partitions:
            done = committed.get(tp)
            start = done.offset if done is not None and done.offset >= 0 else starts[tp].offset
            unsettled += ends[tp].offset - start
        return unsettled

    def close(self) -> None:
        """Leaves the group without committing: messages not yet settled go to the next owner of their partition."""
        with self._lock:
            if self._consumer is not None:
                self._consumer.close(autocommit=False, timeout_ms=_REQUEST_TIMEOUT_MS)
            if self._producer is not None:
                self._producer.close(timeout=_REQUEST_TIMEOUT_MS / 1000)
            if self._admin is not None:
                self._admin.close()
            self._consumer = self._producer = self._admin = None

    @contextmanager
    def _unavailable(self, action: str) -> Iterator[None]:
        try:
            yield
        except KafkaError as exc:
            raise BackendUnavailable(
                f"Kafka at {self._settings.bootstrap_servers} failed while {action}: {exc!r}"
            ) from exc

    def _client_config(self) -> dict:
        return {
            "bootstrap_servers": self._settings.bootstrap_servers.split(","),
            "bootstrap_timeout_ms": _BOOTSTRAP_TIMEOUT_MS,
            "request_timeout_ms": _REQUEST_TIMEOUT_MS,
            "reconnect_backoff_max_ms": 1_000,
        }

    @contextmanager
    def _admin_session(self) -> Iterator[KafkaAdminClient]:
        """The admin client for one question; one that failed is closed and the next question gets a new one.

        kafka-python's admin client keeps the group coordinator and the topics' leaders it found first: after a
        broker restart it would go on asking the broker that no longer holds them, and fail for the life of the
        process."""
        try:
            yield self._ready_admin()
        except KafkaError:
            if self._admin is not None:
                self._admin.close()
                self._admin = None
            raise

    def _ready_admin(self) -> KafkaAdminClient:
        """The admin client, once both topics exist (created on first use where missing)."""
        if self._admin is None:
            admin = KafkaAdminClient(**self._client_config())
            existing = set(admin.list_topics())
            wanted = {self._settings.images_topic: self._settings.partitions, self._settings.failed_topic: 1}
            for topic, partitions in wanted.items():
                if topic in existing:
                    continue
                try:
                    admin.create_topics(
                        {topic: {"num_partitions": partitions}},
                        timeout_ms=_REQUEST_TIMEOUT_MS,
                        wait_for_metadata=True,
                    )
                except TopicAlreadyExistsError:  # another process was first
                    pass
            self._admin = admin
        return self._admin

    def _ready_producer(self) -> KafkaProducer:
        if self._producer is None:
            self._ready_admin()
            self._producer = KafkaProducer(
                **self._client_config(),
                acks="all",
                enable_idempotence=True,  # a retried send is not written twice
                linger_ms=5,
                max_block_ms=_REQUEST_TIMEOUT_MS,
                delivery_timeout_ms=3 * _REQUEST_TIMEOUT_MS,
            )
        return self._producer

    def _ready_consumer(self) -> KafkaConsumer:
        if self._consumer is None:
            self._ready_admin()
            consumer = KafkaConsumer(
                **self._client_config(),
                group_id=self._settings.group_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                allow_auto_create_topics=False,
                session_timeout_ms=_SESSION_TIMEOUT_MS,
                heartbeat_interval_ms=_SESSION_TIMEOUT_MS // 3,
                fetch_max_wait_ms=200,
            )
            consumer.subscribe([self._settings.images_topic], listener=_DropRevoked(self._leases))
            # Partition metadata known before the first join: kafka-python 3.0.12 never completes a join
            # that a metadata change restarted if a poll timed out during it, leaving the member unassigned.
            consumer.partitions_for_topic(self._settings.images_topic)
            self._consumer = consumer
        return self._consumer

    def _fetch(self, consumer: KafkaConsumer, limit: int) -> list:
        """New records of this consumer's partitions, waiting for the group to settle on the first call."""
        started = time.monotonic()
        stable_since = None
        while True:
            batches = consumer.poll(timeout_ms=_POLL_SLICE_MS, max_records=limit)
            owned = consumer.assignment()
            records = [record for tp, batch in batches.items() if tp in owned for record in batch]
            if records:
                return records
            now = time.monotonic()
            if consumer.group_metadata().state == MemberState.STABLE:
                stable_since = stable_since or now
                if now - stable_since >= _FETCH_WAIT_S:
                    return []
            elif now - started > _JOIN_TIMEOUT_S:
                raise BackendUnavailable(
                    f"Kafka at {self._settings.bootstrap_servers}: consumer group {self._settings.group_id!r} "
                    f"did not settle in {_JOIN_TIMEOUT_S:.0f} s"
                )

    def _commit(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        if not offsets or self._consumer is None:
            return
        try:
            self._consumer.commit(offsets, timeout_ms=_REQUEST_TIMEOUT_MS)
        except (CommitFailedError, RebalanceInProgressError):
            pass  # the partition moved on: its new owner replays from the last commit (at-least-once)

    def _parse(self, message_id: str) -> tuple[TopicPartition, int]:
        topic, _, rest = message_id.partition("/")
        partition, _, offset = rest.partition("/")
        if topic != self._settings.images_topic or not partition.isdigit() or not offset.isdigit():
            raise ValueError(f"not a message id of this queue: {message_id!r}")
        return TopicPartition(topic, int(partition)), int(offset)


def _message(tp: TopicPartition, offset: int, lease: _Lease) -> Message:
    return Message(id=f"{tp.topic}/{tp.partition}/{offset}", task=lease.task, attempts=lease.attempts)
