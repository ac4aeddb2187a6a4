"""§7 Onboarding milestones M1-M4 (seed): windows, checklists, due and overdue."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.models import Account, Milestone, MilestoneRecord

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
    """Milestones are created when the contract started within the last 90 days (or has yet
    to start); an older account is past onboarding."""
    return (as_of - account.contract_start).days < rules.onboarding.length_days


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
