"""The workbench's second connection: an account's page and the palette's names are read
without waiting for a scoring run, and see every save made before."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlite_utils

from csdesk.core.config import Config
from csdesk.service import Desk
from csdesk.tui.data import Workbench

from .conftest import AS_OF


@pytest.fixture
def workbench(demo_book):
    workbench = Workbench(Desk.open(demo_book, Config(), AS_OF), book_path=demo_book)
    yield workbench
    workbench.close()


def _held(lock) -> tuple[threading.Event, threading.Thread]:
    """`lock` taken by another thread (as a scoring run takes it) until the event is set."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        with lock:
            taken.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(5)
    return release, thread


def _in_thread(call, timeout: float = 10.0):
    """call() in a thread of its own; its result, or a failure if it is still waiting."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert out, f"{call} still waits after {timeout} s"
    return out[0]


def test_an_account_and_the_names_are_read_while_a_scoring_run_holds_the_book(workbench):
    account_id, name = workbench.account_names()[0]
    workbench.add_note(account_id, "Spoke to the VP: renewal looks safe")  # before the run
    release, holder = _held(workbench.lock)
    try:
        names = _in_thread(workbench.account_names)
        detail = _in_thread(lambda: workbench.detail(account_id))
    finally:
        release.set()
        holder.join()
    assert (account_id, name) in names and len(names) == 60
    assert detail.account_id == account_id
    assert "Spoke to the VP: renewal looks safe" in [n.text for n in detail.notes]


def test_names_come_in_book_order(workbench):
    names = workbench.account_names()
    assert [n.casefold() for _, n in names] == sorted(n.casefold() for _, n in names)


def test_a_book_in_memory_is_read_on_its_own_connection(demo_book, workbench):
    memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    source = sqlite3.connect(demo_book)
    source.backup(memory)
    source.close()
    in_memory = Workbench(Desk(sqlite_utils.Database(memory), Config(), AS_OF))
    try:
        assert in_memory.account_names() == workbench.account_names()
        account_id = workbench.account_names()[5][0]
        here, there = in_memory.detail(account_id), workbench.detail(account_id)
        assert here.assessment == there.assessment and here.notes == there.notes
        assert in_memory._reader is None  # nothing else to open
    finally:
        in_memory.close()


def test_closing_closes_both_connections(workbench):
    account_id = workbench.account_names()[0][0]
    workbench.detail(account_id)
    reader = workbench._reader
    assert reader is not None and reader.db.conn is not workbench.desk.db.conn
    workbench.close()
    for conn in (reader.db.conn, workbench.desk.db.conn):
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")
    assert workbench._reader is None
