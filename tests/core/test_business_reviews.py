"""§13 business-review cadence: a Today item (`ebr_due`) once the last completed qbr or ebr
touchpoint is older than the tier's cadence (enterprise 91 days, mid-market 182, smb none)."""

import pytest

from csdesk.core.business_reviews import next_review_due
from tests.core.books import AS_OF, RULES, account, ago, book, touch

ENTERPRISE, MID_MARKET, SMB = 150_000, 50_000, 5_000


@pytest.mark.parametrize("arr, review_ago, kind, status, due", [
    (ENTERPRISE, 91, "ebr", "completed", AS_OF),        # 91 days old: due today, not late
    (ENTERPRISE, 92, "qbr", "completed", ago(1)),       # 92 days: a day late
    (ENTERPRISE, 92, "qbr", "missed", ago(400 - 91)),   # a missed review is no review
    (ENTERPRISE, 92, "qbr", "scheduled", ago(400 - 91)),
    (ENTERPRISE, 10, "meeting", "completed", ago(400 - 91)),  # not a business review
    (MID_MARKET, 182, "ebr", "completed", AS_OF),
    (MID_MARKET, 183, "ebr", "completed", ago(1)),
    (SMB, 400, "qbr", "completed", None),                # smb: no review cadence
])
def test_next_review_due(arr, review_ago, kind, status, due):
    data = book(account(arr=arr, contract_start=ago(400)),
                touchpoints=(touch(review_ago, kind=kind, status=status),))
    assert next_review_due(data, AS_OF, RULES) == due


def test_without_any_review_the_cadence_runs_from_the_contract_start():
    data = book(account(arr=ENTERPRISE, contract_start=ago(30)))
    assert next_review_due(data, AS_OF, RULES) == ago(30 - 91)


def test_the_cadence_is_config():
    from csdesk.core.config import Tiers

    rules = RULES.model_copy(update={"tiers": Tiers(enterprise_review_days=30)})
    data = book(account(arr=ENTERPRISE), touchpoints=(touch(31, kind="ebr"),))
    assert next_review_due(data, AS_OF, rules) == ago(1)


@pytest.mark.parametrize("arr, review_ago, raised", [
    (ENTERPRISE, 91, False), (ENTERPRISE, 92, True),     # quarterly (§13)
    (MID_MARKET, 182, False), (MID_MARKET, 183, True),   # semi-annual
    (SMB, 400, False),                                    # none
])
def test_a_late_business_review_is_a_today_item(arr, review_ago, raised):
    from csdesk.core.assess import assess
    from csdesk.core.brief import build_brief
    from csdesk.core.models import ItemKind
    from tests.core.books import healthy

    data = healthy(acct=account(arr=arr, contract_start=ago(400)),
                   touchpoints=(touch(review_ago, kind="qbr"), touch(3)))
    items = [i for i in build_brief([assess(data, AS_OF, RULES)], AS_OF, RULES)
             if i.kind == ItemKind.ebr_due]
    assert len(items) == int(raised)
    if raised:
        [item] = items
        assert (item.due, item.overdue) == (ago(1), True)
        assert item.respond_with == "ebr"
