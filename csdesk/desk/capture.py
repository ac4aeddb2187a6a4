"""Capture (docs/workflow.md, "Capture"): what `csdesk capture` and the workbench's import share.

`preview` reads the files and plans what the book would gain, writing nothing; `commit` writes
a preview's touchpoints in one transaction. The CSM's clock and zone are read here (the core
has none): a meeting is held once it has begun, on the day it falls in the CSM's zone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils
from dateutil import tz as dateutil_tz

from csdesk.core.capture import CapturePlan, plan_capture
from csdesk.core.config import Capture
from csdesk.core.text import printable
from csdesk.store import capture as store
from csdesk.store.capture import CaptureRefused, Progress  # noqa: F401 (re-exported)

SUFFIXES = store.SUFFIXES


def clock(as_of: dt.date, zone: dt.tzinfo | None = None) -> tuple[dt.datetime, dt.tzinfo]:
    """`now` and the CSM's zone: the real time on the real today, else the end of `as_of`
    (a day acted as today has been lived through)."""
    zone = zone or dateutil_tz.tzlocal()
    real = dt.datetime.now(zone)
    if real.date() == as_of:
        return real, zone
    return dt.datetime.combine(as_of, dt.time(23, 59, 59), tzinfo=zone), zone


def preview(db: sqlite_utils.Database, paths: Iterable[str | Path], settings: Capture,
            as_of: dt.date, *, zone: dt.tzinfo | None = None,
            progress: Progress | None = None) -> CapturePlan:
    """What capturing the files would do; raises CaptureRefused (nothing read is kept)."""
    now, zone = clock(as_of, zone)
    window = (now - dt.timedelta(days=settings.past_days + 1),
              now + dt.timedelta(days=settings.future_days + 1))
    items = store.read_files(paths, window=window, progress=progress)
    contacts = store.contact_emails(db)
    first = now.astimezone(zone).date() - dt.timedelta(days=settings.past_days + 1)
    stored = store.stored_touchpoints(db, {a for a, _ in contacts}, first)
    return plan_capture(items, contacts, stored, now=now, tz=zone, settings=settings)


def commit(db: sqlite_utils.Database, plan: CapturePlan) -> int:
    return store.write_captured(db, plan.new, plan.updated)


def report_lines(plan: CapturePlan, names: dict[str, str], *, dry_run: bool) -> list[str]:
    """The capture in words: counts, each touchpoint written, then what could not be matched."""
    lines = []
    kinds = Counter(str(t.kind) for t in plan.new)
    scheduled = sum(1 for t in plan.new if str(t.status) == "scheduled")
    verb = "Would add" if dry_run else "Added"
    parts = [f"{kinds.get('meeting', 0)} meeting(s)", f"{kinds.get('email', 0)} email(s)"]
    lines.append(f"{verb} {len(plan.new)} touchpoint(s): {', '.join(parts)}"
                 + (f", {scheduled} scheduled" if scheduled else "") + ".")
    if plan.updated:
        lines.append(f"{'Would update' if dry_run else 'Updated'} {len(plan.updated)} "
                     "(a scheduled meeting since held, or more people on it).")
    if plan.unchanged:
        lines.append(f"{len(plan.unchanged)} already in the book, unchanged.")
    for t in plan.writes:
        name = printable(names.get(t.account_id, t.account_id), single_line=True)
        people = printable("; ".join(t.contacts), single_line=True)
        lines.append(f"  {t.date.isoformat()}  {name}  {t.kind} ({t.status}): "
                     f"{printable(t.summary, single_line=True)}  [{people}]")
    skipped = left_out(plan)
    if skipped:
        lines.append("Left out: " + ", ".join(skipped) + ".")
    if plan.unmatched:
        lines.append(f"Not matched to an account ({len(plan.unmatched)}): add the contact "
                     "and capture again.")
        for u in plan.unmatched:
            why = f" (domain used by several accounts: {', '.join(u.ambiguous)})" \
                if u.ambiguous else ""
            lines.append(f"  {u.date.isoformat()}  {printable(u.source, single_line=True)}: "
                         f"{printable(', '.join(u.addresses), single_line=True)}{why}")
    return lines


def account_names(db: sqlite_utils.Database, plan: CapturePlan) -> dict[str, str]:
    ids = sorted({t.account_id for t in plan.new + plan.updated + plan.unchanged})
    if not ids:
        return {}
    return dict(db.execute(f"SELECT account_id, name FROM accounts WHERE account_id IN "
                           f"({', '.join('?' * len(ids))})", ids).fetchall())


def left_out(plan: CapturePlan, *, unchanged: bool = False) -> list[str]:
    """What the capture leaves out and why, in words (the CLI's report, the preview's line)."""
    left = []
    if unchanged and plan.unchanged:
        left.append(f"{len(plan.unchanged)} already in the book")
    if plan.internal:
        left.append(f"{plan.internal} with only your side on them")
    if plan.cancelled:
        left.append(f"{plan.cancelled} cancelled")
    if plan.outside_window:
        left.append(f"{plan.outside_window} outside the window")
    return left
