"""`csdesk log` and `csdesk note`: the CLI writes exactly what was typed, refuses bad input."""

import io
import sqlite3

import pytest

from csdesk.cli import main
from csdesk.store.schema import open_book

HOSTILE = [
    "[bold]not bold[/bold] [@click=app.quit]quit[/]",
    "\x1b[2J\x1b[31mred alert\x1b[0m\x07",
    "שלום עולם — مرحبا 🎉🚀 文字",
    '=HYPERLINK("http://evil.example","click")',
    "null\x00byte and\rcarriage",
]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "book.db"
    db = open_book(path)
    db.conn.executemany(
        "INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
        "VALUES (?, ?, 50000, '2026-01-01', '2027-01-01')",
        [("a1", "Acme Corp"), ("a2", "Acme Labs"), ("b1", "[bold]Bolt[/bold]")])
    db.conn.close()
    return str(path)


def _rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_log_a_touchpoint_by_unique_prefix(db_path, capsys):
    code = main(["--db", db_path, "--as-of", "2026-11-23", "log", "acme c", "--kind", "check_in",
                 "--summary", "Weekly sync", "--flag", "adjacent_pain", "--flag", "org_spread"])
    assert code == 0
    assert "Acme Corp" in capsys.readouterr().out
    assert _rows(db_path, "SELECT account_id, date, kind, status, summary, flags FROM touchpoints") == [
        ("a1", "2026-11-23", "check_in", "completed", "Weekly sync", "adjacent_pain;org_spread")]


def test_logging_the_same_touchpoint_twice_keeps_both(db_path):
    # Issue 24: logging always adds a record (two calls on one day are two touchpoints).
    args = ["--db", db_path, "log", "a1", "--kind", "call", "--date", "2026-11-20"]
    assert main(args) == 0
    assert main(args) == 0
    assert _rows(db_path, "SELECT count(*) FROM touchpoints") == [(2,)]


def test_ambiguous_prefix_lists_candidates(db_path, capsys):
    assert main(["--db", db_path, "log", "acme", "--kind", "call"]) == 2
    err = capsys.readouterr().err
    assert "Acme Corp (a1)" in err and "Acme Labs (a2)" in err
    assert _rows(db_path, "SELECT count(*) FROM touchpoints") == [(0,)]


@pytest.mark.parametrize("args, message", [
    (["--kind", "lunch"], "--kind"),
    (["--kind", "call", "--status", "maybe"], "--status"),
    (["--kind", "call", "--flag", "angry"], "--flag"),
    (["--kind", "call", "--date", "yesterday"], "--date"),
])
def test_bad_log_input_exits_2_and_writes_nothing(db_path, capsys, args, message):
    assert main(["--db", db_path, "log", "a1", *args]) == 2
    assert message in capsys.readouterr().err
    assert _rows(db_path, "SELECT count(*) FROM touchpoints") == [(0,)]


def test_unknown_account_and_missing_book(db_path, tmp_path, capsys):
    assert main(["--db", db_path, "note", "Globex", "hi"]) == 2
    assert "no account matches" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "none.db"), "note", "a1", "hi"]) == 2
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("text", HOSTILE)
def test_notes_are_stored_exactly(db_path, text):
    assert main(["--db", db_path, "note", "a1", text]) == 0
    assert _rows(db_path, "SELECT text FROM notes") == [(text,)]


def test_a_one_megabyte_note_from_stdin(db_path, monkeypatch):
    text = ("Call notes: renewal risk. " * 40_000)[:1_000_000] + "\nend 🎉"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert main(["--db", db_path, "note", "[bold]Bolt", "-"]) == 0
    assert _rows(db_path, "SELECT account_id, length(text) FROM notes") == [("b1", len(text))]
    assert _rows(db_path, "SELECT text FROM notes") == [(text,)]


def test_an_empty_note_is_refused(db_path, capsys):
    assert main(["--db", db_path, "note", "a1", "   "]) == 2
    assert "empty" in capsys.readouterr().err
