"""Working Today's items to done, for the CLI and the workbench alike (docs/workflow.md):
the brief with its snoozed items, tasks, snoozes, the response an item asks for, alert
quality. Every write is one transaction; bad input raises `WorkError` naming the value, and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from csdesk.core import work
from csdesk.core.brief import TopLine, build_brief_and_snoozed
from csdesk.core.models import (
    Assessment,
    BriefItem,
    ItemKind,
    Snooze,
    SnoozeReason,
    Touchpoint,
    TouchpointStatus,
)
from csdesk.desk.desk import Desk
from csdesk.store import queries, writes


class WorkError(ValueError):
    """Refused input (an unknown item id, a date out of bounds, an unknown reason): the
    message names the value; nothing was written."""


@dataclass(frozen=True)
class Brief:
    items: list[BriefItem]  # shown, most urgent first
    snoozed: list[BriefItem]  # hidden by a snooze in force


# The name the day's Today is kept under with the day's assessments (`Desk.store`).
TODAY_VIEW = "today"


def kept_today(brief: Brief, top: TopLine) -> tuple[str, tuple]:
    """What `Desk.store(..., view=...)` keeps of a whole-book run for `reopened_today`."""
    return TODAY_VIEW, (brief.items, brief.snoozed, top)


def reopened_today(desk: Desk) -> tuple[Mapping[str, Assessment], Brief, TopLine] | None:
    """Today as the workbench kept it with the day's assessments (`Desk.reopened`), when
    nobody wrote the book since: its items were recorded as raised when it was made."""
    found = desk.reopened(TODAY_VIEW)
    if found is None:
        return None
    kept, (items, snoozed, top) = found
    return kept, Brief(items, snoozed), top


def brief(desk: Desk, assessments: list[Assessment], *, record: bool = True) -> Brief:
    """Today's items and the snoozed ones; each item shown is recorded as raised (its first
    day) for alert quality, unless the day is a what-if."""
    shown, snoozed = build_brief_and_snoozed(assessments, desk.as_of, desk.rules)
    if record and not desk.what_if and desk.read_only:
        desk.unstored = True  # a read-only book (issue 24): read, not recorded
    elif record and not desk.what_if:
        writes.record_items_raised(desk.db, shown, desk.as_of)
    return Brief(shown, snoozed)


def find_item(items: Sequence[BriefItem], item_id: str) -> BriefItem:
    for item in items:
        if item.id == item_id:
            return item
    raise WorkError(f"no item {item_id!r} in Today (see csdesk today --json for the ids)")


def parse_day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise WorkError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


# --- the response an item asks for -------------------------------------------------------------


def response_for(item: BriefItem, as_of: dt.date, contacts: Sequence[str] = ()) -> Touchpoint:
    """The touchpoint `t` pre-fills for an item (docs/workflow.md): the kind it asks for,
    completed, today, `Response to: <title>`, answering its id; a detractor's names the
    respondent. A scheduled item's keeps its kind and summary (it is the one held)."""
    if item.kind == ItemKind.scheduled:
        kind = item.respond_with
        summary = item.title.split(": ", 2)[-1] if ": " in item.title else None
        if summary == str(kind).replace("_", " "):
            summary = None
        return Touchpoint(account_id=item.account_id, date=item.due or as_of, kind=kind,
                          status=TouchpointStatus.completed, summary=summary,
                          responds_to=item.id, contacts=tuple(contacts))
    if item.kind == ItemKind.nps_detractor and not contacts:
        who = item.id.split(":")[-1]  # `<account>:nps_detractor:<date>:<contact>`
        contacts = (who,) if who else ()
    return Touchpoint(account_id=item.account_id, date=as_of,
                      kind=item.respond_with or "call", status=TouchpointStatus.completed,
                      summary=f"Response to: {item.title}"[:200], responds_to=item.id,
                      contacts=tuple(contacts))


def refuse_future_completed(t: Touchpoint, as_of: dt.date) -> None:
    """docs/workflow.md: a completed touchpoint dated after today is refused (log it as
    scheduled)."""
    if t.status == TouchpointStatus.completed and t.date > as_of:
        raise WorkError(f"date {t.date} is after today ({as_of}): a completed touchpoint "
                        "cannot be in the future; log it as scheduled")


def log_response(desk: Desk, t: Touchpoint, *, next_step: str | None = None,
                 next_due: dt.date | None = None) -> int | None:
    """Log a touchpoint (and its next step as a task, in the same transaction); returns the
    task's id when one was made."""
    refuse_future_completed(t, desk.as_of)
    refuse_what_if(desk)
    step = (next_step.strip(), next_due) if next_step and next_step.strip() else None
    if next_due is not None and step is None:
        raise WorkError("next step: a due date was given without the step's text")
    if step is not None and (refused := work.task_refusal(*step, desk.as_of)):
        raise WorkError("next step: " + "; ".join(refused.values()))  # as `csdesk task add`
    return writes.log_touchpoint(desk.db, t, next_step=step)


def refuse_what_if(desk: Desk) -> None:
    if desk.what_if:
        raise WorkError(f"--as-of {desk.as_of} is after today: a what-if stores nothing")


# --- tasks -------------------------------------------------------------------------------------


def add_task(desk: Desk, account_id: str, text: str, due: dt.date | None) -> int:
    refuse_what_if(desk)
    refused = work.task_refusal(text, due, desk.as_of)
    if refused:
        raise WorkError("; ".join(refused.values()))
    return writes.add_task(desk.db, account_id, text.strip(), due, desk.as_of)


def task_done(desk: Desk, ref: str) -> str:
    """Mark a task done by `17` or `task:17`; its text."""
    refuse_what_if(desk)
    row_id = work.task_row_id(ref) if ref.startswith("task:") else (
        int(ref) if ref.isdigit() else None)
    found = queries.load_tasks(desk.db, task_id=row_id) if row_id is not None else []
    if not found:
        raise WorkError(f"no task {ref!r} (see csdesk task list)")
    task, _ = found[0]
    if task.done_on is not None:
        raise WorkError(f"task {row_id} was done on {task.done_on} already")
    writes.set_task_done(desk.db, row_id, desk.as_of)
    return task.text


# --- snoozes -----------------------------------------------------------------------------------


def snooze(desk: Desk, item: BriefItem, until: dt.date, reason: str) -> Snooze:
    """Snooze an item (found in today's items): refused past the limits (90 days, 7 for a
    critical item), for a day not after today, or an unknown reason."""
    refuse_what_if(desk)
    refused = work.snooze_refusal(item.level, until, reason, desk.as_of, desk.rules)
    if refused:
        raise WorkError(refused)
    s = Snooze(item_id=item.id, account_id=item.account_id, until=until,
               reason=SnoozeReason(reason), created_on=desk.as_of)
    writes.snooze_item(desk.db, s)
    return s


def unsnooze(desk: Desk, item_id: str) -> None:
    refuse_what_if(desk)
    if not writes.unsnooze_item(desk.db, item_id, desk.as_of):
        raise WorkError(f"no snooze in force for {item_id!r} (see csdesk today --snoozed)")


# --- alert quality -----------------------------------------------------------------------------


def alert_quality(desk: Desk) -> list[work.AlertQuality]:
    since = desk.as_of - dt.timedelta(days=desk.rules.work.alert_quality_days)
    raised, answered, snoozes = queries.alert_quality_rows(desk.db, since, desk.as_of)
    return work.alert_quality(raised, answered, snoozes, desk.as_of, desk.rules)


def alert_quality_json(rows: Sequence[work.AlertQuality]) -> dict:
    return {q.kind: {"raised": q.raised, "answered": q.answered, "snoozed": q.snoozed,
                     "not_relevant": q.not_relevant, "noisy": q.noisy} for q in rows}
