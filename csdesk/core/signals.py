"""§5 Churn signals (leading and lagging) and §6 expansion signals, in the CSM's words."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from csdesk.core.config import Rules
from csdesk.core.health import (
    above,
    exact,
    latest_usage,
    mean_csat,
    nps_category,
    seat_ratio,
    ticket_spike,
    tickets_in_window,
)
from csdesk.core.models import (
    AccountData,
    ChurnSignals,
    ContactStatus,
    Flag,
    Nps,
    Role,
    TouchpointKind,
    trusted,
)
from csdesk.core.renewals import days_to_renewal, renewal_window_opens
from csdesk.core.timeline import within_last
from csdesk.core.touchpoints import logged_since, recent_missed_in_a_row
from csdesk.core.work import detractor_answered

_churn_signals = trusted(ChurnSignals)

LAGGING_FLAGS = {
    Flag.data_export_request: "asked for a data export",
    Flag.termination_inquiry: "asked about termination clauses",
    Flag.complaint: "filed a formal complaint",
}
EXPANSION_FLAGS = {
    Flag.adjacent_pain: "adjacent pain the expanded product solves",
    Flag.org_spread: "other teams asking for access",
    Flag.early_renewal: "early renewal or internal references",
    Flag.exec_engaged: "executives joining success calls",
}


def weekly_logins(data: AccountData, as_of: dt.date, weeks: int) -> list[int | None]:
    """Logins per 7-day week ending at as_of, most recent first; None for a week without data."""
    out: list[int | None] = [None] * weeks
    for u in data.usage:  # one pass, each row to its week
        if u.logins is not None:
            age = (as_of - u.date).days
            if 0 <= age < 7 * weeks:
                week = age // 7
                out[week] = u.logins if out[week] is None else out[week] + u.logins
    return out


def login_decline_weeks(data: AccountData, as_of: dt.date, rules: Rules) -> list[Fraction]:
    """The week-over-week drops of the last weeks while each exceeds the threshold (seed 30%)."""
    s = rules.signals
    weeks = weekly_logins(data, as_of, s.login_drop_weeks + 1)
    drops = []
    for now, before in zip(weeks, weeks[1:]):
        # 1 - now/before > threshold, in integers: (before - now)/before > threshold
        if now is None or not before or not above(before - now, before, s.login_drop):
            break
        drops.append(1 - Fraction(now, before))
    return drops


def leading_signals(data: AccountData, as_of: dt.date, rules: Rules) -> list[str]:
    s = rules.signals
    out = []
    drops = login_decline_weeks(data, as_of, rules)
    if len(drops) >= s.login_drop_weeks:
        out.append("Weekly logins down " + ", ".join(f"{float(d):.0%}" for d in drops)
                   + " week over week")
    # §5 also names a role change; the book keeps no role history, so departures only.
    for c in data.contacts:
        if (c.role in (Role.champion, Role.executive_sponsor)
                and c.status == ContactStatus.departed
                and within_last(c.departed_on, as_of, s.departure_days)):
            out.append(f"{c.role.replace('_', ' ').capitalize()} {c.name} departed on "
                       f"{c.departed_on}")
    if ticket_spike(data, as_of, rules):  # the mean CSAT only matters with a spike
        tickets = tickets_in_window(data, as_of, rules.support.window_days)
        csat = mean_csat(tickets, as_of, rules.support.window_days)
        if csat is not None and csat < exact(s.spike_csat_below):
            out.append(f"Ticket spike with mean CSAT {float(csat):.1f}")
    days = days_to_renewal(data.account, as_of)
    if 0 <= days <= rules.renewals.window_days and not renewal_touchpoint_logged(data, as_of, rules):
        out.append(f"Renewal in {days} days and no renewal conversation logged")
    if recent_missed_in_a_row(data.touchpoints, as_of, rules.engagement.consecutive_missed):
        out.append(f"The last {rules.engagement.consecutive_missed} scheduled touchpoints "
                   "were missed")
    return out


def renewal_touchpoint_logged(data: AccountData, as_of: dt.date, rules: Rules) -> bool:
    """A touchpoint of kind `renewal` since the renewal window opened (§5, §9)."""
    opened = renewal_window_opens(data.account, rules)
    return bool(logged_since(data.touchpoints, opened, as_of, [TouchpointKind.renewal]))


def detractors(data: AccountData, as_of: dt.date, days: int) -> list[Nps]:
    return [n for n in data.nps
            if within_last(n.date, as_of, days) and nps_category(n.score) == "detractor"]


def _latest_flagged(data: AccountData, as_of: dt.date, days: int) -> dict[str, dt.date]:
    """The latest date each flag was logged in the last `days` days (one pass over touchpoints;
    most carry no flag)."""
    start = as_of - dt.timedelta(days=days)
    latest: dict[str, dt.date] = {}
    for t in reversed(data.touchpoints):  # ascending by date: the newest first
        if t.date < start:
            break
        if t.flags and t.date <= as_of:
            for flag in t.flags:
                if flag not in latest:
                    latest[flag] = t.date
    return latest


def lagging_signals(data: AccountData, as_of: dt.date, rules: Rules) -> list[str]:
    days = rules.signals.lagging_days
    out = []
    latest = _latest_flagged(data, as_of, days)
    for flag, text in LAGGING_FLAGS.items():
        if flag in latest:
            out.append(f"Customer {text} on {latest[flag]}")
    for n in detractors(data, as_of, days):
        who = f" from {n.contact}" if n.contact else ""
        out.append(f"NPS detractor response ({n.score}){who} on {n.date}")
    return out


def expansion_signals(data: AccountData, as_of: dt.date, rules: Rules) -> list[str]:
    """§6: seats used > 80% of licensed (seed), plus the signals the CSM logs as flags."""
    out = []
    row = latest_usage(data, as_of, rules)
    seats = data.account.seats_licensed
    if (row is not None and seats
            and above(min(row.active_users, seats), seats, rules.expansion.seat_ratio_above)):
        ratio = seat_ratio(row.active_users, seats)
        out.append(f"Seats {float(ratio):.0%} used ({row.active_users} of "
                   f"{data.account.seats_licensed})")
    latest = _latest_flagged(data, as_of, rules.expansion.signal_days)
    for flag, text in EXPANSION_FLAGS.items():
        if flag in latest:
            out.append(f"{text[0].upper()}{text[1:]} (logged {latest[flag]})")
    return out


def churn_signals(data: AccountData, as_of: dt.date, rules: Rules) -> ChurnSignals:
    return _churn_signals(leading=tuple(leading_signals(data, as_of, rules)),
                          lagging=tuple(lagging_signals(data, as_of, rules)),
                          expansion=tuple(expansion_signals(data, as_of, rules)))


def unanswered_detractors(data: AccountData, as_of: dt.date, rules: Rules) -> list[Nps]:
    """Detractor responses of the last 180 days (§13: every detractor the relationship score
    reads) not yet followed up by a completed human touchpoint on or after the response that
    names the respondent, or names nobody (docs/workflow.md: one check-in with one person
    does not close three people's follow-ups; `csdesk.core.work.answers_detractor`)."""
    return [n for n in detractors(data, as_of, rules.signals.detractor_followup_window_days)
            if not detractor_answered(data, n, as_of)]
