"""The SQLite book: schema, pragmas, opening and migrations.

One file per book. The import tables carry the import columns of docs/import.md so the book
reads well in sqlite3 or Datasette; csdesk's own tables sit beside them. The schema version lives
in `PRAGMA user_version` and the file is marked as ours with `PRAGMA application_id`.
"""

from __future__ import annotations

import os
import sqlite3
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from csdesk.store.changes import account_versions_schema
from csdesk.store.search import SEARCH_INDEX

APPLICATION_ID = 0x6373646B  # "csdk"
SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 10_000


class BookError(Exception):
    """The file cannot be used as a book (not ours, too new, locked, unreadable)."""


SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    account_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    arr REAL NOT NULL,
    contract_start TEXT NOT NULL,
    renewal_date TEXT NOT NULL,
    seats_licensed INTEGER,
    term_months INTEGER NOT NULL DEFAULT 12,
    industry TEXT,
    owner TEXT,
    status TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX IF NOT EXISTS accounts_name ON accounts(name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS accounts_renewal ON accounts(renewal_date);

CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    contact_id TEXT,
    title TEXT,
    email TEXT,
    role TEXT NOT NULL DEFAULT 'other',
    status TEXT NOT NULL DEFAULT 'active',
    departed_on TEXT,
    sentiment TEXT,
    success_definition TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS contacts_key
    ON contacts(account_id, coalesce(lower(email), '~' || lower(name)));

CREATE TABLE IF NOT EXISTS usage (
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    active_users INTEGER NOT NULL,
    logins INTEGER,
    PRIMARY KEY (account_id, date)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS usage_date ON usage(date);

CREATE TABLE IF NOT EXISTS tickets (
    ticket_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    severity TEXT NOT NULL DEFAULT 'normal',
    csat INTEGER
);
CREATE INDEX IF NOT EXISTS tickets_account ON tickets(account_id, opened_on);
CREATE INDEX IF NOT EXISTS tickets_opened ON tickets(opened_on);

CREATE TABLE IF NOT EXISTS nps (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    score INTEGER NOT NULL,
    contact TEXT,
    comment TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS nps_key ON nps(account_id, date, coalesce(contact, ''));
CREATE INDEX IF NOT EXISTS nps_date ON nps(date);

CREATE TABLE IF NOT EXISTS touchpoints (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'completed',
    summary TEXT,
    flags TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS touchpoints_key
    ON touchpoints(account_id, date, kind, coalesce(summary, ''));
CREATE INDEX IF NOT EXISTS touchpoints_date ON touchpoints(date);

CREATE TABLE IF NOT EXISTS goals (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    goal TEXT NOT NULL,
    target_date TEXT,
    status TEXT NOT NULL DEFAULT 'not_started',
    roi_note TEXT,
    UNIQUE (account_id, goal)
);

CREATE TABLE IF NOT EXISTS renewals (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    outcome TEXT NOT NULL,
    previous_arr REAL,
    new_arr REAL,
    reason TEXT,
    preventable INTEGER,
    competitor TEXT,
    UNIQUE (account_id, date)
);
CREATE INDEX IF NOT EXISTS renewals_date ON renewals(date);

CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_account ON notes(account_id, created_at);

CREATE TABLE IF NOT EXISTS milestones (
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    milestone TEXT NOT NULL,
    due TEXT NOT NULL,
    done_on TEXT,
    PRIMARY KEY (account_id, milestone)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS milestone_items (
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    milestone TEXT NOT NULL,
    item TEXT NOT NULL,
    done_on TEXT NOT NULL,
    PRIMARY KEY (account_id, milestone, item)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS score_snapshots (
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    score INTEGER,
    band TEXT NOT NULL,
    coverage REAL NOT NULL,
    dimensions TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (account_id, date)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS score_snapshots_date ON score_snapshots(date);

CREATE TABLE IF NOT EXISTS save_plans (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    trigger TEXT NOT NULL,
    trigger_date TEXT NOT NULL,
    root_cause TEXT NOT NULL DEFAULT '',
    executive_alignment TEXT NOT NULL DEFAULT '',
    remediation_actions TEXT NOT NULL DEFAULT '[]',
    success_criteria_30 TEXT NOT NULL DEFAULT '',
    success_criteria_60 TEXT NOT NULL DEFAULT '',
    success_criteria_90 TEXT NOT NULL DEFAULT '',
    checkpoint_date TEXT,
    created_at TEXT,
    UNIQUE (account_id, trigger, trigger_date)
);
"""


def _mark_changed(where: str) -> str:
    """An UPDATE that sets `changed` of the snapshot(s) `where` picks (a condition on the
    table's own columns), against the account's snapshot just before it."""
    return f"""UPDATE score_snapshots SET changed = coalesce((
        SELECT NOT (p.band IS score_snapshots.band AND p.dimensions IS score_snapshots.dimensions)
        FROM score_snapshots p
        WHERE p.account_id = score_snapshots.account_id AND p.date < score_snapshots.date
        ORDER BY p.date DESC LIMIT 1), 1)
      WHERE {where};"""


def _after(who: str) -> str:
    """`where` for the snapshot after `who` (NEW or OLD) of the same account."""
    return (f"account_id = {who}.account_id AND date = (SELECT min(date) FROM score_snapshots "
            f"WHERE account_id = {who}.account_id AND date > {who}.date)")


_ITSELF = "account_id = NEW.account_id AND date = NEW.date"

# Version 2: `score_snapshots.changed`, 1 where a snapshot's band or dimension scores differ
# from the account's snapshot before it (and on its first), kept so by triggers whoever
# writes (csdesk, an import, sqlite3 by hand). A whole-book run reads the history through it:
# the rules read runs of a band and of zero dimensions, which start only on such rows, so a
# book scored daily for months is read in tens of thousands of rows, not a million (see
# `csdesk.store.queries.load_book`).
SNAPSHOT_CHANGES = f"""
ALTER TABLE score_snapshots ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
UPDATE score_snapshots SET changed = 1 WHERE (account_id, date) IN (
    SELECT account_id, date FROM (
        SELECT account_id, date, lag(date) OVER w IS NOT NULL AND band IS lag(band) OVER w
               AND dimensions IS lag(dimensions) OVER w AS same
        FROM score_snapshots WINDOW w AS (PARTITION BY account_id ORDER BY date))
    WHERE NOT same);
CREATE INDEX IF NOT EXISTS score_snapshots_changed ON score_snapshots(account_id, date)
    WHERE changed;
CREATE TRIGGER IF NOT EXISTS score_snapshots_insert AFTER INSERT ON score_snapshots BEGIN
    {_mark_changed(_ITSELF)}
    {_mark_changed(_after("NEW"))}
END;
CREATE TRIGGER IF NOT EXISTS score_snapshots_update
AFTER UPDATE OF account_id, date, band, dimensions ON score_snapshots BEGIN
    {_mark_changed(_ITSELF)}
    {_mark_changed(_after("NEW"))}
    {_mark_changed(_after("OLD"))}
END;
CREATE TRIGGER IF NOT EXISTS score_snapshots_delete AFTER DELETE ON score_snapshots BEGIN
    {_mark_changed(_after("OLD"))}
END;
"""

# Version 3 (working the book, docs/workflow.md): who a touchpoint met and what it answered,
# the reporting lines of the stakeholder map, the CSM's own tasks, snoozed items (kept, never
# deleted), save-plan remediation actions and the plan's status, renewal forecast calls.
WORK_TABLES = """
ALTER TABLE touchpoints ADD COLUMN contacts TEXT NOT NULL DEFAULT '';
ALTER TABLE touchpoints ADD COLUMN responds_to TEXT;
ALTER TABLE contacts ADD COLUMN reports_to TEXT;
ALTER TABLE contacts ADD COLUMN influence TEXT;
ALTER TABLE save_plans ADD COLUMN status TEXT NOT NULL DEFAULT 'open';

CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    due TEXT,
    created_on TEXT NOT NULL,
    done_on TEXT,
    source TEXT NOT NULL DEFAULT 'typed'
);
CREATE INDEX IF NOT EXISTS tasks_account ON tasks(account_id);

CREATE TABLE IF NOT EXISTS snoozes (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    until TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_on TEXT NOT NULL,
    cleared_on TEXT
);
CREATE INDEX IF NOT EXISTS snoozes_item ON snoozes(item_id);
CREATE INDEX IF NOT EXISTS snoozes_account ON snoozes(account_id);

-- Each Today item once, the first day it was shown (alert quality: items raised per trigger
-- kind, docs/workflow.md). Not an account's row: no rule reads it (the item id names it).
CREATE TABLE IF NOT EXISTS items_raised (
    item_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_raised_seen ON items_raised(first_seen);
CREATE INDEX IF NOT EXISTS touchpoints_responds_to ON touchpoints(responds_to)
    WHERE responds_to IS NOT NULL;

CREATE TABLE IF NOT EXISTS save_plan_actions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES save_plans(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT '',
    due TEXT,
    done_on TEXT
);
CREATE INDEX IF NOT EXISTS save_plan_actions_plan ON save_plan_actions(plan_id);
-- The actions a version-2 book kept as JSON in save_plans.remediation_actions move here
-- (the column stays, emptied: '[]').
INSERT INTO save_plan_actions (plan_id, text, owner, due)
SELECT plan_id, action, coalesce(owner, ''), due FROM (
    SELECT p.id AS plan_id, j.key AS n,
           CASE WHEN j.type = 'object' THEN trim(json_extract(j.value, '$.action')) END AS action,
           CASE WHEN j.type = 'object' THEN json_extract(j.value, '$.owner') END AS owner,
           CASE WHEN j.type = 'object' THEN json_extract(j.value, '$.due') END AS due
    FROM save_plans p, json_each(CASE WHEN json_valid(p.remediation_actions)
                                      AND json_type(p.remediation_actions) = 'array'
                                 THEN p.remediation_actions ELSE '[]' END) j)
WHERE coalesce(action, '') != ''
ORDER BY plan_id, n;
UPDATE save_plans SET remediation_actions = '[]' WHERE remediation_actions != '[]';

CREATE TABLE IF NOT EXISTS forecast_calls (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id) ON DELETE CASCADE,
    renewal_date TEXT NOT NULL,
    call TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    made_on TEXT NOT NULL,
    suggested TEXT
);
CREATE INDEX IF NOT EXISTS forecast_calls_account ON forecast_calls(account_id, renewal_date);

-- What `csdesk export --format F` last sent, per kind of record (issue 21): the highest row id,
-- so the next export of that format sends only what is new.
CREATE TABLE IF NOT EXISTS crm_exports (
    format TEXT NOT NULL,
    kind TEXT NOT NULL,
    last_id INTEGER NOT NULL,
    exported_at TEXT NOT NULL,
    PRIMARY KEY (format, kind)
) WITHOUT ROWID;

-- A touchpoint's stable id (issue 24): two calls logged on one day are two touchpoints, and an
-- export carries the id so importing it back changes nothing. The natural key only indexes.
ALTER TABLE touchpoints ADD COLUMN uid TEXT;
UPDATE touchpoints SET uid = account_id || ':' || date || ':' || id WHERE uid IS NULL;
DROP INDEX IF EXISTS touchpoints_key;
CREATE INDEX IF NOT EXISTS touchpoints_key
    ON touchpoints(account_id, date, kind, coalesce(summary, ''));
CREATE UNIQUE INDEX IF NOT EXISTS touchpoints_uid ON touchpoints(uid);
CREATE TRIGGER IF NOT EXISTS touchpoints_uid_fill AFTER INSERT ON touchpoints
WHEN NEW.uid IS NULL BEGIN
    UPDATE touchpoints SET uid = NEW.account_id || ':' || NEW.date || ':' || NEW.id
    WHERE id = NEW.id;
END;
"""

# Migrations from version N to N+1, applied in order. Each is a SQL script run in one
# transaction after a backup copy of the file has been taken.
MIGRATIONS: dict[int, str] = {
    0: SCHEMA,
    1: SNAPSHOT_CHANGES,
    2: WORK_TABLES + account_versions_schema() + SEARCH_INDEX,
}


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def _create_private(path: Path) -> None:
    """Create an empty file readable only by its owner, in a directory only they can enter."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def backup_path(path: Path, version: int) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return path.with_name(f"{path.name}.v{version}-{stamp}.bak")


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    target = backup_path(path, version)
    # Two processes upgrading in the same second (issue 24): the second backup gets a number.
    for n in range(2, 1000):
        try:
            fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            target = backup_path(path, version).with_suffix(f".{n}.bak")
    else:
        raise BookError(f"{path}: cannot name a backup copy beside it; nothing was changed")
    os.close(fd)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def open_book(path: str | os.PathLike[str], *, create: bool = True,
              upgrading: Callable[[Path, int], None] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) a book, migrated to SCHEMA_VERSION.

    Refuses, with BookError and without touching the file, anything that is not a csdesk book
    or carries a newer schema than this version knows. `upgrading(path, version)` is called
    before a book of an older version is backed up and migrated (seconds for a big book).
    """
    path = Path(path).expanduser()
    if path.is_symlink() and not path.exists():
        raise BookError(f"{path}: a link to a file that does not exist ({os.readlink(path)})")
    try:
        is_new = not path.exists() or path.stat().st_size == 0
        if is_new and not create:
            raise BookError(f"{path}: no book there")
        if is_new and not path.exists():
            _create_private(path)
    except OSError as exc:
        raise BookError(f"{path}: cannot create the book ({exc.strerror})") from None
    # A book this process may not write (issue 24): read it as it is; whoever writes is told.
    read_only = not is_new and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    try:
        if read_only:
            conn = _connect_read_only(path)
        else:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BookError(f"{path}: the book is locked by another program; try again") from None
        raise BookError(f"{path}: cannot open the book ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise BookError(f"{path}: not a csdesk book ({exc})") from None
    if tables and app_id != APPLICATION_ID:
        conn.close()
        raise BookError(f"{path}: not a csdesk book (a SQLite file of another program)")
    if version > SCHEMA_VERSION:
        conn.close()
        raise BookError(
            f"{path}: this book has schema version {version}; this csdesk knows up to "
            f"{SCHEMA_VERSION}. Upgrade csdesk to open it."
        )
    if version < 0:
        conn.close()
        raise BookError(f"{path}: not a csdesk book (schema version {version}); nothing changed")
    if read_only:
        if version < SCHEMA_VERSION:
            conn.close()
            raise BookError(f"{path}: the book is read-only and needs an upgrade to version "
                            f"{SCHEMA_VERSION}; make it writable once")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        db.read_only = True
        return db
    try:
        _apply_pragmas(conn)
        if version < SCHEMA_VERSION:
            if tables and upgrading is not None:
                upgrading(path, version)
            _migrate(conn, path, version, backup=bool(tables))
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise BookError(f"{path}: the book is locked by another program; try again") from None
        raise BookError(f"{path}: cannot open the book ({exc})") from None
    return sqlite_utils.Database(conn)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection; a write-ahead-log book whose log cannot be made (a folder this
    process may not write) is read as it stands on disk (`immutable`)."""
    uri = path.resolve().as_uri()
    for mode in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000,
                               isolation_level=None, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if mode == "immutable=1":
                raise
    raise AssertionError("unreachable")


def _migrate(conn: sqlite3.Connection, path: Path, version: int, *, backup: bool) -> None:
    if backup:
        _backup(conn, path, version)
    conn.execute("BEGIN IMMEDIATE")
    # Another process may have upgraded it meanwhile (two started at once): then it is done.
    if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        conn.execute("COMMIT")
        return
    try:
        for step in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[step]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite ends it itself on some errors (a full disk)
            conn.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a script into statements (sqlite3's executescript would commit our transaction)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return [s for s in out if s]


def is_empty(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is None
