"""`csdesk search` and `csdesk capture` from the command line, on real book files."""

import json
import sqlite3
import time
from pathlib import Path

import pytest

from csdesk.cli import main
from csdesk.store.schema import open_book

FIXTURES = Path(__file__).parent.parent / "fixtures" / "capture"
GOOD = [str(FIXTURES / n) for n in ("outlook.ics", "google.ics", "recurring.ics",
                                     "several_recipients.eml", "inbox.mbox")]


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    path = tmp_path / "book.db"
    db = open_book(path)
    db.conn.executemany(
        "INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
        "VALUES (?, ?, 50000, '2026-01-01', '2027-06-01')",
        [("a1", "Acme Corp"), ("b1", "Bolt Labs"), ("c1", "Cobalt Dental"),
         ("d1", "Delta One"), ("d2", "Delta Two")])
    db.conn.executemany(
        "INSERT INTO contacts (account_id, name, email) VALUES (?, ?, ?)",
        [("a1", "Priya Natarajan", "Priya.Natarajan@AcmeCorp.example"),
         ("a1", "Tom Okafor", "tom@acmecorp.example"), ("b1", "Lee Park", "lee@bolt.example"),
         ("c1", "Sam Rivera", "sam.rivera@gmail.com"), ("d1", "Ops", "ops1@shared.example"),
         ("d2", "Ops", "ops2@shared.example")])
    db.conn.close()
    yield str(path)
    monkeypatch.delenv("TZ")
    time.tzset()


def _touchpoints(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT account_id, date, kind, status, summary, contacts "
                            "FROM touchpoints ORDER BY date, account_id, summary").fetchall()
    finally:
        conn.close()


def test_capture_logs_meetings_and_mails_once(db_path, capsys):
    assert main(["capture", "--db", db_path, "--as-of", "2026-11-23", *GOOD]) == 0
    out = capsys.readouterr().out
    assert "Added 14 touchpoint(s): 11 meeting(s), 3 email(s), 3 scheduled." in out
    assert "ravi@newco.example" in out and "stranger@gmail.com" in out
    assert "ops@shared.example (domain used by several accounts: shared.example)" in out
    rows = _touchpoints(db_path)
    assert ("a1", "2026-11-18", "meeting", "completed", "Acme adoption review",
            "priya.natarajan@acmecorp.example;tom@acmecorp.example") in rows  # 17:00 PST
    assert ("b1", "2026-12-02", "meeting", "scheduled", "Bolt QBR", "lee@bolt.example") in rows
    assert ("c1", "2026-11-18", "email", "completed", "Cobalt: invoice question",
            "sam.rivera@gmail.com") in rows
    assert sum(r[4] == "Acme weekly sync" for r in rows) == 7

    assert main(["capture", "--db", db_path, "--as-of", "2026-11-23", *GOOD]) == 0
    assert "14 already in the book, unchanged." in capsys.readouterr().out
    assert _touchpoints(db_path) == rows  # never twice

    assert main(["capture", "--db", db_path, "--as-of", "2026-12-04", *GOOD]) == 0
    assert "Updated 3" in capsys.readouterr().out
    later = _touchpoints(db_path)
    assert len(later) == len(rows)
    assert ("b1", "2026-12-02", "meeting", "completed", "Bolt QBR", "lee@bolt.example") in later


def test_a_dry_run_writes_nothing(db_path, capsys):
    assert main(["capture", "--db", db_path, "--as-of", "2026-11-23", "--dry-run", *GOOD]) == 0
    assert "Would add 14 touchpoint(s)" in capsys.readouterr().out
    assert _touchpoints(db_path) == []


@pytest.mark.parametrize("name, says", [
    ("not_a_calendar.ics", "not a calendar file"),
    ("event_without_date.ics", 'event "Kickoff with Acme" (UID no-date-1): no start'),
    ("broken.mbox", "not an mbox"),
    ("no_date.eml", 'message "Quick question": no Date header'),
])
def test_bad_input_is_refused_with_exit_2_and_nothing_written(db_path, capsys, name, says):
    code = main(["capture", "--db", db_path, "--as-of", "2026-11-23", *GOOD,
                 str(FIXTURES / name)])
    err = capsys.readouterr().err
    assert code == 2
    assert "capture refused, nothing written; 1 problem:" in err
    assert f"{name}: " in err and says in err
    assert "Traceback" not in err
    assert _touchpoints(db_path) == []


def test_search_finds_what_capture_logged_with_its_tab(db_path, capsys):
    main(["capture", "--db", db_path, "--as-of", "2026-11-23", *GOOD])
    capsys.readouterr()
    assert main(["search", "--db", db_path, "--json", "sso", "rollo"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert sorted((h["account_id"], h["kind"], h["field"], h["tab"]) for h in hits) == [
        ("a1", "touchpoint", "summary", "timeline"), ("b1", "touchpoint", "summary", "timeline")]
    assert hits[0]["snippet"] == "Re: SSO rollout — next steps"
    assert hits[0]["marks"] == [[4, 7], [8, 15]]
    assert main(["search", "--db", db_path, "priya"]) == 0
    assert "Acme Corp (a1)  contact name, stakeholders tab\n    [Priya] Natarajan" in \
        capsys.readouterr().out


@pytest.mark.parametrize("query", ['"', "NEAR(", "-", "*", "AND OR NOT", '"unbalanced', "()"])
def test_search_never_errors_on_syntax(db_path, capsys, query):
    assert main(["search", "--db", db_path, query]) == 0
    assert "Nothing found" in capsys.readouterr().out


def test_search_shows_book_text_escaped(db_path, capsys):
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO notes (account_id, created_at, text) VALUES "
                 "('a1', '2026-01-01', 'evil \x1b[2J note [bold]x[/bold]')")
    conn.commit()
    conn.close()
    assert main(["search", "--db", db_path, "evil"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out and "[bold]x[/bold]" in out
