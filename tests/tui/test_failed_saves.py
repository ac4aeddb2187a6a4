"""A save that fails keeps the form open with what was typed, saying why; book text in a
form's inputs is shown escaped and an untouched field saves the stored text (issue 24)."""

from __future__ import annotations

import sqlite3

from textual.widgets import Input

from csdesk.tui.forms import ContactForm, NoteForm

from .conftest import SIZE, make_app, settle
from .test_flows import _stakeholders, open_note_form


def _notes(path, account_id) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [t for t, in conn.execute("SELECT text FROM notes WHERE account_id = ?",
                                         [account_id])]
    finally:
        conn.close()


def _problem(form) -> str:
    return str(form.query_one("#form-problem").render())


async def test_a_note_saved_while_the_book_is_locked_stays_in_its_form(demo_book):
    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE) as pilot:
            account_id = await open_note_form(pilot)
            form = app.screen
            before = _notes(demo_book, account_id)
            await pilot.press(*"Renewal at risk: ", "enter", *"budget cut")
            app.workbench.desk.db.execute("PRAGMA busy_timeout = 50")
            other = sqlite3.connect(demo_book, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form and isinstance(form, NoteForm)
            assert form.text == "Renewal at risk: \nbudget cut"
            assert "Not saved" in _problem(form) and "locked" in _problem(form)
            other.execute("ROLLBACK")
            other.close()
            await pilot.press("ctrl+s")  # again, once the lock is gone
            await settle(pilot)
            assert not isinstance(app.screen, NoteForm)
            assert _notes(demo_book, account_id) == [*before, "Renewal at risk: \nbudget cut"]
    finally:
        app.workbench.close()


async def test_a_note_refused_by_a_constraint_stays_in_its_form(demo_book):
    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE) as pilot:
            account_id = await open_note_form(pilot)
            form = app.screen
            await pilot.press(*"typed with care")
            other = sqlite3.connect(demo_book)
            other.execute("PRAGMA foreign_keys = OFF")
            other.execute("DELETE FROM accounts WHERE account_id = ?", [account_id])
            other.commit()
            other.close()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is form and form.text == "typed with care"
            assert "Not saved" in _problem(form) and "FOREIGN KEY" in _problem(form)
    finally:
        app.workbench.close()


HOSTILE = {"name": "Eve\x1b]0;pwned\x07 Ray\x1b[2J", "title": "CTO\x1b]52;c;ZXZpbA==\x07",
           "email": "eve\u202e@example.com"}


async def test_the_stakeholder_form_shows_book_text_escaped_and_saves_it_unchanged(demo_book):
    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE) as pilot:
            account_id, screen, stakeholders = await _stakeholders(pilot)
            line = stakeholders.rows[stakeholders.cursor]
            db = app.workbench.desk.db
            db.execute("UPDATE contacts SET name = ?, title = ?, email = ? WHERE id = ?",
                       [HOSTILE["name"], HOSTILE["title"], HOSTILE["email"], line.rowid])
            contact = line.contact.model_copy(update=HOSTILE)
            tab = stakeholders.tree.parent
            while not hasattr(tab, "edit_contact"):
                tab = tab.parent
            tab.edit_contact(type(line)(**{**line.__dict__, "contact": contact})
                             if hasattr(line, "__dict__") else line)
            await pilot.pause()
            form = app.screen
            assert isinstance(form, ContactForm)
            shown = {wid: form.query_one(f"#{wid}", Input).value for wid in HOSTILE}
            assert shown == {"name": "Eve\\x1b]0;pwned\\x07 Ray\\x1b[2J",
                             "title": "CTO\\x1b]52;c;ZXZpbA==\\x07",
                             "email": "eve\\u202e@example.com"}
            assert not any("\x1b" in v or "\x07" in v or "\u202e" in v for v in shown.values())
            await pilot.press("ctrl+s")  # untouched: the stored text stays as it was
            await settle(pilot)
            row = db.execute("SELECT name, title, email FROM contacts WHERE id = ?",
                             [line.rowid]).fetchone()
            assert row == (HOSTILE["name"], HOSTILE["title"], HOSTILE["email"])
    finally:
        app.workbench.close()


async def test_the_renewal_form_refuses_absurd_arr_naming_the_field(demo_book):
    from csdesk.tui.forms import RenewalForm

    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("3")
            await settle(pilot)
            account_id = app.screen.selected_account_id()
            count = "SELECT count(*) FROM renewals WHERE account_id = ?"
            before = app.workbench.desk.db.execute(count, [account_id]).fetchone()
            await pilot.press("o")
            form = app.screen
            assert isinstance(form, RenewalForm)
            form.query_one("#outcome").value = "renewed"
            for typed, says in [("inf", "is not an amount"), ("1e400", "is not an amount"),
                                ("nan", "is not an amount"), ("-5", "negative"),
                                ("1e13", "is over")]:
                form.query_one("#new-arr", Input).value = typed
                form.action_save()
                await pilot.pause()
                assert app.screen is form, typed
                shown = _problem(form)
                assert says in shown and "new ARR" in shown, (typed, shown)
                assert "pydantic" not in shown and "http" not in shown
            assert app.workbench.desk.db.execute(count, [account_id]).fetchone() == before
    finally:
        app.workbench.close()


async def test_a_row_edited_by_hand_is_skipped_and_said_in_the_workbench(demo_book):
    conn = sqlite3.connect(demo_book)
    [account_id] = conn.execute("SELECT account_id FROM accounts ORDER BY name LIMIT 1").fetchone()
    conn.execute("UPDATE accounts SET arr = 'abc' WHERE account_id = ?", [account_id])
    conn.commit()
    conn.close()
    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert app.book is not None and account_id not in app.book.assessments
            said = " ".join(str(n.message) for n in app._notifications)
            assert "skipped accounts row" in said and "'abc'" in said
        assert app.return_code in (None, 0)
    finally:
        app.workbench.close()


def test_the_workbench_exit_code_reflects_a_crash(demo_book, monkeypatch):
    import argparse

    from csdesk.cli.app import Context
    from csdesk.tui import app as tui_app

    def crash(self, *args):
        raise RuntimeError("boom")

    run = tui_app.CsdeskApp.run
    monkeypatch.setattr(tui_app.CsdeskApp, "on_mount", crash)
    monkeypatch.setattr(tui_app.CsdeskApp, "run", lambda self: run(self, headless=True))
    ctx = Context(argparse.Namespace(db=str(demo_book), config=None, as_of="2026-11-23"))
    try:
        assert tui_app.run_workbench(ctx) == 1
    finally:
        ctx.close()


def test_an_account_page_opens_past_a_scheduled_touchpoint_dated_by_hand(demo_book):
    # The Timeline's upcoming meetings are read on their own: a day edited by hand there
    # stopped the account's page from opening.
    conn = sqlite3.connect(demo_book)
    [account_id] = conn.execute("SELECT account_id FROM accounts ORDER BY name LIMIT 1").fetchone()
    conn.execute("INSERT INTO touchpoints (account_id, date, kind, status, summary) VALUES "
                 "(?, '2027-13-45', 'meeting', 'scheduled', 'typed by hand'), "
                 "(?, '2027-01-10', 'qbr', 'scheduled', 'Q1 review')", [account_id, account_id])
    conn.commit()
    conn.close()
    app = make_app(demo_book)
    try:
        detail = app.workbench.detail(account_id)
        shown = [entry.text for entry in detail.timeline]
        assert any("Q1 review" in text for text in shown)
        assert not any("typed by hand" in text for text in shown)
    finally:
        app.workbench.close()
