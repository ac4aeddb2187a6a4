"""Reading a book someone edited by hand (issue 24): find the rows no csdesk write could have
made, and read the book without them.

csdesk reads its own rows without validating them (`queries.load_book`: a million models at
10,000 accounts). A cell typed in by hand with `sqlite3` (`arr = 'abc'`, a date `2026-13-45`, a
goal status csdesk does not know, a broken snapshot JSON) would then fail somewhere in the read
or in the rules. So a read that fails is not the end: `bad_rows` looks for such cells, one SQL
scan per table (only then: the happy path pays nothing), and `without_bad_rows` hides the rows
holding them behind temporary views of the same names while the read runs again. Each hidden
row is told once (`warnings`): its table, row and the value, for stderr or the workbench.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlite_utils

from csdesk.core.text import printable


@dataclass(frozen=True)
class BadRow:
    table: str
    row: str  # the row as its key names it: `rowid 12`, `account_id=A1, date=2026-11-02`
    column: str
    value: object
    where: str  # SQL that picks the row in its table

    def __str__(self) -> str:
        shown = printable(repr(self.value), single_line=True)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return (f"skipped {self.table} row {printable(self.row, single_line=True)}: "
                f"{self.column} = {shown} is not valid (edited by hand?)")


def warnings(db: sqlite_utils.Database) -> list[str]:
    """What was skipped so far on this connection, each said once, in the order found."""
    return list(dict.fromkeys(getattr(db, "skipped", ())))


def _table_checks() -> dict[str, list[tuple[str, str, str]]]:
    """Per table: (column, SQL condition true for a bad non-null cell, kind)."""
    from csdesk.store.importing.tables import CHOICES, KINDS, TABLES

    out: dict[str, list[tuple[str, str, str]]] = {}
    for name, table in TABLES.items():
        checks = []
        for column in table.columns:
            kind = KINDS[name][column]
            c = f'"{column}"'
            if kind == "date":
                cond = f"date(substr({c}, 1, 10), '+0 days') IS NOT substr({c}, 1, 10)"
            elif kind == "datetime":
                cond = f"typeof({c}) != 'text' OR datetime({c}) IS NULL"
            elif kind in ("money", "float"):
                cond = f"typeof({c}) NOT IN ('integer', 'real') OR abs({c}) > 1e15"
            elif kind == "int":
                cond = f"typeof({c}) != 'integer'"
            elif kind == "bool":
                cond = f"{c} NOT IN (0, 1)"
            elif kind == "choice":
                values = ", ".join("'" + v.replace("'", "''") + "'"
                                   for v in CHOICES[name, column].values())
                cond = f"typeof({c}) != 'text' OR {c} NOT IN ({values})" if values else ""
            elif kind == "object":
                cond = f"typeof({c}) != 'text' OR NOT json_valid({c})"
            elif kind == "flags":
                cond = f"typeof({c}) != 'text'"  # each flag: checked in Python (`_flags`)
            else:  # text
                cond = f"typeof({c}) != 'text'"
            if cond:
                checks.append((column, cond, kind))
        out[name] = checks
    return out


@functools.lru_cache(maxsize=1)
def _checks() -> dict[str, list[tuple[str, str, str]]]:
    return _table_checks()


def _key(db: sqlite_utils.Database, table: str) -> list[str]:
    """The columns that pick one row: rowid, or a WITHOUT ROWID table's primary key."""
    rows = db.execute(f'PRAGMA table_info("{table}")').fetchall()
    without_rowid = db.execute(
        "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?",
        [table]).fetchone()[0]
    if not without_rowid:
        return ["rowid"]
    return [name for _, name, _, _, _, pk in sorted(rows, key=lambda r: r[5]) if pk]


def bad_rows(db: sqlite_utils.Database) -> list[BadRow]:
    """Every row holding a cell no csdesk write makes, first bad column each."""
    from csdesk.store.importing.tables import CHOICES

    found: list[BadRow] = []
    existing = {n for n, in db.execute("SELECT name FROM main.sqlite_master WHERE type='table'")}
    for table, checks in _checks().items():
        if table not in existing or not checks:
            continue
        columns = {r[1] for r in db.execute(f'PRAGMA main.table_info("{table}")')}
        checks = [check for check in checks if check[0] in columns]
        key = _key(db, table)
        picks = ", ".join(f'"{k}"' if k != "rowid" else "rowid" for k in key)
        if key == ["rowid"] and "account_id" in columns:  # named by its account too
            key, picks = ["rowid", "account_id"], picks + ', "account_id"'
        cases = " ".join(f"WHEN \"{col}\" IS NOT NULL AND ({cond}) THEN '{col}'"
                         for col, cond, _ in checks)
        sql = (f"SELECT {picks}, bad, CASE bad " + " ".join(
            f"WHEN '{col}' THEN \"{col}\"" for col, _, _ in checks) + " END FROM ("
            f"SELECT *, {'rowid AS rowid, ' if key[0] == 'rowid' else ''}CASE {cases} END AS bad "
            f'FROM main."{table}") WHERE bad IS NOT NULL')
        for *keys, column, value in db.execute(sql):
            found.append(_bad(table, key, keys, column, value))
        for column, _, kind in checks:  # each flag a known one
            if kind != "flags":
                continue
            known = set(CHOICES[table, column].values())
            for *keys, value in db.execute(
                    f'SELECT {picks}, "{column}" FROM main."{table}" '
                    f"WHERE typeof(\"{column}\") = 'text' AND \"{column}\" != ''"):
                if any(f and f not in known for f in value.split(";")):
                    found.append(_bad(table, key, keys, column, value))
    return found


def _bad(table: str, key: list[str], keys: list, column: str, value) -> BadRow:
    if key[0] == "rowid":
        row = f"{keys[0]}" + (f" (account {keys[1]})" if len(keys) > 1 else "")
        where = f"rowid = {int(keys[0])}"
    else:
        row = ", ".join(f"{k}={v}" for k, v in zip(key, keys))
        where = " AND ".join(f'"{k}" = {_literal(v)}' for k, v in zip(key, keys))
    return BadRow(table, row, column, value, where)


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


@contextlib.contextmanager
def without_bad_rows(db: sqlite_utils.Database, bad: list[BadRow]) -> Iterator[None]:
    """Reads of `db` inside see each table with bad rows without them (temporary views that
    shadow the tables by name); the views go after, so writes reach the tables as usual."""
    by_table: dict[str, list[BadRow]] = {}
    for b in bad:
        by_table.setdefault(b.table, []).append(b)
    made = []
    try:
        for table, rows in by_table.items():
            key = _key(db, table)
            rowid = "rowid AS rowid, " if key == ["rowid"] else ""
            hide = " OR ".join(f"({b.where})" for b in rows)
            db.execute(f'CREATE TEMP VIEW "{table}" AS SELECT {rowid}* FROM main."{table}" '
                       f"WHERE NOT ({hide})")
            made.append(table)
        skipped = getattr(db, "skipped", None)
        if skipped is None:
            skipped = db.skipped = []
        skipped.extend(str(b) for b in bad)
        yield
    finally:
        for table in made:
            db.execute(f'DROP VIEW IF EXISTS temp."{table}"')


def checked(db: sqlite_utils.Database, read: Callable[[], object]):
    """`read()`; should it fail on a cell edited by hand, again without the bad rows (said in
    `warnings`). A failure with no bad row to blame is raised as it is."""
    try:
        return read()
    except (ValueError, TypeError, KeyError, AttributeError, IndexError,
            json.JSONDecodeError):
        bad = bad_rows(db)
        if not bad or getattr(db, "_checking", False):
            raise
        db._checking = True
        try:
            with without_bad_rows(db, bad):
                return read()
        finally:
            db._checking = False
