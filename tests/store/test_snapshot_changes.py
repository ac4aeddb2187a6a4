"""`score_snapshots.changed` (schema version 2): 1 exactly on the snapshots whose band or
dimension scores differ from the account's snapshot before them (and on each account's first),
whoever writes the table and however: csdesk's daily write, a same-day rerun, a past day
scored late, an import, an edit or a delete by hand in sqlite3. On real SQLite files."""

import datetime as dt
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.core.config import Config
from csdesk.core.models import Snapshot
from csdesk.store.importing import import_paths
from csdesk.store.schema import open_book
from csdesk.store.writes import write_snapshots
from tests.store.test_schema import version_1_book

AS_OF = dt.date(2026, 11, 23)
DIMS = ['{"usage": 0}', '{"usage": 40}', '{"engagement": 0, "usage": 40}']


def expected(conn) -> dict[tuple[str, str], int]:
    """`changed` worked out from scratch: each row against the account's row before it."""
    out, before = {}, {}
    for account, date, band, dims in conn.execute(
            "SELECT account_id, date, band, dimensions FROM score_snapshots ORDER BY 1, 2"):
        out[account, date] = int(before.get(account) != (band, dims))
        before[account] = (band, dims)
    return out


def stored(conn) -> dict[tuple[str, str], int]:
    return {(a, d): c for a, d, c in conn.execute(
        "SELECT account_id, date, changed FROM score_snapshots")}


def add_accounts(conn, ids):
    conn.executemany("INSERT OR IGNORE INTO accounts (account_id, name, arr, contract_start, "
                     "renewal_date) VALUES (?, ?, 1000, '2026-01-01', '2027-01-01')",
                     [(a, f"Account {a}") for a in ids])


days = st.integers(0, 12).map(lambda n: (AS_OF - dt.timedelta(days=n)).isoformat())
accounts = st.sampled_from(["a1", "a2"])
bands = st.sampled_from(["green", "red"])
dims = st.sampled_from(DIMS)
operations = st.lists(st.one_of(
    st.tuples(st.just("write"), accounts, days, bands, dims),  # INSERT OR REPLACE (csdesk)
    st.tuples(st.just("set"), accounts, days, bands, dims),  # UPDATE by hand
    st.tuples(st.just("move"), accounts, days, days),  # UPDATE of the date by hand
    st.tuples(st.just("delete"), accounts, days),
), max_size=25)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations)
def test_changed_is_right_after_any_writes(tmp_path_factory, operations):
    db = open_book(tmp_path_factory.mktemp("changes") / "book.db")
    conn = db.conn
    add_accounts(conn, ["a1", "a2"])
    for op, account, *rest in operations:
        if op == "write":
            day, band, text = rest
            conn.execute("INSERT OR REPLACE INTO score_snapshots (account_id, date, score, band, "
                         "coverage, dimensions) VALUES (?, ?, 50, ?, 1.0, ?)",
                         (account, day, band, text))
        elif op == "set":
            day, band, text = rest
            conn.execute("UPDATE score_snapshots SET band = ?, dimensions = ? "
                         "WHERE account_id = ? AND date = ?", (band, text, account, day))
        elif op == "move":
            day, to = rest
            conn.execute("UPDATE OR IGNORE score_snapshots SET date = ? "
                         "WHERE account_id = ? AND date = ?", (to, account, day))
        else:
            conn.execute("DELETE FROM score_snapshots WHERE account_id = ? AND date = ?",
                         (account, rest[0]))
        assert stored(conn) == expected(conn), (op, account, rest)
    conn.close()


def test_the_daily_write_a_rerun_and_a_late_past_day(book):
    add_accounts(book.conn, ["a1"])

    def write(day, band, usage):
        write_snapshots(book, [Snapshot(account_id="a1", date=day, score=60, band=band,
                                        coverage=1.0, dimensions={"usage": usage})])

    for n, band in enumerate(["green", "green", "yellow", "yellow", "yellow"]):
        write(AS_OF - dt.timedelta(days=10 - n), band, 40)
    assert [c for _, c in sorted(stored(book.conn).items())] == [1, 0, 1, 0, 0]
    write(AS_OF - dt.timedelta(days=6), "yellow", 0)  # the last day, rescored: usage now 0
    write(AS_OF - dt.timedelta(days=9), "red", 40)  # a past day, scored late
    assert [c for _, c in sorted(stored(book.conn).items())] == [1, 1, 1, 0, 1]
    assert stored(book.conn) == expected(book.conn)


def test_an_import_of_snapshots_marks_the_changes(book, tmp_path):
    path = tmp_path / "score_snapshots.csv"
    add_accounts(book.conn, ["a1", "a2"])
    path.write_text("account_id,date,score,band,coverage,dimensions\n" + "".join(
        f'{a},2026-11-{d:02},60,{b},1.0,"{{""usage"": {u}}}"\n'
        for a, d, b, u in [("a2", 3, "red", 0), ("a1", 1, "green", 40), ("a1", 2, "green", 40),
                           ("a1", 3, "green", 0), ("a2", 1, "red", 0), ("a2", 2, "red", 0)]))
    import_paths(book, [path], as_of=AS_OF, rules=Config().rules)  # into an empty table
    assert stored(book.conn) == expected(book.conn)
    assert sum(stored(book.conn).values()) == 3  # a1 on the 1st and 3rd, a2 on the 1st
    path.write_text("account_id,date,score,band,coverage,dimensions\n"
                    'a2,2026-11-02,60,yellow,1.0,"{""usage"": 0}"\n')
    import_paths(book, [path], as_of=AS_OF, rules=Config().rules)  # an upsert
    assert stored(book.conn) == expected(book.conn)
    assert sum(stored(book.conn).values()) == 5


def test_a_version_1_book_gets_its_changes_marked_when_migrated(tmp_path):
    path = tmp_path / "book.db"
    old = version_1_book(path)
    add_accounts(old, ["a1", "a2", "a3"])
    old.executemany(
        "INSERT INTO score_snapshots (account_id, date, score, band, coverage, dimensions) "
        "VALUES (?, ?, 60, ?, 1.0, ?)",
        [(a, f"2026-11-{d:02}", b, DIMS[x])
         for a, rows in [("a1", [(1, "green", 1), (2, "green", 1), (3, "red", 1), (4, "red", 0)]),
                         ("a2", [(5, "green", 2)]),
                         ("a3", [(1, "red", 0), (9, "red", 0), (20, "red", 0)])]
         for d, b, x in rows])
    old.close()
    db = open_book(path)
    assert stored(db.conn) == expected(db.conn)
    assert sum(stored(db.conn).values()) == 5
    plan = db.execute("EXPLAIN QUERY PLAN SELECT account_id, date FROM score_snapshots "
                      "WHERE changed AND +date < '2026-11-23'").fetchall()
    assert "score_snapshots_changed" in str(plan)
    db.conn.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3


def test_a_same_day_rerun_writes_only_the_snapshots_that_differ(book):
    add_accounts(book.conn, ["a1", "a2"])
    day = AS_OF

    def snaps(score_a2):
        return [Snapshot(account_id="a1", date=day, score=60, band="yellow", coverage=1.0,
                         dimensions={"usage": 40}),
                Snapshot(account_id="a2", date=day, score=score_a2, band="yellow",
                         coverage=1.0, dimensions={"usage": 40})]

    write_snapshots(book, snaps(55))
    before = book.conn.total_changes
    write_snapshots(book, snaps(55))  # the same scores again: nothing written
    assert book.conn.total_changes == before
    write_snapshots(book, snaps(52))  # a2 rescored after a touchpoint: only it is replaced
    assert book.conn.total_changes > before
    assert book.execute("SELECT account_id, score FROM score_snapshots ORDER BY 1").fetchall() \
        == [("a1", 60), ("a2", 52)]
    assert stored(book.conn) == expected(book.conn)
