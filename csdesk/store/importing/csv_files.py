"""Reading a CSV file: its header and rows with their physical line numbers.

Most exports are plain (no cell spans lines, every row as wide as the header): those are kept
as text and split on commas when the importer reads them (`_read_plain_csv`); anything else goes
through the csv module. Blank rows and a Salesforce report's footer lines are skipped.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

from csdesk.store.importing.sources import Problem, Source, is_footer


def read_csv(text: str, label: str, table: str, problems: list[Problem],
             notes: list[str] | None = None) -> Source:
    """A CSV file's header and rows with their physical line numbers (header = line 1).

    Blank rows are skipped; so are the footer lines of a Salesforce report (after a blank line:
    `Grand Totals (N records)`, a confidentiality line, a copyright line). A cell a CSV export
    guarded against formula injection (`'=...`, `'+...`, `'-...`, `'@...`) reads without its
    apostrophe, so csdesk's own CSV files import as they were exported. A file whose header
    is separated by `;`, tabs or `|` instead of commas (Excel in many European locales) is read
    with that delimiter; a survey tool's extra header rows (Qualtrics: question texts, then
    `{"ImportId": ...}`) are skipped.
    """
    delimiter = sniff_delimiter(text)
    if delimiter != "," and notes is not None:
        notes.append(f"{label}: read as {_DELIMITER_NAMES[delimiter]}-separated values")
    guarded = "'" in text and _GUARDED.search(text) is not None
    plain = None if guarded or delimiter != "," or "ImportId" in text \
        else _read_plain_csv(text, label, table)
    if plain is not None:
        plain.text_only = True
        return plain
    reader = csv.reader(io.StringIO(text, newline=""), strict=False, delimiter=delimiter)
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
            reader = csv.reader(io.StringIO(text, newline=""), strict=False,
                                delimiter=delimiter)
            line = 1
            for cells in reader:
                rows.append((line, cells))
                line = reader.line_num + 1
        if guarded:
            rows = [(line, [_unguard(c) for c in cells]) for line, cells in rows]
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, "file", f"not readable as CSV ({exc})"))
        return Source(label, table, [], [])
    if not rows:
        problems.append(Problem(label, 1, "file", "empty: expected a header row"))
        return Source(label, table, [], [])
    (_, headers), body = rows[0], rows[1:]
    if len(body) >= 2 and any(c.lstrip().startswith('{"ImportId"') for c in body[1][1]):
        del body[:2]
        if notes is not None:
            notes.append(f"{label}: skipped the survey tool's two extra header rows (lines 2-3)")
    while body and is_footer(body[-1][1]):
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


_DELIMITER_NAMES = {";": "semicolon", "\t": "tab", "|": "bar"}


def sniff_delimiter(text: str) -> str:
    """The header line's delimiter: a comma unless the header has none and has `;`, tabs or
    `|` instead (outside quotes)."""
    end = text.find("\n")
    header = re.sub(r'"[^"]*"', "", text[:end if end >= 0 else len(text)])
    if "," in header:
        return ","
    counts = {d: header.count(d) for d in _DELIMITER_NAMES}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# A cell starting with an apostrophe and a formula character (after a comma, a line end or
# an opening quote): the OWASP guard csdesk's exports (and spreadsheets) put there.
_GUARDED = re.compile(r"(?:^|[,\n\r\"])'[=+\-@\t\r]")


def _unguard(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") \
        else cell


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
        # Kept as cells until the table is read: the same days and quoted JSON (a snapshot's
        # dimensions) thousands of times, one string each.
        same = {}.setdefault
        for i in [i for i, line in enumerate(lines) if '"' in line]:
            if not _QUOTED_LINE.fullmatch(lines[i]):
                return None
            try:
                quoted[i] = [same(c, c) for c in next(csv.reader((lines[i],), strict=False))]
            except csv.Error:  # a cell over the csv module's limit: read_csv says so
                return None
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
    while body and is_footer(quoted.get(len(body) - 1) or body[-1].split(",")):
        quoted.pop(len(body) - 1, None)
        body.pop()
    n = len(body)
    start = len(lines[0]) + len(newline)
    stop = start + sum(map(len, body)) + len(newline) * (n - 1)
    del body, lines
    return Source(label, table, headers,
                  body=(text[start:stop] if n else "", newline, n, quoted))
