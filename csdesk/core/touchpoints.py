"""Touchpoint facts several rules read (§2 engagement, §4 clearing, §5 signals, §6 gates)."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable, Sequence

from csdesk.core.models import Touchpoint, TouchpointKind, TouchpointStatus

_date = operator.attrgetter("date")
_DONE = TouchpointStatus.completed
_MISSED = TouchpointStatus.missed


def completed(touchpoints: Iterable[Touchpoint], as_of: dt.date) -> list[Touchpoint]:
    return [t for t in touchpoints if t.status == _DONE and t.date <= as_of]


def last_completed(touchpoints: Sequence[Touchpoint], as_of: dt.date) -> Touchpoint | None:
    done = completed(touchpoints, as_of)
    return max(done, key=lambda t: t.date) if done else None


def recent_missed_in_a_row(touchpoints: Sequence[Touchpoint], as_of: dt.date, count: int) -> bool:
    """§2/§5 seed: the `count` most recent touchpoints dated on or before as_of that were
    completed or missed are all missed (scheduled ones have not happened yet)."""
    recent = []
    for t in sorted(touchpoints, key=_date, reverse=True):  # stable: same-day order kept
        if t.date <= as_of and t.status in (_DONE, _MISSED):
            recent.append(t)
            if len(recent) == count:
                break
    return len(recent) == count and all(t.status == _MISSED for t in recent)


def logged_since(touchpoints: Iterable[Touchpoint], since: dt.date, as_of: dt.date,
                 kinds: Iterable[TouchpointKind] | None = None, *,
                 completed_only: bool = False) -> list[Touchpoint]:
    """Touchpoints dated since..as_of (inclusive) of the given kinds that were not missed.

    Our choice (§4, §5 are silent): a scheduled touchpoint counts as logged, a missed one does
    not; `completed_only` narrows it to completed ones.
    """
    wanted = None if kinds is None else {TouchpointKind(k) for k in kinds}
    return [t for t in touchpoints
            if since <= t.date <= as_of and t.status != _MISSED
            and (not completed_only or t.status == _DONE)
            and (wanted is None or t.kind in wanted)]
