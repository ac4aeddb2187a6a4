"""Write the import tables as CSV files (one per table, import columns as headers).

Any CSV csdesk writes may be opened in a spreadsheet, so a cell that a spreadsheet would run as
a formula (`=HYPERLINK(...)`, `+`, `-`, `@`, tab, carriage return first) is neutralised with a
leading apostrophe (OWASP "CSV injection"). Numbers are written as numbers and never altered.
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlite_utils

IMPORT_COLUMNS: dict[str, list[str]] = {
    "accounts": ["account_id", "name", "arr", "contract_start", "renewal_date", "seats_licensed",
                 "term_months", "industry", "owner", "status"],
    "contacts": ["account_id", "name", "contact_id", "title", "email", "role", "status",
                 "departed_on", "sentiment", "success_definition"],
    "usage": ["account_id", "date", "active_users", "logins"],
    "tickets": ["ticket_id", "account_id", "opened_on", "closed_on", "severity", "csat"],
    "nps": ["account_id", "date", "score", "contact", "comment"],
    "touchpoints": ["account_id", "date", "kind", "status", "summary", "flags"],
    "goals": ["account_id", "goal", "target_date", "status", "roi_note"],
    "renewals": ["account_id", "date", "outcome", "previous_arr", "new_arr", "reason",
                 "preventable", "competitor"],
}

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
