"""§4 Early-warning alerts (seed): watch, warning, critical; clearing; the save plan template.

An alert exists while its trigger holds and the response it asks for has not been logged on or
after its trigger date. Our choice where §4 is silent: a same-day response counts (dates have
no time of day), and a scheduled touchpoint counts as logged; a missed one never does.
"""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import DIMENSIONS, Rules
from csdesk.core.health import active_champion, departed_champions, score_health
from csdesk.core.models import (
    AccountData,
    Alert,
    AlertLevel,
    Band,
    ContactStatus,
    Flag,
    HealthScore,
    RemediationAction,
    Role,
    SavePlan,
    TouchpointKind,
    trusted,
)
from csdesk.core.tiers import tier_for, touchpoint_cadence_days
from csdesk.core.timeline import band_before_run, dimension_zero_since, run_start
from csdesk.core.touchpoints import AUTOMATED, logged_since

_new_alert = trusted(Alert)

LEVEL_ORDER = {AlertLevel.critical: 0, AlertLevel.warning: 1, AlertLevel.watch: 2,
               AlertLevel.info: 3}

RESPONSES = {
    AlertLevel.watch: "Schedule a check-in",
    AlertLevel.warning: "Escalate and build a risk mitigation plan",
    AlertLevel.critical: "Engage the executive sponsor within 48 hours and run the save plan",
}

_ESCALATION_KINDS = (TouchpointKind.escalation, TouchpointKind.executive)


def _due(level: AlertLevel, trigger_date: dt.date, rules: Rules) -> dt.date:
    a = rules.alerts
    if level == AlertLevel.critical:
        return trigger_date + dt.timedelta(hours=a.critical_due_hours)
    days = a.watch_due_days if level == AlertLevel.watch else a.warning_due_days
    return trigger_date + dt.timedelta(days=days)


def _alert(level: AlertLevel, trigger: str, title: str, trigger_date: dt.date, as_of: dt.date,
           rules: Rules) -> Alert:
    due = _due(level, trigger_date, rules)
    return _new_alert(level=level, trigger=trigger, title=title, response=RESPONSES[level],
                      trigger_date=trigger_date, due=due, overdue=as_of > due)


def is_answered(level: AlertLevel, trigger: str, trigger_date: dt.date, data: AccountData,
                as_of: dt.date) -> bool:
    """Has the response this alert asks for been logged on or after its trigger date?

    watch: a check-in, or any completed touchpoint but an automated one (§13: no alert is
    answered by a `tech_touch`). warning (our choice, §4 names no record):
    an escalation or executive touchpoint. critical: an escalation or executive touchpoint
    plus a save plan for this trigger.
    """
    tps = data.touchpoints
    if level == AlertLevel.watch:
        return bool(logged_since(tps, trigger_date, as_of, [TouchpointKind.check_in])
                    or logged_since(tps, trigger_date, as_of, completed_only=True,
                                    skip=AUTOMATED))
    escalated = bool(logged_since(tps, trigger_date, as_of, _ESCALATION_KINDS))
    if level == AlertLevel.warning:
        return escalated
    return escalated and any(p.trigger == trigger and p.trigger_date >= trigger_date
                             and plan_is_written(p) for p in data.save_plans)


def plan_is_written(plan: SavePlan) -> bool:
    """§13: a save plan counts (answers its critical alert, and the red band's action) once
    it has a root cause and at least one remediation action with an owner and a due date.
    The plan created with the alert (`save_plan_for`) is a draft until the CSM writes it."""
    return bool(plan.root_cause.strip()) and any(
        a.owner.strip() and a.due is not None for a in plan.remediation_actions)


def _first_unanswered(level: AlertLevel, trigger: str, dates: list[dt.date],
                      data: AccountData, as_of: dt.date) -> dt.date | None:
    """The earliest occurrence of a repeatable trigger that is still unanswered."""
    for day in sorted(dates):
        if not is_answered(level, trigger, day, data, as_of):
            return day
    return None


def watch_alerts(data: AccountData, health: HealthScore, as_of: dt.date,
                 rules: Rules) -> list[Alert]:
    """Band went green → yellow and the transition is less than 21 days old."""
    start = run_start(data.history, health.band, as_of, Band.yellow)
    if (start is None or band_before_run(data.history, health.band, as_of) != Band.green
            or (as_of - start).days >= rules.alerts.watch_max_age_days):
        return []
    if is_answered(AlertLevel.watch, "band_green_to_yellow", start, data, as_of):
        return []
    return [_alert(AlertLevel.watch, "band_green_to_yellow",
                   f"Health fell from green to yellow on {start}", start, as_of, rules)]


def warning_alerts(data: AccountData, health: HealthScore, as_of: dt.date,
                   rules: Rules) -> list[Alert]:
    """Yellow for ≥ 21 consecutive days, or any dimension at 0 (one alert per dimension)."""
    out = []
    start = run_start(data.history, health.band, as_of, Band.yellow)
    if start is not None and (as_of - start).days >= rules.alerts.warning_yellow_days:
        trigger_date = start + dt.timedelta(days=rules.alerts.warning_yellow_days)
        if not is_answered(AlertLevel.warning, "yellow_21_days", trigger_date, data, as_of):
            out.append(_alert(AlertLevel.warning, "yellow_21_days",
                              f"Yellow for {(as_of - start).days} days (since {start})",
                              trigger_date, as_of, rules))
    for name in DIMENSIONS:
        since = dimension_zero_since(data.history, health.dimensions.get(name), name, as_of)
        if since is not None and not is_answered(AlertLevel.warning, "dimension_zero", since,
                                                 data, as_of):
            out.append(_alert(AlertLevel.warning, "dimension_zero",
                              f"{name.capitalize()} at 0 since {since}", since, as_of, rules))
    return out


def complaint_dates(data: AccountData, as_of: dt.date, rules: Rules) -> list[dt.date]:
    """Formal complaints (touchpoints flagged `complaint`) still open by age (our choice)."""
    start = as_of - dt.timedelta(days=rules.alerts.complaint_open_days)
    dates = []
    for t in reversed(data.touchpoints):  # ascending by date: stop at the first too old
        if t.date < start:
            break
        if t.flags and Flag.complaint in t.flags and t.date <= as_of:
            dates.append(t.date)
    return dates[::-1]


def critical_alerts(data: AccountData, health: HealthScore, as_of: dt.date,
                    rules: Rules) -> list[Alert]:
    """Band red, or champion departed with no active replacement, or an open formal complaint."""
    out = []
    crit = AlertLevel.critical
    red_since = run_start(data.history, health.band, as_of, Band.red)
    if red_since is not None and not is_answered(crit, "band_red", red_since, data, as_of):
        out.append(_alert(crit, "band_red", f"Health red (score {health.score}) since {red_since}",
                          red_since, as_of, rules))
    if active_champion(data) is None:
        # §13: a departure stays critical until answered or replaced, however old; the 90
        # days of `relationship.champion_departed_days` limit only the relationship cap (§2).
        gone = departed_champions(data, as_of, None)
        day = _first_unanswered(crit, "champion_departed", [c.departed_on for c in gone],
                                data, as_of)
        if day is not None:
            names = ", ".join(c.name for c in gone if c.departed_on == day)
            out.append(_alert(crit, "champion_departed",
                              f"Champion {names} departed on {day}, no active replacement",
                              day, as_of, rules))
    day = _first_unanswered(crit, "formal_complaint", complaint_dates(data, as_of, rules),
                            data, as_of)
    if day is not None:
        out.append(_alert(crit, "formal_complaint", f"Formal complaint logged on {day}",
                          day, as_of, rules))
    return out


def alert_sort_key(alert: Alert) -> tuple:
    """Overdue first everywhere (§4), then level (critical first), then due date."""
    return (not alert.overdue, LEVEL_ORDER[AlertLevel(alert.level)], alert.due, alert.trigger)


def active_alerts(data: AccountData, health: HealthScore | None, as_of: dt.date,
                  rules: Rules) -> tuple[Alert, ...]:
    """Every alert that holds as of the day and has not been cleared, most urgent first."""
    if health is None:
        return ()
    alerts = [*critical_alerts(data, health, as_of, rules),
              *warning_alerts(data, health, as_of, rules),
              *watch_alerts(data, health, as_of, rules)]
    return tuple(sorted(alerts, key=alert_sort_key))


# --- the save plan (seed template) ------------------------------------------------------------

_DIMENSION_REMEDIES = {
    "usage": ("Adoption push: retrain users and set a target of 75% of seats active", 14),
    "engagement": ("Reset the touchpoint cadence: book recurring meetings with the champion", 7),
    "outcomes": ("Review the success plan with the champion; re-baseline at-risk goals", 14),
    "support": ("Review open tickets with the support lead; close critical ones", 7),
    "relationship": ("Map a champion and an executive sponsor; meet both", 14),
}


def _executives(data: AccountData) -> list[str]:
    return [c.name for c in data.contacts if c.status == ContactStatus.active
            and c.role in (Role.executive_sponsor, Role.economic_buyer, Role.executive)]


def _weak_dimensions(data: AccountData, as_of: dt.date, rules: Rules,
                     health: HealthScore | None) -> list[tuple[int, str]]:
    """(score, name) of the dimensions below 50, weakest first."""
    if health is None:
        health = score_health(data, as_of, rules)
    return sorted(((v, n) for n, v in (health.dimensions.items() if health else ())
                   if v is not None and v < 50))


def suggested_root_cause(alert: Alert, data: AccountData, as_of: dt.date, rules: Rules, *,
                         health: HealthScore | None = None) -> str:
    """What the book says about the cause, for the CSM to start from when writing the plan's
    root cause (the draft leaves it empty: §13, a plan counts once written)."""
    weak = _weak_dimensions(data, as_of, rules, health)
    weak_text = ", ".join(f"{n} {v}" for v, n in weak) or "none below 50"
    if alert.trigger == "champion_departed":
        return f"{alert.title}. Weak dimensions: {weak_text}."
    if alert.trigger == "formal_complaint":
        summaries = [t.summary for t in data.touchpoints
                     if Flag.complaint in t.flags and t.date == alert.trigger_date
                     and t.summary]
        return (f"{alert.title}" + (f": {'; '.join(summaries)}" if summaries else "")
                + f". Weak dimensions: {weak_text}.")
    return f"{alert.title}. What drove the score down: {weak_text}."


def save_plan_for(alert: Alert, data: AccountData, as_of: dt.date, rules: Rules, *,
                  health: HealthScore | None = None) -> SavePlan:
    """The draft save plan created with a critical alert: the seed's template (§4) filled in
    from what the book knows (executive alignment, suggested remediation actions with owners
    and dates, success criteria at 30/60/90 days, a go/no-go checkpoint date), the root cause
    left for the CSM to write (`suggested_root_cause` offers a start): until then the plan is
    a draft and does not answer the alert (§13, `plan_is_written`). `health`: the account's
    score as of the day, when the caller has it (else it is scored here)."""
    start = alert.trigger_date
    owner = data.account.owner or "CSM"
    weak = _weak_dimensions(data, as_of, rules, health)

    execs = _executives(data)
    alignment = ("Is there internal will to stay? Confirm with " + ", ".join(execs) if execs
                 else "Is there internal will to stay? No executive sponsor is mapped: "
                      "find one through the economic buyer")

    day = dt.timedelta(days=1)
    actions = [RemediationAction(
        action=f"Executive engagement call{' with ' + execs[0] if execs else ''}",
        owner=owner, due=start + dt.timedelta(hours=rules.alerts.critical_due_hours))]
    if alert.trigger == "champion_departed":
        actions.append(RemediationAction(action="Identify and onboard a new champion",
                                         owner=owner, due=start + 14 * day))
    if alert.trigger == "formal_complaint":
        actions.append(RemediationAction(
            action="Resolve the complaint with the support lead and confirm in writing",
            owner=owner, due=start + 7 * day))
    for _, name in weak[:3]:
        text, days = _DIMENSION_REMEDIES[name]
        actions.append(RemediationAction(action=text, owner=owner, due=start + days * day))

    cadence = touchpoint_cadence_days(tier_for(data.account.arr, rules), rules)
    green, yellow = rules.bands.green, rules.bands.yellow
    return SavePlan(
        account_id=data.account.account_id, trigger=alert.trigger, trigger_date=start,
        root_cause="", executive_alignment=alignment, remediation_actions=tuple(actions),
        success_criteria_30=(f"Executive sponsor engaged; touchpoints every {cadence} days "
                             "kept; no dimension at 0"),
        success_criteria_60=f"Health yellow or better (score ≥ {yellow})",
        success_criteria_90=f"Health green (score ≥ {green}) and renewal intent confirmed",
        checkpoint_date=start + dt.timedelta(days=rules.alerts.save_plan_checkpoint_days),
    )
