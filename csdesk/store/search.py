"""The search index (docs/workflow.md, "Search"): one SQLite FTS5 table over the words of the book.

`search_index` holds one row per searchable field of a book row: an account's name, industry
and owner; a contact's name, title and e-mail; a note; a touchpoint's summary; a goal and its
ROI note; a save plan's root cause, executive alignment and success criteria, and each of its
remediation actions. Triggers on those tables keep it in step whoever writes (csdesk, an
import, the demo, `sqlite3` by hand), so nothing has to remember to refresh it; the version-3
migration builds it for a book that already has rows.

A row's FTS rowid says where it came from: `source rowid * 32 + field code` (FIELDS), so a
trigger finds the rows of a changed source row by rowid (a point lookup), and a hit names its
table, field and row without storing them. The account's id is stored beside the text so a
hit needs no join to say whose it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from csdesk.core.search import MARK_END, MARK_START, fts_query

SLOTS = 32  # field codes per source row: rowid = source rowid * SLOTS + code


@dataclass(frozen=True)
class Field:
    code: int
    table: str
    column: str
    kind: str  # what the CSM calls the row: account, contact, note, ...


# (table, kind, the account's id as seen from a row X of the table, the fields searched)
_SOURCES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("accounts", "account", "X.account_id", ("name", "industry", "owner")),
    ("contacts", "contact", "X.account_id", ("name", "title", "email")),
    ("notes", "note", "X.account_id", ("text",)),
    ("touchpoints", "touchpoint", "X.account_id", ("summary",)),
    ("goals", "goal", "X.account_id", ("goal", "roi_note")),
    ("save_plans", "save_plan", "X.account_id",
     ("root_cause", "executive_alignment", "success_criteria_30", "success_criteria_60",
      "success_criteria_90")),
    ("save_plan_actions", "save_plan_action",
     "(SELECT account_id FROM save_plans WHERE id = X.plan_id)", ("text",)),
)

FIELDS: dict[int, Field] = {}
for _table, _kind, _account, _columns in _SOURCES:
    for _column in _columns:
        _code = len(FIELDS) + 1
        FIELDS[_code] = Field(_code, _table, _column, _kind)
assert len(FIELDS) < SLOTS


def _fields_of(table: str) -> list[Field]:
    return [f for f in FIELDS.values() if f.table == table]


def _index_rows(table: str, account: str, who: str) -> str:
    """INSERT the index rows of row `who` (NEW, or X in a SELECT over the table)."""
    out = []
    for f in _fields_of(table):
        out.append(
            f"INSERT INTO search_index (rowid, text, account_id) "
            f"SELECT {who}.rowid * {SLOTS} + {f.code}, {who}.{f.column}, "
            f"{account.replace('X.', who + '.')} WHERE coalesce({who}.{f.column}, '') <> '';")
    return "\n    ".join(out)


def _drop_rows(table: str, who: str) -> str:
    return "\n    ".join(
        f"DELETE FROM search_index WHERE rowid = {who}.rowid * {SLOTS} + {f.code};"
        for f in _fields_of(table))


def _ddl() -> str:
    parts = ["""
CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5(
    text, account_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
"""]
    for table, _kind, account, columns in _SOURCES:
        watched = ", ".join(dict.fromkeys(
            [*columns, "plan_id" if table == "save_plan_actions" else "account_id"]))
        parts.append(f"""
CREATE TRIGGER IF NOT EXISTS search_{table}_insert AFTER INSERT ON {table} BEGIN
    {_index_rows(table, account, "NEW")}
END;
CREATE TRIGGER IF NOT EXISTS search_{table}_update AFTER UPDATE OF {watched} ON {table} BEGIN
    {_drop_rows(table, "OLD")}
    {_index_rows(table, account, "NEW")}
END;
CREATE TRIGGER IF NOT EXISTS search_{table}_delete AFTER DELETE ON {table} BEGIN
    {_drop_rows(table, "OLD")}
END;
""")
    return "".join(parts)


def fill_sql() -> list[str]:
    """Statements that (re)build every index row from the tables (the migration's last step)."""
    out = ["DELETE FROM search_index;"]
    for table, _kind, account, _columns in _SOURCES:
        for f in _fields_of(table):
            out.append(
                f"INSERT INTO search_index (rowid, text, account_id) "
                f"SELECT X.rowid * {SLOTS} + {f.code}, X.{f.column}, {account} FROM {table} X "
                f"WHERE coalesce(X.{f.column}, '') <> '';")
    return out


# Version 3's part: the index, its triggers, and the index built from what the book holds
# (nothing for a new book; every row for a book of version 2).
SEARCH_INDEX = _ddl() + "\n".join(fill_sql()) + "\n"


def rebuild(db: sqlite_utils.Database) -> None:
    """Build the index again from the tables (the caller holds the transaction)."""
    for statement in fill_sql():
        db.execute(statement)


@dataclass(frozen=True)
class Hit:
    account_id: str
    name: str
    kind: str
    table: str
    field: str
    row_id: int
    snippet: str  # the field's words around the match, matches between MARK_START and MARK_END
    rank: float


def search(db: sqlite_utils.Database, query: str, *, limit: int = 50,
           snippet_tokens: int = 12) -> list[Hit]:
    """The best `limit` hits for the words of `query`, best first (FTS5's bm25). Any text is
    a valid query: it is read as words (`csdesk.core.search.fts_query`)."""
    match = fts_query(query)
    if match is None or limit < 1:
        return []
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_index'").fetchone() is None:
        from csdesk.store.schema import BookError

        raise BookError("this book has no search index (it was made by a development build "
                        "of schema version 3); export it and import it into a new book")
    rows = db.execute(
        f"""SELECT h.rowid, h.account_id, a.name, h.snippet, h.rank
        FROM (SELECT rowid, account_id, rank,
                     snippet(search_index, 0, ?, ?, '…', ?) AS snippet
              FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?) h
        JOIN accounts a ON a.account_id = h.account_id
        ORDER BY h.rank, h.rowid""",
        (MARK_START, MARK_END, snippet_tokens, match, limit)).fetchall()
    alive = _alive(db, [rowid for rowid, *_ in rows])
    out = []
    for rowid, account_id, name, snippet, rank in rows:
        field = FIELDS.get(rowid % SLOTS)
        if field is None or (field.table, rowid // SLOTS) not in alive:
            continue
        out.append(Hit(account_id=account_id, name=name, kind=field.kind, table=field.table,
                       field=field.column, row_id=rowid // SLOTS, snippet=snippet, rank=rank))
    return out


def _alive(db: sqlite_utils.Database, rowids: list[int]) -> set[tuple[str, int]]:
    """Which hits' rows are still in their tables. A row replaced by `INSERT OR REPLACE`
    (a save plan saved again) is deleted without its delete trigger firing, so its words
    may outlive it in the index: such hits are left out."""
    by_table: dict[str, set[int]] = {}
    for rowid in rowids:
        field = FIELDS.get(rowid % SLOTS)
        if field is not None:
            by_table.setdefault(field.table, set()).add(rowid // SLOTS)
    alive = set()
    for table, ids in by_table.items():
        marks = ", ".join("?" * len(ids))
        alive.update((table, rowid) for (rowid,) in db.execute(
            f"SELECT rowid FROM {table} WHERE rowid IN ({marks})", list(ids)))
    return alive
