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
from pathlib import Path

import sqlite_utils

from csdesk.store.importer import TABLES
from csdesk.store.schema import SCHEMA_VERSION

FORMAT = "csdesk book"


def _plain(table: str, column: str, value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and column != "coverage":
        return int(value)
    if column == "flags":
        return [f for f in value.split(";") if f]
    if column == "preventable":
        return bool(value)
    if column in ("dimensions", "remediation_actions"):
        return json.loads(value)
    return value


def book_as_dict(db: sqlite_utils.Database) -> dict:
    out: dict = {"format": FORMAT, "version": SCHEMA_VERSION}
    for name, table in TABLES.items():
        cols = ", ".join(table.columns)
        order = ", ".join(f"{c} IS NULL, {c}" for c in (*table.key, *table.columns))
        cur = db.execute(f"SELECT {cols} FROM {name} ORDER BY {order}")
        out[name] = [{c: _plain(name, c, v) for c, v in zip(table.columns, row)} for row in cur]
    return out


def export_book(db: sqlite_utils.Database, path: str | os.PathLike) -> tuple[Path, dict[str, int]]:
    """Write the JSON book to `path` (atomically: a temporary file renamed over it).

    Returns where it wrote and the rows per table.
    """
    target = Path(path).expanduser()
    book = book_as_dict(db)
    tmp = target.with_name(f".{target.name}.tmp")
    # The book is private (mode 0600); so is a copy of it.
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with open(fd, "w", encoding="utf-8") as fh:
        fh.writelines(_lines(book))
    os.replace(tmp, target)
    return target.resolve(), {name: len(book[name]) for name in TABLES}


def _lines(book: dict):
    """One row per line: readable, diffable, and import errors point at the row's line."""
    dump = lambda v: json.dumps(v, ensure_ascii=False)  # noqa: E731
    yield "{\n"
    items = list(book.items())
    for i, (key, value) in enumerate(items):
        end = ",\n" if i < len(items) - 1 else "\n"
        if not isinstance(value, list):
            yield f" {dump(key)}: {dump(value)}{end}"
            continue
        if not value:
            yield f" {dump(key)}: []{end}"
            continue
        yield f" {dump(key)}: [\n"
        for j, row in enumerate(value):
            yield f"  {dump(row)}{',' if j < len(value) - 1 else ''}\n"
        yield f" ]{end}"
    yield "}\n"
