"""§7 Onboarding milestones M1-M4 (seed): windows, checklists, due and overdue."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.health import at_least
from csdesk.core.models import (
    Account,
    AccountData,
    ChecklistItem,
    Milestone,
    MilestoneRecord,
    MilestoneStatus,
    trusted,
)

_checklist_item = trusted(ChecklistItem)
_milestone_status = trusted(MilestoneStatus)

MILESTONE_NAMES = {
    Milestone.M1: "M1 Technical kickoff",
    Milestone.M2: "M2 First value",
    Milestone.M3: "M3 Team adoption",
    Milestone.M4: "M4 Outcome confirmation",
}


def milestone_window(milestone: Milestone, rules: Rules) -> tuple[int, int]:
    o = rules.onboarding
    return {Milestone.M1: o.m1_days, Milestone.M2: o.m2_days,
            Milestone.M3: o.m3_days, Milestone.M4: o.m4_days}[milestone]


def is_onboarding_age(account: Account, as_of: dt.date, rules: Rules) -> bool:
    """Milestones are created when the contract started at most 90 days before as_of, day 90
    included so M4's due day is never skipped (§13), or has yet to start; an older account is
    past onboarding."""
    return (as_of - account.contract_start).days <= rules.onboarding.length_days


def new_milestones(account: Account, as_of: dt.date, rules: Rules) -> list[MilestoneRecord]:
    """The M1-M4 records to create with a new account; none when it is past onboarding.

    Due = contract start + the last day of the window, as the spec words it (M1: start + 7 days).
    """
    if not is_onboarding_age(account, as_of, rules):
        return []
    return [
        MilestoneRecord(account_id=account.account_id, milestone=m,
                        due=account.contract_start + dt.timedelta(days=milestone_window(m, rules)[1]))
        for m in Milestone
    ]


# --- checklists (seed) and their state ------------------------------------------------------

# (key, text, auto): keys are stable, they are what milestone_items.item stores.
CHECKLISTS: dict[Milestone, tuple[tuple[str, str, bool], ...]] = {
    Milestone.M1: (
        ("stakeholders_aligned", "Stakeholders aligned on goals", False),
        ("technical_setup", "Technical setup complete (integrations, SSO, data import)", False),
        ("success_plan_signed", "Success plan signed with 3-5 measurable goals", True),
    ),
    Milestone.M2: (
        ("core_use_case_live", "Core use case live with real data", False),
        ("three_users_beyond_champion", "At least 3 active users beyond the champion", True),
        ("demonstrates_unaided", "Customer demonstrates the product unaided", False),
    ),
    Milestone.M3: (
        ("seats_60_percent_active", "At least 60% of licensed seats active", True),
        ("secondary_use_case", "Secondary use case identified", False),
    ),
    Milestone.M4: (
        ("goal_progressing", "One success-plan goal achieved or measurably progressing", False),
        ("ebr_scheduled", "EBR scheduled with the executive sponsor", False),
        ("expansion_signals_documented", "Expansion signals documented", False),
    ),
}


def _auto_done(milestone: Milestone, key: str, data: AccountData, as_of: dt.date,
               rules: Rules) -> tuple[dt.date | None, str | None]:
    """When an auto item was first met by usage since the contract started, and the data."""
    o = rules.onboarding
    rows = [u for u in data.usage if data.account.contract_start <= u.date <= as_of]
    seats = data.account.seats_licensed
    if key == "three_users_beyond_champion":
        met = next((u.date for u in rows if u.active_users >= o.m2_active_users), None)
        latest = f"{rows[-1].active_users} active users" if rows else "no usage yet"
    elif key == "seats_60_percent_active":
        if not seats:
            return None, "no seat count"
        met = next((u.date for u in rows if at_least(u.active_users, seats, o.m3_seat_ratio)),
                   None)
        latest = (f"{rows[-1].active_users} of {seats} seats active" if rows else "no usage yet")
    elif key == "success_plan_signed":
        # docs/workflow.md: ticks itself once 3-5 goals have target dates (goals carry no
        # date of their own: met as of the day, the milestone's recorded date kept after).
        from csdesk.core.plans import m1_goals_met, measurable_goals

        count = measurable_goals(data.goals)
        met = as_of if m1_goals_met(data.goals, rules) else None
        latest = f"{count} goal{'' if count == 1 else 's'} with target dates"
    else:
        return None, None
    return met, latest


def checklist(milestone: Milestone, data: AccountData, as_of: dt.date, rules: Rules,
              recorded_done_on: dt.date | None = None) -> tuple[ChecklistItem, ...]:
    """The milestone's items: ticked by the CSM, or (auto) met by usage. A tick on an auto item
    counts too (our choice: for books without usage data); the earliest date wins. An auto item
    of a milestone already recorded done keeps that date once its usage rows age out of what
    the store reads."""
    ticked = {i.item: i.done_on for i in data.milestone_items
              if i.milestone == milestone and i.done_on <= as_of}
    items = []
    for key, text, auto in CHECKLISTS[milestone]:
        done_on, detail = _auto_done(milestone, key, data, as_of, rules) if auto else (None, None)
        dates = [d for d in (done_on, ticked.get(key), recorded_done_on if auto else None)
                 if d is not None and d <= as_of]
        done_on = min(dates) if dates else None
        items.append(_checklist_item(key=key, text=text, auto=auto, done=done_on is not None,
                                     done_on=done_on, detail=detail))
    return tuple(items)


def milestone_statuses(data: AccountData, as_of: dt.date, rules: Rules
                       ) -> tuple[MilestoneStatus, ...]:
    """Each stored milestone: done when all its items are done (done_on = the last item's
    date); overdue when past due and not done. Onboarding ends at M4 (seed)."""
    out = []
    for record in sorted(data.milestones, key=lambda r: r.milestone):
        m = Milestone(record.milestone)
        items = checklist(m, data, as_of, rules, record.done_on)
        done = all(i.done for i in items)
        done_on = max(i.done_on for i in items) if done else None
        out.append(_milestone_status(
            milestone=m, name=MILESTONE_NAMES[m], window=milestone_window(m, rules),
            due=record.due, done=done, done_on=done_on, overdue=not done and as_of > record.due,
            items=items))
    return tuple(out)


def time_to_first_value_days(account: Account, milestones: tuple[MilestoneStatus, ...]
                             ) -> int | None:
    """Days from contract start to M2 done (§7)."""
    m2 = next((m for m in milestones if m.milestone == Milestone.M2 and m.done_on), None)
    return (m2.done_on - account.contract_start).days if m2 else None
