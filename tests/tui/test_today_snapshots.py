"""Snapshots of Today working the book (docs/workflow.md): the snoozed items at 80x24, the
queue grouped by account at 120 columns, the pre-filled touchpoint form at 80x24. Demo book,
as of 2026-11-23 (CSDESK_TODAY pinned by the fixtures), fixed sizes.

Update after an intended change with `pytest tests/tui/test_today_snapshots.py
--snapshot-update`, then look at the report before committing."""

from __future__ import annotations

import datetime as dt

from .conftest import snap


async def _snooze_two(pilot):
    """Snooze the first critical item (5 days) and the first other one (30 days), as z does."""
    from csdesk.desk import work

    app = pilot.app
    critical = next(i for i in app.book.brief if i.level == "critical")
    other = next(i for i in app.book.brief if i.level != "critical")
    desk = app.workbench.desk
    work.snooze(desk, critical, desk.as_of + dt.timedelta(days=5), "waiting_on_customer")
    work.snooze(desk, other, desk.as_of + dt.timedelta(days=30), "handled_elsewhere")
    app.action_rescore()


def test_today_snoozed_at_80x24(snap_compare, app):
    assert snap(snap_compare, app, "Z", size=(80, 24), before=_snooze_two)


def test_today_grouped_at_120(snap_compare, app):
    assert snap(snap_compare, app, "g", size=(120, 40))


def test_today_response_form_at_80x24(snap_compare, app):
    assert snap(snap_compare, app, "t", size=(80, 24))
