"""A cell edited by hand with sqlite3 (issue 24): every command still runs, skipping the row
with one warning naming its table, row and value; never exit 1, never a traceback."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from csdesk.cli import main

DAY = ["--as-of", "2026-12-04"]

# (what is edited, SQL with ? for the account it hits, the warning's words)
EDITS = {
    "arr abc": ("UPDATE accounts SET arr = 'abc' WHERE account_id = ?", "accounts", "'abc'"),
    "renewal 2026-13-45": ("UPDATE accounts SET renewal_date = '2026-13-45' "
                           "WHERE account_id = ?", "accounts", "2026-13-45"),
    "touchpoint 2026-11-31": ("UPDATE touchpoints SET date = '2026-11-31' WHERE id = "
                              "(SELECT max(id) FROM touchpoints WHERE account_id = ?1 "
                              "AND date <= '2026-12-04')", "touchpoints", "2026-11-31"),
    "usage 2026-11-31": ("UPDATE usage SET date = '2026-11-31' WHERE account_id = ? "
                         "AND date = (SELECT max(date) FROM usage WHERE account_id = ?1)",
                         "usage", "2026-11-31"),
    "goal status": ("UPDATE goals SET status = 'bogus' WHERE id = "
                    "(SELECT min(id) FROM goals WHERE account_id = ?)", "goals", "bogus"),
    "contact role": ("UPDATE contacts SET role = 'boss' WHERE id = "
                     "(SELECT min(id) FROM contacts WHERE account_id = ?)", "contacts", "boss"),
    "snapshot json": ("UPDATE score_snapshots SET dimensions = '{broken' WHERE account_id = ? "
                      "AND date = (SELECT max(date) FROM score_snapshots WHERE account_id = ?1)",
                      "score_snapshots", "{broken"),
    "ticket severity": ("UPDATE tickets SET severity = 7 WHERE rowid = "
                        "(SELECT min(rowid) FROM tickets WHERE account_id = ?)", "tickets", "7"),
    "touchpoint flag": ("UPDATE touchpoints SET flags = 'complaint;evil' WHERE id = "
                        "(SELECT max(id) FROM touchpoints WHERE account_id = ?)",
                        "touchpoints", "evil"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "book.db"
    assert main(["demo", "--accounts", "12", "--db", str(path), *DAY]) == 0
    conn = sqlite3.connect(path)
    # An account with a bit of everything: contacts, goals, tickets, snapshots.
    [account] = conn.execute(
        "SELECT a.account_id FROM accounts a WHERE status = 'active' "
        "AND EXISTS (SELECT 1 FROM goals g WHERE g.account_id = a.account_id) "
        "AND EXISTS (SELECT 1 FROM tickets t WHERE t.account_id = a.account_id) "
        "AND EXISTS (SELECT 1 FROM touchpoints t WHERE t.account_id = a.account_id) "
        "ORDER BY name LIMIT 1").fetchone()
    conn.close()
    return path, account


def _edited(demo, tmp_path, edit: str):
    path, account = demo
    copy = tmp_path / "book.db"
    shutil.copy(path, copy)
    sql, *_ = EDITS[edit]
    conn = sqlite3.connect(copy)
    assert conn.execute(sql, [account]).rowcount == 1
    conn.commit()
    conn.close()
    return str(copy), account


COMMANDS = [["export", "{out}"], ["today"], ["today", "--json"], ["account", "{a}"],
            ["qbr", "{a}"], ["metrics"], ["calibrate"], ["score"]]
# Cells no read can get past: some command must say it skipped them. (A value the rules read
# without failing, such as an unknown role, is read as it is; a scoring run may replace a
# broken snapshot of the day.)
BREAKING = {"arr abc", "renewal 2026-13-45", "touchpoint 2026-11-31", "usage 2026-11-31",
            "snapshot json"}


@pytest.mark.parametrize("edit", list(EDITS))
def test_every_command_runs_past_a_cell_edited_by_hand(demo, tmp_path, capsys, edit):
    book, account = _edited(demo, tmp_path, edit)
    _, table, value = EDITS[edit]
    warned = False
    for command in COMMANDS:
        args = [a.format(a=account, out=tmp_path / "out.json") for a in command]
        code = main([*args, "--db", book, *DAY])
        err = capsys.readouterr().err
        assert code in (0, 2), (args, err)
        assert "Traceback" not in err and "unexpected error" not in err, (args, err)
        if "warning: skipped" in err:
            line = next(x for x in err.splitlines() if "warning: skipped" in x)
            assert table in line and value in line, line
            assert err.count("warning: skipped") == 1, err
            warned = True
    assert warned or edit not in BREAKING, "no command said what it skipped"
