"""Today's top line: ARR at risk is the core's (docs/rules.md §9), over the config's
`renewals.at_risk_days`, not a window of the workbench's own."""

from __future__ import annotations

import pytest

from csdesk.core.assess import assess
from csdesk.core.config import Renewals
from csdesk.core.brief import top_line
from csdesk.tui.book_view import BookView
from csdesk.tui.screens.today import top_line_text
from tests.core.books import AS_OF, RULES, account, ahead, book, daily, touch, usage


def _scored(account_id: str, arr: float, days: int, band: str):
    # usage alone decides the band (10% of seats red, 40% yellow, 90% green)
    active = {"red": 10, "yellow": 40, "green": 90}[band]
    data = book(account(account_id=account_id, arr=arr, renewal_date=ahead(days)),
                usage=(usage(1, active),), touchpoints=(touch(1),), history=daily(band, 5, 1))
    return assess(data, AS_OF, RULES)


BOOK = [_scored("A", 10_000, 30, "red"), _scored("B", 20_000, 45, "yellow"),
        _scored("C", 40_000, 60, "red"), _scored("D", 80_000, 90, "yellow"),
        _scored("E", 160_000, 181, "red"), _scored("F", 320_000, 30, "green")]


@pytest.mark.parametrize("at_risk_days, count, arr, words", [
    ((90, 180), 4, 150_000, "in 90 days"),  # the default
    ((30, 60), 1, 10_000, "in 30 days"),
    ((45, 90), 2, 30_000, "in 45 days"),
    ((60, 120), 3, 70_000, "in 60 days"),
])
def test_arr_at_risk_on_today_follows_the_configured_at_risk_days(at_risk_days, count, arr,
                                                                  words):
    rules = RULES.model_copy(update={"renewals": Renewals(at_risk_days=at_risk_days)})
    top = top_line(BOOK, rules)
    first = top.at_risk[0]
    assert (first.days, first.count, first.arr) == (at_risk_days[0], count, arr)
    assert [r.days for r in top.at_risk] == list(at_risk_days)
    shown = top_line_text(BookView(as_of=AS_OF, assessments={}, brief=[], top=top)).plain
    assert f"ARR at risk renewing {words}: " in shown
    assert f"({count} red or yellow account" in shown
