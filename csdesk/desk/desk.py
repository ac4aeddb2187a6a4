"""The small service the CLI and the TUI share: store reads in, core rules over them, store writes.

A `Desk` is one open book, the rules in force and the day it is. It keeps no state of its own
beyond those three, so every call reflects what is in the file now. (With `kept`, it also keeps
the books it read alive, never to read them again: see `Desk.kept`.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import sqlite_utils

from csdesk.desk import parallel as shards
from csdesk.core.config import Config, Rules
from csdesk.core.models import (
    AccountData,
    Assessment,
    BriefItem,
    Milestone,
    SavePlan,
    Snapshot,
    trusted,
)
from csdesk.store import changes, queries, writes
from csdesk.store.schema import open_book

Progress = Callable[[int, int], None]  # (done, total)

_snapshot = trusted(Snapshot, positional=True)


@dataclass
class Desk:
    db: sqlite_utils.Database
    config: Config
    as_of: dt.date
    # Where whole-book reads go once assessed, when the process will end without freeing them
    # (the command line, see `csdesk.cli.run`): a 10,000-account book is half a million
    # objects, which take 0.3 s to free one by one at the end of every run, for nothing.
    # None (the default): they are freed as soon as they are assessed.
    kept: list | None = None
    # Processes a whole-book run may use, and the fewest accounts each takes (`csdesk` sets
    # them for its commands and the workbench: `csdesk.desk.settings.workers`; see
    # `csdesk.desk.parallel`). The default: one process.
    workers: int = 1
    min_slice: int = 1_000
    # Reuse the day's kept assessments of accounts unchanged since (docs/architecture.md,
    # "Reusing the day's assessments"); off, every run assesses every account.
    reuse: bool = True
    # Whether a run that assessed the whole book keeps its assessments (the workbench does,
    # after its queue is shown; a command need not pay for it: `csdesk.cli.app.Context`).
    keep_whole_book: bool = True
    # docs/workflow.md: an as_of later than the local date is a what-if: nothing is stored.
    what_if: bool = False
    # Other slices' processes already started (`start_scoring`), with the data_version then.
    _running: tuple | None = field(default=None, init=False, repr=False)
    # A scoring run's conclusions were not stored: the book is read-only (issue 24).
    unstored: bool = field(default=False, init=False, repr=False)

    @classmethod
    def open(cls, path, config: Config, as_of: dt.date, *, create: bool = True,
             upgrading: Callable | None = None) -> "Desk":
        return cls(open_book(path, create=create, upgrading=upgrading), config, as_of)

    @property
    def read_only(self) -> bool:
        """The book may be read but not written by this process (`open_book`)."""
        return getattr(self.db, "read_only", False)

    @property
    def rules(self) -> Rules:
        return self.config.rules

    def close(self) -> None:
        self.stop_scoring()
        self.db.conn.close()

    # --- reads ------------------------------------------------------------------------------

    def load(self, account_ids: list[str] | None = None) -> list[AccountData]:
        return queries.load_book(self.db, self.as_of, account_ids=account_ids)

    def assess_all(self, *, store: bool = True, progress: Progress | None = None
                   ) -> list[Assessment]:
        """Score and assess every account (in name order); store the day's snapshots (§2),
        save plans and milestones reached, unless told not to. The signals (§5, §6) are left
        out (`Assessment.signals` is None): `assess_account` gives one account's in full."""
        out, conclusions, book = self.assess_book(progress=progress)
        if self.kept is not None:
            self.kept.append(book)
        del book
        if store:
            self.store(conclusions)
        return out

    def assess_book(self, *, progress: Progress | None = None
                    ) -> tuple[list[Assessment], "Conclusions", list[AccountData]]:
        """`assess_all` without the writes: the assessments, what to `store` of them, and the
        book they were made from (for the caller to drop when it suits: freeing it takes a
        while, 0.3 s at 10,000 accounts).

        With `workers` > 1 and a book of at least two slices of `min_slice` accounts, the
        accounts are split over processes (`csdesk.desk.parallel`): the same assessments and
        conclusions, in the same order, all read from the book as it stood at one moment, and
        no book back (each slice's stays, kept or freed, in the process that read it)."""
        # One book for every slice: each reads in a transaction of its own, so another
        # program's commit while they start (a cron import) could reach some slices and not
        # others. This connection's data_version changes with any other's commit: unchanged
        # from before any slice started to after the last, no slice saw a commit. Else the
        # slices run again, once, then the book is read whole here.
        if self.reuse:
            reused = self._assess_reusing(progress)
            if reused is not None:
                self.stop_scoring()
                return reused
        running, self._running = self._running, None
        for _ in range(2):
            if running is None:
                slices = self._slices()
                if slices is None:
                    return self._assess_reading_versions(None, progress)
                running = self._start(slices)
            others, version, read_at = running
            running = None
            with queries.gc_paused(freeze=True):  # the other slices' come back as new objects
                parts = others.finish(functools.partial(self._assess_slice,
                                                        progress=_scaled(progress, others)))
            if self._data_version() == version:
                break
        else:
            return self._assess_reading_versions(None, progress)
        out = [a for assessments, _ in parts for a in assessments]
        conclusions = Conclusions(*([x for _, c in parts for x in getattr(c, name)]
                                    for name in ("snapshots", "save_plans", "milestones")),
                                  assessed=_by_account(out), read_at=read_at[0],
                                  whole_book=True, book_version=read_at[1])
        if progress:
            progress(len(out), len(out))
        return out, conclusions, []

    def start_scoring(self) -> None:
        """Start now the other processes of the next whole-book run (`assess_book`), if it
        is to be split (`workers`): the workbench does, before it starts its own threads, so
        they score while it imports and draws its first screen (and they may be forked; this
        process's slice, started later, shares the interpreter with the app: the two about
        even out). `stop_scoring` ends them if the run never comes."""
        slices = self._slices() if self._running is None else None
        if slices is not None and not (self.reuse and self._mostly_kept()):
            self._running = self._start(slices)

    def stop_scoring(self) -> None:
        if self._running is not None:
            self._running[0].stop()
            self._running = None

    def _start(self, slices: list[list[str]]
               ) -> tuple[shards.Running, int, tuple[dict[str, int], str]]:
        """The other slices' processes started; this connection's data_version before, and
        the accounts' versions then (`changes`: what the run's assessments were made at) with
        the whole book's."""
        path = self.db.conn.execute("PRAGMA database_list").fetchone()[2]
        versions: list[int] = []
        read_at: list[tuple[dict[str, int], str]] = []

        def before_start() -> None:
            versions.append(self._data_version())
            read_at.append((changes.versions(self.db), changes.book_version(self.db)))

        def reopen() -> None:
            self.db = open_book(path, create=False)

        running = shards.start(
            slices, functools.partial(assess_slice, path, self.config, self.as_of),
            before_fork=self.db.conn.close, after_fork=reopen,
            before_start=before_start)
        return running, versions[0], read_at[0]

    def _data_version(self) -> int:
        return self.db.conn.execute("PRAGMA data_version").fetchone()[0]

    def _slices(self) -> list[list[str]] | None:
        """The accounts' ids in slices for `workers` processes, or None for one process."""
        if self.workers < 2:
            return None
        if not self.db.conn.execute("PRAGMA database_list").fetchone()[2]:
            return None  # a book in memory: nothing another process could open
        ids = queries.account_ids(self.db)
        parts = min(self.workers, len(ids) // self.min_slice)
        return shards.split(ids, parts) if parts > 1 else None

    def _assess_slice(self, account_ids: list[str], progress: Progress | None = None
                      ) -> tuple[list[Assessment], "Conclusions"]:
        out, conclusions, book = self._assess(account_ids, progress)
        if self.kept is not None:
            self.kept.append(book)
        return out, conclusions

    def _assess(self, account_ids: list[str] | None, progress: Progress | None
                ) -> tuple[list[Assessment], "Conclusions", list[AccountData]]:
        # A cell edited by hand that breaks the rules: again without its row (issue 24).
        from csdesk.store.checks import checked

        return checked(self.db, lambda: self._assess_read(account_ids, progress))

    def _assess_read(self, account_ids: list[str] | None, progress: Progress | None
                     ) -> tuple[list[Assessment], "Conclusions", list[AccountData]]:
        from csdesk.core.assess import (
            TREND_DAYS,
            TREND_SLACK_DAYS,
            assess,
            latest_usage_days,
            touchpoints_read_from,
        )

        rules, as_of = self.rules, self.as_of
        with queries.gc_paused(freeze=True):  # a book of acyclic models, kept: see gc_paused
            book = queries.load_book(self.db, as_of, account_ids=account_ids,
                                     latest_usage_days=latest_usage_days(rules),
                                     history_runs=(TREND_DAYS, TREND_SLACK_DAYS),
                                     touchpoints_from=touchpoints_read_from(rules, as_of))
            out = []
            for i, data in enumerate(book):
                out.append(assess(data, as_of, rules, signals=False))  # see `assess`
                if progress and i % 500 == 0:
                    progress(i, len(book))
            if progress:
                progress(len(book), len(book))
            return out, self._conclusions(book, out), book

    def store(self, conclusions: "Conclusions", *, view: tuple[str, object] | None = None
              ) -> None:
        """Write a scoring run's conclusions (see `_conclusions`) in one transaction, and keep
        its assessments for reuse (`changes.keep`): those of the accounts nobody else wrote
        since they were read, checked under the same write lock. A what-if day (`what_if`)
        stores nothing; nor does a read-only book (`unstored` says so, issue 24).

        `view`: (name, value), a view made of the run's assessments of the whole book (the
        workbench's Today), kept with them for `reopened`, when nobody wrote the book during
        the run and every account's assessment is kept."""
        if self.what_if:
            return
        if self.read_only:
            self.unstored = True
            return
        with queries.gc_paused(), writes.transaction(self.db):
            keep = None
            # Nobody wrote since the run began to read: its view is the book's as it stands.
            whole_view = (view is not None and self.reuse and conclusions.book_version
                          is not None and conclusions.book_version == changes.book_version(self.db))
            if self.reuse and conclusions.read_at is not None and conclusions.assessed:
                now = changes.versions(self.db, list(conclusions.assessed))
                # An account this run gives a save plan or a milestone date reads differently
                # once they are stored (a draft plan changes what its alert still needs): it
                # is assessed again next time, not kept.
                changing = ({p.account_id for p in conclusions.save_plans}
                            | {a for a, _, _ in conclusions.milestones})
                keep = {a: x for a, x in conclusions.assessed.items()
                        if conclusions.read_at.get(a, 0) == now[a] and a not in changing}
                if conclusions.whole_book and not self.keep_whole_book:
                    keep = whole_view = None
            writes.write_snapshots(self.db, conclusions.snapshots)
            writes.ensure_save_plans(self.db, conclusions.save_plans)
            if conclusions.milestones:
                writes.set_milestones_done(self.db, conclusions.milestones)
            day = self.as_of.isoformat()
            if keep:
                changes.keep(self.db, day, self.fingerprint, keep)
            if whole_view and not changes.unkept(self.db, day, self.fingerprint):
                # At the book's version with this run's own writes: still valid tomorrow
                # morning if nobody writes meanwhile (the next day is another `as_of`).
                changes.keep_view(self.db, view[0], day, self.fingerprint,
                                  changes.book_version(self.db), view[1])

    # --- reusing the day's assessments (docs/architecture.md) -------------------------------

    @functools.cached_property
    def fingerprint(self) -> str:
        return changes.code_fingerprint(self.config.model_dump_json())

    def kept_view(self, name: str, compute: Callable[[], object]) -> object:
        """A whole-book view (`compute()`), kept in the book and reused while no account's
        rows, the day or the config changed since (`changes.book_version`). Computed afresh
        when `reuse` is off; kept only when nothing was written while it was computed, and
        not at all on a what-if day or a book that cannot be written. Keeping it never waits
        for another connection's write (the workbench's reader calls this while a scoring run
        may hold the write lock): a busy book is not kept this time."""
        if not self.reuse or self.what_if or self.read_only:
            return compute()
        day, version = self.as_of.isoformat(), changes.book_version(self.db)
        with queries.gc_paused(freeze=True):
            found = changes.kept_view(self.db, name, day, self.fingerprint, version)
        if found is not None:
            return found
        value = compute()
        if changes.book_version(self.db) == version:
            try:
                with writes.not_waiting(self.db), writes.transaction(self.db):
                    changes.keep_view(self.db, name, day, self.fingerprint, version, value)
            except sqlite3.OperationalError:  # a busy book: not kept, still shown
                pass
        return value

    def reopened(self, name: str) -> tuple["KeptAssessments", object] | None:
        """The view `name` kept with the day's assessments of the whole book (`store`), and
        those assessments, still pickled (`KeptAssessments`), when no account changed since:
        the workbench reopened the same day shows its queue without assessing or unpickling
        anything. None when anything changed (then `assess_book` reuses what it can)."""
        if not self.reuse:
            return None
        day = self.as_of.isoformat()
        with queries.one_reading(self.db):
            version = changes.book_version(self.db)
            with queries.gc_paused(freeze=True):
                found = changes.kept_view(self.db, name, day, self.fingerprint, version)
            if found is None:
                return None
            pickles = changes.kept_pickles(self.db, day, self.fingerprint)
            ids = [a for a in queries.account_ids(self.db) if a in pickles]
        return KeptAssessments(ids, pickles), found

    def _mostly_kept(self) -> bool:
        """Whether at most a slice's worth of accounts would need assessing again."""
        return changes.unkept(self.db, self.as_of.isoformat(), self.fingerprint) < self.min_slice

    def _assess_reusing(self, progress: Progress | None
                        ) -> tuple[list[Assessment], "Conclusions", list[AccountData]] | None:
        """The book's assessments from the kept ones, with the changed accounts (fewer than
        half the book) assessed again; None when too few are kept to be worth it."""
        started = changes.book_version(self.db)
        ids = queries.account_ids(self.db)
        if not ids:
            return None
        with queries.gc_paused(freeze=True):  # 10,000 unpickled: 1.2 s with the collector on
            kept = changes.kept(self.db, self.as_of.isoformat(), self.fingerprint)
        stale = [a for a in ids if a not in kept]
        if len(stale) * 2 > len(ids):
            return None
        fresh, conclusions, book = self._assess_reading_versions(stale, None) if stale else (
            [], Conclusions([], [], []), [])
        fresh_by_id = _by_account(fresh)
        # An account whose row was skipped (edited by hand, issue 24) has no assessment.
        out = [x for a in ids if (x := kept.get(a) or fresh_by_id.get(a)) is not None]
        if progress:
            progress(len(out), len(out))
        return out, dataclasses.replace(conclusions, book_version=started), book

    def _assess_reading_versions(self, account_ids: list[str] | None, progress: Progress | None
                                 ) -> tuple[list[Assessment], "Conclusions", list[AccountData]]:
        """`_assess`, with the accounts' versions read before and after: an account whose
        version did not move in between was read whole at that version."""
        started = changes.book_version(self.db)
        before = changes.versions(self.db, account_ids)
        out, conclusions, book = self._assess(account_ids, progress)
        after = changes.versions(self.db, account_ids)
        read_at = {a: v for a, v in before.items() if after.get(a, 0) == v}
        read_at.update({a: 0 for a in _by_account(out) if a not in before and a not in after})
        return out, dataclasses.replace(conclusions, assessed=_by_account(out),
                                        read_at=read_at, whole_book=account_ids is None,
                                        book_version=started), book

    def assess_account(self, account_id: str, *, store: bool = True
                       ) -> tuple[Assessment, AccountData]:
        from csdesk.core.assess import assess
        from csdesk.store.checks import checked

        def read() -> tuple[Assessment, AccountData]:
            found = self.load([account_id])
            if not found:  # its own row was edited by hand: skipped (issue 24)
                raise queries.AccountNotFound(
                    f"account {account_id!r} cannot be read (see the warning above)")
            return assess(found[0], self.as_of, self.rules), found[0]

        result, data = checked(self.db, read)
        if store:
            self.store(self._conclusions([data], [result]))
        return result, data

    def brief(self, assessments: list[Assessment] | None = None) -> list[BriefItem]:
        """The morning brief (`csdesk today`), most urgent first."""
        from csdesk.core.brief import build_brief

        if assessments is None:
            assessments = self.assess_all()
        return build_brief(assessments, self.as_of, self.rules)

    def resolve(self, ref: str):
        return queries.resolve_account(self.db, ref)

    # --- writes -----------------------------------------------------------------------------

    def _conclusions(self, book: list[AccountData], assessments: list[Assessment]
                     ) -> "Conclusions":
        """What is stored of the day's assessments: snapshots for scored accounts, a save plan
        per critical alert that has none yet, milestones whose completion date changed."""
        from csdesk.core.alerts import save_plan_for

        day, snapshot = self.as_of, _snapshot
        snapshots = [
            snapshot(a.account.account_id, day, h.score, h.band, h.coverage, h.dimensions)
            for a in assessments if (h := a.health) is not None
        ]
        plans = [
            save_plan_for(alert, data, self.as_of, self.rules, health=a.health)
            for data, a in zip(book, assessments)
            for alert in a.alerts if alert.level == "critical"
            and not any(p.trigger == alert.trigger and p.trigger_date == alert.trigger_date
                        for p in data.save_plans)
        ]
        milestones = [
            (data.account.account_id, m.milestone, m.done_on)
            for data, a in zip(book, assessments)
            for m in a.milestones
            for rec in data.milestones
            if rec.milestone == m.milestone and rec.done_on != m.done_on
        ]
        return Conclusions(snapshots, plans, milestones)


def _scaled(progress: Progress | None, running: shards.Running) -> Progress | None:
    """This process's progress through its slice, told as the whole run's (the other slices
    go about as fast)."""
    if progress is None:
        return None
    mine, whole = len(running.slices[0]) or 1, sum(map(len, running.slices))
    return lambda done, _: progress(done * whole // mine, whole)


def assess_slice(path: str, config: Config, as_of: dt.date, account_ids: list[str]
                 ) -> tuple[list[Assessment], "Conclusions"]:
    """A slice of a book's accounts assessed in a process of its own (`csdesk.desk.parallel`): the
    assessments and their conclusions, for the process that stores them."""
    desk = Desk(open_book(path, create=False), config, as_of)
    return desk._assess(account_ids, None)[:2]


@dataclass(frozen=True)
class Conclusions:
    """What a scoring run stores (see `Desk._conclusions`), and the assessments to keep with
    the versions of the accounts they were read at (`Desk.store`)."""

    snapshots: list[Snapshot]
    save_plans: list[SavePlan]
    milestones: list[tuple[str, Milestone, dt.date | None]]
    assessed: dict[str, Assessment] | None = None
    read_at: dict[str, int] | None = None
    whole_book: bool = False  # assessed every account, none reused
    # The whole book's version (`changes.book_version`) before the run read anything: a view
    # made of the run is kept only if no one wrote the book before its conclusions were.
    book_version: str | None = None


class KeptAssessments(Mapping[str, Assessment]):
    """The day's kept assessments by account id, in book order, each unpickled when first
    asked for (`load_all` unpickles the rest: 0.2 s at 10,000 accounts)."""

    def __init__(self, ids: list[str], pickles: dict[str, bytes]) -> None:
        self._ids = ids
        self._pickles = pickles
        self._made: dict[str, Assessment] = {}

    def __getitem__(self, account_id: str) -> Assessment:
        found = self._made.get(account_id)
        if found is None:
            found = self._made[account_id] = changes.unpickled(self._pickles[account_id])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._pickles

    def load_all(self) -> None:
        with queries.gc_paused(freeze=True):  # kept for the day: out of the collector's sight
            for account_id in self._ids:
                self[account_id]


def _by_account(assessments: list[Assessment]) -> dict[str, Assessment]:
    return {a.account.account_id: a for a in assessments}
