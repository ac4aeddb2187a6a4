"""assess: every rule composed into one account's picture; build_brief: the morning brief."""

import datetime as dt

from csdesk.core.assess import assess, trend_delta
from csdesk.core.brief import build_brief
from csdesk.core.models import (
    AlertLevel,
    Assessment,
    BriefItem,
    ItemKind,
    Milestone,
    Phase,
    Renewal,
)
from csdesk.core.onboarding import new_milestones
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ago,
    ahead,
    book,
    contact,
    daily,
    healthy,
    nps,
    snap,
    touch,
    usage,
)


def test_a_healthy_account_is_green_qualified_and_a_reference():
    a = assess(healthy(), AS_OF, RULES)
    assert (a.health.score, a.health.band, a.tier) == (100, "green", "mid_market")
    assert a.expansion_qualified and a.phase is Phase.expansion
    assert a.reference_candidate
    assert a.alerts == () and a.action.due is None
    assert a.next_touchpoint_due == ago(5) + dt.timedelta(days=30)


def test_churned_account_is_not_scored_and_has_no_action():
    churn = Renewal(account_id="A1", date=ago(3), outcome="churned", previous_arr=5, new_arr=0)
    a = assess(healthy(renewals=(churn,)), AS_OF, RULES)
    assert (a.health, a.action, a.phase, a.alerts) == (None, None, Phase.churned, ())
    assert build_brief([a], AS_OF, RULES) == []


def test_trend_is_score_now_minus_about_30_days_ago():
    a = assess(healthy(history=(snap(44, "yellow", 60), snap(31, "green", 77),
                                snap(29, "green", 90))), AS_OF, RULES)
    assert a.trend_delta_30 == 100 - 77          # the latest snapshot at least 30 days old
    assert trend_delta((snap(50, "green", 80),), a.health, AS_OF) is None   # too old


def test_time_to_first_value_and_onboarding_phase():
    acct = account(contract_start=ago(40))
    recs = tuple(new_milestones(acct, acct.contract_start, RULES))
    from csdesk.core.models import MilestoneItem

    items = tuple(MilestoneItem(account_id="A1", milestone=Milestone.M2, item=k, done_on=ago(20))
                  for k in ("core_use_case_live", "demonstrates_unaided"))
    a = assess(healthy(acct=acct, milestones=recs, milestone_items=items,
                       usage=(usage(25, 5), usage(2, 90))), AS_OF, RULES)
    assert a.phase is Phase.onboarding
    assert a.time_to_first_value_days == 20
    assert [m.milestone for m in a.milestones if m.overdue] == [Milestone.M1]


# --- the morning brief ------------------------------------------------------------------------

def kinds(items: list[BriefItem]):
    return [(i.kind, i.level, i.overdue) for i in items]


def test_brief_kinds_from_one_account():
    acct = account(renewal_date=ahead(45))
    data = healthy(acct=acct, touchpoints=(touch(60, kind="ebr"), touch(40)),
                   nps=(nps(3, 2, "cfo"),),
                   history=daily("green", 10, 1))
    items = build_brief([assess(data, AS_OF, RULES)], AS_OF, RULES)
    assert {i.kind for i in items} == {ItemKind.renewal, ItemKind.touchpoint_due,
                                       ItemKind.nps_detractor}
    touch_due = next(i for i in items if i.kind == ItemKind.touchpoint_due)
    assert (touch_due.due, touch_due.overdue) == (ago(10), True)   # 40 days ago + 30
    detractor = next(i for i in items if i.kind == ItemKind.nps_detractor)
    assert (detractor.due, detractor.overdue) == (ago(3) + dt.timedelta(days=7), False)


def test_renewal_item_disappears_once_a_renewal_touchpoint_is_logged():
    acct = account(renewal_date=ahead(45))
    logged = healthy(acct=acct, touchpoints=(touch(5), touch(4, kind="renewal")))
    assert not [i for i in build_brief([assess(logged, AS_OF, RULES)], AS_OF, RULES)
                if i.kind == ItemKind.renewal]


def test_expansion_item_for_a_qualified_account():
    [item] = build_brief([assess(healthy(), AS_OF, RULES)], AS_OF, RULES)
    assert (item.kind, item.level, item.due) == (ItemKind.expansion, AlertLevel.info, None)


def _item(name, level, due, overdue, kind=ItemKind.alert):
    return BriefItem(account_id=name, name=name, kind=kind, level=level, title="t",
                     action="a", due=due, overdue=overdue)


def test_brief_order_overdue_then_level_then_due_then_name():
    from csdesk.core.brief import brief_sort_key

    items = [
        _item("Zed", "info", ago(1), False),
        _item("Bee", "critical", ahead(2), False),
        _item("Ant", "critical", ahead(2), False),
        _item("Cat", "watch", ago(9), True),
        _item("Dog", "critical", ahead(1), False),
        _item("Eel", "info", None, False),
        _item("Fox", "warning", ago(3), True),
    ]
    got = [i.name for i in sorted(items, key=brief_sort_key)]
    assert got == ["Fox", "Cat", "Dog", "Ant", "Bee", "Zed", "Eel"]


def test_build_brief_sorts_across_accounts():
    red = book(account(account_id="R", name="Red Co"), usage=(usage(1, 5),),
               touchpoints=(touch(1),), history=daily("red", 5, 1))
    green = healthy(acct=account(account_id="G", name="Green Co"))
    assessments: list[Assessment] = [assess(green, AS_OF, RULES), assess(red, AS_OF, RULES)]
    items = build_brief(assessments, AS_OF, RULES)
    assert [(i.account_id, i.kind, i.level, i.overdue) for i in items][0] == (
        "R", ItemKind.alert, AlertLevel.critical, True)   # red 5 days ago: due 3 days ago
    assert items[-1].kind == ItemKind.expansion


def test_a_whole_book_run_leaves_only_the_signals_out():
    # Leading (a departed champion), lagging (a detractor) and expansion (seats > 80%) signals.
    data = book(usage=(usage(2, 95),), touchpoints=(touch(5),), nps=(nps(10, 3),),
                contacts=(contact("Ann", "champion"),
                          contact("Cy", "champion", "departed", departed_ago=20)))
    full = assess(data, AS_OF, RULES)
    assert full.signals.leading and full.signals.lagging and full.signals.expansion
    lean = assess(data, AS_OF, RULES, signals=False)
    assert lean.signals is None
    assert lean == full.model_copy(update={"signals": None})
