"""Planning and writing an import: rows matched to the book on their natural keys (new rows
inserted, changed rows updated with only the columns the file has, equal rows left alone; the
later of two rows with one key wins), then written in one transaction; new accounts get their
onboarding milestones (§7)."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import operator
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from csdesk.core import models as m
from csdesk.core.config import Rules
from csdesk.core.onboarding import new_milestones
from csdesk.core.profiles import Profile
from csdesk.store import changes, search
from csdesk.store.importing.files import read_sources
from csdesk.store.importing.rows import Batch, Reader, Row, rows_of
from csdesk.store.importing.sources import ImportRefused, Problem, Source
from csdesk.store.importing.tables import TABLES, Table, db_value, keys_of
from csdesk.store.queries import gc_paused
from csdesk.store.writes import new_uid, page_cache, transaction


@dataclass
class TableChange:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportPlan:
    """What an import would do: counts per table, duplicates, and the rows to write."""

    changes: dict[str, TableChange] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    writes: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(c.inserted or c.updated for c in self.changes.values())


def plan_import(db: sqlite_utils.Database, sources: list[Source], *, as_of: dt.date,
                rules: Rules, dayfirst: bool = False,
                problems: list[Problem] | None = None,
                notes: list[str] | None = None, owner: str | None = None,
                owner_given: bool = True) -> ImportPlan:
    """Read, validate and match every row; raise ImportRefused listing every refused row.
    `owner`: only that person's accounts and their rows (docs/import.md, only my accounts)."""
    reader = Reader(db, dayfirst, owner, owner_given)
    reader.problems += problems or []
    reader.notes += notes or []
    reader.learn_accounts(sources)
    by_table: dict[str, list[list[Row] | Batch]] = defaultdict(list)
    for name in TABLES:  # dependency order, whatever order the files came in
        for src in sources:
            if src.table == name:
                by_table[name].append(reader.read(src))
                src.release()  # read: its cells go (a JSON book's are a few hundred MB)
    _check_order(by_table, reader.problems)
    if reader.left_out:
        reader.notes.append(
            f"only the accounts owned by {owner.strip()!r}: left out "
            f"{sum(reader.left_out.values()):,} rows of others' accounts ("
            + ", ".join(f"{label} {n:,}" for label, n in reader.left_out.items()) + ")")
    if reader.problems:
        raise ImportRefused(reader.problems)

    plan = ImportPlan(notes=reader.notes)
    new_accounts: list[tuple] = []
    # The accounts whose milestones the import brings (§7, below).
    brought = {r[2][0] for r in rows_of(by_table.get("milestones", []))}
    for name in list(by_table):
        # Each table's rows as read go once its writes are planned (a JSON book's would
        # otherwise stay beside every table's writes: the import's peak memory).
        parts = by_table.pop(name)
        table = TABLES[name]
        if name != "touchpoints" and all(isinstance(part, Batch) for part in parts):
            # A table empty in the book, every row read column-wise: unless a key repeats,
            # every row is inserted as it is.
            values = (parts[0].values if len(parts) == 1 else
                      list(itertools.chain.from_iterable(part.values for part in parts)))
            if len(set(itertools.chain.from_iterable(part.keys for part in parts))) \
                    == len(values):
                plan.writes.setdefault(name, []).extend(values)
                plan.changes.setdefault(name, TableChange()).inserted += len(values)
                if name == "accounts":
                    new_accounts.extend(values)
                continue
        rows = rows_of(parts)
        if name == "touchpoints":
            rows = with_uids(db, rows)
        values = list(map(_VALUES, rows))
        keys = keys_of(table, values)
        latest: dict[tuple, Row] = dict(zip(keys, rows))
        repeats = len(latest) != len(rows)
        if repeats:  # some key repeats: say which rows, in file order
            latest = {}
            for row, k in zip(rows, keys):
                earlier = latest.get(k)
                if earlier is not None:
                    plan.duplicates.append(
                        f"{row[0]}:{row[1]}: same {name} key as {earlier[0]}:{earlier[1]} "
                        f"({_show_key(k)}); the later row wins")
                latest[k] = row
        existing = _existing(db, table)
        change = plan.changes.setdefault(name, TableChange())
        out = plan.writes.setdefault(name, [])
        given_all = frozenset(table.columns)
        inserted = updated = unchanged = 0
        if not existing:  # an empty table: every row is new
            if repeats:
                values = [row[2] for row in latest.values()]
            out.extend(values)
            change.inserted += len(values)
            if name == "accounts":
                new_accounts.extend(values)
            continue
        for k, (_, _, values, given) in latest.items():
            before = existing.get(k)
            if before is None:
                inserted += 1
                out.append(values)
                if name == "accounts":
                    new_accounts.append(values)
                continue
            if not given >= given_all:  # keep what the file does not say
                values = tuple(v if c in given or c in table.key else b
                               for c, v, b in zip(table.columns, values, before))
            if values == before:
                unchanged += 1
            else:
                updated += 1
                out.append(values)
        change.inserted += inserted
        change.updated += updated
        change.unchanged += unchanged

    # §7: a new account gets its onboarding milestones, unless the import brings them.
    records = [rec for values in new_accounts if values[0] not in brought
               for rec in new_milestones(_account(values), as_of, rules)]
    if records:
        change = plan.changes.setdefault("milestones", TableChange())
        change.inserted += len(records)
        plan.writes.setdefault("milestones", []).extend(
            tuple(db_value(getattr(r, c)) for c in TABLES["milestones"].columns) for r in records)
    return plan


_VALUES = operator.itemgetter(2)  # a read row's stored values

# Two dates of one row that must come in order (issue 24): the model refuses them out of order
# (a cross-field check, which the importer's column-wise reading does not run).
_ORDERED = {"accounts": ("contract_start", "renewal_date"), "tickets": ("opened_on", "closed_on")}


def _check_order(by_table: dict[str, list], problems: list[Problem]) -> None:
    for name, (first, then) in _ORDERED.items():
        columns = TABLES[name].columns
        a, b = columns.index(first), columns.index(then)
        for part in by_table.get(name, ()):
            for label, line, values, _ in (part.rows() if isinstance(part, Batch) else part):
                if values[a] is not None and values[b] is not None and values[b] < values[a]:
                    problems.append(Problem(label, line, then,
                                            f"{values[b]} is before {first} {values[a]}"))


_UIDS = uuid.UUID("6f1d1c2e-7d3a-4c55-9a0e-2b8d5f1c9e24")  # csdesk's namespace for touchpoint uids


def with_uids(db: sqlite_utils.Database, rows: list[Row]) -> list[Row]:
    """Touchpoint rows, each with a uid (issue 24): a row that brings none (a CSV file of
    another tool) takes the uid of a stored touchpoint with its natural key (account, date,
    kind, summary), each stored one claimed once, in the order they were logged; else a new
    one. So importing the same file again changes nothing, and two calls of one day in one
    file stay two touchpoints."""
    columns = TABLES["touchpoints"].columns
    at = columns.index("uid")
    natural = operator.itemgetter(*(columns.index(c) for c in ("account_id", "date", "kind")))
    summary = columns.index("summary")
    if all(row[2][at] is not None for row in rows):
        return rows
    stored: dict[tuple, list[str]] = defaultdict(list)
    for a, d, k, sm, uid in db.execute(
            "SELECT account_id, date, kind, coalesce(summary, ''), uid FROM touchpoints "
            "ORDER BY id DESC"):
        stored[(a, d, k, sm)].append(uid)
    claimed = {row[2][at] for row in rows if row[2][at] is not None}
    made: dict[tuple, int] = defaultdict(int)
    out = []
    for label, line, values, given in rows:
        if values[at] is None:
            key = (*natural(values), values[summary] or "")
            free = stored.get(key)
            while free and free[-1] in claimed:
                free.pop()
            if free:
                uid = free.pop()
            else:  # the same file into the same book: the same uids (a demo book's bytes)
                made[key] += 1
                uid = uuid.uuid5(_UIDS, repr((*key, made[key]))).hex
                while uid in claimed:
                    uid = new_uid()
            claimed.add(uid)
            values = (*values[:at], uid, *values[at + 1:])
        out.append((label, line, values, given))
    return out


def _show_key(key: tuple) -> str:
    return ", ".join(str(k).lstrip("~") for k in key if k not in ("", None))


def _account(values: tuple) -> m.Account:
    """A stored accounts row as the model (for its onboarding milestones), unvalidated."""
    fields = list(values)
    for i in _ACCOUNT_DATES:
        fields[i] = dt.date.fromisoformat(fields[i])
    return _trusted_account(*fields)


_trusted_account = m.trusted(m.Account, positional=True)
_ACCOUNT_DATES = [TABLES["accounts"].columns.index(c) for c in ("contract_start", "renewal_date")]


def _existing(db: sqlite_utils.Database, table: Table) -> dict[tuple, tuple]:
    """Every stored row of a table by its natural key (one read per table, none per row)."""
    rows = db.execute(f"SELECT {', '.join(table.columns)} FROM {table.name}").fetchall()
    return dict(zip(keys_of(table, rows), rows))


def write_plan(db: sqlite_utils.Database, plan: ImportPlan) -> None:
    """Write what the plan says in one transaction: all or nothing.

    Every row names an account that is in the book or in this import (`Reader` refuses any
    other), so SQLite's foreign-key lookup per inserted row would only repeat that check: the
    checks are off while the import writes (the pragma only takes effect outside a
    transaction) and on again after it.
    """
    conn = db.conn
    paused = not conn.in_transaction and conn.execute("PRAGMA foreign_keys").fetchone()[0]
    if paused:
        conn.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(db):
            write_rows(db, plan.writes)
    finally:
        if paused:
            conn.execute("PRAGMA foreign_keys = ON")


def write_rows(db: sqlite_utils.Database, writes: dict[str, list[tuple]]) -> None:
    """Upsert stored rows per table on natural keys (`executemany`); the caller holds the
    transaction."""
    conn = db.conn
    with page_cache(db, 16):
        for name in TABLES:
            rows = writes.get(name)
            if rows:
                _write_table(conn, name, rows)


def _upsert_sql(name: str) -> str:
    table = TABLES[name]
    sql = (f"INSERT INTO {name} ({', '.join(table.columns)}) "
           f"VALUES ({', '.join('?' * len(table.columns))})")
    if table.conflict:
        keep = set(table.key) if name != "contacts" else {"account_id"}
        sets = ", ".join(f"{c} = excluded.{c}" for c in table.columns if c not in keep)
        sql += f" ON CONFLICT ({table.conflict}) DO UPDATE SET {sets}"
    return sql


def _write_table(conn, name: str, rows: list[tuple]) -> None:
    """One table's rows, upserted on the natural key; a big batch raises each account's
    version once, not once a row (`changes.versions_raised_once`)."""
    bulk = contextlib.nullcontext()
    if len(rows) >= search.BULK_ROWS and name in changes.ACCOUNT_TABLES:
        table = TABLES[name]
        at = table.columns.index("account_id")
        written = {r[at] for r in rows}
        if "account_id" not in table.key:
            # Keyed by its own id (a ticket, a touchpoint's uid): a row may move from another
            # account, which changes too (the update trigger would raise both).
            [key] = table.key
            k = table.columns.index(key)
            written.update(a for a, in conn.execute(
                f"SELECT DISTINCT account_id FROM {name} WHERE {key} IN "
                "(SELECT value FROM json_each(?))", [json.dumps([r[k] for r in rows])]))
        bulk = changes.versions_raised_once(conn, name, written)
    with bulk, search.bulk_write(conn, name, len(rows)):  # the search index: set-based
        empty = conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None
        if not (empty and _insert_fresh(conn, name, rows)):
            conn.executemany(_upsert_sql(name), rows)


def _insert_fresh(conn, name: str, rows: list[tuple]) -> bool:
    """Rows into an empty table, with one row per key already (the plan's doing): a plain
    INSERT, with the table's indexes that are not part of its definition (`CREATE INDEX`,
    `CREATE UNIQUE INDEX`) dropped first and built again after the rows are in - one sort each
    instead of a B-tree insert per row.

    Should a key repeat after all (SQL comparing two keys equal that the plan told apart), the
    insert or a unique index refuses; everything since the savepoint is undone and the answer
    is False: the caller upserts instead.
    """
    conn.execute("SAVEPOINT import_table")
    try:
        later: list[str] = []
        for index, sql in conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL", (name,)).fetchall():
            conn.execute(f'DROP INDEX "{index}"')
            later.append(sql)
        table = TABLES[name]
        conn.executemany(f"INSERT INTO {name} ({', '.join(table.columns)}) "
                         f"VALUES ({', '.join('?' * len(table.columns))})", rows)
        for sql in later:
            conn.execute(sql)
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO import_table")
        conn.execute("RELEASE import_table")
        return False
    conn.execute("RELEASE import_table")
    return True


def import_paths(db: sqlite_utils.Database, paths: Iterable[str | Path], *, as_of: dt.date,
                 rules: Rules, dayfirst: bool = False, dry_run: bool = False,
                 profiles: dict[str, Profile] | None = None, profile: str | None = None,
                 owner: str | None = None, owner_given: bool = True) -> ImportPlan:
    """`csdesk import`: read, check, and (unless a dry run) write. Raises ImportRefused.

    `profiles`: the CSM's own (config), `profile`: the one `--profile` names; `owner`: only
    that person's accounts (`--owner`; `owner_given` False for csm_name from config, which
    filters only a file where some account is theirs)."""
    problems: list[Problem] = []
    notes: list[str] = []
    # Hundreds of thousands of acyclic rows: nothing for the collector, now or later (the plan
    # lives on: frozen, the first collection after this does not walk its rows).
    with gc_paused(freeze=True):
        sources = read_sources(paths, problems, notes, profiles=profiles, profile=profile)
        plan = plan_import(db, sources, as_of=as_of, rules=rules, dayfirst=dayfirst,
                           problems=problems, notes=notes, owner=owner,
                           owner_given=owner_given)
        del sources
        if not dry_run:
            write_plan(db, plan)
    return plan



def format_report(plan: ImportPlan, *, dry_run: bool) -> Iterator[str]:
    yield ("Dry run: nothing written. The import would change:" if dry_run
           else "Imported:")
    for name, c in plan.changes.items():
        yield (f"  {name:<16}{c.inserted:>8} inserted {c.updated:>8} updated "
               f"{c.unchanged:>8} unchanged")
    if plan.duplicates:
        yield f"{len(plan.duplicates)} rows repeat an earlier row's key (the later row wins):"
        for text in plan.duplicates[:50]:
            yield f"  {text}"
        if len(plan.duplicates) > 50:
            yield f"  ... and {len(plan.duplicates) - 50} more"
    for text in plan.notes:
        yield f"Note: {text}"
