"""The forms' saves, each written once and only when the book takes it: a save pressed again
while one runs writes nothing more; a what-if day logs nothing and the form says why; a task
or a snooze refused by a locked book stays in its form with what was typed."""

from __future__ import annotations

import sqlite3

import pytest
from rich.text import Text

from csdesk.tui.app import CsdeskApp
from csdesk.tui.forms import TouchpointForm
from csdesk.tui.forms_work import SnoozeForm, TaskForm

from .conftest import SIZE, make_app, settle


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


def _locked(app: CsdeskApp, path) -> sqlite3.Connection:
    """Another program holding the book's write lock (the workbench waits 50 ms for it)."""
    app.workbench.desk.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def _refused_then_saved(pilot, path, key: str) -> list[str]:
    """`key` saves the open form while another program holds the lock: the form stays open
    with what was typed and says why (it used to close and lose it); once the lock is gone,
    ctrl+s saves. What was typed, field by field."""
    app = pilot.app
    form = app.screen
    typed = [i.value for i in form.query("Input")]
    other = _locked(app, path)
    await pilot.press(key)
    await settle(pilot)
    assert app.screen is form
    assert "Not saved" in _problem(form) and "locked" in _problem(form)
    assert [i.value for i in form.query("Input")] == typed
    other.execute("ROLLBACK")
    other.close()
    await pilot.press("ctrl+s")
    await settle(pilot)
    return typed


# The form each key opens, and what its save writes (its fields as typed).
KEPT_FORMS = {"f": (TaskForm, "SELECT count(*) FROM tasks WHERE account_id = ? AND text = ?"),
              "z": (SnoozeForm, "SELECT count(*) FROM snoozes WHERE item_id = ? AND until = ?")}


@pytest.mark.parametrize("key", list(KEPT_FORMS))
async def test_a_task_or_snooze_refused_by_a_locked_book_stays_in_its_form_then_saves(
        demo_book, key):
    form_class, saved = KEPT_FORMS[key]
    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            item = app.screen.highlighted_item()
            await pilot.press(key)
            form = app.screen
            assert isinstance(form, form_class)
            if key == "f":
                await pilot.press(*"Call Omar back")
            typed = await _refused_then_saved(pilot, demo_book, "enter")
            assert not isinstance(app.screen, form_class)
            params = [item.account_id, typed[0]] if key == "f" else [item.id, typed[0]]
            assert _count(app, saved, params) == 1
    finally:
        app.workbench.close()


def _add_task(app: CsdeskApp, text: str, due: str) -> int:
    db = app.workbench.desk.db
    account_id = db.execute("SELECT account_id FROM accounts WHERE status = 'active' "
                            "ORDER BY account_id LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO tasks (account_id, text, due, created_on) VALUES (?, ?, ?, ?)",
               [account_id, text, due, "2026-11-01"])
    return db.execute("SELECT max(id) FROM tasks").fetchone()[0]


async def _edit_task(pilot, task_id: int):
    """E on the task's row of Today: its form."""
    table = pilot.app.screen.query_one("#queue")
    table.cursor = next(i for i, item in enumerate(table.rows)
                        if getattr(item, "id", "") == f"task:{task_id}")
    await pilot.press("E")
    await settle(pilot)
    return pilot.app.screen


async def test_one_task_form_adds_and_edits_and_refuses_alike(app):
    overdue = _add_task(app, "Send the deck", "2026-11-20")  # three days overdue
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        form = await _edit_task(pilot, overdue)
        assert isinstance(form, TaskForm)  # the form f opens, editing
        form.query_one("#f-due").value = "2026-11-01"  # moved into the past: refused
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "in the past" in str(form.query_one("#p-due").render())
        form.query_one("#f-due").value = "2026-11-20"  # its own overdue day, kept: saved
        form.query_one("#f-text").value = "Send the exec deck"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TaskForm)
        assert app.workbench.desk.db.execute(
            "SELECT text, due FROM tasks WHERE id = ?", [overdue]).fetchone() == (
            "Send the exec deck", "2026-11-20")
        account_id = app.screen.selected_account_id()
        await pilot.press("f")
        form = app.screen
        assert isinstance(form, TaskForm)
        form.query_one("#f-text").value = "Book the QBR room"
        form.query_one("#f-due").value = "Nov 30 2026"  # read as the edit reads it
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, TaskForm)
        assert _count(app, "SELECT count(*) FROM tasks WHERE account_id = ? AND text = ? "
                           "AND due = '2026-11-30'", [account_id, "Book the QBR room"]) == 1


def test_a_task_is_refused_for_the_same_reasons_by_csdesk_and_the_form():
    import datetime as dt

    from csdesk.core.work import task_refusal

    today = dt.date(2026, 11, 23)
    assert task_refusal("Call back", None, today) == {}
    assert task_refusal("Call back", today, today) == {}
    assert task_refusal(" ", dt.date(2026, 11, 22), today) == {
        "text": "the task's text is empty",
        "due": "due 2026-11-22 is in the past (today is 2026-11-23)"}


async def test_e_reads_a_task_or_plan_action_off_the_ui_thread_and_its_connection(app):
    """E on Today's own records reads them in a worker on the workbench's reading connection:
    the book's connection (held seconds by a scoring run) is never used from the UI thread."""
    import threading

    from csdesk.core.work import save_plan_action_id
    from csdesk.tui.forms_plans import ActionForm

    db = app.workbench.desk.db
    task = _add_task(app, "Send the deck", "2026-11-30")
    db.execute("UPDATE save_plans SET root_cause = 'budget cut' WHERE id = 12")  # written
    on_ui_thread = []
    execute = db.execute

    def watched(sql, *args, **kwargs):
        if threading.current_thread() is threading.main_thread() and (
                "tasks" in sql or "save_plan" in sql):
            on_ui_thread.append(sql)
        return execute(sql, *args, **kwargs)

    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        db.execute = watched
        try:
            form = await _edit_task(pilot, task)
            assert isinstance(form, TaskForm)
            assert form.values() == {"text": "Send the deck", "due": "2026-11-30"}
            await pilot.press("escape")
            await settle(pilot)
            table = app.screen.query_one("#queue")
            table.cursor = next(i for i, row in enumerate(table.rows)
                                if getattr(row, "id", "") == save_plan_action_id(15))
            await pilot.press("E")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, ActionForm)
            assert form.values() == {
                "text": "Review open tickets with the support lead; close critical ones",
                "owner": "Dana Reyes", "due": "2026-11-23", "done_on": ""}
        finally:
            db.execute = execute
        assert on_ui_thread == []


async def test_a_plan_with_a_root_cause_and_no_action_is_said_to_be_still_a_draft(app):
    from textual.widgets import Input

    from csdesk.tui.forms_plans import PlanForm
    from csdesk.tui.screens.account import AccountScreen

    db = app.workbench.desk.db
    account_id = db.execute("SELECT account_id FROM accounts WHERE status = 'active' AND "
                            "account_id NOT IN (SELECT account_id FROM save_plans) "
                            "ORDER BY account_id LIMIT 1").fetchone()[0]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(account_id, tab="save-plan"))
        await settle(pilot)
        await pilot.press("w")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PlanForm)
        form.query_one("#f-root_cause", Input).value = "Budget moved to the new platform"
        form.query_one("#f-root_cause", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any("still a draft" in m and "a remediation action with an owner and a due "
                   "date" in m for m in said), said
        assert not any("root cause" in m for m in said), said
        assert db.execute("SELECT root_cause FROM save_plans WHERE account_id = ?",
                          [account_id]).fetchone() == ("Budget moved to the new platform",)



def _count_mounts(monkeypatch) -> list[type]:
    """Each run of BookScreen.on_mount, by the class of the screen it ran for."""
    from csdesk.tui.screens.base import BookScreen

    mounted = []
    on_mount = BookScreen.on_mount

    def counted(self):
        mounted.append(type(self))
        on_mount(self)

    monkeypatch.setattr(BookScreen, "on_mount", counted)
    return mounted


async def test_the_book_screens_mount_runs_once_for_today(app, monkeypatch):
    """Textual runs each class's on_mount: Today calling BookScreen's too ran it twice."""
    from csdesk.tui.screens.today import TodayScreen

    mounted = _count_mounts(monkeypatch)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert mounted.count(TodayScreen) == 1
        assert app.screen.query_one("#queue").rows  # the book is watched: the queue shown


async def test_the_accounts_screens_mount_runs_once_and_ctrl_s_on_a_question_does_nothing(
        app, monkeypatch):
    from csdesk.tui.forms import ConfirmForm, MessageScreen
    from csdesk.tui.screens.accounts import AccountsScreen

    mounted = _count_mounts(monkeypatch)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
        assert mounted.count(AccountsScreen) == 1
        # ctrl+s on a screen with nothing to save (it raised NotImplementedError: a crash)
        for screen in (ConfirmForm(Text("Delete it?")), MessageScreen("Report", ["a line"])):
            app.push_screen(screen)
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen and app.return_code is None
            await pilot.press("escape")
            await settle(pilot)


async def _add_on_tab(pilot, tab: str, text: str) -> None:
    """`a` on the first account's `tab`, `text` typed in the form's first field."""
    from csdesk.tui.screens.account import AccountScreen

    pilot.app.push_screen(AccountScreen(next(iter(pilot.app.book.assessments)), tab=tab))
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    await pilot.press(*text)


async def _goal_form(pilot):
    await _add_on_tab(pilot, "plan", "Cut handling time")
    return "SELECT count(*) FROM goals WHERE goal = 'Cut handling time'"


async def _action_form(pilot):
    await _add_on_tab(pilot, "save-plan", "Exec sponsor call")
    return "SELECT count(*) FROM save_plan_actions WHERE text = 'Exec sponsor call'"


async def _call_form(pilot):
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("tab", *"Budget confirmed")
    return "SELECT count(*) FROM forecast_calls WHERE note = 'Budget confirmed'"


@pytest.mark.parametrize("open_form", [_goal_form, _action_form, _call_form])
async def test_a_plan_or_call_form_refused_by_a_locked_book_keeps_what_was_typed(
        demo_book, open_form):
    app = make_app(demo_book)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            saved = await open_form(pilot)
            form = app.screen
            await _refused_then_saved(pilot, demo_book, "ctrl+s")
            assert app.screen is not form
            assert _count(app, saved) == 1
    finally:
        app.workbench.close()
