"""The plans and corrections in the workbench, driven from the keyboard (pilot), checked in
SQLite: the Save plan tab one key from Today, goals, accounts added and edited, the Timeline's
records opened, edited and deleted, `u` undoing the last change; and a snapshot per new tab."""

from __future__ import annotations

from textual.widgets import Input

from csdesk.tui.forms import ConfirmForm
from csdesk.tui.forms_plans import AccountForm, ActionForm, GoalForm, PlanForm, RecordView
from csdesk.tui.screens.account import AccountScreen
from csdesk.tui.widgets.row_table import RowTable

from .conftest import AS_OF, SIZE, settle, snap


def _one(app, sql, params=()):
    return app.workbench.desk.db.execute(sql, params).fetchone()


def _critical_item(app):
    """A Today item of a critical alert whose save plan is still a draft."""
    for i, item in enumerate(app.book.brief):
        if item.level == "critical" and item.kind == "alert":
            plan = _one(app, "SELECT id, root_cause FROM save_plans WHERE account_id = ? "
                             "ORDER BY trigger_date DESC, id DESC", [item.account_id])
            if plan and not plan[1]:
                return i, item, plan[0]
    raise AssertionError("the demo book has no critical alert with a draft plan")


def _problem(screen, name: str) -> str:
    return str(screen.query_one(f"#p-{name}").render())


async def _type(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#f-{field}", Input)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


async def _plan_of_a_critical(pilot, app) -> int:
    """`p` on a Today critical whose plan is a draft: its Save plan tab; the plan's id."""
    await settle(pilot)
    index, item, plan_id = _critical_item(app)
    pilot.app.screen.query_one("#queue", RowTable).cursor = index
    await pilot.press("p")
    await settle(pilot)
    return plan_id


async def test_the_save_plan_is_one_key_from_its_critical_alert_and_written_there(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        plan_id = await _plan_of_a_critical(pilot, app)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.active_tab == "save-plan"
        assert "draft" in str(screen.query_one("#plan-fields").render())
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PlanForm)
        await _type(pilot, "root_cause", "Budget moved | [b]ops[/b]")
        await _type(pilot, "checkpoint_date", "31/31/2027")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlanForm), "a bad date is refused"
        assert "not a date" in _problem(app.screen, "checkpoint_date")
        assert app.screen.query_one("#f-root_cause", Input).value == "Budget moved | [b]ops[/b]"
        await _type(pilot, "checkpoint_date", "2027-02-01")
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT root_cause, checkpoint_date FROM save_plans WHERE id = ?",
                    [plan_id]) == ("Budget moved | [b]ops[/b]", "2027-02-01")

        # a remediation action: refused without text, kept as typed, then added
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionForm)
        await _type(pilot, "owner", "Dana")
        await _type(pilot, "due", "soon")
        await pilot.press("enter")
        await pilot.pause()
        assert _problem(app.screen, "text") and "not a date" in _problem(app.screen, "due")
        assert app.screen.query_one("#f-owner", Input).value == "Dana"
        await _type(pilot, "text", "Call the COO")
        await _type(pilot, "due", "2026-11-30")
        await pilot.press("enter")
        await settle(pilot)
        action_id, done = _one(app, "SELECT id, done_on FROM save_plan_actions WHERE "
                                    "plan_id = ? AND text = 'Call the COO'", [plan_id])
        assert done is None
        table = screen.query_one("#plan-actions", RowTable)
        table.cursor = next(i for i, a in enumerate(table.rows) if a.id == action_id)
        await pilot.press("space")  # done today
        await settle(pilot)
        assert _one(app, "SELECT done_on FROM save_plan_actions WHERE id = ?",
                    [action_id]) == (AS_OF.isoformat(),)
        table = screen.query_one("#plan-actions", RowTable)
        table.cursor = next(i for i, a in enumerate(table.rows) if a.id == action_id)
        await pilot.press("x")  # asks once
        await pilot.pause()
        assert isinstance(app.screen, ConfirmForm)
        await pilot.press("y")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM save_plan_actions WHERE id = ?",
                    [action_id]) == (0,)
        await pilot.press("u")  # undone: back with its done date
        await settle(pilot)
        assert _one(app, "SELECT done_on FROM save_plan_actions WHERE id = ?",
                    [action_id]) == (AS_OF.isoformat(),)


async def test_goals_added_with_roi_when_achieved_and_removed(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id = next(iter(app.book.assessments))
        app.push_screen(AccountScreen(account_id, tab="plan"))
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, GoalForm)
        await _type(pilot, "text", "Cut handling time 30%")
        await _type(pilot, "target", "2027-03-01")
        app.screen.query_one("#f-status").value = "achieved"
        await pilot.press("enter")
        await pilot.pause()
        assert "ROI" in _problem(app.screen, "roi")
        assert app.screen.query_one("#f-text", Input).value == "Cut handling time 30%"
        await _type(pilot, "roi", "$40k a year")
        await pilot.press("enter")
        await settle(pilot)
        row = _one(app, "SELECT id, status, roi_note, target_date FROM goals WHERE "
                        "account_id = ? AND goal = ?", [account_id, "Cut handling time 30%"])
        assert row[1:] == ("achieved", "$40k a year", "2027-03-01")
        table = app.screen.query_one("#goals", RowTable)
        table.cursor = next(i for i, g in enumerate(table.rows) if g.goal.startswith("Cut"))
        await pilot.press("x", "y")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM goals WHERE id = ?", [row[0]]) == (0,)


async def test_an_account_added_from_accounts_and_edited_with_E(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AccountForm)
        for field, text in (("account_id", "NEW-1"), ("name", "Newco"), ("arr", "EUR 40"),
                            ("contract_start", "2026-11-20"), ("renewal_date", "2027-11-20")):
            await _type(pilot, field, text)
        await pilot.press("enter")
        await pilot.pause()
        assert "USD" in _problem(app.screen, "arr"), "refused as the import refuses it"
        await _type(pilot, "arr", "$40,000")
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT name, arr FROM accounts WHERE account_id = 'NEW-1'") == (
            "Newco", 40000.0)
        assert _one(app, "SELECT count(*) FROM milestones WHERE account_id = 'NEW-1'") == (4,)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.account_id == "NEW-1"
        await pilot.press("E")
        await pilot.pause()
        await _type(pilot, "name", "Newco Holdings")
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT name FROM accounts WHERE account_id = 'NEW-1'") == (
            "Newco Holdings",)
        assert "Newco Holdings" in str(screen.query_one("#account-header").render())


async def test_a_timeline_record_opened_whole_edited_deleted_and_undone(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id = next(a for a, in app.workbench.desk.db.execute(
            "SELECT account_id FROM notes GROUP BY account_id"))
        app.push_screen(AccountScreen(account_id, tab="timeline"))
        await settle(pilot)
        table = app.screen.query_one("#timeline-table", RowTable)
        table.focus()
        table.cursor = next(i for i, e in enumerate(table.rows) if e.kind == "note")
        note = table.rows[table.cursor]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordView)
        assert note.text in str(app.screen.query_one("#record-text Static").render())
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#note-text")
        area.text = "Corrected: the call moved to Friday.\nSecond line."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM notes WHERE account_id = ? AND text = ?",
                    [account_id, "Corrected: the call moved to Friday.\nSecond line."]) == (1,)
        await pilot.press("u")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM notes WHERE account_id = ? AND text = ?",
                    [account_id, note.text]) == (1,)
        # a touchpoint deleted from the list, asked once
        table = app.screen.query_one("#timeline-table", RowTable)
        table.focus()
        table.cursor = next(i for i, e in enumerate(table.rows) if e.kind not in ("note",
                                                                                 "outcome"))
        before = _one(app, "SELECT count(*) FROM touchpoints WHERE account_id = ?",
                      [account_id])[0]
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM touchpoints WHERE account_id = ?",
                    [account_id])[0] == before
        await pilot.press("x", "y")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM touchpoints WHERE account_id = ?",
                    [account_id])[0] == before - 1


# --- snapshots: one per new tab, and the account form --------------------------------------


def _tab(name: str):
    """Open the critical account's `name` tab (a `snap` step)."""
    async def open_tab(pilot):
        _, item, _ = _critical_item(pilot.app)
        pilot.app.push_screen(AccountScreen(item.account_id, tab=name))

    return open_tab


def test_snapshot_save_plan_tab(snap_compare, app):
    assert snap(snap_compare, app, before=_tab("save-plan"))


def test_snapshot_success_plan_tab(snap_compare, app):
    assert snap(snap_compare, app, before=_tab("plan"))


def test_snapshot_stakeholder_map(snap_compare, app):
    assert snap(snap_compare, app, before=_tab("stakeholders"))


def test_snapshot_plan_form(snap_compare, app):
    assert snap(snap_compare, app, "w", before=_tab("save-plan"))


def test_snapshot_account_form_at_80x24(snap_compare, app):
    assert snap(snap_compare, app, "2", "a", size=(80, 24))


async def test_a_touchpoint_corrected_a_future_completed_date_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id, tp_id, summary = _one(
            app, "SELECT account_id, id, summary FROM touchpoints WHERE status = 'completed' "
                 "AND summary IS NOT NULL ORDER BY id LIMIT 1")
        app.push_screen(AccountScreen(account_id, tab="timeline"))
        await settle(pilot)
        table = app.screen.query_one("#timeline-table", RowTable)
        table.focus()
        table.cursor = next(i for i, e in enumerate(table.rows) if e.text == summary)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await _type(pilot, "date", "2027-01-05")
        await _type(pilot, "contacts", "ann@acme.example; bob@acme.example")
        await pilot.press("enter")
        await pilot.pause()
        assert "scheduled" in _problem(app.screen, "date")
        assert app.screen.query_one("#f-contacts", Input).value == \
            "ann@acme.example; bob@acme.example"
        app.screen.query_one("#f-status").value = "scheduled"
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT date, status, contacts FROM touchpoints WHERE id = ?",
                    [tp_id]) == ("2027-01-05", "scheduled", "ann@acme.example;bob@acme.example")


async def test_a_renewal_outcome_corrected_and_deleted_moves_the_account_back(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rid, account_id, day, previous = _one(
            app, "SELECT id, account_id, date, previous_arr FROM renewals r WHERE date = "
                 "(SELECT max(date) FROM renewals WHERE account_id = r.account_id) LIMIT 1")
        app.push_screen(AccountScreen(account_id, tab="timeline"))
        await settle(pilot)
        table = app.screen.query_one("#timeline-table", RowTable)
        table.focus()
        table.cursor = next(i for i, e in enumerate(table.rows) if e.kind == "outcome")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await _type(pilot, "reason", "Budget cut")
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT reason FROM renewals WHERE id = ?", [rid]) == ("Budget cut",)
        table = app.screen.query_one("#timeline-table", RowTable)
        table.focus()
        table.cursor = next(i for i, e in enumerate(table.rows) if e.kind == "outcome")
        await pilot.press("x", "y")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM renewals WHERE id = ?", [rid]) == (0,)
        assert _one(app, "SELECT renewal_date, status, arr FROM accounts WHERE account_id = ?",
                    [account_id]) == (day, "active", previous)


async def test_a_stakeholder_placed_under_a_manager_with_influence(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        account_id, email = _one(app, "SELECT account_id, email FROM contacts WHERE status = "
                                      "'active' AND email IS NOT NULL ORDER BY id LIMIT 1")
        app.push_screen(AccountScreen(account_id, tab="stakeholders"))
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Sam Ortiz")
        app.screen.query_one("#influence").value = "high"
        app.screen.query_one("#role").value = "skeptic"
        app.screen.query_one("#reports-to", Input).value = email.upper()
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT role, influence, reports_to FROM contacts WHERE name = ?",
                    ["Sam Ortiz"]) == ("skeptic", "high", email.upper())
        from textual.widgets import Tree

        tree = app.screen.query_one("#stake-tree", Tree)
        parents = [n for n in tree.root.children if any(
            c.data is not None and c.data.contact.name == "Sam Ortiz" for c in n.children)]
        assert parents and parents[0].data.contact.email == email
        warnings = str(app.screen.query_one("#stake-warnings").render())
        assert "High-influence skeptic Sam Ortiz" in warnings


async def test_a_task_edited_and_deleted_on_today_and_undone(app):
    db = app.workbench.desk.db
    account_id = db.execute("SELECT account_id FROM accounts WHERE status = 'active' "
                            "ORDER BY account_id LIMIT 1").fetchone()[0]
    db.execute("INSERT INTO tasks (account_id, text, due, created_on) VALUES (?, ?, ?, ?)",
               [account_id, "Send the deck", AS_OF.isoformat(), AS_OF.isoformat()])
    task_id = db.execute("SELECT max(id) FROM tasks").fetchone()[0]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue", RowTable)
        table.cursor = next(i for i, item in enumerate(table.rows)
                            if getattr(item, "id", "") == f"task:{task_id}")
        await pilot.press("E")
        await settle(pilot)  # the task is read in a worker, then its form opens
        await _type(pilot, "text", "Send the exec deck")
        await _type(pilot, "due", "someday")
        await pilot.press("enter")
        await pilot.pause()
        assert "not a date" in _problem(app.screen, "due")
        await _type(pilot, "due", "2026-11-30")
        await pilot.press("enter")
        await settle(pilot)
        assert _one(app, "SELECT text, due FROM tasks WHERE id = ?", [task_id]) == (
            "Send the exec deck", "2026-11-30")
        table = app.screen.query_one("#queue", RowTable)
        table.cursor = next(i for i, item in enumerate(table.rows)
                            if getattr(item, "id", "") == f"task:{task_id}")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmForm)
        await pilot.press("y")
        await settle(pilot)
        assert _one(app, "SELECT count(*) FROM tasks WHERE id = ?", [task_id]) == (0,)
        await pilot.press("u")
        await settle(pilot)
        assert _one(app, "SELECT text FROM tasks WHERE id = ?", [task_id]) == (
            "Send the exec deck",)


async def test_a_plan_saved_without_a_root_cause_says_it_is_still_a_draft(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        plan_id = await _plan_of_a_critical(pilot, app)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PlanForm)
        assert app.screen.query_one("#f-root_cause", Input).value == ""  # a hint, not text
        await pilot.press("enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("still a draft" in m for m in said), said
        assert _one(app, "SELECT root_cause FROM save_plans WHERE id = ?", [plan_id]) == ("",)
