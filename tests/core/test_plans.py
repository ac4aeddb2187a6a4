"""Save plans, goals, the M1 tick, the stakeholder map and typed accounts (docs/workflow.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from csdesk.core.editing import FormProblems, account_from_fields
from csdesk.core.models import (
    Contact,
    Goal,
    Milestone,
    MilestoneRecord,
    PlanStatus,
    RemediationAction,
    SavePlan,
    Touchpoint,
)
from csdesk.core.onboarding import checklist
from csdesk.core.plans import (
    PlanInputError,
    check_action,
    check_goal,
    m1_goals_met,
    open_plan_actions,
    plan_state,
    render_plan,
    suggested_status,
    what_is_left,
)
from csdesk.core.stakeholders import last_contacts, manager_index, map_warnings, stakeholder_tree
from tests.core.books import AS_OF, RULES, account, ago, ahead, book


def action(owner="Dana", due=AS_OF, done_on=None, id=1) -> RemediationAction:
    return RemediationAction(action="Exec call", owner=owner, due=due, done_on=done_on, id=id)


def plan(root="Budget cut", actions=(), status="open", checkpoint=None) -> SavePlan:
    return SavePlan(account_id="A1", trigger="band_red", trigger_date=ago(10), root_cause=root,
                    remediation_actions=tuple(actions), status=status,
                    checkpoint_date=checkpoint, id=1)


# --- the save plan ------------------------------------------------------------------------------


@pytest.mark.parametrize("root, actions, status, state, left", [
    ("", (), "open", "draft", "the save plan needs a root cause and a remediation action "
     "with an owner and a due date"),
    ("  ", (action(),), "open", "draft", "the save plan needs a root cause"),
    ("Budget cut", (), "open", "draft",
     "the save plan needs a remediation action with an owner and a due date"),
    ("Budget cut", (action(owner=" "),), "open", "draft",
     "the save plan needs a remediation action with an owner and a due date"),
    ("Budget cut", (action(due=None),), "open", "draft",
     "the save plan needs a remediation action with an owner and a due date"),
    ("Budget cut", (action(due=None), action(id=2)), "open", "open", ""),
    ("Budget cut", (action(),), "won", "won", ""),
    ("", (), "lost", "lost", "the save plan needs a root cause and a remediation action "
     "with an owner and a due date"),
])
def test_a_plan_counts_once_written(root, actions, status, state, left):
    p = plan(root, actions, status)
    assert plan_state(p) == state
    assert what_is_left(p) == left


def test_no_plan_at_all_is_left_to_write():
    assert what_is_left(None) == "write the save plan"


@pytest.mark.parametrize("churned, band, checkpoint, as_of, expected", [
    (True, "green", ago(1), AS_OF, PlanStatus.lost),
    (False, "green", AS_OF, AS_OF, PlanStatus.won),  # on the checkpoint day
    (False, "yellow", ago(1), AS_OF, PlanStatus.won),
    (False, "red", ago(1), AS_OF, PlanStatus.open),
    (False, "green", ahead(1), AS_OF, PlanStatus.open),  # the day before the checkpoint
    (False, "green", None, AS_OF, PlanStatus.open),
])
def test_suggested_status(churned, band, checkpoint, as_of, expected):
    data = book(account(status="churned" if churned else "active"))
    assert suggested_status(plan(checkpoint=checkpoint), data, band, as_of) == expected


def test_open_actions_of_open_written_plans_earliest_due_first():
    late, early, undated = action(due=ahead(5), id=1), action(due=ahead(1), id=2), \
        action(due=None, id=3)
    done_today, done_later = action(done_on=AS_OF, id=4), action(done_on=ahead(1), id=5)
    plans = [plan(actions=(late, early, undated, done_today, done_later)),
             plan(actions=(action(id=6),), status="won"),
             plan(root="", actions=(action(id=7),))]  # a draft: its alert asks instead
    got = [a.id for _, a in open_plan_actions(plans, AS_OF)]
    assert got == [5, 2, 1, 3]  # done after as_of is still open as of the day (due today)


def test_an_action_needs_its_text():
    with pytest.raises(PlanInputError) as err:
        check_action("   ", "Dana", AS_OF)
    assert err.value.field == "text"
    assert check_action(" Call ", " Dana ", None) == RemediationAction(action="Call",
                                                                       owner="Dana")


def test_plan_action_items_in_today():
    from csdesk.core.assess import assess
    from csdesk.core.brief import build_brief

    data = book(save_plans=(plan(actions=(action(due=ago(2), id=41),)),))
    items = [i for i in build_brief([assess(data, AS_OF, RULES)], AS_OF, RULES)
             if i.kind == "save_plan_action"]
    assert [(i.id, i.due, i.overdue) for i in items] == [("save_plan_action:41", ago(2),
                                                         True)]


HOSTILE = ["# heading", "| a | b |", "<script>x</script>", "*em* _u_ `code`", "line\nbreak",
           "[link](http://x.example)", "1. list", "- item", "> quote"]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_plan_markdown_is_inert(text):
    p = SavePlan(account_id="A1", trigger="band_red", trigger_date=ago(3), root_cause=text,
                 executive_alignment=text, success_criteria_30=text,
                 remediation_actions=(RemediationAction(action=text, owner=text, due=AS_OF,
                                                        id=1),))
    md = render_plan(p, text, AS_OF)
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    kinds = {t.type for t in tokens}
    assert "html_block" not in kinds and "blockquote_open" not in kinds
    assert "ordered_list_open" not in kinds and "fence" not in kinds
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings[1:] == ["Root cause", "Executive alignment", "Remediation actions",
                            "Success criteria"]
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 2  # the header and the one action: the text stays in its cells
    inline = [c for t in tokens if t.type == "inline" for c in t.children or ()]
    assert not any(c.type in ("html_inline", "link_open", "code_inline") for c in inline)


@given(st.text(max_size=60))
def test_any_root_cause_stays_in_its_paragraph(text):
    p = plan(root=text, actions=(action(),))
    tokens = MarkdownIt("commonmark").enable("table").parse(render_plan(p, "Acme", AS_OF))
    assert sum(t.type == "heading_open" for t in tokens) == 5


# --- the success plan ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, status, roi, field", [
    ("", "on_track", None, "text"),
    ("Cut costs", "done", None, "status"),
    ("Cut costs", "achieved", None, "roi"),
    ("Cut costs", "achieved", "   ", "roi"),
    ("Cut costs", "achieved", "$40k saved", None),
    ("Cut costs", "ACHIEVED", "$40k saved", None),
    ("Cut costs", "missed", None, None),
])
def test_a_goal_is_checked_like_an_import_row(text, status, roi, field):
    if field is None:
        g = check_goal("A1", text, None, status, roi)
        assert g.status == status.lower()
    else:
        with pytest.raises(PlanInputError) as err:
            check_goal("A1", text, None, status, roi)
        assert err.value.field == field


def goals(n_dated: int, n_undated: int = 0) -> tuple[Goal, ...]:
    return (*(Goal(account_id="A1", goal=f"g{i}", target_date=ahead(30)) for i in range(n_dated)),
            *(Goal(account_id="A1", goal=f"u{i}") for i in range(n_undated)))


@pytest.mark.parametrize("dated, undated, met", [
    (0, 0, False), (2, 5, False), (3, 0, True), (5, 1, True), (6, 0, False),
])
def test_m1_three_to_five_measurable_goals(dated, undated, met):
    assert m1_goals_met(goals(dated, undated), RULES) is met
    data = book(account(contract_start=ago(3)), goals=goals(dated, undated),
                milestones=(MilestoneRecord(account_id="A1", milestone="M1", due=ahead(4)),))
    [item] = [i for i in checklist(Milestone.M1, data, AS_OF, RULES)
              if i.key == "success_plan_signed"]
    assert item.auto and item.done is met
    assert item.detail == f"{dated} goal{'' if dated == 1 else 's'} with target dates"


# --- the stakeholder map ------------------------------------------------------------------------


def person(name, role="user", reports_to=None, influence=None, status="active", email=None):
    return Contact(account_id="A1", name=name, role=role, reports_to=reports_to,
                   influence=influence, status=status,
                   email=email or f"{name.lower()}@acme.example")


def met(days_ago: int, *who: str, status="completed", kind="meeting") -> Touchpoint:
    return Touchpoint(account_id="A1", date=ago(days_ago), kind=kind, status=status,
                      contacts=tuple(who))


def test_the_tree_follows_reporting_lines_and_breaks_loops():
    people = [person("Ceo", "executive_sponsor"),
              person("Vp", "champion", reports_to="CEO@acme.example"),
              person("Dev", reports_to="vp@acme.example"),
              person("A", reports_to="b@acme.example"), person("B", reports_to="a@acme.example"),
              person("Lost", reports_to="nobody@x.example"), person("Self", reports_to="self@acme.example")]
    parents = manager_index(people)
    assert parents[:3] == [None, 0, 1]
    assert parents[5] is None and parents[6] is None
    assert None in parents[3:5]  # the loop is broken once
    roots = stakeholder_tree(people, [], AS_OF)
    assert roots[0].contact.name == "Ceo"
    assert roots[0].reports[0].contact.name == "Vp"
    assert roots[0].reports[0].reports[0].contact.name == "Dev"


def test_last_contact_is_the_last_completed_touchpoint_naming_them():
    people = [person("Ann"), person("Bob")]
    tps = [met(30, "ann@acme.example"), met(10, "ANN@acme.example", status="missed"),
           met(5, "Bob"), met(3, "ann@acme.example", kind="tech_touch"),
           Touchpoint(account_id="A1", date=ahead(1), kind="call", contacts=("ann@acme.example",))]
    assert last_contacts(people, tps, AS_OF) == [ago(30), ago(5)]


@pytest.mark.parametrize("people, tps, expected", [
    # the top is engaged, and so is someone with influence: no warning
    ([person("Ceo", "executive_sponsor"), person("Dev", reports_to="ceo@acme.example")],
     [met(10, "ceo@acme.example")], []),
    # only a user under the top is engaged: two warnings
    ([person("Ceo", "executive_sponsor"), person("Dev", reports_to="ceo@acme.example")],
     [met(10, "dev@acme.example")],
     ["No one at the top of the map engaged in the last 90 days",
      "Every engaged contact is a user: no one with influence is engaged"]),
    # engaged 91 days ago is not engaged
    ([person("Ceo", "executive_sponsor")], [met(91, "ceo@acme.example")],
     ["No one at the top of the map engaged in the last 90 days"]),
    ([person("Ceo", "executive_sponsor")], [met(90, "ceo@acme.example")], []),
    # a high-influence skeptic not met for 60+ days
    ([person("Ceo", "executive_sponsor"), person("Sam", "skeptic", influence="high",
                                                reports_to="ceo@acme.example")],
     [met(1, "ceo@acme.example"), met(61, "sam@acme.example")],
     ["High-influence skeptic Sam: no touchpoint in 60 days (last contact 2026-09-23)"]),
    ([person("Ceo", "executive_sponsor"), person("Sam", "skeptic", influence="high",
                                                reports_to="ceo@acme.example")],
     [met(1, "ceo@acme.example"), met(60, "sam@acme.example")], []),
    ([person("Ceo", "executive_sponsor"), person("Sam", "skeptic", influence="low")],
     [met(1, "ceo@acme.example")], []),
    # a departed top hands the top to those who reported to them
    ([person("Ceo", "executive_sponsor", status="departed"),
      person("Vp", "champion", reports_to="ceo@acme.example")], [met(1, "vp@acme.example")], []),
    ([], [], []),
])
def test_the_three_map_warnings(people, tps, expected):
    assert map_warnings(people, tps, AS_OF, RULES) == expected


# --- an account typed by hand -----------------------------------------------------------------

GOOD = {"account_id": "N1", "name": "Newco", "arr": "$120,000", "contract_start": "2026-11-01",
        "renewal_date": "11/01/2027", "seats_licensed": "50", "term_months": "12",
        "owner": "Dana", "status": "active"}


@pytest.mark.parametrize("change, problems", [
    ({}, {}),
    ({"arr": "EUR 5"}, {"arr": "not an amount in USD: 'EUR 5'"}),
    ({"arr": "-5"}, {"arr": "Input should be greater than or equal to 0"}),
    ({"name": "  "}, {"name": "required"}),
    ({"contract_start": "2026-13-01"}, {"contract_start": "not a date: '2026-13-01'"}),
    ({"seats_licensed": "many"}, {"seats_licensed": "not a whole number: 'many'"}),
    ({"term_months": "0"}, {"term_months": "Input should be greater than or equal to 1"}),
    ({"status": "paused"}, {"status": "not a status: 'paused' (active or churned)"}),
    ({"renewal_date": "2026-10-01"},
     {"renewal_date": "renewal_date 2026-10-01 is before contract_start 2026-11-01"}),
    ({"account_id": "N\x1b1"},
     {"account_id": "an id may not hold control characters (found \\x1b)"}),
    ({"arr": "2000000000000"}, {"arr": "Input should be less than or equal to 1000000000000"}),
])
def test_an_account_is_checked_like_an_import_row(change, problems):
    fields = GOOD | change
    if not problems:
        a = account_from_fields(fields)
        assert (a.arr, a.renewal_date, a.seats_licensed) == (120_000, dt.date(2027, 11, 1), 50)
        return
    with pytest.raises(FormProblems) as err:
        account_from_fields(fields)
    assert err.value.problems == problems


# --- the QBR agenda reads the plan and the map ------------------------------------------------


def test_the_qbr_lists_the_save_plan_as_a_risk_and_attendees_by_influence():
    from csdesk.core.assess import assess
    from csdesk.core.qbr import render_qbr

    people = (person("Low", "executive_sponsor", influence="low"),
              person("High", "economic_buyer", influence="high"),
              person("Sam", "skeptic", influence="high"), person("Quiet", "user"))
    open_plan = plan(root="Budget | cut", actions=(action(due=ahead(3), id=7),
                                                   action(done_on=ago(1), id=8)),
                     checkpoint=ahead(60))
    data = book(contacts=people, save_plans=(open_plan,))
    md = render_qbr(assess(data, AS_OF, RULES), data, ahead(14), RULES)
    assert ("- Economic buyer / executive sponsor: High (economic buyer, high influence); "
            "Low (executive sponsor, low influence)") in md
    assert "- High influence, invite or brief: Sam (skeptic)" in md
    assert (f"- [ ] Save plan (open, go/no-go {ahead(60)}): root cause: Budget \\| cut"
            in md)
    assert f"  - Exec call (Dana, due {ahead(3)})" in md
    assert md.count("Exec call") == 1  # the done action is not a risk any more
    won = book(contacts=people, save_plans=(plan(status="won"),))
    assert "Save plan" not in render_qbr(assess(won, AS_OF, RULES), won, ahead(14), RULES)


def test_a_half_answered_critical_says_what_the_plan_still_needs():
    from csdesk.core.models import Alert
    from csdesk.core.work import critical_left
    from tests.core.books import touch

    alert = Alert(level="critical", trigger="band_red", title="Health red", response="",
                  trigger_date=ago(10), due=ago(8), overdue=True)
    draft = plan(root="", actions=(action(),))
    data = book(touchpoints=(touch(2, kind="executive"),), save_plans=(draft,))
    assert critical_left(alert, data, AS_OF).endswith(
        "left: the save plan written (the save plan needs a root cause: its Save plan tab)")
    none = book(touchpoints=(touch(2, kind="executive"),))
    # no plan stored yet: its draft is stored by the run that raised the alert; the same words
    assert critical_left(alert, none, AS_OF) == critical_left(alert, data, AS_OF)
