"""§2 the five dimensions and the health score, one table per rule, every boundary named."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csdesk.core.config import DIMENSIONS, Rules, Weights
from csdesk.core.health import (
    composite,
    engagement_score,
    outcomes_score,
    relationship_score,
    score_health,
    support_score,
    ticket_spike,
    usage_score,
)
from csdesk.core.models import Band, Renewal
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ago,
    ahead,
    book,
    contact,
    goal,
    nps,
    ticket,
    touch,
    usage,
)

# --- usage ------------------------------------------------------------------------------------


@pytest.mark.parametrize("active, points", [
    (0, 0),
    (19, 0),     # 19% < 20%
    (20, 40),    # 20% is the first step
    (49, 40),
    (50, 70),    # 50%
    (74, 70),
    (75, 100),   # 75%
    (100, 100),
    (130, 100),  # more users than seats: ratio capped at 1
])
def test_usage_ratio_steps_of_100_seats(active, points):
    assert usage_score(book(usage=(usage(3, active),)), AS_OF, RULES) == points


def test_usage_uses_the_latest_row_of_the_last_30_days():
    rows = (usage(40, 90), usage(20, 80), usage(2, 10))  # latest: 10 of 100 = 10% -> 0
    assert usage_score(book(usage=rows), AS_OF, RULES) == 0


@pytest.mark.parametrize("days_ago, points", [(30, 100), (31, None)])
def test_usage_window_is_30_days_inclusive(days_ago, points):
    assert usage_score(book(usage=(usage(days_ago, 80),)), AS_OF, RULES) == points


@pytest.mark.parametrize("seats", [None, 0])
def test_usage_is_na_without_seats(seats):
    data = book(account(seats_licensed=seats), usage=(usage(1, 10),))
    assert usage_score(data, AS_OF, RULES) is None


def test_usage_is_na_without_rows():
    assert usage_score(book(), AS_OF, RULES) is None


def test_usage_boundary_is_exact_for_odd_seat_counts():
    # 3 seats: 1/3 = 33% -> 40; 15 of 20 seats = exactly 0.75 -> 100
    assert usage_score(book(account(seats_licensed=3), usage=(usage(1, 1),)), AS_OF, RULES) == 40
    assert usage_score(book(account(seats_licensed=20), usage=(usage(1, 15),)), AS_OF, RULES) == 100


# --- engagement -------------------------------------------------------------------------------

# Cadence C: enterprise 14, mid_market 30, smb 90. <= C -> 100, <= 2C -> 60, <= 3C -> 30, else 0.
@pytest.mark.parametrize("arr, days_since, points", [
    (150_000, 0, 100), (150_000, 14, 100), (150_000, 15, 60), (150_000, 28, 60),
    (150_000, 29, 30), (150_000, 42, 30), (150_000, 43, 0),
    (50_000, 30, 100), (50_000, 31, 60), (50_000, 60, 60), (50_000, 61, 30), (50_000, 90, 30),
    (50_000, 91, 0),
    (5_000, 90, 100), (5_000, 91, 60), (5_000, 180, 60), (5_000, 181, 30), (5_000, 270, 30),
    (5_000, 271, 0),
])
def test_engagement_against_tier_cadence(arr, days_since, points):
    data = book(account(arr=arr, contract_start=ago(1000)), touchpoints=(touch(days_since),))
    assert engagement_score(data, AS_OF, RULES) == points


def test_engagement_counts_tech_touch_for_smb():
    data = book(account(arr=5_000), touchpoints=(touch(80, kind="tech_touch"),))
    assert engagement_score(data, AS_OF, RULES) == 100


def test_two_consecutive_missed_touchpoints_score_zero():
    tps = (touch(20), touch(5, status="missed"), touch(2, status="missed"))
    assert engagement_score(book(touchpoints=tps), AS_OF, RULES) == 0


def test_one_missed_touchpoint_is_not_enough():
    # last completed 5 days ago (<= 30 -> 100), then one missed
    tps = (touch(10, status="missed"), touch(5), touch(2, status="missed"))
    assert engagement_score(book(touchpoints=tps), AS_OF, RULES) == 100


def test_scheduled_touchpoints_do_not_break_two_missed():
    # the two most recent completed-or-missed are both missed; the scheduled one in between
    # has not happened
    tps = (touch(9, status="missed"), touch(6, status="scheduled"), touch(3, status="missed"))
    assert engagement_score(book(touchpoints=tps), AS_OF, RULES) == 0


@pytest.mark.parametrize("age_days, points", [(30, None), (31, 0)])
def test_engagement_without_any_completed_touchpoint(age_days, points):
    # mid-market C = 30: N/A while the account is at most C days old, then 0
    data = book(account(contract_start=ago(age_days)))
    assert engagement_score(data, AS_OF, RULES) == points


# --- outcomes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("statuses, points", [
    ((), None),
    (("achieved",), 100),
    (("on_track",), 70),
    (("not_started",), 50),
    (("at_risk",), 30),
    (("missed",), 0),
    (("achieved", "on_track", "not_started"), 73),  # 220/3 = 73.33 -> 73
    (("achieved", "at_risk"), 65),                  # 130/2 = 65
    (("on_track", "on_track", "achieved", "at_risk"), 68),  # 270/4 = 67.5 -> 68 (half up)
])
def test_outcomes_mean_of_goals(statuses, points):
    goals = tuple(goal(f"g{i}", s) for i, s in enumerate(statuses))
    assert outcomes_score(book(goals=goals), AS_OF, RULES) == points


# --- support ----------------------------------------------------------------------------------

@pytest.mark.parametrize("csats, points", [
    ((5, 4), 100),       # mean 4.5 -> 100
    ((5, 4, 4), 80),     # 4.33 -> 80
    ((4,), 80),          # 4.0 -> 80
    ((4, 3, 4), 60),     # 3.67 -> 60
    ((3,), 60),          # 3.0 -> 60
    ((3, 3, 2), 20),     # 2.67 < 3 -> 20
    ((1,), 20),
])
def test_support_by_mean_csat(csats, points):
    tickets = tuple(ticket(40, 35, csat=c) for c in csats)
    assert support_score(book(tickets=tickets), AS_OF, RULES) == points


def test_support_without_csat_but_tickets_is_70():
    assert support_score(book(tickets=(ticket(10), ticket(50, 45))), AS_OF, RULES) == 70


def test_support_is_na_without_tickets_in_90_days():
    assert support_score(book(tickets=(ticket(120, 100, csat=1),)), AS_OF, RULES) is None
    assert support_score(book(), AS_OF, RULES) is None


def test_open_critical_ticket_scores_zero():
    tickets = (ticket(5, severity="critical"), ticket(30, 20, csat=5))
    assert support_score(book(tickets=tickets), AS_OF, RULES) == 0


def test_closed_critical_ticket_does_not():
    tickets = (ticket(5, 2, severity="critical", csat=5),)
    assert support_score(book(tickets=tickets), AS_OF, RULES) == 100


def test_an_old_critical_ticket_still_open_counts():
    assert support_score(book(tickets=(ticket(200, severity="critical"),)), AS_OF, RULES) == 0


@pytest.mark.parametrize("recent, before, spike", [
    (3, 0, True),    # 3 in 30 days, monthly mean 0
    (3, 3, True),    # mean of the 60 days before = 1.5/month; 3 >= 2 * 1.5
    (3, 4, False),   # mean 2/month; 3 < 4
    (4, 4, True),    # 4 >= 4
    (2, 0, False),   # fewer than 3
])
def test_ticket_spike(recent, before, spike):
    tickets = tuple(ticket(10, 5, csat=5) for _ in range(recent)) + \
        tuple(ticket(60, 55, csat=5) for _ in range(before))
    data = book(tickets=tickets)
    assert ticket_spike(data, AS_OF, RULES) is spike
    # all CSAT 5 -> 100 without a spike, capped at 40 with one
    assert support_score(data, AS_OF, RULES) == (40 if spike else 100)


def test_spike_windows_meet_at_day_30():
    # day 30 is in "the last 30 days"; day 31 is in the 60 days before
    recent = tuple(ticket(30) for _ in range(3))
    assert ticket_spike(book(tickets=recent + (ticket(31), ticket(90))), AS_OF, RULES) is True
    # baseline 3 tickets (days 31..90) -> 1.5/month, 3 recent >= 3: still a spike
    assert ticket_spike(book(tickets=recent + tuple(ticket(d) for d in (31, 60, 90))),
                        AS_OF, RULES) is True
    assert ticket_spike(book(tickets=recent + tuple(ticket(d) for d in (31, 45, 60, 90))),
                        AS_OF, RULES) is False


def test_spike_cap_does_not_raise_a_lower_score():
    tickets = tuple(ticket(10, 5, csat=1) for _ in range(3))  # mean 1 -> 20, spike cap 40
    assert support_score(book(tickets=tickets), AS_OF, RULES) == 20


# --- relationship -----------------------------------------------------------------------------

@pytest.mark.parametrize("contacts, responses, points", [
    ((), (), 0),                                                   # no stakeholders mapped
    ((contact("Ann", "user"),), (), 15),                           # 0 + 0 + no NPS 15
    ((contact("Ann", "champion"),), (), 55),                       # 40 + 15
    ((contact("Ann", "champion"), contact("Bo", "economic_buyer")), (), 85),
    ((contact("Ann", "champion"), contact("Bo", "executive_sponsor")), (nps(10, 9),), 100),
    ((contact("Ann", "champion"), contact("Bo", "executive_sponsor")), (nps(10, 8),), 85),
    ((contact("Ann", "champion"), contact("Bo", "executive_sponsor")), (nps(10, 6),), 70),
    ((contact("Ann", "champion"),), (nps(10, 10), nps(2, 0)), 40),  # the latest NPS counts
    ((contact("Ann", "champion"),), (nps(181, 0),), 55),           # older than 180 days: none
    ((contact("Ann", "champion"),), (nps(180, 0),), 40),
    ((contact("Bo", "executive_sponsor", status="departed"),), (), 15),  # inactive sponsor
])
def test_relationship_parts(contacts, responses, points):
    assert relationship_score(book(contacts=contacts, nps=responses), AS_OF, RULES) == points


@pytest.mark.parametrize("departed_ago, replacement, points", [
    (10, False, 20),   # 30 sponsor + 30 promoter = 60, capped at 20
    (90, False, 20),
    (91, False, 60),   # departed more than 90 days ago: no cap
    (10, True, 100),   # an active champion replaced her: 40 + 30 + 30
])
def test_relationship_capped_when_champion_departed(departed_ago, replacement, points):
    contacts = [contact("Ann", "champion", status="departed", departed_ago=departed_ago),
                contact("Bo", "executive_sponsor")]
    if replacement:
        contacts.append(contact("Cy", "champion"))
    data = book(contacts=tuple(contacts), nps=(nps(5, 10),))
    assert relationship_score(data, AS_OF, RULES) == points


# --- the score --------------------------------------------------------------------------------

def test_not_scored_before_the_contract_starts():
    assert score_health(book(account(contract_start=ahead(1))), AS_OF, RULES) is None
    assert score_health(book(account(contract_start=AS_OF)), AS_OF, RULES) is not None


def test_not_scored_when_churned():
    assert score_health(book(account(status="churned")), AS_OF, RULES) is None
    churn = Renewal(account_id="A1", date=ago(5), outcome="churned", previous_arr=1, new_arr=0)
    assert score_health(book(renewals=(churn,)), AS_OF, RULES) is None


def test_a_full_account_scored_by_hand():
    data = book(
        usage=(usage(3, 60),),                                   # 60% -> 70
        touchpoints=(touch(10),),                                # mid-market, 10 <= 30 -> 100
        goals=(goal("a", "achieved"), goal("b", "at_risk")),     # (100 + 30)/2 = 65
        tickets=(ticket(20, 10, csat=4),),                       # 4.0 -> 80
        contacts=(contact("Ann", "champion"),),                  # 40 + no NPS 15 = 55
    )
    health = score_health(data, AS_OF, RULES)
    # 35*70 + 25*100 + 20*65 + 10*80 + 10*55 = 2450 + 2500 + 1300 + 800 + 550 = 7600 -> 76
    assert health.dimensions == {"usage": 70, "engagement": 100, "outcomes": 65, "support": 80,
                                 "relationship": 55}
    assert (health.score, health.band, health.coverage) == (76, Band.green, 1.0)


def test_na_dimensions_are_reweighted():
    data = book(usage=(usage(3, 20),), touchpoints=(touch(40),),
                contacts=(contact("Ann", "champion"),))
    health = score_health(data, AS_OF, RULES)
    # usage 40, engagement 60 (40 days <= 2*30), relationship 55; outcomes, support N/A
    # (35*40 + 25*60 + 10*55) / 70 = (1400 + 1500 + 550) / 70 = 49.29 -> 49 red
    assert (health.score, health.band) == (49, Band.red)
    assert health.coverage == pytest.approx(0.70)


def test_below_half_the_weight_is_unknown():
    # engagement N/A (new account), usage N/A (no seats), outcomes 100, support N/A,
    # relationship 55: 30% of the weight -> not enough data
    data = book(account(contract_start=ago(5), seats_licensed=None),
                goals=(goal("a", "achieved"),), contacts=(contact("Ann", "champion"),))
    health = score_health(data, AS_OF, RULES)
    assert (health.score, health.band) == (None, Band.unknown)
    assert health.coverage == pytest.approx(0.30)


@pytest.mark.parametrize("usage_active, score, band", [
    # usage 35, engagement 25 (touchpoint 1 day ago: 100), relationship 10 (no stakeholders: 0);
    # outcomes and support N/A, so score = (35*u + 2500 + 0) / 70
    (19, 36, Band.red),      # u = 0:   2500/70 = 35.71 -> 36
    (20, 56, Band.yellow),   # u = 40:  3900/70 = 55.71 -> 56
    (74, 71, Band.yellow),   # u = 70:  4950/70 = 70.71 -> 71
    (75, 86, Band.green),    # u = 100: 6000/70 = 85.71 -> 86
])
def test_usage_steps_move_the_score(usage_active, score, band):
    data = book(usage=(usage(1, usage_active),), touchpoints=(touch(1),))
    health = score_health(data, AS_OF, RULES)
    assert (health.score, health.band, health.coverage) == (score, band, pytest.approx(0.7))


@pytest.mark.parametrize("weights, dims, score, band", [
    # two dimensions at 50/50 weight make exact half points
    ({"usage": 50, "engagement": 50}, {"usage": 40, "engagement": 58}, 49, Band.red),
    ({"usage": 50, "engagement": 50}, {"usage": 40, "engagement": 59}, 50, Band.yellow),  # 49.5
    ({"usage": 50, "engagement": 50}, {"usage": 70, "engagement": 78}, 74, Band.yellow),
    ({"usage": 50, "engagement": 50}, {"usage": 70, "engagement": 79}, 75, Band.green),   # 74.5
    ({"usage": 50, "engagement": 50}, {"usage": 70, "engagement": 80}, 75, Band.green),
])
def test_score_and_band_boundaries_49_50_74_74_5_75(weights, dims, score, band):
    from csdesk.core.health import band_for

    full_w = {d: 0 for d in DIMENSIONS} | weights
    full_d = {d: None for d in DIMENSIONS} | dims
    got, _ = composite(full_d, full_w)
    assert got == score
    assert band_for(got, Rules().bands) is band


# --- properties of the composite (hypothesis) -------------------------------------------------

points = st.integers(min_value=0, max_value=100)
maybe_points = st.one_of(st.none(), points)


@st.composite
def weight_sets(draw):
    """Five non-negative integer weights summing to 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=4, max_size=4)))
    bounds = [0, *cuts, 100]
    return dict(zip(DIMENSIONS, (b - a for a, b in zip(bounds, bounds[1:]))))


@given(weight_sets(), st.lists(maybe_points, min_size=5, max_size=5))
def test_score_is_within_0_and_100(weights, values):
    score, coverage = composite(dict(zip(DIMENSIONS, values)), weights)
    assert 0 <= coverage <= 1
    assert score is None or 0 <= score <= 100


@given(weight_sets(), st.lists(points, min_size=5, max_size=5), st.sampled_from(DIMENSIONS),
       st.integers(0, 100))
def test_score_is_monotone_in_each_dimension(weights, values, name, bump):
    dims = dict(zip(DIMENSIONS, values))
    higher = dims | {name: max(dims[name], bump)}
    low, _ = composite(dims, weights)
    high, _ = composite(higher, weights)
    assert low is not None and high >= low


@given(weight_sets(), st.lists(maybe_points, min_size=5, max_size=5), st.permutations(range(5)))
def test_score_is_invariant_under_permuting_dimension_weight_pairs(weights, values, order):
    pairs = list(zip((weights[d] for d in DIMENSIONS), values))
    shuffled = [pairs[i] for i in order]
    as_dims = lambda ps: dict(zip(DIMENSIONS, (v for _, v in ps)))  # noqa: E731
    as_weights = lambda ps: dict(zip(DIMENSIONS, (w for w, _ in ps)))  # noqa: E731
    assert composite(as_dims(pairs), as_weights(pairs)) == \
        composite(as_dims(shuffled), as_weights(shuffled))


@given(st.lists(points, min_size=5, max_size=5))
def test_seed_weights_with_full_data_always_score(values):
    score, coverage = composite(dict(zip(DIMENSIONS, values)), Weights().as_dict())
    assert coverage == 1.0 and score is not None
