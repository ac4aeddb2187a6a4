"""Reusing the day's assessments (issue 22): whatever is written, by csdesk or by hand with
sqlite3, a run that reuses the kept assessments gives byte for byte what a full run gives."""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.cli import main
from csdesk.core.config import Config, parse_config
from csdesk.desk.desk import Desk

AS_OF = dt.date(2026, 12, 4)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("reuse") / "demo.db"
    assert main(["--db", str(path), "--as-of", AS_OF.isoformat(), "demo", "--accounts", "16",
                 "--seed", "3"]) == 0
    return path


def run(path, *, reuse, as_of=AS_OF, config=None):
    desk = Desk.open(path, config or Config(), as_of, create=False)
    desk.reuse = reuse
    try:
        out = desk.assess_all()
        return ([a.model_dump_json() for a in out],
                [i.model_dump_json() for i in desk.brief(out)])
    finally:
        desk.close()


def execute(path, sql):
    """One statement, committed, as `sqlite3` would run it."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql)
    conn.close()


def kept_count(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM kept_assessments").fetchone()[0]
    finally:
        conn.close()


# Hand edits, as `sqlite3` would make them: each names an account by its place in the book.
EDITS = [
    "INSERT INTO touchpoints (account_id, date, kind, status, summary) "
    "VALUES ({a}, '2026-12-03', 'executive', 'completed', 'exec call {n}')",
    "INSERT INTO touchpoints (account_id, date, kind, status) "
    "VALUES ({a}, '2026-12-10', 'meeting', 'scheduled')",
    "UPDATE usage SET active_users = active_users / 3 WHERE account_id = {a} "
    "AND date = (SELECT max(date) FROM usage WHERE account_id = {a})",
    "DELETE FROM contacts WHERE id = (SELECT min(id) FROM contacts WHERE account_id = {a})",
    "UPDATE contacts SET status = 'departed', departed_on = '2026-12-01' "
    "WHERE account_id = {a} AND role = 'champion'",
    "INSERT INTO nps (account_id, date, score, contact) VALUES ({a}, '2026-12-02', 2, 'x{n}@y.io')",
    "INSERT INTO tickets (ticket_id, account_id, opened_on, severity) "
    "VALUES ('T-{n}', {a}, '2026-12-01', 'critical')",
    "UPDATE accounts SET renewal_date = '2027-01-20' WHERE account_id = {a}",
    "UPDATE accounts SET arr = arr * 2 WHERE account_id = {a}",
    "DELETE FROM score_snapshots WHERE account_id = {a} AND date = "
    "(SELECT max(date) FROM score_snapshots WHERE account_id = {a} AND date < '2026-12-04')",
    "INSERT OR REPLACE INTO score_snapshots (account_id, date, score, band, coverage, dimensions) "
    "VALUES ({a}, '2026-11-20', 30, 'red', 1.0, '{{}}')",
    "UPDATE goals SET status = 'achieved', roi_note = 'saved 4h/week' WHERE account_id = {a}",
    "INSERT INTO tasks (account_id, text, due, created_on) "
    "VALUES ({a}, 'follow up {n}', '2026-12-03', '2026-12-01')",
    "INSERT INTO renewals (account_id, date, outcome, previous_arr, new_arr) "
    "VALUES ({a}, '2026-11-30', 'renewed', 1000, 1000)",
]


def apply(path, edits):
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        ids = [a for a, in conn.execute("SELECT account_id FROM accounts ORDER BY account_id")]
        for n, (edit, which) in enumerate(edits):
            account = ids[which % len(ids)].replace("'", "''")
            try:
                conn.execute(EDITS[edit].format(a=f"'{account}'", n=n))
            except sqlite3.IntegrityError:
                pass  # a unique key already taken: the edit is simply not made
    finally:
        conn.close()


def edit_lists(most: int):
    """Lists of up to `most` hand edits (`EDITS`, `apply`)."""
    return st.lists(st.tuples(st.integers(0, len(EDITS) - 1), st.integers(0, 15)),
                    max_size=most)


def book_copy(demo_file, folder, first_of_the_day: bool):
    """A copy of the demo book in `folder`; `first_of_the_day`: without the day's snapshots
    and plans, so the next run writes them."""
    book = folder / "book.db"
    shutil.copy(demo_file, book)
    if first_of_the_day:
        conn = sqlite3.connect(book)
        with conn:
            conn.execute("DELETE FROM score_snapshots WHERE date = ?", [AS_OF.isoformat()])
            conn.execute("DELETE FROM save_plans")
        conn.close()
    return book


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit_lists(6), st.booleans())
def test_reusing_gives_what_a_full_run_gives_after_any_hand_edits(demo_file, tmp_path_factory,
                                                                  edits, first_of_the_day):
    folder = tmp_path_factory.mktemp("edit")
    book = book_copy(demo_file, folder, first_of_the_day)
    run(book, reuse=True)  # keeps the assessments of the accounts it wrote no plan for
    assert kept_count(book) >= 10
    apply(book, edits)
    copy = folder / "copy.db"
    shutil.copy(book, copy)
    assert run(book, reuse=True) == run(copy, reuse=False)
    # and again, now that the changed accounts were kept anew
    assert run(book, reuse=True) == run(copy, reuse=False)


def test_an_unchanged_book_is_reused_whole_and_one_edit_reassesses_one(demo_file, tmp_path,
                                                                       monkeypatch):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    first = run(book, reuse=True)
    assessed = []
    real = Desk._assess

    def counting(self, account_ids, progress):
        assessed.append(account_ids)
        return real(self, account_ids, progress)

    monkeypatch.setattr(Desk, "_assess", counting)
    assert run(book, reuse=True) == first
    assert assessed == []
    apply(book, [(0, 5)])
    run(book, reuse=True)
    assert [len(ids) for ids in assessed] == [1]


def test_a_new_day_or_another_config_reassesses_everything(demo_file, tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    run(book, reuse=True)
    copy = tmp_path / "copy.db"
    shutil.copy(book, copy)
    tomorrow = AS_OF + dt.timedelta(days=1)
    assert run(book, reuse=True, as_of=tomorrow) == run(copy, reuse=False, as_of=tomorrow)
    other = parse_config({"bands": {"green": 80, "yellow": 55}})
    assert run(book, reuse=True, config=other) == run(copy, reuse=False, config=other)


def test_every_table_of_an_account_raises_its_version(tmp_path):
    from csdesk.store.changes import ACCOUNT_TABLES
    from csdesk.store.schema import open_book

    db = open_book(tmp_path / "book.db")
    tables = [name for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        if "VIRTUAL" not in (sql or "").upper()]
    with_account = {t for t in tables
                    if any(c[1] == "account_id" for c in db.execute(f"PRAGMA table_info({t})"))}
    bookkeeping = {"account_versions", "kept_assessments"}
    # an FTS index's own tables are written by triggers from the tables they index
    with_account -= {t for t in with_account if t.startswith("search")}
    assert with_account - bookkeeping <= set(ACCOUNT_TABLES), with_account - set(ACCOUNT_TABLES)
    triggers = {n for n, in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    for table in (*ACCOUNT_TABLES, "save_plan_actions"):
        for op in ("insert", "update", "delete"):
            assert f"{table}_version_{op}" in triggers


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit_lists(4))
def test_kept_views_are_what_a_fresh_computation_gives(demo_file, tmp_path_factory, edits):
    from csdesk.desk import forecast

    folder = tmp_path_factory.mktemp("views")
    book = folder / "book.db"
    shutil.copy(demo_file, book)

    def views(reuse):
        desk = Desk.open(book, Config(), AS_OF, create=False)
        desk.reuse = reuse
        try:
            return forecast.renewals(desk), forecast.trend(desk)
        finally:
            desk.close()

    views(True)  # kept
    apply(book, edits)
    assert views(True) == views(False)
    assert views(True) == views(False)  # kept anew, then reused


def test_a_bulk_import_raises_each_account_written_once_and_keeps_the_triggers(tmp_path):
    from csdesk.store.importing import import_paths
    from csdesk.core.config import Rules
    from csdesk.store.schema import open_book

    book = tmp_path / "book.db"
    db = open_book(book)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,arr,contract_start,renewal_date\n"
        "a1,Acme,1000,2026-01-01,2027-01-01\nb2,Bolt,2000,2026-01-01,2027-01-01\n")
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(1200)]
    (folder / "usage.csv").write_text("account_id,date,active_users\n" + "".join(
        f"a1,{d},{n}\n" for n, d in enumerate(days)))
    import_paths(db, [folder], as_of=AS_OF, rules=Rules())
    versions = dict(db.execute("SELECT account_id, version FROM account_versions").fetchall())
    assert versions == {"a1": 2, "b2": 1}  # its account row, then its usage once
    triggers = {n for n, in db.execute("SELECT name FROM sqlite_master WHERE type='trigger' "
                                       "AND name LIKE 'usage_version_%'")}
    assert triggers == {"usage_version_insert", "usage_version_update", "usage_version_delete"}
    db.execute("UPDATE usage SET active_users = 1 WHERE account_id = 'a1' AND date = '2020-01-01'")
    assert db.execute("SELECT version FROM account_versions WHERE account_id = 'a1'"
                      ).fetchone()[0] == 4  # the update trigger raises NEW and OLD
    db.conn.close()


def test_a_command_does_not_pay_to_keep_a_whole_book_but_keeps_what_it_reassessed(demo_file,
                                                                                  tmp_path):
    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    execute(book, "DELETE FROM kept_assessments")
    assert main(["--db", str(book), "--as-of", AS_OF.isoformat(), "today", "--json"]) == 0
    assert kept_count(book) == 0  # the whole book assessed: nothing kept by a command
    run(book, reuse=True)  # as the workbench keeps them
    assert kept_count(book) == 16
    apply(book, [(0, 3)])
    assert main(["--db", str(book), "--as-of", AS_OF.isoformat(), "today", "--json"]) == 0
    conn = sqlite3.connect(book)
    stale = conn.execute(
        "SELECT count(*) FROM kept_assessments k JOIN account_versions v USING (account_id) "
        "WHERE k.version != v.version").fetchone()[0]
    conn.close()
    assert stale == 0  # the one account re-assessed was kept anew


@pytest.mark.parametrize("rows", [999, 1_000])  # row by row, then in bulk
def test_a_ticket_moved_to_another_account_changes_both(tmp_path, rows):
    from csdesk.core.config import Rules
    from csdesk.store.importing import import_paths
    from csdesk.store.schema import open_book

    db = open_book(tmp_path / "book.db")
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,arr,contract_start,renewal_date\n"
        "a1,Acme,1000,2026-01-01,2027-01-01\nb2,Bolt,2000,2026-01-01,2027-01-01\n")
    (folder / "tickets.csv").write_text("ticket_id,account_id,opened_on,severity\nT-0,a1,2026-11-01,high\n")
    import_paths(db, [folder], as_of=AS_OF, rules=Rules())
    before = dict(db.execute("SELECT account_id, version FROM account_versions").fetchall())
    moved = tmp_path / "tickets.csv"  # T-0 now Bolt's, among new tickets of Bolt's
    moved.write_text("ticket_id,account_id,opened_on,severity\n" + "".join(
        f"T-{n},b2,2026-11-01,high\n" for n in range(rows)))
    import_paths(db, [moved], as_of=AS_OF, rules=Rules())
    after = dict(db.execute("SELECT account_id, version FROM account_versions").fetchall())
    assert after["a1"] > before["a1"]  # its ticket left: its assessment is not reused
    assert after["b2"] > before["b2"]
    db.conn.close()


def test_a_what_if_day_keeps_no_view_and_a_busy_book_is_not_waited_for(demo_file, tmp_path):
    import time

    from csdesk.desk import forecast
    from csdesk.store.schema import BUSY_TIMEOUT_MS

    book = tmp_path / "book.db"
    shutil.copy(demo_file, book)
    execute(book, "DELETE FROM kept_views")
    desk = Desk.open(book, Config(), AS_OF + dt.timedelta(days=30), create=False)
    desk.what_if = True  # an --as-of after today stores nothing
    try:
        assert forecast.renewals(desk).rows  # shown
        assert desk.db.execute("SELECT count(*) FROM kept_views").fetchone()[0] == 0
    finally:
        desk.close()
    other = sqlite3.connect(book, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another connection writing (a scoring run's store)
    desk = Desk.open(book, Config(), AS_OF, create=False)
    try:
        started = time.monotonic()
        shown = forecast.renewals(desk)  # computed and shown; not kept, and not waited for
        assert time.monotonic() - started < BUSY_TIMEOUT_MS / 2000
        assert shown.rows
        assert desk.db.execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
    finally:
        other.execute("ROLLBACK")
        other.close()
        desk.close()
    assert _views(book) == []  # nothing kept: neither the what-if day's nor the busy one


def _views(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name FROM kept_views").fetchall()
    finally:
        conn.close()


def test_the_fingerprint_follows_the_code_that_makes_what_is_kept(tmp_path, monkeypatch):
    # The kept views come from desk and store code too (the renewals, Today's top line): an
    # upgrade that changes them must not be served yesterday's pickles the same day.
    import csdesk
    from csdesk.store import changes

    package = tmp_path / "csdesk"
    for layer in ("core", "store", "desk", "tui"):
        shutil.copytree(Path(csdesk.__file__).parent / layer, package / layer)
    monkeypatch.setattr(changes, "__file__", str(package / "store" / "changes.py"))
    first = changes.code_fingerprint("{}")
    assert changes.code_fingerprint("{}") == first
    assert changes.code_fingerprint('{"bands": 1}') != first
    for changed in ("core/brief.py", "store/queries.py", "desk/forecast.py"):
        path = package / changed
        path.write_text(path.read_text() + "\n# changed\n")
        assert changes.code_fingerprint("{}") != first, changed
        first = changes.code_fingerprint("{}")
    path = package / "tui" / "app.py"  # the screens make nothing that is kept
    path.write_text(path.read_text() + "\n# changed\n")
    assert changes.code_fingerprint("{}") == first
