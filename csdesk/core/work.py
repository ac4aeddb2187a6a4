"""Working Today's items to done (docs/workflow.md): ids, what clears each item, the response
it asks for, snoozes, the CSM's own tasks, scheduled touchpoints, the queue's weight, and
alert quality.

An item's id is stable while the same trigger holds and new when a new trigger arrives:
`<account>:<kind>:<what started it>` (`A2:alert:band_red:2026-09-14`,
`A3:renewal:2027-01-15`, `A4:nps_detractor:2026-11-01:omar@delta.example`), and `task:17`,
`save_plan_action:5` for the records the CSM writes (their own row ids).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from csdesk.core.alerts import plan_is_written
from csdesk.core.config import Rules
from csdesk.core.models import (
    AccountData,
    Alert,
    AlertLevel,
    Assessment,
    Contact,
    Nps,
    Snooze,
    SnoozeReason,
    Task,
    Touchpoint,
    TouchpointKind,
    TouchpointStatus,
)
from csdesk.core.touchpoints import AUTOMATED, logged_since

# --- ids --------------------------------------------------------------------------------------


def alert_id(account_id: str, alert: Alert) -> str:
    """`A1:alert:band_red:2026-09-14`; a dimension at 0 names its dimension (an account may
    have several such alerts: the title starts with the dimension's name)."""
    if alert.trigger == "dimension_zero":
        dimension = alert.title.split(" ", 1)[0].lower()
        return f"{account_id}:alert:dimension_zero:{dimension}:{alert.trigger_date}"
    return f"{account_id}:alert:{alert.trigger}:{alert.trigger_date}"


def task_id(task_row_id: int) -> str:
    return f"task:{task_row_id}"


def save_plan_action_id(action_row_id: int) -> str:
    """The id of a save plan's remediation action as a Today item (the plans feature adds
    the items; this is the scheme)."""
    return f"save_plan_action:{action_row_id}"


def task_row_id(item_id: str) -> int | None:
    """The task's row id of a `task:N` item id, else None."""
    return _row_id(item_id, "task")


def save_plan_action_row_id(item_id: str) -> int | None:
    """The remediation action's row id of a `save_plan_action:N` item id, else None."""
    return _row_id(item_id, "save_plan_action")


def _row_id(item_id: str, kind: str) -> int | None:
    head, _, tail = item_id.partition(":")
    return int(tail) if head == kind and tail.isdigit() else None


def trigger_kind(item_id: str) -> str:
    """What kind of trigger an id names, for alert quality: an alert's trigger (`band_red`),
    else the item's kind (`renewal`, `task`)."""
    parts = item_id.split(":")
    if parts[0] in ("task", "save_plan_action"):
        return parts[0]
    for i, part in enumerate(parts):
        if part == "alert" and i + 1 < len(parts):
            return parts[i + 1]
    kinds = {"renewal", "touchpoint_due", "milestone_overdue", "expansion", "nps_detractor",
             "band_action", "ebr_due", "scheduled"}
    return next((p for p in parts[1:] if p in kinds), parts[min(1, len(parts) - 1)])


# --- the response each item asks for ----------------------------------------------------------

ALERT_RESPONSE_KIND = {AlertLevel.watch: TouchpointKind.check_in,
                       AlertLevel.warning: TouchpointKind.escalation,
                       AlertLevel.critical: TouchpointKind.executive}


def usual_kind(a: Assessment, rules: Rules) -> TouchpointKind:
    """The tier's usual touchpoint (config `work.usual_kind`): what a touchpoint-due item
    pre-fills."""
    return TouchpointKind(rules.work.usual_kind.get(str(a.tier), "call"))


def alert_clears_when(alert: Alert) -> str:
    day = alert.trigger_date
    if alert.level == AlertLevel.watch:
        return f"a check-in, or any completed touchpoint but a tech touch, logged on or after {day}"
    if alert.level == AlertLevel.warning:
        return f"an escalation or executive touchpoint logged on or after {day}"
    return (f"an escalation or executive touchpoint and a written save plan (root cause, one "
            f"action with owner and due), on or after {day}")


def critical_left(alert: Alert, data: AccountData, as_of: dt.date) -> str:
    """What a critical alert still needs when half answered ("" when nothing is logged yet or
    for other levels): the save plan is not written, or the executive touchpoint is missing."""
    if alert.level != AlertLevel.critical:
        return ""
    touched = logged_since(data.touchpoints, alert.trigger_date, as_of,
                           (TouchpointKind.escalation, TouchpointKind.executive))
    written = any(p.trigger == alert.trigger and p.trigger_date >= alert.trigger_date
                  and plan_is_written(p) for p in data.save_plans)
    if touched and not written:
        from csdesk.core.plans import what_is_left  # (plans imports alerts, as this does)

        plan = next((p for p in reversed(data.save_plans) if p.trigger == alert.trigger
                     and p.trigger_date >= alert.trigger_date), None)
        # No plan yet: the run that raised the alert stores its draft (actions with owners
        # and dates, no root cause); say the same before and after it is stored.
        need = what_is_left(plan) if plan is not None else "the save plan needs a root cause"
        return (f"{touched[0].kind} logged {touched[0].date}; left: the save plan written "
                f"({need}: its Save plan tab)")
    if written and not touched:
        return "plan written; left: an escalation or executive touchpoint"
    return ""


# --- detractors: answered by a touchpoint with the respondent ---------------------------------


def respondent_keys(response: Nps, contacts: Sequence[Contact]) -> set[str]:
    """Every way the book names the respondent (the NPS row's contact, and that contact's
    e-mail, id and name), case-folded."""
    if not response.contact:
        return set()
    who = response.contact.casefold()
    keys = {who}
    for c in contacts:
        names = {x.casefold() for x in (c.email, c.contact_id, c.name) if x}
        if who in names:
            keys |= names
    return keys


def answers_detractor(t: Touchpoint, response: Nps, contacts: Sequence[Contact]) -> bool:
    """docs/workflow.md: a completed human touchpoint answers a detractor when it names the
    respondent among those met, or names nobody."""
    if not t.contacts:
        return True
    keys = respondent_keys(response, contacts)
    return not keys or any(c.casefold() in keys for c in t.contacts)


def detractor_answered(data: AccountData, response: Nps, as_of: dt.date) -> bool:
    return any(answers_detractor(t, response, data.contacts)
               for t in logged_since(data.touchpoints, response.date, as_of,
                                     completed_only=True, skip=AUTOMATED))


# --- expansion, scheduled touchpoints, tasks ---------------------------------------------------


def last_expansion_touch(data: AccountData, as_of: dt.date, rules: Rules) -> dt.date | None:
    """The last completed `expansion` touchpoint that still answers the expansion item (one
    of the last `work.expansion_answered_days` days), or None."""
    start = as_of - dt.timedelta(days=rules.work.expansion_answered_days - 1)
    for t in reversed(data.touchpoints):
        if t.date < start:
            break
        if (t.kind == TouchpointKind.expansion and t.status == TouchpointStatus.completed
                and t.date <= as_of):
            return t.date
    return None


def expansion_answered(a: Assessment, as_of: dt.date, rules: Rules) -> bool:
    return a.last_expansion_touch is not None


def scheduled_to_show(data: AccountData, as_of: dt.date, rules: Rules) -> tuple[Touchpoint, ...]:
    """Scheduled touchpoints on as_of (today's meetings), and past ones still scheduled (not
    marked completed or missed) of the last `work.scheduled_past_days` days."""
    start = as_of - dt.timedelta(days=rules.work.scheduled_past_days)
    out, held = [], set()
    for t in reversed(data.touchpoints):
        if t.date < start:
            break
        if t.date > as_of:
            continue
        if t.status == TouchpointStatus.scheduled:
            out.append(t)
        else:  # a completed (or missed) one of that kind that day: the scheduled one is held
            held.add((t.date, t.kind))
    return tuple(t for t in reversed(out) if (t.date, t.kind) not in held)


def open_tasks(data: AccountData, as_of: dt.date) -> tuple[Task, ...]:
    return tuple(t for t in data.tasks if t.created_on <= as_of
                 and (t.done_on is None or t.done_on > as_of))


def task_refusal(text: str, due: dt.date | None, as_of: dt.date) -> dict[str, str]:
    """Why this task is refused, by field (`text`, `due`), each message naming the value; {}
    when it may be saved: it says what to do, and it is not due before today."""
    problems = {}
    if not text.strip():
        problems["text"] = "the task's text is empty"
    if due is not None and due < as_of:
        problems["due"] = f"due {due} is in the past (today is {as_of})"
    return problems


def snoozes_in_force(snoozes: Iterable[Snooze], as_of: dt.date) -> tuple[Snooze, ...]:
    """Snoozes not cleared whose day has not come: the item is back on its `until` day."""
    return tuple(s for s in snoozes if s.cleared_on is None and s.created_on <= as_of < s.until)


# --- snoozing ---------------------------------------------------------------------------------


def snooze_refusal(level: AlertLevel | str, until: dt.date, reason: str, as_of: dt.date,
                   rules: Rules) -> str | None:
    """Why this snooze is refused (a message naming the value), or None when it may be saved:
    the day must be after today and at most 90 days ahead (7 for a critical item), and the
    reason one of the four."""
    reasons = [r.value for r in SnoozeReason]
    if reason not in reasons:
        return f"reason {reason!r} is not one of {', '.join(reasons)}"
    if until <= as_of:
        return f"until {until} is not after today ({as_of})"
    w = rules.work
    limit = w.snooze_critical_max_days if level == AlertLevel.critical else w.snooze_max_days
    if (until - as_of).days > limit:
        what = "a critical item" if level == AlertLevel.critical else "an item"
        return (f"until {until} is more than {limit} days ahead: {what} can be snoozed until "
                f"{as_of + dt.timedelta(days=limit)} at the latest")
    return None


# --- queue order ------------------------------------------------------------------------------


def account_weight(a: Assessment, rules: Rules) -> float:
    """docs/workflow.md (queue order): the account's ARR; a renewal within 90 days counts
    double, so the biggest risk is never below a small account's reminder."""
    w = rules.work
    soon = 0 <= a.days_to_renewal <= w.renewal_weight_days
    return a.account.arr * (w.renewal_weight_multiple if soon else 1)


# --- alert quality ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertQuality:
    """Per trigger kind over the last 90 days: items raised, answered (a touchpoint logged as
    their response), snoozed, and snoozed as `not_relevant`: the rules a CSM finds noisy."""

    kind: str
    raised: int
    answered: int
    snoozed: int
    not_relevant: int

    @property
    def noisy(self) -> bool:
        """A quarter or more of the items raised were put aside as not relevant."""
        return self.not_relevant > 0 and self.not_relevant * 4 >= max(self.raised, 1)


def alert_quality(raised: Iterable[tuple[str, dt.date]], answered: Iterable[tuple[str, dt.date]],
                  snoozes: Iterable[Snooze], as_of: dt.date, rules: Rules
                  ) -> list[AlertQuality]:
    """`raised`: (item id, first day seen in Today); `answered`: (item id, day of a completed
    touchpoint that responds to it). Each item counts once per column, by the day it was
    raised, answered or snoozed falling in the last `work.alert_quality_days` days (as_of
    included); sorted by kind."""
    start = as_of - dt.timedelta(days=rules.work.alert_quality_days)

    def within(day: dt.date) -> bool:
        return start < day <= as_of

    columns: dict[str, list[set]] = {}

    def add(item_id: str, column: int) -> None:
        columns.setdefault(trigger_kind(item_id), [set(), set(), set(), set()])[column].add(
            item_id)

    for item_id, day in raised:
        if within(day):
            add(item_id, 0)
    for item_id, day in answered:
        if within(day):
            add(item_id, 1)
    for s in snoozes:
        if within(s.created_on):
            add(s.item_id, 2)
            if s.reason == SnoozeReason.not_relevant:
                add(s.item_id, 3)
    return [AlertQuality(kind, *map(len, sets)) for kind, sets in sorted(columns.items())]
