"""Dates and history: what "in the last N days" means, and runs of a band over snapshots (§2).

"Green for N consecutive days" (§2) means the current run of green snapshots (history plus
today's band, no other band between) began at least N days before as_of; a gap without
snapshots does not break a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from csdesk.core.models import Band, Snapshot


def days_ago(day: dt.date, as_of: dt.date) -> int:
    return (as_of - day).days


def within_last(day: dt.date | None, as_of: dt.date, days: int) -> bool:
    """`day` is in the last `days` days: on or before as_of and at most `days` days earlier.

    Our choice where the spec is silent: inclusive, so "a touchpoint in the last 30 days" holds
    for one exactly 30 days ago, as engagement's "≤ C days" does.
    """
    return day is not None and 0 <= (as_of - day).days <= days


def latest(rows: Sequence, as_of: dt.date):
    """The row of the latest day on or before as_of (rows ascending by `date`; of a day's rows,
    the first), or None: read from the end, stopping at that day."""
    end = len(rows)
    while end and rows[end - 1].date > as_of:
        end -= 1
    if not end:
        return None
    day, start = rows[end - 1].date, end - 1
    while start and rows[start - 1].date == day:
        start -= 1
    return rows[start]


def newest_first(history: Sequence[Snapshot], today: Band | str | None, as_of: dt.date
                 ) -> Iterator[tuple[dt.date, str]]:
    """(date, band) from today's band back through the stored snapshots before as_of.

    Lazy and newest first, so a run is read from its tail without walking all of history.
    Bands stay as stored: Band is a StrEnum, so "green" == Band.green without converting.
    """
    if today is not None:
        yield as_of, today
    for snap in reversed(history):
        if snap.date < as_of:
            yield snap.date, snap.band


def run_start(history: Sequence[Snapshot], today: Band | str | None, as_of: dt.date,
              band: Band) -> dt.date | None:
    """The first day of the current run of `band` (None when today's band is another)."""
    start = None
    for day, b in newest_first(history, today, as_of):
        if b != band:
            break
        start = day
    return start


def band_held_for(history: Sequence[Snapshot], today: Band | str | None, as_of: dt.date,
                  band: Band, days: int) -> bool:
    """The current run of `band` began at least `days` days before as_of (stops reading
    history as soon as that is known)."""
    for day, b in newest_first(history, today, as_of):
        if b != band:
            return False
        if (as_of - day).days >= days:
            return True
    return False


def band_before_run(history: Sequence[Snapshot], today: Band | str | None, as_of: dt.date
                    ) -> str | None:
    """The band of the snapshot just before the current run (None when history starts with it)."""
    current = today
    for _, b in newest_first(history, today, as_of):
        if b != current:
            return b
    return None


def current_runs_start(history: Sequence[Snapshot]) -> dt.date | None:
    """The first day of the earliest run the newest snapshot belongs to: its band's run, and
    the run of each of its dimensions at 0 (None without history). No alert read from this
    history can have been triggered before it (§4: a run's first day, or 21 days after it),
    however long ago that was (§13: history is the whole history); so a reader that leaves
    older rows out (`csdesk.store.queries.load_book`) knows how far back it must read what
    answers them."""
    if not history:
        return None
    last = history[-1]
    after = last.date + dt.timedelta(days=1)
    starts = [run_start(history, None, after, last.band)]
    starts += [dimension_zero_since(history, 0, name, after)
               for name, value in last.dimensions.items() if value == 0]
    return min(day for day in starts if day is not None)


def dimension_zero_since(history: Sequence[Snapshot], today: int | None, name: str,
                         as_of: dt.date) -> dt.date | None:
    """First day of the current run of snapshots in which dimension `name` is 0."""
    if today != 0:
        return None
    start = as_of
    for snap in reversed(history):
        if snap.date >= as_of:
            continue
        if snap.dimensions.get(name) != 0:
            break
        start = snap.date
    return start
