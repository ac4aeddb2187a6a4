"""§3 The mandatory action per band (seed: a score without an action is decoration)."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.models import Band, BandAction, HealthScore, trusted

_band_action = trusted(BandAction)


def band_action(health: HealthScore | None, expansion_qualified: bool, as_of: dt.date,
                rules: Rules) -> BandAction | None:
    """green: expansion motion (only if qualified) and reference request, no SLA;
    yellow: check-in and risk assessment within 7 days; red: executive escalation and a save
    plan within 48 hours. None for an account that is not scored."""
    if health is None:
        return None
    band = Band(health.band)
    if band == Band.green:
        text = ("Start the expansion motion and ask for a reference" if expansion_qualified
                else "Ask for a reference")
        return _band_action(text=text, due=None)
    if band == Band.yellow:
        return _band_action(text="Schedule a check-in and assess the risk",
                          due=as_of + dt.timedelta(days=rules.actions.yellow_sla_days))
    if band == Band.red:
        return _band_action(text="Escalate to the executive sponsor and write a save plan",
                          due=as_of + dt.timedelta(hours=rules.actions.red_sla_hours))
    # §3 is silent on `unknown`: our choice is to ask for the data that would score it.
    return _band_action(text="Not enough data to score: log usage, touchpoints, goals and "
                           "stakeholders", due=None)
