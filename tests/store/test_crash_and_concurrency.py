"""Nothing lost, nothing corrupted: kill -9 mid-write, and two writers on one book."""

import datetime as dt
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from csdesk.store import writes
from csdesk.store.schema import open_book

SEED_ACCOUNT = ("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")


@pytest.fixture
def book_path(tmp_path):
    path = tmp_path / "book.db"
    db = open_book(path)
    db.execute(SEED_ACCOUNT)
    db.conn.close()
    return path


def _integrity(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


NOTE_WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from csdesk.store.schema import open_book
    from csdesk.store import writes
    db = open_book(sys.argv[1])
    i = 0
    while True:
        writes.add_note(db, "a1", f"note {i} " + "x" * 2000, dt.datetime(2026, 11, 23))
        print(i, flush=True)  # printed only after the commit returned
        i += 1
""")

SNAPSHOT_WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from csdesk.core.models import Snapshot
    from csdesk.store.schema import open_book
    from csdesk.store import writes
    db = open_book(sys.argv[1])
    ids = [f"s{i}" for i in range(5000)]
    day = dt.date(2026, 1, 1)
    while True:
        writes.write_snapshots(db, [Snapshot(account_id=a, date=day, score=60, band="yellow",
                                             coverage=1.0) for a in ids])
        print(day, flush=True)
        day += dt.timedelta(days=1)
""")


def _run_and_kill(script: str, path, after_lines: int) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", script, str(path)],
                            stdout=subprocess.PIPE, text=True)
    lines = []
    try:
        while len(lines) < after_lines:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line.strip())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        lines += [ln.strip() for ln in proc.stdout.read().splitlines()]
    return lines


@pytest.mark.parametrize("after", [1, 37, 150])
def test_kill_during_note_saves_keeps_every_committed_note(book_path, after):
    committed = _run_and_kill(NOTE_WRITER, book_path, after)
    assert len(committed) >= after
    assert _integrity(book_path) == "ok"
    db = open_book(book_path)
    texts = {row[0].split(" ")[1] for row in db.execute("SELECT text FROM notes")}
    db.conn.close()
    assert {c for c in committed} <= texts


def test_kill_during_rescore_leaves_whole_days_only(book_path):
    db = open_book(book_path)
    db.conn.executemany(
        "INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
        "VALUES (?, ?, 1, '2026-01-01', '2027-01-01')", [(f"s{i}", f"S{i}") for i in range(5000)])
    db.conn.close()
    committed = _run_and_kill(SNAPSHOT_WRITER, book_path, 3)
    assert _integrity(book_path) == "ok"
    db = open_book(book_path)
    per_day = dict(db.execute("SELECT date, count(*) FROM score_snapshots GROUP BY date").fetchall())
    db.conn.close()
    assert set(per_day.values()) == {5000}, "a rescore was half written"
    assert set(committed) <= set(per_day)


def _write_notes(path, who, count, start_barrier):
    db = open_book(path)
    start_barrier.wait()
    for i in range(count):
        writes.add_note(db, "a1", f"{who}-{i}", dt.datetime(2026, 11, 23))
        writes.log_touchpoint(db, _touchpoint(who, i))
    db.conn.close()


def _touchpoint(who, i):
    from csdesk.core.models import Touchpoint

    return Touchpoint(account_id="a1", date=dt.date(2026, 11, 23), kind="call",
                      summary=f"{who}-{i}")


def test_two_writers_both_succeed_and_nothing_is_lost(book_path):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    procs = [ctx.Process(target=_write_notes, args=(book_path, who, 150, barrier))
             for who in ("workbench", "cron")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    db = open_book(book_path)
    notes = {r[0] for r in db.execute("SELECT text FROM notes")}
    touchpoints = db.execute("SELECT count(*) FROM touchpoints").fetchone()[0]
    db.conn.close()
    assert notes == {f"{who}-{i}" for who in ("workbench", "cron") for i in range(150)}
    assert touchpoints == 300


def test_a_writer_waits_for_a_long_transaction_instead_of_failing(book_path):
    holder = sqlite3.connect(book_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO notes (account_id, created_at, text) VALUES ('a1', 't', 'held')")
    proc = subprocess.Popen(
        [sys.executable, "-m", "csdesk", "--db", str(book_path), "note", "Acme", "from cron"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)
    assert proc.poll() is None, "the second writer should be waiting, not failing"
    holder.execute("COMMIT")
    holder.close()
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    db = open_book(book_path)
    assert {r[0] for r in db.execute("SELECT text FROM notes")} == {"held", "from cron"}
    db.conn.close()


def test_kill_during_a_big_import_leaves_nothing_half_imported(tmp_path):
    """An import is one transaction: killed mid-way, the book has all of it or none of it."""
    folder = tmp_path / "csv"
    folder.mkdir()
    n_accounts, weeks = 2000, 26
    (folder / "accounts.csv").write_text(
        "account_id,name,arr,contract_start,renewal_date\n" + "".join(
            f"A{i},Company {i},{10_000 + i},2025-01-01,2027-01-01\n" for i in range(n_accounts)))
    start = dt.date(2026, 5, 1)
    (folder / "usage.csv").write_text("account_id,date,active_users,logins\n" + "".join(
        f"A{i},{start + dt.timedelta(weeks=w)},{w},{w * 3}\n"
        for i in range(n_accounts) for w in range(weeks)))
    book = tmp_path / "book.db"
    open_book(book).conn.close()
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen([sys.executable, "-m", "csdesk", "--db", str(book), "import",
                                 str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert _integrity(book) == "ok"
        db = open_book(book)
        counts = (db.execute("SELECT count(*) FROM accounts").fetchone()[0],
                  db.execute("SELECT count(*) FROM usage").fetchone()[0])
        db.conn.close()
        assert counts in {(0, 0), (n_accounts, n_accounts * weeks)}, counts
        if finished or counts != (0, 0):
            break


def test_a_commit_that_fails_ends_the_transaction_and_writes_nothing(book_path):
    # A COMMIT can fail with the transaction still open (here: a foreign key checked at
    # COMMIT). The write must come back refused, with nothing kept and the connection free.
    db = open_book(book_path)
    db.conn.execute("PRAGMA defer_foreign_keys = ON")  # checks move to COMMIT
    with pytest.raises(sqlite3.IntegrityError), writes.transaction(db):
        db.execute("INSERT INTO notes (account_id, created_at, text) "
                   "VALUES ('NO-SUCH-ACCOUNT', '2026-11-23T09:00:00', 'lost?')")
    assert not db.conn.in_transaction
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    with writes.transaction(db):  # the connection writes again
        db.execute("INSERT INTO notes (account_id, created_at, text) "
                   "VALUES ('a1', '2026-11-23T09:00:00', 'kept')")
    assert db.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    db.conn.close()
