"""Write the demo book (`csdesk demo`): clear the book if told to, import the generated tables.

The generated rows go through the importer, so the demo is validated like any CSV or JSON book.
"""

from __future__ import annotations

import bisect
import ctypes
import datetime as dt
import operator
import sys
import zlib
from collections.abc import Iterable, Mapping

import sqlite_utils

from csdesk.core.config import Rules
from csdesk.core.models import AccountData, AccountStatus, ContactStatus, Outcome, Snapshot
from csdesk.store.demo.generate import DemoBook
from csdesk.store.importing import (TABLES, ImportPlan, TableChange, plan_import, rows_source,
                                    write_rows)
from csdesk.store.schema import is_empty
from csdesk.store.writes import transaction, write_snapshots


class BookNotEmpty(Exception):
    """The demo would overwrite a book with data in it."""


# Accounts generated, planned and written at a time: a chunk's rows (dicts, read rows, stored
# tuples) are tens of MB; a 10,000-account book's all at once were hundreds.
CHUNK_ACCOUNTS = 1000


def write_demo(db: sqlite_utils.Database, tables: Mapping[str, list[dict]], *, as_of: dt.date,
               rules: Rules, force: bool, chunk_accounts: int = CHUNK_ACCOUNTS) -> ImportPlan:
    """Replace the book's content with `tables` in one transaction (all or nothing).

    A `DemoBook` not looked at yet is generated, planned and written `chunk_accounts` accounts
    at a time. Each chunk is planned against an empty copy of the book's tables (every row of
    a chunk names an account of the chunk, and no key spans two accounts), so it is planned as
    the whole book would be, and its rows are written after the chunks before it: the same rows
    in the same order, so the same ids, as the book written in one go. The plan returned
    counts every chunk's rows; its `writes` are not kept (they are in the book).
    """
    if not force and not _all_empty(db):
        raise BookNotEmpty("the book is not empty")
    chunks: Iterable[Mapping[str, list[dict]]] = [tables]
    if isinstance(tables, DemoBook) and not tables.built:
        chunks = tables.chunks(chunk_accounts)
    del tables
    plan = ImportPlan()
    scratch = _empty_copy(db)
    with transaction(db):
        for name in reversed(list(TABLES)):
            db.execute(f"DELETE FROM {name}")
        for chunk in chunks:
            sources = [rows_source("demo", name, rows) for name, rows in chunk.items() if rows]
            del chunk
            part = plan_import(scratch, sources, as_of=as_of, rules=rules)
            del sources
            write_rows(db, part.writes)
            for name, change in part.changes.items():
                total = plan.changes.setdefault(name, TableChange())
                total.inserted += change.inserted
                total.updated += change.updated
                total.unchanged += change.unchanged
            plan.duplicates += part.duplicates
            plan.notes += part.notes
            del part
    scratch.conn.close()
    _trim_heap()
    order = list(TABLES)
    plan.changes = dict(sorted(plan.changes.items(), key=lambda item: order.index(item[0])))
    return plan


def _trim_heap() -> None:
    """Give the C heap's free memory back to the system (glibc's `malloc_trim`; elsewhere
    nothing). The importer writes with 64 MiB of SQLite page cache: freed when the writes are
    done, the pages stay in the heap between blocks still in use, and the process would carry
    them through scoring the whole book."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def _empty_copy(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """An in-memory database with the book's tables, empty: what a chunk is planned against."""
    scratch = sqlite_utils.Database(memory=True)
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                        "AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").fetchall()
    # A virtual table (the search index) and its shadow tables are the index's business,
    # not rows a chunk is planned against.
    virtual = [name for name, sql in tables if sql.upper().startswith("CREATE VIRTUAL")]
    for name, sql in tables:
        if not any(name == v or name.startswith(f"{v}_") for v in virtual):
            scratch.execute(sql)
    return scratch


def _all_empty(db: sqlite_utils.Database) -> bool:
    return is_empty(db) and all(
        db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == 0 for name in TABLES)


def backfill_snapshots(desk, *, history_days: int = 168, every_days: int | None = None,
                       chunk_accounts: int = CHUNK_ACCOUNTS) -> int | None:
    """Give the demo book a score history so trends, streaks and calibration have something
    to read (§2: every scored day stores a snapshot); then assess today in full.

    Past days are scored from one read of the book per `chunk_accounts` accounts, each day
    seeing only what was known then (`as_known_on`); a big book is scored fortnightly instead
    of weekly, which still leaves a snapshot in every 80-100-day calibration window (§12).
    Returns the snapshots written, or None when scoring is not available yet.
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
    ids = [account_id for (account_id,) in desk.db.execute("SELECT account_id FROM accounts")]
    days = [desk.as_of - dt.timedelta(days=back)
            for back in range(history_days, 0, -every_days)]
    written = 0
    for start in range(0, len(ids), chunk_accounts):  # a few accounts' usage in memory at once
        book = queries.load_book(desk.db, desk.as_of,
                                 account_ids=ids[start:start + chunk_accounts],
                                 usage_days=history_days + 40, history_days=0)
        snapshots = []
        with queries.gc_paused():  # acyclic models by the hundred thousand: refcounts free them
            for day in days:
                for data in book:
                    then = as_known_on(data, day)
                    health = score_health(then, day, rules) if then is not None else None
                    if health is not None:
                        snapshots.append(Snapshot.model_construct(
                            account_id=data.account.account_id, date=day, score=health.score,
                            band=health.band, coverage=health.coverage,
                            dimensions=dict(health.dimensions)))
        del book
        written += write_snapshots(desk.db, snapshots)
        del snapshots
    answer_old_alerts(desk)
    from csdesk.store.demo.calls import write_demo_calls

    write_demo_calls(desk, history_days)  # the CSM's renewal forecast calls (issue 19)
    today = [a for a in desk.assess_all() if a.health is not None]
    return written + len(today)


# How the demo's CSM worked their queue before today: most alerts older than this were answered
# with the response §4 asks for, a day or two after the trigger; about one in four was not.
ANSWERED_AFTER_DAYS = 10
UNANSWERED_SHARE = 4  # one in this many old alerts is left open


def answer_old_alerts(desk) -> int:
    """Log the responses a working CSM would have logged to alerts older than ten days, so the
    demo's Today opens on a realistic queue rather than months of untouched alerts: for a
    critical one, the executive call and the save plan written (a root cause and the call as
    its first remediation action: a plan counts once written, §13)."""
    from csdesk.core.models import RemediationAction, SavePlan, Touchpoint, TouchpointKind
    from csdesk.store.writes import ensure_save_plans, touchpoint_row

    cutoff = desk.as_of - dt.timedelta(days=ANSWERED_AFTER_DAYS)
    rows, plans = [], []
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
            if alert.level == "critical":
                plans.append(SavePlan(
                    account_id=account_id, trigger=alert.trigger, trigger_date=alert.trigger_date,
                    root_cause=f"{alert.title}; reviewed with the executive sponsor",
                    remediation_actions=(RemediationAction(
                        action="Executive engagement call",
                        owner=assessment.account.owner or "CSM", due=min(day, desk.as_of),
                        done_on=min(day, desk.as_of)),),
                    checkpoint_date=alert.trigger_date + dt.timedelta(
                        days=desk.rules.alerts.save_plan_checkpoint_days)))
    ensure_save_plans(desk.db, plans)
    from csdesk.store.search import bulk_write

    with transaction(desk.db), bulk_write(desk.db.conn, "touchpoints", len(rows)):
        desk.db.conn.executemany(
            "INSERT OR IGNORE INTO touchpoints (account_id, date, kind, status, summary, flags) "
            "VALUES (:account_id, :date, :kind, :status, :summary, :flags)", rows)
    return len(rows)


_DATE = operator.attrgetter("date")


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
        if rows and rows[-1].date > day:  # ascending by date: the rows up to the day lead
            update[name] = rows[:bisect.bisect_right(rows, day, key=_DATE)]
    return data.model_copy(update=update) if update else data
