"""Working Today's items to done (docs/workflow.md): ids, clears_when, the response each item
asks for, the band's action, tasks, snoozes, queue order, detractors, expansion, alert quality."""

from __future__ import annotations

import datetime as dt

import pytest

from csdesk.core import work
from csdesk.core.actions import band_action
from csdesk.core.assess import assess
from csdesk.core.brief import build_brief, build_brief_and_snoozed
from csdesk.core.models import (
    AccountData,
    HealthScore,
    ItemKind,
    RemediationAction,
    SavePlan,
    Snooze,
    Task,
    Touchpoint,
)
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ago,
    ahead,
    book,
    contact,
    daily,
    goal,
    healthy,
    nps,
    touch,
    usage,
)

WEIGHTS = {"usage": 35, "engagement": 25, "outcomes": 20, "support": 10, "relationship": 10}


def items(data: AccountData, as_of: dt.date = AS_OF):
    return build_brief([assess(data, as_of, RULES)], as_of, RULES)


def kinds(data: AccountData, as_of: dt.date = AS_OF):
    return {(i.kind, i.level) for i in items(data, as_of)}


def with_rows(data: AccountData, **rows) -> AccountData:
    return data.model_copy(update={k: tuple(getattr(data, k)) + tuple(v) for k, v in rows.items()})


def yellow_book(days_yellow: int, *, from_green: bool = True, **rows) -> AccountData:
    """An account yellow for `days_yellow` days (usage at 40 pulls it down); green before when
    `from_green`, else yellow all along."""
    before = daily("green" if from_green else "yellow", 120, days_yellow + 1)
    history = before + daily("yellow", days_yellow, 1) if days_yellow else before
    base = dict(usage=(usage(2, 30),), touchpoints=(touch(40, "email"),),
                goals=(goal("g", "on_track"),),
                contacts=(contact("Ann", "champion"), contact("Bo", "executive_sponsor")),
                history=history)
    return book(**(base | rows))


def red_book(days_red: int, **rows) -> AccountData:
    history = daily("yellow", 120, days_red + 1) + (daily("red", days_red, 1) if days_red else ())
    base = dict(usage=(usage(2, 5),), touchpoints=(touch(100, "email"),),
                goals=(goal("g", "missed"),), history=history)
    return book(**(base | rows))


def written_plan(trigger: str, since: dt.date) -> SavePlan:
    return SavePlan(account_id="A1", trigger=trigger, trigger_date=since,
                    root_cause="Budget cut",
                    remediation_actions=(RemediationAction(action="Exec call", owner="Dana",
                                                           due=since),))


# --- ids ----------------------------------------------------------------------------------------

def test_ids_are_stable_from_run_to_run_and_day_to_day_while_the_trigger_holds():
    data = red_book(10, nps=(nps(3, 2, "omar@delta.example"),),
                    tasks=(Task(id=17, account_id="A1", text="Send deck", created_on=ago(1)),))
    today = {i.id for i in items(data)}
    assert today == {i.id for i in items(data)}
    assert "A1:alert:band_red:" + str(ago(10)) in today
    assert f"A1:nps_detractor:{ago(3)}:omar@delta.example" in today
    assert "task:17" in today
    # the next day, the same triggers hold: the same ids (the red run did not restart)
    tomorrow = data.model_copy(update={"history": data.history + daily("red", 0, 0)})
    assert {i.id for i in items(tomorrow, AS_OF + dt.timedelta(days=1))} >= {
        f"A1:alert:band_red:{ago(10)}", f"A1:nps_detractor:{ago(3)}:omar@delta.example",
        "task:17"}


def test_a_new_trigger_is_a_new_id():
    first = {i.id for i in items(red_book(10))}
    # red again after a spell of yellow: a new run, a new id
    history = daily("red", 120, 31) + daily("yellow", 30, 11) + daily("red", 10, 1)
    second = {i.id for i in items(red_book(10, history=history))}
    assert f"A1:alert:band_red:{ago(10)}" in first and f"A1:alert:band_red:{ago(10)}" in second
    assert {i.id for i in items(red_book(5))} != first


@pytest.mark.parametrize("item_id, kind", [
    ("A2:alert:band_red:2026-09-14", "band_red"),
    ("A2:alert:dimension_zero:usage:2026-09-14", "dimension_zero"),
    ("A3:renewal:2027-01-15", "renewal"),
    ("A4:nps_detractor:2026-11-01:omar@delta.example", "nps_detractor"),
    ("task:17", "task"),
    ("A5:save_plan_action:3", "save_plan_action"),
    ("A6:band_action:yellow:2026-11-01", "band_action"),
])
def test_trigger_kind_of_an_id(item_id, kind):
    assert work.trigger_kind(item_id) == kind


# --- every item says what clears it and what answers it ---------------------------------------

def test_every_item_has_an_id_a_clears_when_and_a_weight():
    data = red_book(10, nps=(nps(3, 2, "omar@x.example"),),
                    tasks=(Task(id=1, account_id="A1", text="Call back", created_on=ago(1)),),
                    acct=None)
    data = data.model_copy(update={"account": account(renewal_date=ahead(48), arr=299_000)})
    got = items(data)
    assert {i.kind for i in got} >= {ItemKind.alert, ItemKind.renewal, ItemKind.nps_detractor,
                                     ItemKind.task, ItemKind.touchpoint_due}
    for i in got:
        assert i.id and i.clears_when
        assert i.weight == 598_000  # ARR doubled: renewing within 90 days


@pytest.mark.parametrize("data, kind, respond_with", [
    (yellow_book(5), ItemKind.alert, "check_in"),             # watch
    (yellow_book(25), ItemKind.alert, "escalation"),          # warning (yellow 21 days)
    (red_book(5), ItemKind.alert, "executive"),               # critical
    (yellow_book(5, from_green=False), ItemKind.band_action, "check_in"),
    (healthy(nps=(nps(2, 3, "omar@x.example"),)), ItemKind.nps_detractor, "call"),
    (healthy(acct=account(renewal_date=ahead(60))), ItemKind.renewal, "renewal"),
    (healthy(touchpoints=(touch(45),)), ItemKind.touchpoint_due, "call"),  # mid-market's usual
    (healthy(touchpoints=(touch(3), touch(0, "call", "scheduled"))), ItemKind.scheduled, "call"),
])
def test_the_response_each_item_asks_for(data, kind, respond_with):
    assert respond_with in {str(i.respond_with) for i in items(data) if i.kind == kind}


# --- clearing by each response kind ------------------------------------------------------------

@pytest.mark.parametrize("data, kind, level", [
    (yellow_book(5), ItemKind.alert, "watch"),
    (yellow_book(25), ItemKind.alert, "warning"),
    (yellow_book(5, from_green=False), ItemKind.band_action, "watch"),
    (healthy(nps=(nps(2, 3, "omar@x.example"),)), ItemKind.nps_detractor, "warning"),
    (healthy(acct=account(renewal_date=ahead(60))), ItemKind.renewal, "info"),
    (healthy(touchpoints=(touch(45),)), ItemKind.touchpoint_due, "info"),
    (healthy(touchpoints=(touch(3), touch(0, "qbr", "scheduled"))), ItemKind.scheduled, "info"),
])
def test_logging_the_response_an_item_asks_for_closes_it(data, kind, level):
    [item] = [i for i in items(data) if i.kind == kind and i.level == level]
    answer = Touchpoint(account_id="A1", date=AS_OF, kind=item.respond_with,
                        summary=f"Response to: {item.title}", responds_to=item.id)
    after = items(with_rows(data, touchpoints=[answer]))
    assert item.id not in {i.id for i in after}


def test_a_critical_alert_answered_by_the_touchpoint_alone_says_the_plan_is_left():
    data = red_book(5)
    [alert] = [i for i in items(data) if i.id.startswith("A1:alert:band_red:")]
    answered = with_rows(data, touchpoints=[touch(0, "executive")])
    [still] = [i for i in items(answered) if i.id == alert.id]
    assert "left: the save plan written" in still.clears_when
    done = with_rows(answered, save_plans=[written_plan("band_red", ago(5))])
    assert alert.id not in {i.id for i in items(done)}
    # and the band's action with it: done, so no band_action item either
    assert not [i for i in items(done) if i.kind == ItemKind.band_action]


def test_an_expansion_touchpoint_answers_the_expansion_item_for_90_days():
    data = healthy()
    assert ItemKind.expansion in [i.kind for i in items(data)]
    talked = with_rows(data, touchpoints=[touch(89, "expansion")])
    talked = talked.model_copy(update={"touchpoints": tuple(sorted(
        talked.touchpoints, key=lambda t: t.date))})
    assert not [i for i in items(talked) if i.kind == ItemKind.expansion]
    long_ago = data.model_copy(update={"touchpoints": (touch(90, "expansion"), touch(5))})
    [again] = [i for i in items(long_ago) if i.kind == ItemKind.expansion]
    assert again.id == f"A1:expansion:{ago(70)}"  # green since then: asked again


# --- detractors: the respondent named ----------------------------------------------------------

@pytest.mark.parametrize("met, kind, answered", [
    ((), "call", True),                              # names nobody: any human touchpoint
    (("omar@delta.example",), "call", True),         # names the respondent
    (("OMAR@delta.example",), "meeting", True),      # case does not matter
    (("Omar Diaz",), "call", True),                  # by the name the book knows him by
    (("ann@delta.example",), "check_in", False),     # someone else: not his follow-up
    ((), "tech_touch", False),                       # automated: never
])
def test_a_detractor_is_answered_by_a_touchpoint_naming_the_respondent(met, kind, answered):
    omar = contact("Omar Diaz", "user").model_copy(update={"email": "omar@delta.example"})
    data = healthy(nps=(nps(4, 2, "omar@delta.example"),), contacts=(omar,))
    met_him = Touchpoint(account_id="A1", date=ago(1), kind=kind, contacts=met)
    got = items(with_rows(data, touchpoints=[met_him]))
    assert (not [i for i in got if i.kind == ItemKind.nps_detractor]) == answered


def test_one_check_in_with_one_person_does_not_close_three_follow_ups():
    data = healthy(nps=(nps(4, 2, "a@x.example"), nps(4, 3, "b@x.example"),
                        nps(3, 1, "c@x.example")))
    met = Touchpoint(account_id="A1", date=ago(1), kind="check_in", contacts=("a@x.example",))
    left = [i.id for i in items(with_rows(data, touchpoints=[met]))
            if i.kind == ItemKind.nps_detractor]
    assert left == [f"A1:nps_detractor:{ago(4)}:b@x.example",
                    f"A1:nps_detractor:{ago(3)}:c@x.example"]


# --- the band's action: SLA from the start of the band's run -----------------------------------

def health(band: str, score: int) -> HealthScore:
    return HealthScore(score=score, band=band, coverage=1.0, weights=WEIGHTS,
                       dimensions=dict.fromkeys(WEIGHTS, 60))


@pytest.mark.parametrize("band, days_in_band, due_after_days, overdue", [
    ("yellow", 0, 7, False),    # turned yellow today
    ("yellow", 7, 7, False),    # the 7th day: due today, not overdue
    ("yellow", 8, 7, True),     # a day later: overdue
    ("yellow", 47, 7, True),    # and stays overdue: the due day does not move
    ("red", 2, 2, False),       # 48 hours
    ("red", 3, 2, True),
])
def test_band_action_sla_counts_from_the_start_of_the_run(band, days_in_band, due_after_days,
                                                          overdue):
    history = daily("green", 200, days_in_band + 1) + (
        daily(band, days_in_band, 1) if days_in_band else ())
    act = band_action(book(history=history), health(band, 60 if band == "yellow" else 30),
                      False, AS_OF, RULES)
    assert act.since == ago(days_in_band)
    assert act.due == ago(days_in_band) + dt.timedelta(days=due_after_days)
    assert act.overdue == overdue and act.done_on is None


def test_a_run_that_began_long_ago_is_read_from_its_first_day():
    act = band_action(book(history=daily("yellow", 150, 1)), health("yellow", 60), False,
                      AS_OF, RULES)
    assert act.since == ago(150) and act.overdue


def test_no_history_counts_from_today():
    act = band_action(book(), health("yellow", 60), False, AS_OF, RULES)
    assert act.since == AS_OF and act.due == ahead(7) and not act.overdue


@pytest.mark.parametrize("touchpoints, done", [
    ((touch(3, "check_in"),), True),
    ((touch(3, "call"),), True),
    ((touch(3, "meeting"),), True),
    ((touch(3, "email"),), False),                    # not what the yellow band asks
    ((touch(3, "check_in", "scheduled"),), False),    # not yet held
    ((touch(11, "check_in"),), False),                # before the band began
])
def test_yellow_action_done_by_a_check_in_call_or_meeting_since_the_band_began(touchpoints,
                                                                                done):
    history = daily("green", 100, 11) + daily("yellow", 10, 1)
    act = band_action(book(history=history, touchpoints=touchpoints), health("yellow", 60),
                      False, AS_OF, RULES)
    assert (act.done_on is not None) == done
    assert act.overdue == (not done)


def test_red_action_needs_the_escalation_and_a_written_plan():
    history = daily("yellow", 100, 6) + daily("red", 5, 1)
    plan = written_plan("band_red", ago(5))
    draft = plan.model_copy(update={"root_cause": ""})
    for rows, done in [
        (dict(touchpoints=(touch(4, "executive"),)), False),
        (dict(save_plans=(plan,)), False),
        (dict(touchpoints=(touch(4, "executive"),), save_plans=(draft,)), False),
        (dict(touchpoints=(touch(4, "escalation"),), save_plans=(plan,)), True),
    ]:
        act = band_action(book(history=history, **rows), health("red", 30), False, AS_OF, RULES)
        assert (act.done_on == ago(4)) == done, rows


def test_a_yellow_account_without_green_history_gets_its_check_in_in_today():
    got = items(yellow_book(3, from_green=False))
    [action] = [i for i in got if i.kind == ItemKind.band_action]
    assert action.id == f"A1:band_action:yellow:{ago(120)}" and action.overdue


def test_one_item_not_two_when_an_alert_asks_the_same():
    assert not [i for i in items(yellow_book(3)) if i.kind == ItemKind.band_action]  # watch
    assert not [i for i in items(red_book(3)) if i.kind == ItemKind.band_action]  # critical


# --- tasks -------------------------------------------------------------------------------------

@pytest.mark.parametrize("due, done_on, shown, overdue", [
    (None, None, True, False),
    (AS_OF, None, True, False),
    (ago(1), None, True, True),
    (ago(1), ago(0), False, False),
    (ago(1), ahead(1), True, True),  # done after as_of: still open as of then
])
def test_tasks(due, done_on, shown, overdue):
    task = Task(id=3, account_id="A1", text="Send the ROI deck", due=due, created_on=ago(5),
                done_on=done_on)
    got = [i for i in items(healthy(tasks=(task,))) if i.kind == ItemKind.task]
    assert bool(got) == shown
    if shown:
        assert got[0].id == "task:3" and got[0].overdue == overdue and got[0].level == "info"


# --- snoozes -----------------------------------------------------------------------------------

def snooze(item_id: str, until: dt.date, *, cleared: dt.date | None = None,
           reason: str = "waiting_on_customer") -> Snooze:
    return Snooze(item_id=item_id, account_id="A1", until=until, reason=reason,
                  created_on=ago(2), cleared_on=cleared)


@pytest.mark.parametrize("until, cleared, hidden", [
    (ahead(1), None, True),
    (ahead(0), None, False),    # back on its day
    (ago(1), None, False),      # expired
    (ahead(5), ago(1), False),  # unsnoozed
])
def test_a_snoozed_item_is_hidden_until_its_day(until, cleared, hidden):
    data = healthy(nps=(nps(3, 2, "x@y.example"),))
    item_id = f"A1:nps_detractor:{ago(3)}:x@y.example"
    data = data.model_copy(update={"snoozes": (snooze(item_id, until, cleared=cleared),)})
    a = assess(data, AS_OF, RULES)
    shown, snoozed = build_brief_and_snoozed([a], AS_OF, RULES)
    assert (item_id in {i.id for i in snoozed}) == hidden
    assert (item_id in {i.id for i in shown}) == (not hidden)


def test_a_new_trigger_is_never_hidden_by_an_old_snooze():
    old = f"A1:nps_detractor:{ago(30)}:x@y.example"
    data = healthy(nps=(nps(30, 2, "x@y.example"), nps(2, 1, "x@y.example")),
                   snoozes=(snooze(old, ahead(10)),))
    shown = {i.id for i in items(data)}
    assert f"A1:nps_detractor:{ago(2)}:x@y.example" in shown and old not in shown


@pytest.mark.parametrize("level, until, reason, refused", [
    ("warning", ahead(1), "waiting_on_customer", None),
    ("warning", ahead(90), "not_relevant", None),
    ("warning", ahead(91), "not_relevant", "more than 90 days ahead"),
    ("critical", ahead(7), "handled_elsewhere", None),
    ("critical", ahead(8), "handled_elsewhere", "more than 7 days ahead"),
    ("info", AS_OF, "customer_unavailable", "is not after today"),
    ("info", ago(3), "customer_unavailable", "is not after today"),
    ("info", ahead(3), "busy", "reason 'busy' is not one of"),
])
def test_snooze_limits(level, until, reason, refused):
    got = work.snooze_refusal(level, until, reason, AS_OF, RULES)
    if refused is None:
        assert got is None
    else:
        assert refused in got


# --- queue order -------------------------------------------------------------------------------

def test_order_weighs_arr_and_near_renewals():
    big = red_book(10, acct=account(account_id="BIG", name="Zeta", arr=299_000,
                                    renewal_date=ahead(48)))
    small = red_book(10, acct=account(account_id="SM", name="Alpha", arr=12_000))
    mid = red_book(10, acct=account(account_id="MID", name="Beta", arr=400_000,
                                    renewal_date=ahead(300)))
    assessments = [assess(d.model_copy(update={"history": tuple(
        s.model_copy(update={"account_id": d.account.account_id}) for s in d.history)}),
        AS_OF, RULES) for d in (small, mid, big)]
    crit = [i.account_id for i in build_brief(assessments, AS_OF, RULES)
            if i.kind == ItemKind.alert and i.level == "critical"]
    assert crit == ["BIG", "MID", "SM"]  # 598k (renewing in 48 days), 400k, 12k


# --- scheduled touchpoints ---------------------------------------------------------------------

def test_scheduled_touchpoints_on_their_day_and_past_ones_still_scheduled():
    data = healthy(touchpoints=(touch(6, "qbr", "scheduled"), touch(5), touch(0, "meeting",
                                                                             "scheduled")))
    got = {i.id: i for i in items(data) if i.kind == ItemKind.scheduled}
    assert set(got) == {f"A1:scheduled:{ago(6)}:qbr", f"A1:scheduled:{AS_OF}:meeting"}
    assert got[f"A1:scheduled:{ago(6)}:qbr"].overdue
    assert not got[f"A1:scheduled:{AS_OF}:meeting"].overdue


# --- alert quality ------------------------------------------------------------------------------

def test_alert_quality_counts_each_item_once_per_column_in_the_window():
    raised = [("A1:alert:band_red:2026-11-01", ago(20)), ("A2:alert:band_red:2026-11-02", ago(19)),
              ("A3:alert:band_red:2026-01-02", ago(200)),  # before the window
              ("A1:renewal:2027-01-15", ago(10))]
    answered = [("A1:alert:band_red:2026-11-01", ago(5))]
    snoozes = [snooze("A1:renewal:2027-01-15", ahead(3), reason="not_relevant"),
               snooze("A2:alert:band_red:2026-11-02", ahead(3))]
    got = {q.kind: q for q in work.alert_quality(raised, answered, snoozes, AS_OF, RULES)}
    assert got["band_red"] == work.AlertQuality("band_red", 2, 1, 1, 0)
    assert got["renewal"] == work.AlertQuality("renewal", 1, 0, 1, 1)



@pytest.mark.parametrize("raised, not_relevant, noisy", [
    (0, 0, False), (4, 0, False), (4, 1, True), (5, 1, False), (8, 2, True), (9, 2, False),
    (0, 1, True),  # snoozed as not relevant on a day it was not recorded as raised
])
def test_a_trigger_is_noisy_once_a_quarter_of_its_items_are_not_relevant(raised, not_relevant,
                                                                          noisy):
    assert work.AlertQuality("band_red", raised, 0, not_relevant, not_relevant).noisy is noisy


# --- invariants -----------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(picks=st.lists(st.tuples(st.integers(0, 30), st.integers(-5, 20), st.booleans()),
                      max_size=8))
def test_snoozes_split_the_items_and_hide_only_their_own_ids(picks):
    data = red_book(10, nps=(nps(3, 2, "a@x.example"), nps(4, 1, "b@x.example")),
                    touchpoints=(touch(100, "email"), touch(0, "call", "scheduled"),
                                 touch(0, "call", "scheduled", summary="second")),
                    tasks=tuple(Task(id=n, account_id="A1", text=f"t{n}", created_on=ago(1))
                                for n in range(3)))
    every = items(data) + build_brief_and_snoozed([assess(data, AS_OF, RULES)], AS_OF,
                                                 RULES)[1]
    ids = [i.id for i in every]
    assert len(ids) == len(set(ids))  # each item once, under an id of its own
    snoozes = tuple(
        snooze(ids[n % len(ids)], AS_OF + dt.timedelta(days=days),
               cleared=ago(0) if cleared else None) for n, days, cleared in picks)
    a = assess(data.model_copy(update={"snoozes": snoozes}), AS_OF, RULES)
    shown, snoozed = build_brief_and_snoozed([a], AS_OF, RULES)
    in_force = {s.item_id for s in snoozes if s.cleared_on is None and s.until > AS_OF}
    assert sorted(i.id for i in shown + snoozed) == sorted(ids)
    assert {i.id for i in snoozed} == in_force
