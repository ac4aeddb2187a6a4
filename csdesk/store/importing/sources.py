"""What every import format reads into: `Source` (one table's rows from one file), `Problem`
(one refused cell or row, `file:line: column: reason`) and `ImportRefused` (the problems; nothing
written). Also which table a file's name names, and reading a file's text."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from csdesk.store.importing.tables import TABLES


@dataclass
class Problem:
    source: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.column}: {self.reason}"


class ImportRefused(Exception):
    """Some rows were refused; nothing was written. `problems` lists every one; `lines()`
    says them for a person, the same mistake on many rows once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return format_problems(self.problems)


_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|-?\d+(?:\.\d+)?")
GROUP_AFTER = 3  # more rows than this with one mistake are said once


def format_problems(problems: list[Problem]) -> list[str]:
    """Every problem as `file:line: column: reason`, in order; the same mistake (one file,
    one column, one reason but for the value) on more than GROUP_AFTER rows said once, at
    its first row, with how many more rows and their first lines."""
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.source, p.column, _VALUE.sub("_", p.reason)), []).append(p)
    out = []
    for same in groups.values():
        if len(same) <= GROUP_AFTER:
            out += [str(p) for p in same]
            continue
        more = [p.line for p in same[1:]]
        shown = ", ".join(map(str, more[:5])) + (", ..." if len(more) > 5 else "")
        out.append(f"{same[0]} (and {len(more)} more rows like it: lines {shown})")
    return out


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
        # Header as written -> our column, where a profile says so (`profiles.apply`); other
        # headers are matched by name and alias.
        self.mapping: dict[str, str] = {}

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



def read_text(path: Path, label: str, problems: list[Problem],
              notes: list[str] | None = None) -> str | None:
    """A file's text: UTF-8 (a BOM is fine), or UTF-16 as Excel's "Unicode text" saves it
    (sniffed by its BOM or its zero bytes, and said in `notes`); anything else is refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(label, 0, "file", f"cannot read ({exc.strerror})"))
        return None
    encoding = _utf16(data)
    if encoding is not None:
        try:
            text = data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            problems.append(Problem(label, 1, "file", "looks like UTF-16 but is not readable "
                                    "as it (save it as CSV UTF-8)"))
            return None
        if notes is not None:
            notes.append(f"{label}: read as UTF-16 text")
        return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        problems.append(Problem(label, line, "file", "not UTF-8 text (save it as CSV UTF-8)"))
    return None


def _utf16(data: bytes) -> str | None:
    """"utf-16" when the bytes start with a UTF-16 BOM, "utf-16-le"/"-be" when every other byte
    of the start is zero (text without a BOM); else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:200]
    if len(head) >= 4:
        odd, even = head[1::2], head[0::2]
        if odd.count(0) == len(odd) and even.count(0) == 0:
            return "utf-16-le"
        if even.count(0) == len(even) and odd.count(0) == 0:
            return "utf-16-be"
    return None



def is_footer(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return not filled or (len(filled) == 1 and bool(_FOOTER.match(filled[0])))



def rows_source(label: str, table: str, rows: list[dict]) -> Source:
    """Rows already in memory (the demo generator's) as a source, numbered from 1."""
    headers = list(TABLES[table].columns)
    return Source(label, table, headers,
                  [(i, [r.get(h) for h in headers]) for i, r in enumerate(rows, 1)])
