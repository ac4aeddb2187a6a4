"""Single-purpose writes from the CSM's keyboard (TUI and CLI). Each is one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator

import sqlite_utils

from csdesk.core.models import (
    Contact,
    GoalStatus,
    Milestone,
    MilestoneRecord,
    Renewal,
    SavePlan,
    Snapshot,
    Snooze,
    Touchpoint,
)
from csdesk.store.schema import BUSY_TIMEOUT_MS


def is_locked(exc: BaseException) -> bool:
    """Whether a write failed because another program holds the book's lock (SQLite's
    "database is locked" or "busy"): nothing was written, and trying again later may do."""
    text = str(exc)
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


@contextlib.contextmanager
def not_waiting(db: sqlite_utils.Database) -> Iterator[None]:
    """Inside, taking the write lock while another connection holds it fails at once
    (sqlite3.OperationalError) instead of waiting up to `BUSY_TIMEOUT_MS`: for a cache a
    reader writes only when it costs nothing."""
    db.conn.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class transaction:
    """`with transaction(db):` BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error.

    IMMEDIATE takes the write lock up front, so a second writer waits (busy timeout) at BEGIN
    instead of failing half-way.
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.conn = db.conn
        self.nested = False

    def __enter__(self) -> None:
        # Inside another `transaction` (several writes that must land together, such as a
        # scoring run's conclusions and the assessments it keeps): a savepoint of it.
        self.nested = self.conn.in_transaction
        self.conn.execute("SAVEPOINT csdesk_write" if self.nested else "BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.nested:
            if not self.conn.in_transaction:  # SQLite ended the whole one (a full disk)
                return
            if exc_type is not None:
                self.conn.execute("ROLLBACK TO csdesk_write")
            self.conn.execute("RELEASE csdesk_write")
            return
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                # A COMMIT that fails (a reader still busy past the timeout) leaves the
                # transaction open: end it, so nothing half-written lingers on the connection
                # (and settings that wait for the end of a transaction take effect).
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        elif self.conn.in_transaction:  # SQLite ends it itself on some errors (a full disk):
            self.conn.execute("ROLLBACK")  # then the error is that one, not "no transaction"


@contextlib.contextmanager
def page_cache(db: sqlite_utils.Database, mib: int) -> Iterator[None]:
    """A bigger page cache for a big write (SQLite's default, 2 MiB, spills the dirty pages of
    a write that touches thousands of them to the log mid-transaction), the old size after."""
    conn = db.conn
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-1024 * mib}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


def new_uid() -> str:
    """A touchpoint's stable id (the book's trigger makes the same kind for rows without)."""
    return uuid.uuid4().hex


def touchpoint_row(t: Touchpoint) -> dict:
    return {
        "account_id": t.account_id, "date": t.date.isoformat(), "kind": str(t.kind),
        "status": str(t.status), "summary": t.summary,
        "flags": ";".join(str(f) for f in t.flags),
        "uid": t.uid or new_uid(),
        "contacts": ";".join(t.contacts), "responds_to": t.responds_to,
    }


def log_touchpoint(db: sqlite_utils.Database, t: Touchpoint, *,
                   next_step: tuple[str, dt.date | None] | None = None) -> int | None:
    """Add a touchpoint: always a new record (issue 24: a second call logged on the same day
    is a second touchpoint, never a change to the first), with its own uid, who was met and
    the Today item it answers. With `next_step` (text, due), the follow-up task it sets is
    created in the same transaction (docs/workflow.md); returns that task's id."""
    row = touchpoint_row(t)
    with transaction(db):
        db.execute(
            "INSERT INTO touchpoints (account_id, date, kind, status, summary, flags, uid, "
            "contacts, responds_to) VALUES (:account_id, :date, :kind, :status, :summary, "
            ":flags, :uid, :contacts, :responds_to)",
            row,
        )
        if next_step is not None:
            return _insert_task(db, t.account_id, next_step[0], next_step[1], t.date,
                                "next_step")
    return None


# --- tasks and snoozes (docs/workflow.md) ------------------------------------------------------


def _insert_task(db: sqlite_utils.Database, account_id: str, text: str, due: dt.date | None,
                 created_on: dt.date, source: str) -> int:
    cur = db.execute(
        "INSERT INTO tasks (account_id, text, due, created_on, source) VALUES (?, ?, ?, ?, ?)",
        [account_id, text, due.isoformat() if due else None, created_on.isoformat(), source])
    return cur.lastrowid


def add_task(db: sqlite_utils.Database, account_id: str, text: str, due: dt.date | None,
             created_on: dt.date, source: str = "typed") -> int:
    """A follow-up task; returns its id (`task:<id>` in Today)."""
    with transaction(db):
        return _insert_task(db, account_id, text, due, created_on, source)


def set_task_done(db: sqlite_utils.Database, task_id: int, done_on: dt.date | None) -> bool:
    """Mark a task done (or open again with None); False when there is no such task."""
    with transaction(db):
        cur = db.execute("UPDATE tasks SET done_on = ? WHERE id = ?",
                         [done_on.isoformat() if done_on else None, task_id])
        return cur.rowcount > 0


def snooze_item(db: sqlite_utils.Database, snooze: Snooze) -> None:
    """Put an item aside; an earlier snooze of it still in force is cleared (kept, not
    deleted), so one snooze holds at a time."""
    with transaction(db):
        db.execute("UPDATE snoozes SET cleared_on = ? WHERE item_id = ? AND cleared_on IS NULL",
                   [snooze.created_on.isoformat(), snooze.item_id])
        db.execute(
            "INSERT INTO snoozes (item_id, account_id, until, reason, created_on) "
            "VALUES (?, ?, ?, ?, ?)",
            [snooze.item_id, snooze.account_id, snooze.until.isoformat(), str(snooze.reason),
             snooze.created_on.isoformat()])


def unsnooze_item(db: sqlite_utils.Database, item_id: str, on: dt.date) -> int:
    """Clear the item's snoozes in force (kept, with the day they were cleared): how many."""
    with transaction(db):
        return db.execute("UPDATE snoozes SET cleared_on = ? WHERE item_id = ? "
                          "AND cleared_on IS NULL AND until > ?",
                          [on.isoformat(), item_id, on.isoformat()]).rowcount


def record_items_raised(db: sqlite_utils.Database, items: Iterable, day: dt.date) -> None:
    """Each Today item's first day shown, for alert quality (an item seen before keeps its
    first day). `items`: BriefItems (id, level)."""
    from csdesk.core.work import trigger_kind

    rows = [(i.id, trigger_kind(i.id), str(i.level), day.isoformat()) for i in items if i.id]
    if not rows:
        return
    with transaction(db):
        db.conn.executemany(
            "INSERT OR IGNORE INTO items_raised (item_id, kind, level, first_seen) "
            "VALUES (?, ?, ?, ?)", rows)


def add_note(db: sqlite_utils.Database, account_id: str, text: str,
             created_at: dt.datetime) -> None:
    with transaction(db):
        db.execute("INSERT INTO notes (account_id, created_at, text) VALUES (?, ?, ?)",
                   [account_id, created_at.isoformat(timespec="seconds"), text])


def write_snapshots(db: sqlite_utils.Database, snapshots: Iterable[Snapshot]) -> int:
    """Store the day's snapshot per account; a later run of the same day replaces it (§2).

    A snapshot equal to the one stored is left as it is: the workbench and the commands score
    the book each time they start, so most runs of a day find the morning's snapshots
    unchanged, and rewriting them would touch most of the table's pages for nothing (half a
    second at 10,000 accounts)."""
    texts: dict[tuple, str] = {}  # each distinct set of dimension scores encoded once

    def text(dimensions: dict) -> str:
        key = tuple(dimensions.items())
        encoded = texts.get(key)
        if encoded is None:
            encoded = texts[key] = json.dumps(dimensions, sort_keys=True)
        return encoded

    rows = [(s.account_id, s.date.isoformat(), s.score, str(s.band), s.coverage,
             text(s.dimensions)) for s in snapshots]
    # A day's snapshots go to every account's end of the table: thousands of pages.
    with page_cache(db, 32), transaction(db):
        db.conn.executemany(
            "INSERT INTO score_snapshots (account_id, date, score, band, coverage, dimensions) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, date) DO UPDATE SET "
            "score = excluded.score, band = excluded.band, coverage = excluded.coverage, "
            "dimensions = excluded.dimensions WHERE (score, band, coverage, dimensions) "
            "IS NOT (excluded.score, excluded.band, excluded.coverage, excluded.dimensions)",
            rows,
        )
    return len(rows)


def contact_row(c: Contact) -> dict:
    return {
        "account_id": c.account_id, "name": c.name, "contact_id": c.contact_id, "title": c.title,
        "email": c.email, "role": str(c.role), "status": str(c.status),
        "departed_on": c.departed_on.isoformat() if c.departed_on else None,
        "sentiment": str(c.sentiment) if c.sentiment else None,
        "success_definition": c.success_definition, "reports_to": c.reports_to,
        "influence": str(c.influence) if c.influence else None,
    }


def save_contact(db: sqlite_utils.Database, contact: Contact, *, rowid: int | None = None) -> int:
    """Add a stakeholder, or replace the one with `rowid`. Returns its rowid."""
    row = contact_row(contact)
    with transaction(db):
        if rowid is None:
            cur = db.execute(
                "INSERT INTO contacts (account_id, name, contact_id, title, email, role, status, "
                "departed_on, sentiment, success_definition, reports_to, influence) VALUES "
                "(:account_id, :name, :contact_id, :title, :email, :role, :status, "
                ":departed_on, :sentiment, :success_definition, :reports_to, :influence)", row)
            return cur.lastrowid
        db.execute(
            "UPDATE contacts SET name=:name, contact_id=:contact_id, title=:title, email=:email, "
            "role=:role, status=:status, departed_on=:departed_on, sentiment=:sentiment, "
            "success_definition=:success_definition, reports_to=:reports_to, "
            "influence=:influence WHERE id=:id", row | {"id": rowid})
        return rowid


def contacts_with_ids(db: sqlite_utils.Database, account_id: str) -> list[tuple[int, dict]]:
    cur = db.execute("SELECT * FROM contacts WHERE account_id = ? ORDER BY id", [account_id])
    cols = [c[0] for c in cur.description]
    return [(row[0], dict(zip(cols, row))) for row in cur.fetchall()]


def mark_contact_departed(db: sqlite_utils.Database, rowid: int, on: dt.date) -> None:
    with transaction(db):
        db.execute("UPDATE contacts SET status='departed', departed_on=? WHERE id=?",
                   [on.isoformat(), rowid])


def set_milestone_item(db: sqlite_utils.Database, account_id: str, milestone: Milestone,
                       item: str, done_on: dt.date | None) -> None:
    """Tick (done_on given) or untick a checklist item."""
    with transaction(db):
        if done_on is None:
            db.execute("DELETE FROM milestone_items WHERE account_id=? AND milestone=? AND item=?",
                       [account_id, str(milestone), item])
        else:
            db.execute("INSERT OR REPLACE INTO milestone_items VALUES (?, ?, ?, ?)",
                       [account_id, str(milestone), item, done_on.isoformat()])


def set_milestones_done(db: sqlite_utils.Database,
                        done: Iterable[tuple[str, Milestone, dt.date | None]]) -> None:
    """Record when milestones completed (or were reopened), as the rules concluded."""
    with transaction(db):
        db.conn.executemany(
            "UPDATE milestones SET done_on=? WHERE account_id=? AND milestone=?",
            [(d.isoformat() if d else None, a, str(m)) for a, m, d in done])


def create_milestones(db: sqlite_utils.Database, records: Iterable[MilestoneRecord]) -> None:
    """Onboarding milestones for new accounts (§7); existing ones are kept as they are."""
    db.conn.executemany(
        "INSERT OR IGNORE INTO milestones (account_id, milestone, due, done_on) VALUES (?,?,?,?)",
        [(r.account_id, str(r.milestone), r.due.isoformat(),
          r.done_on.isoformat() if r.done_on else None) for r in records])


def set_goal_status(db: sqlite_utils.Database, account_id: str, goal: str,
                    status: GoalStatus) -> None:
    with transaction(db):
        db.execute("UPDATE goals SET status=? WHERE account_id=? AND goal=?",
                   [str(status), account_id, goal])


def log_renewal(db: sqlite_utils.Database, renewal: Renewal, *, new_renewal_date: dt.date | None,
                new_arr: float | None, churned: bool) -> None:
    """Record an outcome and move the account on (§9): new ARR, next renewal date or churned."""
    with transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO renewals (account_id, date, outcome, previous_arr, new_arr, "
            "reason, preventable, competitor) VALUES (?,?,?,?,?,?,?,?)",
            [renewal.account_id, renewal.date.isoformat(), str(renewal.outcome),
             renewal.previous_arr, renewal.new_arr, renewal.reason,
             None if renewal.preventable is None else int(renewal.preventable),
             renewal.competitor])
        if churned:
            db.execute("UPDATE accounts SET status='churned' WHERE account_id=?",
                       [renewal.account_id])
        if new_arr is not None:
            db.execute("UPDATE accounts SET arr=? WHERE account_id=?",
                       [new_arr, renewal.account_id])
        if new_renewal_date is not None:
            db.execute("UPDATE accounts SET renewal_date=? WHERE account_id=?",
                       [new_renewal_date.isoformat(), renewal.account_id])


def save_plan_row(p: SavePlan) -> dict:
    """The plan's own row (its remediation actions are rows of save_plan_actions)."""
    return {
        "account_id": p.account_id, "trigger": p.trigger,
        "trigger_date": p.trigger_date.isoformat(), "root_cause": p.root_cause,
        "executive_alignment": p.executive_alignment,
        "success_criteria_30": p.success_criteria_30,
        "success_criteria_60": p.success_criteria_60,
        "success_criteria_90": p.success_criteria_90,
        "checkpoint_date": p.checkpoint_date.isoformat() if p.checkpoint_date else None,
        "created_at": p.created_at.isoformat(timespec="seconds") if p.created_at else None,
        "status": str(p.status),
    }


_INSERT_PLAN = (
    "INSERT OR IGNORE INTO save_plans (account_id, trigger, trigger_date, root_cause, "
    "executive_alignment, success_criteria_30, success_criteria_60, success_criteria_90, "
    "checkpoint_date, created_at, status) VALUES (:account_id, :trigger, :trigger_date, "
    ":root_cause, :executive_alignment, :success_criteria_30, :success_criteria_60, "
    ":success_criteria_90, :checkpoint_date, :created_at, :status)")


def _insert_actions(db: sqlite_utils.Database, plan_id: int, plan: SavePlan) -> None:
    db.conn.executemany(
        "INSERT INTO save_plan_actions (plan_id, text, owner, due, done_on) VALUES (?,?,?,?,?)",
        [(plan_id, a.action, a.owner, a.due.isoformat() if a.due else None,
          a.done_on.isoformat() if a.done_on else None) for a in plan.remediation_actions])


def ensure_save_plans(db: sqlite_utils.Database, plans: Iterable[SavePlan]) -> None:
    """One stored save plan per critical alert (§4), with its suggested remediation actions;
    an existing one is never overwritten. One transaction."""
    plans = list(plans)
    if not plans:
        return
    with transaction(db):
        for plan in plans:
            cur = db.execute(_INSERT_PLAN, save_plan_row(plan))
            if cur.rowcount == 1:
                _insert_actions(db, cur.lastrowid, plan)


def save_save_plan(db: sqlite_utils.Database, plan: SavePlan) -> int:
    """Store a plan whole (its actions replaced by the plan's): the plan of the same trigger
    is updated in place (its id kept). Returns the plan's id. One transaction."""
    row = save_plan_row(plan)
    with transaction(db):
        db.execute(_INSERT_PLAN, row)
        db.execute(
            "UPDATE save_plans SET root_cause=:root_cause, executive_alignment="
            ":executive_alignment, success_criteria_30=:success_criteria_30, "
            "success_criteria_60=:success_criteria_60, success_criteria_90="
            ":success_criteria_90, checkpoint_date=:checkpoint_date, status=:status "
            "WHERE account_id=:account_id AND trigger=:trigger AND trigger_date=:trigger_date",
            row)
        plan_id = db.execute(
            "SELECT id FROM save_plans WHERE account_id=? AND trigger=? AND trigger_date=?",
            [row["account_id"], row["trigger"], row["trigger_date"]]).fetchone()[0]
        db.execute("DELETE FROM save_plan_actions WHERE plan_id=?", [plan_id])
        _insert_actions(db, plan_id, plan)
    return plan_id
