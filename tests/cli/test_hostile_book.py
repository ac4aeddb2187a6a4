"""The hostile book (issue 24): random hostile text in every kind of book text and a cell edited
by hand, then every command. Each exits 0 or 2 (never 1) and nothing it prints holds a raw
control character, escape sequence or bidi override."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
DAY = ["--as-of", "2026-12-04"]
ACCOUNT = "0015g00000AbCdEQA1"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

FRAGMENTS = ["\x1b[2J", "\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07", "\x9b31m", "\u202e",
             "\u2066", "\x00", "\x08\x08", "\r", "[bold]x[/bold]", "[@click=app.quit]q[/]",
             "=HYPERLINK(\"x\")", "شلום", "🎉", "\\x1b", "'; DROP TABLE accounts; --", "%s",
             "{0}", "\ud7ff", "\t", "\n"]
hostile = st.lists(st.sampled_from(FRAGMENTS) | st.text(min_size=1, max_size=4),
                   min_size=1, max_size=5).map("".join)

# A cell written with sqlite3 by hand: (SQL, its parameters but the account).
HAND_EDITS = [
    None,
    ("UPDATE accounts SET arr = 'abc' WHERE account_id = ?", ()),
    ("UPDATE accounts SET renewal_date = '2026-13-45' WHERE account_id = ?", ()),
    ("UPDATE touchpoints SET date = '2026-11-31' WHERE id = "
     "(SELECT max(id) FROM touchpoints WHERE account_id = ?)", ()),
    ("UPDATE goals SET status = 'bogus' WHERE account_id = ?", ()),
    ("UPDATE contacts SET role = 'boss' WHERE account_id = ?", ()),
    ("UPDATE score_snapshots SET dimensions = '{broken' WHERE account_id = ?", ()),
    ("UPDATE accounts SET seats_licensed = 'many' WHERE account_id = ?", ()),
    ("UPDATE usage SET active_users = -3.5 WHERE account_id = ?", ()),
]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "base.db"
    assert main(["import", str(SAMPLE), "--db", str(path), *DAY]) == 0
    assert main(["score", "--db", str(path), *DAY]) == 0
    return path


def _run(args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=hostile, summary=hostile, note=hostile, contact=hostile,
       edit=st.sampled_from(HAND_EDITS))
def test_every_command_on_a_hostile_book_exits_0_or_2_and_prints_nothing_raw(
        base, tmp_path_factory, name, summary, note, contact, edit):
    book = tmp_path_factory.mktemp("book") / "book.db"
    shutil.copy(base, book)
    conn = sqlite3.connect(book)
    conn.execute("UPDATE accounts SET name = ? WHERE account_id = ?", [name, ACCOUNT])
    conn.execute("UPDATE touchpoints SET summary = ? WHERE account_id = ?", [summary, ACCOUNT])
    conn.execute("UPDATE contacts SET name = ?, title = ? WHERE account_id = ?",
                 [contact, contact, ACCOUNT])
    conn.execute("INSERT INTO notes (account_id, created_at, text) VALUES (?, ?, ?)",
                 [ACCOUNT, "2026-12-01T09:00:00", note])
    if edit is not None:
        conn.execute(edit[0], [ACCOUNT, *edit[1]])
    conn.commit()
    conn.close()
    db = ["--db", str(book), *DAY]
    out = book.parent / "out"
    for command in (["today"], ["today", "--json"], ["account", ACCOUNT],
                    ["account", ACCOUNT, "--json"], ["qbr", ACCOUNT], ["metrics"],
                    ["export", str(out / "book.json")], ["note", ACCOUNT, note],
                    ["log", ACCOUNT, "--kind", "call", "--summary", summary],
                    ["account", name[:3] or "x"]):
        out.mkdir(exist_ok=True)
        code, printed = _run([*command, *db])
        assert code in (0, 2), (command, printed)
        assert "Traceback" not in printed and "unexpected error" not in printed, printed
        raw = RAW.findall(printed.replace("\n", "").replace("\t", ""))
        assert not raw, (command, raw, printed[:500])
