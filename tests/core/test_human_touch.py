"""§13 human touch: `tech_touch` (automated) counts as engagement for smb accounts only (§1);
no alert or detractor is answered by one."""

import pytest

from csdesk.core.alerts import active_alerts
from csdesk.core.assess import assess, next_touchpoint_due
from csdesk.core.brief import build_brief
from csdesk.core.config import Engagement, Rules
from csdesk.core.expansion import champion_engaged
from csdesk.core.health import engagement_score
from csdesk.core.models import HealthScore, ItemKind
from csdesk.core.signals import unanswered_detractors
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ago,
    book,
    contact,
    daily,
    nps,
    touch,
)

ENTERPRISE, MID_MARKET, SMB = 150_000, 50_000, 5_000
NEWSLETTER_AND_OLD_MEETING = (touch(100, kind="meeting"), touch(7, kind="tech_touch"))


@pytest.mark.parametrize("arr, points, due", [
    (ENTERPRISE, 0, ago(100 - 14)),   # the meeting 100 days ago is the last human contact
    (MID_MARKET, 0, ago(100 - 30)),   # 100 > 3 x 30
    (SMB, 100, ago(7 - 90)),          # smb: the newsletter counts (§1)
])
def test_a_newsletter_counts_as_engagement_for_smb_only(arr, points, due):
    data = book(account(arr=arr, contract_start=ago(1000)), touchpoints=NEWSLETTER_AND_OLD_MEETING)
    assert engagement_score(data, AS_OF, RULES) == points
    assert next_touchpoint_due(data, AS_OF, RULES) == due
    items = build_brief([assess(data, AS_OF, RULES)], AS_OF, RULES)
    assert (ItemKind.touchpoint_due in {i.kind for i in items}) is (arr != SMB)


def test_only_tech_touch_ever_is_no_engagement_for_enterprise():
    data = book(account(arr=ENTERPRISE, contract_start=ago(1000)),
                touchpoints=(touch(3, kind="tech_touch"),))
    assert engagement_score(data, AS_OF, RULES) == 0


def test_tech_touch_does_not_break_two_missed_meetings_for_enterprise():
    tps = (touch(9, status="missed"), touch(5, kind="tech_touch"), touch(3, status="missed"))
    assert engagement_score(book(account(arr=ENTERPRISE), touchpoints=tps), AS_OF, RULES) == 0


def test_which_tiers_count_tech_touch_is_config():
    rules = RULES.model_copy(update={"engagement": Engagement(
        tech_touch_tiers=("smb", "mid_market"))})
    data = book(account(arr=MID_MARKET, contract_start=ago(1000)),
                touchpoints=NEWSLETTER_AND_OLD_MEETING)
    assert engagement_score(data, AS_OF, rules) == 100
    assert isinstance(rules, Rules)


@pytest.mark.parametrize("arr", [ENTERPRISE, SMB])
def test_a_newsletter_does_not_answer_a_watch_alert(arr):
    yellow = HealthScore(score=60, band="yellow", coverage=1.0,
                         dimensions=dict.fromkeys(("usage", "engagement", "outcomes",
                                                   "support", "relationship"), 60),
                         weights=RULES.weights.as_dict())
    history = daily("green", 30, 6) + daily("yellow", 5, 1)
    newsletter = book(account(arr=arr), history=history,
                      touchpoints=(touch(3, kind="tech_touch"),))
    assert [a.trigger for a in active_alerts(newsletter, yellow, AS_OF, RULES)] == [
        "band_green_to_yellow"]
    call = book(account(arr=arr), history=history, touchpoints=(touch(3, kind="call"),))
    assert active_alerts(call, yellow, AS_OF, RULES) == ()


@pytest.mark.parametrize("arr", [ENTERPRISE, SMB])
def test_a_newsletter_does_not_close_the_loop_on_a_detractor(arr):
    newsletter = book(account(arr=arr), nps=(nps(10, 3),),
                      touchpoints=(touch(5, kind="tech_touch"),))
    assert len(unanswered_detractors(newsletter, AS_OF, RULES)) == 1
    call = book(account(arr=arr), nps=(nps(10, 3),), touchpoints=(touch(5, kind="call"),))
    assert unanswered_detractors(call, AS_OF, RULES) == []


@pytest.mark.parametrize("arr, engaged", [(ENTERPRISE, False), (SMB, True)])
def test_the_champion_gate_reads_engagement_the_same_way(arr, engaged):
    data = book(account(arr=arr), contacts=(contact("Ann", "champion"),),
                touchpoints=(touch(5, kind="tech_touch"),))
    assert champion_engaged(data, AS_OF, RULES) is engaged
