"""Search input is words, never FTS5 syntax: any text gives a query SQLite accepts."""

import sqlite3

import pytest
from hypothesis import given, settings, strategies as st

from csdesk.core.search import (MARK_END, MARK_START, fts_query, mark_spans, marked_parts,
                                query_words)


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize = "
                 "'porter unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO t VALUES (?)", [
        ("NEAR the AND gate we said NOT OR",), ("acme sso renewal",), ("dana@acme.com wrote",)])
    return conn


def _match(conn, text):
    query = fts_query(text)
    if query is None:
        return []
    return [row for (row,) in conn.execute("SELECT text FROM t WHERE t MATCH ?", (query,))]


@pytest.mark.parametrize("text, expected", [
    ("", None),
    ("   ", None),
    ('"', None),
    ("*", None),
    ("- ( ) : ^ + \"\"", None),
    ("sso", '("sso" OR "sso"*)'),
    ("acme sso", '"acme" AND ("sso" OR "sso"*)'),
    ('"acme', '("acme" OR "acme"*)'),
    ("-acme", '("acme" OR "acme"*)'),
    ("dana@acme.com", '("dana acme com" OR "dana acme com"*)'),
    ("NEAR(acme sso)", '"NEAR acme" AND ("sso" OR "sso"*)'),
    ("a_b", '"a b"'),  # too short to be the start of a longer word
    ("sso re", '"sso" AND "re"'),
    ("sso ren", '"sso" AND ("ren" OR "ren"*)'),
])
def test_the_query_is_words_in_quotes(text, expected):
    assert fts_query(text) == expected


@pytest.mark.parametrize("text, rows", [
    ("NEAR", ["NEAR the AND gate we said NOT OR"]),
    ("AND", ["NEAR the AND gate we said NOT OR"]),
    ("NOT OR", ["NEAR the AND gate we said NOT OR"]),
    ('acme "sso', ["acme sso renewal"]),
    ("renew", ["acme sso renewal"]),
    ("dana@acme.com", ["dana@acme.com wrote"]),
    ("acme -sso", ["acme sso renewal"]),  # `-` is not NOT: both words asked for
    ("(unbalanced", []),
])
def test_syntax_characters_are_read_as_words(fts, text, rows):
    assert _match(fts, text) == rows


def test_a_long_paste_searches_by_its_first_words():
    assert len(query_words(" ".join(f"w{i}" for i in range(100)))) == 16


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_is_a_query_fts5_accepts(fts, text):
    _match(fts, text)  # never raises sqlite3.OperationalError


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "*", "-", "(", ")", "NEAR", "AND", "OR", "NOT", "^", ":",
                                 "+", "acme", "sso", " ", "NEAR/3", "{", "}", "'", "\\"])))
def test_fts_syntax_soup_never_errors(fts, parts):
    _match(fts, "".join(parts))
    _match(fts, " ".join(parts))


def test_marks_split_the_snippet_into_parts():
    snippet = f"the {MARK_START}SSO{MARK_END} issue {MARK_START}again"
    assert marked_parts(snippet) == [("the ", False), ("SSO", True), (" issue ", False),
                                     ("again", True)]
    assert mark_spans(snippet) == ("the SSO issue again", [(4, 7), (14, 19)])
