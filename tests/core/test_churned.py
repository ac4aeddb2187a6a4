"""Who has churned: an assessed account leaves the lists, the queue and the top line when its
phase is churned (its status, or its last renewal outcome) or its status says so."""

import pytest

from csdesk.core.assess import assess
from csdesk.core.models import Phase, Renewal
from csdesk.core.phase import has_churned
from tests.core.books import AS_OF, RULES, account, ago, book


@pytest.mark.parametrize("status, last_outcome, churned", [
    ("active", None, False),
    ("churned", None, True),
    ("active", "renewed", False),
    ("active", "churned", True),
])
def test_has_churned(status, last_outcome, churned):
    renewals = () if last_outcome is None else (Renewal(
        account_id="A1", date=ago(10), outcome=last_outcome, previous_arr=50_000,
        new_arr=0 if last_outcome == "churned" else 50_000),)
    a = assess(book(account(status=status), renewals=renewals), AS_OF, RULES)
    assert has_churned(a) is churned
    assert (a.phase == Phase.churned) is churned


def test_a_status_changed_after_the_assessment_counts_too():
    a = assess(book(account()), AS_OF, RULES)
    changed = a.model_copy(update={"account": a.account.model_copy(update={"status": "churned"})})
    assert not has_churned(a) and has_churned(changed)
