"""The forms' saves, each written once and only when the book takes it: a save pressed again
while one runs writes nothing more; a what-if day logs nothing and the form says why; a task
or a snooze refused by a locked book stays in its form with what was typed."""

from __future__ import annotations

from csdesk.tui.app import CsdeskApp
from csdesk.tui.forms import TouchpointForm

from .conftest import SIZE, settle


def _count(app: CsdeskApp, sql: str, params=()) -> int:
    return app.workbench.desk.db.execute(sql, params).fetchone()[0]


def _problem(form) -> str:
    return str(form.query_one("#form-problem").render())


async def test_enter_pressed_three_times_on_a_touchpoint_form_writes_one_row(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        await pilot.press("t")
        form = app.screen
        assert isinstance(form, TouchpointForm)
        form.query_one("#summary").value = "pressed three times"
        with app.workbench.lock:  # the first save waits: the keys come while it runs
            await pilot.press("enter", "enter", "enter")
            await pilot.pause()
        await settle(pilot)
        assert not isinstance(app.screen, TouchpointForm)
        assert _count(app, "SELECT count(*) FROM touchpoints WHERE account_id = ? AND "
                           "summary = 'pressed three times'", [account_id]) == 1
