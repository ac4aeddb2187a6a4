"""`csdesk plan`, `goal`, `records`, `edit`, `delete`, `add-account`: the contract (exit codes,
output, what is written, refusals that write nothing)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from markdown_it import MarkdownIt

from csdesk.cli import main
from csdesk.store.schema import open_book

TODAY = "2026-12-04"


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    monkeypatch.setenv("CSDESK_TODAY", TODAY)
    path = tmp_path / "book.db"
    db = open_book(path)
    db.conn.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                    "VALUES ('a1', 'Acme | <b>Corp</b>', 50000, '2025-01-01', '2027-06-01')")
    db.conn.execute("INSERT INTO touchpoints (account_id, date, kind) "
                    "VALUES ('a1', '2026-11-02', 'call')")
    db.conn.execute("INSERT INTO notes (account_id, created_at, text) "
                    "VALUES ('a1', '2026-11-02T10:00:00', 'first note')")
    db.conn.close()
    monkeypatch.setenv("CSDESK_DB", str(path))
    return str(path)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(path, sql):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_plan_written_from_the_command_line(db_path, capsys):
    code, _, err = run(capsys, "plan", "Acme")
    assert code == 2 and "no save plan" in err
    code, out, _ = run(capsys, "plan", "set", "Acme", "--root-cause", "Budget | *cut*",
                       "--checkpoint", "2027-03-01", "--criteria-30", "Sponsor met")
    assert code == 0 and "root cause" in out
    code, out, _ = run(capsys, "plan", "action", "Acme", "Call the CFO", "--owner", "Dana",
                       "--due", "2026-12-10")
    action_id = int(out)
    code, out, _ = run(capsys, "plan", "Acme", "--json")
    plan = json.loads(out)["plan"]
    assert plan["state"] == "open" and plan["written"] and plan["what_is_left"] == ""
    assert plan["trigger"] == "manual" and plan["checkpoint_date"] == "2027-03-01"
    assert [a["id"] for a in plan["remediation_actions"]] == [action_id]
    code, out, _ = run(capsys, "today", "--json")
    ids = [i.get("id") for i in json.loads(out)["items"]] if out.startswith("{") else \
        [i.get("id") for i in json.loads(out)]
    assert f"save_plan_action:{action_id}" in ids
    assert run(capsys, "plan", "done", str(action_id))[0] == 0
    assert rows(db_path, "SELECT done_on FROM save_plan_actions") == [(TODAY,)]
    code, md, _ = run(capsys, "plan", "Acme")
    assert code == 0 and "Budget \\| \\*cut\\*" in md and "&lt;b&gt;" in md
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    assert not any(t.type == "html_block" for t in tokens)
    assert sum(t.type == "tr_open" for t in tokens) == 2


@pytest.mark.parametrize("argv, message", [
    (["plan", "action", "Acme", "x", "--due", "2026-12-10"], "--owner"),
    (["plan", "action", "Acme", "x", "--owner", "D"], "--due"),
    (["plan", "action", "Acme", "x", "--owner", "D", "--due", "soon"], "--due"),
    (["plan", "action", "Acme", "  ", "--owner", "D", "--due", "2026-12-10"], "TEXT"),
    (["plan", "set", "Acme", "--status", "maybe"], "--status"),
    (["plan", "set", "Acme"], "at least one"),
    (["plan", "Acme", "--owner", "x"], "--owner"),
    (["plan", "done", "abc"], "ACTION_ID"),
    (["plan", "done", "99"], "no remediation action"),
    (["goal", "add", "Acme", "Grow", "--status", "achieved"], "--roi"),
    (["goal", "add", "Acme", "Grow", "--target", "13/45/2027"], "--target"),
    (["goal", "set", "99", "--status", "missed"], "no goal"),
    (["edit", "touchpoint", "1", "--date", "2027-01-01"], "after today"),
    (["edit", "touchpoint", "1", "--kind", "lunch"], "--kind"),
    (["edit", "note", "1", "--reason", "x"], "takes no --reason"),
    (["edit", "note", "1"], "at least one"),
    (["edit", "account", "Acme", "--arr", "EUR 5"], "--arr"),
    (["delete", "note", "42"], "no note"),
    (["add-account", "a1", "--name", "X", "--arr", "5", "--start", "2026-01-01",
      "--renewal", "2027-01-01"], "exists already"),
    (["add-account", "n1", "--name", "X", "--arr", "5", "--start", "someday",
      "--renewal", "2027-01-01"], "--start"),
])
def test_refused_input_exits_2_and_writes_nothing(db_path, capsys, argv, message):
    before = {t: rows(db_path, f"SELECT * FROM {t}") for t in
              ("accounts", "save_plans", "save_plan_actions", "goals", "touchpoints", "notes")}
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
    after = {t: rows(db_path, f"SELECT * FROM {t}") for t in before}
    assert after["save_plan_actions"] == before["save_plan_actions"]
    assert after["goals"] == before["goals"] and after["notes"] == before["notes"]
    assert after["touchpoints"] == before["touchpoints"]
    assert after["accounts"] == before["accounts"]


def test_goals_added_set_listed_deleted(db_path, capsys):
    code, out, _ = run(capsys, "goal", "add", "Acme", "Cut handle time", "--target", "2027-02-01")
    goal_id = int(out)
    assert run(capsys, "goal", "set", str(goal_id), "--status", "achieved", "--roi",
               "$40k saved")[0] == 0
    code, out, _ = run(capsys, "goal", "list", "Acme", "--json")
    assert json.loads(out) == [{"id": goal_id, "account_id": "a1", "goal": "Cut handle time",
                                "target_date": "2027-02-01", "status": "achieved",
                                "roi_note": "$40k saved"}]
    assert run(capsys, "goal", "delete", str(goal_id))[0] == 0
    assert rows(db_path, "SELECT count(*) FROM goals") == [(0,)]


def test_records_edit_and_delete(db_path, capsys):
    code, out, _ = run(capsys, "records", "Acme", "--json")
    listed = {(r["kind"], r["id"]) for r in json.loads(out)}
    assert {("touchpoint", 1), ("note", 1)} <= listed
    assert run(capsys, "edit", "touchpoint", "1", "--status", "missed", "--summary",
               "No show", "--contacts", "ann@acme.example; bob@acme.example")[0] == 0
    assert rows(db_path, "SELECT status, summary, contacts FROM touchpoints") == [
        ("missed", "No show", "ann@acme.example;bob@acme.example")]
    assert run(capsys, "edit", "note", "1", "--text", "corrected")[0] == 0
    assert rows(db_path, "SELECT text FROM notes") == [("corrected",)]
    assert run(capsys, "delete", "touchpoint", "1")[0] == 0
    assert rows(db_path, "SELECT count(*) FROM touchpoints") == [(0,)]


def test_an_account_added_and_edited(db_path, capsys):
    code, out, _ = run(capsys, "add-account", "n1", "--name", "Newco", "--arr", "$60,000",
                       "--start", "2026-11-30", "--renewal", "2027-11-30", "--seats", "40")
    assert code == 0 and "Newco" in out
    # assessed at once: onboarding milestones and the day's snapshot
    assert rows(db_path, "SELECT count(*) FROM milestones WHERE account_id='n1'") == [(4,)]
    assert run(capsys, "edit", "account", "n1", "--arr", "70000", "--owner", "Sam")[0] == 0
    assert rows(db_path, "SELECT arr, owner, seats_licensed FROM accounts WHERE "
                         "account_id='n1'") == [(70000.0, "Sam", 40)]
