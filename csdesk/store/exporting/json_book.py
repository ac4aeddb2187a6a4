"""Export the whole book as a JSON book (`csdesk export`); `csdesk import` of it restores it.

Every table, the import tables and csdesk's own (notes, milestones, milestone items, score
snapshots, save plans), as lists of objects under their names with the stored columns as keys:
ISO dates, plain numbers (120000, not 120000.0), booleans for yes/no, flags and save-plan actions
as lists, snapshot dimensions as an object. Rows are sorted by their natural key so the same
book always exports to the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from csdesk.store.importing import KINDS, TABLES
from csdesk.store.queries import one_reading
from csdesk.store.schema import SCHEMA_VERSION

FORMAT = "csdesk book"


def _converter(table: str, column: str):
    """How a stored value of `column` reads in the JSON book (None: as stored; a None value
    stays None). Text, dates and choices are stored as text (TEXT columns), as they read."""
    if KINDS[table][column] in ("flags", "list"):  # flags, a touchpoint's contacts
        return lambda value: [f for f in value.split(";") if f]
    if column == "preventable":
        return bool
    if column in ("dimensions", "remediation_actions"):
        return json.loads
    if column == "coverage" or KINDS[table][column] not in ("int", "money", "float"):
        return None  # coverage is a fraction: 1.0 stays 1.0
    return _number


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _rows(db: sqlite_utils.Database, name: str) -> Iterator[dict]:
    """A table's rows as the JSON book has them, in their natural key's order, one at a time."""
    table = TABLES[name]
    cols = ", ".join(table.columns)
    # A touchpoint's key is its uid (issue 24): those sort by their columns, the uid last.
    first = () if table.key == ("uid",) else table.key
    order = ", ".join(f"{c} IS NULL, {c}" for c in (*first, *table.columns))
    converters = [(i, convert) for i, column in enumerate(table.columns)
                  if (convert := _converter(name, column)) is not None]
    columns = table.columns
    for row in db.execute(f"SELECT {cols} FROM {name} ORDER BY {order}"):
        values = list(row)
        for i, convert in converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        yield dict(zip(columns, values))


def book_as_dict(db: sqlite_utils.Database) -> dict:
    return {"format": FORMAT, "version": SCHEMA_VERSION,
            **{name: list(_rows(db, name)) for name in TABLES}}


def export_book(db: sqlite_utils.Database, path: str | os.PathLike) -> tuple[Path, dict[str, int]]:
    """Write the JSON book to `path` (atomically: a temporary file renamed over it), table by
    table and row by row, so a big book is never all in memory at once.

    Returns where it wrote and the rows per table.
    """
    target = Path(path).expanduser()
    tmp = target.with_name(f".{target.name}.tmp")
    counts: dict[str, int] = {}
    # The book is private (mode 0600); so is a copy of it.
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        # One read transaction: a write another program commits meanwhile is in the copy
        # whole or not at all.
        with open(fd, "w", encoding="utf-8") as fh, one_reading(db):
            fh.writelines(_lines(db, counts))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return target.resolve(), counts


def _lines(db: sqlite_utils.Database, counts: dict[str, int]) -> Iterator[str]:
    """One row per line: readable, diffable, and import errors point at the row's line.
    Counts each table's rows into `counts` as it goes."""
    dump = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False)
    yield "{\n"
    yield f" {dump('format')}: {dump(FORMAT)},\n"
    yield f" {dump('version')}: {dump(SCHEMA_VERSION)},\n"
    names = list(TABLES)
    for i, name in enumerate(names):
        end = ",\n" if i < len(names) - 1 else "\n"
        n = 0
        for row in _rows(db, name):
            # Each row ends its line but the last: the comma goes before the next one.
            yield f" {dump(name)}: [\n  {dump(row)}" if n == 0 else f",\n  {dump(row)}"
            n += 1
        yield f"\n ]{end}" if n else f" {dump(name)}: []{end}"
        counts[name] = n
    yield "}\n"
