"""Save plans and corrections in the book: the version-3 migration of a version-2 book's plan
actions, the plan's reads and writes, every edit and delete undone exactly."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from csdesk.core.models import Account, Goal, RemediationAction, SavePlan
from csdesk.store import editing, writes
from csdesk.store.queries import load_book
from csdesk.store.schema import APPLICATION_ID, _statements, MIGRATIONS, open_book

DAY = dt.date(2026, 12, 4)


def _v2_book(path, actions_json: str):
    conn = sqlite3.connect(path, isolation_level=None)
    for step in (0, 1):
        for statement in _statements(MIGRATIONS[step]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    conn.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                 "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    conn.execute("INSERT INTO save_plans (account_id, trigger, trigger_date, root_cause, "
                 "remediation_actions) VALUES ('a1', 'band_red', '2026-10-01', 'Budget', ?)",
                 [actions_json])
    conn.execute("INSERT INTO save_plans (account_id, trigger, trigger_date) "
                 "VALUES ('a1', 'formal_complaint', '2026-10-02')")
    conn.close()


def test_a_version_2_book_s_plan_actions_move_to_their_table(tmp_path):
    path = tmp_path / "book.db"
    _v2_book(path, json.dumps([
        {"action": "Exec call", "owner": "Dana", "due": "2026-10-03"},
        {"action": "Retrain users", "owner": "", "due": "2026-10-15"},
        {"action": "  ", "owner": "x", "due": "2026-10-15"},  # no text: nothing to keep
        "not an object",
        {"action": "No owner or due"}]))
    db = open_book(path)
    rows = db.execute("SELECT plan_id, text, owner, due, done_on FROM save_plan_actions "
                      "ORDER BY id").fetchall()
    assert rows == [(1, "Exec call", "Dana", "2026-10-03", None),
                    (1, "Retrain users", "", "2026-10-15", None),
                    (1, "No owner or due", "", None, None)]
    assert db.execute("SELECT DISTINCT remediation_actions FROM save_plans").fetchall() == [("[]",)]
    [data] = load_book(db, DAY)
    red = next(p for p in data.save_plans if p.trigger == "band_red")
    assert [(a.action, a.owner, a.due) for a in red.remediation_actions] == [
        ("Exec call", "Dana", dt.date(2026, 10, 3)), ("Retrain users", "", dt.date(2026, 10, 15)),
        ("No owner or due", "", None)]
    assert red.status == "open" and red.id == 1
    db.conn.close()


@pytest.mark.parametrize("stored", ["not json", "{\"action\": \"x\"}", "[]", ""])
def test_a_version_2_book_with_odd_plan_json_still_opens(tmp_path, stored):
    path = tmp_path / "book.db"
    _v2_book(path, stored)
    db = open_book(path)
    assert db.execute("SELECT count(*) FROM save_plan_actions").fetchone()[0] == 0
    db.conn.close()


@pytest.fixture
def db(tmp_path):
    db = open_book(tmp_path / "book.db")
    db.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
               "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    yield db
    db.conn.close()


def _plan(**kw) -> SavePlan:
    return SavePlan(**({"account_id": "a1", "trigger": "band_red",
                        "trigger_date": dt.date(2026, 11, 1),
                        "remediation_actions": (
                            RemediationAction(action="Exec call", owner="Dana",
                                              due=dt.date(2026, 11, 3)),)} | kw))


def test_ensure_keeps_a_stored_plan_and_its_actions(db):
    writes.ensure_save_plans(db, [_plan()])
    [plan] = editing.plans_of(db, "a1")
    editing.set_plan(db, plan.id, {"root_cause": "Budget"})
    writes.ensure_save_plans(db, [_plan(root_cause="other")])  # the same trigger: kept
    [again] = editing.plans_of(db, "a1")
    assert again.root_cause == "Budget" and len(again.remediation_actions) == 1


def test_every_change_undoes_exactly(db):
    writes.ensure_save_plans(db, [_plan()])
    [plan] = editing.plans_of(db, "a1")
    db.execute("INSERT INTO notes (account_id, created_at, text) VALUES "
               "('a1', '2026-11-02T10:00:00', 'hello')")
    db.execute("INSERT INTO renewals (account_id, date, outcome, previous_arr, new_arr) VALUES "
               "('a1', '2026-10-01', 'churned', 900, 0)")
    db.execute("UPDATE accounts SET status = 'churned', arr = 0 WHERE account_id = 'a1'")

    def dump():
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("accounts", "notes", "renewals", "goals", "save_plans",
                          "save_plan_actions")}

    before = dump()
    changes = [
        lambda: editing.set_plan(db, plan.id, {"root_cause": "Budget", "status": "won",
                                               "checkpoint_date": dt.date(2027, 1, 1)}),
        lambda: editing.add_action(db, plan.id, RemediationAction(action="More")),
        lambda: editing.action_done(db, plan.remediation_actions[0].id, DAY),
        lambda: editing.delete_record(db, "action", plan.remediation_actions[0].id),
        lambda: editing.add_goal(db, Goal(account_id="a1", goal="Grow")),
        lambda: editing.update_record(db, "note", 1, {"text": "changed"}),
        lambda: editing.delete_record(db, "note", 1),
        lambda: editing.delete_record(db, "renewal", 1),
        lambda: editing.edit_account(db, Account(
            account_id="a1", name="Acme 2", arr=5, contract_start=dt.date(2026, 1, 1),
            renewal_date=dt.date(2028, 1, 1))),
    ]
    for make in changes:
        change = make()
        assert dump() != before, change.what
        editing.undo(db, change)
        assert dump() == before, change.what


def test_deleting_a_renewal_moves_the_account_back(db):
    db.execute("INSERT INTO renewals (account_id, date, outcome, previous_arr, new_arr) VALUES "
               "('a1', '2026-10-01', 'renewed', 900, 1000)")
    db.execute("INSERT INTO renewals (account_id, date, outcome, previous_arr, new_arr) VALUES "
               "('a1', '2027-01-01', 'churned', 1000, 0)")
    db.execute("UPDATE accounts SET status = 'churned', arr = 0, renewal_date = '2027-01-01'")
    with pytest.raises(editing.NoSuchRecord, match="not the account's latest"):
        editing.delete_record(db, "renewal", 1)
    editing.delete_record(db, "renewal", 2)
    assert db.execute("SELECT status, arr, renewal_date FROM accounts").fetchone() == (
        "active", 1000, "2027-01-01")


def test_a_failed_write_leaves_nothing(db):
    writes.ensure_save_plans(db, [_plan()])
    [plan] = editing.plans_of(db, "a1")
    with pytest.raises(sqlite3.IntegrityError):
        editing.set_plan(db, plan.id, {"status": None})  # NOT NULL: refused by SQLite
    assert not db.conn.in_transaction
    with pytest.raises(editing.NoSuchRecord):
        editing.add_action(db, 999, RemediationAction(action="x"))
    assert db.execute("SELECT count(*) FROM save_plan_actions").fetchone()[0] == 1


def test_a_duplicate_goal_is_refused(db):
    editing.add_goal(db, Goal(account_id="a1", goal="Grow"))
    with pytest.raises(editing.DuplicateGoal):
        editing.add_goal(db, Goal(account_id="a1", goal="Grow"))
    second = editing.add_goal(db, Goal(account_id="a1", goal="Other")).new_id
    with pytest.raises(editing.DuplicateGoal):
        editing.set_goal(db, second, Goal(account_id="a1", goal="Grow"))


def test_a_timeline_line_opens_the_touchpoint_it_shows(tmp_path):
    # Every log adds a touchpoint: two alike but in their status are two lines, and each
    # opens its own (the line matched on day, kind and summary only opened the first).
    db = open_book(tmp_path / "book.db")
    db.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
               "VALUES ('a1', 'Acme', 1000, '2026-01-01', '2027-01-01')")
    for status in ("completed", "missed"):
        db.execute("INSERT INTO touchpoints (account_id, date, kind, status, summary) "
                   "VALUES ('a1', '2026-12-01', 'call', ?, 'Budget call')", [status])
    for status in ("completed", "missed"):
        kind, row = editing.timeline_record(db, "a1", "call", "2026-12-01", "2026-12-01",
                                            "Budget call", status)
        assert (kind, row["status"]) == ("touchpoint", status)
    assert editing.timeline_record(db, "a1", "call", "2026-12-02", "2026-12-02",
                                   "Budget call", "completed") is None
    db.conn.close()
