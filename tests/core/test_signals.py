"""§5 churn signals (leading, lagging) and §6 expansion signals."""

import pytest

from csdesk.core.signals import (
    churn_signals,
    expansion_signals,
    lagging_signals,
    leading_signals,
    unanswered_detractors,
    weekly_logins,
)
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ahead,
    book,
    contact,
    nps,
    ticket,
    touch,
    usage,
)


def logins(*weekly):
    """Weekly usage rows, most recent week first (3 days into each week)."""
    return tuple(usage(3 + 7 * i, 50, logins=n) for i, n in reversed(list(enumerate(weekly))))


def test_weekly_logins_most_recent_first():
    assert weekly_logins(book(usage=logins(10, 20, 40)), AS_OF, 4) == [10, 20, 40, None]


@pytest.mark.parametrize("weeks, signal", [
    ((60, 100, 150), True),    # -40%, -33%: two weeks down more than 30%
    ((70, 100, 150), False),   # -30% exactly is not more than 30%
    ((69, 100, 150), True),    # -31%
    ((60, 100, 100), False),   # only one week down
    ((60, 100), False),        # no third week to compare
])
def test_login_decline_two_consecutive_weeks(weeks, signal):
    got = leading_signals(book(usage=logins(*weeks)), AS_OF, RULES)
    assert any("logins down" in s for s in got) is signal


def test_champion_or_sponsor_departure_is_leading():
    data = book(contacts=(contact("Ann", "champion", status="departed", departed_ago=10),
                          contact("Bo", "executive_sponsor", status="departed", departed_ago=20),
                          contact("Cy", "user", status="departed", departed_ago=5)))
    got = leading_signals(data, AS_OF, RULES)
    assert [s for s in got if "departed" in s] == [
        "Champion Ann departed on 2026-11-13", "Executive sponsor Bo departed on 2026-11-03"]


@pytest.mark.parametrize("csat, signal", [(2, True), (3, False)])
def test_ticket_spike_with_low_csat(csat, signal):
    data = book(tickets=tuple(ticket(10, 5, csat=csat) for _ in range(3)))
    assert any("Ticket spike" in s for s in leading_signals(data, AS_OF, RULES)) is signal


@pytest.mark.parametrize("days, renewal_touch_ago, signal", [
    (90, None, True),     # window opens 90 days out
    (91, None, False),
    (0, None, True),
    (60, 20, False),      # a renewal touchpoint 20 days ago: after the window opened (30 ago)
    (60, 31, True),       # before the window opened
])
def test_renewal_without_renewal_touchpoint(days, renewal_touch_ago, signal):
    tps = () if renewal_touch_ago is None else (touch(renewal_touch_ago, kind="renewal"),)
    data = book(account(renewal_date=ahead(days)), touchpoints=tps)
    assert any("Renewal in" in s for s in leading_signals(data, AS_OF, RULES)) is signal


def test_two_most_recent_scheduled_touchpoints_missed():
    data = book(touchpoints=(touch(20), touch(10, status="missed"), touch(3, status="missed")))
    assert any("missed" in s for s in leading_signals(data, AS_OF, RULES))


def test_lagging_signals_from_flags_and_nps():
    data = book(touchpoints=(touch(10, flags=["data_export_request"]),
                             touch(5, flags=["termination_inquiry", "complaint"]),
                             touch(200, flags=["complaint"])),
                nps=(nps(8, 4, "cfo@acme.test"), nps(9, 9)))
    assert lagging_signals(data, AS_OF, RULES) == [
        "Customer asked for a data export on 2026-11-13",
        "Customer asked about termination clauses on 2026-11-18",
        "Customer filed a formal complaint on 2026-11-18",
        "NPS detractor response (4) from cfo@acme.test on 2026-11-15",
    ]


@pytest.mark.parametrize("active, signal", [(80, False), (81, True)])
def test_seats_above_80_percent_is_an_expansion_signal(active, signal):
    got = expansion_signals(book(usage=(usage(2, active),)), AS_OF, RULES)
    assert any(s.startswith("Seats") for s in got) is signal


def test_logged_expansion_flags():
    data = book(touchpoints=(touch(10, flags=["adjacent_pain", "exec_engaged"]),
                             touch(3, flags=["org_spread", "early_renewal"])))
    assert len(expansion_signals(data, AS_OF, RULES)) == 4
    assert churn_signals(data, AS_OF, RULES).expansion == tuple(
        expansion_signals(data, AS_OF, RULES))


def test_unanswered_detractors_need_a_completed_touchpoint_after():
    responses = (nps(10, 3), nps(181, 2))  # the second is outside the 180-day window (§13)
    assert [n.score for n in unanswered_detractors(book(nps=responses), AS_OF, RULES)] == [3]
    followed = book(nps=responses, touchpoints=(touch(9),))
    assert unanswered_detractors(followed, AS_OF, RULES) == []
    before = book(nps=responses, touchpoints=(touch(11),))
    assert len(unanswered_detractors(before, AS_OF, RULES)) == 1
