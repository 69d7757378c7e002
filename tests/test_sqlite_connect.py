import multiprocessing
from pathlib import Path

from snapmode.sqlite import connect

OPENERS = 4


def _open_and_create(path: Path, start, outcomes) -> None:
    start.wait()  # every process opens the new file at the same moment
    try:
        connect(path).execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY)")
        outcomes.put("ok")
    except Exception as exc:  # noqa: BLE001 - the parent reports what went wrong
        outcomes.put(repr(exc))


def test_processes_opening_one_new_file_at_once_all_get_a_wal_connection(tmp_path):
    # Without the retry about four rounds in ten lose a process to "database is locked".
    context = multiprocessing.get_context("spawn")
    for round_number in range(12):
        path = tmp_path / f"round{round_number}.sqlite3"
        start, outcomes = context.Barrier(OPENERS), context.Queue()
        workers = [context.Process(target=_open_and_create, args=(path, start, outcomes)) for _ in range(OPENERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [outcomes.get(timeout=5) for _ in workers] == ["ok"] * OPENERS, f"round {round_number}"
        assert connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
