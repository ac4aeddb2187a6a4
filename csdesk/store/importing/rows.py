"""Turning cells into model rows: each header mapped to our column, each cell read (dates,
money, choices, flags) and validated through the core pydantic model.

`Reader.read` takes the quick way first (column by column, each distinct cell text read and
validated once) and reads row by row only the rows it cannot vouch for, which says what is wrong
with each (`Problem`) instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import re
import typing
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils
from pydantic import BaseModel, TypeAdapter, ValidationError

from csdesk.core.parse import (
    ParseError,
    alias_rank,
    header_lookup,
    normalise_choice,
    normalise_header,
    parse_date,
    parse_datetime,
    parse_money,
)
from csdesk.store.importing.sources import Problem, Source
from csdesk.store.importing.tables import (
    CHOICES,
    HEADER_VALUES,
    KINDS,
    SYNONYMS,
    TABLES,
    VERBATIM_COLUMNS,
    Table,
    contact_key,
    db_value,
    keys_by_column,
)


# A read row: (source, line, stored values in `Table.columns` order, the columns the source
# gave a value for). A plain tuple: the importer makes hundreds of thousands of them.
Row = tuple[str, int, tuple, frozenset]


@dataclass
class Batch:
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


def rows_of(parts: list) -> list[Row]:
    """Read rows of a table, whichever way each source was read."""
    return [row for part in parts for row in (part.rows() if isinstance(part, Batch) else part)]


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
            "choice": lambda v: v.value, "flags": db_value, "list": db_value, "bool": int,
            "object": _object_value}.get(kind)


def _sharing(store, share):
    """`store`, its equal texts one object (`share`: a dict's setdefault): a JSON book's
    rows are read one by one, and each of 100,000 days made its own string."""
    def stored(value):
        value = store(value)
        return share(value, value) if type(value) is str else value
    return stored


def _object_value(value):
    # An empty list of save-plan actions is stored as its JSON ("[]"), not as empty flags.
    return "[]" if value == () else db_value(value)


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
            choices = choices or {}
            if spelled not in choices:
                spelled = SYNONYMS.get(column, {}).get(spelled, spelled)
            return choices.get(spelled, value.strip())
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
    if kind == "list":
        if isinstance(value, str):
            parts = value.split(";")
        elif isinstance(value, (list, tuple)):
            parts = value
        else:
            raise ParseError(f"expected values separated by ';', got {value!r}")
        return tuple(p.strip() if isinstance(p, str) else p for p in parts
                     if not isinstance(p, str) or p.strip())
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
    """A column's default as the book stores it (what the model fills in for a missing cell);
    None for a required column, which has none (a source with no rows leaves it out: an empty
    table of a JSON book, a header-only file)."""
    info = TABLES[table].model.model_fields[column]
    if info.is_required():
        return None
    return db_value(info.get_default(call_default_factory=True))


_PLAIN_TEXT = (str, str | None, typing.Optional[str])


def _any_text(metadata: list) -> bool:
    """Whether every non-empty string meets these field constraints (none, or `min_length=1`)."""
    return all(type(c).__name__ == "MinLen" and c.min_length <= 1 for c in metadata)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Reader:
    """Reads every source into validated rows, collecting problems instead of stopping."""

    def __init__(self, db: sqlite_utils.Database, dayfirst: bool, owner: str | None = None,
                 owner_given: bool = True) -> None:
        self.db = db
        self.dayfirst = dayfirst
        # Only my accounts (`--owner`, or csm_name in config: `owner_given` False, then only
        # when some imported account has that owner).
        self.owner = owner.strip().casefold() if owner and owner.strip() else None
        self.owner_given = owner_given
        self.not_mine: set[str] = set()  # imported accounts owned by others
        self.left_out: dict[str, int] = defaultdict(int)  # source -> rows of others' accounts
        # (source, column) -> whether that date column reads day first (`_date_orders`)
        self.day_orders: dict[tuple[str, str], bool] = {}
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

    def _dayfirst(self, src: Source, column: str) -> bool:
        return self.day_orders.get((src.label, src.table, column), self.dayfirst)

    def _date_orders(self, src: Source, columns: dict[str, str]) -> None:
        """Each date column read one way: day first for the whole column when any of its
        dates can only be day first (`23/10/2025`), refused when some can only be day first
        and others only month first (`10/23/2025`), or only month first under --dayfirst."""
        kinds = KINDS[src.table]
        table = None
        for column, header in columns.items():
            if kinds.get(column) not in ("date", "datetime"):
                continue
            if table is None:
                table = src.columns()
            at = src.headers.index(header)
            raw = (table[at] if table is not None
                   else [cells[at] if at < len(cells) else None for _, cells in src.rows])
            try:
                texts = {t for t in set(raw) if type(t) is str}
            except TypeError:
                continue
            day_only, month_only = [], []
            for text in texts:
                match = _NUMERIC_DATE.match(text)
                if match is None:
                    continue
                a, b = int(match[1]), int(match[2])
                if a > 12 >= b:
                    day_only.append(text)
                elif b > 12 >= a:
                    month_only.append(text)
            if day_only and month_only:
                self.problems.append(Problem(src.label, 0, header, (
                    f"dates in two orders: {min(month_only)!r} can only be month/day and "
                    f"{min(day_only)!r} only day/month; make the column one order")))
            elif month_only and self.dayfirst:
                self.problems.append(Problem(src.label, 0, header, (
                    f"--dayfirst, but {min(month_only)!r} can only be month/day; leave "
                    "--dayfirst out for this file")))
            elif day_only and not self.dayfirst:
                self.day_orders[src.label, src.table, column] = True
                self.notes.append(f"{src.label}: {header}: read day first (as "
                                  f"{min(day_only)!r} can only be); pass --dayfirst to say so")

    def _translate(self, src: Source, columns: dict[str, str]) -> None:
        """Cells of a header whose values mean another column's (`IsActive` Yes/No is the
        status), translated in place."""
        for column, header in columns.items():
            values = HEADER_VALUES.get((src.table, _n(header)))
            if values is None or header in src.mapping:
                continue
            at = src.headers.index(header)
            for _, cells in src.rows:
                if at < len(cells) and isinstance(cells[at], str):
                    cells[at] = values.get(cells[at].strip().casefold(), cells[at])

    def _only_mine(self, src: Source, columns: dict[str, str]) -> Source:
        """The rows of the accounts that are mine (`--owner`): those naming an account owned
        by someone else, or (from a team-wide export) one neither in the book nor mine, are
        left out and counted."""
        id_h, name_h = columns.get("account_id"), columns.get("account_name")
        if id_h is None and name_h is None:
            return src
        at_id = src.headers.index(id_h) if id_h is not None else None
        at_name = src.headers.index(name_h) if name_h is not None else None
        kept, left = [], 0
        for line, cells in src.rows:
            account_id = cells[at_id] if at_id is not None and at_id < len(cells) else None
            if isinstance(account_id, str) and account_id.strip():
                account_id = account_id.strip()
                mine = account_id in self.known_ids
            else:
                name = cells[at_name] if at_name is not None and at_name < len(cells) else None
                mine = not (isinstance(name, str) and name.strip()) or \
                    name.strip().casefold() in self.names
            if mine:
                kept.append((line, cells))
            else:
                left += 1
        if not left:
            return src
        self.left_out[src.label] += left
        out = Source(src.label, src.table, src.headers, kept)
        out.text_only, out.mapping = src.text_only, src.mapping
        return out

    def learn_accounts(self, sources: list[Source]) -> None:
        """Ids and names of the accounts this import brings (for unknown-account checks and
        contacts that name their account), read before any other table."""
        imported: dict[str, str] = {}
        for src in sources:
            if src.table != "accounts":
                continue
            mapped = self._columns(src, quiet=True)
            id_h, name_h = mapped.get("account_id"), mapped.get("name")
            owner_h = mapped.get("owner")
            columns = src.columns()

            def column(header: str | None) -> Iterable:
                if header is None:
                    return itertools.repeat(None, len(src))
                at = src.headers.index(header)
                if columns is not None:
                    return columns[at]
                return [cells[at] if at < len(cells) else None for _, cells in src.rows]

            if self.owner is not None and owner_h is None and self.owner_given:
                self.problems.append(Problem(src.label, 1, "owner", (
                    "--owner: no owner column to tell whose accounts these are; accepted: "
                    + _accepted("accounts", "owner"))))
            owners: list = list(column(owner_h)) if owner_h is not None else []
            for i, (account_id, name) in enumerate(zip(column(id_h), column(name_h))):
                if _empty(account_id):
                    continue
                account_id = _cell("text", "account_id", account_id, False)
                if owner_h is not None and self.owner is not None:
                    who = owners[i] if i < len(owners) else None
                    if not (isinstance(who, str) and who.strip().casefold() == self.owner):
                        self.not_mine.add(account_id)
                        continue
                self.known_ids.add(account_id)
                if isinstance(name, str) and name.strip():
                    imported[account_id] = name.strip()
        if self.owner is not None and not self.owner_given and self.not_mine \
                and not (self.known_ids - set(itertools.chain(*self.book_names.values()))):
            # csm_name from config, and no imported account is theirs: not a team-wide export
            self.notes.append("no imported account is owned by csm_name "
                              f"{self.owner!r}: imported every account")
            self.known_ids |= self.not_mine
            self.not_mine = set()
            self.owner = None
            return self.learn_accounts(sources)
        name_of = {account_id: key for key, ids in self.book_names.items() for account_id in ids}
        name_of.update((account_id, name.casefold()) for account_id, name in imported.items())
        names = defaultdict(list)
        for account_id, key in name_of.items():
            names[key].append(account_id)
        self.names = {k: sorted(v) for k, v in names.items()}

    def _columns(self, src: Source, quiet: bool = False) -> dict[str, str]:
        """Our column -> the header (as written) that holds it: a profile's mapping first,
        then headers by name and alias. Two headers meaning one column: the more direct name
        is read (`Case Number` before `Id`), said in the notes; the same name twice is
        refused."""
        lookup = header_lookup(src.table, TABLES[src.table].columns)
        columns = {column: header for header, column in src.mapping.items()}
        ignored, also = [], []
        for header in src.headers:
            if header in src.mapping:
                continue
            column = lookup.get(_n(header))
            if column is None:
                ignored.append(header)
            elif column in columns:
                other = columns[column]
                if _n(other) == _n(header) and other not in src.mapping:
                    if not quiet:
                        self.problems.append(Problem(src.label, 1, header, (
                            f"{header!r} and {other!r} both mean {column}; keep one")))
                elif other not in src.mapping and \
                        alias_rank(src.table, header) < alias_rank(src.table, other):
                    columns[column] = header
                    also.append((other, column, header))
                else:
                    also.append((header, column, other))
            else:
                columns[column] = header
        if not quiet:
            if ignored:
                self.notes.append(f"{src.label}: ignored columns "
                                  f"{', '.join(map(repr, ignored))}")
            for header, column, other in also:
                self.notes.append(f"{src.label}: {header!r} also means {column}; read "
                                  f"{other!r}")
        return columns

    def read(self, src: Source) -> list[Row] | Batch:
        table = TABLES[src.table]
        kinds = KINDS[src.table]
        columns = self._columns(src)  # our column -> header as written
        self._translate(src, columns)
        if self.owner is not None:
            src = self._only_mine(src, columns)
        self._date_orders(src, columns)
        present = set(columns)
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
                self.problems.append(Problem(src.label, 1, c, (
                    "no such column in the header; accepted: " + _accepted(src.table, c)
                    + f" (or map it in a profile: [import.profiles.NAME.{src.table}] "
                    f'{c} = "Your header")')))
            return []

        out: list[Row] = []
        plain = [(c, h, kinds[c], CHOICES[src.table, c]) for c, h in columns.items()
                 if c in kinds]
        names = tuple(c for c, *_ in plain)
        fast_read = None
        extras = bool({"first_name", "last_name", "account_name"} & set(columns))
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
                                  _converter(k, c, ch, self._dayfirst(src, c)))
                     for c, h, k, ch in plain]
        share = {}.setdefault  # one text per day, choice and flag set, as the cells were
        conversions = [(i, _sharing(_storer(kinds[c]), share))
                       for i, c in enumerate(table.columns) if _storer(kinds[c]) is not None]
        everything = frozenset(names) | frozenset(nullable)
        validate = table.model.__pydantic_validator__.validate_python
        known = self.known_ids
        label = src.label
        has_account = "account_id" in names
        # The happy path first, row by row: a row whose cells all read (empty ones left out,
        # as `_row` leaves them out), naming a known account, that the model accepts. Anything
        # else is read again by `_row`, which says what is wrong.
        fast = not extras
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
            read = _converter(kind, column, choices, self._dayfirst(src, column))
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
                keys = list(map(contact_key, values))
            else:
                keys = keys_by_column(table, lambda c: stored_cols[c] if c in stored_cols
                                       else [_stored_default(table.name, c)] * n)
            return Batch(label, lines, values, keys, everything), []
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
        if extras_of(columns):
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
            for err in exc.errors(include_url=False):
                column = str(err["loc"][0]) if err["loc"] else "row"
                header = labels.get(column, column)
                if header not in said:
                    problems.append(Problem(src.label, line, header, _say(err)))
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
                values[column] = _cell(kind, column, raw, self._dayfirst(src, column),
                                       choices)
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
_NUMERIC_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}(?:\D|$)")


def extras_of(columns: dict[str, str]) -> bool:
    """Whether a file gives a person's name in halves or an account by its name."""
    return bool({"first_name", "last_name", "account_name"} & set(columns))


def _accepted(table: str, column: str) -> str:
    """The headers a column is read from, for a message."""
    from csdesk.core.parse import _ALIASES

    names = (column, *_ALIASES.get(table, {}).get(column, ()))
    return ", ".join(names)


# Pydantic's wording, said for a person with the value (`_say`).
_SAID = {
    "int_parsing": "not a whole number", "int_from_float": "not a whole number",
    "int_type": "not a whole number", "float_parsing": "not a number",
    "float_type": "not a number", "bool_parsing": "not yes/no (true/false)",
    "date_parsing": "not a date", "date_from_datetime_parsing": "not a date",
    "datetime_parsing": "not a date and time", "string_too_short": "empty",
    "missing": "empty (required)", "string_type": "not text",
    "date_type": "not a date", "bool_type": "not yes/no (true/false)",
}


def _shown(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _say(err: dict) -> str:
    """One pydantic error as a person reads it, with the value that was refused."""
    kind, ctx = err["type"], err.get("ctx") or {}
    value = err.get("input")
    shown = f": {value!r}" if value is not None and kind != "missing" else ""
    if kind == "enum":
        return f"{value!r} is not one of {ctx.get('expected', '')}"
    if kind == "greater_than_equal":
        return f"{_shown(value)} is less than {_shown(ctx.get('ge'))}, the least allowed"
    if kind == "less_than_equal":
        return f"{_shown(value)} is more than {_shown(ctx.get('le'))}, the most allowed"
    if kind in _SAID:
        return _SAID[kind] + shown
    return err["msg"] + shown
