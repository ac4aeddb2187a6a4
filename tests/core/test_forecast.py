"""The renewal forecast call (docs/workflow.md §7), its accuracy, and the portfolio's trend,
hand-computed."""

import datetime as dt

import pytest

from csdesk.core.assess import assess
from csdesk.core.forecast import (
    Call,
    ForecastCall,
    band_mix_by_month,
    call_right,
    forecast_accuracy,
    forecast_arr,
    renewal_forecast,
    renewal_order,
    retention_by_quarter,
    suggest_call,
)
from csdesk.core.models import Account, Alert, ChurnSignals, Renewal

from .books import AS_OF, RULES, account, ago, ahead, healthy, touch

CRITICAL = Alert(level="critical", trigger="champion_departed", title="Champion Ann departed",
                 response="find a new champion", trigger_date=ago(3), due=ahead(-1),
                 overdue=True)
WARNING = Alert(level="warning", trigger="yellow_21_days", title="Yellow 21 days",
                response="x", trigger_date=ago(3), due=ahead(4), overdue=False)


def _case(band="green", alerts=(), lagging=(), leading=(), touchpoints=(), renew_in=200):
    data = healthy(acct=account(renewal_date=ahead(renew_in)),
                   touchpoints=(touch(5), *touchpoints))
    a = assess(data, AS_OF, RULES)
    health = a.health.model_copy(update={"band": band})
    a = a.model_copy(update={"health": health, "alerts": tuple(alerts),
                             "signals": ChurnSignals(lagging=tuple(lagging),
                                                     leading=tuple(leading))})
    return suggest_call(a, data, AS_OF, RULES)


TERMINATION = touch(30, "call", flags=("termination_inquiry",))
EXPORT = touch(10, "email", flags=("data_export_request",))
OLD_TERMINATION = touch(91, "call", flags=("termination_inquiry",))
RENEWAL_TALK = touch(20, "renewal")


@pytest.mark.parametrize("kw, call, why", [
    # churn_expected: red and a termination inquiry / export request in the last 90 days
    (dict(band="red", touchpoints=(TERMINATION,)), "churn_expected",
     f"red, and a termination inquiry logged on {ago(30)}"),
    (dict(band="red", touchpoints=(TERMINATION, EXPORT)), "churn_expected",
     f"red, and a data-export request logged on {ago(10)}"),
    (dict(band="red", touchpoints=(touch(90, "call", flags=("termination_inquiry",)),)),
     "churn_expected", f"red, and a termination inquiry logged on {ago(90)}"),  # day 90 counts
    (dict(band="red", touchpoints=(OLD_TERMINATION,)), "at_risk", "red"),  # day 91 does not
    (dict(band="yellow", touchpoints=(TERMINATION,)), "likely", "yellow"),  # not red: no churn
    # at_risk: red, or a critical alert, or a lagging signal
    (dict(band="red"), "at_risk", "red"),
    (dict(band="green", alerts=(CRITICAL,)), "at_risk",
     "critical alert open: Champion Ann departed"),
    (dict(band="yellow", alerts=(WARNING,)), "likely", "yellow"),  # a warning is not critical
    (dict(band="green", lagging=("Customer filed a formal complaint on 2026-11-01",)),
     "at_risk", "lagging signal: Customer filed a formal complaint on 2026-11-01"),
    # likely: yellow, green with a leading signal, no renewal touchpoint in the window
    (dict(band="yellow"), "likely", "yellow"),
    (dict(band="unknown"), "likely", "no score"),
    (dict(band="green", leading=("Weekly logins down 40%, 35% week over week",)), "likely",
     "green, but weekly logins down 40%, 35% week over week"),
    (dict(band="green", renew_in=90), "likely", "no renewal conversation logged in the window"),
    (dict(band="green", renew_in=-3), "likely", "no renewal conversation logged in the window"),
    # commit
    (dict(band="green", renew_in=60, touchpoints=(RENEWAL_TALK,)), "commit",
     "green, no churn signal, renewal conversation under way"),
    (dict(band="green", renew_in=91), "commit", "green, no churn signal"),  # window not open
])
def test_suggested_call_first_rule_that_applies(kw, call, why):
    s = _case(**kw)
    assert (s.call, s.why) == (call, why)


def test_churn_flag_days_come_from_config():
    rules = RULES.model_copy(update={"forecast": RULES.forecast.model_copy(
        update={"churn_flag_days": 20})})
    data = healthy(touchpoints=(touch(5), TERMINATION))
    a = assess(data, AS_OF, rules)
    a = a.model_copy(update={"health": a.health.model_copy(update={"band": "red"})})
    assert suggest_call(a, data, AS_OF, rules).call == "at_risk"


@pytest.mark.parametrize("call, outcome, right", [
    ("commit", "renewed", True), ("commit", "expanded", True), ("likely", "contracted", True),
    ("likely", "churned", False), ("commit", "churned", False),
    ("at_risk", "churned", True), ("churn_expected", "churned", True),
    ("at_risk", "renewed", False), ("churn_expected", "expanded", False),
])
def test_a_call_is_right_by_the_outcome(call, outcome, right):
    assert call_right(call, outcome) is right


def _call(aid, made, call, suggested=None, renewal="2026-10-01"):
    return ForecastCall(account_id=aid, renewal_date=renewal, call=call,
                        made_on=made, suggested=suggested)


def _outcome(aid, day, kind):
    return Renewal(account_id=aid, date=day, outcome=kind, previous_arr=100, new_arr=(
        0 if kind == "churned" else 100))


def test_accuracy_over_a_hand_built_history():
    renewals = [
        _outcome("A", "2026-10-01", "renewed"),     # call commit (right), suggested likely (right)
        _outcome("B", "2026-10-05", "churned"),     # call likely (wrong), suggested at_risk (right)
        _outcome("C", "2026-10-09", "churned"),     # last call churn_expected (right) beats at_risk
        _outcome("D", "2026-10-10", "renewed"),     # no call: counts as an outcome only
        _outcome("E", "2025-10-01", "renewed"),     # E's earlier cycle: its call was before it
        _outcome("E", "2026-10-01", "renewed"),     # call after the 2025 outcome: at_risk, wrong
        _outcome("F", "2026-12-20", "churned"),     # after as_of: not counted
    ]
    calls = [
        _call("A", "2026-08-01", "commit", "likely"),
        _call("B", "2026-09-01", "likely", "at_risk"),
        _call("C", "2026-08-01", "at_risk", "likely"),
        _call("C", "2026-09-15", "churn_expected", "churn_expected"),
        _call("C", "2026-10-10", "commit", "commit"),  # made after the outcome: not this one's
        _call("E", "2025-09-01", "commit", None),
        _call("E", "2026-09-01", "at_risk", None),  # no suggestion recorded beside it
        _call("F", "2026-11-01", "commit", "commit"),
    ]
    acc = forecast_accuracy(renewals, calls, AS_OF)
    assert acc.outcomes == 6
    assert (acc.calls.n, acc.calls.right) == (5, 3)  # A, B, C, E25, E26 -> A, C, E25
    assert acc.calls.accuracy == pytest.approx(3 / 5)
    assert acc.calls.by_call == {"commit": (2, 2), "likely": (1, 0),
                                 "churn_expected": (1, 1), "at_risk": (1, 0)}
    assert (acc.suggestions.n, acc.suggestions.right) == (3, 3)  # A, B, C
    assert forecast_accuracy([], [], AS_OF).calls.accuracy is None


def _row(aid, days, arr, band="green", call=None, suggested="commit"):
    data = healthy(acct=account(account_id=aid, name=aid, arr=arr,
                                renewal_date=ahead(days)))
    calls = [_call(aid, ago(1), call, renewal=ahead(days))] if call else []
    r = renewal_forecast(assess(data, AS_OF, RULES), data, calls, AS_OF, RULES)
    return r.model_copy(update={"suggested_call": suggested, "band": band})


def test_forecast_arr_by_call_uses_the_csm_call_else_the_suggestion():
    rows = [_row("A", 30, 10_000, call="commit", suggested="at_risk"),
            _row("B", 90, 20_000, suggested="likely"),
            _row("C", 91, 40_000, call="churn_expected"),
            _row("D", 180, 80_000, suggested="commit"),
            _row("E", -5, 5_000, suggested="at_risk")]  # overdue: in every horizon
    assert rows[0].call == "commit" and rows[1].call is None
    arr = forecast_arr(rows, (90, 180))
    assert arr[90] == {"commit": 10_000, "likely": 20_000, "at_risk": 5_000,
                       "churn_expected": 0}
    assert arr[180] == {"commit": 90_000, "likely": 20_000, "at_risk": 5_000,
                        "churn_expected": 40_000}
    assert [r.account_id for r in renewal_order(rows)] == ["E", "A", "B", "C", "D"]
    assert rows[4].overdue and not rows[0].overdue


def test_a_call_on_an_earlier_renewal_date_is_not_this_renewals_call():
    data = healthy(acct=account(renewal_date=ahead(30)))
    calls = [_call("A1", ago(400), "churn_expected", renewal=ahead(30 - 365))]
    r = renewal_forecast(assess(data, AS_OF, RULES), data, calls, AS_OF, RULES)
    assert r.call is None and r.forecast == r.suggested_call


def _acct(aid, arr, start="2024-01-01", status="active"):
    return Account(account_id=aid, name=aid, arr=arr, contract_start=start,
                   renewal_date="2027-06-01", status=status)


def test_band_mix_per_month_carries_the_last_band_over_gaps():
    as_of = dt.date(2026, 11, 23)
    accounts = [_acct("A", 100), _acct("B", 50), _acct("C", 10, start="2026-06-15"),
                _acct("D", 7, status="churned"), _acct("E", 3, status="churned")]
    renewals = [Renewal(account_id="D", date="2026-08-31", outcome="churned", previous_arr=7,
                        new_arr=0),
                Renewal(account_id="B", date="2026-09-10", outcome="expanded",
                        previous_arr=40, new_arr=50)]
    bands = {"A": [("2025-10", "green"), ("2026-03", "yellow"), ("2026-09", "red")],
             "B": [("2026-05", "green")],
             "C": [("2026-07", "yellow")],
             "D": [("2025-01", "red")]}  # E: churned, no outcome: counts nowhere
    months = band_mix_by_month(accounts, renewals, bands, as_of, RULES)
    assert [m.month for m in months] == [f"2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    assert months[-1].through == as_of and months[0].through == dt.date(2025, 12, 31)
    mix = {m.month: (m.count["green"], m.count["yellow"], m.count["red"], m.count["unknown"])
           for m in months}
    assert mix["2025-12"] == (1, 0, 1, 1)  # A green (carried from 2025-10), D red, B unknown
    assert mix["2026-02"] == (1, 0, 1, 1)
    assert mix["2026-03"] == (0, 1, 1, 1)  # A yellow
    assert mix["2026-05"] == (1, 1, 1, 0)  # B green from here on
    assert mix["2026-06"] == (1, 1, 1, 1)  # C started mid-June, no snapshot yet
    assert mix["2026-07"] == (1, 2, 1, 0)
    assert mix["2026-08"] == (1, 2, 0, 0)  # D churned on the 31st
    assert mix["2026-11"] == (1, 1, 1, 0)  # A red since September
    arr = {m.month: m.arr for m in months}
    assert arr["2026-08"]["green"] == 40  # B's ARR before its expansion
    assert arr["2026-09"]["green"] == 50
    assert arr["2025-12"]["red"] == 7


def test_grr_nrr_per_quarter_the_current_through_today():
    as_of = dt.date(2026, 11, 23)
    accounts = [_acct("A", 100), _acct("B", 0, status="churned"), _acct("C", 120)]
    renewals = [Renewal(account_id="B", date="2026-02-01", outcome="churned", previous_arr=50,
                        new_arr=0),
                Renewal(account_id="C", date="2026-11-23", outcome="expanded",
                        previous_arr=100, new_arr=120)]  # today: counts (end inclusive)
    quarters = retention_by_quarter(accounts, renewals, as_of, RULES)
    assert [q.quarter for q in quarters] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    q1, q4 = quarters[0], quarters[-1]
    assert q1.arr_at_start == 250 and q1.grr == pytest.approx(200 / 250)
    assert q4.end == dt.date(2026, 11, 24)
    assert q4.arr_at_start == 200 and q4.grr == 1 and q4.nrr == pytest.approx(220 / 200)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.lists(st.tuples(st.integers(-30, 200), st.integers(0, 10**6),
                          st.sampled_from(list(Call)), st.none() | st.sampled_from(list(Call))),
                max_size=12))
def test_forecast_arr_splits_every_renewal_in_the_horizon_once(rows):
    base = _row("A", 10, 1)
    made = [base.model_copy(update={"account_id": f"A{i}", "days_to_renewal": days,
                                    "arr": float(arr), "suggested_call": suggested,
                                    "call": call, "overdue": days < 0})
            for i, (days, arr, suggested, call) in enumerate(rows)]
    got = forecast_arr(made, (90, 180))
    for horizon in (90, 180):
        assert sum(got[horizon].values()) == sum(r.arr for r in made
                                                 if r.days_to_renewal <= horizon)
    assert all(got[90][c] <= got[180][c] for c in got[90])
    ordered = renewal_order(made)
    assert [r.overdue for r in ordered] == sorted((r.overdue for r in made), reverse=True)
