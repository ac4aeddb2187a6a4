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


async def test_a_what_if_workbench_logs_no_touchpoint_and_the_form_says_why(app):
    app.workbench.desk.what_if = True  # an --as-of after today: a what-if stores nothing
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        before = _count(app, "SELECT count(*) FROM touchpoints")
        tasks = _count(app, "SELECT count(*) FROM tasks")
        await pilot.press("t")
        form = app.screen
        form.query_one("#summary").value = "typed on a what-if day"
        form.query_one("#next-step").value = "Send the deck"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "what-if stores nothing" in _problem(form), _problem(form)
        assert form.query_one("#summary").value == "typed on a what-if day"
        assert _count(app, "SELECT count(*) FROM touchpoints") == before
        assert _count(app, "SELECT count(*) FROM tasks") == tasks
