"""§3 The mandatory action per band (seed: a score without an action is decoration).

docs/workflow.md (the band's action): the SLA counts from the day the account entered its band,
the start of the current run of that band in the score history (as_of without history), not
from today; the action is done when its response is logged on or after that day, and overdue
past its due day otherwise.
"""

from __future__ import annotations

import datetime as dt

from csdesk.core.alerts import plan_is_written
from csdesk.core.config import Rules
from csdesk.core.models import (
    AccountData,
    Band,
    BandAction,
    HealthScore,
    TouchpointKind,
    trusted,
)
from csdesk.core.timeline import run_start
from csdesk.core.touchpoints import logged_since

_band_action = trusted(BandAction)

# What answers each band's action (docs/workflow.md): yellow a completed check-in, call or
# meeting; red an escalation or executive touchpoint (as the critical alert asks) and a
# written save plan.
YELLOW_RESPONSES = (TouchpointKind.check_in, TouchpointKind.call, TouchpointKind.meeting)
RED_RESPONSES = (TouchpointKind.escalation, TouchpointKind.executive)


def band_since(data: AccountData, health: HealthScore, as_of: dt.date) -> dt.date:
    """The first day of the account's current run of its band (as_of without history)."""
    return run_start(data.history, health.band, as_of, Band(health.band)) or as_of


def band_action_done_on(data: AccountData, band: Band, since: dt.date, as_of: dt.date
                        ) -> dt.date | None:
    """The day the band's action was answered on or after `since`, or None."""
    if band == Band.yellow:
        done = logged_since(data.touchpoints, since, as_of, YELLOW_RESPONSES,
                            completed_only=True)
        return done[0].date if done else None
    if band == Band.red:
        touched = logged_since(data.touchpoints, since, as_of, RED_RESPONSES)
        planned = any(p.trigger_date >= since and plan_is_written(p) for p in data.save_plans)
        return touched[0].date if touched and planned else None
    return None


def band_action(data: AccountData, health: HealthScore | None, expansion_qualified: bool,
                as_of: dt.date, rules: Rules) -> BandAction | None:
    """green: expansion motion (only if qualified) and reference request, no SLA;
    yellow: check-in and risk assessment within 7 days of turning yellow; red: executive
    escalation and a save plan within 48 hours of turning red. None for an account that is
    not scored."""
    if health is None:
        return None
    band = Band(health.band)
    since = band_since(data, health, as_of)
    if band == Band.green:
        text = ("Start the expansion motion and ask for a reference" if expansion_qualified
                else "Ask for a reference")
        return _band_action(text=text, due=None, since=since)
    if band in (Band.yellow, Band.red):
        if band == Band.yellow:
            text = "Schedule a check-in and assess the risk"
            due = since + dt.timedelta(days=rules.actions.yellow_sla_days)
        else:
            text = "Escalate to the executive sponsor and write a save plan"
            due = since + dt.timedelta(hours=rules.actions.red_sla_hours)
        done_on = band_action_done_on(data, band, since, as_of)
        return _band_action(text=text, due=due, since=since, done_on=done_on,
                            overdue=done_on is None and as_of > due)
    # §3 is silent on `unknown`: our choice is to ask for the data that would score it.
    return _band_action(text="Not enough data to score: log usage, touchpoints, goals and "
                             "stakeholders", due=None, since=since)
