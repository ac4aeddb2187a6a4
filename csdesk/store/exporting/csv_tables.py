"""Write the book's tables as CSV files (one per table, import columns as headers); importing
the folder into an empty book restores the same book.

Any CSV csdesk writes may be opened in a spreadsheet, so a cell that a spreadsheet would run as
a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, tab, carriage return first) is neutralised with a
leading apostrophe (OWASP "CSV injection"). Numbers are written as numbers and never altered.
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

from csdesk.store.importing.tables import TABLES

# Every table the book round-trips, with its stored columns (the import columns, and the
# working tables' row ids so a save plan's actions still name their plan).
IMPORT_COLUMNS: dict[str, list[str]] = {name: list(t.columns) for name, t in TABLES.items()}

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would evaluate gets a leading apostrophe; others pass as is."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise(value)


def export_csv(db: sqlite_utils.Database, folder: Path) -> dict[str, int]:
    """Write `<table>.csv` for every import table into `folder`; returns rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, columns in IMPORT_COLUMNS.items():
        cur = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(columns)
            n = 0
            for row in cur:
                out.writerow([_cell(v) for v in row])
                n += 1
        counts[table] = n
    return counts
