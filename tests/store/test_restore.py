"""A backup restores (issue 24): the book's own JSON export imports back into a new book and
into itself, whichever tables are empty; so do an empty book's export and an empty CSV file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from csdesk.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
DAY = ["--as-of", "2026-12-04"]


def _counts(out: str) -> dict[str, tuple[int, int, int]]:
    counts = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 7 and parts[2] == "inserted":
            counts[parts[0]] = (int(parts[1]), int(parts[3]), int(parts[5]))
    return counts


def _export(book: str, path: Path) -> bytes:
    assert main(["export", str(path), "--db", book]) == 0
    return path.read_bytes()


@pytest.fixture
def sample_book(tmp_path):
    path = str(tmp_path / "sample.db")
    assert main(["import", str(SAMPLE), "--db", path, *DAY]) == 0
    return path


def test_a_sample_books_export_restores_into_a_new_book_and_into_itself(sample_book, tmp_path,
                                                                         capsys):
    backup = _export(sample_book, tmp_path / "backup.json")
    tables = json.loads(backup)
    assert any(v == [] for v in tables.values()), "the sample book leaves tables empty"
    capsys.readouterr()
    restored = str(tmp_path / "restored.db")
    assert main(["import", str(tmp_path / "backup.json"), "--db", restored, *DAY]) == 0
    assert _export(restored, tmp_path / "again.json") == backup
    capsys.readouterr()
    assert main(["import", str(tmp_path / "backup.json"), "--db", sample_book, *DAY]) == 0
    counts = _counts(capsys.readouterr().out)
    assert counts and all(i == u == 0 for i, u, _ in counts.values()), counts


def test_an_empty_books_export_restores(tmp_path, capsys):
    book = str(tmp_path / "empty.db")
    assert main(["import", str(SAMPLE / "accounts.csv"), "--db", book, *DAY]) == 0
    conn = sqlite3.connect(book)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM accounts")
    conn.commit()
    conn.close()
    backup = _export(book, tmp_path / "empty.json")
    assert all(v == [] for k, v in json.loads(backup).items() if isinstance(v, list))
    restored = str(tmp_path / "restored.db")
    assert main(["import", str(tmp_path / "empty.json"), "--db", restored, *DAY]) == 0
    assert _export(restored, tmp_path / "again.json") == backup


@pytest.mark.parametrize("content", ["", "\n", "\ufeff"])
def test_an_empty_csv_file_imports_nothing_and_says_so(tmp_path, capsys, content):
    path = tmp_path / "accounts.csv"
    path.write_text(content, encoding="utf-8")
    book = str(tmp_path / "book.db")
    assert main(["import", str(path), "--db", book, *DAY]) == 0
    out = capsys.readouterr().out
    assert "empty file" in out


def test_a_header_only_csv_imports_nothing(tmp_path, capsys):
    path = tmp_path / "touchpoints.csv"
    path.write_text("account_id,date,kind\n")
    book = str(tmp_path / "book.db")
    assert main(["import", str(path), "--db", book, *DAY]) == 0
