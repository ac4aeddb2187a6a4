"""§11 portfolio metrics, hand-computed."""

import datetime as dt

import pytest

from csdesk.core.metrics import (
    meets,
    net_promoter_score,
    portfolio_metrics,
    renewal_rate,
    retention,
    review_completion,
    targets,
)
from csdesk.core.models import Account, Nps, Renewal, Touchpoint

from .books import RULES

START, END = dt.date(2026, 1, 1), dt.date(2027, 1, 1)


def acct(aid, arr, start="2024-01-01", status="active"):
    return Account(account_id=aid, name=aid, arr=arr, contract_start=start,
                   renewal_date="2027-06-01", status=status)


def outcome(aid, day, kind, prev, new):
    return Renewal(account_id=aid, date=day, outcome=kind, previous_arr=prev, new_arr=new)


def test_grr_nrr_logo_churn_with_expansion_contraction_and_churn_in_one_period():
    accounts = [
        acct("E", 120_000),   # expanded 100k -> 120k in the period: ARR at start 100k
        acct("C", 30_000),    # contracted 40k -> 30k: ARR at start 40k
        acct("X", 0, status="churned"),  # churned, previous 20k: ARR at start 20k
        acct("S", 40_000),    # no outcome: ARR at start = ARR now, 40k
        acct("N", 99_000, start="2026-03-01"),  # new in the period: not counted
    ]
    renewals = [
        outcome("E", dt.date(2026, 3, 1), "expanded", 100_000, 120_000),
        outcome("C", dt.date(2026, 5, 1), "contracted", 40_000, 30_000),
        outcome("X", dt.date(2026, 7, 1), "churned", 20_000, 0),
        outcome("S", dt.date(2025, 6, 1), "renewed", 40_000, 40_000),  # before the period
    ]
    r = retention(accounts, renewals, START, END)
    # start ARR 100k + 40k + 20k + 40k = 200k; expansion 20k; contraction 10k; churn 20k
    assert r["arr_at_start"] == 200_000 and r["accounts_at_start"] == 4
    assert (r["expansion_arr"], r["contraction_arr"], r["churned_arr"]) == (20_000, 10_000, 20_000)
    assert r["grr"] == pytest.approx((200_000 - 10_000 - 20_000) / 200_000)  # 0.85
    assert r["nrr"] == pytest.approx((200_000 + 20_000 - 10_000 - 20_000) / 200_000)  # 0.95
    assert r["logo_churn_rate"] == pytest.approx(1 / 4)


def test_an_outcome_on_the_period_end_is_outside_it():
    accounts = [acct("E", 120_000)]
    renewals = [outcome("E", END, "expanded", 100_000, 120_000)]
    r = retention(accounts, renewals, START, END)
    # not in the period, so no expansion; but its previous_arr still says what E paid at start
    assert (r["arr_at_start"], r["expansion_arr"], r["nrr"]) == (100_000, 0, 1.0)


def test_a_past_period_takes_arr_at_start_from_a_later_outcome():
    # 2025: C contracted 50k -> 30k in March 2026, after the period; in 2025 it paid 50k
    accounts = [acct("C", 30_000)]
    renewals = [outcome("C", dt.date(2026, 3, 1), "contracted", 50_000, 30_000)]
    r = retention(accounts, renewals, dt.date(2025, 1, 1), START)
    assert (r["arr_at_start"], r["contraction_arr"], r["grr"]) == (50_000, 0, 1.0)


def test_an_account_that_left_before_the_start_is_not_in_the_base():
    accounts = [
        acct("GONE", 80_000, status="churned"),   # churned in 2025, ARR left as it was
        acct("LOST", 60_000, status="churned"),   # marked churned, no outcome: date unknown
        acct("X", 20_000, status="churned"),      # churned in the period: in the base
        acct("S", 100_000),
    ]
    renewals = [outcome("GONE", dt.date(2025, 6, 1), "churned", 80_000, 0),
                outcome("X", dt.date(2026, 7, 1), "churned", 20_000, 0)]
    r = retention(accounts, renewals, START, END)
    assert (r["accounts_at_start"], r["arr_at_start"], r["churned_arr"]) == (2, 120_000, 20_000)
    assert r["grr"] == pytest.approx(100_000 / 120_000)
    assert r["logo_churn_rate"] == pytest.approx(1 / 2)
    # the 2025 period still counts GONE: it was a customer on 2025-01-01 and left in it
    before = retention(accounts, renewals, dt.date(2025, 1, 1), START)
    assert (before["accounts_at_start"], before["churned_accounts"]) == (3, 1)


def test_no_accounts_at_start_gives_no_rates():
    r = retention([], [], START, END)
    assert r["grr"] is None and r["nrr"] is None and r["logo_churn_rate"] is None


def due_on(aid, renewal_date, status="active"):
    """An account whose next renewal falls on `renewal_date` (a renewal logged for the one
    before moved it there by the term, 12 months)."""
    return Account(account_id=aid, name=aid, arr=10_000, contract_start="2020-01-01",
                   renewal_date=renewal_date, status=status)


# §13 renewal rate (seed: closed on time): renewals due in the period whose outcome is renewed,
# expanded or contracted and was logged on or before the renewal date, ÷ renewals due in it.
@pytest.mark.parametrize("account, renewals, due, on_time", [
    # logged before the due date (2026-03-01; the next is 2027-03-01): on time
    (due_on("A", "2027-03-01"), [("2026-02-20", "renewed")], 1, 1),
    (due_on("A", "2027-03-01"), [("2026-03-01", "expanded")], 1, 1),   # on the day: on time
    (due_on("A", "2027-03-01"), [("2026-03-02", "contracted")], 1, 0),  # a day late
    (due_on("A", "2026-05-15", "churned"), [("2026-05-01", "churned")], 1, 0),
    (due_on("A", "2026-06-01"), [], 1, 0),             # due in the period, nothing logged
    (due_on("A", "2027-06-01"), [], 0, 0),             # due after the period
    # renewed early, in December, for a renewal due on 2026-01-10: due in the period, on time
    (due_on("A", "2027-01-10"), [("2025-12-20", "renewed")], 1, 1),
    # renewed in the period for a renewal due after it (2027-01-05): not due in the period
    (due_on("A", "2028-01-05"), [("2026-12-20", "renewed")], 0, 0),
    # two renewals due in the period (term 12 months): each counted
    (due_on("A", "2027-02-01"), [("2025-01-20", "renewed"), ("2026-01-25", "renewed")], 1, 1),
])
def test_renewal_rate_counts_renewals_due_and_closed_on_time(account, renewals, due, on_time):
    rows = [Renewal(account_id="A", date=day, outcome=kind, previous_arr=10_000,
                    new_arr=0 if kind == "churned" else 10_000) for day, kind in renewals]
    rate, n = renewal_rate([account], rows, START, END)
    assert n == due
    assert rate == (on_time / due if due else None)


def test_renewal_rate_over_a_book():
    accounts = [due_on("A", "2027-03-01"), due_on("B", "2027-03-01"),
                due_on("C", "2026-06-01"), due_on("D", "2026-05-15", "churned")]
    renewals = [outcome("A", dt.date(2026, 2, 1), "renewed", 1, 1),
                outcome("B", dt.date(2026, 3, 9), "expanded", 1, 2),   # late
                outcome("D", dt.date(2026, 5, 1), "churned", 1, 0)]
    assert renewal_rate(accounts, renewals, START, END) == (0.25, 4)
    assert renewal_rate([], [], START, END) == (None, 0)


def nps(aid, day, score, contact):
    return Nps(account_id=aid, date=day, score=score, contact=contact)


def test_nps_counts_each_contacts_latest_response():
    responses = [
        nps("A", dt.date(2026, 2, 1), 3, "ann@a.com"),   # superseded by her 10 below
        nps("A", dt.date(2026, 9, 1), 10, "ANN@a.com"),  # promoter (same contact, any case)
        nps("A", dt.date(2026, 3, 1), 8, "bo@a.com"),    # passive
        nps("B", dt.date(2026, 4, 1), 2, "cy@b.com"),    # detractor
        nps("B", dt.date(2026, 4, 1), 9, None),          # no contact: its own respondent
        nps("B", dt.date(2025, 4, 1), 0, "old@b.com"),   # before the period
    ]
    score, n = net_promoter_score(responses, START, END)
    # 4 respondents: promoters 2 (Ann 10, anonymous 9), detractors 1 (Cy) -> (2-1)/4 = +25
    assert (score, n) == (25.0, 4)


def test_nps_without_responses():
    assert net_promoter_score([], START, END) == (None, 0)


def test_review_completion_per_tier_cadence():
    accounts = [acct("ENT", 200_000), acct("MID", 50_000), acct("SMB", 5_000)]
    reviews = [Touchpoint(account_id="ENT", date=dt.date(2026, m, 10), kind="qbr")
               for m in (2, 5, 8)]
    reviews += [Touchpoint(account_id="MID", date=dt.date(2026, 6, 1), kind="ebr"),
                Touchpoint(account_id="MID", date=dt.date(2026, 7, 1), kind="ebr"),
                Touchpoint(account_id="MID", date=dt.date(2026, 8, 1), kind="ebr"),
                Touchpoint(account_id="SMB", date=dt.date(2026, 6, 1), kind="qbr"),
                Touchpoint(account_id="ENT", date=dt.date(2026, 9, 1), kind="qbr",
                           status="missed")]
    # 365 days: enterprise due 365 // 91 = 4 (3 held); mid-market 365 // 182 = 2 (3 held,
    # counted as 2); smb has no review cadence. (3 + 2) / (4 + 2)
    rate, due, done = review_completion(accounts, reviews, START, END, RULES)
    assert (due, done) == (6, 5) and rate == pytest.approx(5 / 6)


@pytest.mark.parametrize("key, value, expected", [
    ("grr", 0.90, False), ("grr", 0.91, True), ("nrr", 1.10, False), ("nrr", 1.11, True),
    ("logo_churn_rate", 0.05, False), ("logo_churn_rate", 0.04, True),
    ("renewal_rate", 0.96, True), ("grr", None, None),
])
def test_seed_targets(key, value, expected):
    comparison, target = targets(RULES)[key]
    assert meets(value, comparison, target) is expected


def test_review_completion_stops_counting_at_churn_and_uses_arr_at_start():
    # churned mid-year: its ARR is 0 now, but it was enterprise (150k) at the start, and it was
    # a customer for 181 days of the period: 181 // 91 = 1 review due, 1 held
    accounts = [acct("X", 0, status="churned")]
    renewals = [outcome("X", dt.date(2026, 7, 1), "churned", 150_000, 0)]
    reviews = [Touchpoint(account_id="X", date=dt.date(2026, 3, 1), kind="qbr"),
               Touchpoint(account_id="X", date=dt.date(2026, 5, 1), kind="ebr")]
    assert review_completion(accounts, reviews, START, END, RULES, renewals) == (1.0, 1, 1)


def test_review_completion_with_nothing_due_is_none():
    # an enterprise account that started 30 days before the end: no whole cadence fits
    accounts = [acct("NEW", 200_000, start="2026-12-02"), acct("SMB", 5_000)]
    assert review_completion(accounts, [], START, END, RULES) == (None, 0, 0)


def test_portfolio_metrics_end_to_end_with_zero_denominators():
    m = portfolio_metrics([], [], [], [], [], START, END, RULES)
    assert (m.grr, m.nrr, m.logo_churn_rate, m.renewal_rate, m.nps,
            m.median_time_to_first_value_days, m.review_completion_rate) == (None,) * 7
    assert {b: s.count for b, s in m.bands.items()} == {
        "green": 0, "yellow": 0, "red": 0, "unknown": 0}


def test_band_distribution_and_median_time_to_first_value():
    from csdesk.core.assess import assess
    from csdesk.core.metrics import band_distribution, median_time_to_first_value

    from .books import AS_OF, account, book, touch, usage

    green = assess(book(account(account_id="A1", arr=50_000), usage=(usage(3, 90),),
                        touchpoints=(touch(5),)), AS_OF, RULES)
    unknown = assess(book(account(account_id="A2", arr=7_000)), AS_OF, RULES)
    assert green.health.band == "green" and unknown.health.band == "unknown"
    bands = band_distribution([green, unknown])
    assert (bands["green"].count, bands["green"].arr) == (1, 50_000)
    assert (bands["unknown"].count, bands["unknown"].arr) == (1, 7_000)
    assert (bands["red"].count, bands["yellow"].count) == (0, 0)
    timed = [green.model_copy(update={"time_to_first_value_days": d}) for d in (20, 31, 25, 40)]
    # median of 20, 25, 31, 40 = 28; accounts without M2 done do not count
    assert median_time_to_first_value(timed + [unknown]) == 28.0
    assert median_time_to_first_value([unknown]) is None


@pytest.mark.parametrize("kind, prev, new, churned, contraction, expansion", [
    ("churned", 20_000, 0, 20_000, 0, 0),         # previous_arr recorded
    ("churned", None, None, 20_000, 0, 0),        # none: churned ARR is the ARR at start (§13)
    ("contracted", None, 15_000, 0, 5_000, 0),    # the same fallback for the ARR before
    ("expanded", None, 25_000, 0, 0, 5_000),
])
def test_an_outcome_without_previous_arr_uses_the_arr_at_start(kind, prev, new, churned,
                                                                contraction, expansion):
    # half the book churns: GRR must say so even when the import left previous_arr empty
    accounts = [acct("X", 20_000, status="churned" if kind == "churned" else "active"),
                acct("S", 20_000)]
    renewals = [outcome("X", dt.date(2026, 7, 1), kind, prev, new)]
    r = retention(accounts, renewals, START, END)
    assert r["arr_at_start"] == 40_000
    assert (r["churned_arr"], r["contraction_arr"], r["expansion_arr"]) == (
        churned, contraction, expansion)
    assert r["grr"] == pytest.approx((40_000 - churned - contraction) / 40_000)


def test_expansion_pipeline_coverage():
    from csdesk.core.assess import assess
    from tests.core.books import AS_OF, account, healthy, touch, usage

    def assessed(aid, arr, status="active", **rows):
        acct = account(account_id=aid, arr=arr, status=status)
        return assess(healthy(acct=acct, **rows), AS_OF, RULES,
                      signals=False)  # as a whole-book run assesses

    book = [
        assessed("Q", 50_000, usage=(usage(2, 76),)),              # qualified; no signal
        assessed("S", 30_000, usage=(usage(2, 85),)),              # seats 85% > 80%: signal
        assessed("F", 40_000, touchpoints=(touch(5, flags=["org_spread"]),)),  # logged signal
        assessed("N", 20_000, usage=(usage(2, 80),), history=()),  # 80% is not > 80%; no gates
        assessed("C", 90_000, "churned", usage=(usage(2, 95),)),   # not scored
    ]
    assert [a.account.account_id for a in book if a.expansion_signals] == ["S", "F"]
    m = portfolio_metrics([], [], [], [], book, START, END, RULES)
    p = m.expansion_pipeline_coverage
    assert (p.signalled.count, p.signalled.arr) == (2, 70_000)
    assert (p.qualified.count, p.qualified.arr) == (3, 120_000)
    assert p.expansion_arr == m.expansion_arr == 0
