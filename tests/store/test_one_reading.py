"""A whole-book read sees the book as it stood at its first query, even when another program
writes between its queries (two real connections on one file, the second writing while the
first is half-way through its dozen queries)."""

import datetime as dt

from csdesk.core.config import Config
from csdesk.core.models import Touchpoint
from csdesk.store.demo.generate import generate
from csdesk.store import writes
from csdesk.store.demo.write import write_demo
from csdesk.store.queries import load_book, one_reading
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)


def _book(tmp_path):
    path = tmp_path / "book.db"
    db = open_book(path)
    write_demo(db, generate(12, 3, AS_OF, Config().rules), as_of=AS_OF, rules=Config().rules,
               force=False)
    return path, db


def test_a_write_between_two_table_reads_is_not_half_seen(tmp_path):
    path, db = _book(tmp_path)
    other = open_book(path)  # another program on the same book
    first = load_book(db, AS_OF)[0]
    added = Touchpoint(account_id=first.account.account_id, date=AS_OF, kind="call",
                       status="completed", summary="written mid-read")
    fired = []

    def write_once(statement: str) -> None:  # runs as the reader starts its contacts query
        if "FROM contacts" in statement and not fired:
            writes.log_touchpoint(other, added)
            fired.append(statement)  # only once written (an error here is swallowed)

    db.conn.set_trace_callback(write_once)
    try:
        during = load_book(db, AS_OF)
    finally:
        db.conn.set_trace_callback(None)
    assert fired, "the write did not happen during the read"
    assert not db.conn.in_transaction  # the read ended its transaction
    assert added not in during[0].touchpoints
    assert during[0].touchpoints == first.touchpoints
    after = load_book(db, AS_OF)  # the next read sees the write
    assert added in after[0].touchpoints
    other.conn.close()
    db.conn.close()


def test_inside_a_write_the_read_sees_that_write(tmp_path):
    path, db = _book(tmp_path)
    first = load_book(db, AS_OF)[0]
    added = Touchpoint(account_id=first.account.account_id, date=AS_OF, kind="call",
                       status="completed", summary="not committed yet")
    with writes.transaction(db):
        db.execute("INSERT INTO touchpoints (account_id, date, kind, status, summary, flags) "
                   "VALUES (?, ?, 'call', 'completed', ?, '')",
                   [added.account_id, AS_OF.isoformat(), added.summary])
        with one_reading(db):  # no second BEGIN: it joins the write's transaction
            inside = load_book(db, AS_OF)
        assert db.conn.in_transaction  # ...and leaves it open for the write to commit
    assert added in inside[0].touchpoints
    db.conn.close()


def test_an_export_is_one_state_of_the_book(tmp_path):
    import json

    from csdesk.store.exporting.json_book import export_book

    path, db = _book(tmp_path)
    other = open_book(path)
    account = load_book(db, AS_OF)[0].account.account_id
    fired = []

    def write_once(statement: str) -> None:  # as the export starts on the touchpoints
        if "FROM touchpoints" in statement and not fired:
            writes.add_note(other, account, "written mid-export",  # notes are read later
                            dt.datetime(2026, 11, 23, 9, 30))
            fired.append(statement)  # only once written (an error here is swallowed)

    db.conn.set_trace_callback(write_once)
    try:
        out, counts = export_book(db, tmp_path / "copy.json")
    finally:
        db.conn.set_trace_callback(None)
    assert fired
    notes = json.loads(out.read_text())["notes"]
    assert "written mid-export" not in [n["text"] for n in notes]
    assert counts["notes"] == len(notes)
    other.conn.close()
    db.conn.close()
