"""§11 Portfolio metrics for a period [start, end), each beside its seed target.

Rates are fractions; a rate whose denominator is zero is None ("no data"), never 0 or 100%.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict

from csdesk.core.config import Rules
from csdesk.core.models import (
    Account,
    AccountStatus,
    Assessment,
    Band,
    Nps,
    Outcome,
    Renewal,
    Touchpoint,
    TouchpointKind,
    TouchpointStatus,
)
from csdesk.core.tiers import review_cadence_days, tier_for


class BandShare(BaseModel):
    model_config = ConfigDict(frozen=True)
    count: int
    arr: float


class ExpansionPipeline(BaseModel):
    """§13 expansion pipeline coverage (a seed leading metric): the accounts showing an
    expansion signal (§6) and those qualified for an expansion motion, count and ARR, beside
    the period's expansion ARR."""

    model_config = ConfigDict(frozen=True)
    signalled: BandShare
    qualified: BandShare
    expansion_arr: float


class Metrics(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: dt.date
    end: dt.date
    accounts_at_start: int
    arr_at_start: float
    expansion_arr: float
    contraction_arr: float
    churned_arr: float
    churned_accounts: int
    grr: float | None
    nrr: float | None
    logo_churn_rate: float | None
    renewal_rate: float | None  # §13: closed on time, of the renewals due in the period
    renewals_in_period: int  # renewals due in the period
    nps: float | None  # -100..100
    nps_respondents: int
    bands: dict[str, BandShare]
    median_time_to_first_value_days: float | None
    review_completion_rate: float | None
    reviews_due: int
    reviews_completed: int
    expansion_pipeline_coverage: ExpansionPipeline


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def in_period(day: dt.date, start: dt.date, end: dt.date) -> bool:
    return start <= day < end


def retention(accounts: Iterable[Account], renewals: Iterable[Renewal], start: dt.date,
              end: dt.date) -> dict:
    """GRR, NRR and logo churn over the accounts that existed at start (§11).

    An account existed at start when its contract started before it and it had not left: an
    account with a churn outcome dated before start is gone, and so is one marked churned with no
    churn outcome at all (we cannot tell when it left, so it is in no period's base).

    An account's ARR at start is the `previous_arr` of its first outcome in the period, else its
    ARR now; for a past period, an outcome after the period's end still tells the ARR at start
    (its `previous_arr`, the first outcome on or after start), where "ARR now" would carry later
    changes back. Expansion, contraction and churned ARR are the differences the period's
    outcomes record (new - previous for an expansion, previous - new for a contraction, previous
    for churn). An outcome without `previous_arr` (an import may leave it empty) had the ARR
    before it: the ARR at start for the first, the new ARR of the one before for the next
    (§13), so a churn is never counted as retained.
    """
    ordered = sorted(renewals, key=lambda r: r.date)
    by_account: dict[str, list[Renewal]] = {}
    first_since_start: dict[str, Renewal] = {}
    left_before: set[str] = set()
    ever_churned: set[str] = set()
    for r in ordered:
        if r.outcome == Outcome.churned:
            ever_churned.add(r.account_id)
            if r.date < start:
                left_before.add(r.account_id)
        if r.date >= start:
            first_since_start.setdefault(r.account_id, r)
        if in_period(r.date, start, end):
            by_account.setdefault(r.account_id, []).append(r)
    at_start = [a for a in accounts
                if a.contract_start < start and a.account_id not in left_before
                and not (a.status == AccountStatus.churned
                         and a.account_id not in ever_churned)]
    arr_start = expansion = contraction = churned = 0.0
    churned_accounts = 0
    for account in at_start:
        outcomes = by_account.get(account.account_id, [])
        first = first_since_start.get(account.account_id)
        account_start = (first.previous_arr if first and first.previous_arr is not None
                         else account.arr)
        arr_start += account_start
        arr = account_start  # §13: an outcome without previous_arr had the ARR before it
        for r in outcomes:
            prev = r.previous_arr if r.previous_arr is not None else arr
            new = r.new_arr if r.new_arr is not None else prev
            arr = 0.0 if r.outcome == Outcome.churned else new
            if r.outcome == Outcome.churned:
                churned += prev
                churned_accounts += 1
            elif new > prev:
                expansion += new - prev
            elif new < prev:
                contraction += prev - new
    return {
        "accounts_at_start": len(at_start), "arr_at_start": arr_start,
        "expansion_arr": expansion, "contraction_arr": contraction, "churned_arr": churned,
        "churned_accounts": churned_accounts,
        "grr": _ratio(arr_start - contraction - churned, arr_start),
        "nrr": _ratio(arr_start + expansion - contraction - churned, arr_start),
        "logo_churn_rate": _ratio(churned_accounts, len(at_start)),
    }


def renewal_due_dates(account: Account, outcomes: list[Renewal]
                      ) -> tuple[list[tuple[Renewal, dt.date]], dt.date | None]:
    """Each logged outcome of the account (ascending by date) with the renewal date it was
    for, and the renewal still pending (None once churned).

    The book keeps the next renewal date only: a renewed, expanded or contracted outcome moved
    it one term on (§9), a churn left it where it was. So, reading back from the account's
    renewal date, each such outcome was for the date one term (the account's) before the one
    after it."""
    due = account.renewal_date
    pending = None if (account.status == AccountStatus.churned
                       or outcomes and outcomes[-1].outcome == Outcome.churned) else due
    out = []
    for r in reversed(outcomes):
        if r.outcome != Outcome.churned:
            due = due - relativedelta(months=account.term_months)
        out.append((r, due))
    return out[::-1], pending


def renewal_rate(accounts: Iterable[Account], renewals: Iterable[Renewal], start: dt.date,
                 end: dt.date) -> tuple[float | None, int]:
    """§13 (seed: renewals closed on time): renewals due in the period whose outcome is
    renewed, expanded or contracted and was logged on or before the renewal date, ÷ renewals
    due in the period (`renewal_due_dates`); a renewal due in the period with no outcome
    logged is due and not closed (the period ends today or before). Also: how many were due."""
    by_account: dict[str, list[Renewal]] = {}
    for r in sorted(renewals, key=lambda r: r.date):
        by_account.setdefault(r.account_id, []).append(r)
    due = on_time = 0
    for account in accounts:
        logged, pending = renewal_due_dates(account, by_account.get(account.account_id, []))
        for r, day in logged:
            if in_period(day, start, end):
                due += 1
                on_time += r.outcome != Outcome.churned and r.date <= day
        if pending is not None and in_period(pending, start, end):
            due += 1
    return _ratio(on_time, due), due


def net_promoter_score(responses: Iterable[Nps], start: dt.date, end: dt.date
                       ) -> tuple[float | None, int]:
    """% promoters − % detractors over each contact's latest response in the period (§11).

    A response without a contact counts as its own respondent (our choice: it cannot be matched).
    """
    latest: dict[tuple, Nps] = {}
    for i, r in enumerate(sorted(responses, key=lambda r: r.date)):
        if in_period(r.date, start, end):
            key = (r.account_id, r.contact.lower()) if r.contact else ("", i)
            latest[key] = r
    n = len(latest)
    if not n:
        return None, 0
    promoters = sum(1 for r in latest.values() if r.score >= 9)
    detractors = sum(1 for r in latest.values() if r.score <= 6)
    return (promoters - detractors) * 100 / n, n


def band_distribution(assessments: Iterable[Assessment]) -> dict[str, BandShare]:
    counts = {band.value: [0, 0.0] for band in Band}
    for a in assessments:
        if a.health is None:
            continue
        share = counts[str(a.health.band)]
        share[0] += 1
        share[1] += a.account.arr
    return {band: BandShare(count=c, arr=arr) for band, (c, arr) in counts.items()}


def expansion_pipeline(assessments: Iterable[Assessment], expansion_arr: float
                       ) -> ExpansionPipeline:
    """§13: scored accounts with an expansion signal, and those qualified (§6), count and ARR
    (today's, as the band mix), beside the period's expansion ARR."""
    signalled, qualified = [0, 0.0], [0, 0.0]
    for a in assessments:
        if a.health is None:
            continue
        for share, holds in ((signalled, a.expansion_signals), (qualified, a.expansion_qualified)):
            if holds:
                share[0] += 1
                share[1] += a.account.arr
    return ExpansionPipeline(signalled=BandShare(count=signalled[0], arr=signalled[1]),
                             qualified=BandShare(count=qualified[0], arr=qualified[1]),
                             expansion_arr=expansion_arr)


def median_time_to_first_value(assessments: Iterable[Assessment]) -> float | None:
    days = [a.time_to_first_value_days for a in assessments
            if a.time_to_first_value_days is not None]
    return float(statistics.median(days)) if days else None


REVIEW_KINDS = (TouchpointKind.qbr, TouchpointKind.ebr)  # business reviews (§11)


def review_completion(accounts: Iterable[Account], touchpoints: Iterable[Touchpoint],
                      start: dt.date, end: dt.date, rules: Rules,
                      renewals: Iterable[Renewal] = ()) -> tuple[float | None, int, int]:
    """Completed business reviews (qbr/ebr) ÷ reviews due in the period (§11, our reading).

    Reviews due: for each account whose tier (by its ARR at the start of the period, as in
    `retention`) has a review cadence (§1), the
    whole cadences that fit in the days it was a customer during the period: from the later of
    start and contract start to the earlier of end and a churn outcome in the period. Completed
    reviews count per account up to what was due, so an extra QBR cannot hide a missed one
    elsewhere, and the rate is at most 1.
    """
    done: dict[str, int] = {}
    for t in touchpoints:
        if (t.kind in REVIEW_KINDS
                and t.status == TouchpointStatus.completed and in_period(t.date, start, end)):
            done[t.account_id] = done.get(t.account_id, 0) + 1
    churned_on: dict[str, dt.date] = {}
    first_outcome: dict[str, Renewal] = {}
    for r in sorted(renewals, key=lambda r: r.date):
        if not in_period(r.date, start, end):
            continue
        first_outcome.setdefault(r.account_id, r)
        if r.outcome == Outcome.churned:
            churned_on.setdefault(r.account_id, r.date)
    due_total = completed = 0
    for account in accounts:
        first_r = first_outcome.get(account.account_id)
        arr = (first_r.previous_arr if first_r and first_r.previous_arr is not None
               else account.arr)
        cadence = review_cadence_days(tier_for(arr, rules), rules)
        if not cadence:
            continue
        first = max(start, account.contract_start)
        last = churned_on.get(account.account_id, end)
        due = max(0, (last - first).days) // cadence
        due_total += due
        completed += min(done.get(account.account_id, 0), due)
    return _ratio(completed, due_total), due_total, completed


def portfolio_metrics(accounts: list[Account], renewals: list[Renewal], nps: list[Nps],
                      touchpoints: list[Touchpoint], assessments: list[Assessment],
                      start: dt.date, end: dt.date, rules: Rules) -> Metrics:
    kept, n_renewals = renewal_rate(accounts, renewals, start, end)
    score, respondents = net_promoter_score(nps, start, end)
    renewed_since = {r.account_id for r in renewals if r.date >= start}
    review_rate, due, completed = review_completion(
        [a for a in accounts if a.status == "active" or a.account_id in renewed_since],
        touchpoints, start, end, rules, renewals)
    kept_arr = retention(accounts, renewals, start, end)
    return Metrics(
        start=start, end=end, **kept_arr,
        renewal_rate=kept, renewals_in_period=n_renewals, nps=score, nps_respondents=respondents,
        bands=band_distribution(assessments),
        median_time_to_first_value_days=median_time_to_first_value(assessments),
        review_completion_rate=review_rate, reviews_due=due, reviews_completed=completed,
        expansion_pipeline_coverage=expansion_pipeline(assessments, kept_arr["expansion_arr"]),
    )


def targets(rules: Rules) -> dict[str, tuple[str, float]]:
    """Seed targets (§11): metric -> (comparison, value)."""
    t = rules.targets
    return {"grr": (">", t.grr), "nrr": (">", t.nrr), "logo_churn_rate": ("<", t.logo_churn_rate),
            "renewal_rate": (">", t.renewal_rate)}


def meets(value: float | None, comparison: str, target: float) -> bool | None:
    if value is None:
        return None
    return value > target if comparison == ">" else value < target
