"""§13 business-review cadence (seed tiers: enterprise quarterly EBR, mid-market semi-annual):
when the next business review (a completed `qbr` or `ebr` touchpoint) is due, and whether it
is late. The cadence is the tier's (§1: `tiers.enterprise_review_days` 91,
`tiers.mid_market_review_days` 182, smb none)."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.models import AccountData, Touchpoint, TouchpointKind, TouchpointStatus
from csdesk.core.tiers import review_cadence_days, tier_for
from csdesk.core.touchpoints import newest_days

REVIEW_KINDS = (TouchpointKind.qbr, TouchpointKind.ebr)


def last_review(data: AccountData, as_of: dt.date) -> Touchpoint | None:
    """The latest completed `qbr` or `ebr` touchpoint dated on or before as_of."""
    for t in newest_days(data.touchpoints, as_of):
        if t.status == TouchpointStatus.completed and t.kind in REVIEW_KINDS:
            return t
    return None


def next_review_due(data: AccountData, as_of: dt.date, rules: Rules) -> dt.date | None:
    """The last completed business review (else the contract start) plus the tier's review
    cadence; None for a tier without one (smb)."""
    cadence = review_cadence_days(tier_for(data.account.arr, rules), rules)
    if not cadence:
        return None
    last = last_review(data, as_of)
    return (last.date if last else data.account.contract_start) + dt.timedelta(days=cadence)
