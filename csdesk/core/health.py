"""§2 Health score: the composite, the band, and (below) the five dimensions."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import lru_cache

from csdesk.core.config import DIMENSIONS, Bands, Rules
from csdesk.core.models import (
    AccountData,
    AccountStatus,
    Band,
    Contact,
    ContactStatus,
    HealthScore,
    Nps,
    Outcome,
    Role,
    Severity,
    Ticket,
    Usage,
    trusted,
)
from csdesk.core.tiers import not_engagement_kinds, tier_for, touchpoint_cadence_days
from csdesk.core.timeline import latest, within_last
from csdesk.core.touchpoints import last_completed, recent_missed_in_a_row

_health_score = trusted(HealthScore)


def round_half_up(value: Fraction) -> int:
    """74.5 -> 75, 74.4999 -> 74; exact on Fractions (Python's round() is half-to-even)."""
    return divide_half_up(value.numerator, value.denominator)


def divide_half_up(numerator: int, denominator: int) -> int:
    """numerator ÷ denominator (> 0) rounded half up, in integers: floor(n/d + 1/2)."""
    return (2 * numerator + denominator) // (2 * denominator)


def composite(dimensions: dict[str, int | None], weights: dict[str, int]) -> tuple[int | None, float]:
    """Σ wᵢ·sᵢ / Σ wᵢ over dimensions with data, rounded half up; and the coverage (0-1).

    The score is None when the dimensions with data carry less than half the total weight:
    "not enough data", never a guess.
    """
    total = sum(weights[name] for name in DIMENSIONS)
    covered = sum(weights[name] for name in DIMENSIONS if dimensions.get(name) is not None)
    coverage = covered / total if total else 0.0
    if covered == 0 or covered * 2 < total:
        return None, coverage
    weighted = sum(weights[name] * dimensions[name] for name in DIMENSIONS
                   if dimensions.get(name) is not None)
    return divide_half_up(weighted, covered), coverage


def band_for(score: int | None, bands: Bands) -> Band:
    """The one place that decides a band (seed: green 75-100, yellow 50-74, red 0-49)."""
    if score is None:
        return Band.unknown
    if score >= bands.green:
        return Band.green
    if score >= bands.yellow:
        return Band.yellow
    return Band.red


# --- the five dimensions (§2), each 0-100 or None (N/A: no data) ------------------------------


@lru_cache(maxsize=256)
def exact(number: float) -> Fraction:
    """A config threshold as the exact decimal it was written as (0.2 is 1/5, not 0.2000…01)."""
    return Fraction(str(number))


def at_least(numerator: int, denominator: int, threshold: float) -> bool:
    """numerator ÷ denominator (> 0) ≥ threshold, exactly, in integers."""
    t = exact(threshold)
    return numerator * t.denominator >= t.numerator * denominator


def above(numerator: int, denominator: int, threshold: float) -> bool:
    """numerator ÷ denominator (> 0) > threshold, exactly, in integers."""
    t = exact(threshold)
    return numerator * t.denominator > t.numerator * denominator


def _stepped(numerator: int, denominator: int, steps, floor: int) -> int:
    """Points of the first step whose threshold numerator ÷ denominator reaches (steps highest
    first)."""
    for threshold, points in steps:
        if at_least(numerator, denominator, threshold):
            return points
    return floor


def latest_usage(data: AccountData, as_of: dt.date, rules: Rules) -> Usage | None:
    """The latest usage row dated within the usage window (seed: the last 30 days)."""
    row = latest(data.usage, as_of)
    if row is None or (as_of - row.date).days > rules.usage.window_days:
        return None
    return row


def seat_ratio(active_users: int, seats: int | None) -> Fraction | None:
    """Active users ÷ seats licensed, capped at 1; None without a seat count."""
    if not seats:
        return None
    return Fraction(min(active_users, seats), seats)


def usage_score(data: AccountData, as_of: dt.date, rules: Rules) -> int | None:
    """Seed: ratio < 20% → 0; 20-49% → 40; 50-74% → 70; ≥ 75% → 100. N/A without a row or seats."""
    row = latest_usage(data, as_of, rules)
    seats = data.account.seats_licensed
    if row is None or not seats:
        return None
    return _stepped(min(row.active_users, seats), seats, rules.usage.steps,
                    rules.usage.floor_points)


def engagement_score(data: AccountData, as_of: dt.date, rules: Rules) -> int | None:
    """Days since the last completed touchpoint against the tier cadence C (§2)."""
    e = rules.engagement
    tier = tier_for(data.account.arr, rules)
    skip = not_engagement_kinds(tier, rules)  # §13: tech_touch counts for smb only
    if recent_missed_in_a_row(data.touchpoints, as_of, e.consecutive_missed, skip):
        return e.floor_points  # seed: two consecutive missed touchpoints
    cadence = touchpoint_cadence_days(tier, rules)
    last = last_completed(data.touchpoints, as_of, skip)
    if last is None:
        return e.floor_points if (as_of - data.account.contract_start).days > cadence else None
    since = (as_of - last.date).days
    for multiple, points in e.steps:
        if since <= multiple * cadence:
            return points
    return e.floor_points


def outcomes_score(data: AccountData, as_of: dt.date, rules: Rules) -> int | None:
    """Mean over success-plan goals: achieved 100, on_track 70, not_started 50, at_risk 30,
    missed 0; rounded half up. No goals → N/A."""
    if not data.goals:
        return None
    points = [getattr(rules.outcomes, g.status) for g in data.goals]  # a GoalStatus's text
    return divide_half_up(sum(points), len(points))


def tickets_in_window(data: AccountData, as_of: dt.date, days: int) -> list[Ticket]:
    """Tickets of the last `days` days: opened in the window, or still open during it.

    Our choice (§2 is silent on old tickets): a ticket opened earlier but not closed before the
    window began is a ticket of the window too, so an open critical ticket always counts.
    """
    start = as_of - dt.timedelta(days=days)
    return [t for t in data.tickets if t.opened_on <= as_of
            and (t.opened_on >= start or t.closed_on is None or t.closed_on >= start)]


def _csat_scores(tickets: list[Ticket], as_of: dt.date, days: int) -> list[int]:
    return [t.csat for t in tickets
            if t.csat is not None and within_last(t.closed_on, as_of, days)]


def mean_csat(tickets: list[Ticket], as_of: dt.date, days: int) -> Fraction | None:
    """Mean CSAT of the tickets closed in the window that carry one."""
    scores = _csat_scores(tickets, as_of, days)
    return Fraction(sum(scores), len(scores)) if scores else None


def ticket_spike(data: AccountData, as_of: dt.date, rules: Rules) -> bool:
    """Seed: tickets opened in the last 30 days ≥ 3 and ≥ 2× the monthly mean of the 60 days
    before (days 31-90 back)."""
    s = rules.support
    window, baseline = s.spike_window_days, s.spike_baseline_days
    recent = before = 0
    for t in data.tickets:
        age = (as_of - t.opened_on).days
        if 0 <= age <= window:
            recent += 1
        elif window < age <= window + baseline:
            before += 1
    if recent < s.spike_min_tickets:
        return False
    # recent ≥ multiple × monthly mean, the mean being before × window ÷ baseline
    return at_least(recent * baseline, before * window, s.spike_multiple) if before else True


def support_score(data: AccountData, as_of: dt.date, rules: Rules) -> int | None:
    """Critical open → 0; else by mean CSAT; a ticket spike caps at 40. No tickets → N/A."""
    s = rules.support
    tickets = tickets_in_window(data, as_of, s.window_days)
    if not tickets:
        return None
    if any(t.severity == Severity.critical and t.closed_on is None for t in tickets):
        return s.critical_open_points
    csat = _csat_scores(tickets, as_of, s.window_days)
    points = (_stepped(sum(csat), len(csat), s.csat_steps, s.low_csat_points) if csat
              else s.no_csat_points)
    if ticket_spike(data, as_of, rules):
        points = min(points, s.spike_cap)
    return points


def active_champion(data: AccountData) -> Contact | None:
    for c in data.contacts:
        if c.role == Role.champion and c.status == ContactStatus.active:
            return c
    return None


def departed_champions(data: AccountData, as_of: dt.date, days: int | None) -> list[Contact]:
    """Champions who departed in the last `days` days, or (None) on any day up to as_of (a
    departure without a date is too old to say: our choice, §2 is silent)."""
    if days is None:
        return [c for c in data.contacts if c.role == Role.champion
                and c.status == ContactStatus.departed and c.departed_on is not None
                and c.departed_on <= as_of]
    return [c for c in data.contacts if c.role == Role.champion
            and c.status == ContactStatus.departed and within_last(c.departed_on, as_of, days)]


def latest_nps(data: AccountData, as_of: dt.date, days: int) -> Nps | None:
    """The latest response of the last `days` days (of a day's, the last given)."""
    for n in reversed(data.nps):  # ascending by date
        if n.date <= as_of:
            return n if (as_of - n.date).days <= days else None
    return None


def nps_category(score: int) -> str:
    """promoter 9-10, passive 7-8, detractor 0-6."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def relationship_score(data: AccountData, as_of: dt.date, rules: Rules) -> int | None:
    """40 active champion + 30 active economic buyer/sponsor + NPS part; champion departed in
    the last 90 days without an active replacement caps at 20. No stakeholders → 0."""
    r = rules.relationship
    if not data.contacts:
        return 0
    champion = active_champion(data)
    points = r.champion_points if champion else 0
    if any(c.status == ContactStatus.active
           and c.role in (Role.economic_buyer, Role.executive_sponsor) for c in data.contacts):
        points += r.sponsor_points
    nps = latest_nps(data, as_of, r.nps_window_days)
    points += (r.no_nps_points if nps is None
               else getattr(r, f"{nps_category(nps.score)}_points"))
    if not champion and departed_champions(data, as_of, r.champion_departed_days):
        points = min(points, r.champion_departed_cap)
    return min(points, 100)


DIMENSION_RULES = {
    "usage": usage_score,
    "engagement": engagement_score,
    "outcomes": outcomes_score,
    "support": support_score,
    "relationship": relationship_score,
}


def is_churned(data: AccountData) -> bool:
    """Churned: the account's status says so, or its latest renewal outcome is churned."""
    return (data.account.status == AccountStatus.churned
            or bool(data.renewals) and data.renewals[-1].outcome == Outcome.churned)


def is_scored(data: AccountData, as_of: dt.date) -> bool:
    """§2: accounts whose contract starts after as_of, or that have churned, are not scored."""
    return data.account.contract_start <= as_of and not is_churned(data)


def score_health(data: AccountData, as_of: dt.date, rules: Rules) -> HealthScore | None:
    """§2 the health score as of a day; None when the account is not scored."""
    if not is_scored(data, as_of):
        return None
    dimensions = {name: DIMENSION_RULES[name](data, as_of, rules) for name in DIMENSIONS}
    weights = rules.weights.as_dict()
    score, coverage = composite(dimensions, weights)
    return _health_score(score=score, band=band_for(score, rules.bands), coverage=coverage,
                         dimensions=dimensions, weights=weights)
