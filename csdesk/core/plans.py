"""The plans the playbook asks for, worked (docs/workflow.md): the save plan and the success plan.

Pure rules over the models: what a plan's status should be, which remediation actions are open
(Today's `save_plan_action` items), what a goal needs before it is stored (an achieved goal
carries its ROI note: the expansion gate reads it), and M1's "3-5 measurable goals".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from csdesk.core.alerts import plan_is_written
from csdesk.core.config import Rules
from csdesk.core.models import (
    AccountData,
    AccountStatus,
    Band,
    Goal,
    GoalStatus,
    PlanStatus,
    RemediationAction,
    SavePlan,
)
from csdesk.core.parse import ParseError, parse_date

# The plan's text fields, in the seed template's order, with what a CSM reads for each.
PLAN_TEXT_FIELDS: dict[str, str] = {
    "root_cause": "Root cause",
    "executive_alignment": "Executive alignment (who, when)",
    "success_criteria_30": "Success criteria at 30 days",
    "success_criteria_60": "Success criteria at 60 days",
    "success_criteria_90": "Success criteria at 90 days",
}


class PlanInputError(ValueError):
    """A value a plan, an action or a goal cannot take: `field` names it, the message says why
    (for the field's line in a form, or `--field` on the command line)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def current_plan(plans: Sequence[SavePlan]) -> SavePlan | None:
    """The plan the Save plan tab shows: the newest open one, else the newest (by trigger
    date, then id)."""
    if not plans:
        return None
    ordered = sorted(plans, key=lambda p: (p.trigger_date, p.id or 0))
    open_ = [p for p in ordered if p.status == PlanStatus.open]
    return (open_ or ordered)[-1]


def plan_state(plan: SavePlan) -> str:
    """`draft` until written (§13: a root cause and one action with an owner and a due date),
    else the plan's status."""
    if plan.status == PlanStatus.open and not plan_is_written(plan):
        return "draft"
    return str(plan.status)


def what_is_left(plan: SavePlan | None) -> str:
    """What the plan still needs to count (answer its critical alert), in a CSM's words; ""
    when it counts."""
    if plan is None:
        return "write the save plan"
    needs = []
    if not plan.root_cause.strip():
        needs.append("a root cause")
    if not any(a.owner.strip() and a.due is not None for a in plan.remediation_actions):
        needs.append("a remediation action with an owner and a due date")
    return ("the save plan needs " + " and ".join(needs)) if needs else ""


def suggested_status(plan: SavePlan, data: AccountData, band: Band | str | None,
                     as_of: dt.date) -> PlanStatus:
    """What the status should be (docs/workflow.md): lost when the account churned; won when
    the account is yellow or green on or after the go/no-go checkpoint; else open."""
    if data.account.status == AccountStatus.churned:
        return PlanStatus.lost
    if (plan.checkpoint_date is not None and as_of >= plan.checkpoint_date
            and band in (Band.green, Band.yellow)):
        return PlanStatus.won
    return PlanStatus.open


def is_open_action(action: RemediationAction, as_of: dt.date) -> bool:
    return action.done_on is None or action.done_on > as_of


def open_plan_actions(plans: Iterable[SavePlan], as_of: dt.date
                      ) -> tuple[tuple[SavePlan, RemediationAction], ...]:
    """The remediation actions still to do of the account's open, written plans (Today's
    `save_plan_action` items), earliest due first (undated last). A draft's suggested actions
    wait: its critical alert is the Today item until the plan is written (§13)."""
    out = [(p, a) for p in plans if p.status == PlanStatus.open and plan_is_written(p)
           for a in p.remediation_actions if a.id is not None and is_open_action(a, as_of)]
    return tuple(sorted(out, key=lambda pa: (pa[1].due or dt.date.max, pa[1].id or 0)))


def plan_action_item_id(action_id: int) -> str:
    """The Today item id of a remediation action (the scheme of `csdesk.core.work`: the CSM's
    own records by their row ids), stable while the action is open."""
    return f"save_plan_action:{action_id}"


def parse_day(text: str | None, field: str) -> dt.date | None:
    """A date typed in a form or given as an option ("" or None: no date)."""
    if text is None or not str(text).strip():
        return None
    try:
        return parse_date(str(text))
    except ParseError as exc:
        raise PlanInputError(field, str(exc)) from None


def check_action(text: str, owner: str, due: dt.date | None) -> RemediationAction:
    """A remediation action as typed: refused without text; owner and due may wait (the plan
    counts only once one action has both)."""
    if not text.strip():
        raise PlanInputError("text", "the action is empty")
    return RemediationAction(action=text.strip(), owner=owner.strip(), due=due)


def check_status(value: str) -> PlanStatus:
    try:
        return PlanStatus(value.strip().lower())
    except ValueError:
        raise PlanInputError("status", f"not a plan status: {value!r} (open, won or lost)") \
            from None


# --- the success plan ---------------------------------------------------------------------------


def check_goal(account_id: str, text: str, target: dt.date | None, status: str | GoalStatus,
               roi: str | None) -> Goal:
    """A goal as typed (the import refuses the same): text required, a known status, and an
    achieved goal asks for its ROI note (the expansion gate reads it, docs/rules.md)."""
    if not text.strip():
        raise PlanInputError("text", "the goal is empty")
    try:
        status = GoalStatus(str(status).strip().lower())
    except ValueError:
        raise PlanInputError("status", f"not a goal status: {status!r} ("
                             + ", ".join(s.value for s in GoalStatus) + ")") from None
    roi = (roi or "").strip() or None
    if status == GoalStatus.achieved and roi is None:
        raise PlanInputError("roi", "an achieved goal needs its ROI note (what it was worth)")
    return Goal(account_id=account_id, goal=text.strip(), target_date=target, status=status,
                roi_note=roi)


def measurable_goals(goals: Iterable[Goal]) -> int:
    """Goals with a target date: what M1's "3-5 measurable goals" counts."""
    return sum(1 for g in goals if g.target_date is not None)


def m1_goals_met(goals: Iterable[Goal], rules: Rules) -> bool:
    """M1's "success plan with 3-5 measurable goals" ticks itself (docs/workflow.md)."""
    low, high = rules.onboarding.m1_goals
    return low <= measurable_goals(goals) <= high


def plan_action_items(a, as_of: dt.date) -> list:
    """Today's `save_plan_action` items (docs/workflow.md): each open remediation action of an
    open save plan, due on its due date (level warning: it is part of saving a red account)."""
    from csdesk.core.models import AlertLevel, BriefItem, ItemKind

    out = []
    for action in a.plan_actions:
        owner = f" ({action.owner})" if action.owner.strip() else ""
        out.append(BriefItem.model_construct(
            account_id=a.account.account_id, name=a.account.name,
            kind=ItemKind.save_plan_action, level=AlertLevel.warning,
            title=f"Save plan action: {action.action}{owner}",
            action="Do it, then mark it done on the Save plan tab (or csdesk plan done "
                   f"{action.id})",
            due=action.due, overdue=action.due is not None and as_of > action.due,
            id=plan_action_item_id(action.id),
            clears_when=f"remediation action {action.id} marked done", respond_with=None,
            weight=0.0))
    return out


# --- the plan as Markdown (`csdesk plan ACCOUNT`) ---------------------------------------------


def render_plan(plan: SavePlan, account_name: str, as_of: dt.date) -> str:
    """The save plan as Markdown (GitHub-flavoured), every book value through `md_escape`
    as the QBR agenda does: a value can never leave its line or cell, or become markup."""
    from csdesk.core.qbr import md_escape

    def text(value: str) -> str:
        return md_escape(value) or "*not written yet*"

    state = plan_state(plan)
    lines = [
        f"# Save plan: {md_escape(account_name)}",
        "",
        f"- Trigger: {md_escape(plan.trigger.replace('_', ' '))} on "
        f"{plan.trigger_date.isoformat()}",
        f"- Status: **{state}**",
        f"- Go/no-go checkpoint: "
        f"{plan.checkpoint_date.isoformat() if plan.checkpoint_date else '*not set*'}",
    ]
    left = what_is_left(plan)
    if left:
        lines.append(f"- Still needed to count: {left}")
    lines += ["", "## Root cause", "", text(plan.root_cause), "",
              "## Executive alignment", "", text(plan.executive_alignment), "",
              "## Remediation actions", ""]
    if plan.remediation_actions:
        lines += ["| Id | Action | Owner | Due | Done |", "|---:|---|---|---|---|"]
        for a in plan.remediation_actions:
            done = a.done_on.isoformat() if a.done_on and a.done_on <= as_of else ""
            lines.append(f"| {a.id if a.id is not None else ''} | {md_escape(a.action)} | "
                         f"{md_escape(a.owner) or '—'} | "
                         f"{a.due.isoformat() if a.due else '—'} | {done or 'no'} |")
    else:
        lines.append("*No remediation actions yet.*")
    lines += ["", "## Success criteria", "",
              f"- 30 days: {text(plan.success_criteria_30)}",
              f"- 60 days: {text(plan.success_criteria_60)}",
              f"- 90 days: {text(plan.success_criteria_90)}"]
    return "\n".join(lines) + "\n"


def plan_as_json(plan: SavePlan, as_of: dt.date) -> dict:
    """The plan for `csdesk plan ACCOUNT --json`."""
    return {
        "id": plan.id, "account_id": plan.account_id, "trigger": plan.trigger,
        "trigger_date": plan.trigger_date, "status": str(plan.status),
        "state": plan_state(plan), "written": plan_is_written(plan),
        "what_is_left": what_is_left(plan), "root_cause": plan.root_cause,
        "executive_alignment": plan.executive_alignment,
        "success_criteria_30": plan.success_criteria_30,
        "success_criteria_60": plan.success_criteria_60,
        "success_criteria_90": plan.success_criteria_90,
        "checkpoint_date": plan.checkpoint_date,
        "remediation_actions": [
            {"id": a.id, "text": a.action, "owner": a.owner, "due": a.due,
             "done_on": a.done_on, "done": not is_open_action(a, as_of)}
            for a in plan.remediation_actions],
    }


GOAL_CYCLE = (GoalStatus.not_started, GoalStatus.on_track, GoalStatus.at_risk,
              GoalStatus.achieved, GoalStatus.missed)


def next_goal_status(status: GoalStatus | str) -> GoalStatus:
    """The status a goal moves to when the CSM cycles it (the workbench's space key):
    not started → on track → at risk → achieved → missed → not started."""
    return GOAL_CYCLE[(GOAL_CYCLE.index(GoalStatus(status)) + 1) % len(GOAL_CYCLE)]
