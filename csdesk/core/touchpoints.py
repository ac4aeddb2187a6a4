"""Touchpoint facts several rules read (§2 engagement, §4 clearing, §5 signals, §6 gates).

Touchpoints come in date order, a day's in the order logged (as `AccountData` keeps them), so
each fact is read from the newest end and stops at the first touchpoint too old to matter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from csdesk.core.models import Touchpoint, TouchpointKind, TouchpointStatus

_DONE = TouchpointStatus.completed
_MISSED = TouchpointStatus.missed
# §13 human touch: automated touchpoints answer no alert or detractor, and count as
# engagement only where the tier says so (`csdesk.core.tiers.not_engagement_kinds`).
AUTOMATED = frozenset({TouchpointKind.tech_touch})
# Touchpoints held with people in a room or on a call of their own (not a call, an e-mail or a
# check-in): the demo records who attended them, a CRM export files them as meetings.
MEETING_KINDS = frozenset({"meeting", "qbr", "ebr", "executive", "escalation", "training",
                           "expansion", "renewal"})


def newest_days(touchpoints: Sequence[Touchpoint], as_of: dt.date) -> Iterator[Touchpoint]:
    """Touchpoints dated on or before as_of, newest day first, a day's in the order logged."""
    end = len(touchpoints)
    while end:
        start, day = end - 1, touchpoints[end - 1].date
        while start and touchpoints[start - 1].date == day:
            start -= 1
        if day <= as_of:
            yield from touchpoints[start:end]
        end = start


def completed(touchpoints: Iterable[Touchpoint], as_of: dt.date) -> list[Touchpoint]:
    return [t for t in touchpoints if t.status == _DONE and t.date <= as_of]


def last_completed(touchpoints: Sequence[Touchpoint], as_of: dt.date,
                   skip: frozenset = frozenset()) -> Touchpoint | None:
    """The latest completed touchpoint dated on or before as_of (of a day's, the first logged),
    of a kind not in `skip`."""
    for t in newest_days(touchpoints, as_of):
        if t.status == _DONE and t.kind not in skip:
            return t
    return None


def recent_missed_in_a_row(touchpoints: Sequence[Touchpoint], as_of: dt.date, count: int,
                           skip: frozenset = frozenset()) -> bool:
    """§2/§5 seed: the `count` most recent touchpoints dated on or before as_of that were
    completed or missed are all missed (scheduled ones have not happened yet). A day's
    touchpoints count in the order logged; kinds in `skip` do not count."""
    missed = 0
    for t in newest_days(touchpoints, as_of):
        if t.kind in skip:
            continue
        if t.status == _DONE:
            return False
        if t.status == _MISSED:
            missed += 1
            if missed == count:
                return True
    return False


def logged_since(touchpoints: Sequence[Touchpoint], since: dt.date, as_of: dt.date,
                 kinds: Iterable[TouchpointKind] | None = None, *,
                 completed_only: bool = False, skip: frozenset = frozenset()
                 ) -> list[Touchpoint]:
    """Touchpoints dated since..as_of (inclusive) of the given kinds that were not missed, in
    date order.

    Our choice (§4, §5 are silent): a scheduled touchpoint counts as logged, a missed one does
    not; `completed_only` narrows it to completed ones, and kinds in `skip` never count.
    """
    wanted = None if kinds is None else frozenset(kinds)  # StrEnum: a kind's text matches too
    out = []
    for t in reversed(touchpoints):
        if t.date < since:
            break
        if (t.date <= as_of and t.status != _MISSED
                and (not completed_only or t.status == _DONE)
                and (wanted is None or t.kind in wanted) and t.kind not in skip):
            out.append(t)
    out.reverse()
    return out
