"""Corrections: every record the CSM writes can be edited, deleted and (the last change, while
the workbench is open) undone (docs/workflow.md). Also the save plan's and the success plan's
own writes. Each function is one transaction and returns a `Change`: the rows it touched as
they were before, which `undo` puts back (also one transaction).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from csdesk.core.models import Account, Goal, MilestoneRecord, RemediationAction, SavePlan
from csdesk.store.queries import save_plans_read
from csdesk.store.writes import create_milestones, save_plan_row, transaction

# The records a CSM corrects: table, and what a person calls one.
RECORDS: dict[str, str] = {
    "touchpoint": "touchpoints", "note": "notes", "renewal": "renewals", "goal": "goals",
    "stakeholder": "contacts", "task": "tasks", "action": "save_plan_actions",
}


class NoSuchRecord(LookupError):
    pass


@dataclass
class Change:
    """What a write did, undoable: (table, key column, key, row before or None)."""

    what: str
    rows: list[tuple[str, str, object, dict | None]] = field(default_factory=list)
    new_id: int | None = None


def _row(db: sqlite_utils.Database, table: str, keycol: str, key) -> dict | None:
    cur = db.execute(f"SELECT * FROM {table} WHERE {keycol} = ?", [key])
    row = cur.fetchone()
    return None if row is None else dict(zip([c[0] for c in cur.description], row))


def _need(db, table: str, key, kind: str) -> dict:
    row = _row(db, table, "id", key)
    if row is None:
        raise NoSuchRecord(f"no {kind} with id {key}")
    return row


def last_plan_id(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(id), 0) FROM save_plans").fetchone()[0]


def undo(db: sqlite_utils.Database, change: Change, *, drafts_after: int | None = None
         ) -> None:
    """Put every row `change` touched back as it was (one transaction): a row that did not
    exist is deleted; one that was deleted is inserted again with its id; one that was
    changed gets its old values (an account is never deleted and re-inserted: that would
    cascade to its whole history). With `drafts_after` (`last_plan_id` before the change),
    the save plans the change brought (a champion marked departed by a slip starts one) go
    too, while still untouched drafts (no root cause written)."""
    with transaction(db):
        if drafts_after is not None:
            db.execute("DELETE FROM save_plans WHERE id > ? AND root_cause = '' AND "
                       "trigger != 'manual'", [drafts_after])
        for table, keycol, key, before in reversed(change.rows):
            if before is None:
                db.execute(f"DELETE FROM {table} WHERE {keycol} = ?", [key])
            elif _row(db, table, keycol, key) is None:
                cols = list(before)
                db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES "
                           f"({', '.join('?' * len(cols))})", [before[c] for c in cols])
            else:
                cols = [c for c in before if c != keycol]
                db.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)} "
                           f"WHERE {keycol} = ?", [*(before[c] for c in cols), key])


def _update(db, table: str, key: int, values: dict, what: str, kind: str) -> Change:
    with transaction(db):
        before = _need(db, table, key, kind)
        if values:
            db.execute(f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in values)} "
                       "WHERE id = ?", [*values.values(), key])
    return Change(what, [(table, "id", key, before)])


# --- generic edit and delete ---------------------------------------------------------------


def update_record(db: sqlite_utils.Database, kind: str, record_id: int, values: dict) -> Change:
    """Set stored columns of one record (values already checked by the caller)."""
    return _update(db, RECORDS[kind], record_id, values, f"Edited {kind} {record_id}", kind)


def delete_record(db: sqlite_utils.Database, kind: str, record_id: int) -> Change:
    """Delete one record. A renewal outcome also moves its account back (§9 undone): the ARR
    before it, the renewal date it was for, active again; only its account's latest outcome
    may go, so the account's later history stays true."""
    table = RECORDS[kind]
    with transaction(db):
        before = _need(db, table, record_id, kind)
        rows = [(table, "id", record_id, before)]
        if kind == "renewal":
            latest = db.execute("SELECT max(date) FROM renewals WHERE account_id = ?",
                                [before["account_id"]]).fetchone()[0]
            if latest != before["date"]:
                raise NoSuchRecord(f"renewal {record_id} is not the account's latest outcome "
                                   f"({latest}); delete that one first")
            account = _row(db, "accounts", "account_id", before["account_id"])
            rows.append(("accounts", "account_id", before["account_id"], account))
            db.execute("UPDATE accounts SET status = 'active', renewal_date = ?, "
                       "arr = coalesce(?, arr) WHERE account_id = ?",
                       [before["date"], before["previous_arr"], before["account_id"]])
        db.execute(f"DELETE FROM {table} WHERE id = ?", [record_id])
    return Change(f"Deleted {kind} {record_id}", rows)


def timeline_record(db: sqlite_utils.Database, account_id: str, kind: str, day: str,
                    when: str, text: str, status: str = "") -> tuple[str, dict] | None:
    """The stored row a Timeline line shows, as (record kind, row), or None once gone: a
    note by its minute and text, a renewal outcome (`kind` "outcome") by its date, a
    touchpoint by its day, kind, status and summary (two touchpoints alike in all of these
    read the same: either one is the line)."""
    if kind == "note":
        sql = ("SELECT * FROM notes WHERE account_id = ? AND "
               "substr(replace(created_at, 'T', ' '), 1, 16) = ? AND text = ? "
               "ORDER BY id DESC LIMIT 1")
        args, found = [account_id, when, text], "note"
    elif kind == "outcome":
        sql = "SELECT * FROM renewals WHERE account_id = ? AND date = ?"
        args, found = [account_id, day], "renewal"
    else:
        sql = ("SELECT * FROM touchpoints WHERE account_id = ? AND date = ? AND kind = ? "
               "AND status = ? AND coalesce(summary, '') = ? ORDER BY id DESC LIMIT 1")
        args, found = [account_id, day, kind, status, text], "touchpoint"
    cur = db.execute(sql, args)
    row = cur.fetchone()
    return (found, dict(zip([c[0] for c in cur.description], row))) if row else None


def records(db: sqlite_utils.Database, account_id: str) -> list[dict]:
    """Every record of the account a CSM may correct, with its kind and id, newest first
    within a kind (what `csdesk records` lists)."""
    out: list[dict] = []

    def add(kind: str, sql: str, describe) -> None:
        cur = db.execute(sql, [account_id])
        cols = [c[0] for c in cur.description]
        for row in cur.fetchall():
            r = dict(zip(cols, row))
            out.append({"kind": kind, "id": r["id"], **describe(r)})

    add("touchpoint", "SELECT * FROM touchpoints WHERE account_id = ? ORDER BY date DESC, id DESC",
        lambda r: {"date": r["date"], "text": f"{r['kind']} {r['status']}: {r['summary'] or ''}"})
    add("note", "SELECT * FROM notes WHERE account_id = ? ORDER BY created_at DESC, id DESC",
        lambda r: {"date": r["created_at"][:10], "text": r["text"]})
    add("renewal", "SELECT * FROM renewals WHERE account_id = ? ORDER BY date DESC",
        lambda r: {"date": r["date"], "text": r["outcome"]})
    add("goal", "SELECT * FROM goals WHERE account_id = ? ORDER BY id",
        lambda r: {"date": r["target_date"], "text": f"{r['goal']} ({r['status']})"})
    add("stakeholder", "SELECT * FROM contacts WHERE account_id = ? ORDER BY id",
        lambda r: {"date": r["departed_on"], "text": f"{r['name']} ({r['role']}, {r['status']})"})
    add("task", "SELECT * FROM tasks WHERE account_id = ? ORDER BY id",
        lambda r: {"date": r["due"], "text": r["text"] + (" (done)" if r["done_on"] else "")})
    add("action", "SELECT a.* FROM save_plan_actions a JOIN save_plans p ON p.id = a.plan_id "
        "WHERE p.account_id = ? ORDER BY a.id",
        lambda r: {"date": r["due"], "text": f"{r['text']} ({r['owner'] or 'no owner'})"
                   + (" (done)" if r["done_on"] else "")})
    return out


# --- save plans ---------------------------------------------------------------------------


def plans_of(db: sqlite_utils.Database, account_id: str) -> list[SavePlan]:
    """Every save plan of the account, with its actions, in trigger-date order."""
    return save_plans_read(db, "account_id = ?", [account_id])


def plan_of_action(db: sqlite_utils.Database, action_id: int) -> SavePlan:
    row = _need(db, "save_plan_actions", action_id, "remediation action")
    [plan] = save_plans_read(db, "id = ?", [row["plan_id"]])
    return plan


def create_plan(db: sqlite_utils.Database, plan: SavePlan) -> Change:
    """Store a new plan (a plan written by hand, with no critical alert behind it: trigger
    `manual`). Its actions too. One transaction."""
    with transaction(db):
        cur = db.execute(
            "INSERT INTO save_plans (account_id, trigger, trigger_date, root_cause, "
            "executive_alignment, success_criteria_30, success_criteria_60, "
            "success_criteria_90, checkpoint_date, created_at, status) VALUES (:account_id, "
            ":trigger, :trigger_date, :root_cause, :executive_alignment, :success_criteria_30, "
            ":success_criteria_60, :success_criteria_90, :checkpoint_date, :created_at, "
            ":status)", save_plan_row(plan))
        plan_id = cur.lastrowid
        for a in plan.remediation_actions:
            db.execute("INSERT INTO save_plan_actions (plan_id, text, owner, due) VALUES "
                       "(?,?,?,?)", [plan_id, a.action, a.owner, _iso(a.due)])
    return Change(f"Created a save plan for {plan.account_id}",
                  [("save_plans", "id", plan_id, None)], new_id=plan_id)


def set_plan(db: sqlite_utils.Database, plan_id: int, values: dict) -> Change:
    """Set the plan's own fields (root cause, alignment, criteria, checkpoint, status)."""
    values = {k: _iso(v) if isinstance(v, dt.date)
              else (str(v) if k == "status" and v is not None else v)
              for k, v in values.items()}
    return _update(db, "save_plans", plan_id, values, "Edited the save plan", "save plan")


def add_action(db: sqlite_utils.Database, plan_id: int, action: RemediationAction) -> Change:
    with transaction(db):
        _need(db, "save_plans", plan_id, "save plan")
        cur = db.execute("INSERT INTO save_plan_actions (plan_id, text, owner, due, done_on) "
                         "VALUES (?,?,?,?,?)", [plan_id, action.action, action.owner,
                                                 _iso(action.due), _iso(action.done_on)])
    return Change(f"Added remediation action {cur.lastrowid}",
                  [("save_plan_actions", "id", cur.lastrowid, None)], new_id=cur.lastrowid)


def set_action(db: sqlite_utils.Database, action_id: int, action: RemediationAction) -> Change:
    return _update(db, "save_plan_actions", action_id,
                   {"text": action.action, "owner": action.owner, "due": _iso(action.due),
                    "done_on": _iso(action.done_on)},
                   f"Edited remediation action {action_id}", "remediation action")


def action_done(db: sqlite_utils.Database, action_id: int, on: dt.date | None) -> Change:
    """Mark a remediation action done on a day (None: not done after all)."""
    return _update(db, "save_plan_actions", action_id, {"done_on": _iso(on)},
                   f"Remediation action {action_id} {'done' if on else 'reopened'}",
                   "remediation action")


# --- goals ----------------------------------------------------------------------------------


def goals_of(db: sqlite_utils.Database, account_id: str) -> list[tuple[int, Goal]]:
    cur = db.execute("SELECT id, account_id, goal, target_date, status, roi_note FROM goals "
                     "WHERE account_id = ? ORDER BY id", [account_id])
    return [(i, Goal.model_construct(account_id=a, goal=g,
                                     target_date=dt.date.fromisoformat(t) if t else None,
                                     status=s, roi_note=r))
            for i, a, g, t, s, r in cur.fetchall()]


def _goal_values(goal: Goal) -> dict:
    return {"goal": goal.goal, "target_date": _iso(goal.target_date),
            "status": str(goal.status), "roi_note": goal.roi_note}


class DuplicateGoal(ValueError):
    pass


def add_goal(db: sqlite_utils.Database, goal: Goal) -> Change:
    with transaction(db):
        if db.execute("SELECT 1 FROM goals WHERE account_id = ? AND goal = ?",
                      [goal.account_id, goal.goal]).fetchone():
            raise DuplicateGoal("the account already has this goal")
        cur = db.execute("INSERT INTO goals (account_id, goal, target_date, status, roi_note) "
                         "VALUES (:account_id, :goal, :target_date, :status, :roi_note)",
                         {"account_id": goal.account_id, **_goal_values(goal)})
    return Change(f"Added goal {cur.lastrowid}", [("goals", "id", cur.lastrowid, None)],
                  new_id=cur.lastrowid)


def set_goal(db: sqlite_utils.Database, goal_id: int, goal: Goal) -> Change:
    with transaction(db):
        if db.execute("SELECT 1 FROM goals WHERE account_id = ? AND goal = ? AND id != ?",
                      [goal.account_id, goal.goal, goal_id]).fetchone():
            raise DuplicateGoal("the account already has this goal")
    return _update(db, "goals", goal_id, _goal_values(goal), f"Edited goal {goal_id}", "goal")


def goal_by_id(db: sqlite_utils.Database, goal_id: int) -> Goal:
    r = _need(db, "goals", goal_id, "goal")
    return Goal.model_construct(
        account_id=r["account_id"], goal=r["goal"],
        target_date=dt.date.fromisoformat(r["target_date"]) if r["target_date"] else None,
        status=r["status"], roi_note=r["roi_note"])


# --- accounts -------------------------------------------------------------------------------

_ACCOUNT_COLUMNS = ("account_id", "name", "arr", "contract_start", "renewal_date",
                    "seats_licensed", "term_months", "industry", "owner", "status")


def _account_values(a: Account) -> dict:
    return {"account_id": a.account_id, "name": a.name, "arr": a.arr,
            "contract_start": a.contract_start.isoformat(),
            "renewal_date": a.renewal_date.isoformat(), "seats_licensed": a.seats_licensed,
            "term_months": a.term_months, "industry": a.industry, "owner": a.owner,
            "status": str(a.status)}


class AccountExists(ValueError):
    pass


def add_account(db: sqlite_utils.Database, account: Account,
                milestones: Iterable[MilestoneRecord] = ()) -> Change:
    """A new account, with its onboarding milestones when it is still onboarding (as the
    import creates them; the caller passes them in `milestones`)."""
    with transaction(db):
        if _row(db, "accounts", "account_id", account.account_id) is not None:
            raise AccountExists(f"an account with id {account.account_id} exists already")
        values = _account_values(account)
        db.execute(f"INSERT INTO accounts ({', '.join(values)}) VALUES "
                   f"({', '.join('?' * len(values))})", list(values.values()))
        create_milestones(db, milestones)
    return Change(f"Added account {account.account_id}",
                  [("accounts", "account_id", account.account_id, None)])


def edit_account(db: sqlite_utils.Database, account: Account) -> Change:
    with transaction(db):
        before = _row(db, "accounts", "account_id", account.account_id)
        if before is None:
            raise NoSuchRecord(f"no account with id {account.account_id}")
        values = _account_values(account)
        del values["account_id"]
        db.execute(f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in values)} "
                   "WHERE account_id = ?", [*values.values(), account.account_id])
    return Change(f"Edited account {account.account_id}",
                  [("accounts", "account_id", account.account_id, before)])


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
