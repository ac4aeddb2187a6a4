"""A file read through a mapping the CSM is still choosing (the workbench's mapping screen):
its headers, and what an import would store and refuse, without writing anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from csdesk.core.config import Rules
from csdesk.core.profiles import ColumnMap, TableProfile
from csdesk.store.importing.csv_files import read_csv
from csdesk.store.importing.plan import plan_import
from csdesk.store.importing.profiles import Choice, apply
from csdesk.store.importing.sources import ImportRefused, Problem, read_text, table_for_file
from csdesk.store.importing.tables import TABLES
from csdesk.store.queries import one_reading


@dataclass
class Preview:
    columns: tuple[str, ...] = ()  # the table's stored columns
    rows: list[tuple] = field(default_factory=list)  # the first rows as they would be stored
    refusals: list[str] = field(default_factory=list)  # as the import would say them
    notes: list[str] = field(default_factory=list)
    total: int = 0  # rows the import would insert or update


def file_headers(path: str | Path) -> tuple[str | None, list[str], list[str]]:
    """The table a file's name names (or None), its headers, and any problem reading it."""
    path = Path(path)
    problems: list[Problem] = []
    text = read_text(path, str(path), problems)
    if text is None:
        return None, [], [str(p) for p in problems]
    src = read_csv(text, str(path), table_for_file(path) or "", problems)
    return table_for_file(path), list(src.headers), [str(p) for p in problems]


def mapping_profile(table: str, mapping: dict[str, str], file_glob: str | None = None
                    ) -> TableProfile:
    """The profile table a mapping (csdesk column -> header) makes."""
    return TableProfile(file=(file_glob,) if file_glob else (),
                        columns={c: ColumnMap(headers=(h,)) for c, h in mapping.items() if h})


def preview(db: sqlite_utils.Database, path: str | Path, table: str, mapping: dict[str, str],
            *, as_of: dt.date, rules: Rules, dayfirst: bool = False, limit: int = 5) -> Preview:
    """What importing `path` as `table` with `mapping` would store (its first `limit` rows)
    and refuse; nothing is written."""
    path = Path(path)
    problems: list[Problem] = []
    notes: list[str] = []
    out = Preview(columns=TABLES[table].columns)
    text = read_text(path, str(path), problems, notes)
    if text is None:
        out.refusals = [str(p) for p in problems]
        return out
    src = read_csv(text, str(path), table, problems, notes)
    src = apply(src, Choice("(this mapping)", table, mapping_profile(table, mapping), "you"),
                problems, notes)
    try:
        with one_reading(db):
            plan = plan_import(db, [src], as_of=as_of, rules=rules, dayfirst=dayfirst,
                               problems=problems, notes=notes)
    except ImportRefused as exc:
        out.refusals = exc.lines()
        return out
    out.rows = plan.writes.get(table, [])[:limit]
    change = plan.changes.get(table)
    out.total = (change.inserted + change.updated) if change else 0
    out.notes = plan.notes
    return out
