"""The rules read dated rows from the newest end (AccountData keeps them in date order): each
fast reading is checked against the plain definition it replaces, over random books."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from csdesk.core.health import above, at_least, latest_nps, latest_usage, ticket_spike
from csdesk.core.models import (
    AccountData,
    Nps,
    Ticket,
    Touchpoint,
    TouchpointKind,
    TouchpointStatus,
    Usage,
)
from csdesk.core.signals import login_decline_weeks
from csdesk.core.timeline import latest, within_last
from csdesk.core.touchpoints import last_completed, logged_since, recent_missed_in_a_row
from tests.core.books import AS_OF, RULES, account, ago, book

DONE, MISSED, PLANNED = (TouchpointStatus.completed, TouchpointStatus.missed,
                         TouchpointStatus.scheduled)


def tp(days: int, status=DONE, kind=TouchpointKind.call, summary: str | None = None) -> Touchpoint:
    return Touchpoint(account_id="A1", date=ago(days), kind=kind, status=status, summary=summary)


# --- the plain definitions ------------------------------------------------------------------


def plain_last_completed(tps, as_of):
    done = [t for t in tps if t.status == DONE and t.date <= as_of]
    return max(done, key=lambda t: t.date) if done else None


def plain_missed_in_a_row(tps, as_of, count):
    recent = [t for t in sorted(tps, key=lambda t: t.date, reverse=True)
              if t.date <= as_of and t.status in (DONE, MISSED)][:count]
    return len(recent) == count and all(t.status == MISSED for t in recent)


def plain_logged_since(tps, since, as_of, kinds, completed_only):
    return [t for t in tps if since <= t.date <= as_of and t.status != MISSED
            and (not completed_only or t.status == DONE) and (kinds is None or t.kind in kinds)]


touchpoints = st.lists(st.builds(
    tp, st.integers(-5, 60), st.sampled_from([DONE, MISSED, PLANNED]),
    st.sampled_from([TouchpointKind.call, TouchpointKind.check_in, TouchpointKind.renewal]),
    st.text(max_size=3)), max_size=12)


@given(touchpoints, st.integers(1, 3), st.integers(-3, 70), st.booleans())
def test_touchpoint_readings_match_their_plain_definitions(tps, count, since_days, done_only):
    data = book(touchpoints=tps)
    ordered = data.touchpoints
    assert [t.date for t in ordered] == sorted(t.date for t in tps)
    assert last_completed(ordered, AS_OF) is plain_last_completed(tps, AS_OF)
    assert recent_missed_in_a_row(ordered, AS_OF, count) == plain_missed_in_a_row(
        tps, AS_OF, count)
    for kinds in (None, (TouchpointKind.check_in, TouchpointKind.renewal)):
        got = logged_since(ordered, ago(since_days), AS_OF, kinds, completed_only=done_only)
        want = plain_logged_since(ordered, ago(since_days), AS_OF, kinds, done_only)
        assert got == want


def test_account_data_keeps_a_days_rows_in_the_order_given():
    first, second, older = tp(3, summary="first"), tp(3, summary="second"), tp(9)
    data = book(touchpoints=[first, second, older])
    assert [t.summary for t in data.touchpoints] == [None, "first", "second"]


def test_a_day_counts_its_touchpoints_in_the_order_logged():
    # The newest two completed-or-missed are (completed, missed) of the same day: not two missed.
    data = book(touchpoints=[tp(10, MISSED), tp(2, DONE), tp(2, MISSED)])
    assert not recent_missed_in_a_row(data.touchpoints, AS_OF, 2)
    data = book(touchpoints=[tp(10, MISSED), tp(2, DONE), tp(2, MISSED), tp(1, MISSED)])
    assert not recent_missed_in_a_row(data.touchpoints, AS_OF, 2)
    data = book(touchpoints=[tp(10, DONE), tp(2, MISSED), tp(1, MISSED), tp(-1, DONE)])
    assert recent_missed_in_a_row(data.touchpoints, AS_OF, 2)  # tomorrow's does not count yet


def test_last_completed_is_the_first_logged_of_the_latest_day():
    a, b = tp(4, summary="a"), tp(4, summary="b")
    data = book(touchpoints=[tp(20), a, b, tp(-2), tp(1, MISSED)])
    assert last_completed(data.touchpoints, AS_OF) is a


usage_rows = st.lists(st.builds(
    lambda days, users, logins: Usage(account_id="A1", date=ago(days), active_users=users,
                                      logins=logins),
    st.integers(-3, 50), st.integers(0, 120), st.none() | st.integers(0, 500)), max_size=10)


@given(usage_rows, st.lists(st.builds(
    lambda days, score: Nps(account_id="A1", date=ago(days), score=score),
    st.integers(-3, 200), st.integers(0, 10)), max_size=6))
def test_latest_rows_match_their_plain_definitions(usage, nps):
    data = book(usage=usage, nps=nps)
    window = [u for u in data.usage if within_last(u.date, AS_OF, RULES.usage.window_days)]
    assert latest_usage(data, AS_OF, RULES) is (
        max(window, key=lambda u: u.date) if window else None)
    upto = [u for u in data.usage if u.date <= AS_OF]
    assert latest(data.usage, AS_OF) is (max(upto, key=lambda u: u.date) if upto else None)
    responses = [n for n in data.nps if within_last(n.date, AS_OF, 90)]
    assert latest_nps(data, AS_OF, 90) is (responses[-1] if responses else None)


@given(usage_rows)
def test_login_decline_matches_fractions(usage):
    from csdesk.core.signals import weekly_logins

    data = book(usage=usage)
    weeks = weekly_logins(data, AS_OF, RULES.signals.login_drop_weeks + 1)
    want = []
    for now, before in zip(weeks, weeks[1:]):
        if now is None or not before or 1 - Fraction(now, before) <= Fraction("0.3"):
            break
        want.append(1 - Fraction(now, before))
    assert RULES.signals.login_drop == 0.3
    assert login_decline_weeks(data, AS_OF, RULES) == want


@given(st.integers(0, 10**6), st.integers(1, 10**6),
       st.sampled_from([0.2, 0.5, 0.75, 0.8, 4.5, 2.0, 0.3, 1.0]))
def test_integer_comparisons_are_the_exact_fraction_comparisons(n, d, threshold):
    exact = Fraction(str(threshold))
    assert at_least(n, d, threshold) == (Fraction(n, d) >= exact)
    assert above(n, d, threshold) == (Fraction(n, d) > exact)


def test_integer_comparison_boundaries():
    assert at_least(20, 100, 0.2) and not above(20, 100, 0.2)  # 0.20 usage is 40, not 0
    assert not at_least(19_999, 100_000, 0.2)
    assert above(81, 100, 0.8) and not above(80, 100, 0.8)  # seats used > 80%


def _ticket(n: int, opened: int) -> Ticket:
    return Ticket(ticket_id=f"T{n}", account_id="A1", opened_on=ago(opened), severity="normal")


@given(st.lists(st.integers(-2, 120), max_size=14))
def test_ticket_spike_matches_the_monthly_mean_definition(ages):
    data = AccountData(account=account(), tickets=[_ticket(i, a) for i, a in enumerate(ages)])
    s = RULES.support
    recent = sum(1 for a in ages if 0 <= a <= s.spike_window_days)
    before = sum(1 for a in ages
                 if s.spike_window_days < a <= s.spike_window_days + s.spike_baseline_days)
    mean = Fraction(before * s.spike_window_days, s.spike_baseline_days)
    want = recent >= s.spike_min_tickets and recent >= Fraction(str(s.spike_multiple)) * mean
    assert ticket_spike(data, AS_OF, RULES) == want


def test_ticket_spike_boundary():
    # 3 recent vs 3 in the 60 days before (a monthly mean of 1.5): 3 ≥ 2 × 1.5 is a spike.
    ages = [1, 2, 3, 40, 50, 80]
    data = AccountData(account=account(), tickets=[_ticket(i, a) for i, a in enumerate(ages)])
    assert ticket_spike(data, AS_OF, RULES)
    ages = [1, 2, 3, 40, 50, 80, 85]  # a mean of 2: 3 < 4
    data = AccountData(account=account(), tickets=[_ticket(i, a) for i, a in enumerate(ages)])
    assert not ticket_spike(data, AS_OF, RULES)


def test_flags_are_read_from_the_newest_end():
    from csdesk.core.models import Flag
    from csdesk.core.signals import lagging_signals

    old = Touchpoint(account_id="A1", date=ago(200), kind="call", flags=(Flag.complaint,))
    new = Touchpoint(account_id="A1", date=ago(5), kind="call", flags=(Flag.complaint,))
    newer = Touchpoint(account_id="A1", date=ago(2), kind="call", flags=(Flag.complaint,))
    later = Touchpoint(account_id="A1", date=ago(-3), kind="call", flags=(Flag.complaint,))
    data = book(touchpoints=[newer, old, later, new])
    assert lagging_signals(data, AS_OF, RULES) == [
        f"Customer filed a formal complaint on {ago(2)}"]
