"""The workbench's service: what the screens ask of the book, in the CSM's words.

Screens never touch SQL or the rules directly; they call a `Workbench` from a Textual worker
(a thread), get back plain view models, and render them. One `Workbench` wraps one open `Desk`;
its lock serializes every use of the SQLite connection, so a save and a rescore never interleave.
An account's page and the palette's names are read on a second connection of their own, so
they never wait for a scoring run (seconds on a big book).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from csdesk.core.brief import TopLine, top_line, with_account
from csdesk.core.models import (
    AccountData,
    Assessment,
    Band,
    BriefItem,
    Contact,
    ContactStatus,
    GoalStatus,
    Milestone,
    Note,
    Outcome,
    RemediationAction,
    Snapshot,
    Task,
    Touchpoint,
)
from csdesk.core.phase import has_churned
from csdesk.core.plans import next_goal_status
from csdesk.core.qbr import business_days_after
from csdesk.desk.desk import Desk
from csdesk.store import queries, schema, writes

Progress = Callable[[int, int], None]


# --- view models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """One line of the Accounts and Renewals lists."""

    account_id: str
    name: str
    tier: str
    arr: float
    score: int | None
    band: Band
    trend: int | None  # score now minus ~30 days ago
    phase: str
    days_to_renewal: int
    renewal_date: dt.date
    action: str | None
    action_due: dt.date | None
    churned: bool

    @classmethod
    def of(cls, a: Assessment) -> "AccountRow":
        health = a.health
        return cls(
            account_id=a.account.account_id, name=a.account.name, tier=str(a.tier),
            arr=a.account.arr, score=health.score if health else None,
            band=Band(health.band) if health else Band.unknown, trend=a.trend_delta_30,
            phase=str(a.phase), days_to_renewal=a.days_to_renewal,
            renewal_date=a.account.renewal_date,
            action=a.action.text if a.action else None,
            action_due=a.action.due if a.action else None,
            churned=has_churned(a),
        )


@dataclass
class BookView:
    """Everything the list screens show, from one scoring run (refreshed per save)."""

    as_of: dt.date
    assessments: Mapping[str, Assessment]  # by account id, in name order
    brief: list[BriefItem]
    top: TopLine
    empty: bool = False
    snoozed: list[BriefItem] = field(default_factory=list)  # hidden by a snooze

    @functools.cached_property
    def rows(self) -> list[AccountRow]:
        """The active accounts, in name order: built when a list first shows them (Today
        does not), 0.1 s at 10,000 accounts."""
        return [row for row in map(AccountRow.of, self.assessments.values()) if not row.churned]

    def row(self, account_id: str) -> AccountRow | None:
        a = self.assessments.get(account_id)
        return AccountRow.of(a) if a else None

    def rescored(self, assessment: Assessment, rules) -> "BookView":
        """This view with one account re-assessed (after a save): its items swapped in the
        brief (`csdesk.core.brief.with_account`) and its row in the lists, where rebuilding
        both would take a third of a second at 10,000 accounts; the top line recomputed."""
        account_id = assessment.account.account_id
        assessments = dict(self.assessments)  # in the same order: the key is there already
        assessments[account_id] = assessment
        view = BookView(
            as_of=self.as_of, assessments=assessments,
            brief=with_account(self.brief, account_id, assessment, self.as_of, rules),
            top=top_line(list(assessments.values()), rules),
            snoozed=with_account(self.snoozed, account_id, assessment, self.as_of, rules,
                                 snoozed=True))
        if "rows" in self.__dict__ and any(r.account_id == account_id for r in self.rows):
            new = AccountRow.of(assessment)
            view.rows = [new if r.account_id == account_id else r for r in self.rows
                         if r.account_id != account_id or not new.churned]
        return view  # (an account not listed before, churned, is left to `rows` itself)


@dataclass(frozen=True)
class ContactLine:
    rowid: int
    contact: Contact
    last_contact: dt.date | None


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    when: str  # what the Timeline shows in the date column
    kind: str  # touchpoint kind or "note"
    status: str
    text: str
    flags: tuple[str, ...] = ()


@dataclass
class AccountDetail:
    """One account's whole picture for the Account screen."""

    assessment: Assessment
    data: AccountData
    contacts: list[ContactLine]
    notes: list[Note]
    trend: list[Snapshot]  # the last 90 days, ascending, today included when scored
    timeline: list[TimelineEntry] = field(default_factory=list)
    # The renewal (issue 19): the current one with its call and suggestion (None once
    # churned), and the outcomes logged, newest first, each with the call it settled.
    renewal: Any = None
    renewal_history: list = field(default_factory=list)

    @property
    def account_id(self) -> str:
        return self.assessment.account.account_id

    @property
    def name(self) -> str:
        return self.assessment.account.name


# --- the service ------------------------------------------------------------------------------


class Workbench:
    """One open book for the TUI. Every method may block: call it from a thread worker."""

    def __init__(self, desk: Desk, *, book_path: Path | None = None,
                 export_dir: Path | None = None) -> None:
        self.desk = desk
        self.book_path = book_path
        if export_dir is None:  # the config's export_dir, else the user's documents folder
            from csdesk.desk.settings import export_dir as configured_export_dir

            export_dir = configured_export_dir(desk.config)
        self.export_dir = export_dir
        self.lock = threading.RLock()
        # The file, for the reading connection (`_reading`); "" for a book in memory.
        self._path: str = desk.db.conn.execute("PRAGMA database_list").fetchone()[2]
        self._reader: Desk | None = None
        self._reader_lock = threading.Lock()

    @property
    def as_of(self) -> dt.date:
        return self.desk.as_of

    @property
    def rules(self):
        return self.desk.rules

    # --- reads --------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self.lock:
            return schema.is_empty(self.desk.db)

    def load(self, progress: Progress | None = None,
             shown: Callable[[BookView], None] | None = None) -> BookView:
        """Score the whole book (storing today's snapshots, §2) and build the brief.

        With `shown`, the view is handed to it as soon as it is built, before the day's
        conclusions are written and the book read is freed: the queue is on screen while the
        snapshots are stored and the half-million objects of a big book are let go.

        Reopened the same day on a book nobody wrote since, the queue is the one kept by the
        last run (`Desk.reopened`), and the assessments are unpickled after it is shown.
        """
        with self.lock:
            if self.is_empty():
                return self._view([], empty=True)
            from csdesk.desk import work

            reopened = work.reopened_today(self.desk)
            if reopened is not None:
                kept, brief, top = reopened
                view = BookView(as_of=self.as_of, assessments=kept, brief=brief.items, top=top,
                                snoozed=brief.snoozed)
                if progress:
                    progress(len(kept), len(kept))
                if shown is not None:
                    shown(view)
                kept.load_all()  # for the lists and the saves to come, after the queue
                return view
            assessments, conclusions, book = self.desk.assess_book(progress=progress)
            view = self._view(assessments)
            if shown is not None:
                shown(view)
            self.desk.store(conclusions, view=work.kept_today(
                work.Brief(view.brief, view.snoozed), view.top))
            del book  # freed here, after the screen has the queue
            return view

    def _view(self, assessments: list[Assessment], *, empty: bool = False) -> BookView:
        from csdesk.desk import work

        brief = work.brief(self.desk, assessments) if assessments else work.Brief([], [])
        return BookView(
            as_of=self.as_of,
            assessments={a.account.account_id: a for a in assessments},
            brief=brief.items,
            top=top_line(assessments, self.rules),
            empty=empty,
            snoozed=brief.snoozed,
        )

    def refreshed(self, book: BookView | None, account_id: str
                  ) -> tuple[BookView | None, AccountDetail]:
        """The book with one account re-assessed after a save, and that account's detail.
        No book (its first scoring failed, say): no view, the detail still."""
        with self.lock:
            assessment, data = self.desk.assess_account(account_id)
            view = book.rescored(assessment, self.rules) if book is not None else None
            return view, self._detail(assessment, data)

    def alert_quality(self) -> list:
        """Alert quality per trigger kind (docs/workflow.md), read without waiting for a
        scoring run."""
        from csdesk.desk import work

        with self._reading() as desk:
            return work.alert_quality(desk)

    def detail(self, account_id: str) -> AccountDetail:
        """One account's page, read without waiting for a scoring run (`_reading`)."""
        with self._reading() as desk:
            assessment, data = desk.assess_account(account_id, store=False)
            return self._detail(assessment, data, desk)

    def _detail(self, assessment: Assessment, data: AccountData, desk: Desk | None = None
                ) -> AccountDetail:
        account_id = assessment.account.account_id
        db = (desk or self.desk).db
        notes = queries.load_notes(db, account_id)
        contacts = writes.contacts_with_ids(db, account_id)
        touchpoints = sorted(data.touchpoints, key=lambda t: t.date, reverse=True)
        lines = []
        for rowid, row in contacts:
            contact = Contact.model_construct(
                account_id=row["account_id"], name=row["name"], contact_id=row["contact_id"],
                title=row["title"], email=row["email"], role=row["role"],
                status=row["status"], sentiment=row["sentiment"],
                departed_on=dt.date.fromisoformat(row["departed_on"][:10])
                if row["departed_on"] else None,
                success_definition=row["success_definition"],
                reports_to=row.get("reports_to"), influence=row.get("influence"))
            lines.append(ContactLine(rowid, contact, _last_contact(contact, touchpoints)))
        since = self.as_of - dt.timedelta(days=90)
        trend = [s for s in data.history if s.date >= since]
        if assessment.health is not None and assessment.health.score is not None:
            trend.append(Snapshot.model_construct(
                account_id=account_id, date=self.as_of, score=assessment.health.score,
                band=assessment.health.band, coverage=assessment.health.coverage,
                dimensions=dict(assessment.health.dimensions)))
        from csdesk.desk import forecast as forecast_service

        return AccountDetail(assessment, data, lines, notes, trend,
                             timeline=_timeline(queries.upcoming_scheduled(
                                 db, account_id, self.as_of) + touchpoints, notes),
                             renewal=forecast_service.account_renewal(desk or self.desk,
                                                                      assessment, data),
                             renewal_history=forecast_service.renewal_history(
                                 desk or self.desk, account_id))

    def account_names(self) -> list[tuple[str, str]]:
        """(account id, name) of every account in book order, for the command palette; read
        without waiting for a scoring run (`_reading`)."""
        with self._reading() as desk:
            return queries.account_names(desk.db)

    def task(self, task_id: int) -> Task | None:
        """One task as stored (E on Today), read without waiting for a scoring run."""
        with self._reading() as desk:
            found = queries.load_tasks(desk.db, task_id=task_id)
        return found[0][0] if found else None

    def plan_action(self, action_id: int) -> RemediationAction | None:
        """One remediation action as stored (E on Today), read without waiting for a
        scoring run."""
        from csdesk.store import editing

        with self._reading() as desk:
            try:
                plan = editing.plan_of_action(desk.db, action_id)
            except editing.NoSuchRecord:
                return None
        return next((a for a in plan.remediation_actions if a.id == action_id), None)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Desk]:
        """A desk for reads that need not wait for a scoring run: the same book and rules on
        a connection of its own, opened on first use. A whole-book run holds the book's
        connection (`lock`) for seconds at 10,000 accounts; an account's page and the
        palette's names would wait all that time. What they read is committed (the book is
        in WAL mode: a reader never waits for a writer), so they see every save made
        before. A book in memory has no second connection: its own, under the lock."""
        if not self._path:
            with self.lock:
                yield self.desk
            return
        with self._reader_lock:
            if self._reader is None:
                self._reader = Desk(schema.open_book(self._path, create=False),
                                    self.desk.config, self.desk.as_of,
                                    what_if=self.desk.what_if)
            yield self._reader

    def close(self) -> None:
        """Close the book (after any read still running on the second connection)."""
        with self._reader_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None
        self.desk.close()

    # --- writes: each one transaction (csdesk.store.writes) -----------------------------------

    def log_touchpoint(self, touchpoint: Touchpoint, *, next_step: str | None = None,
                       next_due: dt.date | None = None) -> None:
        """Log a touchpoint; its next step (if any) becomes a task in the same transaction.
        Refused as `csdesk log` refuses it (`csdesk.desk.work.log_response`: a completed one in
        the future, a next step's date without its text, anything on a what-if day), raising
        WorkError; nothing is written then."""
        from csdesk.desk import work

        with self.lock:
            work.log_response(self.desk, touchpoint, next_step=next_step, next_due=next_due)

    def add_note(self, account_id: str, text: str, at: dt.datetime | None = None) -> None:
        with self.lock:
            writes.add_note(self.desk.db, account_id, text, at or dt.datetime.now())

    def save_contact(self, contact: Contact, rowid: int | None = None) -> int:
        with self.lock:
            return writes.save_contact(self.desk.db, contact, rowid=rowid)

    def mark_departed(self, rowid: int) -> None:
        with self.lock:
            writes.mark_contact_departed(self.desk.db, rowid, self.as_of)

    def set_checklist_item(self, account_id: str, milestone: Milestone, item: str,
                           done: bool) -> None:
        with self.lock:
            writes.set_milestone_item(self.desk.db, account_id, milestone, item,
                                      self.as_of if done else None)

    def cycle_goal(self, account_id: str, goal: str, status: GoalStatus) -> GoalStatus:
        following = next_goal_status(status)
        with self.lock:
            writes.set_goal_status(self.desk.db, account_id, goal, following)
        return following

    def log_renewal(self, account_id: str, outcome: Outcome, day: dt.date,
                    new_arr: float | None, reason: str | None = None,
                    preventable: bool | None = None, competitor: str | None = None) -> None:
        """§9: record the outcome with the ARR before it; move the account on (core.renewals)."""
        from csdesk.core.renewals import renewal_outcome

        with self.lock:
            account = queries.resolve_account(self.desk.db, account_id)
            logged = renewal_outcome(account, outcome, day, new_arr=new_arr, reason=reason,
                                     preventable=preventable, competitor=competitor)
            writes.log_renewal(self.desk.db, logged.renewal,
                               new_renewal_date=logged.next_renewal_date,
                               new_arr=None if logged.churned else logged.new_arr,
                               churned=logged.churned)

    # --- the renewal forecast and the portfolio's trend (csdesk.desk.forecast) ---------------

    def renewals(self):
        """Renewals with the CSM's call, the suggestion and why; forecast ARR by call."""
        from csdesk.desk import forecast as forecast_service

        with self._reading() as desk:
            return forecast_service.renewals(desk)

    def record_call(self, account_id: str, call: str, note: str) -> None:
        from csdesk.desk import forecast as forecast_service

        with self.lock:
            forecast_service.record_call(self.desk, account_id, call, note)

    def trend(self):
        """(band mix per month, GRR/NRR per quarter, forecast accuracy)."""
        from csdesk.desk import forecast as forecast_service

        with self._reading() as desk:
            months, quarters = forecast_service.trend(desk)
            return months, quarters, forecast_service.accuracy(desk)

    def renewal_history(self, account_id: str):
        from csdesk.desk import forecast as forecast_service

        with self._reading() as desk:
            return forecast_service.renewal_history(desk, account_id)

    # --- reviews (csdesk.desk.reviews, when present) ---------------------------------------

    def qbr_export(self, account_id: str, qbr_date: dt.date | None = None) -> Path:
        """Write the QBR agenda (§10) as Markdown into the export folder; return its path."""
        from csdesk.desk import reviews as reviews_service

        qbr_date = qbr_date or business_days_after(self.as_of, 10)
        with self.lock:
            text = reviews_service.qbr_markdown(self.desk, account_id, qbr_date, "customer")
            name = self.desk.resolve(account_id).name
        # Customer notes leave the book here: private like the book itself.
        self.export_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self.export_dir / f"qbr-{slug(name)}-{qbr_date.isoformat()}.md"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def portfolio(self, assessments: list[Assessment] | None = None):
        """(metrics for the last 12 months, calibration) from csdesk.desk.reviews."""
        from csdesk.desk import reviews as reviews_service

        end = self.as_of + dt.timedelta(days=1)  # the last 12 months, today included
        start = end - relativedelta(months=12)
        with self.lock:
            metrics = reviews_service.portfolio_metrics(self.desk, start, end, assessments)
            calibration, _ = reviews_service.calibration(self.desk, None)
        return metrics, calibration

    # --- the demo book ------------------------------------------------------------------------

    # Where the mapping screen saves a profile (None: the user's config.toml).
    config_file: Path | None = None

    def import_path(self, path: str, *, profile: str | None = None,
                    profiles: dict | None = None) -> list[str]:
        """Import a CSV file, a folder of them, or a JSON book (all or nothing); the report.
        `profiles`: the import profiles (default the config's), `profile`: the one to use.

        Raises ImportRefused, listing every refused row, when anything is wrong."""
        from csdesk.store.importing import format_report, import_paths

        config = self.desk.config
        with self.lock:
            plan = import_paths(self.desk.db, [path], as_of=self.as_of, rules=self.rules,
                                dayfirst=False, dry_run=False,
                                profiles=config.import_profiles if profiles is None
                                else profiles, profile=profile,
                                owner=config.csm_name, owner_given=False)
        return list(format_report(plan, dry_run=False))

    def load_demo(self, accounts: int = 60, seed: int = 7) -> None:
        """Write the demo book into this (empty) book, as `csdesk demo` does."""
        from csdesk.desk.demo import write_demo_book

        with self.lock:
            write_demo_book(self.desk, accounts=accounts, seed=seed)

    # --- search and capture (docs/workflow.md) -----------------------------------------------

    def search(self, query: str, limit: int = 50):
        """The book's best hits for `query` (csdesk.desk.search), read without waiting for a
        scoring run."""
        from csdesk.desk.search import search_book

        with self._reading() as desk:
            return search_book(desk.db, query, limit=limit)

    def capture_preview(self, paths: list[str], progress=None):
        """What capturing the files would write, and the names of its accounts; raises
        CaptureRefused (csdesk.desk.capture)."""
        from csdesk.desk import capture

        with self._reading() as desk:
            plan = capture.preview(desk.db, paths, desk.rules.capture, desk.as_of,
                                   progress=progress)
            return plan, capture.account_names(desk.db, plan)

    def capture_commit(self, plan) -> int:
        from csdesk.desk import capture

        with self.lock:
            return capture.commit(self.desk.db, plan)


def _last_contact(contact: Contact, touchpoints: list[Touchpoint]) -> dt.date | None:
    """The contact's last touch: no touchpoint names its contact, so the last completed one."""
    if contact.status == ContactStatus.departed:
        return None
    return next((t.date for t in touchpoints if t.status == "completed"), None)


def _timeline(touchpoints: list[Touchpoint], notes: list[Note]) -> list[TimelineEntry]:
    entries = [TimelineEntry(t.date, t.date.isoformat(), str(t.kind), str(t.status),
                             t.summary or "", tuple(str(f) for f in t.flags))
               for t in touchpoints]
    entries += [TimelineEntry(n.created_at.date(), n.created_at.strftime("%Y-%m-%d %H:%M"),
                              "note", "", n.text) for n in notes]
    return sorted(entries, key=lambda e: (e.day, e.when), reverse=True)


def slug(name: str) -> str:
    cleaned = "".join(c.lower() if c.isalnum() else "-" for c in name)
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "account"


# --- how things read -------------------------------------------------------------------------


def money(value: float) -> str:
    """$1.4B, $245M, $32.9M, $1.2M, $640k, $9,500: each unit from where the smaller one would
    round up to 1,000 of it (999,600 is $1.0M, not $1000k), and no more than three figures from
    $100M up (a big book's band totals fit one line)."""
    if value >= 999_500_000:
        return f"${value / 1_000_000_000:.1f}B"
    if value >= 99_950_000:
        return f"${value / 1_000_000:.0f}M"
    if value >= 999_500:
        return f"${value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"${value / 1000:.0f}k"
    return f"${value:,.0f}"


def due_words(due: dt.date | None, as_of: dt.date) -> str:
    """"due today", "due in 2 days", "3 days overdue"."""
    if due is None:
        return ""
    days = (due - as_of).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"due in {days} day{'s' if days != 1 else ''}"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def renewal_words(days: int, day: dt.date) -> str:
    """"renews in 47 days, 2027-01-09"."""
    if days > 0:
        return f"renews in {days} day{'s' if days != 1 else ''}, {day.isoformat()}"
    if days == 0:
        return f"renews today, {day.isoformat()}"
    return f"renewal {-days} day{'s' if days != -1 else ''} past, {day.isoformat()}"


__all__ = [
    "AccountDetail", "AccountRow", "BookView", "ContactLine", "TimelineEntry",
    "Workbench", "due_words", "money", "renewal_words",
]
