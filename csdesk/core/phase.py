"""§8 Lifecycle phase (first that applies) and the advocacy flag (reference candidate)."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.health import latest_nps, nps_category
from csdesk.core.models import (
    AccountData,
    Assessment,
    Band,
    HealthScore,
    Milestone,
    MilestoneStatus,
    Phase,
)


def lifecycle_phase(churned: bool, days_to_renewal: int, milestones: tuple[MilestoneStatus, ...],
                    expansion_qualified: bool, rules: Rules) -> Phase:
    """churned → renewal (0 ≤ days ≤ 90) → onboarding (M4 not done) → expansion → adoption."""
    if churned:
        return Phase.churned
    if 0 <= days_to_renewal <= rules.renewals.window_days:
        return Phase.renewal
    if any(m.milestone == Milestone.M4 and not m.done for m in milestones):
        return Phase.onboarding
    if expansion_qualified:
        return Phase.expansion
    return Phase.adoption


def has_churned(a: Assessment) -> bool:
    """An assessed account is churned when its phase says so (its data did, `is_churned`) or
    its status was set to churned since: it leaves the lists, the queue and the top line."""
    return a.phase == Phase.churned or a.account.status == "churned"


def reference_candidate(data: AccountData, health: HealthScore | None, as_of: dt.date,
                        rules: Rules) -> bool:
    """Promoter NPS in the last 180 days and green. Our choice: the latest response of the
    window must be the promoter one (a later detractor withdraws the flag)."""
    if health is None or Band(health.band) != Band.green:
        return False
    nps = latest_nps(data, as_of, rules.advocacy.promoter_window_days)
    return nps is not None and nps_category(nps.score) == "promoter"
