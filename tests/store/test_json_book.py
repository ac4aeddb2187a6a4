"""Reading a JSON book a piece at a time (`read_json_book`): the same tables whatever the size
of the pieces, each row with the line it starts on, and JSON's own message for a file that is
not a book. (Importing a JSON book into the book: tests/store/test_import.py.)"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.store.importing import read_json_book

WHOLE = 1 << 20  # a piece bigger than any book here: the file in one read


def read(path, piece=WHOLE):
    problems, notes = [], []
    sources = read_json_book(path, str(path), problems, notes, piece=piece)
    return [(s.table, s.headers, s.rows) for s in sources], [str(p) for p in problems], notes


def expected_tables(book: dict, label: str):
    """What a scan must find, lines left out: from the whole text parsed at once."""
    tables, problems, notes = [], 0, []
    for key, items in book.items():
        name = key.strip().casefold()
        if not isinstance(items, list):
            # Refused (issue 24): a table that is not a list, a book of a newer version.
            if name in {"accounts", "usage", "notes", "touchpoints"}:
                problems += items is not None
            elif name == "version":
                problems += type(items) in (int, float) and items > 3
            continue
        if name not in {"accounts", "usage", "notes", "touchpoints"}:
            notes.append(f"{label}: ignored {key!r} (not a table of the book)")
            continue
        objects = [item for item in items if isinstance(item, dict)]
        problems += len(items) - len(objects)
        headers = list(dict.fromkeys(k for item in objects for k in item))
        tables.append((name, headers, [[item.get(h) for h in headers] for item in objects]))
    return tables, problems, notes


scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=6)
rows = st.lists(st.dictionaries(st.sampled_from(["account_id", "date", "Kind", "名前", "a b"]),
                                values, max_size=4) | values, max_size=5)
books = st.dictionaries(st.sampled_from(["accounts", "Usage ", "notes", "touchpoints", "extras",
                                         "format", "version"]), rows | values, max_size=4)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(book=books, indent=st.sampled_from([None, 0, 2]), ascii_only=st.booleans(),
       crlf=st.booleans(), bom=st.booleans(), piece=st.integers(1, 40))
def test_any_piece_size_reads_the_same_tables_as_the_whole_text(tmp_path, book, indent,
                                                                 ascii_only, crlf, bom, piece):
    text = json.dumps(book, indent=indent, ensure_ascii=ascii_only)
    if crlf:  # raw line ends are only ever formatting: JSON strings escape theirs
        text = text.replace("\n", "\r\n")
    path = tmp_path / "book.json"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))

    whole = read(path)
    assert read(path, piece) == whole
    tables, problems, notes = whole
    want_tables, want_problems, want_notes = expected_tables(book, str(path))
    assert [(t, h, [cells for _, cells in r]) for t, h, r in tables] == want_tables
    assert len(problems) == want_problems and notes == want_notes
    if indent is None:  # all on one line
        assert {line for _, _, r in tables for line, _ in r} <= {1}


def test_rows_one_per_line_as_csdesk_exports_them_carry_their_line(tmp_path):
    path = tmp_path / "book.json"
    path.write_text('{"format": "csdesk book",\n"accounts": [\n'
                    '{"account_id": "A1", "name": "Acme"},\n'
                    '{"account_id": "A2", "name": "Bolt", "arr": 12.5}\n],\n'
                    '"usage": [\n{"account_id": "A1", "date": "2026-11-01", "logins": 3}\n]}\n')
    for piece in (1, 7, WHOLE):
        tables, problems, notes = read(path, piece)
        assert tables == [
            ("accounts", ["account_id", "name", "arr"],
             [(3, ["A1", "Acme", None]), (4, ["A2", "Bolt", 12.5])]),
            ("usage", ["account_id", "date", "logins"], [(7, ["A1", "2026-11-01", 3])]),
        ]
        assert problems == notes == []


def test_a_number_cut_by_a_piece_boundary_is_read_whole(tmp_path):
    path = tmp_path / "book.json"
    path.write_text('{"version": -0.5e+3, "accounts": [{"account_id": "A1", "arr": 98765.25,'
                    ' "seats": 1E2, "churn": -0, "x": [1e-2]}]}')
    for piece in range(1, 30):
        assert read(path, piece) == ([("accounts", ["account_id", "arr", "seats", "churn", "x"],
                                       [(1, ["A1", 98765.25, 100.0, 0, [0.01]])])], [], [])


BOOK = ('{"format": "csdesk book", "accounts": [\n {"account_id": "A1", "arr": 120000},\n'
        ' {"account_id": "A2", "name": "Zoë"}, 7\n], "notes": []}')


@pytest.mark.parametrize("piece", [1, 5, WHOLE])
def test_a_book_cut_short_anywhere_is_refused_with_jsons_own_message(tmp_path, piece):
    path = tmp_path / "cut.json"
    for cut in range(len(BOOK)):
        path.write_text(BOOK[:cut], encoding="utf-8")
        with pytest.raises(json.JSONDecodeError) as info:
            json.loads(BOOK[:cut])
        assert read(path, piece) == (
            [], [f"{path}:{info.value.lineno}: file: not valid JSON ({info.value.msg})"], [])
    path.write_text(BOOK, encoding="utf-8")
    tables, problems, _ = read(path, piece)
    assert [t for t, *_ in tables] == ["accounts", "notes"]
    assert problems == [f"{path}:3: accounts: expected an object (a row)"]


@pytest.mark.parametrize("text, problem", [
    (BOOK + "\n}", "5: file: not valid JSON (Extra data)"),
    (BOOK.replace('"arr":', '"arr"'), "2: file: not valid JSON (Expecting ':' delimiter)"),
    ('[{"accounts": []}]', "1: file: a JSON book is an object of tables"),
    ('"accounts"', "1: file: a JSON book is an object of tables"),
    ("", "1: file: not valid JSON (Expecting value)"),
])
def test_a_file_that_is_not_a_book_says_why(tmp_path, text, problem):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    for piece in (1, WHOLE):
        assert read(path, piece) == ([], [f"{path}:{problem}"], [])


def test_an_empty_book_and_text_that_is_not_utf8(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text(' { }\n')
    assert read(empty, 1) == ([], [], [])
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"accounts": [\n{"name": "Z\xf6e"}]}')
    assert read(latin) == ([], [f"{latin}:2: file: not UTF-8 text (save it as CSV UTF-8)"], [])


def test_equal_cells_are_one_object_and_cells_of_other_types_stay_apart(tmp_path):
    # A big book's repeated cells are kept once (issue 22: the import's memory), but 1, 1.0
    # and True are equal keys of a dict, not equal cells; nor are [1] and [1.0].
    values = ["7", 7, 7.0, True, 7, [1], [1.0], [True], [1], {"a": 1}, {"a": 1.0},
              {"a": 1}, [[1]], [[1]], {"a": [1]}, None, "7"]
    path = tmp_path / "book.json"
    path.write_text(json.dumps({"usage": [{"account_id": "a", "cell": v} for v in values]}))
    (_, headers, rows), = read(path)[0]
    cells = [row[1][headers.index("cell")] for row in rows]
    assert [(type(c), c) for c in cells] == [(type(v), v) for v in values]
    for types in ([type(c) for c in cells[i]] for i in (5, 6, 7)):
        assert len(set(types)) == 1
    assert type(cells[10]["a"]) is float and type(cells[9]["a"]) is int
    assert cells[1] is cells[4] and cells[5] is cells[8] and cells[9] is cells[11]
    assert cells[0] is cells[16]
    assert cells[12] is not cells[13]  # a list of lists is kept as it is
