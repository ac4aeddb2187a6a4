"""The environment, not csdesk (issue 24): a read-only book, a dangling link, a broken schema
version, bytes that are not UTF-8, a full disk, two upgrades at once. Each is exit 0 (a read
that needs no write) or exit 2 with a plain message; never exit 1, never a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from csdesk.cli import main
from csdesk.store import schema, writes
from csdesk.store.schema import open_book

DAY = ["--as-of", "2026-12-04"]
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
ACCOUNT = "0015g00000AbCdEQA1"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("sample") / "book.db"
    assert main(["import", str(SAMPLE), "--db", str(path), *DAY]) == 0
    assert main(["score", "--db", str(path), *DAY]) == 0
    return path


def _copy(sample: Path, to: Path) -> Path:
    to.write_bytes(sample.read_bytes())
    return to


def _make_read_only(path: Path) -> None:
    """Read-only for this process: mode 0444, and immutable for root (who ignores modes)."""
    path.chmod(0o444)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)


def _writable_again(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    path.chmod(0o644)


@pytest.fixture
def read_only_book(sample, tmp_path):
    path = _copy(sample, tmp_path / "book.db")
    _make_read_only(path)
    yield path
    _writable_again(path)


@pytest.fixture
def read_only_folder(sample, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    path = _copy(sample, folder / "book.db")
    _make_read_only(folder)
    yield path
    _writable_again(folder)


READS = [["today"], ["today", "--json"], ["score"], ["account", ACCOUNT], ["metrics"],
         ["qbr", ACCOUNT], ["calibrate"]]


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("where", ["read_only_book", "read_only_folder"])
def test_reading_commands_work_on_a_read_only_book_saying_nothing_was_stored(
        request, capsys, args, where):
    path = request.getfixturevalue(where)
    before = path.read_bytes()
    assert main([*args, "--db", str(path), *DAY]) == 0
    captured = capsys.readouterr()
    assert captured.out
    if args[0] in ("today", "score", "account"):
        assert "read-only" in captured.err and "nothing was stored" in captured.err
    assert path.read_bytes() == before


@pytest.mark.parametrize("args", [["log", ACCOUNT, "--kind", "call"],
                                  ["note", ACCOUNT, "a note"]])
def test_a_write_to_a_read_only_book_exits_2(read_only_book, capsys, args):
    assert main([*args, "--db", str(read_only_book), *DAY]) == 2
    assert "read-only" in capsys.readouterr().err


def test_a_dangling_link_is_refused(tmp_path, capsys):
    link = tmp_path / "book.db"
    link.symlink_to(tmp_path / "gone.db")
    assert main(["today", "--db", str(link), *DAY]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "gone.db").exists()


def test_a_negative_schema_version_is_refused_before_any_backup(sample, tmp_path, capsys):
    path = _copy(sample, tmp_path / "book.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = -1")
    conn.close()
    assert main(["today", "--db", str(path), *DAY]) == 2
    assert "schema version -1" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.db"]


def test_a_note_from_stdin_that_is_not_utf8_is_refused(sample, tmp_path):
    path = _copy(sample, tmp_path / "book.db")
    done = subprocess.run([sys.executable, "-m", "csdesk", "note", ACCOUNT, "-", "--db",
                           str(path), *DAY], input=b"caf\xe9 \xff", capture_output=True)
    assert done.returncode == 2, done.stderr
    assert b"not UTF-8" in done.stderr


def test_a_full_disk_is_reported_as_such_not_as_no_transaction(sample, tmp_path):
    import datetime as dt

    db = open_book(_copy(sample, tmp_path / "book.db"))
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        writes.add_note(db, ACCOUNT, "x" * 2_000_000, dt.datetime(2026, 12, 4, 9))
    assert not db.conn.in_transaction
    db.conn.close()


def _version_1_book(path: Path) -> None:
    conn = sqlite3.connect(path)
    for statement in schema._statements(schema.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                 "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    conn.commit()
    conn.close()


def test_two_backups_in_the_same_second_get_two_names(tmp_path):
    path = tmp_path / "book.db"
    _version_1_book(path)
    conn = sqlite3.connect(path)
    first = schema._backup(conn, path, 1)
    second = schema._backup(conn, path, 1)
    conn.close()
    assert first != second and first.exists() and second.exists()


def test_two_processes_upgrading_a_version_1_book_at_once_both_succeed(tmp_path):
    path = tmp_path / "book.db"
    _version_1_book(path)
    runs = [subprocess.Popen([sys.executable, "-m", "csdesk", "score", "--db", str(path), *DAY],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    results = [(run.wait(60), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    assert [code for code, _ in results] == [0, 0, 0], results
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    conn.close()


@pytest.mark.parametrize("accounts", ["99999999999999999999", "200001"])
def test_a_demo_of_absurdly_many_accounts_is_refused(tmp_path, capsys, accounts):
    book = tmp_path / "book.db"
    assert main(["demo", "--accounts", accounts, "--db", str(book), *DAY]) == 2
    assert "--accounts" in capsys.readouterr().err
