"""A huge note (issue 24: 50 MB froze the Timeline for minutes): the Timeline draws a bounded
preview of it at once, and Enter opens the whole note, drawn a screen at a time. The test uses
12 MB, which took over a minute to open before."""

from __future__ import annotations

import datetime as dt
import time

from csdesk.store import writes
from csdesk.tui.widgets.account.timeline import PREVIEW_CHARS, preview
from csdesk.tui.widgets.row_table import RowTable

from .conftest import SIZE, make_app, settle
from .test_flows import open_account

BIG = ("Call notes, renewal risk and next steps. " * 20 + "\n") * 15_000  # ~12 MB


def test_a_preview_is_bounded_and_says_how_long_the_note_is():
    shown = preview(BIG)
    assert len(shown) < PREVIEW_CHARS + 80 and f"{len(BIG):,} characters" in shown
    assert preview("short") == "short" and preview(None) == ""


async def test_the_timeline_draws_a_huge_note_at_once_and_opens_it_whole(demo_book):
    app = make_app(demo_book)
    try:
        account_id = None
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            account_id = next(iter(app.book.assessments))
            writes.add_note(app.workbench.desk.db, account_id, BIG,
                            dt.datetime(2026, 11, 23, 9, 30))
            started = time.monotonic()
            screen = await open_account(pilot, account_id)
            screen.query_one("#account-tabs").active = "timeline"
            await settle(pilot)
            table = screen.query_one("#timeline-table", RowTable)
            line = " ".join(table.render_line(y).text for y in range(1, 4))
            assert "2026-11-23 09:30 note" in line and "Call notes, renewal risk" in line
            drawn = time.monotonic() - started
            assert drawn < 10, drawn
            table.focus()
            await pilot.press("enter")
            await settle(pilot)
            from csdesk.tui.forms_plans import RecordView

            assert isinstance(app.screen, RecordView)
            assert app.screen.body == BIG
            opened = time.monotonic() - started - drawn
            assert opened < 30, opened
    finally:
        app.workbench.close()
