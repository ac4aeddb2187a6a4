"""§1 Tiers (segments) and coverage cadences (seed)."""

from __future__ import annotations

from csdesk.core.config import Rules
from csdesk.core.models import Tier, TouchpointKind
from csdesk.core.touchpoints import AUTOMATED


def tier_for(arr: float, rules: Rules) -> Tier:
    """enterprise ARR > 100,000; mid_market 20,000 ≤ ARR ≤ 100,000; smb ARR < 20,000 (seed)."""
    if arr > rules.tiers.enterprise_above:
        return Tier.enterprise
    if arr < rules.tiers.smb_below:
        return Tier.smb
    return Tier.mid_market


def touchpoint_cadence_days(tier: Tier, rules: Rules) -> int:
    """Days between touchpoints: enterprise 14, mid_market 30, smb 90 (tech-touch counts)."""
    return getattr(rules.tiers, _CADENCE[tier])


_CADENCE = {tier: f"{tier.value}_cadence_days" for tier in Tier}  # by member or its text


def not_engagement_kinds(tier: Tier, rules: Rules) -> frozenset[TouchpointKind]:
    """Touchpoint kinds that do not count as engagement for the tier: `tech_touch` (automated)
    counts for smb only (§1, §13; `engagement.tech_touch_tiers`)."""
    return _NONE if Tier(tier).value in rules.engagement.tech_touch_tiers else AUTOMATED


_NONE: frozenset[TouchpointKind] = frozenset()


def review_cadence_days(tier: Tier, rules: Rules) -> int | None:
    """Days between business reviews (EBR/QBR): enterprise 91, mid_market 182, smb none."""
    return getattr(rules.tiers, f"{Tier(tier).value}_review_days")
