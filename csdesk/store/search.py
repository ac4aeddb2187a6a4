"""The search index (docs/workflow.md, "Search"): one SQLite FTS5 table over the words of the book.

`search_index` holds one row per searchable field of a book row: an account's name, industry
and owner; a contact's name, title and e-mail; a note; a touchpoint's summary; a goal and its
ROI note; a save plan's root cause, executive alignment and success criteria, and each of its
remediation actions. Triggers on those tables keep it in step whoever writes (csdesk, an
import, the demo, `sqlite3` by hand), so nothing has to remember to refresh it; the version-3
migration builds it for a book that already has rows.

A row's FTS rowid says where it came from: `field code * 2**40 + source rowid` (FIELDS), so
a trigger finds the rows of a changed source row by rowid (a point lookup), and a hit names
its table, field and row without storing them. The codes go up with how much a hit in the
field tells (an account's name highest, its owner - the CSM, on every account - lowest), so
rowid order, newest last within a field, is a useful order of its own: a query matching more
rows than are worth ranking (RANK_AT_MOST) ranks the first of them in that order only. The
account's id is stored beside the text so a hit needs no join to say whose it is.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

from csdesk.core.search import MARK_END, MARK_START, fts_query
from csdesk.store import triggers

SLOT = 2 ** 40  # rowid = field code * SLOT + source rowid
# bm25 reads every match's positions and length: ~3 µs a match, so a word on every account of
# a 10,000-account book (its owner's name, "renewal") would take 30-100 ms to rank. Above this
# many matches, the first RANK_AT_MOST in rowid order (the weightiest fields, newest first) are
# ranked: a query that broad wants another word, not a finer order.
RANK_AT_MOST = 2000
# A field is indexed by its first this many characters: a 50 MB note pasted by mistake would
# otherwise make every search that finds it tokenize 50 MB for its snippet (minutes).
INDEXED_CHARS = 100_000


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
_KIND_OF = {table: kind for table, kind, _a, _c in _SOURCES}

# The fields, weightiest first (their codes count down from here).
_WEIGHT_ORDER = (
    ("accounts", "name"), ("contacts", "name"), ("contacts", "email"), ("goals", "goal"),
    ("save_plans", "root_cause"), ("save_plan_actions", "text"), ("notes", "text"),
    ("touchpoints", "summary"), ("contacts", "title"), ("goals", "roi_note"),
    ("save_plans", "executive_alignment"), ("save_plans", "success_criteria_30"),
    ("save_plans", "success_criteria_60"), ("save_plans", "success_criteria_90"),
    ("accounts", "industry"), ("accounts", "owner"),
)
assert sorted(_WEIGHT_ORDER) == sorted((t, c) for t, _k, _a, cols in _SOURCES for c in cols)

FIELDS: dict[int, Field] = {}
for _rank, (_table, _column) in enumerate(_WEIGHT_ORDER):
    _code = len(_WEIGHT_ORDER) - _rank
    FIELDS[_code] = Field(_code, _table, _column, _KIND_OF[_table])


def _fields_of(table: str) -> list[Field]:
    return sorted((f for f in FIELDS.values() if f.table == table), key=lambda f: -f.code)


def _index_rows(table: str, account: str, who: str) -> str:
    """INSERT the index rows of row `who` (NEW, or X in a SELECT over the table)."""
    out = []
    for f in _fields_of(table):
        out.append(
            f"INSERT INTO search_index (rowid, text, account_id) "
            f"SELECT {f.code * SLOT} + {who}.rowid, substr({who}.{f.column}, 1, {INDEXED_CHARS}), "
            f"{account.replace('X.', who + '.')} WHERE coalesce({who}.{f.column}, '') <> '';")
    return "\n    ".join(out)


def _drop_rows(table: str, who: str) -> str:
    return "\n    ".join(
        f"DELETE FROM search_index WHERE rowid = {f.code * SLOT} + {who}.rowid;"
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
                f"SELECT {f.code * SLOT} + X.rowid, substr(X.{f.column}, 1, {INDEXED_CHARS}), "
                f"{account} FROM {table} X "
                f"WHERE coalesce(X.{f.column}, '') <> '';")
    return out


# Version 3's part: the index, its triggers, and the index built from what the book holds
# (nothing for a new book; every row for a book of version 2).
SEARCH_INDEX = _ddl() + "\n".join(fill_sql()) + "\n"


def rebuild(db: sqlite_utils.Database) -> None:
    """Build the index again from the tables (the caller holds the transaction)."""
    for statement in fill_sql():
        db.execute(statement)


# A write of this many rows into one table keeps the index in step set-based (`bulk_write`).
BULK_ROWS = 1_000


@contextlib.contextmanager
def bulk_write(conn: sqlite3.Connection, table: str, rows: int) -> Iterator[None]:
    """For a bulk write of `table`'s rows inside the caller's write transaction (an import,
    the demo): the table's search triggers are dropped while the rows go in, then its index
    rows are brought in step set-based (`reconcile`) and the triggers are back - all in the
    same transaction. A trigger writing the FTS5 table row by row makes FTS5 flush its
    pending words on every statement (a segment a row, merged again and again): eight times
    the cost, doubling a whole-book import."""
    if rows < BULK_ROWS or not _fields_of(table):
        yield
        return
    with triggers.paused(conn, [f"search_{table}_{op}" for op in ("insert", "update",
                                                                  "delete")]) as did:
        yield
    if did:
        reconcile(conn, table)


def reconcile(conn: sqlite3.Connection, table: str) -> None:
    """Bring `table`'s index rows in step with the table, set-based: drop the rows of source
    rows gone or changed (text or account), add the missing."""
    account = next(a for t, _k, a, _c in _SOURCES if t == table)
    for f in _fields_of(table):
        base = f.code * SLOT
        conn.execute(
            f"DELETE FROM search_index WHERE rowid IN ("
            f"SELECT s.rowid FROM search_index s LEFT JOIN {table} X ON X.rowid = s.rowid - {base} "
            f"WHERE s.rowid >= {base} AND s.rowid < {base + SLOT} AND (X.rowid IS NULL "
            f"OR coalesce(X.{f.column}, '') = '' "
            f"OR substr(X.{f.column}, 1, {INDEXED_CHARS}) IS NOT s.text "
            f"OR {account} IS NOT s.account_id))")
        conn.execute(
            f"INSERT INTO search_index (rowid, text, account_id) "
            f"SELECT {base} + X.rowid, substr(X.{f.column}, 1, {INDEXED_CHARS}), {account} "
            f"FROM {table} X "
            f"WHERE coalesce(X.{f.column}, '') <> '' AND NOT EXISTS "
            f"(SELECT 1 FROM search_index s WHERE s.rowid = {base} + X.rowid)")


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
    # A broad query: rank only its first RANK_AT_MOST matches in rowid order (cheap to find:
    # no positions, no bm25), the weightiest fields and the newest rows.
    edge = db.execute("SELECT rowid FROM search_index WHERE search_index MATCH ? "
                      "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                      (match, RANK_AT_MOST - 1)).fetchone()
    rows = db.execute(
        f"""SELECT h.rowid, h.account_id, a.name, h.snippet, h.rank
        FROM (SELECT rowid, account_id, rank,
                     snippet(search_index, 0, ?, ?, '…', ?) AS snippet
              FROM search_index WHERE search_index MATCH ? AND rowid >= ?
              ORDER BY rank LIMIT ?) h
        JOIN accounts a ON a.account_id = h.account_id
        ORDER BY h.rank, h.rowid DESC""",
        (MARK_START, MARK_END, snippet_tokens, match, edge[0] if edge else 0,
         limit)).fetchall()
    alive = _alive(db, [rowid for rowid, *_ in rows])
    out = []
    for rowid, account_id, name, snippet, rank in rows:
        field, row_id = FIELDS.get(rowid // SLOT), rowid % SLOT
        if field is None or (field.table, row_id) not in alive:
            continue
        out.append(Hit(account_id=account_id, name=name, kind=field.kind, table=field.table,
                       field=field.column, row_id=row_id, snippet=snippet, rank=rank))
    return out


def _alive(db: sqlite_utils.Database, rowids: list[int]) -> set[tuple[str, int]]:
    """Which hits' rows are still in their tables. A row replaced by `INSERT OR REPLACE`
    (a save plan saved again) is deleted without its delete trigger firing, so its words
    may outlive it in the index: such hits are left out."""
    by_table: dict[str, set[int]] = {}
    for rowid in rowids:
        field = FIELDS.get(rowid // SLOT)
        if field is not None:
            by_table.setdefault(field.table, set()).add(rowid % SLOT)
    alive = set()
    for table, ids in by_table.items():
        marks = ", ".join("?" * len(ids))
        alive.update((table, rowid) for (rowid,) in db.execute(
            f"SELECT rowid FROM {table} WHERE rowid IN ({marks})", list(ids)))
    return alive
