"""§9 renewals: days to renewal, the window, ARR at risk, logging an outcome."""

import datetime as dt

import pytest

from csdesk.core.assess import assess
from csdesk.core.models import Outcome
from csdesk.core.renewals import (
    arr_at_risk,
    days_to_renewal,
    in_renewal_window,
    outcome_day,
    renewal_outcome,
    renewal_window_opens,
)
from tests.core.books import AS_OF, RULES, account, ahead, book, daily, touch, usage


@pytest.mark.parametrize("days, inside", [(-1, False), (0, True), (90, True), (91, False)])
def test_renewal_window_opens_90_days_out(days, inside):
    acct = account(renewal_date=ahead(days))
    assert days_to_renewal(acct, AS_OF) == days
    assert in_renewal_window(days, RULES) is inside
    assert renewal_window_opens(acct, RULES) == acct.renewal_date - dt.timedelta(days=90)


def test_renewed_moves_the_date_by_the_term_with_relativedelta():
    acct = account(arr=50_000, renewal_date=dt.date(2027, 1, 31), term_months=1)
    logged = renewal_outcome(acct, Outcome.renewed, dt.date(2027, 1, 20))
    assert logged.renewal.previous_arr == 50_000 and logged.new_arr == 50_000
    assert logged.next_renewal_date == dt.date(2027, 2, 28)   # month end clamps
    yearly = renewal_outcome(account(renewal_date=dt.date(2028, 2, 29)), "renewed", AS_OF)
    assert yearly.next_renewal_date == dt.date(2029, 2, 28)


def test_contracted_and_expanded_record_the_new_arr():
    acct = account(arr=50_000, renewal_date=ahead(10))
    logged = renewal_outcome(acct, "contracted", AS_OF, new_arr=30_000)
    assert (logged.renewal.previous_arr, logged.new_arr, logged.churned) == (50_000, 30_000, False)
    assert logged.next_renewal_date == ahead(10).replace(year=ahead(10).year + 1)
    assert renewal_outcome(acct, "expanded", AS_OF, new_arr=80_000).new_arr == 80_000
    with pytest.raises(ValueError):
        renewal_outcome(acct, "contracted", AS_OF)


def test_churned_keeps_reason_preventable_and_competitor():
    logged = renewal_outcome(account(arr=50_000), "churned", AS_OF, reason="budget",
                             preventable=True, competitor="Rival")
    r = logged.renewal
    assert (logged.churned, logged.new_arr, logged.next_renewal_date) == (True, 0.0, None)
    assert (r.previous_arr, r.reason, r.preventable, r.competitor) == (
        50_000, "budget", True, "Rival")


def test_arr_at_risk_sums_red_and_yellow_renewing_within_90_and_180_days():
    def scored(account_id, arr, days, band):
        history = daily(band, 5, 1)
        # usage alone decides: 10% of seats -> red, 60% -> yellow, 90% -> green; engagement 100
        active = {"red": 10, "yellow": 40, "green": 90}[band]
        data = book(account(account_id=account_id, arr=arr, renewal_date=ahead(days)),
                    usage=(usage(1, active),), touchpoints=(touch(1),), history=history)
        return assess(data, AS_OF, RULES)

    book_ = [scored("A", 10_000, 30, "red"), scored("B", 20_000, 90, "yellow"),
             scored("C", 40_000, 91, "red"), scored("D", 80_000, 180, "yellow"),
             scored("E", 160_000, 181, "red"), scored("F", 320_000, 30, "green")]
    assert [a.health.band for a in book_] == ["red", "yellow", "red", "yellow", "red", "green"]
    assert arr_at_risk(book_, RULES) == {90: 30_000, 180: 150_000}


@pytest.mark.parametrize("at_risk_days, expected", [
    ((90, 180), [(90, 2, 30_000), (180, 4, 150_000)]),
    ((30, 60), [(30, 1, 10_000), (60, 1, 10_000)]),
    ((91, 181), [(91, 3, 70_000), (181, 5, 310_000)]),
])
def test_renewals_at_risk_counts_and_sums_over_the_configured_days(at_risk_days, expected):
    from csdesk.core.config import Renewals
    from csdesk.core.renewals import renewals_at_risk

    def scored(account_id, arr, days, band):
        active = {"red": 10, "yellow": 40, "green": 90}[band]
        data = book(account(account_id=account_id, arr=arr, renewal_date=ahead(days)),
                    usage=(usage(1, active),), touchpoints=(touch(1),),
                    history=daily(band, 5, 1))
        return assess(data, AS_OF, RULES)

    book_ = [scored("A", 10_000, 30, "red"), scored("B", 20_000, 90, "yellow"),
             scored("C", 40_000, 91, "red"), scored("D", 80_000, 180, "yellow"),
             scored("E", 160_000, 181, "red"), scored("F", 320_000, 30, "green"),
             scored("G", 640_000, -1, "red")]  # past its date: not counted
    rules = RULES.model_copy(update={"renewals": Renewals(at_risk_days=at_risk_days)})
    assert [(r.days, r.count, r.arr) for r in renewals_at_risk(book_, rules)] == expected
    assert arr_at_risk(book_, rules) == {days: arr for days, _, arr in expected}


@pytest.mark.parametrize("renews_in, logged_for", [(-5, -5), (-1, -1), (0, 0), (1, 0), (30, 0)])
def test_an_outcome_is_logged_for_the_renewal_date_once_it_has_passed(renews_in, logged_for):
    a = account(renewal_date=AS_OF + dt.timedelta(days=renews_in))
    assert outcome_day(a, AS_OF) == AS_OF + dt.timedelta(days=logged_for)
