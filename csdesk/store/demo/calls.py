"""The demo CSM's renewal forecast calls (docs/workflow.md §7): a call made a month before each
past renewal outcome in the score history, and calls on about half of the renewals of the next
60 days, each with csdesk's suggestion of that day beside it, so `calibrate` can tell how often
the calls and the suggestions were right."""

from __future__ import annotations

import datetime as dt
import zlib

from csdesk.core.assess import assess
from csdesk.core.forecast import Call, suggest_call
from csdesk.core.models import AccountStatus, Outcome
from csdesk.store.demo.write import as_known_on
from csdesk.store.writes import transaction

CALL_DAYS_BEFORE = 30  # a past renewal was called this many days before its outcome
UPCOMING_DAYS = 60  # renewals this close have a call about half the time
NOTES = {
    Call.commit: "Champion confirmed budget; paperwork with procurement",
    Call.likely: "Verbal yes from the champion; economic buyer not met yet",
    Call.at_risk: "Sponsor quiet since the last review; usage slipping",
    Call.churn_expected: "They asked for the exit terms; competitor in the room",
}


def _hash(*parts) -> int:
    return zlib.crc32(":".join(map(str, parts)).encode())


def _csm_call(suggested: Call, churned: bool, h: int) -> Call:
    """What the demo's CSM called: mostly what came to pass, sometimes not (a surprise churn
    called commit is wrong, as it would be)."""
    if churned:
        if suggested == Call.churn_expected:
            return suggested
        return Call.likely if h % 2 else Call.at_risk
    if suggested in (Call.at_risk, Call.churn_expected) and h % 2:
        return Call.at_risk
    return Call.commit if h % 4 else Call.likely


def write_demo_calls(desk, history_days: int) -> int:
    """Write the demo's forecast calls (one transaction); how many."""
    from csdesk.store import queries

    as_of, rules = desk.as_of, desk.rules
    first = as_of - dt.timedelta(days=history_days - CALL_DAYS_BEFORE)
    last_upcoming = (as_of + dt.timedelta(days=UPCOMING_DAYS)).isoformat()
    ids = [a for (a,) in desk.db.execute(
        "SELECT DISTINCT account_id FROM renewals WHERE date >= ? AND date <= ? UNION "
        "SELECT account_id FROM accounts WHERE status = 'active' AND renewal_date > ? "
        "AND renewal_date <= ?", [first.isoformat(), as_of.isoformat(), as_of.isoformat(),
                                  last_upcoming])]
    rows = []
    for data in queries.load_book(desk.db, as_of, account_ids=sorted(ids)) if ids else []:
        account = data.account
        for r in data.renewals:
            if not first <= r.date <= as_of:
                continue
            day = r.date - dt.timedelta(days=CALL_DAYS_BEFORE)
            then = as_known_on(data, day)
            if then is None:
                continue
            then = then.model_copy(update={
                "account": account.model_copy(update={
                    "renewal_date": r.date, "status": AccountStatus.active,
                    "arr": r.previous_arr if r.previous_arr is not None else account.arr}),
                "history": tuple(s for s in data.history if s.date < day)})
            suggested = suggest_call(assess(then, day, rules), then, day, rules).call
            call = _csm_call(suggested, r.outcome == Outcome.churned,
                             _hash(account.account_id, r.date))
            rows.append((account.account_id, r.date.isoformat(), call.value, NOTES[call],
                         day.isoformat(), suggested.value))
        days = (account.renewal_date - as_of).days
        h = _hash(account.account_id, account.renewal_date)
        if account.status == AccountStatus.active and 0 < days <= UPCOMING_DAYS and h % 2:
            day = as_of - dt.timedelta(days=1 + h % 10)
            suggested = suggest_call(assess(data, as_of, rules), data, as_of, rules).call
            call = suggested if h % 3 else (Call.commit if suggested == Call.likely
                                            else suggested)
            rows.append((account.account_id, account.renewal_date.isoformat(), call.value,
                         NOTES[call], day.isoformat(), suggested.value))
    with transaction(desk.db):
        desk.db.conn.executemany(
            "INSERT INTO forecast_calls (account_id, renewal_date, call, note, made_on, "
            "suggested) VALUES (?,?,?,?,?,?)", rows)
    return len(rows)
