"""Today's items worked to done from the keyboard (docs/workflow.md), through Textual's pilot
with notifications on, each checked in SQLite: t logs the pre-filled response, f adds a task,
space marks it done, z snoozes (and says what is wrong, keeping what was typed), g groups,
Enter saves from every field of the touchpoint form, a write by another program appears."""

from __future__ import annotations

from csdesk.core.models import ItemKind
from csdesk.store import writes
from csdesk.store.schema import open_book
from csdesk.tui.app import CsdeskApp
from csdesk.tui.forms import TouchpointForm
from csdesk.tui.forms_work import SnoozeForm, TaskForm
from csdesk.tui.screens.today import AccountGroup
from csdesk.tui.widgets.row_table import RowTable

from .conftest import AS_OF, SIZE, settle
from .test_flows import _toasts


def _count(app: CsdeskApp, sql: str, params=()) -> int:
    return app.workbench.desk.db.execute(sql, params).fetchone()[0]


def queue(app: CsdeskApp) -> RowTable:
    return app.screen.query_one("#queue", RowTable)


async def highlight(pilot, predicate) -> object:
    """Move the cursor to the first row that `predicate` accepts; that row."""
    table = queue(pilot.app)
    index = next(i for i, row in enumerate(table.rows) if predicate(row))
    table.cursor = index
    await pilot.pause()
    return table.rows[index]


async def test_t_logs_the_response_the_item_asks_for_and_closes_it(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        item = await highlight(pilot, lambda r: r.kind == ItemKind.nps_detractor)
        await pilot.press("t")
        form = app.screen
        assert isinstance(form, TouchpointForm)
        assert form.prefill.kind == "call" and form.prefill.responds_to == item.id
        await pilot.press("enter")
        await settle(pilot)
        row = app.workbench.desk.db.execute(
            "SELECT kind, status, date, summary, responds_to FROM touchpoints "
            "WHERE responds_to = ?", [item.id]).fetchone()
        assert row == ("call", "completed", AS_OF.isoformat(), f"Response to: {item.title}",
                       item.id)
        assert item.id not in {i.id for i in app.book.brief}
        assert "Logged completed call" in _toasts(app)


async def test_enter_on_the_flags_list_saves_and_ticked_flags_read_without_colour(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        await pilot.press("t")
        form = app.screen
        form.query_one("#flags").focus()
        await pilot.press("space")  # ticks the first flag
        flags = form.query_one("#flags")
        assert str(flags.get_option_at_index(0).prompt).startswith("[x] ")
        assert str(flags.get_option_at_index(1).prompt).startswith("[ ] ")
        await pilot.pause()
        drawn = [flags.render_line(y).text for y in range(flags.size.height)]
        assert any("[x] complaint" in line for line in drawn), drawn  # drawn, not a tag
        assert any("[ ] data export request" in line for line in drawn), drawn
        await pilot.press("enter")  # saves, with the flag ticked
        await settle(pilot)
        assert not isinstance(app.screen, TouchpointForm)
        assert _count(app, "SELECT count(*) FROM touchpoints WHERE account_id=? AND date=? "
                           "AND flags='complaint'", [account_id, AS_OF.isoformat()]) == 1


async def test_enter_saves_from_the_kind_select_and_a_next_step_makes_a_task(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        await pilot.press("t")
        form = app.screen
        form.query_one("#next-step").value = "Send the ROI deck"
        form.query_one("#next-due").value = "2026-11-30"
        form.query_one("#kind").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, TouchpointForm)
        assert _count(app, "SELECT count(*) FROM tasks WHERE account_id=? AND text=? AND "
                           "due='2026-11-30' AND source='next_step'",
                      [account_id, "Send the ROI deck"]) == 1
        assert any(i.kind == ItemKind.task and i.title == "Send the ROI deck"
                   for i in app.book.brief)


async def test_a_completed_touchpoint_in_the_future_is_refused_and_the_form_keeps_it(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        before = _count(app, "SELECT count(*) FROM touchpoints")
        await pilot.press("t")
        form = app.screen
        form.query_one("#date").value = "2026-12-01"
        form.query_one("#summary").value = "typed by hand"
        form.query_one("#summary").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "cannot be in the future" in str(form.query_one("#form-problem").render())
        assert form.query_one("#summary").value == "typed by hand"
        assert _count(app, "SELECT count(*) FROM touchpoints") == before


async def test_f_adds_a_task_and_space_marks_it_done(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        await pilot.press("f")
        assert isinstance(app.screen, TaskForm)
        await pilot.press(*"Call Omar back")
        await pilot.press("tab", *"2026-11-20", "enter")  # in the past: refused, kept
        assert isinstance(app.screen, TaskForm)
        assert "in the past" in str(app.screen.query_one("#p-due").render())  # by the field
        app.screen.query_one("#f-due").value = "2026-11-25"
        await pilot.press("enter")
        await settle(pilot)
        [(task_id,)] = app.workbench.desk.db.execute(
            "SELECT id FROM tasks WHERE account_id=? AND text='Call Omar back' AND "
            "due='2026-11-25'", [account_id]).fetchall()
        assert "Task added" in _toasts(app)
        await highlight(pilot, lambda r: r.id == f"task:{task_id}")
        await pilot.press("space")
        await settle(pilot)
        assert _count(app, "SELECT count(*) FROM tasks WHERE id=? AND done_on=?",
                      [task_id, AS_OF.isoformat()]) == 1
        assert f"task:{task_id}" not in {i.id for i in app.book.brief}
        assert "Done: Call Omar back" in _toasts(app)


async def test_z_snoozes_with_a_reason_and_refuses_past_the_limit(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        item = await highlight(pilot, lambda r: r.level == "critical")
        await pilot.press("z")
        form = app.screen
        assert isinstance(form, SnoozeForm)
        form.query_one("#snooze-until").value = "2026-12-20"  # > 7 days for a critical item
        form.query_one("#snooze-until").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "more than 7 days ahead" in str(form.query_one("#form-problem").render())
        form.query_one("#snooze-until").value = "2026-11-27"
        await pilot.press("enter")
        await settle(pilot)
        assert _count(app, "SELECT count(*) FROM snoozes WHERE item_id=? AND until=? AND "
                           "reason='waiting_on_customer'", [item.id, "2026-11-27"]) == 1
        assert item.id not in {i.id for i in app.book.brief}
        assert item.id in {i.id for i in app.book.snoozed}
        assert "Snoozed until 2026-11-27" in _toasts(app)
        await pilot.press("Z")  # the snoozed items; z brings the highlighted one back
        await highlight(pilot, lambda r: r.id == item.id)
        await pilot.press("z")
        await settle(pilot)
        assert item.id in {i.id for i in app.book.brief}


async def test_g_groups_the_queue_by_account(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("g")
        rows = queue(app).rows
        assert all(isinstance(r, AccountGroup) for r in rows)
        assert len(rows) == len({i.account_id for i in app.book.brief})
        assert sum(r.count for r in rows) == len(app.book.brief)
        assert rows[0].item == app.book.brief[0]  # the most urgent first
        await pilot.press("g")
        assert len(queue(app).rows) == len(app.book.brief)


async def test_a_write_by_another_program_appears_without_r(app, demo_book):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.pause(2.5)  # the first look reads the book's data_version
        account_id = next(iter(app.book.assessments))
        other = open_book(demo_book)
        task_id = writes.add_task(other, account_id, "Written from a shell", None, AS_OF)
        other.conn.close()
        for _ in range(20):
            await pilot.pause(0.5)
            await settle(pilot)
            if any(i.id == f"task:{task_id}" for i in app.book.brief):
                break
        assert any(i.id == f"task:{task_id}" for i in app.book.brief)


async def test_portfolio_shows_alert_quality_per_trigger_kind(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        item = await highlight(pilot, lambda r: r.kind == ItemKind.renewal)
        await pilot.press("z")
        app.screen.query_one("#snooze-reason").value = "not_relevant"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        from csdesk.tui.widgets.alert_quality import AlertQualityPanel

        from rich.table import Table

        panel = app.screen.query_one(AlertQualityPanel)
        for _ in range(10):
            await settle(pilot)
            if isinstance(panel.content, Table):
                break
        table = panel.content
        assert isinstance(table, Table) and table.title == "Alert quality, last 90 days"
        kinds = [str(c) for c in table.columns[0]._cells]
        assert "renewal" in kinds and item.id.split(":")[1] == "renewal"
        row = kinds.index("renewal")
        assert str(table.columns[4]._cells[row]).startswith("1")  # snoozed as not relevant
        rows = app.workbench.alert_quality()
        [renewal] = [q for q in rows if q.kind == "renewal"]
        assert renewal.snoozed == 1 and renewal.not_relevant == 1 and renewal.raised >= 1


async def test_scheduled_touchpoints_show_in_the_timeline_and_on_their_day(app, demo_book):
    import datetime as dt

    from csdesk.core.models import Touchpoint

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        account_id = next(iter(app.book.assessments))
        later = AS_OF + dt.timedelta(days=3)
        for day in (AS_OF, later):
            app.workbench.log_touchpoint(Touchpoint(
                account_id=account_id, date=day, kind="qbr", status="scheduled",
                summary=f"QBR on {day}"))
        timeline = app.workbench.detail(account_id).timeline
        assert [e.text for e in timeline[:2]] == [f"QBR on {later}", f"QBR on {AS_OF}"]
        app.action_rescore()
        await settle(pilot)
        [today] = [i for i in app.book.brief if i.kind == ItemKind.scheduled
                   and i.account_id == account_id]
        assert today.id == f"{account_id}:scheduled:{AS_OF}:qbr" and not today.overdue


async def test_a_task_titled_like_markup_is_snoozed_as_written(app):
    # Book text is data: "[/]" in a task's text crashed the snooze form, "[bold]" restyled it.
    desk = app.workbench.desk
    account_id = desk.db.execute("SELECT account_id FROM accounts LIMIT 1").fetchone()[0]
    from csdesk.desk import work

    work.add_task(desk, account_id, "send [/] deck [bold]now", None)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await highlight(pilot, lambda r: r.kind == "task")
        await pilot.press("z")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SnoozeForm)
        shown = " ".join(str(s.render()) for s in form.query(".form-help"))
        assert "send [/] deck [bold]now" in shown
