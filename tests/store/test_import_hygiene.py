"""Import hygiene (issue 24): what no book should hold is refused with exit 2, naming the file,
line and column, and nothing is written; never an exit 1."""

from __future__ import annotations

import json
import sqlite3

import pytest

from csdesk.cli import main

ACCOUNT = {"account_id": "a1", "name": "Acme", "arr": 5000, "contract_start": "2026-01-01",
           "renewal_date": "2027-01-01"}


def _book(tables: dict) -> str:
    return json.dumps({"format": "csdesk book", "version": 3, **tables})


@pytest.mark.parametrize(("text", "says"), [
    (_book({"accounts": [ACCOUNT | {"account_id": "a\x001"}]}), "control characters"),
    (_book({"accounts": [ACCOUNT | {"account_id": "a\x1b[2J"}]}), "control characters"),
    (_book({"accounts": [ACCOUNT], "tickets": [
        {"ticket_id": "t\x07", "account_id": "a1", "opened_on": "2026-02-01"}]}),
     "control characters"),
    (_book({"accounts": [ACCOUNT | {"renewal_date": "2025-06-01"}]}), "before contract_start"),
    (_book({"accounts": [ACCOUNT], "tickets": [
        {"ticket_id": "t1", "account_id": "a1", "opened_on": "2026-05-01",
         "closed_on": "2026-04-01"}]}), "before opened_on"),
    (json.dumps({"format": "csdesk book", "version": 4, "accounts": [ACCOUNT]}), "version 4"),
    (json.dumps({"version": 3.5, "accounts": [ACCOUNT]}), "version 3.5"),
    (json.dumps({"accounts": ACCOUNT}), "expected a list of rows"),
    (json.dumps({"accounts": "a1"}), "expected a list of rows"),
    (_book({"accounts": [ACCOUNT | {"arr": [1, 2]}]}), "not an amount"),
    (_book({"accounts": [ACCOUNT | {"arr": {"usd": 1}}]}), "not an amount"),
    (_book({"accounts": [ACCOUNT | {"seats_licensed": 2**64}]}), "seats_licensed"),
    (_book({"accounts": [ACCOUNT], "usage": [
        {"account_id": "a1", "date": "2026-02-01", "active_users": 2**63}]}), "active_users"),
    (_book({"accounts": [ACCOUNT | {"contract_start": "0001-01-01"}]}), "outside"),
    (_book({"accounts": [ACCOUNT | {"renewal_date": "9999-12-31"}]}), "outside"),
    ('{"accounts": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested too deeply"),
    ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
])
def test_a_json_book_that_no_book_should_hold_is_refused(tmp_path, capsys, text, says):
    path = tmp_path / "book.json"
    path.write_text(text)
    book = tmp_path / "book.db"
    assert main(["import", str(path), "--db", str(book), "--as-of", "2026-12-04"]) == 2
    assert says in capsys.readouterr().err
    conn = sqlite3.connect(book)
    assert conn.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    conn.close()


@pytest.mark.parametrize(("files", "says"), [
    ({"accounts.csv": "account_id,name,arr,contract_start,renewal_date\n"
                      "a1,Acme,5000,2026-01-01,2025-01-01\n"}, "renewal_date"),
    ({"accounts.csv": "account_id,name,arr,contract_start,renewal_date\n"
                      "a1,Acme,5000,2026-01-01,2027-01-01\n",
      "tickets.csv": "ticket_id,account_id,opened_on,closed_on\nt1,a1,2026-05-01,2026-04-01\n"},
     "closed_on"),
    ({"accounts.csv": "account_id,name,arr,contract_start,renewal_date\n"
                      "a\x001,Acme,5000,2026-01-01,2027-01-01\n"}, "control characters"),
    ({"accounts.csv": "account_id,name,arr,contract_start,renewal_date,seats_licensed\n"
                      "a1,Acme,5000,2026-01-01,2027-01-01,99999999999999999999\n"},
     "seats_licensed"),
    ({"accounts.csv": "account_id,name,arr,contract_start,renewal_date\n"
                      "a1,Acme,1e400,2026-01-01,2027-01-01\n"}, "arr"),
    ({"accounts.csv": "account_id,name,arr,contract_start,renewal_date\n"
                      'a1,"' + "x" * 200_000 + '",5000,2026-01-01,2027-01-01\n'},
     "field larger than field limit"),
])
def test_a_csv_that_no_book_should_hold_is_refused(tmp_path, capsys, files, says):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    book = tmp_path / "book.db"
    assert main(["import", str(folder), "--db", str(book), "--as-of", "2026-12-04"]) == 2
    assert says in capsys.readouterr().err
