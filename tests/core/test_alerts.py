"""§4 early-warning alerts: triggers, due dates, clearing; §3 band actions; the save plan."""

import datetime as dt

import pytest

from csdesk.core.actions import band_action
from csdesk.core.alerts import active_alerts, plan_is_written, save_plan_for, suggested_root_cause
from csdesk.core.models import AlertLevel, HealthScore, RemediationAction, SavePlan
from tests.core.books import AS_OF, RULES, ago, book, contact, daily, snap, touch

WEIGHTS = {"usage": 35, "engagement": 25, "outcomes": 20, "support": 10, "relationship": 10}


def health(band: str, score: int | None = None, **dims) -> HealthScore:
    score = score if score is not None else {"green": 80, "yellow": 60, "red": 30,
                                             "unknown": None}[band]
    base = {"usage": 70, "engagement": 70, "outcomes": 70, "support": 70, "relationship": 70}
    return HealthScore(score=score, band=band, coverage=1.0, dimensions=base | dims,
                       weights=WEIGHTS)


def written(**kw) -> SavePlan:
    """A save plan the CSM has written: a root cause and one action with owner and due."""
    action = RemediationAction(action="Exec call", owner="Dana", due=kw["trigger_date"])
    return SavePlan(**({"account_id": "A1", "root_cause": "Lost the champion's budget",
                        "remediation_actions": (action,)} | kw))


def triggers(data, h, as_of=AS_OF):
    return [(a.level, a.trigger, a.trigger_date, a.due, a.overdue)
            for a in active_alerts(data, h, as_of, RULES)]


# --- §3 band actions --------------------------------------------------------------------------

@pytest.mark.parametrize("band, qualified, text_start, due", [
    ("green", True, "Start the expansion motion", None),
    ("green", False, "Ask for a reference", None),
    ("yellow", False, "Schedule a check-in", AS_OF + dt.timedelta(days=7)),
    ("red", False, "Escalate", AS_OF + dt.timedelta(days=2)),  # 48 hours
    ("unknown", False, "Not enough data", None),
])
def test_band_action(band, qualified, text_start, due):
    action = band_action(book(), health(band), qualified, AS_OF, RULES)
    assert action.text.startswith(text_start)
    assert action.due == due


def test_no_action_when_not_scored():
    assert band_action(book(), None, False, AS_OF, RULES) is None


# --- watch ------------------------------------------------------------------------------------

@pytest.mark.parametrize("yellow_days, expected", [
    (0, True),    # turned yellow today
    (20, True),   # transition 20 days old: < 21
    (21, False),  # 21 days old: no longer a watch (and now a warning instead)
])
def test_watch_on_green_to_yellow_younger_than_21_days(yellow_days, expected):
    history = daily("green", 60, yellow_days + 1) + daily("yellow", yellow_days, 1)
    got = triggers(book(history=history), health("yellow"))
    watch = [t for t in got if t[0] == AlertLevel.watch]
    if expected:
        start = ago(yellow_days)
        assert watch == [(AlertLevel.watch, "band_green_to_yellow", start,
                          start + dt.timedelta(days=7), yellow_days > 7)]
    else:
        assert watch == []


def test_no_watch_when_yellow_came_from_red():
    history = daily("red", 10, 3) + daily("yellow", 2, 1)
    assert triggers(book(history=history), health("yellow")) == []


def test_no_watch_without_history():
    assert triggers(book(), health("yellow")) == []


def test_a_gap_without_snapshots_does_not_break_the_run():
    # green 40..30 days ago, nothing stored for 20 days, yellow from 10 days ago
    history = daily("green", 40, 30) + daily("yellow", 10, 1)
    [watch] = active_alerts(book(history=history), health("yellow"), AS_OF, RULES)
    assert watch.trigger_date == ago(10)


@pytest.mark.parametrize("touchpoints, cleared", [
    ((touch(3, kind="check_in", status="scheduled"),), True),  # a check-in, even scheduled
    ((touch(3, kind="email"),), True),                        # any completed touchpoint
    ((touch(3, kind="email", status="missed"),), False),
    ((touch(6, kind="check_in"),), True),                     # on the transition day counts
    ((touch(7, kind="check_in"),), False),                    # before the transition
])
def test_watch_is_cleared_by_a_check_in_after_the_transition(touchpoints, cleared):
    history = daily("green", 30, 7) + daily("yellow", 6, 1)
    alerts = active_alerts(book(history=history, touchpoints=touchpoints), health("yellow"),
                           AS_OF, RULES)
    assert (alerts == ()) is cleared


# --- warning ----------------------------------------------------------------------------------

@pytest.mark.parametrize("yellow_days, warned", [(20, False), (21, True), (40, True)])
def test_warning_after_21_consecutive_yellow_days(yellow_days, warned):
    history = daily("yellow", yellow_days, 1)
    got = triggers(book(history=history), health("yellow"))
    if warned:
        trigger_date = ago(yellow_days) + dt.timedelta(days=21)
        due = trigger_date + dt.timedelta(days=7)
        assert got == [(AlertLevel.warning, "yellow_21_days", trigger_date, due, AS_OF > due)]
    else:
        assert got == []


def test_warning_cleared_by_an_escalation_after_the_trigger():
    history = daily("yellow", 30, 1)  # trigger date 9 days ago
    assert triggers(book(history=history, touchpoints=(touch(5, kind="escalation"),)),
                    health("yellow")) == []
    assert triggers(book(history=history, touchpoints=(touch(10, kind="escalation"),)),
                    health("yellow")) != []


def test_warning_when_a_dimension_is_at_zero_since_it_became_zero():
    history = (snap(10, "green", usage=70), snap(5, "green", usage=0), snap(2, "green", usage=0))
    got = triggers(book(history=history), health("green", usage=0))
    assert got == [(AlertLevel.warning, "dimension_zero", ago(5), ago(5) + dt.timedelta(days=7),
                    False)]


def test_a_dimension_back_above_zero_ends_its_warning():
    history = (snap(5, "green", usage=0),)
    assert triggers(book(history=history), health("green", usage=40)) == []


# --- critical ---------------------------------------------------------------------------------

def test_critical_when_red_due_48_hours_after_the_band_went_red():
    history = daily("yellow", 10, 4) + daily("red", 3, 1)
    assert triggers(book(history=history), health("red")) == [
        (AlertLevel.critical, "band_red", ago(3), ago(1), True)]


def test_red_cleared_only_by_escalation_plus_save_plan():
    history = daily("red", 3, 1)
    plan = written(trigger="band_red", trigger_date=ago(3))
    esc = (touch(2, kind="executive"),)
    assert triggers(book(history=history, touchpoints=esc), health("red")) != []
    assert triggers(book(history=history, save_plans=(plan,)), health("red")) != []
    assert triggers(book(history=history, touchpoints=esc, save_plans=(plan,)),
                    health("red")) == []


def test_champion_departure_without_replacement_is_critical():
    gone = contact("Ann", "champion", status="departed", departed_ago=4)
    data = book(contacts=(gone,))
    [alert] = active_alerts(data, health("green"), AS_OF, RULES)
    assert (alert.level, alert.trigger, alert.trigger_date, alert.due, alert.overdue) == (
        AlertLevel.critical, "champion_departed", ago(4), ago(2), True)
    assert "Ann" in alert.title
    replaced = book(contacts=(gone, contact("Cy", "champion")))
    assert active_alerts(replaced, health("green"), AS_OF, RULES) == ()


def test_open_formal_complaint_is_critical_until_answered():
    complaint = touch(1, kind="call", flags=["complaint"], summary="billing error")
    assert triggers(book(touchpoints=(complaint,)), health("green")) == [
        (AlertLevel.critical, "formal_complaint", ago(1), AS_OF + dt.timedelta(days=1), False)]
    plan = written(trigger="formal_complaint", trigger_date=ago(1))
    answered = book(touchpoints=(complaint, touch(0, kind="escalation")), save_plans=(plan,))
    assert triggers(answered, health("green")) == []


def test_alerts_sort_overdue_first_then_level():
    history = daily("green", 60, 10) + daily("yellow", 9, 1)  # watch due 2 days ago: overdue
    gone = contact("Ann", "champion", status="departed", departed_ago=0)  # critical, due later
    got = triggers(book(history=history, contacts=(gone,)), health("yellow"))
    assert [t[0] for t in got] == [AlertLevel.watch, AlertLevel.critical]
    assert got[0][4] is True and got[1][4] is False


def test_no_alerts_for_an_unscored_account():
    assert active_alerts(book(), None, AS_OF, RULES) == ()


# --- the save plan ----------------------------------------------------------------------------

def test_save_plan_fills_the_seed_template():
    from tests.core.books import account, usage

    data = book(account(owner="Dana Reyes"), usage=(usage(1, 5),),
                contacts=(contact("Eve", "executive_sponsor"),), history=daily("red", 3, 1))
    [alert] = [a for a in active_alerts(data, health("red"), AS_OF, RULES)
               if a.trigger == "band_red"]
    plan = save_plan_for(alert, data, AS_OF, RULES)
    assert plan.trigger == "band_red" and plan.trigger_date == ago(3)
    assert plan.root_cause == ""  # the CSM writes it: a draft until then (§13)
    assert "usage 0" in suggested_root_cause(alert, data, AS_OF, RULES)  # 5 of 100 seats
    assert "Eve" in plan.executive_alignment
    assert plan.remediation_actions, "remediation actions with owners and dates"
    for action in plan.remediation_actions:
        assert action.owner == "Dana Reyes" and action.due >= plan.trigger_date
    assert plan.remediation_actions[0].due == ago(1)  # executive engagement within 48 hours
    assert all((plan.success_criteria_30, plan.success_criteria_60, plan.success_criteria_90))
    assert plan.checkpoint_date == ago(3) + dt.timedelta(days=90)
    # The caller's score of the day (a scoring run has it) gives the same plan.
    from csdesk.core.health import score_health

    assert save_plan_for(alert, data, AS_OF, RULES,
                         health=score_health(data, AS_OF, RULES)) == plan


# --- §13: a critical alert does not expire unanswered; a save plan counts once written -------

@pytest.mark.parametrize("departed_ago", [4, 89, 90, 91, 150, 400])
def test_champion_departed_stays_critical_until_answered_or_replaced(departed_ago):
    gone = contact("Ann", "champion", status="departed", departed_ago=departed_ago)
    [alert] = active_alerts(book(contacts=(gone,)), health("green"), AS_OF, RULES)
    assert (alert.trigger, alert.trigger_date) == ("champion_departed", ago(departed_ago))
    assert alert.overdue is (departed_ago > 2)
    answered = book(contacts=(gone,), touchpoints=(touch(departed_ago - 1, kind="executive"),),
                    save_plans=(written(trigger="champion_departed",
                                        trigger_date=ago(departed_ago)),))
    assert active_alerts(answered, health("green"), AS_OF, RULES) == ()
    replaced = book(contacts=(gone, contact("Cy", "champion")))
    assert active_alerts(replaced, health("green"), AS_OF, RULES) == ()


def test_the_relationship_cap_still_ends_after_90_days():
    from csdesk.core.health import relationship_score

    for days, capped in ((90, True), (91, False)):
        gone = contact("Ann", "champion", status="departed", departed_ago=days)
        data = book(contacts=(gone, contact("Bo", "executive_sponsor")))
        assert (relationship_score(data, AS_OF, RULES) == 20) is capped


def _action(owner="Dana", due=ago(1)):
    return RemediationAction(action="Exec call", owner=owner, due=due)


@pytest.mark.parametrize("root_cause, actions, is_written", [
    ("", (), False),                                   # the draft made with the alert
    ("", (_action(),), False),                         # actions but no root cause
    ("Budget cut", (), False),                         # a root cause but no action
    ("   ", (_action(),), False),                      # blank is not written
    ("Budget cut", (_action(owner=""),), False),       # an action with no owner
    ("Budget cut", (_action(owner=" "),), False),
    ("Budget cut", (_action(owner=""), _action()), True),  # one owned action is enough
    ("Budget cut", (_action(),), True),
])
def test_plan_is_written(root_cause, actions, is_written):
    plan = SavePlan(account_id="A1", trigger="band_red", trigger_date=ago(3),
                    root_cause=root_cause, remediation_actions=actions)
    assert plan_is_written(plan) is is_written


def test_the_automatic_draft_does_not_answer_a_critical_alert():
    # one executive call and the plan created with the alert: still critical (§13)
    data = book(history=daily("red", 3, 1), touchpoints=(touch(2, kind="executive"),),
                contacts=(contact("Eve", "executive_sponsor"),))
    [alert] = active_alerts(data, health("red"), AS_OF, RULES)
    draft = save_plan_for(alert, data, AS_OF, RULES)
    assert not plan_is_written(draft)
    still = data.model_copy(update={"save_plans": (draft,)})
    assert [a.trigger for a in active_alerts(still, health("red"), AS_OF, RULES)] == ["band_red"]
    done = draft.model_copy(update={"root_cause": "Sponsor left; budget moved to a rival tool"})
    assert plan_is_written(done)
    answered = data.model_copy(update={"save_plans": (done,)})
    assert active_alerts(answered, health("red"), AS_OF, RULES) == ()
