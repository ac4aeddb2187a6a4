"""A backup round-trips: the JSON book and the CSV export carry every table and column of the
version-3 schema (tasks, snoozes, save-plan actions, forecast calls, a touchpoint's contacts and
what it answers, a contact's manager and influence, a save plan's status), and importing either
into an empty book gives the same rows back, ids included."""

import datetime as dt

import pytest

from csdesk.core.config import Config
from csdesk.store.exporting.csv_tables import export_csv
from csdesk.store.exporting.json_book import export_book
from csdesk.store.importing import TABLES, import_paths
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
V3 = ("tasks", "snoozes", "save_plan_actions", "forecast_calls")


def stored(db):
    """Every stored column of every table the book round-trips, row ids and all."""
    out = {}
    for name in TABLES:
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({name})")]
        if name not in V3 and name != "save_plans":
            columns.remove("id") if "id" in columns else None  # an import's own row ids
        out[name] = db.execute(f"SELECT {', '.join(columns)} FROM {name} "
                               f"ORDER BY {', '.join(columns)}").fetchall()
    return out


def working_book(path):
    db = open_book(path)
    run = db.execute
    run("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date, owner) "
        "VALUES ('A1', 'Acme', 120000.0, '2025-01-15', '2027-01-15', 'Dana Reyes')")
    run("INSERT INTO contacts (account_id, name, email, role, reports_to, influence) VALUES "
        "('A1', 'Maria Lopez', 'maria@acme.example', 'champion', 'cfo@acme.example', 'high'), "
        "('A1', 'Sam Cfo', 'cfo@acme.example', 'economic_buyer', NULL, 'high'), "
        "('A1', 'Lee User', NULL, 'user', 'maria@acme.example', 'low')")
    run("INSERT INTO touchpoints (account_id, date, kind, status, summary, flags, contacts, "
        "responds_to) VALUES ('A1', '2026-11-02', 'call', 'completed', '=1+1 budget talk', "
        "'complaint;adjacent_pain', 'maria@acme.example;cfo@acme.example', 'alert:A1:usage'), "
        "('A1', '2026-11-20', 'meeting', 'scheduled', NULL, '', '', NULL)")
    run("INSERT INTO notes (account_id, created_at, text) VALUES "
        "('A1', '2026-11-02T10:00:00', '  kept as typed\nsecond line ')")
    run("INSERT INTO save_plans (id, account_id, trigger, trigger_date, root_cause, "
        "remediation_actions, status) VALUES (7, 'A1', 'usage_drop', '2026-10-01', "
        "'lost the champion', '[]', 'won')")
    run("INSERT INTO save_plan_actions (id, plan_id, text, owner, due, done_on) VALUES "
        "(3, 7, 'Exec call', 'Dana', '2026-10-10', '2026-10-09'), "
        "(4, 7, 'Training', '', NULL, NULL)")
    run("INSERT INTO tasks (id, account_id, text, due, created_on, done_on, source) VALUES "
        "(11, 'A1', 'Send the deck', '2026-11-25', '2026-11-20', NULL, 'typed'), "
        "(12, 'A1', '+ follow up', NULL, '2026-11-02', '2026-11-03', 'touchpoint')")
    run("INSERT INTO snoozes (id, item_id, account_id, until, reason, created_on, cleared_on) "
        "VALUES (5, 'alert:A1:usage', 'A1', '2026-12-01', 'waiting_on_customer', "
        "'2026-11-20', NULL)")
    forecast_columns = [r[1] for r in run("PRAGMA table_info(forecast_calls)")]
    if "suggested" in forecast_columns:
        run("INSERT INTO forecast_calls (id, account_id, renewal_date, call, note, made_on, "
            "suggested) VALUES (2, 'A1', '2027-01-15', 'likely', 'budget ok', '2026-11-20', "
            "'at_risk')")
    else:
        run("INSERT INTO forecast_calls (id, account_id, renewal_date, call, note, made_on) "
            "VALUES (2, 'A1', '2027-01-15', 'likely', 'budget ok', '2026-11-20')")
    return db


def test_every_v3_table_and_column_is_in_the_json_book(tmp_path):
    import json

    db = working_book(tmp_path / "a.db")
    path, counts = export_book(db, tmp_path / "book.json")
    book = json.loads(path.read_text())
    assert {name: counts[name] for name in V3} == {
        "tasks": 2, "snoozes": 1, "save_plan_actions": 2, "forecast_calls": 1}
    call = [t for t in book["touchpoints"] if t["kind"] == "call"][0]
    assert call["contacts"] == ["maria@acme.example", "cfo@acme.example"]
    assert call["responds_to"] == "alert:A1:usage"
    maria = [c for c in book["contacts"] if c["name"] == "Maria Lopez"][0]
    assert (maria["reports_to"], maria["influence"]) == ("cfo@acme.example", "high")
    assert book["save_plans"][0]["status"] == "won" and book["save_plans"][0]["id"] == 7
    assert book["save_plan_actions"][0] == {"id": 3, "plan_id": 7, "text": "Exec call",
                                            "owner": "Dana", "due": "2026-10-10",
                                            "done_on": "2026-10-09"}


def test_json_book_restores_the_same_book(tmp_path):
    source = working_book(tmp_path / "a.db")
    path, _ = export_book(source, tmp_path / "book.json")
    target = open_book(tmp_path / "b.db")
    import_paths(target, [path], as_of=AS_OF, rules=Config().rules)
    assert stored(target) == stored(source)
    again, _ = export_book(target, tmp_path / "again.json")
    assert again.read_bytes() == path.read_bytes()
    # and importing it again changes nothing
    plan = import_paths(target, [path], as_of=AS_OF, rules=Config().rules)
    assert not plan.changed


def test_csv_export_restores_the_same_book(tmp_path):
    source = working_book(tmp_path / "a.db")
    counts = export_csv(source, tmp_path / "out")
    assert {name: counts[name] for name in V3} == {
        "tasks": 2, "snoozes": 1, "save_plan_actions": 2, "forecast_calls": 1}
    target = open_book(tmp_path / "b.db")
    import_paths(target, [tmp_path / "out"], as_of=AS_OF, rules=Config().rules)
    assert stored(target) == stored(source)
    plan = import_paths(target, [tmp_path / "out"], as_of=AS_OF, rules=Config().rules)
    assert not plan.changed


@pytest.mark.parametrize("cells, contacts, influence", [
    ("maria@acme.example; cfo@acme.example", "maria@acme.example;cfo@acme.example", "High"),
    ("", "", "medium"),
    (" maria@acme.example ", "maria@acme.example", "LOW"),
])
def test_touchpoint_contacts_and_contact_influence_import_from_csv(tmp_path, cells, contacts,
                                                                   influence):
    db = open_book(tmp_path / "a.db")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        "account_id,name,arr,contract_start,renewal_date\nA1,Acme,1000,2025-01-01,2026-01-01\n")
    (folder / "contacts.csv").write_text(
        "account_id,name,email,reports_to,influence\n"
        f"A1,Maria,maria@acme.example,cfo@acme.example,{influence}\n")
    (folder / "touchpoints.csv").write_text(
        f'account_id,date,kind,summary,contacts\nA1,2026-11-02,call,hi,"{cells}"\n')
    import_paths(db, [folder], as_of=AS_OF, rules=Config().rules)
    assert db.execute("SELECT contacts FROM touchpoints").fetchone()[0] == contacts
    assert db.execute("SELECT reports_to, influence FROM contacts").fetchone() == (
        "cfo@acme.example", influence.lower())
