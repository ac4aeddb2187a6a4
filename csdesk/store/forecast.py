"""Reads and writes of the renewal forecast (docs/workflow.md §7) and the portfolio's trend.

Set-based: one query each, whatever the size of the book.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlite_utils

from csdesk.core.forecast import ForecastCall
from csdesk.core.models import Renewal
from csdesk.store.queries import renewal_from_row
from csdesk.store.writes import transaction

_D = dt.date.fromisoformat


def record_call(db: sqlite_utils.Database, call: ForecastCall) -> int:
    """Record a forecast call (one transaction); its row id. Calls are kept, never replaced:
    the latest one for a renewal is the CSM's call, the earlier ones its history."""
    with transaction(db):
        cur = db.execute(
            "INSERT INTO forecast_calls (account_id, renewal_date, call, note, made_on, suggested)"
            " VALUES (?,?,?,?,?,?)",
            [call.account_id, call.renewal_date.isoformat(), call.call.value, call.note,
             call.made_on.isoformat(), call.suggested.value if call.suggested else None])
        return cur.lastrowid


def load_calls(db: sqlite_utils.Database, account_ids: list[str] | None = None,
               *, until: dt.date | None = None) -> list[ForecastCall]:
    """Forecast calls in the order they were recorded (made_on, then id), of the accounts named
    (every account without), made on or before `until` when given."""
    where, params = [], []
    if account_ids is not None:
        where.append("account_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(account_ids))
    if until is not None:
        where.append("made_on <= ?")
        params.append(until.isoformat())
    sql = ("SELECT account_id, renewal_date, call, note, made_on, suggested FROM forecast_calls"
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY made_on, id")
    return [ForecastCall.model_construct(
        account_id=a, renewal_date=_D(r), call=c, note=n or "", made_on=_D(m[:10]),
        suggested=s or None)
        for a, r, c, n, m, s in db.execute(sql, params).fetchall()]


def renewal_ids(db: sqlite_utils.Database, as_of: dt.date, days: int) -> list[str]:
    """Active accounts whose renewal is within `days` days of as_of, or whose date has passed
    without an outcome (an active account's renewal date is the one not yet closed)."""
    last = (as_of + dt.timedelta(days=days)).isoformat()
    return [a for (a,) in db.execute(
        "SELECT account_id FROM accounts WHERE status = 'active' AND renewal_date <= ? "
        "AND contract_start <= ? ORDER BY renewal_date, account_id", [last, as_of.isoformat()])]


def renewal_history(db: sqlite_utils.Database, account_id: str) -> list[Renewal]:
    """One account's renewal outcomes, newest first."""
    cur = db.execute("SELECT * FROM renewals WHERE account_id = ? ORDER BY date DESC",
                     [account_id])
    cols = [c[0] for c in cur.description]
    return [renewal_from_row(dict(zip(cols, row))) for row in cur.fetchall()]


def month_bands(db: sqlite_utils.Database, as_of: dt.date) -> dict[str, list[tuple[str, str]]]:
    """Per account, (YYYY-MM, band of the month's last snapshot) for every month up to as_of,
    ascending. One grouped query (SQLite takes the bare `band` from the row of max(date))."""
    out: dict[str, list[tuple[str, str]]] = {}
    for account_id, month, _, band in db.execute(
            "SELECT account_id, substr(date, 1, 7) AS month, max(date), band "
            "FROM score_snapshots WHERE date <= ? GROUP BY account_id, month "
            "ORDER BY account_id, month", [as_of.isoformat()]):
        out.setdefault(account_id, []).append((month, band))
    return out
