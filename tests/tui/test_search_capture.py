"""The workbench's search (ctrl+f) and capture preview (`i` with calendar and mail files)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Input, TabbedContent

from csdesk.tui.screens.account import AccountScreen
from csdesk.tui.screens.capture import CaptureScreen
from csdesk.tui.screens.search import SearchScreen, hit_cells, snippet_text
from csdesk.desk.search import SearchHit
from csdesk.tui.widgets.row_table import RowTable

from .conftest import SIZE, settle

FIXTURES = Path(__file__).parent.parent / "fixtures" / "capture"


async def _search(pilot, words: str) -> RowTable:
    await pilot.press("ctrl+f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SearchScreen)
    for char in words:
        await pilot.press("space" if char == " " else char)
    await settle(pilot)
    return pilot.app.screen.query_one("#search-results", RowTable)


async def test_ctrl_f_finds_a_note_and_enter_opens_its_account_on_the_timeline(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await _search(pilot, "sso timeouts")
        names = [hit.name for hit in table.rows]
        assert names and all(hit.kind == "note" for hit in table.rows)
        first = table.rows[0]
        await pilot.press("enter")  # from the query to the results
        await pilot.press("enter")  # open
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AccountScreen) and screen.account_id == first.account_id
        assert screen.query_one("#account-tabs", TabbedContent).active == "timeline"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SearchScreen)  # back to the results


async def test_a_contact_opens_on_stakeholders_and_ctrl_f_works_from_a_form(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")  # the note form: ctrl+f still searches
        await settle(pilot)
        contact = sqlite3.connect(app.workbench.book_path).execute(
            "SELECT name, account_id FROM contacts ORDER BY id LIMIT 1").fetchone()
        table = await _search(pilot, contact[0])
        hit = next(h for h in table.rows if h.kind == "contact")
        table.cursor = table.rows.index(hit)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AccountScreen) and screen.account_id == hit.account_id
        assert screen.query_one("#account-tabs", TabbedContent).active == "stakeholders"


async def test_hostile_queries_find_nothing_and_never_fail(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await _search(pilot, '"NEAR( -*')
        assert table.rows == []
        assert "Nothing found" in str(pilot.app.screen.query_one("#search-count").render())


def test_matches_are_styled_and_book_text_is_never_markup():
    hit = SearchHit(account_id="a", name="[bold]Evil[/bold]\x1b[2J", kind="note", table="notes",
                    field="text", row_id=1, snippet="x [red]\x02SSO\x03[/red] y", tab="timeline")
    cells = hit_cells(hit)
    assert cells[0].plain == "[bold]Evil[/bold]\\x1b[2J"
    text = snippet_text(hit.snippet)
    assert text.plain == "x [red]SSO[/red] y"
    assert [(span.start, span.end) for span in text.spans] == [(7, 10)]


async def test_capture_previews_then_writes_and_escape_writes_nothing(app):
    path = app.workbench.book_path
    conn = sqlite3.connect(path)
    account_id, name = conn.execute("SELECT account_id, name FROM accounts LIMIT 1").fetchone()
    conn.execute("INSERT INTO contacts (account_id, name, email) "
                 "VALUES (?, 'Lee Park', 'lee@bolt.example')", (account_id,))
    conn.commit()
    before = conn.execute("SELECT count(*) FROM touchpoints").fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for attempt in ("escape", "w"):
            pilot.app.action_import_book()
            await settle(pilot)
            pilot.app.screen.query_one(Input).value = str(FIXTURES / "google.ics")
            await pilot.press("enter")
            await settle(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, CaptureScreen)
            rows = screen.query_one("#capture-rows", RowTable).rows
            assert [(what, item.summary if what != "not matched" else item.subject)
                    for what, item, _ in rows] == [
                ("new", "Bolt renewal prep"), ("new", "Bolt onsite workshop"),
                ("new", "Bolt QBR"), ("not matched", "Intro call")]
            assert rows[0][2] == name
            await pilot.press(attempt)
            await settle(pilot)
            assert not isinstance(pilot.app.screen, CaptureScreen)
            after = conn.execute("SELECT count(*) FROM touchpoints").fetchone()[0]
            assert after == before + (3 if attempt == "w" else 0)
    conn.close()


async def test_a_bad_file_is_refused_in_the_preview_naming_it(app, tmp_path):
    bad = tmp_path / "notes.ics"
    bad.write_text("hello")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(CaptureScreen([str(bad)]))
        await settle(pilot)
        summary = str(pilot.app.screen.query_one("#capture-summary").render())
        assert "Capture refused, nothing written: 1 problem(s)" in summary
        assert f"{bad}: not a calendar file" in summary
        await pilot.press("w")  # nothing to write
        await settle(pilot)
        assert isinstance(pilot.app.screen, CaptureScreen)


def test_search_screen_snapshot(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+f")
        for char in "budget rev":
            await pilot.press("space" if char == " " else char)
        await settle(pilot)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_capture_preview_snapshot(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.push_screen(CaptureScreen([str(FIXTURES / "google.ics"),
                                             str(FIXTURES / "inbox.mbox")]))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_t_on_a_result_logs_a_touchpoint_on_its_account(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = await _search(pilot, "sso timeouts")
        await pilot.press("enter")  # to the results
        hit = table.highlighted
        await pilot.press("t")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "TouchpointForm"
        assert pilot.app.screen.account_id == hit.account_id
