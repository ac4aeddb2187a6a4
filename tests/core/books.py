"""Small hand-built books for the rule tests: an account as of AS_OF and its rows."""

from __future__ import annotations

import datetime as dt

from csdesk.core.config import Rules
from csdesk.core.models import (
    Account,
    AccountData,
    Contact,
    Goal,
    Nps,
    Snapshot,
    Ticket,
    Touchpoint,
    Usage,
)

AS_OF = dt.date(2026, 11, 23)
RULES = Rules()


def ago(days: int) -> dt.date:
    return AS_OF - dt.timedelta(days=days)


def ahead(days: int) -> dt.date:
    return AS_OF + dt.timedelta(days=days)


def account(**kw) -> Account:
    fields = dict(account_id="A1", name="Acme", arr=50_000, contract_start=ago(400),
                  renewal_date=ahead(200), seats_licensed=100)
    return Account(**(fields | kw))


def book(acct: Account | None = None, **rows) -> AccountData:
    return AccountData(account=acct or account(), **rows)


def usage(days_ago: int, active: int, logins: int | None = None) -> Usage:
    return Usage(account_id="A1", date=ago(days_ago), active_users=active, logins=logins)


def touch(days_ago: int, kind: str = "call", status: str = "completed", flags=(),
          summary: str | None = None) -> Touchpoint:
    return Touchpoint(account_id="A1", date=ago(days_ago), kind=kind, status=status,
                      flags=tuple(flags), summary=summary)


_ticket_ids = iter(range(1, 10**6))


def ticket(opened_ago: int, closed_ago: int | None = None, severity: str = "normal",
           csat: int | None = None) -> Ticket:
    return Ticket(ticket_id=f"T{next(_ticket_ids)}", account_id="A1", opened_on=ago(opened_ago),
                  closed_on=None if closed_ago is None else ago(closed_ago),
                  severity=severity, csat=csat)


def contact(name: str, role: str, status: str = "active", departed_ago: int | None = None
            ) -> Contact:
    return Contact(account_id="A1", name=name, role=role, status=status,
                   departed_on=None if departed_ago is None else ago(departed_ago))


def nps(days_ago: int, score: int, who: str | None = None) -> Nps:
    return Nps(account_id="A1", date=ago(days_ago), score=score, contact=who)


def goal(name: str, status: str, roi: str | None = None) -> Goal:
    return Goal(account_id="A1", goal=name, status=status, roi_note=roi)


def snap(days_ago: int, band: str, score: int | None = None, **dims) -> Snapshot:
    default = {"green": 80, "yellow": 60, "red": 30, "unknown": None}[band]
    return Snapshot(account_id="A1", date=ago(days_ago), score=default if score is None else score,
                    band=band, coverage=1.0, dimensions=dims)


def daily(band: str, first_ago: int, last_ago: int, **dims) -> tuple[Snapshot, ...]:
    """One snapshot a day from `first_ago` days ago to `last_ago` days ago (inclusive)."""
    return tuple(snap(d, band, **dims) for d in range(first_ago, last_ago - 1, -1))


def healthy(**kw) -> AccountData:
    """A green mid-market account: usage 90% (100), touchpoint 5 days ago (100) and a business
    review 60 days ago (within the review cadence), achieved goal with ROI (100), no tickets
    (N/A), champion + sponsor + promoter (100) -> 100. `acct` for another account; other
    keywords replace its rows."""
    rows = dict(usage=(usage(2, 90),), touchpoints=(touch(60, kind="ebr"), touch(5)),
                goals=(goal("cut costs", "achieved", "saved $40k"),),
                contacts=(contact("Ann", "champion"), contact("Bo", "executive_sponsor")),
                nps=(nps(20, 10),), history=daily("green", 70, 1))
    return book(kw.pop("acct", account()), **(rows | kw))
