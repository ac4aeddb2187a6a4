"""The book is never written over by its own commands, and nothing raw reaches the terminal
(issue 24): output paths, --db, --as-of, CSDESK_WORKERS, names printed and JSON escaped."""

import json
import os
import sqlite3

import pytest

from csdesk.cli import main
from csdesk.desk import settings
from csdesk.store.schema import open_book

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;ZXZpbA==\x07"


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "book.db"
    db = open_book(path)
    db.conn.executemany(
        "INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
        "VALUES (?, ?, 50000, '2026-01-01', '2027-06-01')",
        [("a1", "Acme " + ESCAPES), ("a2", "Acme\u202eLabs\x85")])
    db.conn.close()
    return path


def _run(book, *args):
    return main(["--db", str(book), "--as-of", "2026-12-04", *args])


def _intact(book):
    conn = sqlite3.connect(book)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM accounts").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_qbr_and_export_refuse_to_write_over_the_book(book, capsys, suffix):
    open_book(book).conn.execute("INSERT INTO notes (account_id, created_at, text) "
                                 "VALUES ('a1', '2026-12-01', 'x')")  # a -wal beside it
    target = str(book) + suffix
    if not os.path.exists(target):
        open(target, "wb").close()
    assert _run(book, "qbr", "a1", "-o", target) == 2
    assert "the book itself" in capsys.readouterr().err
    assert _run(book, "export", target) == 2
    assert "the book itself" in capsys.readouterr().err
    assert _intact(book) == 2


def test_a_link_to_the_book_is_the_book(book, tmp_path, capsys):
    link = tmp_path / "agenda.md"
    link.symlink_to(book)
    assert _run(book, "qbr", "a1", "-o", str(link)) == 2
    assert _run(book, "export", str(link)) == 2
    assert _intact(book) == 2


def test_a_failed_qbr_output_leaves_no_empty_file(book, tmp_path, capsys):
    target = tmp_path / "missing-folder" / "agenda.md"
    assert _run(book, "qbr", "a1", "-o", str(target)) == 2
    assert not target.exists()
    assert list(tmp_path.glob("**/*.tmp")) == []
    assert _run(book, "qbr", "a1", "-o", str(tmp_path / "agenda.md")) == 0
    assert (tmp_path / "agenda.md").read_text().startswith("#")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("db", ["", "  ", ":memory:"])
def test_an_empty_or_memory_db_is_refused(tmp_path, capsys, monkeypatch, db):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["--db", db, "demo", "--force"]) == 2
    assert "--db" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


def test_an_empty_csdesk_db_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CSDESK_DB", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["today"]) == 2
    assert "CSDESK_DB is empty" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31", "2200-01-01"])
def test_days_at_the_ends_of_the_calendar_are_refused(book, capsys, day):
    assert main(["--db", str(book), "--as-of", day, "today"]) == 2
    assert "outside 1970–2199" in capsys.readouterr().err
    assert main(["--db", str(book), "--as-of", "2026-12-04", "qbr", "a1", "--date", day]) == 2


@pytest.mark.parametrize("day", ["1970-01-01", "2199-12-31"])
def test_the_first_and_last_days_work(book, day):
    assert main(["--db", str(book), "--as-of", day, "today", "--json"]) == 0


@pytest.mark.parametrize("text, expected", [
    ("auto", None), ("1", 1), ("2", 2), ("99999999999999999999", None)])
def test_workers_are_capped_to_the_cores(monkeypatch, text, expected):
    monkeypatch.setenv("CSDESK_WORKERS", text)
    cores = len(os.sched_getaffinity(0))
    workers, _ = settings.workers()
    assert cores >= workers >= 1
    if expected is not None:
        assert workers == min(expected, cores)


def test_names_are_printed_with_controls_visible(book, capsys):
    assert _run(book, "note", "a1", "hello") == 0
    assert _run(book, "log", "a1", "--kind", "call") == 0
    assert _run(book, "account", "Acme") == 2  # ambiguous: lists both names
    out, err = capsys.readouterr()
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        assert "\x85" not in text
    assert "\\x1b]0;pwned" in out and "\\u202e" in err


def test_json_output_escapes_c1_and_bidi_controls(book, capsys):
    assert _run(book, "score", "--json") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x85" not in out
    names = {a["name"] for a in json.loads(out)["accounts"]}
    assert names == {"Acme " + ESCAPES, "Acme\u202eLabs\x85"}  # same values when parsed
