"""Import CSV files, folders of them and JSON books into the book (DATA_AND_CLI.md "Import files").

The rules, in the order this module applies them:

1. Read every source: a CSV file is named by its table (`accounts.csv`, `hubspot-contacts.csv`),
   a folder holds such files, a JSON book holds tables as lists of objects. UTF-8, a BOM is fine;
   Salesforce report footers are skipped.
2. Map each header to our column (`csdesk.core.parse` aliases), read dates and money with the one
   parser, and validate every row through the core pydantic model. A row naming an account that
   is neither in the book nor in this import is refused.
3. Every refused row is reported as `file:line: column: reason` - all of them - and nothing is
   written (`ImportRefused`).
4. Otherwise rows are matched to the book on their natural keys (`Table.key`): new rows are
   inserted, changed rows updated (only the columns the file has), equal rows left alone, so
   importing the same files twice changes nothing. Two rows with one key in one import: the later
   wins, and the report says so.
5. One transaction writes everything (`executemany`, no per-row reads); new accounts get their
   onboarding milestones (§7).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import io
import itertools
import json
import operator
import re
import sqlite3
import types
import typing
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from pydantic import BaseModel, TypeAdapter, ValidationError

from csdesk.core import models as m
from csdesk.core.config import Rules
from csdesk.core.onboarding import new_milestones
from csdesk.core.parse import (
    ParseError,
    header_lookup,
    normalise_choice,
    normalise_header,
    parse_date,
    parse_datetime,
    parse_money,
)
from csdesk.store.queries import gc_paused
from csdesk.store.writes import page_cache, transaction

# --- the tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One table of the book as the importer and the exporter see it."""

    name: str
    model: type[BaseModel]
    columns: tuple[str, ...]  # stored columns, in the order export writes them
    key: tuple[str, ...]  # the natural key (DATA_AND_CLI.md "Rules")
    conflict: str | None  # the SQL conflict target matching the unique index; None: insert only


def _t(name, model, columns, key, conflict="") -> Table:
    return Table(name, model, tuple(columns.split()), tuple(key.split()),
                 None if conflict is None else (conflict or ", ".join(key.split())))


# In dependency order: accounts first, everything else names an account.
TABLES: dict[str, Table] = {t.name: t for t in (
    _t("accounts", m.Account, "account_id name arr contract_start renewal_date seats_licensed "
       "term_months industry owner status", "account_id"),
    _t("contacts", m.Contact, "account_id name contact_id title email role status departed_on "
       "sentiment success_definition", "account_id email",
       "account_id, coalesce(lower(email), '~' || lower(name))"),
    _t("usage", m.Usage, "account_id date active_users logins", "account_id date"),
    _t("tickets", m.Ticket, "ticket_id account_id opened_on closed_on severity csat", "ticket_id"),
    _t("nps", m.Nps, "account_id date score contact comment", "account_id date contact",
       "account_id, date, coalesce(contact, '')"),
    _t("touchpoints", m.Touchpoint, "account_id date kind status summary flags",
       "account_id date kind summary", "account_id, date, kind, coalesce(summary, '')"),
    _t("goals", m.Goal, "account_id goal target_date status roi_note", "account_id goal"),
    _t("renewals", m.Renewal, "account_id date outcome previous_arr new_arr reason preventable "
       "competitor", "account_id date"),
    _t("notes", m.Note, "account_id created_at text", "account_id created_at text", None),
    _t("milestones", m.MilestoneRecord, "account_id milestone due done_on",
       "account_id milestone"),
    _t("milestone_items", m.MilestoneItem, "account_id milestone item done_on",
       "account_id milestone item"),
    _t("score_snapshots", m.Snapshot, "account_id date score band coverage dimensions",
       "account_id date"),
    _t("save_plans", m.SavePlan, "account_id trigger trigger_date root_cause executive_alignment "
       "remediation_actions success_criteria_30 success_criteria_60 success_criteria_90 "
       "checkpoint_date created_at", "account_id trigger trigger_date"),
)}

IMPORT_TABLES = ("accounts", "contacts", "usage", "tickets", "nps", "touchpoints", "goals",
                 "renewals")
MONEY_COLUMNS = frozenset({"arr", "previous_arr", "new_arr"})
# Kept exactly as given (a note is the CSM's own words); other text cells lose outer spaces.
VERBATIM_COLUMNS = frozenset({"text"})
SYNONYMS = {  # enum spellings other tools use
    "severity": {"medium": "normal", "urgent": "critical", "p1": "critical", "p2": "high",
                 "p3": "normal", "p4": "low"},
}


def _ascii_lower(text: str) -> str:
    # SQLite's lower() folds ASCII only; the Python side of a key must fold the same way.
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


_COALESCED = frozenset({"contact", "summary"})  # key columns SQL compares as coalesce(x, '')


def _contact_key_function():
    """A stored contact's natural key (column order of its table), as SQL compares it: the
    account and the email, else the name, folded like SQLite's lower()."""
    c = TABLES["contacts"].columns
    e, n = c.index("email"), c.index("name")
    return lambda row: (row[0], _ascii_lower(row[e]) if row[e] is not None
                        else "~" + _ascii_lower(row[n]))


_contact_key = _contact_key_function()
_NULL_AS_EMPTY = {None: ""}


def _keys_of(table: Table, rows: list[tuple]) -> list[tuple]:
    """The natural keys of stored rows (column order of `table.columns`), as SQL compares
    them, column by column."""
    if table.name == "contacts":
        return list(map(_contact_key, rows))
    return _keys_by_column(table, lambda name: list(map(
        operator.itemgetter(table.columns.index(name)), rows)))


def _keys_by_column(table: Table, column_of) -> list[tuple]:
    """The natural keys of rows given column by column (`column_of(name)`: a column's values);
    not for contacts, whose key is not a plain tuple of columns."""
    columns = []
    for name in table.key:
        column = column_of(name)
        if name in _COALESCED:
            column = list(map(_NULL_AS_EMPTY.get, column, column))
        columns.append(column)
    return list(zip(*columns))


def _kind(annotation) -> str:
    """What a model field holds, as the cell reader needs to know it."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if annotation is dt.datetime:
        return "datetime"
    if annotation is dt.date:
        return "date"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "float"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice"
    if typing.get_origin(annotation) is tuple and typing.get_args(annotation)[0] is m.Flag:
        return "flags"
    if annotation is str:
        return "text"
    return "object"


def _choices(annotation) -> dict[str, str]:
    """An enum column's values by their normalised spelling (`On Track` finds `on_track`)."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return {normalise_choice(v.value): v.value for v in arg}
        if typing.get_origin(arg) is tuple:
            return _choices(typing.get_args(arg)[0])
    return {}


CHOICES: dict[tuple[str, str], dict[str, str]] = {
    (t.name, c): _choices(t.model.model_fields[c].annotation)
    for t in TABLES.values() for c in t.columns
}

assert all(tuple(t.model.model_fields) == t.columns for t in TABLES.values())

KINDS: dict[str, dict[str, str]] = {
    t.name: {c: ("money" if c in MONEY_COLUMNS else _kind(t.model.model_fields[c].annotation))
             for c in t.columns}
    for t in TABLES.values()
}


def db_value(value):
    """A model attribute as the book stores it (ISO dates, enum values, `;`-joined flags)."""
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, tuple):
        if all(isinstance(v, enum.Enum) for v in value):
            return ";".join(v.value for v in value)
        return json.dumps([{"action": a.action, "owner": a.owner, "due": a.due.isoformat()}
                           for a in value])
    raise TypeError(f"cannot store {type(value).__name__}")


# --- reading sources ----------------------------------------------------------------------------


@dataclass
class Problem:
    source: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.column}: {self.reason}"


class ImportRefused(Exception):
    """Some rows were refused; nothing was written. `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Source:
    """Rows of one table from one file (or one JSON book's list).

    `rows` are (physical line, cells in header order; may be short). A plain CSV file (see
    `_read_plain_csv`) keeps its body as text and splits it when the importer reads the
    table: a 10,000-account book's files split all at once would take a few hundred MB.
    """

    def __init__(self, label: str, table: str, headers: list[str],
                 rows: list[tuple[int, list]] | None = None, *,
                 body: tuple[str, str, int, dict[int, list[str]]] | None = None) -> None:
        self.label = label  # the file as the user named it
        self.table = table
        self.headers = headers  # as written in the file
        self._rows = rows
        self.text_only = False  # every cell a string or missing (a CSV file's)
        # A plain CSV file's body: (text, line end, rows, the cells of the rows with quotes by
        # row index); row i is on line i + 2, every row exactly as wide as the header.
        self._body = body

    def __len__(self) -> int:
        return self._body[2] if self._rows is None else len(self._rows)

    @property
    def rows(self) -> list[tuple[int, list]]:
        if self._rows is None:
            self._rows = list(zip(self.line_numbers(), self._split()))
        return self._rows

    def line_numbers(self) -> Iterable[int]:
        if self._rows is None:
            return range(2, len(self) + 2)
        return [line for line, _ in self._rows]

    def columns(self) -> list[Iterable] | None:
        """Every cell column by column, when every row is as wide as the header (else None)."""
        width = len(self.headers)
        if self._rows is None:
            # Every cell of the body in one split, a column every width-th; the rows with
            # quotes (read on their own) split as empty cells, then put in.
            text, newline, n, quoted = self._body
            if quoted:
                lines = text.split(newline)
                for i in quoted:
                    lines[i] = "," * (width - 1)
                text = newline.join(lines)
                del lines
            cells = text.replace(newline, ",").split(",") if n else []
            columns = [cells[i::width] for i in range(width)]
            for i, row in quoted.items():
                for column, cell in zip(columns, row):
                    column[i] = cell
            return columns
        rows = [cells for _, cells in self._rows]
        if not rows:
            return [() for _ in self.headers]
        if set(map(len, rows)) != {width}:
            return None
        return list(zip(*rows))

    def _split(self) -> list[list[str]]:
        """A plain file's body rows' cells."""
        text, newline, n, quoted = self._body
        rows = list(map(_split_line, text.split(newline))) if n else []
        for i, cells in quoted.items():
            rows[i] = cells
        return rows

    def release(self) -> None:
        """Let the rows go, once read; the source is empty after."""
        self._rows, self._body = [], None

    def cell(self, cells: list, header: str):
        i = self.headers.index(header)
        return cells[i] if i < len(cells) else None


_split_line = operator.methodcaller("split", ",")


_TABLE_WORDS = {**{t: t for t in TABLES}, "account": "accounts", "contact": "contacts",
                "ticket": "tickets", "touchpoint": "touchpoints", "goal": "goals",
                "renewal": "renewals", "note": "notes", "snapshots": "score_snapshots"}
_FOOTER = re.compile(r"^\s*(grand totals?\b|total\b|confidential|copyright|\(c\)|©|generated by"
                     r"|filtered by|salesforce)", re.IGNORECASE)


def table_for_file(path: Path) -> str | None:
    """The table a CSV file holds, by its name: `accounts.csv`, `Contacts.csv`,
    `hubspot-contacts-2026.csv`; None when the name names no table (or several)."""
    stem = path.stem.casefold()
    if stem in TABLES:
        return stem
    words = {w for w in re.split(r"[\s\-_.()]+", stem) if w}
    found = {_TABLE_WORDS[w] for w in words if w in _TABLE_WORDS}
    return found.pop() if len(found) == 1 else None


def read_sources(paths: Iterable[str | Path], problems: list[Problem],
                 notes: list[str]) -> list[Source]:
    sources: list[Source] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
            if not files:
                problems.append(Problem(str(given), 0, "folder", "no .csv or .json files"))
            for p in files:
                if p.suffix.lower() == ".csv" and table_for_file(p) is None:
                    notes.append(f"skipped {p}: its name names no table")
                    continue
                sources += _read_file(p, str(p), problems, notes)
        elif not path.exists():
            problems.append(Problem(str(given), 0, "file", "no such file or folder"))
        else:
            sources += _read_file(path, str(given), problems, notes)
    return sources


def _read_text(path: Path, label: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        problems.append(Problem(label, line, "file", "not UTF-8 text (save it as CSV UTF-8)"))
    except OSError as exc:
        problems.append(Problem(label, 0, "file", f"cannot read ({exc.strerror})"))
    return None


def _read_file(path: Path, label: str, problems: list[Problem], notes: list[str]) -> list[Source]:
    if path.suffix.lower() == ".json":
        return read_json_book(path, label, problems, notes)
    table = table_for_file(path)
    if table is None:
        problems.append(Problem(label, 0, "file", "the file name names no table (expected "
                                + ", ".join(f"{t}.csv" for t in IMPORT_TABLES) + ")"))
        return []
    text = _read_text(path, label, problems)
    return [] if text is None else [read_csv(text, label, table, problems)]


def read_csv(text: str, label: str, table: str, problems: list[Problem]) -> Source:
    """A CSV file's header and rows with their physical line numbers (header = line 1).

    Blank rows are skipped; so are the footer lines of a Salesforce report (after a blank line:
    `Grand Totals (N records)`, a confidentiality line, a copyright line).
    """
    plain = _read_plain_csv(text, label, table)
    if plain is not None:
        plain.text_only = True
        return plain
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows: list[tuple[int, list[str]]] = []
    try:
        # Exports repeat the same ids, days and counts thousands of times: one string each
        # (a third of the memory a book's rows take).
        memo: dict[str, str] = {}
        same = memo.setdefault
        everything = [[same(c, c) for c in cells] for cells in reader]
        del memo
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        if len(everything) == lines:  # no cell spans lines: row i is on line i
            rows = list(enumerate(everything, 1))
        else:
            reader = csv.reader(io.StringIO(text, newline=""), strict=False)
            line = 1
            for cells in reader:
                rows.append((line, cells))
                line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, "file", f"not readable as CSV ({exc})"))
    if not rows:
        problems.append(Problem(label, 1, "file", "empty: expected a header row"))
        return Source(label, table, [], [])
    (_, headers), body = rows[0], rows[1:]
    while body and _is_footer(body[-1][1]):
        body.pop()
    width = len(headers)
    out = []
    for row in body:
        cells = row[1]
        if len(cells) != width:
            if not "".join(cells).strip():
                continue
            if len(cells) > width and "".join(cells[width:]).strip():
                problems.append(Problem(label, row[0], "row",
                                        f"{len(cells)} cells but {width} headers"))
                continue
        elif not cells[0].strip() and not "".join(cells).strip():
            continue
        out.append(row)
    source = Source(label, table, headers, out)
    source.text_only = True
    return source


_BLANK_FIRST_CELL = re.compile(r"\n[^\S\n]*(?:,|\n|$)")  # at a line end: the next line's


_FIELD = r'(?:[^,"]*|"(?:[^"]|"")*")'
_QUOTED_LINE = re.compile(f"{_FIELD}(?:,{_FIELD})*")  # every quote where the csv module wants it


def _read_plain_csv(text: str, label: str, table: str) -> Source | None:
    """A CSV file that needs no CSV reader for most of its lines, or None.

    Plain: one kind of line end; every line with a quote well-formed on its own (no cell spans
    lines; those lines are read by the csv module); every body row exactly as wide as the
    header; none starting with a blank cell (so none blank). Such a file reads the same split
    on commas, row i on line i + 1, as the csv module reads it; the lines without quotes are
    split when the importer reads the table (`Source`).
    """
    if "\0" in text:
        return None
    newline = "\n"
    if "\r" in text:  # Windows line ends (Excel's, the csv module's): all of them, or no
        if not text.count("\r") == text.count("\n") == text.count("\r\n"):
            return None
        newline = "\r\n"
    lines = text.split(newline)
    if lines[-1] == "":
        lines.pop()
    if not lines or not lines[0]:
        return None
    quoted: dict[int, list[str]] = {}
    if '"' in text:
        for i in [i for i, line in enumerate(lines) if '"' in line]:
            if not _QUOTED_LINE.fullmatch(lines[i]):
                return None
            quoted[i] = next(csv.reader((lines[i],), strict=False))
    headers = quoted.pop(0, None) or lines[0].split(",")
    quoted = {i - 1: cells for i, cells in quoted.items()}  # by body row
    body = lines[1:]
    width = len(headers) - 1
    counts = list(map(str.count, body, itertools.repeat(",")))
    for i, cells in quoted.items():
        if not cells[0].strip():
            return None
        counts[i] = len(cells) - 1
    if body and set(counts) != {width}:
        return None
    end = len(text) - 1 if text.endswith("\n") else len(text)
    if _BLANK_FIRST_CELL.search(text, text.find("\n"), end):
        return None
    while body and _is_footer(quoted.get(len(body) - 1) or body[-1].split(",")):
        quoted.pop(len(body) - 1, None)
        body.pop()
    n = len(body)
    start = len(lines[0]) + len(newline)
    stop = start + sum(map(len, body)) + len(newline) * (n - 1)
    del body, lines
    return Source(label, table, headers,
                  body=(text[start:stop] if n else "", newline, n, quoted))


def _is_footer(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return not filled or (len(filled) == 1 and bool(_FOOTER.match(filled[0])))


_WS = re.compile(r"\s*")


class _NotABook(Exception):
    """The file is not a JSON object (of tables): `read_json_book` says what is wrong."""


def read_json_book(path: Path, label: str, problems: list[Problem], notes: list[str], *,
                   piece: int = 1 << 20) -> list[Source]:
    """The tables of a JSON book, each row with the line its object starts on.

    The file is read `piece` characters at a time and each row kept as its cells, never the
    whole text or the whole book as objects (a 10,000-account book is a 100 MB file and half a
    GB of objects). A file that is not a JSON object is refused with JSON's own message and
    line.
    """
    found: list[Problem] = []
    ignored: list[str] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            sources = _scan_json_book(_JsonScan(stream, piece), label, found, ignored)
    except OSError as exc:
        problems.append(Problem(label, 0, "file", f"cannot read ({exc.strerror})"))
        return []
    except (_NotABook, ValueError, IndexError):  # JSONDecodeError, UnicodeDecodeError too
        # Not a book: read it whole to say why (not UTF-8, not JSON, or not an object).
        text = _read_text(path, label, problems)
        if text is not None:
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(Problem(label, exc.lineno, "file",
                                        f"not valid JSON ({exc.msg})"))
            else:
                problems.append(Problem(label, 1, "file", "a JSON book is an object of tables"))
        return []
    problems += found
    notes += ignored
    return sources


class _JsonScan:
    """A JSON text read from a stream a piece at a time, a value at a time.

    `text` holds the part of the file not yet consumed; positions are into it, and each call
    that may read more returns the position again (the consumed part is dropped). Raises
    `_NotABook`, a ValueError or an IndexError (the file ends too soon) where the text is not
    JSON: `read_json_book` then reads it whole to say what is wrong.
    """

    def __init__(self, stream, piece: int) -> None:
        self.stream = stream
        self.piece = piece
        # A value is decoded with this much text after its start at least (or all the rest);
        # should that not hold all of it, twice as much, and so on.
        self.lookahead = min(piece, 1 << 16)
        self.text = ""
        self.eof = False
        self.decode = json.JSONDecoder().raw_decode
        self.line, self.counted = 1, 0  # the line at position `counted`

    def line_at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def ensure(self, pos: int, want: int) -> int:
        """At least `want` characters of text from `pos` on (or all that is left)."""
        while len(self.text) - pos < want and not self.eof:
            chunk = self.stream.read(max(self.piece, want))
            self.eof = not chunk
            self.line_at(pos)
            self.text = self.text[pos:] + chunk
            pos = self.counted = 0
        return pos

    def skip(self, pos: int) -> int:
        """The position of the next character that is not whitespace."""
        while True:
            pos = _WS.match(self.text, pos).end()
            if pos < len(self.text) or self.eof:
                return pos
            pos = self.ensure(pos, 1)

    def past(self, pos: int, *chars: str) -> tuple[str, int]:
        """The next character after whitespace (one of `chars`, else not a book) and the
        position of what comes after it."""
        pos = self.skip(pos)
        char = self.text[pos]
        if char not in chars:
            raise _NotABook
        return char, self.skip(pos + 1)

    def value(self, pos: int) -> tuple[object, int]:
        """The JSON value at `pos` (no whitespace before it) and the position after it."""
        want = self.lookahead
        while True:
            pos = self.ensure(pos, want)
            try:
                value, end = self.decode(self.text, pos)
            except ValueError:
                if self.eof:
                    raise
            else:
                # A number near the end of what is read may go on ("-0" of "-0.5e+3"): it is
                # whole once the three characters its next part may need ("e+3") are seen.
                if len(self.text) - end >= 3 or self.eof:
                    return value, end
            want *= 2

    def rows(self, pos: int) -> tuple[list[tuple[int, list]], list[str], list[int], int]:
        """The list at `pos`: its objects as (line, cells in key order), the keys in order of
        first appearance, the lines of the items that are not objects, and the position
        after the list."""
        rows: list[tuple[int, list]] = []
        order: list[str] = []
        known: dict[str, None] = {}
        bad: list[int] = []
        same = {}.setdefault  # the same ids, days and kinds thousands of times: one string each
        _, pos = self.past(pos, "[")
        end = "]" if self.text[pos] == "]" else ","
        if end == "]":
            pos += 1
        while end == ",":
            line = self.line_at(pos)
            item, pos = self.value(pos)
            if type(item) is dict:
                if not known.keys() >= item.keys():
                    for key in item:
                        if key not in known:
                            known[key] = None
                            order.append(key)
                rows.append((line, [same(v, v) if type(v) is str else v
                                    for v in map(item.get, order)]))
            else:
                bad.append(line)
            end, pos = self.past(pos, ",", "]")
        width = len(order)
        for _, cells in rows:  # read before a later row brought a new key
            if len(cells) < width:
                cells += [None] * (width - len(cells))
        return rows, order, bad, pos


def _scan_json_book(scan: _JsonScan, label: str, problems: list[Problem],
                    notes: list[str]) -> list[Source]:
    sources: list[Source] = []
    _, pos = scan.past(0, "{")
    end = "}" if scan.text[pos] == "}" else ","
    if end == "}":
        pos += 1
    while end == ",":
        key, pos = scan.value(pos)
        if type(key) is not str:
            raise _NotABook
        _, pos = scan.past(pos, ":")
        if scan.text[pos] != "[":
            _, pos = scan.value(pos)  # metadata such as "format": "csdesk book"
        else:
            rows, headers, bad, pos = scan.rows(pos)
            name = key.strip().casefold()
            if name not in TABLES:
                notes.append(f"{label}: ignored {key!r} (not a table of the book)")
            else:
                problems += [Problem(label, line, name, "expected an object (a row)")
                             for line in bad]
                sources.append(Source(label, name, headers, rows))
        end, pos = scan.past(pos, ",", "}")
    if scan.skip(pos) != len(scan.text):
        raise _NotABook
    return sources


# --- turning cells into model rows --------------------------------------------------------------


# A read row: (source, line, stored values in `Table.columns` order, the columns the source
# gave a value for). A plain tuple: the importer makes hundreds of thousands of them.
Row = tuple[str, int, tuple, frozenset]


@dataclass
class _Batch:
    """One source's rows for a table empty in the book, as the column-wise pass reads them:
    their stored values and natural keys; `rows()` makes them read rows (`Row`)."""

    label: str
    lines: Iterable[int]
    values: list[tuple]
    keys: list[tuple]
    given: frozenset

    def rows(self) -> list[Row]:
        return list(zip(itertools.repeat(self.label), self.lines, self.values,
                        itertools.repeat(self.given)))


def _rows(parts: list) -> list[Row]:
    """Read rows of a table, whichever way each source was read."""
    return [row for part in parts for row in (part.rows() if isinstance(part, _Batch) else part)]


_EMPTY = object()  # a cell with nothing in it: the column is not given
_BAD = object()  # a cell that cannot be read; the row is read again, carefully, to say why


def _converter(kind: str, column: str, choices: dict[str, str], dayfirst: bool):
    """A fast reader for one column's cells (the importer's hot loop; see `_cell`)."""
    def slow(raw):
        if isinstance(raw, str) and not raw.strip():
            return _EMPTY
        return _cell(kind, column, raw, dayfirst, choices)

    if kind in ("date", "money", "choice"):
        cache: dict = {}  # exports repeat the same days, amounts and choices many times

        def cached(raw):
            try:
                return cache[raw]
            except (KeyError, TypeError):
                pass
            value = slow(raw)
            if type(raw) is str:
                cache[raw] = value
            return value
        return cached
    if kind == "int":
        def integer(raw):
            if type(raw) is str:
                try:
                    return int(raw)
                except ValueError:
                    pass
            return slow(raw)
        return integer
    if kind == "text" and column not in VERBATIM_COLUMNS:
        def text(raw):
            if type(raw) is str:
                return raw.strip() or _EMPTY
            return slow(raw)
        return text
    return slow


def _storer(kind: str):
    """How a validated attribute becomes a stored value (None: as it is)."""
    return {"date": dt.date.isoformat, "datetime": dt.datetime.isoformat,
            "choice": lambda v: v.value, "flags": db_value, "bool": int,
            "object": db_value}.get(kind)


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$")
_WHOLE = re.compile(r"^-?\d+\.0*$")


def _cell(kind: str, column: str, value, dayfirst: bool, choices: dict[str, str] | None = None):
    """One cell as the model wants it; raises ParseError with a reason for a person."""
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return parse_date(value, dayfirst=dayfirst)
        raise ParseError(f"not a date: {value!r}")
    if kind == "money":
        return parse_money(value)
    if kind == "text":
        if isinstance(value, bool):
            raise ParseError(f"expected text, got {value!r}")
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, str):
            return value if column in VERBATIM_COLUMNS else value.strip()
        raise ParseError(f"expected text, got {type(value).__name__}")
    if kind == "int":
        if isinstance(value, str):
            value = value.strip()
            if _THOUSANDS.match(value):
                value = value.replace(",", "")
            elif _WHOLE.match(value):
                value = value.split(".")[0]
        return value
    if kind == "choice":
        if isinstance(value, str):
            spelled = normalise_choice(value)
            spelled = SYNONYMS.get(column, {}).get(spelled, spelled)
            return (choices or {}).get(spelled, value.strip())
        return value
    if kind == "flags":
        if isinstance(value, str):
            parts = re.split(r"[;,|]", value)
        elif isinstance(value, (list, tuple)):
            parts = value
        else:
            raise ParseError(f"expected flags separated by ';', got {value!r}")
        return tuple((choices or {}).get(normalise_choice(p), p.strip()) if isinstance(p, str)
                     else p for p in parts if not isinstance(p, str) or p.strip())
    if kind == "bool" and isinstance(value, str):
        return value.strip().casefold()
    if kind == "datetime" and isinstance(value, str):
        return parse_datetime(value, dayfirst=dayfirst)
    if kind == "object" and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ParseError(f"not valid JSON: {value[:40]!r}") from None
    return value


@functools.lru_cache(maxsize=None)
def _field_validator(table: str, column: str):
    """One model field's own validation (its type and constraints), as the model runs it."""
    info = TABLES[table].model.model_fields[column]
    annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata \
        else info.annotation
    return TypeAdapter(annotation).validate_python


@functools.lru_cache(maxsize=None)
def _stored_default(table: str, column: str):
    """A column's default as the book stores it (what the model fills in for a missing cell)."""
    return db_value(TABLES[table].model.model_fields[column].get_default(
        call_default_factory=True))


_PLAIN_TEXT = (str, str | None, typing.Optional[str])


def _any_text(metadata: list) -> bool:
    """Whether every non-empty string meets these field constraints (none, or `min_length=1`)."""
    return all(type(c).__name__ == "MinLen" and c.min_length <= 1 for c in metadata)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Reader:
    """Reads every source into validated rows, collecting problems instead of stopping."""

    def __init__(self, db: sqlite_utils.Database, dayfirst: bool) -> None:
        self.db = db
        self.dayfirst = dayfirst
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.book_names: dict[str, list[str]] = defaultdict(list)
        self.known_ids: set[str] = set()
        # Tables with no rows in the book: which cells a row leaves empty does not matter
        # there (nothing stored to keep), so the column-wise pass does not track them.
        self.fresh = {name for name in TABLES
                      if db.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None}
        for account_id, name in db.execute("SELECT account_id, name FROM accounts"):
            self.known_ids.add(account_id)
            self.book_names[name.casefold()].append(account_id)

    def learn_accounts(self, sources: list[Source]) -> None:
        """Ids and names of the accounts this import brings (for unknown-account checks and
        contacts that name their account), read before any other table."""
        imported: dict[str, str] = {}
        for src in sources:
            if src.table != "accounts":
                continue
            lookup = header_lookup("accounts", TABLES["accounts"].columns)
            id_h = next((h for h in src.headers if lookup.get(_n(h)) == "account_id"), None)
            name_h = next((h for h in src.headers if lookup.get(_n(h)) == "name"), None)
            columns = src.columns()

            def column(header: str | None) -> Iterable:
                if header is None:
                    return itertools.repeat(None, len(src))
                at = src.headers.index(header)
                if columns is not None:
                    return columns[at]
                return [cells[at] if at < len(cells) else None for _, cells in src.rows]

            for account_id, name in zip(column(id_h), column(name_h)):
                if _empty(account_id):
                    continue
                account_id = _cell("text", "account_id", account_id, False)
                self.known_ids.add(account_id)
                if isinstance(name, str) and name.strip():
                    imported[account_id] = name.strip()
        name_of = {account_id: key for key, ids in self.book_names.items() for account_id in ids}
        name_of.update((account_id, name.casefold()) for account_id, name in imported.items())
        names = defaultdict(list)
        for account_id, key in name_of.items():
            names[key].append(account_id)
        self.names = {k: sorted(v) for k, v in names.items()}

    def read(self, src: Source) -> list[Row] | _Batch:
        table = TABLES[src.table]
        lookup = header_lookup(src.table, table.columns)
        kinds = KINDS[src.table]
        columns: dict[str, str] = {}  # our column -> header as written
        ignored = []
        for header in src.headers:
            column = lookup.get(_n(header))
            if column is None:
                ignored.append(header)
            elif column in columns:
                self.problems.append(Problem(src.label, 1, header, (
                    f"{header!r} and {columns[column]!r} both mean {column}; keep one")))
            else:
                columns[column] = header
        if ignored:
            self.notes.append(f"{src.label}: ignored columns {', '.join(map(repr, ignored))}")
        present = set(columns)
        if src.table == "contacts":
            if "first_name" in columns or "last_name" in columns:
                present.add("name")
            if "account_name" in columns:
                present.add("account_id")
        fields = table.model.model_fields
        required = [c for c, f in fields.items() if f.is_required() and c in table.columns]
        # Required but may be null (a snapshot's score): an empty cell is the null.
        nullable = {c: None for c in required if c in columns
                    and type(None) in typing.get_args(fields[c].annotation)}
        missing = [c for c in required if c not in present]
        if missing and len(src):
            for c in missing:
                self.problems.append(Problem(src.label, 1, c, "no such column in the header"))
            return []

        out: list[Row] = []
        plain = [(c, h, kinds[c], CHOICES[src.table, c]) for c, h in columns.items()
                 if c in kinds]
        names = tuple(c for c, *_ in plain)
        fast_read = None
        extras = src.table == "contacts" and bool(
            {"first_name", "last_name", "account_name"} & set(columns))
        if not extras and not nullable:
            fast_read = self._fast(src, table, plain)
        if fast_read is not None:
            out, slow = fast_read
            if not slow:
                return out
            # Rows the column-wise pass could not vouch for are read row by row below, which
            # says what is wrong (or, should one pass after all, keeps it in file order).
            at = [i for i, _ in slow]
            body = [row for _, row in slow]
            fast_out = out
            fast_index = self._fast_index
            out = []
        else:
            body = src.rows
        # Column by column: each distinct cell text is read once (exports repeat the same
        # days, ids and counts thousands of times), then rows are zipped back together.
        converted = [self._column(body, src.headers.index(h),
                                  _converter(k, c, ch, self.dayfirst))
                     for c, h, k, ch in plain]
        conversions = [(i, _storer(kinds[c])) for i, c in enumerate(table.columns)
                       if _storer(kinds[c]) is not None]
        everything = frozenset(names) | frozenset(nullable)
        validate = table.model.__pydantic_validator__.validate_python
        known = self.known_ids
        label = src.label
        has_account = "account_id" in names
        # The happy path first, row by row: a row whose cells all read (empty ones left out,
        # as `_row` leaves them out), naming a known account, that the model accepts. Anything
        # else is read again by `_row`, which says what is wrong.
        fast = src.table != "contacts"
        rows = zip(body, zip(*converted) if converted else ((),) * len(body))
        for (line, cells), cells_read in rows:
            if fast and _BAD not in cells_read:
                if _EMPTY in cells_read:
                    values = {c: v for c, v in zip(names, cells_read) if v is not _EMPTY}
                    given = None
                else:
                    values = dict(zip(names, cells_read))
                    given = everything
                if nullable:
                    values = nullable | values
                if not has_account or values.get("account_id") in known:
                    try:
                        record = validate(values)
                    except ValidationError:
                        pass
                    else:
                        stored = list(record.__dict__.values())
                        for i, store in conversions:
                            if stored[i] is not None:
                                stored[i] = store(stored[i])
                        if given is None:
                            given = (everything if len(values) == len(everything)
                                     else frozenset(values))
                        out.append((label, line, tuple(stored), given))
                        continue
            read = self._row(src, line, cells, cells_read, columns, plain, nullable, validate)
            if read is not None:
                values, record = read
                out.append((label, line, self._stored(record, conversions),
                            everything if len(values) == len(everything) else frozenset(values)))
        if fast_read is not None and out:  # merge back in file order
            lines = {row[0]: i for i, row in zip(at, body)}
            merged = [(i, row) for i, row in zip(fast_index, fast_out)]
            merged += [(lines[row[1]], row) for row in out]
            merged.sort(key=lambda pair: pair[0])
            out = [row for _, row in merged]
        elif fast_read is not None:
            out = fast_out
        return out

    def _fast(self, src: Source, table: Table, plain) -> tuple[list[Row], list] | None:
        """Column by column, each distinct cell text read *and validated* once.

        The models have no cross-field validators, so a row whose every cell passes its
        field's own validation (the same pydantic core schema the model uses) is a valid row.
        Returns the rows vouched for and the (index, row) pairs that must be read row by row;
        None when the source is not plain text (a JSON book's numbers and lists).
        """
        n = len(src)
        fields = table.model.model_fields
        known = self.known_ids
        stored_cols: dict[str, list] = {}
        slow_rows: set[int] = set()
        empties: dict[int, set[str]] = {}
        # Every row as wide as the header (a CSV file, usually): its columns in one transpose.
        transposed = src.columns()
        for column, header, kind, choices in plain:
            at = src.headers.index(header)
            raw = (transposed[at] if transposed is not None
                   else [cells[at] if at < len(cells) else None for _, cells in src.rows])
            try:
                distinct = set(raw)
            except TypeError:  # lists or objects in a JSON book
                return None
            if not src.text_only and not all(type(v) is str or v is None for v in distinct):
                return None
            read = _converter(kind, column, choices, self.dayfirst)
            check = _field_validator(table.name, column)
            store = _storer(kind)
            required = fields[column].is_required()
            default = None if required else _stored_default(table.name, column)
            mapping: dict = {}
            slow_texts: set = set()
            empty_texts: set = set()
            if kind == "text" and column not in VERBATIM_COLUMNS and None not in distinct \
                    and fields[column].annotation in _PLAIN_TEXT \
                    and _any_text(fields[column].metadata):
                # The field takes any (non-empty) string as it is: a cell is its text without
                # outer spaces, or not given (refused when the column is required).
                texts = list(distinct)
                mapping = dict(zip(texts, map(str.strip, texts)))
                blank = {t for t, value in mapping.items() if not value}
                if column == "account_id":
                    unknown = set(mapping.values()) - known - {""}
                    if unknown:
                        slow_texts = {t for t, value in mapping.items() if value in unknown}
                        mapping.update(dict.fromkeys(slow_texts))
                (slow_texts if required else empty_texts).update(blank)
                mapping.update(dict.fromkeys(blank, default))
                distinct = ()
            for text in distinct:
                value = _EMPTY if text is None or text == "" else None
                if value is None:
                    try:
                        value = read(text)
                    except ParseError:
                        value = _BAD
                if value is _EMPTY:
                    (slow_texts if required else empty_texts).add(text)
                    mapping[text] = default
                    continue
                if value is _BAD or (column == "account_id" and value not in known):
                    slow_texts.add(text)
                    mapping[text] = None
                    continue
                try:
                    value = check(value)
                except ValidationError:
                    slow_texts.add(text)
                    mapping[text] = None
                    continue
                mapping[text] = store(value) if store is not None and value is not None \
                    else value
            stored_cols[column] = list(map(mapping.__getitem__, raw))
            if slow_texts:
                slow_rows.update(i for i, t in enumerate(raw) if t in slow_texts)
            if empty_texts and src.table not in self.fresh:
                for i, t in enumerate(raw):
                    if t in empty_texts:
                        empties.setdefault(i, set()).add(column)
        everything = frozenset(stored_cols)
        parts = [stored_cols[c] if c in stored_cols
                 else itertools.repeat(_stored_default(table.name, c), n)
                 for c in table.columns]
        label = src.label
        lines = src.line_numbers()
        givens: dict[frozenset, frozenset] = {}
        out: list[Row] = []
        index: list[int] = []
        if not slow_rows and src.table in self.fresh:  # the plan takes it column-wise
            values = list(zip(*parts))
            if table.name == "contacts":
                keys = list(map(_contact_key, values))
            else:
                keys = _keys_by_column(table, lambda c: stored_cols[c] if c in stored_cols
                                       else [_stored_default(table.name, c)] * n)
            return _Batch(label, lines, values, keys, everything), []
        if not slow_rows and not empties:
            out = list(zip(itertools.repeat(label), lines, zip(*parts),
                           itertools.repeat(everything)))
            index = range(n)
        else:
            for i, (line, values) in enumerate(zip(lines, zip(*parts))):
                if i in slow_rows:
                    continue
                gone = empties.get(i)
                if gone is None:
                    given = everything
                else:
                    key = frozenset(gone)
                    given = givens.get(key)
                    if given is None:
                        given = givens[key] = everything - key
                out.append((label, line, values, given))
                index.append(i)
        self._fast_index = index
        body = src.rows if slow_rows else []
        return out, [(i, body[i]) for i in sorted(slow_rows)]

    @staticmethod
    def _stored(record: BaseModel, conversions) -> tuple:
        stored = list(record.__dict__.values())  # model fields are in column order
        for i, store in conversions:
            if stored[i] is not None:
                stored[i] = store(stored[i])
        return tuple(stored)

    def _row(self, src, line, cells, cells_read, columns, plain, nullable, validate):
        """One row, carefully: its values and model, or None after noting every problem."""
        names = [c for c, *_ in plain]
        problems: list[Problem] = []
        if any(v is _BAD for v in cells_read):
            values, problems = self._careful(src, line, cells, plain, nullable)
        else:
            values = dict(nullable)
            values.update((c, v) for c, v in zip(names, cells_read) if v is not _EMPTY)
        if src.table == "contacts":
            self._contact_extras(src, line, cells, columns, values, problems)
        account_id = values.get("account_id")
        if type(account_id) is str and account_id not in self.known_ids and account_id:
            problems.append(Problem(src.label, line, columns.get("account_id", "account_id"),
                                    f"unknown account {account_id!r} (not in the book "
                                    "nor in this import)"))
        record = None
        labels = dict(columns)
        if "account_id" not in columns and "account_name" in columns:
            labels["account_id"] = columns["account_name"]
        try:
            record = validate(values)
        except ValidationError as exc:
            said = {p.column for p in problems}
            for err in exc.errors(include_url=False, include_context=False):
                column = str(err["loc"][0]) if err["loc"] else "row"
                header = labels.get(column, column)
                if header not in said:
                    problems.append(Problem(src.label, line, header, err["msg"]))
                    said.add(header)
        if problems:
            self.problems += problems
            return None
        return values, record

    @staticmethod
    def _column(body, at: int, read) -> list:
        """One column's cells read: values, `_EMPTY` for empty cells, `_BAD` for bad ones."""
        raw = [cells[at] if at < len(cells) else None for _, cells in body]
        try:
            distinct = set(raw)
        except TypeError:  # lists or objects in a JSON book
            distinct = None
        if distinct is not None and all(type(v) is str or v is None for v in distinct):
            table = {}
            for text in distinct:
                if text is None or text == "":
                    table[text] = _EMPTY
                    continue
                try:
                    table[text] = read(text)
                except ParseError:
                    table[text] = _BAD
            return list(map(table.__getitem__, raw))
        out = []
        for value in raw:
            if value is None or value == "":
                out.append(_EMPTY)
                continue
            try:
                out.append(read(value))
            except ParseError:
                out.append(_BAD)
        return out

    def _careful(self, src, line, cells, plain, nullable):
        """A row with a bad cell: read every cell, collecting each problem."""
        values: dict[str, object] = dict(nullable)
        problems: list[Problem] = []
        for column, header, kind, choices in plain:
            raw = src.cell(cells, header)
            if _empty(raw):
                continue
            try:
                values[column] = _cell(kind, column, raw, self.dayfirst, choices)
            except ParseError as exc:
                problems.append(Problem(src.label, line, header, str(exc)))
        return values, problems

    def _contact_extras(self, src, line, cells, columns, values, problems) -> None:
        """HubSpot and Salesforce shapes: First Name + Last Name, the account by its name."""
        if "name" not in values and ("first_name" in columns or "last_name" in columns):
            parts = [src.cell(cells, columns[c]) for c in ("first_name", "last_name")
                     if c in columns]
            name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
            if name:
                values["name"] = name
        if "account_id" not in values and "account_name" in columns:
            name = src.cell(cells, columns["account_name"])
            if isinstance(name, str) and name.strip():
                ids = self.names.get(name.strip().casefold(), [])
                if len(ids) == 1:
                    values["account_id"] = ids[0]
                elif not ids:
                    problems.append(Problem(src.label, line, columns["account_name"],
                                            f"unknown account {name.strip()!r} (not in the book "
                                            "nor in this import)"))
                else:
                    problems.append(Problem(src.label, line, columns["account_name"],
                                            f"{len(ids)} accounts are named {name.strip()!r}; "
                                            "give the account id"))


_n = normalise_header


# --- planning and writing -----------------------------------------------------------------------


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
                notes: list[str] | None = None) -> ImportPlan:
    """Read, validate and match every row; raise ImportRefused listing every refused row."""
    reader = _Reader(db, dayfirst)
    reader.problems += problems or []
    reader.notes += notes or []
    reader.learn_accounts(sources)
    by_table: dict[str, list[list[Row] | _Batch]] = defaultdict(list)
    for name in TABLES:  # dependency order, whatever order the files came in
        for src in sources:
            if src.table == name:
                by_table[name].append(reader.read(src))
                src.release()  # read: its cells go (a JSON book's are a few hundred MB)
    if reader.problems:
        raise ImportRefused(reader.problems)

    plan = ImportPlan(notes=reader.notes)
    new_accounts: list[tuple] = []
    for name, parts in by_table.items():
        table = TABLES[name]
        if all(isinstance(part, _Batch) for part in parts):
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
        rows = _rows(parts)
        values = list(map(_VALUES, rows))
        keys = _keys_of(table, values)
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
    brought = {r[2][0] for r in _rows(by_table.get("milestones", []))}
    records = [rec for values in new_accounts if values[0] not in brought
               for rec in new_milestones(_account(values), as_of, rules)]
    if records:
        change = plan.changes.setdefault("milestones", TableChange())
        change.inserted += len(records)
        plan.writes.setdefault("milestones", []).extend(
            tuple(db_value(getattr(r, c)) for c in TABLES["milestones"].columns) for r in records)
    return plan


_VALUES = operator.itemgetter(2)  # a read row's stored values


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
    return dict(zip(_keys_of(table, rows), rows))


def write_plan(db: sqlite_utils.Database, plan: ImportPlan) -> None:
    """Write what the plan says in one transaction: all or nothing.

    Every row names an account that is in the book or in this import (`_Reader` refuses any
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
    """One table's rows, upserted on the natural key."""
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
                 rules: Rules, dayfirst: bool = False, dry_run: bool = False) -> ImportPlan:
    """`csdesk import`: read, check, and (unless a dry run) write. Raises ImportRefused."""
    problems: list[Problem] = []
    notes: list[str] = []
    # Hundreds of thousands of acyclic rows: nothing for the collector, now or later (the plan
    # lives on: frozen, the first collection after this does not walk its rows).
    with gc_paused(freeze=True):
        sources = read_sources(paths, problems, notes)
        plan = plan_import(db, sources, as_of=as_of, rules=rules, dayfirst=dayfirst,
                           problems=problems, notes=notes)
        del sources
        if not dry_run:
            write_plan(db, plan)
    return plan


def rows_source(label: str, table: str, rows: list[dict]) -> Source:
    """Rows already in memory (the demo generator's) as a source, numbered from 1."""
    headers = list(TABLES[table].columns)
    return Source(label, table, headers,
                  [(i, [r.get(h) for h in headers]) for i, r in enumerate(rows, 1)])


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
