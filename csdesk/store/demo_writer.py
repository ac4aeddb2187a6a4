"""Write the demo book (`csdesk demo`): clear the book if told to, import the generated tables.

The generated rows go through the importer, so the demo is validated like any CSV or JSON book.
"""

from __future__ import annotations

import datetime as dt
import zlib

import sqlite_utils

from csdesk.core.config import Rules
from csdesk.core.models import AccountData, AccountStatus, ContactStatus, Outcome, Snapshot
from csdesk.store.importer import TABLES, ImportPlan, plan_import, rows_source, write_rows
from csdesk.store.schema import is_empty
from csdesk.store.writes import transaction, write_snapshots


class BookNotEmpty(Exception):
    """The demo would overwrite a book with data in it."""


def write_demo(db: sqlite_utils.Database, tables: dict[str, list[dict]], *, as_of: dt.date,
               rules: Rules, force: bool) -> ImportPlan:
    """Replace the book's content with `tables` in one transaction (all or nothing)."""
    if not force and not _all_empty(db):
        raise BookNotEmpty("the book is not empty")
    sources = [rows_source("demo", name, rows) for name, rows in tables.items() if rows]
    with transaction(db):
        for name in reversed(list(TABLES)):
            db.execute(f"DELETE FROM {name}")
        plan = plan_import(db, sources, as_of=as_of, rules=rules)
        write_rows(db, plan.writes)
    return plan


def _all_empty(db: sqlite_utils.Database) -> bool:
    return is_empty(db) and all(
        db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == 0 for name in TABLES)


def backfill_snapshots(desk, *, history_days: int = 168, every_days: int | None = None
                       ) -> int | None:
    """Give the demo book a score history so trends, streaks and calibration have something
    to read (§2: every scored day stores a snapshot); then assess today in full.

    Past days are scored from one read of the book, each day seeing only what was known then
    (`as_known_on`); a big book is scored fortnightly instead of weekly, which still leaves a
    snapshot in every 80-100-day calibration window (§12). Returns the snapshots written, or
    None when scoring is not available yet.
    """
    try:
        from csdesk.core.health import score_health
    except ImportError:
        return None
    from csdesk.store import queries

    if every_days is None:
        every_days = 7 if desk.db.execute("SELECT count(*) FROM accounts").fetchone()[0] <= 2000 \
            else 14
    rules = desk.rules
    book = queries.load_book(desk.db, desk.as_of, usage_days=history_days + 40, history_days=0)
    snapshots = []
    for back in range(history_days, 0, -every_days):
        day = desk.as_of - dt.timedelta(days=back)
        for data in book:
            then = as_known_on(data, day)
            health = score_health(then, day, rules) if then is not None else None
            if health is not None:
                snapshots.append(Snapshot.model_construct(
                    account_id=data.account.account_id, date=day, score=health.score,
                    band=health.band, coverage=health.coverage,
                    dimensions=dict(health.dimensions)))
    write_snapshots(desk.db, snapshots)
    answer_old_alerts(desk)
    today = [a for a in desk.assess_all() if a.health is not None]
    return len(snapshots) + len(today)


# How the demo's CSM worked their queue before today: most alerts older than this were answered
# with the response §4 asks for, a day or two after the trigger; about one in four was not.
ANSWERED_AFTER_DAYS = 10
UNANSWERED_SHARE = 4  # one in this many old alerts is left open


def answer_old_alerts(desk) -> int:
    """Log the responses a working CSM would have logged to alerts older than ten days, so the
    demo's Today opens on a realistic queue rather than months of untouched alerts."""
    from csdesk.core.models import Touchpoint, TouchpointKind
    from csdesk.store.writes import touchpoint_row

    cutoff = desk.as_of - dt.timedelta(days=ANSWERED_AFTER_DAYS)
    rows = []
    for assessment in desk.assess_all(store=False):
        account_id = assessment.account.account_id
        for alert in assessment.alerts:
            if alert.trigger_date > cutoff:
                continue
            if zlib.crc32(f"{account_id}:{alert.trigger}".encode()) % UNANSWERED_SHARE == 0:
                continue
            kind = TouchpointKind.check_in if alert.level == "watch" else (
                TouchpointKind.executive if alert.level == "critical" else TouchpointKind.escalation)
            day = alert.trigger_date + dt.timedelta(days=1 + zlib.crc32(account_id.encode()) % 2)
            rows.append(touchpoint_row(Touchpoint(
                account_id=account_id, date=min(day, desk.as_of), kind=kind,
                summary=f"Response to: {alert.title}"[:200])))
    with transaction(desk.db):
        desk.db.conn.executemany(
            "INSERT OR IGNORE INTO touchpoints (account_id, date, kind, status, summary, flags) "
            "VALUES (:account_id, :date, :kind, :status, :summary, :flags)", rows)
    return len(rows)


def as_known_on(data: AccountData, day: dt.date) -> AccountData | None:
    """An account as it stood on a past day: None before its contract started; rows dated
    later left out; a later departure or churn not yet happened; a ticket closed later still
    open (mirrors what `queries.load_book` reads for that day)."""
    if data.account.contract_start > day:
        return None
    update: dict = {}
    if any(r.date > day for r in data.renewals):
        update["renewals"] = tuple(r for r in data.renewals if r.date <= day)
    if data.account.status == AccountStatus.churned and not any(
            r.outcome == Outcome.churned for r in update.get("renewals", data.renewals)):
        update["account"] = data.account.model_copy(update={"status": AccountStatus.active})
    if any(c.departed_on and c.departed_on > day for c in data.contacts):
        update["contacts"] = tuple(
            c.model_copy(update={"status": ContactStatus.active, "departed_on": None})
            if c.departed_on and c.departed_on > day else c for c in data.contacts)
    if any(t.opened_on > day or t.closed_on and t.closed_on > day for t in data.tickets):
        update["tickets"] = tuple(
            t.model_copy(update={"closed_on": None, "csat": None})
            if t.closed_on and t.closed_on > day else t
            for t in data.tickets if t.opened_on <= day)
    for name in ("usage", "nps", "touchpoints"):
        rows = getattr(data, name)
        if rows and rows[-1].date > day:  # ascending by date
            update[name] = tuple(r for r in rows if r.date <= day)
    return data.model_copy(update=update) if update else data
