"""Set-based reads of the whole book: one query per table, grouped by account in Python.

Rows come back as core models. Rows dated after `as_of` are left out here already, so scoring
a past day reproduces what was known then (docs/rules.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import itertools
import json
import operator
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

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
    Snooze,
    Task,
    Ticket,
    Touchpoint,
    TouchpointStatus,
    Usage,
    trusted,
)
from csdesk.core.business_reviews import REVIEW_KINDS
from csdesk.core.text import printable
from csdesk.core.timeline import current_runs_start
from csdesk.core.touchpoints import AUTOMATED

if TYPE_CHECKING:
    from csdesk.core.assess import TouchpointReads

_D = dt.date.fromisoformat


def _checked(read):
    """A read of the book that, should a cell edited by hand break it, reads again without
    the rows holding such cells and says which (`csdesk.store.checks`, issue 24)."""
    @functools.wraps(read)
    def checked_read(db, *args, **kwargs):
        from csdesk.store.checks import checked

        return checked(db, lambda: read(db, *args, **kwargs))
    return checked_read


def _day(value: str | None) -> dt.date | None:
    return _D(value[:10]) if value else None


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable = ()) -> list[dict]:
    cur = db.execute(sql, tuple(params))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def account_from_row(r: dict) -> Account:
    return _account(r["account_id"], r["name"], float(r["arr"]), _D(r["contract_start"]),
                    _D(r["renewal_date"]), r["seats_licensed"], r["term_months"] or 12,
                    r["industry"], r["owner"], r["status"])


_ACCOUNT_COLUMNS = ("account_id, name, arr, contract_start, renewal_date, seats_licensed, "
                    "term_months, industry, owner, status")


def _accounts(rows: Iterable[tuple], days: "_Days") -> list[Account]:
    """Rows of `_ACCOUNT_COLUMNS` as accounts."""
    make = _account
    return [make(a, n, float(arr), days[cs], days[rd], seats, term or 12, ind, own, st)
            for a, n, arr, cs, rd, seats, term, ind, own, st in rows]


# The order of a book: its accounts by name (`load_book`).
_BOOK_ORDER = "ORDER BY name COLLATE NOCASE, account_id"


def account_ids(db: sqlite_utils.Database) -> list[str]:
    """Every account's id, in book order."""
    return [a for a, in db.execute(f"SELECT account_id FROM accounts {_BOOK_ORDER}")]


def account_names(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Every account's (id, name), in book order."""
    return db.execute(f"SELECT account_id, name FROM accounts {_BOOK_ORDER}").fetchall()


@_checked
def load_accounts(db: sqlite_utils.Database) -> list[Account]:
    return _accounts(db.execute(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts ORDER BY name"),
                     _Days())


_account = trusted(Account, positional=True)
_contact = trusted(Contact, positional=True)
_usage = trusted(Usage, positional=True)
_ticket = trusted(Ticket, positional=True)
_nps = trusted(Nps, positional=True)
_touchpoint = trusted(Touchpoint, positional=True)
_goal = trusted(Goal, positional=True)
_milestone = trusted(MilestoneRecord, positional=True)
_milestone_item = trusted(MilestoneItem, positional=True)
_snapshot = trusted(Snapshot, positional=True)
_account_data = trusted(AccountData, positional=True)
_task = trusted(Task)
_snooze = trusted(Snooze)


def _task_of_account(account_id, row_id, text, due, created_on, done_on, source) -> Task:
    return _task(id=row_id, account_id=account_id, text=text, due=due, created_on=created_on,
                 done_on=done_on, source=source)


def _snooze_of_account(account_id, item_id, until, reason, created_on, cleared_on) -> Snooze:
    return _snooze(item_id=item_id, account_id=account_id, until=until, reason=reason,
                   created_on=created_on, cleared_on=cleared_on)


def _grouped(rows: Iterable[tuple], make, into: dict[str, list] | None = None
             ) -> dict[str, list]:
    """Rows (account id first) as models, grouped by account, in the order read."""
    out: dict[str, list] = {} if into is None else into
    get = out.get
    for row in rows:
        group = get(row[0])
        if group is None:
            group = out[row[0]] = []
        group.append(make(*row))
    return out


@contextlib.contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection while a whole book is built (and assessed).

    Reading a book allocates hundreds of thousands of acyclic models; every collection the
    allocations trigger would walk all of them again. Reference counting still frees them.

    With `freeze`, what was built is then moved out of the collector's sight (`gc.freeze`):
    for a book and its assessments that live on (the workbench keeps them, the CLI writes
    them out), so the collections later allocations trigger do not walk them either (a
    whole-book walk costs about a second at 10,000 accounts). Being acyclic, they are still
    freed by reference counting when dropped. Only on success: a refused import or a failed
    read leaves nothing worth keeping, and freezing would keep its cyclic garbage (a
    traceback, say) for good.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was:
            gc.enable()


@_checked
def load_book(
    db: sqlite_utils.Database,
    as_of: dt.date,
    *,
    account_ids: list[str] | None = None,
    usage_days: int = 120,
    history_days: int | None = None,
    latest_usage_days: int | None = None,
    history_runs: tuple[int, int] | None = None,
    touchpoints_from: TouchpointReads | None = None,
) -> list[AccountData]:
    """Every account (or those named) with the rows the rules need as of `as_of`.

    Usage is read for a window (`usage_days`) because no rule looks further back; the score
    history whole (§13: a run that began long ago is read from its first day), or for
    `history_days` when given; everything else is read whole, up to `as_of`. With
    `latest_usage_days` (see `csdesk.core.assess.latest_usage_days`), an account past
    onboarding (no milestone records) gets only its latest usage row of that many days: all
    a whole-book run reads of its usage (only the onboarding checklist reads more, and the
    churn signals' weeks of logins, which a whole-book run leaves to the account's view).

    With `history_runs` = (trend days, trend slack days), the snapshot history keeps only what
    the run rules (`csdesk.core.timeline`) and the trend (`trend_delta`) read, picked by SQL:
    in the window, the rows whose band or dimension scores differ from the snapshot before
    (`changed`, kept by the book's triggers), the first and the last row, and the newest row
    with a score trend-days to trend+slack days old. A run of a band, or of a dimension at 0,
    starts on a changed row or the window's first, and the row before it belongs to a run that
    does too; so a run read newest first through these rows starts and stops where it does
    through all of them, and the conclusions are the same. A book scored daily for four months
    is read in about 7 rows an account instead of 120.

    With `touchpoints_from` (see `csdesk.core.assess.touchpoints_read_from`: for an account,
    its contacts and NPS responses, the earliest day a rule reads its touchpoints by a window
    or from a known day), the touchpoints kept are those of the last 120 days; for an account
    whose window opens earlier, or whose current run of the score history began earlier (an
    alert's trigger day is the start of such a run, `csdesk.core.timeline.current_runs_start`,
    and the touchpoints since it answer the alert), also the older ones since that day; and
    for an account with no completed human touchpoint in those 120 days, all its older ones:
    the rules read back from the newest to the last completed one (§2 engagement, §1 next
    touchpoint due). A book logged for a year is read in about half
    its touchpoints.

    One query per table for the whole book, each row built straight into its model: the values
    are already valid (csdesk wrote them), so no validation runs.
    """
    with gc_paused(), one_reading(db):
        return _load_book(db, as_of, account_ids, usage_days, history_days, latest_usage_days,
                          history_runs, touchpoints_from)


@contextlib.contextmanager
def one_reading(db: sqlite_utils.Database) -> Iterator[None]:
    """Every query inside reads the book as it stood at the first one: a read transaction.

    A whole-book read is a dozen queries, one per table. Without this, each sees the book as
    it is when it runs, so a write from another program between two of them (a cron
    `csdesk import`, say) would give an account its new touchpoints and its old contacts.
    Inside a transaction already (a write's), the reads see that one.
    """
    conn = db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")  # deferred: the snapshot is taken by the first read
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")  # nothing was written: this only ends the read


def _load_book(db: sqlite_utils.Database, as_of: dt.date, account_ids: list[str] | None,
               usage_days: int, history_days: int | None, latest_usage_days: int | None,
               history_runs: tuple[int, int] | None = None,
               touchpoints_from: TouchpointReads | None = None,
               ) -> list[AccountData]:
    day = as_of.isoformat()
    where = where_a = ""
    params: list = []
    if account_ids is not None:
        # One parameter however many accounts (a worker's slice is thousands).
        where, where_a = (f" AND {column} IN (SELECT value FROM json_each(?))"
                          for column in ("account_id", "a.account_id"))
        params = [json.dumps(list(account_ids))]
    days = _Days()  # one date object per distinct day, for every table

    def q(sql: str, *args) -> sqlite3.Cursor:
        return db.conn.execute(sql, [*args, *params])

    accounts = _accounts(q(f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE 1=1{where} "
                           f"{_BOOK_ORDER}"), days)
    accounts = _as_it_was(db, accounts, day, where, params)

    tables: dict[str, dict[str, list]] = {}
    tables["contacts"] = _grouped((
        (a, n, cid, t, e, role, st, days[dep] if dep else None, sen, sd, rt, inf)
        for a, n, cid, t, e, role, st, dep, sen, sd, rt, inf in q(
            "SELECT account_id, name, contact_id, title, email, role, status, departed_on, "
            "sentiment, success_definition, reports_to, influence "
            f"FROM contacts WHERE 1=1{where} ORDER BY id")),
        _contact)

    usage_from = (as_of - dt.timedelta(days=usage_days)).isoformat()
    usage: dict[str, list] = defaultdict(list)
    make = _usage
    if latest_usage_days is None:
        rows = q("SELECT account_id, date, active_users, logins FROM usage "
                 f"WHERE date > ? AND date <= ?{where} ORDER BY date", usage_from, day)
    else:
        # The window's rows of the accounts still onboarding, then the others' latest row.
        onboarding = "account_id IN (SELECT account_id FROM milestones)"
        _grouped(((a, days[d], u, lg) for a, d, u, lg in q(
            "SELECT account_id, date, active_users, logins FROM usage "
            f"WHERE {onboarding} AND date > ? AND date <= ?{where} ORDER BY account_id, date",
            usage_from, day)), make, usage)
        # The row of max(date) (SQLite's bare columns); `+date`: one pass in key order.
        latest_from = (as_of - dt.timedelta(days=latest_usage_days)).isoformat()
        rows = q("SELECT account_id, max(date), active_users, logins FROM usage "
                 f"WHERE NOT {onboarding} AND +date >= ? AND +date <= ?{where} "
                 "GROUP BY account_id", latest_from, day)
    for a, d, u, lg in rows:
        usage[a].append(make(a, days[d], u, lg))
    tables["usage"] = usage

    make = _ticket
    tickets: dict[str, list] = defaultdict(list)
    for tid, a, op_, cl, sev, cs in q(
            "SELECT ticket_id, account_id, opened_on, closed_on, severity, csat FROM tickets "
            f"WHERE opened_on <= ?{where} ORDER BY rowid", day):
        closed = cl is not None and cl != "" and cl[:10] <= day
        t = make(tid, a, days[op_], days[cl] if closed else None, sev, cs if closed else None)
        tickets[a].append(t)
    tables["tickets"] = _sorted_by(tickets, "opened_on")

    tables["nps"] = _grouped((
        (a, days[d], sc, c, cm) for a, d, sc, c, cm in q(
            "SELECT account_id, date, score, contact, comment FROM nps "
            f"WHERE date <= ?{where} ORDER BY id", day)),
        _nps)
    tables["nps"] = _sorted_by(tables["nps"], "date")

    tables["goals"] = _grouped((
        (a, g, days[td] if td else None, st, roi) for a, g, td, st, roi in q(
            "SELECT account_id, goal, target_date, status, roi_note FROM goals "
            f"WHERE 1=1{where} ORDER BY id")),
        _goal)

    tables["renewals"] = _by_account(renewal_from_row(r) for r in _rows(
        db, f"SELECT * FROM renewals WHERE date <= ?{where} ORDER BY date", [day, *params]))

    tables["milestones"] = _grouped((
        (a, m, days[due], days[done] if done and done[:10] <= day else None)
        for a, m, due, done in q(
            "SELECT account_id, milestone, due, done_on FROM milestones "
            f"WHERE 1=1{where} ORDER BY milestone")),
        _milestone)

    tables["milestone_items"] = _grouped((
        (a, m, i, days[done]) for a, m, i, done in q(
            "SELECT account_id, milestone, item, done_on FROM milestone_items "
            f"WHERE done_on <= ?{where}", day)),
        _milestone_item)

    tables["save_plans"] = _by_account(save_plans_read(db, f"trigger_date <= ?{where}",
                                                       [day, *params]))

    history_from = ("" if history_days is None  # every ISO date sorts after ""
                    else (as_of - dt.timedelta(days=history_days)).isoformat())
    parsed = _Dimensions()
    if history_runs is None:
        rows = q("SELECT account_id, date, score, band, coverage, dimensions FROM score_snapshots "
                 f"WHERE +date >= ? AND +date < ?{where} ORDER BY account_id, date",
                 history_from, day)
    else:
        trend_days, slack_days = history_runs
        trend_from = (as_of - dt.timedelta(days=trend_days + slack_days)).isoformat()
        trend_to = (as_of - dt.timedelta(days=trend_days)).isoformat()
        rows = _once_each(db.conn.execute(
            _HISTORY_RUNS.format(where=where, where_a=where_a),
            [history_from, day, *params, history_from, day, history_from, day,
             trend_from, trend_to, *params]))
    tables["history"] = _grouped(
        ((a, days[d], s, b, c, parsed[dims]) for a, d, s, b, c, dims in rows), _snapshot)
    tables["tasks"] = _grouped(((a, i, t, days[d] if d else None, days[c],
                                 days[dn] if dn else None, src) for a, i, t, d, c, dn, src in q(
        "SELECT account_id, id, text, due, created_on, done_on, source FROM tasks "
        f"WHERE created_on <= ? AND (done_on IS NULL OR done_on > ?){where} ORDER BY id",
        day, day)), _task_of_account)
    tables["snoozes"] = _grouped(((a, i, days[u], r, days[c], None) for a, i, u, r, c in q(
        "SELECT account_id, item_id, until, reason, created_on FROM snoozes "
        f"WHERE cleared_on IS NULL AND until > ? AND created_on <= ?{where} ORDER BY id",
        day, day)), _snooze_of_account)
    tables["touchpoints"] = _touchpoints(q, as_of, accounts, days, where, touchpoints_from,
                                         tables["contacts"], tables["nps"],
                                         tables["history"])

    # Each table's rows per account as a tuple, lined up with `accounts` (C-level loops).
    ids = [account.account_id for account in accounts]
    columns = []
    for name in _TUPLE_FIELDS:
        by = {aid: tuple(rows) for aid, rows in (tables.get(name) or {}).items()}
        columns.append(list(map(by.get, ids, itertools.repeat((), len(ids)))))
    return list(map(_account_data, accounts, *columns))


# The touchpoints a narrow read (`touchpoints_from`) keeps of every account: those of the last
# 120 days; older ones only for the accounts a rule reads further back (see `_touchpoints`).
_TOUCHPOINT_DAYS = 120


def _touchpoints(q, as_of: dt.date, accounts: list[Account], days: "_Days", where: str,
                 touchpoints_from, contacts: dict[str, list], nps: dict[str, list],
                 history: dict[str, list]) -> dict[str, list]:
    """Each account's touchpoints up to as_of, all or (`touchpoints_from`) those the rules
    read: see `load_book`."""
    day = as_of.isoformat()
    make, flag_sets = _touchpoint, _Flags()
    columns = ("SELECT account_id, date, kind, status, summary, flags, contacts, responds_to "
               "FROM touchpoints")
    touchpoints: dict[str, list] = defaultdict(list)
    if touchpoints_from is None:
        rows = q(f"{columns} WHERE date <= ?{where} ORDER BY id", day)
    else:
        since = as_of - dt.timedelta(days=_TOUCHPOINT_DAYS)
        # `+date`: in rowid order, not the date index's (twice as fast for half the table).
        rows = q(f"{columns} WHERE +date <= ? AND +date >= ?{where} ORDER BY id",
                 day, since.isoformat())
    done, reviewed, completed = set(), set(), TouchpointStatus.completed
    for a, d, k, st, sm, fl, who, rt in rows:
        touchpoints[a].append(make(a, days[d], k, st, sm, flag_sets[fl], flag_sets[who], rt,
                                   None))
        if st == completed and k not in AUTOMATED:  # §13: a tech_touch may not count
            done.add(a)
            if k in REVIEW_KINDS:
                reviewed.add(a)
    if touchpoints_from is not None:
        # Older rows of the accounts a rule reads further back: all of them without a
        # completed human touchpoint since `since`, or without a business review since then
        # in a tier with a review cadence (§13); else those since the earliest day a rule
        # reads by a window (a renewal long due, a detractor or a champion's departure long
        # ago) or the start of a run of the score history (an alert triggered then is
        # answered by what was logged since: §13).
        older: dict[str, str] = {}
        for a in accounts:
            aid = a.account_id
            if aid not in done or aid not in reviewed and touchpoints_from.reads_last_review(a):
                older[aid] = ""  # every ISO date sorts after ""
                continue
            first = touchpoints_from(a, contacts.get(aid, ()), nps.get(aid, ()))
            run_start = current_runs_start(history.get(aid, ()))
            if run_start is not None:
                first = min(first, run_start)
            if first < since:
                older[aid] = first.isoformat()
        if older:
            old: dict[str, list] = defaultdict(list)
            for a, d, k, st, sm, fl, who, rt in q(
                    f"SELECT t.account_id, t.date, kind, status, summary, flags, contacts, "
                    f"responds_to "
                    f"FROM touchpoints t JOIN json_each(?) j "
                    f"ON t.account_id = j.key AND t.date >= j.value "
                    f"WHERE t.date < ?{where} ORDER BY t.id",
                    json.dumps(older), since.isoformat()):
                old[a].append(make(a, days[d], k, st, sm, flag_sets[fl], flag_sets[who], rt,
                                   None))
            for a, rows_before in old.items():  # each dated before every row read above
                rows_before.extend(touchpoints.get(a, ()))
                touchpoints[a] = rows_before
    return _sorted_by(touchpoints, "date")


# The rows of a book's score history that the rules read (see `load_book`'s `history_runs`):
# in the window, the snapshots whose band or dimension scores changed (schema version 2 keeps
# `changed`; the runs the rules read start on those), each account's first and last, and its
# newest with a score trend-days to trend+slack days back. Rows picked twice: `_once_each`.
_HISTORY_RUNS = """
SELECT account_id, date, score, band, coverage, dimensions FROM score_snapshots
WHERE changed AND +date >= ? AND +date < ?{where}
UNION ALL
SELECT s.account_id, s.date, s.score, s.band, s.coverage, s.dimensions
FROM accounts a CROSS JOIN score_snapshots s ON s.account_id = a.account_id AND s.date IN (
    (SELECT min(date) FROM score_snapshots f WHERE f.account_id = a.account_id
     AND f.date >= ? AND f.date < ?),
    (SELECT max(date) FROM score_snapshots f WHERE f.account_id = a.account_id
     AND f.date >= ? AND f.date < ?),
    (SELECT max(date) FROM score_snapshots f WHERE f.account_id = a.account_id
     AND f.date BETWEEN ? AND ? AND f.score IS NOT NULL))
WHERE 1=1{where_a}
ORDER BY 1, 2
"""


def _once_each(rows: Iterable[tuple]) -> Iterator[tuple]:
    """Rows ordered by their first two columns (account, date), each key once."""
    last = None
    for row in rows:
        key = row[:2]
        if key != last:
            last = key
            yield row


class _Dimensions(dict):
    """Snapshot dimension texts parsed once each (`parsed[text]`): a book's snapshots have a
    few hundred distinct texts in a hundred thousand rows. Snapshots with the same text share
    one dict (models are read, never changed)."""

    def __missing__(self, text: str) -> dict:
        dims = self[text] = json.loads(text)
        return dims


class _Flags(dict):
    """Stored flag texts ("complaint;adjacent_pain") read into tuples, each distinct text once
    (most touchpoints carry none)."""

    def __missing__(self, text: str | None) -> tuple[str, ...]:
        flags = self[text] = tuple(f for f in (text or "").split(";") if f)
        return flags


class _Days(dict):
    """ISO dates read into `dt.date`s, one object per distinct day (`days["2026-11-23"]`):
    a book has a few hundred distinct days in half a million dated rows."""

    def __missing__(self, text: str) -> dt.date:
        day = self[text] = _D(text[:10])
        return day


def _sorted_by(groups: dict[str, list], field: str) -> dict[str, list]:
    """Each account's rows in `field` order, ties in the order read (a stable sort, and only
    where needed: rows are mostly logged in date order). Reading in rowid order and sorting
    per account costs less than a sort of the whole table in SQLite."""
    key = operator.attrgetter(field)
    for rows in groups.values():
        if len(rows) > 1:
            prev = key(rows[0])
            for row in rows:
                cur = key(row)
                if cur < prev:
                    rows.sort(key=key)
                    break
                prev = cur
    return groups


def _by_account(models: Iterable) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in models:
        out.setdefault(m.account_id, []).append(m)
    return out


# AccountData's fields after `account`, in order.
_TUPLE_FIELDS = tuple(AccountData.model_fields)[1:]


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


_save_plan = trusted(SavePlan)
_remediation_action = trusted(RemediationAction)


def save_plan_from_row(r: dict, actions: tuple[RemediationAction, ...] = ()) -> SavePlan:
    return _save_plan(
        account_id=r["account_id"], trigger=r["trigger"], trigger_date=_D(r["trigger_date"]),
        root_cause=r["root_cause"], executive_alignment=r["executive_alignment"],
        remediation_actions=actions,
        success_criteria_30=r["success_criteria_30"], success_criteria_60=r["success_criteria_60"],
        success_criteria_90=r["success_criteria_90"], checkpoint_date=_day(r["checkpoint_date"]),
        created_at=dt.datetime.fromisoformat(r["created_at"]) if r["created_at"] else None,
        id=r["id"], status=r["status"],
    )


def save_plans_read(db: sqlite_utils.Database, where: str, params: list) -> list[SavePlan]:
    """The save plans `where` picks (a condition on save_plans' columns), in trigger-date
    order, each with its remediation actions (save_plan_actions: earliest due first, undated
    last, then as added). Two queries, however many plans."""
    actions: dict[int, list] = defaultdict(list)
    make = _remediation_action
    for pid, aid, text, owner, due, done in db.execute(
            "SELECT plan_id, id, text, owner, due, done_on FROM save_plan_actions WHERE plan_id "
            f"IN (SELECT id FROM save_plans WHERE {where}) ORDER BY plan_id, due IS NULL, due, id",
            params):
        actions[pid].append(make(action=text, owner=owner, due=_day(due), id=aid,
                                 done_on=_day(done)))
    return [save_plan_from_row(r, tuple(actions.get(r["id"], ())))
            for r in _rows(db, f"SELECT * FROM save_plans WHERE {where} "
                               "ORDER BY trigger_date, id", params)]


@_checked
def load_notes(db: sqlite_utils.Database, account_id: str) -> list[Note]:
    return [Note(account_id=r["account_id"], created_at=dt.datetime.fromisoformat(r["created_at"]),
                 text=r["text"])
            for r in _rows(db, "SELECT * FROM notes WHERE account_id = ? ORDER BY created_at DESC",
                           [account_id])]


@_checked
def load_renewals(db: sqlite_utils.Database) -> list[Renewal]:
    return [renewal_from_row(r) for r in _rows(db, "SELECT * FROM renewals ORDER BY date")]


@_checked
def load_snapshots_before_renewals(db: sqlite_utils.Database, as_of: dt.date, low_days: int,
                                   high_days: int) -> dict[str, list[Snapshot]]:
    """The snapshots dated `low_days` to `high_days` days before a renewal outcome logged up to
    `as_of`, per account, ascending by date: the only ones calibration (§12) looks at. One
    query: each renewal's window is a range of the snapshot table's key."""
    out: dict[str, list[Snapshot]] = {}
    days, parsed, make = _Days(), _Dimensions(), _snapshot
    for a, d, s, b, c, text in db.execute(
            "SELECT DISTINCT s.account_id, s.date, s.score, s.band, s.coverage, s.dimensions "
            # CROSS JOIN keeps renewals the outer loop (SQLite otherwise scans every snapshot,
            # a table that grows each day): each window is then a range of the snapshot key.
            "FROM renewals r CROSS JOIN score_snapshots s ON s.account_id = r.account_id "
            "AND s.date >= date(r.date, ?) AND s.date <= date(r.date, ?) "
            "WHERE r.date <= ? ORDER BY s.account_id, s.date",
            [f"-{high_days} days", f"-{low_days} days", as_of.isoformat()]):
        out.setdefault(a, []).append(make(a, days[d], s, b, c, parsed[text]))
    return out


class AccountNotFound(LookupError):
    pass


@_checked
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
        raise AccountNotFound(f"no account matches '{printable(ref, single_line=True)}' "
                              "(by id, name or name prefix)")
    names = ", ".join(f"{printable(r['name'], single_line=True)} "
                      f"({printable(r['account_id'], single_line=True)})" for r in rows[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    raise AccountNotFound(f"'{printable(ref, single_line=True)}' matches {len(rows)} accounts: "
                          f"{names}{more}")


@_checked
def load_nps(db: sqlite_utils.Database) -> list[Nps]:
    """Every NPS response (for portfolio NPS, §11)."""
    days, make = _Days(), _nps
    return [make(a, days[d], s, c, m) for a, d, s, c, m in db.execute(
        "SELECT account_id, date, score, contact, comment FROM nps ORDER BY date, id")]


@_checked
def load_touchpoints(db: sqlite_utils.Database, start: dt.date, end: dt.date,
                     kinds: Iterable[str] | None = None) -> list[Touchpoint]:
    """Touchpoints dated in [start, end), of the given kinds if any (for business-review
    completion, §11, which reads only the reviews)."""
    where = "date >= ? AND date < ?"
    params = [start.isoformat(), end.isoformat()]
    if kinds is not None:
        kinds = [str(k) for k in kinds]
        where += f" AND kind IN ({', '.join('?' * len(kinds))})"
        params += kinds
    return _touchpoint_rows(db, where, params, "date, id")


def _touchpoint_rows(db: sqlite_utils.Database, where: str, params: list, order: str
                     ) -> list[Touchpoint]:
    days, make, flag_sets = _Days(), _touchpoint, _Flags()
    return [make(a, days[d], k, st, sm, flag_sets[fl], flag_sets[who], rt, None)
            for a, d, k, st, sm, fl, who, rt in db.execute(
                "SELECT account_id, date, kind, status, summary, flags, contacts, responds_to "
                f"FROM touchpoints WHERE {where} ORDER BY {order}", params)]


# --- working the book: tasks, snoozes, alert quality (docs/workflow.md) ----------------------


def load_tasks(db: sqlite_utils.Database, *, include_done: bool = False,
               task_id: int | None = None) -> list[tuple[Task, str]]:
    """Tasks (open ones unless `include_done`) with their account's name, by due date (undated
    last), then id; or the one task `task_id`."""
    sql = ("SELECT t.id, t.account_id, t.text, t.due, t.created_on, t.done_on, t.source, a.name "
           "FROM tasks t JOIN accounts a USING (account_id)")
    params: list = []
    if task_id is not None:
        sql += " WHERE t.id = ?"
        params.append(task_id)
    elif not include_done:
        sql += " WHERE t.done_on IS NULL"
    sql += " ORDER BY t.due IS NULL, t.due, t.id"
    return [(_task(id=i, account_id=a, text=t, due=_day(d), created_on=_D(c), done_on=_day(dn),
                   source=src), name)
            for i, a, t, d, c, dn, src, name in db.execute(sql, params)]


def load_snoozes(db: sqlite_utils.Database, *, item_id: str | None = None,
                 in_force_on: dt.date | None = None) -> list[Snooze]:
    """Snoozes, oldest first: of one item, or those in force on a day (not cleared, their
    day not come), or all (kept, never deleted)."""
    sql, params = ("SELECT item_id, account_id, until, reason, created_on, cleared_on "
                   "FROM snoozes WHERE 1=1"), []
    if item_id is not None:
        sql += " AND item_id = ?"
        params.append(item_id)
    if in_force_on is not None:
        sql += " AND cleared_on IS NULL AND until > ? AND created_on <= ?"
        params += [in_force_on.isoformat()] * 2
    return [_snooze(item_id=i, account_id=a, until=_D(u), reason=r, created_on=_D(c),
                    cleared_on=_day(cl))
            for i, a, u, r, c, cl in db.execute(sql + " ORDER BY id", params)]


def alert_quality_rows(db: sqlite_utils.Database, since: dt.date, as_of: dt.date
                       ) -> tuple[list[tuple[str, dt.date]], list[tuple[str, dt.date]],
                                  list[Snooze]]:
    """What alert quality counts (`csdesk.core.work.alert_quality`), from `since` to as_of:
    items first shown, items answered (a completed touchpoint that responds to one), snoozes."""
    start, end = since.isoformat(), as_of.isoformat()
    raised = [(i, _D(d)) for i, d in db.execute(
        "SELECT item_id, first_seen FROM items_raised WHERE first_seen > ? AND first_seen <= ?",
        [start, end])]
    answered = [(i, _D(d)) for i, d in db.execute(
        "SELECT responds_to, min(date) FROM touchpoints WHERE responds_to IS NOT NULL "
        "AND status = 'completed' AND date > ? AND date <= ? GROUP BY responds_to",
        [start, end])]
    snoozes = [s for s in load_snoozes(db) if start < s.created_on.isoformat() <= end]
    return raised, answered, snoozes


def data_version(db: sqlite_utils.Database) -> int:
    """SQLite's `PRAGMA data_version`: changes when another connection commits to the book
    (a cron `csdesk score`, a `csdesk log` from a shell, an import)."""
    return db.conn.execute("PRAGMA data_version").fetchone()[0]


@_checked
def upcoming_scheduled(db: sqlite_utils.Database, account_id: str, as_of: dt.date
                       ) -> list[Touchpoint]:
    """An account's scheduled touchpoints dated after as_of, soonest last (the Timeline shows
    what is coming above what happened; docs/workflow.md)."""
    return _touchpoint_rows(db, "account_id = ? AND date > ? AND status = 'scheduled'",
                            [account_id, as_of.isoformat()], "date DESC, id")
