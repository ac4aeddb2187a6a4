"""§9 Renewals: days to renewal, the window, ARR at risk, and what logging an outcome does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from csdesk.core.config import Rules
from csdesk.core.models import Account, Assessment, Band, Outcome, Renewal, RenewalLogged


def days_to_renewal(account: Account, as_of: dt.date) -> int:
    """Counted from as_of; negative once the date has passed without an outcome."""
    return (account.renewal_date - as_of).days


def outcome_day(account: Account, as_of: dt.date) -> dt.date:
    """The day an outcome is logged for by default: the renewal date once it has passed (a
    renewal closed on its date and logged days later was on time, docs/rules.md §11's
    renewal rate), else today (an early renewal)."""
    return min(account.renewal_date, as_of)


def renewal_window_opens(account: Account, rules: Rules) -> dt.date:
    """Seed: the renewal window opens 90 days before the renewal date."""
    return account.renewal_date - dt.timedelta(days=rules.renewals.window_days)


def in_renewal_window(days: int, rules: Rules) -> bool:
    return 0 <= days <= rules.renewals.window_days


@dataclass(frozen=True)
class RenewalsAtRisk:
    """The red and yellow accounts renewing within `days` (0 ≤ days to renewal ≤ `days`)."""

    days: int
    count: int = 0
    arr: float = 0.0


def is_at_risk(a: Assessment) -> bool:
    """§9: an account's ARR is at risk when it is red or yellow (a churned or not yet started
    account is not scored, so never at risk)."""
    return a.health is not None and a.health.band in (Band.red, Band.yellow)


def renewals_at_risk(assessments: Iterable[Assessment], rules: Rules
                     ) -> tuple[RenewalsAtRisk, ...]:
    """ARR at risk and how many accounts carry it, for each of `renewals.at_risk_days`
    (default 90 and 180 days), in one pass."""
    limits = tuple(rules.renewals.at_risk_days)
    counts, arrs = [0] * len(limits), [0.0] * len(limits)
    for a in assessments:
        if not is_at_risk(a):
            continue
        days, value = a.days_to_renewal, a.account.arr
        for i, limit in enumerate(limits):
            if 0 <= days <= limit:
                counts[i] += 1
                arrs[i] += value
    return tuple(RenewalsAtRisk(limit, n, arr) for limit, n, arr in zip(limits, counts, arrs))


def arr_at_risk(assessments: Iterable[Assessment], rules: Rules) -> dict[int, float]:
    """ARR of red and yellow accounts renewing within 90 / 180 days: {90: …, 180: …}."""
    return {r.days: r.arr for r in renewals_at_risk(assessments, rules)}


def renewal_outcome(account: Account, outcome: Outcome, on: dt.date, *,
                    new_arr: float | None = None, reason: str | None = None,
                    preventable: bool | None = None, competitor: str | None = None,
                    term_months: int | None = None) -> RenewalLogged:
    """What logging an outcome records and how the account moves on (§9).

    The renewal keeps the ARR before it (`previous_arr`). renewed/expanded/contracted: the new
    ARR (renewed defaults to the same ARR) and the next renewal date = old date + term (default
    the account's term, 12 months). Our choice: a contraction still renews for a term.
    churned: ARR 0, no next date; reason, preventable and competitor are kept.
    """
    outcome = Outcome(outcome)
    churned = outcome == Outcome.churned
    if churned:
        arr = 0.0
    elif new_arr is None:
        if outcome != Outcome.renewed:
            raise ValueError(f"a {outcome} renewal needs the new ARR")
        arr = account.arr
    else:
        arr = float(new_arr)
    months = term_months or account.term_months
    renewal = Renewal(
        account_id=account.account_id, date=on, outcome=outcome, previous_arr=account.arr,
        new_arr=arr, reason=reason, preventable=preventable if churned else None,
        competitor=competitor if churned else None)
    return RenewalLogged(
        renewal=renewal, new_arr=arr, churned=churned,
        next_renewal_date=None if churned else account.renewal_date + relativedelta(months=months))
