"""Which accounts changed: a version per account, bumped by triggers on every row of its tables.

An account's day's assessment depends only on its own rows, the config and the day
(docs/architecture.md, "Reusing the day's assessments"). So the book keeps, per account, a
counter that every insert, update or delete of one of its rows raises — whoever writes:
csdesk, an import, `sqlite3` by hand. A kept assessment made at version V of its account is
reused while the counter still reads V (and the day and config are the same); anything else
is assessed again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils

from csdesk.store import triggers

# Every table whose rows belong to one account by their `account_id` column. Tables added later
# that hold an account's rows must be listed here (tests/store/test_changes.py checks that every
# table with an account_id column is).
ACCOUNT_TABLES = (
    "accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals", "renewals",
    "notes", "milestones", "milestone_items", "score_snapshots", "save_plans", "tasks",
    "snoozes", "forecast_calls",
)

_BUMP = ("INSERT INTO account_versions (account_id, version) VALUES ({who}, 1) "
         "ON CONFLICT (account_id) DO UPDATE SET version = version + 1;")


def _triggers(table: str, account: str, account_old: str) -> str:
    new, old = account.format(row="NEW"), account_old.format(row="OLD")
    return f"""
CREATE TRIGGER IF NOT EXISTS {table}_version_insert AFTER INSERT ON {table} BEGIN
    {_BUMP.format(who=new)}
END;
CREATE TRIGGER IF NOT EXISTS {table}_version_update AFTER UPDATE ON {table} BEGIN
    {_BUMP.format(who=new)}
    {_BUMP.format(who=old)}
END;
CREATE TRIGGER IF NOT EXISTS {table}_version_delete AFTER DELETE ON {table} BEGIN
    {_BUMP.format(who=old)}
END;"""


def _table_triggers(table: str) -> str:
    return _triggers(table, "{row}.account_id", "{row}.account_id")


@contextlib.contextmanager
def versions_raised_once(conn: sqlite3.Connection, table: str,
                         account_ids: Iterable[str]) -> Iterator[None]:
    """For a bulk write of `table`'s rows inside the caller's write transaction: its version
    triggers are dropped while the rows go in, then each account written is raised once, set-
    based, and the triggers are back - all in the same transaction, so no other writer (who
    would wait for the write lock) can slip past them. A row-by-row trigger doubles the time
    of a 200,000-row usage import."""
    if table not in ACCOUNT_TABLES:
        yield
        return
    with triggers.paused(conn, [f"{table}_version_{op}" for op in ("insert", "update",
                                                                   "delete")]) as did:
        yield
    if did:
        conn.execute("INSERT INTO account_versions (account_id, version) "
                     "SELECT DISTINCT value, 1 FROM json_each(?) WHERE true "
                     "ON CONFLICT (account_id) DO UPDATE SET version = version + 1",
                     [json.dumps(sorted(set(account_ids)))])


def account_versions_schema() -> str:
    """The DDL: the `account_versions` table and its triggers (part of schema version 3)."""
    parts = ["""
CREATE TABLE IF NOT EXISTS account_versions (
    account_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kept_assessments (
    account_id TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    config TEXT NOT NULL,
    version INTEGER NOT NULL,
    assessment BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kept_views (
    name TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    config TEXT NOT NULL,
    book_version TEXT NOT NULL,
    payload BLOB NOT NULL
) WITHOUT ROWID;"""]
    for table in ACCOUNT_TABLES:
        parts.append(_table_triggers(table))
    # A remediation action belongs to its plan's account.
    plan_account = "(SELECT account_id FROM save_plans WHERE id = {row}.plan_id)"
    parts.append(_triggers("save_plan_actions", "coalesce(" + plan_account + ", '')",
                           "coalesce(" + plan_account + ", '')"))
    return "\n".join(parts) + "\n"


# --- reading and writing ------------------------------------------------------------------------


def versions(db: sqlite_utils.Database, account_ids: list[str] | None = None) -> dict[str, int]:
    """Each account's version (0 for one never written since the book learnt to count)."""
    if account_ids is None:
        return dict(db.execute("SELECT account_id, version FROM account_versions").fetchall())
    found = dict(db.execute(
        "SELECT account_id, version FROM account_versions WHERE account_id IN "
        "(SELECT value FROM json_each(?))", [json.dumps(account_ids)]).fetchall())
    return {a: found.get(a, 0) for a in account_ids}


def kept(db: sqlite_utils.Database, as_of: str, fingerprint: str) -> dict[str, object]:
    """The kept assessments still valid: made for this day and config at the account's
    current version. An entry that does not unpickle (written by another csdesk) is skipped."""
    out = {}
    for account_id, blob in kept_pickles(db, as_of, fingerprint).items():
        try:
            out[account_id] = pickle.loads(blob)
        except Exception:  # noqa: BLE001  a stale or foreign pickle is only a miss
            continue
    return out


def kept_pickles(db: sqlite_utils.Database, as_of: str, fingerprint: str) -> dict[str, bytes]:
    """The valid kept assessments (see `kept`) as they are stored: for a reader that
    unpickles only those it needs (`unpickled`)."""
    return dict(db.execute(
        "SELECT k.account_id, k.assessment FROM kept_assessments k "
        "LEFT JOIN account_versions v ON v.account_id = k.account_id "
        "WHERE k.as_of = ? AND k.config = ? AND k.version = coalesce(v.version, 0)",
        [as_of, fingerprint]).fetchall())


def unpickled(blob: bytes) -> object:
    """A kept assessment from `kept_pickles` (a foreign pickle raises)."""
    return pickle.loads(blob)


def keep(db: sqlite_utils.Database, as_of: str, fingerprint: str,
         assessments: dict[str, object]) -> int:
    """Keep `assessments` (by account id) for reuse at their accounts' current versions.

    Call inside the write transaction that stored the run's conclusions, with only the
    accounts nobody else wrote since they were read (`Desk.store` checks that under the
    same write lock): their rows are then the ones assessed plus this run's own snapshots,
    plans and milestones. Returns how many were kept."""
    now = versions(db, list(assessments))
    db.conn.executemany(
        "INSERT INTO kept_assessments (account_id, as_of, config, version, assessment) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET as_of = excluded.as_of, "
        "config = excluded.config, version = excluded.version, "
        "assessment = excluded.assessment",
        [(a, as_of, fingerprint, now[a], pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL))
         for a, x in assessments.items()])
    return len(assessments)


def code_fingerprint(config_json: str) -> str:
    """What a kept assessment or view was made with besides the book: the config, and the
    code that reads the book and draws conclusions from it (the rules in core, the reads in
    store, the views desk builds): a new csdesk, or an edited rule, makes everything kept
    stale. About 2 ms (70 files, read once a process)."""
    digest = hashlib.blake2b(config_json.encode(), digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for layer in ("core", "store", "desk"):
        for path in sorted((package / layer).rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(sqlite3.sqlite_version.encode())
    return digest.hexdigest()


def book_version(db: sqlite_utils.Database) -> str:
    """A version of the whole book's accounts: it moves with any write to any account's rows
    (the accounts' versions only ever rise, so their sum and count move together)."""
    total, count = db.execute("SELECT total(version), count(*) FROM account_versions").fetchone()
    return f"{int(total)}:{count}"


def kept_view(db: sqlite_utils.Database, name: str, as_of: str, fingerprint: str,
              version: str) -> object | None:
    """A view of the whole book (the renewals, the portfolio's trend) kept for this day,
    config and book version, or None."""
    row = db.execute("SELECT payload FROM kept_views WHERE name = ? AND as_of = ? "
                     "AND config = ? AND book_version = ?",
                     [name, as_of, fingerprint, version]).fetchone()
    if row is None:
        return None
    try:
        return pickle.loads(row[0])
    except Exception:  # noqa: BLE001  a stale or foreign pickle is only a miss
        return None


def unkept(db: sqlite_utils.Database, as_of: str, fingerprint: str) -> int:
    """How many accounts of the book have no valid kept assessment (see `kept`)."""
    return db.execute(
        "SELECT count(*) FROM accounts a LEFT JOIN kept_assessments k "
        "ON k.account_id = a.account_id AND k.as_of = ? AND k.config = ? "
        "LEFT JOIN account_versions v ON v.account_id = a.account_id "
        "WHERE k.version IS NOT coalesce(v.version, 0)", [as_of, fingerprint]).fetchone()[0]


def keep_view(db: sqlite_utils.Database, name: str, as_of: str, fingerprint: str,
              version: str, value: object) -> None:
    db.execute("INSERT INTO kept_views (name, as_of, config, book_version, payload) "
               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET as_of = excluded.as_of, "
               "config = excluded.config, book_version = excluded.book_version, "
               "payload = excluded.payload",
               [name, as_of, fingerprint, version,
                pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)])
