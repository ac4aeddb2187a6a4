"""Touchpoints have stable ids (issue 24): `csdesk log` always adds a record, export and import
carry the id, and importing the same files again changes nothing."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from csdesk.cli import main
from csdesk.store.schema import open_book

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
ACCOUNT = "0015g00000AbCdEQA1"  # Northwind Logistics in data/sample
DAY = ["--as-of", "2026-12-04"]


def _rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def book(tmp_path):
    path = str(tmp_path / "book.db")
    assert main(["import", str(SAMPLE), "--db", path, *DAY]) == 0
    return path


def _counts(out: str) -> dict[str, tuple[int, int, int]]:
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 7 and parts[2] == "inserted":
            counts[parts[0]] = (int(parts[1]), int(parts[3]), int(parts[5]))
    return counts


def test_a_second_log_of_the_same_kind_on_the_same_day_adds_a_record(book):
    assert main(["log", ACCOUNT, "--kind", "call", "--flag", "complaint", "--db", book,
                 *DAY]) == 0
    assert main(["log", ACCOUNT, "--kind", "call", "--status", "missed", "--db", book,
                 *DAY]) == 0
    rows = _rows(book, "SELECT status, flags, uid FROM touchpoints WHERE date = '2026-12-04' "
                       "ORDER BY id")
    assert [(s, f) for s, f, _ in rows] == [("completed", "complaint"), ("missed", "")]
    assert len({uid for *_, uid in rows}) == 2 and all(uid for *_, uid in rows)


def test_every_touchpoint_has_a_uid_even_one_inserted_by_hand(book):
    conn = sqlite3.connect(book)
    conn.execute("INSERT INTO touchpoints (account_id, date, kind) "
                 f"VALUES ('{ACCOUNT}', '2026-11-02', 'call')")
    conn.commit()
    conn.close()
    uids = _rows(book, "SELECT uid FROM touchpoints")
    assert all(uid for uid, in uids) and len(set(uids)) == len(uids)


def test_export_and_import_carry_the_uid_so_a_round_trip_changes_nothing(book, tmp_path, capsys):
    for status in ("completed", "missed"):
        assert main(["log", ACCOUNT, "--kind", "call", "--status", status, "--db", book,
                     *DAY]) == 0
    out = tmp_path / "book.json"
    assert main(["export", str(out), "--db", book]) == 0
    exported = json.loads(out.read_text())
    assert all(t["uid"] for t in exported["touchpoints"])
    capsys.readouterr()
    # Back into the same book: nothing changes.
    assert main(["import", str(out), "--db", book, *DAY]) == 0
    counts = _counts(capsys.readouterr().out)
    assert all(inserted == updated == 0 for inserted, updated, _ in counts.values()), counts
    # Into a new book: both calls of the day, with their uids; its export is the same bytes.
    other = str(tmp_path / "other.db")
    assert main(["import", str(out), "--db", other, *DAY]) == 0
    assert sorted(_rows(other, "SELECT uid FROM touchpoints")) == sorted(
        _rows(book, "SELECT uid FROM touchpoints"))
    again = tmp_path / "again.json"
    assert main(["export", str(again), "--db", other]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_csv_reimport_without_uids_changes_nothing(book, tmp_path, capsys):
    capsys.readouterr()
    assert main(["import", str(SAMPLE), "--db", book, *DAY]) == 0
    counts = _counts(capsys.readouterr().out)
    assert counts["touchpoints"] == (0, 0, 10)


def test_two_equal_rows_of_a_csv_are_two_touchpoints_and_stay_two(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE / "accounts.csv", folder / "accounts.csv")
    (folder / "touchpoints.csv").write_text(
        "account_id,date,kind,status\n"
        f"{ACCOUNT},2026-11-02,call,completed\n{ACCOUNT},2026-11-02,call,completed\n")
    path = str(tmp_path / "book.db")
    for _ in range(2):
        assert main(["import", str(folder), "--db", path, *DAY]) == 0
    assert _rows(path, "SELECT count(DISTINCT uid) FROM touchpoints") == [(2,)]


def test_a_version_2_book_gets_uids_and_no_longer_refuses_a_second_log(tmp_path):
    from csdesk.store import schema

    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path)
    for step in range(2):
        for statement in schema._statements(schema.MIGRATIONS[step]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                 "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    conn.execute("INSERT INTO touchpoints (account_id, date, kind) "
                 "VALUES ('a1', '2026-11-02', 'call')")
    conn.commit()
    conn.close()
    open_book(path).conn.close()
    assert _rows(path, "SELECT count(*) FROM touchpoints WHERE uid IS NOT NULL") == [(1,)]
    args = ["log", "a1", "--kind", "call", "--date", "2026-11-02", "--db", str(path)]
    assert main(args) == 0
    assert _rows(path, "SELECT count(*) FROM touchpoints") == [(2,)]
