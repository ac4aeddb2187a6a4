"""Today (key 1): the top line of the book and the attention queue of `csdesk today`."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, Static

from csdesk.core.models import BriefItem, ItemKind
from csdesk.core.brief import BANDS
from csdesk.tui.book_view import BookView, due_words, money
from csdesk.tui.flows import keep_open, save_account
from csdesk.tui.messages import OpenAccount
from csdesk.tui.screens.base import BookScreen
from csdesk.tui.widgets.chrome import TitleBar, WorkStatus
from csdesk.tui.widgets.look import (
    BAND_MARK,
    BAND_STYLE,
    due_text,
    level_text,
    plain,
    printable,
)
from csdesk.tui.widgets.row_table import Column, RowTable

KIND_WORDS = {
    "alert": "alert", "renewal": "renewal", "touchpoint_due": "touch due",
    "milestone_overdue": "milestone", "expansion": "expansion", "nps_detractor": "detractor",
    "band_action": "band act", "task": "task", "save_plan_action": "plan act",
    "ebr_due": "review", "scheduled": "scheduled",
}

EMPTY_BOOK = """\
Your book is empty: there are no accounts yet.

  d   load the demo book: 60 realistic accounts across every tier, phase and band,
      to try csdesk before your own data is in

  i   import your own book here: a CSV file, a folder of them, or a JSON book

Or import from a shell, then press r here to score it:

  csdesk import accounts.csv contacts.csv usage.csv tickets.csv nps.csv touchpoints.csv
  csdesk import ./my-export-folder/       (CSV exports from Salesforce, HubSpot,
                                           ChurnZero or Gainsight import as they are)
"""


def top_line_text(book: BookView) -> Text:
    top = book.top
    text = Text()
    text.append(f" {top.accounts:,} accounts", style="bold")
    text.append(f" · {money(top.total_arr)} ARR")
    for band in BANDS:
        share = top.bands[band]
        text.append("   ")
        text.append(f"{BAND_MARK[band]} {share.count:,} {band.value}", style=BAND_STYLE[band])
        text.append(f" {money(share.arr)}")
    risk = top.at_risk[0]  # the nearest of renewals.at_risk_days (docs/rules.md §9)
    text.append(f"\n ARR at risk renewing in {risk.days} days: ")
    text.append(money(risk.arr), style="bold red" if risk.arr else "bold")
    text.append(f" ({risk.count:,} red or yellow account{'s' if risk.count != 1 else ''})")
    return text


@dataclass(frozen=True)
class AccountGroup:
    """A row of the grouped queue (`g`): an account's most urgent item and how many it has."""

    item: BriefItem
    count: int

    @property
    def account_id(self) -> str:
        return self.item.account_id


def group_by_account(items: list[BriefItem]) -> list[AccountGroup]:
    """One row per account, in the queue's order (an account's first item is its most
    urgent), with its count of items."""
    counts: dict[str, int] = {}
    first: dict[str, BriefItem] = {}
    for item in items:
        counts[item.account_id] = counts.get(item.account_id, 0) + 1
        first.setdefault(item.account_id, item)
    return [AccountGroup(item, counts[aid]) for aid, item in first.items()]


def item_detail(item: BriefItem, as_of, snooze=None) -> Text:
    """The highlighted item in full (under the queue): account and title, the action, when it
    is due and its id, then what clears it; wrapped. The id comes before what clears it, so a
    long clears-when at 80x24 cannot push it out of the box."""
    text = Text(" ")
    text.append_text(plain(item.name, style="bold"))
    text.append(": ")
    text.append_text(plain(item.title))
    text.append("\n → ")
    text.append_text(plain(item.action))
    if item.due:
        text.append(f"  ({due_words(item.due, as_of)}, {item.due.isoformat()})", style="dim")
    text.append(f" · id {item.id}", style="dim")  # the id scripts use (csdesk snooze ID)
    if item.clears_when:
        text.append("\n Clears when: ", style="bold")
        text.append_text(plain(item.clears_when))
    if snooze is not None:
        text.append(f"\n Snoozed until {snooze.until} ({str(snooze.reason).replace('_', ' ')})",
                    style="bold")
    return text


POLL_SECONDS = 2.0  # how often the workbench looks for writes by other programs


class TodayScreen(BookScreen):
    screen_title = "Today"

    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("d", "load_demo", "Load the demo book"),
        Binding("i", "app.import_book", "Import"),
        # A renewal item: log its outcome here (csdesk.tui.flows.AccountFlows; issue 19).
        Binding("o", "renewal_outcome", "Outcome", show=False),
        Binding("f", "add_task", "Task"),
        Binding("space", "task_done", "Done"),
        Binding("z", "snooze", "Snooze"),
        Binding("Z", "toggle_snoozed", "Snoozed"),
        Binding("g", "toggle_grouped", "Group"),
        Binding("p", "open_plan", "Save plan"),  # the item's account on its Save plan tab
        Binding("E", "edit_item", "Edit", show=False),  # a task or save-plan action
        Binding("x", "delete_item", "Delete", show=False),  # (csdesk.tui.today_records)
    ]

    grouped = False  # g: one row per account
    showing_snoozed = False  # Z: the snoozed items instead of the queue

    def compose(self) -> ComposeResult:
        yield TitleBar(self.screen_title)
        yield Static("", id="topline", classes="topline")
        with Vertical(id="queue-box"):
            yield Label("", id="queue-title", classes="section-title")
            yield RowTable(
                [Column("When", 16), Column("Level", 8), Column("Account", 24),
                 Column("Kind", 9), Column("What", 0, min_width=24, ratio=3),
                 Column("Action", 0, min_width=20, ratio=2)],
                self._cells, key=_brief_key, id="queue",
                empty_text="Nothing needs you today. Press 2 to browse the accounts.")
            yield Static("", id="queue-detail")
        empty_book = Static(EMPTY_BOOK, id="empty-book", markup=False)
        empty_book.display = False  # until the book is read and found empty
        yield empty_book
        yield WorkStatus()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # (BookScreen's on_mount, which watches the book, runs too: Textual runs each class's.)
        self._seen: tuple[int, str] | None = None  # (data_version, book_version) last looked at
        self.watch(self.app, "book", self._rebaseline, init=False)
        self.app.set_interval(POLL_SECONDS, self._look_for_changes)

    def _rebaseline(self, _book) -> None:
        """A new book in the workbench (read, rescored, a save of its own): look afresh."""
        self._seen = None

    def _cells(self, row: BriefItem | AccountGroup):
        item = row.item if isinstance(row, AccountGroup) else row
        kind = Text(KIND_WORDS.get(item.kind, item.kind))
        what = plain(item.title)
        if isinstance(row, AccountGroup) and row.count > 1:
            what = Text(f"(+{row.count - 1} more) ", style="bold").append_text(what)
        return [due_text(item.due, self.app.as_of, item.overdue), level_text(item.level),
                plain(item.name, style="bold"), kind, what, plain(item.action)]

    def show_book(self, book: BookView) -> None:
        self.query_one("#empty-book").display = book.empty
        self.query_one("#queue-box").display = not book.empty
        self.query_one("#topline").display = not book.empty
        self.refresh_bindings()
        if book.empty:
            return
        self.query_one("#topline", Static).update(top_line_text(book))
        items = book.snoozed if self.showing_snoozed else book.brief
        overdue = sum(1 for item in book.brief if item.overdue)
        if self.showing_snoozed:
            n = len(book.snoozed)
            title = (f"Snoozed · {n:,} item{'' if n == 1 else 's'}, hidden until their day"
                     "  ·  z brings one back · Z the queue")
        else:
            accounts = len({i.account_id for i in book.brief})
            title = (f"Attention queue · {len(book.brief):,} items, {overdue:,} overdue, "
                     f"{len(book.snoozed):,} snoozed"
                     + (f" · {accounts:,} accounts, one row each" if self.grouped
                        else " · most urgent first")
                     + "  ·  t responds · f task · z snooze · g group")
        self.query_one("#queue-title", Label).update(title)
        rows = group_by_account(items) if self.grouped and not self.showing_snoozed else items
        table = self.query_one("#queue", RowTable)
        table.empty_text = ("Nothing snoozed. Z shows the queue." if self.showing_snoozed else
                            "Nothing needs you today. Press 2 to browse the accounts.")
        was, before = table.cursor, table.highlighted
        table.set_rows(rows)
        if before is not None and rows and table.highlighted is not None and (
                _brief_key(table.highlighted) != _brief_key(before)):
            table.cursor = min(was, len(rows) - 1)  # the item done: stay where it was
        if not rows:
            self.query_one("#queue-detail", Static).update("")

    def highlighted_item(self) -> BriefItem | None:
        row = self.query_one("#queue", RowTable).highlighted
        return row.item if isinstance(row, AccountGroup) else row

    def selected_account_id(self) -> str | None:
        item = self.highlighted_item()
        return item.account_id if item is not None else None

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        row = event.row
        item: BriefItem = row.item if isinstance(row, AccountGroup) else row
        assessment = self.app.book.assessments.get(item.account_id) if self.app.book else None
        snooze = next((s for s in (assessment.snoozes if assessment else ())
                       if s.item_id == item.id), None) if self.showing_snoozed else None
        self.query_one("#queue-detail", Static).update(item_detail(item, self.app.as_of, snooze))

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        self.post_message(OpenAccount(self.selected_account_id()))

    def action_edit_item(self) -> None:
        from csdesk.tui.today_records import edit_item

        edit_item(self, self.highlighted_item())

    def action_delete_item(self) -> None:
        from csdesk.tui.today_records import delete_item

        delete_item(self, self.highlighted_item())

    def action_open_plan(self) -> None:
        """p: the highlighted item's account opened on its Save plan tab (a critical alert's
        what-is-left is the plan; a save_plan_action item is one of its actions)."""
        from csdesk.tui.screens.account import AccountScreen

        account_id = self.selected_account_id()
        if account_id:
            self.app.push_screen(AccountScreen(account_id, tab="save-plan"))

    def action_open(self) -> None:
        account_id = self.selected_account_id()
        if account_id:
            self.post_message(OpenAccount(account_id))

    async def action_load_demo(self) -> None:
        await self.app.run_action("load_demo")  # the App writes the book

    def check_action(self, action: str, parameters) -> bool | None:
        book = self.app.book
        if action == "load_demo":
            return book is not None and book.empty
        if action in ("add_task", "task_done", "snooze", "toggle_snoozed", "toggle_grouped"):
            return book is not None and not book.empty  # nothing to work in an empty book
        return True

    # --- working the highlighted item to done (docs/workflow.md) ------------------------------

    def action_log_touchpoint(self) -> None:
        """t: the response the highlighted item asks for, pre-filled."""
        item = self.highlighted_item()
        if item is None:
            self.notify("Nothing highlighted: the queue is empty.")
            return
        from csdesk.desk.work import response_for

        self.open_touchpoint_form(item.account_id, item.name,
                                  response_for(item, self.app.as_of))

    def action_add_task(self) -> None:
        """f: a follow-up task on the highlighted item's account."""
        item = self.highlighted_item()
        if item is None:
            self.notify("Highlight an item first: its account gets the task.")
            return
        from csdesk.tui.forms_work import TaskEntry, TaskForm

        account_id, name = item.account_id, item.name

        def saved(entry: TaskEntry | None) -> None:
            if entry is not None:
                save_account(self, account_id, lambda: self._work(
                    "add_task", account_id, entry.text, entry.due),
                    f"Task added for {printable(name, single_line=True)}"
                    + (f", due {entry.due}." if entry.due else "."))

        self.app.push_screen(keep_open(TaskForm(name, self.app.as_of), saved), saved)

    def action_task_done(self) -> None:
        """space: mark the highlighted task done."""
        item = self.highlighted_item()
        if item is None or item.kind != ItemKind.task:
            self.notify("space marks a task done; this item is not a task "
                        "(t logs its response, z snoozes it).")
            return
        save_account(self, item.account_id, lambda: self._work("task_done", item.id),
                     f"Done: {printable(item.title, single_line=True)}")

    def action_snooze(self) -> None:
        """z: snooze the highlighted item (until, reason); on a snoozed item, bring it back."""
        item = self.highlighted_item()
        if item is None:
            self.notify("Nothing highlighted to snooze.")
            return
        if self.showing_snoozed:
            save_account(self, item.account_id, lambda: self._work("unsnooze", item.id),
                         f"Back in Today: {printable(item.title, single_line=True)}")
            return
        from csdesk.tui.forms_work import SnoozeEntry, SnoozeForm

        def saved(entry: SnoozeEntry | None) -> None:
            if entry is not None:
                save_account(self, item.account_id, lambda: self._work(
                    "snooze", item, entry.until, str(entry.reason)),
                    f"Snoozed until {entry.until}: {printable(item.title, single_line=True)}")

        self.app.push_screen(keep_open(SnoozeForm(item, self.app.as_of,
                                                  self.app.workbench.rules), saved), saved)

    def _work(self, name: str, *args):
        """A write of `csdesk.desk.work` on the workbench's book, under its lock (in the save
        worker)."""
        from csdesk.desk import work

        workbench = self.app.workbench
        with workbench.lock:
            return getattr(work, name)(workbench.desk, *args)

    def action_toggle_grouped(self) -> None:
        self.grouped = not self.grouped
        if self.app.book is not None:
            self.show_book(self.app.book)

    def action_toggle_snoozed(self) -> None:
        self.showing_snoozed = not self.showing_snoozed
        if self.app.book is not None:
            self.show_book(self.app.book)

    # --- writes by other programs appear by themselves ----------------------------------------

    def _look_for_changes(self) -> None:
        """docs/workflow.md: SQLite's data_version changes when another connection commits
        (a cron `csdesk score`, a `csdesk log` from a shell, an import): the book is read again,
        as `r` does, when an account's rows changed (`book_version`: not for a cache the
        workbench's own reading connection keeps). Skipped while the workbench is busy or its
        book in use."""
        app = self.app
        workbench = getattr(app, "workbench", None)
        if workbench is None or app.busy is not None or app.book is None:
            return
        if not workbench.lock.acquire(blocking=False):
            return
        try:
            from csdesk.store.changes import book_version
            from csdesk.store.queries import data_version

            db = workbench.desk.db
            version = data_version(db)
            if self._seen is not None and version == self._seen[0]:
                return
            seen = (version, book_version(db))
        finally:
            workbench.lock.release()
        changed = self._seen is not None and seen[1] != self._seen[1]
        self._seen = seen
        if changed:
            app.notify("The book changed outside the workbench: read again.")
            app.action_rescore()


def _brief_key(row: BriefItem | AccountGroup):
    if isinstance(row, AccountGroup):
        return ("group", row.item.id, row.count)
    return row.id or (row.account_id, row.kind, row.title)

