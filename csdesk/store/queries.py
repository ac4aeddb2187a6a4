"""Set-based reads of the whole book: one query per table, grouped by account in Python.

Rows come back as core models. Rows dated after `as_of` are left out here already, so scoring
a past day reproduces what was known then (PLAYBOOK_RULES.md, preamble).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable

import sqlite_utils

from csdesk.core.models import (
    Account,
    AccountData,
    Contact,
    Goal,
    MilestoneItem,
    MilestoneRecord,
    Note,
    Nps,
    RemediationAction,
    Renewal,
    SavePlan,
    Snapshot,
    Ticket,
    Touchpoint,
    Usage,
)

_D = dt.date.fromisoformat


def _day(value: str | None) -> dt.date | None:
    return _D(value[:10]) if value else None


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable = ()) -> list[dict]:
    cur = db.execute(sql, tuple(params))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def account_from_row(r: dict) -> Account:
    return Account.model_construct(
        account_id=r["account_id"], name=r["name"], arr=float(r["arr"]),
        contract_start=_D(r["contract_start"]), renewal_date=_D(r["renewal_date"]),
        seats_licensed=r["seats_licensed"], term_months=r["term_months"] or 12,
        industry=r["industry"], owner=r["owner"], status=r["status"],
    )


def load_accounts(db: sqlite_utils.Database) -> list[Account]:
    return [account_from_row(r) for r in _rows(db, "SELECT * FROM accounts ORDER BY name")]


def load_book(
    db: sqlite_utils.Database,
    as_of: dt.date,
    *,
    account_ids: list[str] | None = None,
    usage_days: int = 120,
    history_days: int = 120,
) -> list[AccountData]:
    """Every account (or those named) with the rows the rules need as of `as_of`.

    Usage and snapshot history are read for a window (`usage_days`, `history_days`) because no
    rule looks further back; everything else is read whole, up to `as_of`.
    """
    day = as_of.isoformat()
    where, params = "", []
    if account_ids is not None:
        marks = ",".join("?" * len(account_ids))
        where, params = f" AND account_id IN ({marks})", list(account_ids)

    accounts = [account_from_row(r) for r in _rows(
        db, f"SELECT * FROM accounts WHERE 1=1{where} ORDER BY name COLLATE NOCASE", params)]
    accounts = _as_it_was(db, accounts, day, where, params)
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def group(table: str, rows: Iterable[tuple[str, object]]) -> None:
        for account_id, model in rows:
            groups[account_id][table].append(model)

    group("contacts", ((r["account_id"], Contact.model_construct(
        account_id=r["account_id"], name=r["name"], contact_id=r["contact_id"], title=r["title"],
        email=r["email"], role=r["role"], status=r["status"], departed_on=_day(r["departed_on"]),
        sentiment=r["sentiment"], success_definition=r["success_definition"],
    )) for r in _rows(db, f"SELECT * FROM contacts WHERE 1=1{where} ORDER BY id", params)))

    usage_from = (as_of - dt.timedelta(days=usage_days)).isoformat()
    cur = db.execute(
        f"SELECT account_id, date, active_users, logins FROM usage "
        f"WHERE date > ? AND date <= ?{where} ORDER BY account_id, date",
        [usage_from, day, *params])
    group("usage", ((a, Usage.model_construct(account_id=a, date=_D(d), active_users=u, logins=lg))
                    for a, d, u, lg in cur))

    group("tickets", ((r["account_id"], Ticket.model_construct(
        ticket_id=r["ticket_id"], account_id=r["account_id"], opened_on=_D(r["opened_on"]),
        closed_on=(_day(r["closed_on"]) if r["closed_on"] and r["closed_on"][:10] <= day else None),
        severity=r["severity"], csat=(r["csat"] if r["closed_on"] and r["closed_on"][:10] <= day
                                      else None),
    )) for r in _rows(db, f"SELECT * FROM tickets WHERE opened_on <= ?{where} ORDER BY opened_on",
                      [day, *params])))

    group("nps", ((r["account_id"], Nps.model_construct(
        account_id=r["account_id"], date=_D(r["date"]), score=r["score"], contact=r["contact"],
        comment=r["comment"],
    )) for r in _rows(db, f"SELECT * FROM nps WHERE date <= ?{where} ORDER BY date, id",
                      [day, *params])))

    group("touchpoints", ((r["account_id"], Touchpoint.model_construct(
        account_id=r["account_id"], date=_D(r["date"]), kind=r["kind"], status=r["status"],
        summary=r["summary"], flags=tuple(f for f in (r["flags"] or "").split(";") if f),
    )) for r in _rows(db, f"SELECT * FROM touchpoints WHERE date <= ?{where} ORDER BY date, id",
                      [day, *params])))

    group("goals", ((r["account_id"], Goal.model_construct(
        account_id=r["account_id"], goal=r["goal"], target_date=_day(r["target_date"]),
        status=r["status"], roi_note=r["roi_note"],
    )) for r in _rows(db, f"SELECT * FROM goals WHERE 1=1{where} ORDER BY id", params)))

    group("renewals", ((r["account_id"], renewal_from_row(r)) for r in _rows(
        db, f"SELECT * FROM renewals WHERE date <= ?{where} ORDER BY date", [day, *params])))

    group("milestones", ((r["account_id"], MilestoneRecord.model_construct(
        account_id=r["account_id"], milestone=r["milestone"], due=_D(r["due"]),
        done_on=(_day(r["done_on"]) if r["done_on"] and r["done_on"][:10] <= day else None),
    )) for r in _rows(db, f"SELECT * FROM milestones WHERE 1=1{where} ORDER BY milestone",
                      params)))

    group("milestone_items", ((r["account_id"], MilestoneItem.model_construct(
        account_id=r["account_id"], milestone=r["milestone"], item=r["item"],
        done_on=_D(r["done_on"]),
    )) for r in _rows(db, f"SELECT * FROM milestone_items WHERE done_on <= ?{where}",
                      [day, *params])))

    group("save_plans", ((r["account_id"], save_plan_from_row(r)) for r in _rows(
        db, f"SELECT * FROM save_plans WHERE trigger_date <= ?{where} ORDER BY trigger_date",
        [day, *params])))

    history_from = (as_of - dt.timedelta(days=history_days)).isoformat()
    cur = db.execute(
        f"SELECT account_id, date, score, band, coverage, dimensions FROM score_snapshots "
        f"WHERE date >= ? AND date < ?{where} ORDER BY account_id, date",
        [history_from, day, *params])
    group("history", ((a, Snapshot.model_construct(
        account_id=a, date=_D(d), score=s, band=b, coverage=c, dimensions=json.loads(dims),
    )) for a, d, s, b, c, dims in cur))

    out = []
    for account in accounts:
        g = groups.get(account.account_id, {})
        out.append(AccountData.model_construct(
            account=account, **{k: tuple(v) for k, v in g.items()},
            **{k: () for k in _TUPLE_FIELDS if k not in g},
        ))
    return out


_TUPLE_FIELDS = (
    "contacts", "usage", "tickets", "nps", "touchpoints", "goals", "renewals", "milestones",
    "milestone_items", "save_plans", "history", "notes",
)


def _as_it_was(db: sqlite_utils.Database, accounts: list[Account], day: str, where: str,
               params: list) -> list[Account]:
    """Accounts as they stood on `day`: a renewal outcome logged after it has not happened yet.

    Logging an outcome (§9) moves the account on (new ARR, next renewal date, churned), so for
    an account with a later outcome, its ARR then was that outcome's `previous_arr`, the renewal
    then ahead was that outcome's date, and it had not churned.
    """
    later = {a: (d, prev) for a, d, prev in db.execute(
        f"SELECT account_id, min(date), previous_arr FROM renewals WHERE date > ?{where} "
        f"GROUP BY account_id", [day, *params])}
    if not later:
        return accounts
    out = []
    for account in accounts:
        if account.account_id in later:
            date, previous_arr = later[account.account_id]
            account = account.model_copy(update={
                "renewal_date": _D(date), "status": "active",
                "arr": account.arr if previous_arr is None else float(previous_arr)})
        out.append(account)
    return out


def renewal_from_row(r: dict) -> Renewal:
    return Renewal.model_construct(
        account_id=r["account_id"], date=_D(r["date"]), outcome=r["outcome"],
        previous_arr=r["previous_arr"], new_arr=r["new_arr"], reason=r["reason"],
        preventable=None if r["preventable"] is None else bool(r["preventable"]),
        competitor=r["competitor"],
    )


def save_plan_from_row(r: dict) -> SavePlan:
    return SavePlan.model_construct(
        account_id=r["account_id"], trigger=r["trigger"], trigger_date=_D(r["trigger_date"]),
        root_cause=r["root_cause"], executive_alignment=r["executive_alignment"],
        remediation_actions=tuple(
            RemediationAction(action=a["action"], owner=a["owner"], due=_D(a["due"]))
            for a in json.loads(r["remediation_actions"] or "[]")),
        success_criteria_30=r["success_criteria_30"], success_criteria_60=r["success_criteria_60"],
        success_criteria_90=r["success_criteria_90"], checkpoint_date=_day(r["checkpoint_date"]),
        created_at=dt.datetime.fromisoformat(r["created_at"]) if r["created_at"] else None,
    )


def load_notes(db: sqlite_utils.Database, account_id: str) -> list[Note]:
    return [Note(account_id=r["account_id"], created_at=dt.datetime.fromisoformat(r["created_at"]),
                 text=r["text"])
            for r in _rows(db, "SELECT * FROM notes WHERE account_id = ? ORDER BY created_at DESC",
                           [account_id])]


def load_renewals(db: sqlite_utils.Database) -> list[Renewal]:
    return [renewal_from_row(r) for r in _rows(db, "SELECT * FROM renewals ORDER BY date")]


def load_all_snapshots(
    db: sqlite_utils.Database, since: dt.date | None = None
) -> dict[str, list[Snapshot]]:
    """Snapshot history per account (for calibration and trends), ascending by date."""
    out: dict[str, list[Snapshot]] = defaultdict(list)
    cur = db.execute(
        "SELECT account_id, date, score, band, coverage, dimensions FROM score_snapshots "
        "WHERE date >= ? ORDER BY account_id, date", [(since or dt.date.min).isoformat()])
    for a, d, s, b, c, dims in cur:
        out[a].append(Snapshot.model_construct(account_id=a, date=_D(d), score=s, band=b,
                                               coverage=c, dimensions=json.loads(dims)))
    return out


class AccountNotFound(LookupError):
    pass


def resolve_account(db: sqlite_utils.Database, ref: str) -> Account:
    """An account by id, exact name, or unique case-insensitive name prefix.

    Raises AccountNotFound with a message listing candidates when the prefix is ambiguous.
    """
    rows = _rows(db, "SELECT * FROM accounts WHERE account_id = ?", [ref])
    if rows:
        return account_from_row(rows[0])
    rows = _rows(db, "SELECT * FROM accounts WHERE name = ? COLLATE NOCASE", [ref])
    if len(rows) == 1:
        return account_from_row(rows[0])
    escaped = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = _rows(db, "SELECT * FROM accounts WHERE name LIKE ? ESCAPE '\\' ORDER BY name",
                 [escaped + "%"])
    rows = [r for r in rows if r["name"].casefold().startswith(ref.casefold())]
    if len(rows) == 1:
        return account_from_row(rows[0])
    if not rows:
        raise AccountNotFound(f"no account matches {ref!r} (by id, name or name prefix)")
    names = ", ".join(f"{r['name']} ({r['account_id']})" for r in rows[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    raise AccountNotFound(f"{ref!r} matches {len(rows)} accounts: {names}{more}")
