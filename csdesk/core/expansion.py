"""§6 Expansion: the four gates (seed) that qualify an account for an expansion motion."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.health import active_champion
from csdesk.core.models import AccountData, Band, ExpansionGates, GoalStatus, HealthScore, trusted
from csdesk.core.renewals import days_to_renewal
from csdesk.core.tiers import not_engagement_kinds, tier_for
from csdesk.core.timeline import band_held_for
from csdesk.core.touchpoints import logged_since

_gates = trusted(ExpansionGates)

GATE_TEXT = {
    "green_60_days": "green for 60 consecutive days",
    "goal_with_roi": "a success-plan goal achieved with an ROI note",
    "champion_engaged": "an active champion and a completed touchpoint in the last 30 days",
    "renewal_not_within_60_days": "renewal not within 60 days",
}


def green_long_enough(data: AccountData, health: HealthScore | None, as_of: dt.date,
                      rules: Rules) -> bool:
    if health is None:
        return False
    return band_held_for(data.history, health.band, as_of, Band.green,
                         rules.expansion.green_days)


def goal_with_roi(data: AccountData) -> bool:
    return any(g.status == GoalStatus.achieved and (g.roi_note or "").strip() for g in data.goals)


def champion_engaged(data: AccountData, as_of: dt.date, rules: Rules) -> bool:
    """An active champion and a completed touchpoint in the last 30 days; a `tech_touch`
    counts for smb only, as it does for engagement (§13)."""
    since = as_of - dt.timedelta(days=rules.expansion.touchpoint_days)
    skip = not_engagement_kinds(tier_for(data.account.arr, rules), rules)
    return active_champion(data) is not None and bool(
        logged_since(data.touchpoints, since, as_of, completed_only=True, skip=skip))


def renewal_not_within(data: AccountData, as_of: dt.date, rules: Rules) -> bool:
    """Our choice: a renewal date already passed without an outcome is still pending, so
    the gate fails for it too."""
    return days_to_renewal(data.account, as_of) > rules.expansion.renewal_not_within_days


def expansion_gates(data: AccountData, health: HealthScore | None, as_of: dt.date,
                    rules: Rules) -> ExpansionGates:
    return _gates(
        green_60_days=green_long_enough(data, health, as_of, rules),
        goal_with_roi=goal_with_roi(data),
        champion_engaged=champion_engaged(data, as_of, rules),
        renewal_not_within_60_days=renewal_not_within(data, as_of, rules),
    )


def failing_gates(gates: ExpansionGates) -> list[str]:
    """What stands between the account and an expansion motion, in the CSM's words."""
    return [text for name, text in GATE_TEXT.items() if not getattr(gates, name)]
