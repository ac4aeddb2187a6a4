"""The workbench's second connection (an account's page and the palette's names are read
without waiting for a scoring run, and see every save made before), and a save's view (one
account swapped in, as a rebuild would have it)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
import sqlite_utils

from csdesk.core.config import Config
from csdesk.core.models import ItemKind, Outcome, Touchpoint
from csdesk.desk.desk import Desk
from csdesk.tui.book_view import Workbench

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


def _as_rebuilt(workbench: Workbench, view):
    whole = workbench._view(list(view.assessments.values()))
    return whole.brief, whole.top, whole.rows


def test_a_save_swaps_one_account_in_the_view_as_a_rebuild_would(workbench):
    view = workbench.load()
    assert view.rows  # the lists have shown it: its rows are swapped too
    ids = list(view.assessments)
    # Accounts a call moves (a touchpoint overdue: engagement, score, the queue), and others.
    due = [i.account_id for i in view.brief if i.kind == ItemKind.touchpoint_due]
    changed = 0
    for account_id in dict.fromkeys(due[:6] + ids[::10]):
        workbench.log_touchpoint(Touchpoint(account_id=account_id, date=AS_OF, kind="call",
                                            status="completed"))
        row = view.row(account_id)
        view, _ = workbench.refreshed(view, account_id)
        assert list(view.assessments) == ids  # the book's order kept
        assert (view.brief, view.top, view.rows) == _as_rebuilt(workbench, view)
        changed += view.row(account_id) != row
    assert changed >= 3


def test_an_account_that_churns_leaves_the_lists_and_the_queue(workbench):
    view = workbench.load()
    assert view.rows
    row = next(r for r in view.rows if any(i.account_id == r.account_id for i in view.brief))
    workbench.log_renewal(row.account_id, Outcome.churned, AS_OF, None, reason="budget")
    view, _ = workbench.refreshed(view, row.account_id)
    assert (view.brief, view.top, view.rows) == _as_rebuilt(workbench, view)
    assert row.account_id not in {r.account_id for r in view.rows}
    assert row.account_id not in {i.account_id for i in view.brief}
