"""Dates and history: what "in the last N days" means, and runs of a band over snapshots (§2).

"Green for N consecutive days" (§2) means the current run of green snapshots (history plus
today's band, no other band between) began at least N days before as_of; a gap without
snapshots does not break a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from csdesk.core.models import Band, Snapshot


def days_ago(day: dt.date, as_of: dt.date) -> int:
    return (as_of - day).days


def within_last(day: dt.date | None, as_of: dt.date, days: int) -> bool:
    """`day` is in the last `days` days: on or before as_of and at most `days` days earlier.

    Our choice where the spec is silent: inclusive, so "a touchpoint in the last 30 days" holds
    for one exactly 30 days ago, as engagement's "≤ C days" does.
    """
    return day is not None and 0 <= (as_of - day).days <= days


def band_timeline(history: Sequence[Snapshot], today: Band | None, as_of: dt.date
                  ) -> list[tuple[dt.date, Band]]:
    """(date, band) ascending: the stored snapshots before as_of, then today's band."""
    line = [(s.date, Band(s.band)) for s in history if s.date < as_of]
    if today is not None:
        line.append((as_of, Band(today)))
    return line


def run_start(timeline: Sequence[tuple[dt.date, Band]], band: Band) -> dt.date | None:
    """The first day of the current run of `band` (None when the latest band is another)."""
    start = None
    for day, b in reversed(timeline):
        if b != band:
            break
        start = day
    return start


def band_held_days(timeline: Sequence[tuple[dt.date, Band]], band: Band, as_of: dt.date) -> int | None:
    """How many days the current run of `band` has lasted (0 when it began today), else None."""
    start = run_start(timeline, band)
    return None if start is None else (as_of - start).days


def band_before_run(timeline: Sequence[tuple[dt.date, Band]]) -> Band | None:
    """The band of the snapshot just before the current run (None when history starts with it)."""
    if not timeline:
        return None
    current = timeline[-1][1]
    for _, b in reversed(timeline):
        if b != current:
            return b
    return None


def dimension_zero_since(history: Sequence[Snapshot], today: int | None, name: str,
                         as_of: dt.date) -> dt.date | None:
    """First day of the current run of snapshots in which dimension `name` is 0."""
    if today != 0:
        return None
    start = as_of
    for snap in reversed([s for s in history if s.date < as_of]):
        if snap.dimensions.get(name) != 0:
            break
        start = snap.date
    return start
