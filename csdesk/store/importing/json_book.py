"""Reading a JSON book (what `csdesk export` writes): its tables as sources, a piece at a time."""

from __future__ import annotations

import json
import re
from pathlib import Path

from csdesk.store.importing.sources import Problem, Source, read_text
from csdesk.store.importing.tables import TABLES
from csdesk.store.schema import SCHEMA_VERSION


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
    except RecursionError:  # issue 24: nested deeper than any book
        problems.append(Problem(label, 0, "file", "nested too deeply to be a book"))
        return []
    except (_NotABook, ValueError, IndexError):  # JSONDecodeError, UnicodeDecodeError too
        # Not a book: read it whole to say why (not UTF-8, not JSON, or not an object).
        text = read_text(path, label, problems)
        if text is not None:
            try:
                json.loads(text)
            except RecursionError:
                problems.append(Problem(label, 0, "file", "nested too deeply to be a book"))
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
        # The same ids, days, kinds, counts, flags and dimension scores thousands of times:
        # one object each (a 10,000-account book's rows take 150 MB less).
        same = _Shared()
        strings = same.strings  # most cells: one call the fewer
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
                rows.append((line, [strings(v, v) if type(v) is str else same(v)
                                    for v in map(item.get, order)]))
            else:
                bad.append(line)
            end, pos = self.past(pos, ",", "]")
        width = len(order)
        for _, cells in rows:  # read before a later row brought a new key
            if len(cells) < width:
                cells += [None] * (width - len(cells))
        return rows, order, bad, pos


class _Shared:
    """Equal cell values as one object: strings, numbers, and lists and objects of plain
    values, each kept apart by type (1, 1.0 and True are equal keys, not equal cells).
    Cells are read, never changed, so sharing is safe."""

    def __init__(self) -> None:
        self.strings = {}.setdefault
        self._by_type: dict[type, dict] = {int: {}, float: {}, list: {}, dict: {}}

    def __call__(self, value):
        kind = type(value)
        found = self._by_type.get(kind)
        if found is None:  # None, a bool (one object each already), a string (`strings`)
            return value
        if kind is list:
            key = (tuple(value), tuple(map(type, value)))
        elif kind is dict:
            key = (tuple(value.items()), tuple(map(type, value.values())))
        else:
            return found.setdefault(value, value)
        try:
            return found.setdefault(key, value)
        except TypeError:  # holds a list or an object: kept as it is
            return value


def _newer(version) -> bool:
    """Whether a book's `version` is one this csdesk does not know (issue 24)."""
    return type(version) in (int, float) and version > SCHEMA_VERSION


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
            line = scan.line_at(pos)
            value, pos = scan.value(pos)  # metadata such as "format": "csdesk book"
            name = key.strip().casefold()
            if name in TABLES and value is not None:  # issue 24: refused, not ignored
                problems.append(Problem(label, line, name, "expected a list of rows, got "
                                        f"{type(value).__name__}"))
            elif name == "version" and _newer(value):
                problems.append(Problem(label, line, "version", (
                    f"a book of version {value!r}; this csdesk reads books up to version "
                    f"{SCHEMA_VERSION} (upgrade csdesk to import it)")))
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
