"""One account's full picture as of a day: every rule of docs/rules.md §1-§9 composed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from csdesk.core import work
from csdesk.core.actions import band_action
from csdesk.core.alerts import active_alerts
from csdesk.core.business_reviews import next_review_due
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
from csdesk.core.plans import open_plan_actions
from csdesk.core.renewals import days_to_renewal, renewal_window_opens
from csdesk.core.signals import (
    churn_signals,
    expansion_signals,
    renewal_touchpoint_logged,
    unanswered_detractors,
)
from csdesk.core.tiers import (
    not_engagement_kinds,
    review_cadence_days,
    tier_for,
    touchpoint_cadence_days,
)
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


class TouchpointReads:
    """What a whole-book run reads of an account's touchpoints (see `touchpoints_read_from`).

    Called with an account (and its contacts and NPS responses): the earliest day a rule
    reads its touchpoints by a window of days or from a known day: §4 complaints answered,
    §5 flags logged, §6 the champion engaged and the flags logged, §5/§9 a renewal touchpoint
    since the renewal window opened, §13 a detractor followed up since its response (of the
    last 180 days), and §4/§13 a departed champion's alert answered since the departure,
    however old (while no champion is active). Besides these, rules read touchpoints only
    from an alert's trigger day (the start of a run of the score history:
    `csdesk.core.timeline.current_runs_start`, see `load_book`), back to the last completed
    human one (§2 engagement, §1 next touchpoint due) and, for a tier with a review cadence
    (`reads_last_review`), back to the last completed business review (§13 `ebr_due`)."""

    def __init__(self, rules: Rules, as_of: dt.date) -> None:
        days = max(rules.alerts.complaint_open_days, rules.signals.lagging_days,
                   rules.expansion.touchpoint_days, rules.expansion.signal_days)
        self.rules, self.as_of = rules, as_of
        self.start = as_of - dt.timedelta(days=days)
        self.detractors_from = as_of - dt.timedelta(
            days=rules.signals.detractor_followup_window_days)

    def reads_last_review(self, account: Account) -> bool:
        """The account's tier has a review cadence: the rules read back to its last review."""
        return bool(review_cadence_days(tier_for(account.arr, self.rules), self.rules))

    def __call__(self, account: Account, contacts: Sequence[Contact] = (),
                 nps: Sequence[Nps] = ()) -> dt.date:
        rules, as_of, detractors_from = self.rules, self.as_of, self.detractors_from
        day = min(self.start, renewal_window_opens(account, rules))
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


def touchpoints_read_from(rules: Rules, as_of: dt.date) -> TouchpointReads:
    """What a whole-book run reads of each account's touchpoints as of the day (for
    `csdesk.store.queries.load_book`'s `touchpoints_from`): see `TouchpointReads`."""
    return TouchpointReads(rules, as_of)


def next_touchpoint_due(data: AccountData, as_of: dt.date, rules: Rules) -> dt.date:
    """The last completed touchpoint (else the contract start) plus the tier cadence (§1);
    a `tech_touch` counts for smb only (§13)."""
    tier = tier_for(data.account.arr, rules)
    cadence = touchpoint_cadence_days(tier, rules)
    last = last_completed(data.touchpoints, as_of, not_engagement_kinds(tier, rules))
    return (last.date if last else data.account.contract_start) + dt.timedelta(days=cadence)


def assess(data: AccountData, as_of: dt.date, rules: Rules, *, signals: bool = True
           ) -> Assessment:
    """The account's full picture. With `signals=False`, the churn signals (§5) are left out
    (`signals` is None): a whole-book run leaves them to the account's own view, the only
    place that shows them; no list, brief, metric or stored conclusion reads them, and they
    are a quarter of the rules' time. The expansion signals (§6) are kept either way
    (`expansion_signals`): the expansion pipeline metric reads them (§13)."""
    health = score_health(data, as_of, rules)
    gates = expansion_gates(data, health, as_of, rules)
    milestones = milestone_statuses(data, as_of, rules)
    days = days_to_renewal(data.account, as_of)
    scored = is_scored(data, as_of)
    alerts = active_alerts(data, health, as_of, rules)
    return _assessment(
        account=data.account, as_of=as_of, tier=tier_for(data.account.arr, rules),
        health=health,
        phase=lifecycle_phase(is_churned(data), days, milestones, gates.qualified, rules),
        days_to_renewal=days,
        action=band_action(data, health, gates.qualified, as_of, rules),
        alerts=alerts,
        signals=churn_signals(data, as_of, rules) if signals else None,
        expansion_gates=gates,
        milestones=milestones,
        reference_candidate=reference_candidate(data, health, as_of, rules),
        time_to_first_value_days=time_to_first_value_days(data.account, milestones),
        trend_delta_30=trend_delta(data.history, health, as_of),
        next_touchpoint_due=next_touchpoint_due(data, as_of, rules) if scored else None,
        renewal_touchpoint_logged=renewal_touchpoint_logged(data, as_of, rules),
        unanswered_detractors=tuple(unanswered_detractors(data, as_of, rules)) if scored else (),
        next_review_due=next_review_due(data, as_of, rules) if scored else None,
        expansion_signals=tuple(expansion_signals(data, as_of, rules)) if scored else (),
        plan_actions=tuple(a for _, a in open_plan_actions(data.save_plans, as_of)),
        tasks=work.open_tasks(data, as_of),
        snoozes=work.snoozes_in_force(data.snoozes, as_of),
        scheduled=work.scheduled_to_show(data, as_of, rules),
        last_expansion_touch=work.last_expansion_touch(data, as_of, rules),
        alert_left=tuple(work.critical_left(al, data, as_of) for al in alerts),
    )
