"""One account's full picture as of a day: every rule of PLAYBOOK_RULES.md §1-§9 composed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from csdesk.core.actions import band_action
from csdesk.core.alerts import active_alerts
from csdesk.core.config import Rules
from csdesk.core.expansion import expansion_gates
from csdesk.core.health import is_churned, is_scored, nps_category, score_health
from csdesk.core.models import (
    Account,
    AccountData,
    Assessment,
    Contact,
    ContactStatus,
    HealthScore,
    Nps,
    Role,
    Snapshot,
    trusted,
)
from csdesk.core.onboarding import milestone_statuses, time_to_first_value_days
from csdesk.core.phase import lifecycle_phase, reference_candidate
from csdesk.core.renewals import days_to_renewal, renewal_window_opens
from csdesk.core.signals import churn_signals, renewal_touchpoint_logged, unanswered_detractors
from csdesk.core.tiers import not_engagement_kinds, tier_for, touchpoint_cadence_days
from csdesk.core.touchpoints import last_completed

_assessment = trusted(Assessment)

TREND_DAYS = 30
TREND_SLACK_DAYS = 15  # our choice: "~30 days ago" is the latest snapshot 30-45 days back


def trend_delta(history: tuple[Snapshot, ...], health: HealthScore | None, as_of: dt.date,
                days: int = TREND_DAYS) -> int | None:
    """Score now minus the score of the latest snapshot at least `days` days old (and not more
    than `days` + 15): None without both scores."""
    if health is None or health.score is None:
        return None
    for snap in reversed(history):
        age = (as_of - snap.date).days
        if age > days + TREND_SLACK_DAYS:
            break
        if age >= days and snap.score is not None:
            return health.score - snap.score
    return None


def latest_usage_days(rules: Rules) -> int:
    """How far back usage is read for a whole-book run (`assess(..., signals=False)`) of an
    account past onboarding: its latest row in the usage window is all it reads (§2 usage,
    `latest_usage`). The onboarding checklist reads more; so do the churn signals (weeks of
    logins, §5), which a whole-book run leaves out."""
    return rules.usage.window_days


def touchpoints_read_from(rules: Rules, as_of: dt.date
                          ) -> Callable[[Account, Sequence[Contact], Sequence[Nps]], dt.date]:
    """For each account (with its contacts and NPS responses), the earliest day a rule reads
    its touchpoints by a window of days or from a known day: §4 complaints answered, §5 flags
    logged, §6 the champion engaged and the flags logged, §5/§9 a renewal touchpoint since
    the renewal window opened, §13 a detractor followed up since its response (of the last
    180 days), and §4/§13 a departed champion's alert answered since the departure, however
    old (while no champion is active). Besides these, rules read touchpoints only from an
    alert's trigger day (the start of a run of the score history:
    `csdesk.core.timeline.current_runs_start`, see `load_book`) and back to the last
    completed human one (§2 engagement, §1 next touchpoint due)."""
    days = max(rules.alerts.complaint_open_days, rules.signals.lagging_days,
               rules.expansion.touchpoint_days, rules.expansion.signal_days)
    start = as_of - dt.timedelta(days=days)
    detractors_from = as_of - dt.timedelta(days=rules.signals.detractor_followup_window_days)

    def read_from(account: Account, contacts: Sequence[Contact] = (),
                  nps: Sequence[Nps] = ()) -> dt.date:
        day = min(start, renewal_window_opens(account, rules))
        for n in nps:  # ascending by date: the first detractor of the window
            if detractors_from <= n.date <= as_of and nps_category(n.score) == "detractor":
                day = min(day, n.date)
                break
        if contacts and not any(c.role == Role.champion and c.status == ContactStatus.active
                                for c in contacts):
            day = min([day, *(c.departed_on for c in contacts if c.role == Role.champion
                              and c.status == ContactStatus.departed
                              and c.departed_on is not None)])
        return day

    return read_from


def next_touchpoint_due(data: AccountData, as_of: dt.date, rules: Rules) -> dt.date:
    """The last completed touchpoint (else the contract start) plus the tier cadence (§1);
    a `tech_touch` counts for smb only (§13)."""
    tier = tier_for(data.account.arr, rules)
    cadence = touchpoint_cadence_days(tier, rules)
    last = last_completed(data.touchpoints, as_of, not_engagement_kinds(tier, rules))
    return (last.date if last else data.account.contract_start) + dt.timedelta(days=cadence)


def assess(data: AccountData, as_of: dt.date, rules: Rules, *, signals: bool = True
           ) -> Assessment:
    """The account's full picture. With `signals=False`, the churn and expansion signals
    (§5, §6) are left out (`signals` is None): a whole-book run leaves them to the account's
    own view, the only place that shows them; no list, brief, metric or stored conclusion
    reads them, and they are a quarter of the rules' time."""
    health = score_health(data, as_of, rules)
    gates = expansion_gates(data, health, as_of, rules)
    milestones = milestone_statuses(data, as_of, rules)
    days = days_to_renewal(data.account, as_of)
    scored = is_scored(data, as_of)
    return _assessment(
        account=data.account, as_of=as_of, tier=tier_for(data.account.arr, rules),
        health=health,
        phase=lifecycle_phase(is_churned(data), days, milestones, gates.qualified, rules),
        days_to_renewal=days,
        action=band_action(health, gates.qualified, as_of, rules),
        alerts=active_alerts(data, health, as_of, rules),
        signals=churn_signals(data, as_of, rules) if signals else None,
        expansion_gates=gates,
        milestones=milestones,
        reference_candidate=reference_candidate(data, health, as_of, rules),
        time_to_first_value_days=time_to_first_value_days(data.account, milestones),
        trend_delta_30=trend_delta(data.history, health, as_of),
        next_touchpoint_due=next_touchpoint_due(data, as_of, rules) if scored else None,
        renewal_touchpoint_logged=renewal_touchpoint_logged(data, as_of, rules),
        unanswered_detractors=tuple(unanswered_detractors(data, as_of, rules)) if scored else (),
    )
