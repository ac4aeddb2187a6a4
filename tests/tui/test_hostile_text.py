"""Text from the book is data: control characters, markup, RTL, emoji and 1 MB notes."""

from __future__ import annotations

import html

from csdesk.tui.screens.account import AccountScreen

from .conftest import AS_OF, SIZE, make_app, settle

NAME = "\x1b[31mEvil\x1b[0m [b]Corp[/b] שלום 🎉"
NOTE = "start \x1b[2J[@click=app.quit]x[/] " + "long note text " * 70_000 + " end"


async def test_hostile_names_and_a_huge_note_render_literally(tmp_path, monkeypatch):
    from csdesk.store.schema import open_book

    monkeypatch.setenv("CSDESK_TODAY", AS_OF.isoformat())
    path = tmp_path / "hostile.db"
    db = open_book(path)
    db["accounts"].insert({
        "account_id": "h1", "name": NAME, "arr": 50_000, "contract_start": "2025-01-01",
        "renewal_date": "2027-01-01", "seats_licensed": 10, "term_months": 12,
        "status": "active"})
    db["touchpoints"].insert({"account_id": "h1", "date": "2026-11-20", "kind": "call",
                              "status": "completed", "summary": "\x07bell [i]summary[/i]",
                              "flags": "complaint"})
    db["notes"].insert({"account_id": "h1", "created_at": "2026-11-21T10:00:00", "text": NOTE})
    db.conn.close()
    assert len(NOTE) > 1_000_000

    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_account("h1")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        for _ in range(5):  # Overview -> ... -> Save plan -> Timeline
            await pilot.press("right_square_bracket")
            await settle(pilot)
        shown = html.unescape(app.export_screenshot())
        for key in ("1", "2", "3", "4"):  # every other screen shows the name too
            await pilot.press("escape", key)
            await settle(pilot)
            shown += html.unescape(app.export_screenshot())
        assert app.return_code is None  # [@click=app.quit] did not quit
    app.workbench.close()

    assert "\x1b" not in shown and "\x07" not in shown  # nothing reaches the terminal raw
    shown = shown.replace("\xa0", " ")
    assert "\\x1b[31mEvil\\x1b[0m [b]Corp[/b]" in shown
    assert "[i]summary[/i]" in shown
    assert "[@click=app.quit]x[/]" in shown
