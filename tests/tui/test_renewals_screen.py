"""The Renewals screen (docs/workflow.md §7): calls with a note, the outcome form that starts on
the outcome, overdue renewals at the top; and the Portfolio's trend charts with their numbers."""

from __future__ import annotations

from .conftest import AS_OF, SIZE, settle, snap


async def test_c_records_a_call_with_a_note_beside_the_suggestion(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        row = screen.selected_row()
        assert row is not None and row.call is None
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert "csdesk suggests" in str(form.query_one("#forecast-suggestion").render())
        assert form.query_one("#call").value == row.suggested_call.value  # starts on it
        form.query_one("#call").value = "at_risk"
        await pilot.press("tab")
        await pilot.press(*"Budget frozen [until] Q2")
        await pilot.press("enter")
        await settle(pilot)
        saved = app.workbench.desk.db.execute(
            "SELECT call, note, made_on, renewal_date, suggested FROM forecast_calls "
            "WHERE account_id=? ORDER BY id DESC", [row.account_id]).fetchone()
        assert saved == ("at_risk", "Budget frozen [until] Q2", AS_OF.isoformat(),
                         row.renewal_date.isoformat(), row.suggested_call.value)
        again = next(r for r in app.screen.query_one("#renewals").rows
                     if r.account_id == row.account_id)
        assert again.call == "at_risk" and again.note == "Budget frozen [until] Q2"


async def test_overdue_renewals_first_and_forecast_arr_in_the_header(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        rows = app.screen.query_one("#renewals").rows
        overdue = [r.overdue for r in rows]
        assert overdue == sorted(overdue, reverse=True)  # every overdue one before the rest
        assert all(r.days_to_renewal <= 180 for r in rows)
        top = str(app.screen.query_one("#renewals-top").render())
        assert "Forecast  90 d:" in top and "Forecast 180 d:" in top and "commit" in top


async def test_the_outcome_form_starts_on_the_outcome_with_no_default(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        account_id = app.screen.selected_account_id()
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        outcome = form.query_one("#outcome")
        assert app.focused is outcome and outcome.is_blank()
        await pilot.press("ctrl+s")  # nothing chosen: refused, nothing written
        await settle(pilot)
        assert "choose the outcome" in str(form.query_one("#form-problem").render())
        assert app.workbench.desk.db.execute(
            "SELECT count(*) FROM renewals WHERE account_id=? AND date=?",
            [account_id, AS_OF.isoformat()]).fetchone()[0] == 0
        outcome.value = "churned"
        await settle(pilot)
        assert not form.query_one("#new-arr").display  # churned: no new ARR
        assert not form.query_one("#new-arr-label").display
        outcome.value = "contracted"
        await settle(pilot)
        assert form.query_one("#new-arr").display


async def test_portfolio_trend_charts_with_their_numbers(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        bands = str(app.screen.query_one("#band-trend").render())
        retention = str(app.screen.query_one("#retention-trend").render())
    assert "Band mix per month" in bands and "2026-11" in bands and "2025-12" in bands
    assert "█" in bands  # drawn
    assert "Retention per quarter" in retention and "2026-Q4 GRR" in retention
    assert "%" in retention and "Forecast calls right" in retention
    assert "your calls" in retention and "csdesk's suggestions" in retention


def test_renewals_at_80x24(snap_compare, app):
    assert snap(snap_compare, app, "3", size=(80, 24), refreshes=2)


def test_forecast_call_form(snap_compare, app):
    assert snap(snap_compare, app, "3", "c", refreshes=2)


def test_portfolio_trend_at_80x24(snap_compare, app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        pilot.app.screen.query_one("#retention-trend").scroll_visible(animate=False,
                                                                      top=True)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_o_logs_the_outcome_from_todays_renewal_item(app):
    from csdesk.tui.forms import RenewalForm

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen.query_one("#queue")
        index = next(i for i, item in enumerate(queue.rows) if item.kind == "renewal")
        queue.cursor = index
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, RenewalForm)
        assert app.screen.account_id == queue.rows[index].account_id
        assert app.screen.query_one("#outcome").is_blank()
        # a renewal past its date is logged for that date (on time), not for today
        renews = app.book.assessments[queue.rows[index].account_id].account.renewal_date
        assert app.screen.query_one("#date").value == min(renews, app.as_of).isoformat()


async def test_the_account_shows_its_renewal_history_and_takes_o_and_c(app):
    from textual.widgets import TabbedContent

    from csdesk.tui.forms import RenewalForm
    from csdesk.tui.forms_forecast import ForecastCallForm
    from csdesk.tui.messages import OpenAccount

    db = app.workbench.desk.db
    account_id, outcome = db.execute(
        "SELECT r.account_id, r.outcome FROM renewals r JOIN accounts a USING (account_id) "
        "WHERE a.status = 'active' ORDER BY r.date DESC LIMIT 1").fetchone()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenAccount(account_id))
        await settle(pilot)
        app.screen.query_one("#account-tabs", TabbedContent).active = "renewals"
        await settle(pilot)
        history = app.screen.query_one("#renewal-history").rows
        assert history and str(history[0][0].outcome) == outcome
        assert history[0][1] is not None  # the demo's CSM called it: the call it settled
        now = str(app.screen.query_one("#renewal-now").render())
        assert "Your call" in now and "csdesk suggests" in now
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ForecastCallForm)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")  # the screen's key: from any tab
        await settle(pilot)
        assert isinstance(app.screen, RenewalForm) and app.screen.account_id == account_id


def test_account_renewals_tab(snap_compare, app):
    from textual.widgets import TabbedContent

    from csdesk.tui.messages import OpenAccount

    async def run_before(pilot):
        await settle(pilot)
        [account_id] = pilot.app.workbench.desk.db.execute(
            "SELECT r.account_id FROM renewals r JOIN accounts a USING (account_id) "
            "WHERE a.status = 'active' ORDER BY r.date DESC, r.account_id LIMIT 1").fetchone()
        pilot.app.post_message(OpenAccount(account_id))
        await settle(pilot)
        pilot.app.screen.query_one("#account-tabs", TabbedContent).active = "renewals"
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
