"""`csdesk export --format F`: the CSM's touchpoints, notes, tasks and forecast calls in the
shapes Salesforce's and HubSpot's importers take, checked column by column; incremental from
the last export; formula-safe; the csv format re-imports as the same records."""

import csv
import datetime as dt

import pytest

from csdesk.cli.app import main
from csdesk.core.config import Rules
from csdesk.store.exporting.crm import HUBSPOT_COLUMNS, SALESFORCE_COLUMNS, export_crm
from csdesk.store.importing import import_paths
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
SF_ID = "0015g00000AcmeCoAA"


def book(path):
    db = open_book(path)
    run = db.execute
    run("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) VALUES "
        f"('{SF_ID}', 'Acme', 120000, '2025-01-15', '2027-01-15'), "
        "('local-2', 'Bolt', 45000, '2025-03-01', '2027-03-01')")
    run("INSERT INTO touchpoints (account_id, date, kind, status, summary, flags, contacts) "
        f"VALUES ('{SF_ID}', '2026-11-02', 'call', 'completed', '=HYPERLINK(\"x\") budget', "
        "'complaint', 'maria@acme.example;sam@acme.example'), "
        f"('{SF_ID}', '2026-11-20', 'qbr', 'scheduled', 'Q4 review', '', ''), "
        "('local-2', '2026-10-01', 'email', 'completed', NULL, '', '')")
    run("INSERT INTO notes (account_id, created_at, text) VALUES "
        f"('{SF_ID}', '2026-11-03T09:30:00', '+1 renewal risk\nsecond line')")
    run("INSERT INTO tasks (account_id, text, due, created_on, done_on) VALUES "
        f"('{SF_ID}', 'Send the deck', '2026-11-25', '2026-11-20', NULL), "
        f"('{SF_ID}', 'Book the QBR', NULL, '2026-11-01', '2026-11-02')")
    run("INSERT INTO forecast_calls (account_id, renewal_date, call, note, made_on) VALUES "
        f"('{SF_ID}', '2027-01-15', 'at_risk', '@budget cut', '2026-11-21')")
    return db


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_salesforce_tasks_column_by_column(tmp_path):
    db = book(tmp_path / "a.db")
    result = export_crm(db, "salesforce-tasks", tmp_path / "tasks.csv")
    assert result.counts == {"touchpoints": 3, "notes": 1, "tasks": 2, "forecast_calls": 1}
    assert result.not_salesforce_ids == 1  # Bolt's local id
    with open(tmp_path / "tasks.csv", newline="") as fh:
        assert next(csv.reader(fh)) == SALESFORCE_COLUMNS
    rows = read(tmp_path / "tasks.csv")
    assert rows[0] == {  # oldest first: Bolt's e-mail of October
        "WhatId": "local-2", "Subject": "Email", "ActivityDate": "2026-10-01",
        "Status": "Completed", "Type": "Email", "Description": "", "Priority": "Normal"}
    assert rows[1] == {
        "WhatId": SF_ID, "Subject": "Call: =HYPERLINK(\"x\") budget",
        "ActivityDate": "2026-11-02", "Status": "Completed", "Type": "Call",
        "Description": "'=HYPERLINK(\"x\") budget\nWith: maria@acme.example, "
                       "sam@acme.example\nFlags: complaint",
        "Priority": "High"}
    assert rows[2]["Subject"] == "Qbr: Q4 review" and rows[2]["Status"] == "Not Started"
    assert rows[2]["Type"] == "Meeting"
    note = rows[3]
    assert (note["Subject"], note["ActivityDate"], note["Type"], note["Description"]) == (
        "Note: +1 renewal risk second line", "2026-11-03", "Other",
        "'+1 renewal risk\nsecond line")
    tasks = [r for r in rows if r["Subject"] in ("Send the deck", "Book the QBR")]
    assert {(t["Subject"], t["ActivityDate"], t["Status"]) for t in tasks} == {
        ("Send the deck", "2026-11-25", "Not Started"), ("Book the QBR", "2026-11-01",
                                                         "Completed")}
    forecast = rows[-1]
    assert forecast == {"WhatId": SF_ID, "Subject": "Renewal forecast: at risk",
                        "ActivityDate": "2026-11-21", "Status": "Completed", "Type": "Other",
                        "Description": "Renewal on 2027-01-15: at risk. @budget cut",
                        "Priority": "High"}
    for row in rows:  # every cell a spreadsheet would run is neutralised
        assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())
        assert len(row["Subject"]) <= 255


def test_hubspot_activities_column_by_column(tmp_path):
    db = book(tmp_path / "a.db")
    export_crm(db, "hubspot-activities", tmp_path / "hs.csv")
    with open(tmp_path / "hs.csv", newline="") as fh:
        assert next(csv.reader(fh)) == HUBSPOT_COLUMNS
    rows = read(tmp_path / "hs.csv")
    kinds = [(r["Company ID"], r["Activity type"], r["Activity date"]) for r in rows]
    assert kinds == [("local-2", "Email", "2026-10-01"), (SF_ID, "Call", "2026-11-02"),
                     (SF_ID, "Task", "2026-11-20"), (SF_ID, "Note", "2026-11-03"),
                     (SF_ID, "Task", "2026-11-01"), (SF_ID, "Task", "2026-11-20"),
                     (SF_ID, "Note", "2026-11-21")]
    call = rows[1]
    assert call["Call title"].startswith("'Call: =HYPERLINK") is False
    assert call["Call notes"].startswith("'=HYPERLINK")
    assert all(call[c] == "" for c in HUBSPOT_COLUMNS
               if c not in ("Company ID", "Activity type", "Activity date", "Call title",
                            "Call notes"))
    scheduled = rows[2]
    assert (scheduled["Task title"], scheduled["Task status"], scheduled["Task due date"]) == (
        "Qbr: Q4 review", "NOT_STARTED", "2026-11-20")
    assert rows[3]["Note body"] == "'+1 renewal risk\nsecond line"
    done = rows[4]
    assert (done["Task title"], done["Task status"], done["Task due date"]) == (
        "Book the QBR", "COMPLETED", "")
    assert rows[6]["Note body"] == "Renewal forecast for 2027-01-15: at risk. @budget cut"


def test_the_next_export_sends_only_what_is_new_and_since_overrides(tmp_path):
    db = book(tmp_path / "a.db")
    assert sum(export_crm(db, "salesforce-tasks", tmp_path / "1.csv").counts.values()) == 7
    assert sum(export_crm(db, "salesforce-tasks", tmp_path / "2.csv").counts.values()) == 0
    assert read(tmp_path / "2.csv") == []
    # another format keeps its own mark
    assert sum(export_crm(db, "hubspot-activities", tmp_path / "h.csv").counts.values()) == 7
    db.execute(f"INSERT INTO notes (account_id, created_at, text) VALUES ('{SF_ID}', "
               "'2026-11-22T10:00:00', 'new')")
    third = export_crm(db, "salesforce-tasks", tmp_path / "3.csv")
    assert third.counts == {"touchpoints": 0, "notes": 1, "tasks": 0, "forecast_calls": 0}
    since = export_crm(db, "salesforce-tasks", tmp_path / "4.csv", since=dt.date(2026, 11, 20))
    assert since.counts == {"touchpoints": 1, "notes": 1, "tasks": 1, "forecast_calls": 1}


def test_the_csv_format_reimports_as_the_same_records(tmp_path):
    db = book(tmp_path / "a.db")
    export_crm(db, "csv", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "forecast_calls.csv", "notes.csv", "tasks.csv", "touchpoints.csv"]
    plan = import_paths(db, [tmp_path / "out"], as_of=AS_OF, rules=Rules())
    assert not plan.changed
    # into a book with the accounts only: the same records
    other = open_book(tmp_path / "b.db")
    for row in db.execute("SELECT * FROM accounts"):
        other.execute(f"INSERT INTO accounts VALUES ({', '.join('?' * len(row))})", row)
    import_paths(other, [tmp_path / "out"], as_of=AS_OF, rules=Rules())
    for table, columns in [("touchpoints", "account_id, date, kind, status, summary, flags, "
                                          "contacts, uid"),
                           ("notes", "account_id, created_at, text"),
                           ("tasks", "id, account_id, text, due, created_on, done_on, source"),
                           ("forecast_calls", "id, account_id, renewal_date, call, note, "
                                              "made_on")]:
        sql = f"SELECT {columns} FROM {table} ORDER BY 1, 2, 3"
        assert other.execute(sql).fetchall() == db.execute(sql).fetchall(), table


def test_export_format_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "a.db"
    book(path).conn.close()
    args = ["--db", str(path), "--as-of", "2026-11-23", "export"]
    assert main([*args, "--format", "salesforce-tasks", str(tmp_path / "t.csv")]) == 0
    out = capsys.readouterr().out
    assert "Exported 7 records (new since the last export of this format) as " \
        "salesforce-tasks: 3 touchpoints, 1 notes, 2 tasks, 1 forecast calls" in out
    assert "1 rows name an account whose id is not a Salesforce id" in out
    assert main([*args, "--format", "csv", "--since", "2026-11-20", str(tmp_path / "o")]) == 0
    assert main([*args, "--format", "csv", "--since", "soon", str(tmp_path / "o")]) == 2
    assert main([*args, "--since", "2026-11-20", str(tmp_path / "b.json")]) == 2
    assert main([*args, "--format", "csv", str(tmp_path / "t.csv")]) == 2  # a file, not a folder
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["salesforce-tasks", "hubspot-activities"])
def test_an_empty_book_exports_a_header(tmp_path, fmt):
    db = open_book(tmp_path / "a.db")
    result = export_crm(db, fmt, tmp_path / "x.csv")
    assert sum(result.counts.values()) == 0
    assert len((tmp_path / "x.csv").read_text().splitlines()) == 1
    assert (tmp_path / "x.csv").stat().st_mode & 0o777 == 0o600
