"""The book file: creation, pragmas, privacy, refusing what is not ours, migrations."""

import os
import sqlite3
import stat

import pytest

from csdesk.store import schema
from csdesk.store.schema import APPLICATION_ID, SCHEMA_VERSION, BookError, open_book


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_book_is_private_in_a_private_directory(tmp_path):
    path = tmp_path / "fresh" / "dir" / "book.db"
    db = open_book(path)
    db.conn.close()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


def test_pragmas_and_version(book):
    conn = book.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == schema.BUSY_TIMEOUT_MS
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_the_spec_tables_exist(book):
    names = set(book.table_names())
    assert {"accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals",
            "renewals", "notes", "milestones", "score_snapshots"} <= names


def test_foreign_keys_refuse_orphans(book):
    with pytest.raises(sqlite3.IntegrityError):
        book.execute("INSERT INTO notes (account_id, created_at, text) VALUES ('nope', 'x', 'y')")


def test_reopening_keeps_data(tmp_path):
    path = tmp_path / "book.db"
    db = open_book(path)
    db.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
               "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    db.conn.close()
    db = open_book(path)
    assert db.execute("SELECT name FROM accounts").fetchone()[0] == "Acme"
    db.conn.close()


def test_missing_book_without_create(tmp_path):
    with pytest.raises(BookError, match="no book there"):
        open_book(tmp_path / "nothing.db", create=False)
    assert not (tmp_path / "nothing.db").exists()


def test_a_text_file_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"my precious notes, not a database\n" * 100)
    before = path.read_bytes()
    with pytest.raises(BookError, match="not a csdesk book"):
        open_book(path)
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('soup')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(BookError, match="another program"):
        open_book(path)
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "book.db"
    open_book(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(BookError, match=f"schema version {SCHEMA_VERSION + 1}"):
        open_book(path)
    assert path.read_bytes() == before


def version_1_book(path):
    """A book as csdesk wrote it at schema version 1 (before `score_snapshots.changed`)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in schema._statements(schema.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    return conn


def test_an_older_schema_is_migrated_after_a_private_backup(tmp_path):
    path = tmp_path / "book.db"
    old = version_1_book(path)
    old.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    old.close()

    db = open_book(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 1
    db.conn.close()
    backups = list(tmp_path.glob("book.db.v1-*.bak"))
    assert len(backups) == 1
    assert _mode(backups[0]) == 0o600
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT name FROM accounts").fetchone()[0] == "Acme"
    old.close()


def test_a_locked_book_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    path = tmp_path / "book.db"
    open_book(path).conn.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")  # so an exclusive lock blocks readers too
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_MS", 200)
    try:
        with pytest.raises(BookError, match="locked"):
            open_book(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_version_2_book_gains_the_work_tables_and_keeps_its_rows(tmp_path):
    path = tmp_path / "book.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in (0, 1):
        for statement in schema._statements(schema.MIGRATIONS[step]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                 "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    conn.execute("INSERT INTO contacts (account_id, name, email) VALUES ('a1', 'Ann', 'a@x.io')")
    conn.execute("INSERT INTO touchpoints (account_id, date, kind) VALUES ('a1', '2026-11-02', 'call')")
    conn.execute("INSERT INTO save_plans (account_id, trigger, trigger_date) "
                 "VALUES ('a1', 'band_red', '2026-10-01')")
    conn.close()

    db = open_book(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 3
    assert db.execute("SELECT contacts, responds_to FROM touchpoints").fetchall() == [("", None)]
    assert db.execute("SELECT reports_to, influence FROM contacts").fetchall() == [(None, None)]
    assert db.execute("SELECT status FROM save_plans").fetchall() == [("open",)]
    for table in ("tasks", "snoozes", "save_plan_actions", "forecast_calls"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    db.conn.close()
    assert len(list(tmp_path.glob("book.db.v2-*.bak"))) == 1
