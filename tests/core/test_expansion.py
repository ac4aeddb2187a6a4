"""§6 the four expansion gates; §8 phase and reference candidate."""

import pytest

from csdesk.core.expansion import expansion_gates, failing_gates
from csdesk.core.models import HealthScore, MilestoneStatus, Phase
from csdesk.core.phase import lifecycle_phase, reference_candidate
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ahead,
    book,
    contact,
    daily,
    goal,
    nps,
    touch,
)

W = {"usage": 35, "engagement": 25, "outcomes": 20, "support": 10, "relationship": 10}


def health(band):
    return HealthScore(score={"green": 80, "yellow": 60, "red": 30}[band], band=band,
                       coverage=1.0, dimensions={}, weights=W)


def qualified_book(**kw):
    rows = dict(history=daily("green", 70, 1), goals=(goal("cut costs", "achieved", "saved $40k"),),
                contacts=(contact("Ann", "champion"),), touchpoints=(touch(10),))
    return book(kw.pop("acct", account(renewal_date=ahead(200))), **(rows | kw))


def test_all_four_gates_hold():
    gates = expansion_gates(qualified_book(), health("green"), AS_OF, RULES)
    assert gates.qualified and failing_gates(gates) == []


@pytest.mark.parametrize("green_days, holds", [(59, False), (60, True)])
def test_green_for_60_consecutive_days(green_days, holds):
    data = qualified_book(history=daily("green", green_days, 1))
    assert expansion_gates(data, health("green"), AS_OF, RULES).green_60_days is holds


def test_a_yellow_day_restarts_the_green_run():
    history = daily("green", 90, 31) + daily("yellow", 30, 30) + daily("green", 29, 1)
    gates = expansion_gates(qualified_book(history=history), health("green"), AS_OF, RULES)
    assert not gates.green_60_days
    assert failing_gates(gates) == ["green for 60 consecutive days"]


def test_not_green_today_fails_the_streak():
    gates = expansion_gates(qualified_book(), health("yellow"), AS_OF, RULES)
    assert not gates.green_60_days


@pytest.mark.parametrize("goals, holds", [
    ((goal("a", "achieved", "saved $40k"),), True),
    ((goal("a", "achieved", "  "),), False),     # no ROI note
    ((goal("a", "on_track", "saved $40k"),), False),
])
def test_goal_achieved_with_roi(goals, holds):
    data = qualified_book(goals=goals)
    assert expansion_gates(data, health("green"), AS_OF, RULES).goal_with_roi is holds


@pytest.mark.parametrize("contacts, touchpoints, holds", [
    ((contact("Ann", "champion"),), (touch(30),), True),
    ((contact("Ann", "champion"),), (touch(31),), False),
    ((contact("Ann", "champion"),), (touch(5, status="missed"),), False),
    ((contact("Ann", "champion", status="departed", departed_ago=200),), (touch(5),), False),
])
def test_champion_engaged(contacts, touchpoints, holds):
    data = qualified_book(contacts=contacts, touchpoints=touchpoints)
    assert expansion_gates(data, health("green"), AS_OF, RULES).champion_engaged is holds


@pytest.mark.parametrize("days, holds", [(60, False), (61, True), (-5, False)])
def test_renewal_not_within_60_days(days, holds):
    data = qualified_book(acct=account(renewal_date=ahead(days)))
    gates = expansion_gates(data, health("green"), AS_OF, RULES)
    assert gates.renewal_not_within_60_days is holds


def _m4(done: bool) -> MilestoneStatus:
    return MilestoneStatus(milestone="M4", name="M4 Outcome confirmation", window=(60, 90),
                           due=AS_OF, done=done, done_on=AS_OF if done else None, overdue=False,
                           items=())


@pytest.mark.parametrize("churned, days, m4_done, qualified, phase", [
    (True, 10, False, True, Phase.churned),
    (False, 90, False, True, Phase.renewal),
    (False, 0, False, False, Phase.renewal),
    (False, 91, False, True, Phase.onboarding),
    (False, -1, False, False, Phase.onboarding),
    (False, 91, True, True, Phase.expansion),
    (False, 91, True, False, Phase.adoption),
    (False, 200, None, False, Phase.adoption),   # no milestones: past onboarding
])
def test_lifecycle_phase_first_that_applies(churned, days, m4_done, qualified, phase):
    milestones = () if m4_done is None else (_m4(m4_done),)
    assert lifecycle_phase(churned, days, milestones, qualified, RULES) is phase


@pytest.mark.parametrize("band, responses, candidate", [
    ("green", (nps(30, 9),), True),
    ("green", (nps(180, 10),), True),
    ("green", (nps(181, 10),), False),   # older than 180 days
    ("yellow", (nps(30, 10),), False),
    ("green", (nps(30, 8),), False),     # passive
    ("green", (nps(60, 10), nps(10, 5)), False),  # a later detractor withdraws it
])
def test_reference_candidate(band, responses, candidate):
    assert reference_candidate(book(nps=responses), health(band), AS_OF, RULES) is candidate
