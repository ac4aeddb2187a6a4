"""§7 onboarding milestones: checklists, auto items from usage, done, overdue, first value."""

import datetime as dt

import pytest

from csdesk.core.models import Milestone, MilestoneItem, MilestoneRecord
from csdesk.core.onboarding import (
    CHECKLISTS,
    milestone_statuses,
    new_milestones,
    time_to_first_value_days,
)
from tests.core.books import AS_OF, RULES, account, ago, book, usage

START = ago(40)  # contract started 40 days ago: inside onboarding


def records(acct):
    return tuple(new_milestones(acct, acct.contract_start, RULES))


def tick(milestone, key, days_ago):
    return MilestoneItem(account_id="A1", milestone=milestone, item=key, done_on=ago(days_ago))


def status(data, milestone):
    return next(m for m in milestone_statuses(data, AS_OF, RULES) if m.milestone == milestone)


def test_item_keys_are_stable():
    assert {m: [k for k, _, _ in items] for m, items in CHECKLISTS.items()} == {
        Milestone.M1: ["stakeholders_aligned", "technical_setup", "success_plan_signed"],
        Milestone.M2: ["core_use_case_live", "three_users_beyond_champion",
                       "demonstrates_unaided"],
        Milestone.M3: ["seats_60_percent_active", "secondary_use_case"],
        Milestone.M4: ["goal_progressing", "ebr_scheduled", "expansion_signals_documented"],
    }


def test_new_milestones_due_at_the_end_of_each_window():
    acct = account(contract_start=START)
    assert [(r.milestone, r.due) for r in records(acct)] == [
        (Milestone.M1, START + dt.timedelta(days=7)), (Milestone.M2, START + dt.timedelta(days=30)),
        (Milestone.M3, START + dt.timedelta(days=60)), (Milestone.M4, START + dt.timedelta(days=90))]


@pytest.mark.parametrize("started_ago, created", [
    (89, True),
    (90, True),    # day 90 included: M4 falls due today, it is not skipped (§13)
    (91, False),   # past onboarding
])
def test_milestones_created_up_to_day_90_of_the_contract(started_ago, created):
    made = new_milestones(account(contract_start=ago(started_ago)), AS_OF, RULES)
    assert len(made) == (4 if created else 0)
    if created and started_ago == 90:
        assert made[-1].due == AS_OF  # M4's due day


def test_milestone_done_when_all_items_done_on_the_last_items_date():
    acct = account(contract_start=START)
    items = (tick("M1", "stakeholders_aligned", 38), tick("M1", "technical_setup", 35),
             tick("M1", "success_plan_signed", 36))
    m1 = status(book(acct, milestones=records(acct), milestone_items=items), Milestone.M1)
    assert (m1.done, m1.done_on, m1.overdue) == (True, ago(35), False)


def test_overdue_when_past_due_and_not_done():
    acct = account(contract_start=START)
    m1 = status(book(acct, milestones=records(acct)), Milestone.M1)   # due 33 days ago
    assert (m1.done, m1.overdue) == (False, True)
    m4 = status(book(acct, milestones=records(acct)), Milestone.M4)   # due in 50 days
    assert m4.overdue is False


def test_m2_auto_item_from_active_users_at_least_4():
    acct = account(contract_start=START)
    rows = (usage(30, 3), usage(25, 4), usage(20, 6))
    items = {i.key: i for i in status(book(acct, milestones=records(acct), usage=rows),
                                      Milestone.M2).items}
    auto = items["three_users_beyond_champion"]
    assert (auto.auto, auto.done, auto.done_on) == (True, True, ago(25))  # first row with >= 4


def test_m3_auto_item_from_60_percent_of_seats():
    acct = account(contract_start=START, seats_licensed=10)
    rows = (usage(20, 5), usage(10, 6))   # 50%, then 60%
    item = status(book(acct, milestones=records(acct), usage=rows), Milestone.M3).items[0]
    assert (item.done, item.done_on) == (True, ago(10))
    no_seats = account(contract_start=START, seats_licensed=None)
    item = status(book(no_seats, milestones=records(no_seats), usage=rows), Milestone.M3).items[0]
    assert item.done is False


def test_time_to_first_value_is_m2_done_minus_contract_start():
    acct = account(contract_start=START)
    items = (tick("M2", "core_use_case_live", 22), tick("M2", "demonstrates_unaided", 18))
    data = book(acct, milestones=records(acct), milestone_items=items, usage=(usage(25, 5),))
    statuses = milestone_statuses(data, AS_OF, RULES)
    m2 = next(m for m in statuses if m.milestone == Milestone.M2)
    assert m2.done_on == ago(18)
    assert time_to_first_value_days(acct, statuses) == 22   # 40 - 18


def test_a_recorded_milestone_keeps_its_auto_item_when_usage_ages_out():
    acct = account(contract_start=ago(200))
    recs = tuple(MilestoneRecord(account_id="A1", milestone=m, due=ago(100),
                                 done_on=ago(180) if m == Milestone.M2 else None)
                 for m in Milestone)
    items = (tick("M2", "core_use_case_live", 185), tick("M2", "demonstrates_unaided", 180))
    m2 = status(book(acct, milestones=recs, milestone_items=items), Milestone.M2)
    assert (m2.done, m2.done_on) == (True, ago(180))
