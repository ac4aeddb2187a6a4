import pytest

from csdesk.core.models import Tier
from csdesk.core.tiers import review_cadence_days, tier_for, touchpoint_cadence_days
from tests.core.books import RULES


@pytest.mark.parametrize("arr, tier", [
    (0, Tier.smb),
    (19_999, Tier.smb),
    (19_999.99, Tier.smb),
    (20_000, Tier.mid_market),      # 20,000 ≤ ARR: mid-market
    (100_000, Tier.mid_market),     # ARR ≤ 100,000: still mid-market
    (100_000.01, Tier.enterprise),
    (100_001, Tier.enterprise),     # ARR > 100,000
])
def test_tier_boundaries(arr, tier):
    assert tier_for(arr, RULES) is tier


@pytest.mark.parametrize("tier, touchpoint, review", [
    (Tier.enterprise, 14, 91),
    (Tier.mid_market, 30, 182),
    (Tier.smb, 90, None),
])
def test_cadences(tier, touchpoint, review):
    assert touchpoint_cadence_days(tier, RULES) == touchpoint
    assert review_cadence_days(tier, RULES) == review
