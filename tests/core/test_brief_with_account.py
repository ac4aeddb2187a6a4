"""with_account: one account's items swapped in a brief are the brief rebuilt with it changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from csdesk.core.assess import assess
from csdesk.core.brief import build_brief, with_account
from csdesk.core.models import Renewal
from tests.core.books import (
    AS_OF,
    RULES,
    account,
    ago,
    ahead,
    book,
    daily,
    healthy,
    nps,
    touch,
    usage,
)


def _red(acct):  # a critical alert, overdue; an overdue touchpoint
    return book(acct, usage=(usage(1, 5),), touchpoints=(touch(40),), history=daily("red", 5, 1))


def _renewing(acct):  # renews within the window with no conversation; a detractor
    return book(acct.model_copy(update={"renewal_date": ahead(20)}), usage=(usage(3, 60),),
                touchpoints=(touch(10),), nps=(nps(5, 2, "Cy"),))


def _silent(acct):  # no touchpoint at all: due since the contract start
    return book(acct, usage=(usage(2, 70),))


def _churned(acct):  # nothing to do today
    churn = Renewal(account_id=acct.account_id, date=ago(3), outcome="churned",
                    previous_arr=5, new_arr=0)
    return book(acct, usage=(usage(2, 90),), renewals=(churn,))


def _healthy(acct):
    return healthy(acct=acct)


VARIANTS = [_healthy, _red, _renewing, _silent, _churned]
NAMES = ["Acme", "acme", "Zed", "Bolt"]  # repeated and case-folded alike: the id decides


@settings(max_examples=60, deadline=None)
@given(book_=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VARIANTS)),
                      min_size=1, max_size=8),
       changed=st.integers(min_value=0), to=st.sampled_from([None, *VARIANTS]))
def test_swapping_one_accounts_items_is_rebuilding_the_brief(book_, changed, to):
    accounts = [account(account_id=f"A{i}", name=name) for i, (name, _) in enumerate(book_)]
    assessments = [assess(make(acct), AS_OF, RULES)
                   for acct, (_, make) in zip(accounts, book_, strict=True)]
    brief = build_brief(assessments, AS_OF, RULES)
    i = changed % len(accounts)
    new = None if to is None else assess(to(accounts[i]), AS_OF, RULES)
    after = [a for j, a in enumerate(assessments) if j != i] if new is None else (
        assessments[:i] + [new] + assessments[i + 1:])
    assert with_account(brief, accounts[i].account_id, new, AS_OF, RULES) == build_brief(
        after, AS_OF, RULES)


def test_an_account_with_two_items_of_a_kind_keeps_their_order():
    # A red account whose usage and engagement both dropped: two alerts, same level and due.
    data = _red(account(account_id="R", name="Red Co"))
    a = assess(data, AS_OF, RULES)
    brief = build_brief([a, assess(healthy(acct=account(account_id="G")), AS_OF, RULES)], AS_OF,
                        RULES)
    assert with_account(brief, "R", a, AS_OF, RULES) == brief
