"""One snapshot per screen and per Account tab, on the demo book, at 140x45, as of 2026-11-23.

Update after an intended change with `pytest tests/tui --snapshot-update`, then look at the
report before committing.
"""

from __future__ import annotations

from .conftest import SIZE, settle, snap


def _showcase_account(app) -> str:
    """An account with a lot to show: mapped stakeholders, goals and onboarding if possible."""
    from csdesk.core.signals import churn_signals

    desk = app.workbench.desk  # the book's assessments leave the signals to the account view
    book = {data.account.account_id: data for data in desk.load()}
    best, best_score = None, -1
    for account_id, a in app.book.assessments.items():
        if a.health is None:
            continue
        signals = churn_signals(book[account_id], desk.as_of, desk.rules)
        score = (3 * bool(a.milestones) + 2 * bool(a.alerts) + bool(signals.leading)
                 + bool(signals.expansion))
        if score > best_score:
            best, best_score = account_id, score
    return best


def _open_showcase(tab_presses: int):
    async def go(pilot):
        pilot.app.open_account(_showcase_account(pilot.app))
        await settle(pilot)
        for _ in range(tab_presses):
            await pilot.press("right_square_bracket")
            await settle(pilot)

    return go


def test_today(snap_compare, app):
    assert snap(snap_compare, app)


def test_accounts(snap_compare, app):
    assert snap(snap_compare, app, "2")


def test_accounts_red_tab_sorted_by_score(snap_compare, app):
    assert snap(snap_compare, app, "2", "right_square_bracket", "s")


def test_renewals(snap_compare, app):
    assert snap(snap_compare, app, "3")


def test_portfolio(snap_compare, app):
    assert snap(snap_compare, app, "4")


def test_account_overview(snap_compare, app):
    assert snap(snap_compare, app, then=_open_showcase(0))


def test_account_stakeholders(snap_compare, app):
    assert snap(snap_compare, app, then=_open_showcase(1))


def test_account_onboarding(snap_compare, app):
    assert snap(snap_compare, app, then=_open_showcase(2))


def test_account_success_plan(snap_compare, app):
    assert snap(snap_compare, app, then=_open_showcase(3))


def test_account_timeline(snap_compare, app):
    assert snap(snap_compare, app, then=_open_showcase(5))  # after the Save plan tab


def test_touchpoint_form(snap_compare, app):
    assert snap(snap_compare, app, "t")


def test_empty_book(snap_compare, empty_app):
    assert snap(snap_compare, empty_app)
