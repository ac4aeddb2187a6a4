"""The csdesk workbench: a keyboard-driven Textual app over one book of business.

`run_workbench(ctx)` is what `csdesk` (no command) runs. The app opens the book, scores it in a
thread worker (storing today's snapshots, §2) while the first screen is already up, and keeps the
scored book in `CsdeskApp.book`; every screen watches it. Every save runs in a worker, is one
transaction, and re-assesses the account so scores, alerts and the queue refresh at once.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from csdesk.core.models import GoalStatus, Milestone, Touchpoint
from csdesk.tui.palette import AccountCommands, ActionCommands
from csdesk.tui.book_view import BookView, ContactLine, Workbench
from csdesk.tui.screens.today import TodayScreen
from csdesk.tui.widgets.look import printable

if TYPE_CHECKING:
    from csdesk.tui.forms import ContactEdit, RenewalEntry

# Only Today is needed for the first screen: the other screens and the forms are imported
# when first shown (together about 0.1 s of the workbench's start).


def _forms():
    from csdesk.tui import forms

    return forms


def _account_screen():
    from csdesk.tui.screens.account import AccountScreen

    return AccountScreen


def _mode(module: str, name: str) -> Callable[[], Screen]:
    def make() -> Screen:
        return getattr(importlib.import_module(f"csdesk.tui.screens.{module}"), name)()

    return make


ACCOUNT_ACTIONS = {"log_touchpoint", "note", "export_qbr", "renewal_outcome"}


class Scoring(Message):
    """How far the scoring worker is: posted from its thread (posting does not wait for the
    screen, so reporting progress does not slow the scoring)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


PROGRESS_EVERY_S = 0.1  # the progress line moves at most ten times a second


class _Quitting(Exception):
    """Raised in the scoring worker once the app quits: the CSM need not wait for a big
    book's run to end (the process would, for its worker thread)."""


class CsdeskApp(App):
    TITLE = "csdesk"
    CSS_PATH = "workbench.tcss"
    MODES = {
        "today": TodayScreen,
        "accounts": _mode("accounts", "AccountsScreen"),
        "renewals": _mode("renewals", "RenewalsScreen"),
        "portfolio": _mode("portfolio", "PortfolioScreen"),
    }
    DEFAULT_MODE = "today"
    COMMANDS = App.COMMANDS | {AccountCommands, ActionCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("1", "switch_mode('today')", "Today"),
        Binding("2", "switch_mode('accounts')", "Accounts"),
        Binding("3", "switch_mode('renewals')", "Renewals"),
        Binding("4", "switch_mode('portfolio')", "Portfolio"),
        Binding("t", "log_touchpoint", "Log"),
        Binding("n", "note", "Note"),
        Binding("e", "export_qbr", "QBR"),
        Binding("r", "rescore", "Rescore"),
        Binding("ctrl+f", "search", "Search", priority=True),  # anywhere, forms too
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    book: reactive[BookView | None] = reactive(None, always_update=True, init=False)
    busy: reactive[tuple[str, int, int] | None] = reactive(None, always_update=True, init=False)

    def __init__(self, workbench: Workbench, *, book_label: str = "") -> None:
        super().__init__()
        self.workbench = workbench
        self.book_label = book_label
        self._scoring = False

    @property
    def as_of(self) -> dt.date:
        return self.workbench.as_of

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.busy = ("Reading the book…", 0, 0)
        # Scoring starts once the first screen is painted: a worker thread started earlier
        # competes with the app's own start for the interpreter and holds the screen back
        # (about 1 s instead of 0.3 s on a 10,000-account book), for no earlier queue.
        self.call_after_refresh(self.action_rescore)

    # --- the book -----------------------------------------------------------------------------

    def action_rescore(self) -> None:
        self.busy = ("Reading the book…", 0, 0)
        self._scoring = True
        self._score_book()

    def on_scoring(self, message: Scoring) -> None:
        if self._scoring:  # not once the book is in (the last report may come after it)
            self.busy = (f"Scoring {message.total:,} accounts…", message.done, message.total)

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def _score_book(self) -> None:
        reported = [0.0]
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:  # the app is closing: stop (nothing is stored yet)
                raise _Quitting
            now = time.monotonic()
            if now - reported[0] >= PROGRESS_EVERY_S:
                reported[0] = now
                self.post_message(Scoring(done, total))

        shown = []

        def show(book: BookView) -> None:  # on screen first, then the snapshots are stored
            shown.append(book)
            self.call_from_thread(self._loaded, book)

        try:
            book = self.workbench.load(progress, show)
        except _Quitting:
            return
        except Exception as exc:
            self.call_from_thread(self._failed, "Scoring failed", exc)
            return
        if not shown:
            self.call_from_thread(self._loaded, book)

    def _loaded(self, book: BookView) -> None:
        self._scoring = False
        self.busy = None
        self.book = book

    def _failed(self, what: str, exc: Exception) -> None:
        self._scoring = False
        self.busy = None
        self.notify(f"{what}: {exc}", severity="error", timeout=10, markup=False)

    def load_demo(self) -> None:
        if self.book is None or not self.book.empty:
            self.notify("The demo book only loads into an empty book.")
            return
        self.busy = ("Writing the demo book…", 0, 0)
        self._write_demo()

    action_load_demo = load_demo

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def _write_demo(self) -> None:
        try:
            self.workbench.load_demo()
            book = self.workbench.load()
        except Exception as exc:
            self.call_from_thread(self._failed, "Could not load the demo book", exc)
            return
        self.call_from_thread(self._loaded, book)

    def action_import_book(self) -> None:
        self.push_screen(_forms().ImportForm(), self._import_chosen)

    def _import_chosen(self, path: str | None) -> None:
        from csdesk.tui.screens.capture import CaptureScreen, is_capture_path

        if path and is_capture_path(path):  # calendar and mail: a preview first
            self.push_screen(CaptureScreen([path]))
            return
        if path:
            self.busy = (f"Importing {path}…", 0, 0)
            self._import(path)

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def _import(self, path: str) -> None:
        from csdesk.store.importing import ImportRefused

        try:
            report = self.workbench.import_path(path)
            book = self.workbench.load()
        except ImportRefused as exc:
            problems = [str(p) for p in exc.problems]
            self.call_from_thread(self._show_import, f"Import refused, nothing written: "
                                  f"{len(problems)} problem(s)", problems, None)
            return
        except Exception as exc:
            self.call_from_thread(self._failed, "Import failed, nothing written", exc)
            return
        self.call_from_thread(self._show_import, "Imported", report, book)

    def _show_import(self, title: str, lines: list[str], book: BookView | None) -> None:
        self.busy = None
        if book is not None:
            self.book = book
        self.push_screen(_forms().MessageScreen(title, lines))

    # --- navigation ---------------------------------------------------------------------------

    def open_account(self, account_id: str) -> None:
        screen = self.screen
        AccountScreen = _account_screen()
        if isinstance(screen, AccountScreen) and screen.account_id == account_id:
            return
        self.push_screen(AccountScreen(account_id))

    def action_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    async def action_switch_mode(self, mode: str) -> None:
        """1-4 show that screen itself: from an account opened on Today, 1 goes back to the
        queue (Textual's own action does nothing for the mode already shown), and a list left
        with an account open is shown as the list."""
        if mode != self.current_mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            await self.pop_screen()

    def action_search(self) -> None:
        from csdesk.tui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.action_focus_query()
        else:
            self.push_screen(SearchScreen())

    def action_help(self) -> None:
        from csdesk.tui.help_screen import HelpScreen

        self.push_screen(HelpScreen())

    def check_action(self, action: str, parameters) -> bool | None:
        if isinstance(self.screen, ModalScreen) and (
                action in ACCOUNT_ACTIONS or action in ("rescore", "help", "switch_mode")):
            return False
        return True

    # --- the highlighted account --------------------------------------------------------------

    def current_account(self) -> tuple[str, str, float] | None:
        """(id, name, ARR) of the account `t`, `n`, `e` act on, or None (and say so)."""
        pick = getattr(self.screen, "selected_account_id", None)
        account_id = pick() if pick else None
        book = self.book
        assessment = book.assessments.get(account_id) if (book and account_id) else None
        if assessment is None:
            self.notify("Highlight an account first (2 lists them all, ctrl+p finds one).")
            return None
        return account_id, assessment.account.name, assessment.account.arr

    def action_log_touchpoint(self) -> None:
        current = self.current_account()
        if current is None:
            return
        account_id, name, _ = current

        def saved(touchpoint: Touchpoint | None) -> None:
            if touchpoint is not None:
                self.save(account_id, lambda: self.workbench.log_touchpoint(touchpoint),
                          f"Logged {touchpoint.status} {touchpoint.kind.replace('_', '-')} "
                          f"with {printable(name, single_line=True)} on {touchpoint.date}.")

        self.push_screen(_forms().TouchpointForm(account_id, name, self.as_of), saved)

    def action_note(self) -> None:
        current = self.current_account()
        if current is None:
            return
        account_id, name, _ = current

        def saved(text: str | None) -> None:
            if text:
                self.save(account_id, lambda: self.workbench.add_note(account_id, text),
                          f"Noted on {printable(name, single_line=True)}.")

        self.push_screen(_forms().NoteForm(account_id, name), saved)

    def action_export_qbr(self) -> None:
        current = self.current_account()
        if current is not None:
            self._export_qbr(current[0])

    @work(thread=True, group="export", exit_on_error=False)
    def _export_qbr(self, account_id: str) -> None:
        try:
            path = self.workbench.qbr_export(account_id)
            text = path.read_text(encoding="utf-8")
        except ImportError:
            self.call_from_thread(self.notify, "The QBR export is not in this build yet.",
                                  severity="warning")
            return
        except Exception as exc:
            self.call_from_thread(self._failed, "QBR export failed", exc)
            return
        self.call_from_thread(self._exported, path, text)

    def _exported(self, path: Path, text: str) -> None:
        self.copy_to_clipboard(text)
        self.last_export = path
        # Book text (the path holds the account's name) is data: no markup (a Rich Text here
        # would crash the toast: Textual's notify takes a str).
        self.notify(f"QBR agenda written to {path} and copied to the clipboard.",
                    title="Exported", timeout=10, markup=False)

    def action_renewal_outcome(self) -> None:
        current = self.current_account()
        if current is not None:
            self.log_renewal_outcome(current[0])

    def log_renewal_outcome(self, account_id: str | None) -> None:
        book = self.book
        assessment = book.assessments.get(account_id) if (book and account_id) else None
        if assessment is None:
            self.notify("Highlight an account first.")
            return
        name = assessment.account.name

        def saved(entry: RenewalEntry | None) -> None:
            if entry is not None:
                self.save(account_id, lambda: self.workbench.log_renewal(
                    account_id, entry.outcome, entry.day, entry.new_arr, entry.reason,
                    entry.preventable, entry.competitor),
                    f"Logged {entry.outcome} for {printable(name, single_line=True)}.")

        self.push_screen(_forms().RenewalForm(account_id, name, assessment.account.arr, self.as_of),
                         saved)

    # --- account edits (from the Account screen) ----------------------------------------------

    def _account_name(self, account_id: str) -> str:
        book = self.book
        a = book.assessments.get(account_id) if book else None
        return a.account.name if a else account_id

    def edit_contact(self, account_id: str, line: ContactLine | None) -> None:
        def saved(edit: ContactEdit | None) -> None:
            if edit is not None:
                self.save(account_id, lambda: self.workbench.save_contact(edit.contact,
                                                                          edit.rowid),
                          f"Saved {printable(edit.contact.name, single_line=True)}.")

        self.push_screen(_forms().ContactForm(account_id, self._account_name(account_id),
                                     line.contact if line else None,
                                     line.rowid if line else None), saved)

    def mark_departed(self, account_id: str, line: ContactLine) -> None:
        self.save(account_id, lambda: self.workbench.mark_departed(line.rowid),
                  f"Marked {printable(line.contact.name, single_line=True)} departed "
                  f"on {self.as_of}.")

    def toggle_checklist_item(self, account_id: str, milestone: Milestone, item: str,
                              done: bool) -> None:
        self.save(account_id, lambda: self.workbench.set_checklist_item(
            account_id, milestone, item, done), "Ticked." if done else "Unticked.")

    def cycle_goal(self, account_id: str, goal: str, status: GoalStatus) -> None:
        self.save(account_id, lambda: self.workbench.cycle_goal(account_id, goal, status),
                  "Goal status changed.")

    # --- saving -------------------------------------------------------------------------------

    def save(self, account_id: str, write: Callable[[], object], message: str) -> None:
        """Run `write` (one transaction) in a worker, then refresh the book and the account."""
        self._save(account_id, write, message)

    @work(thread=True, group="save", exit_on_error=False)
    def _save(self, account_id: str, write: Callable[[], object], message: str) -> None:
        try:
            write()
        except Exception as exc:
            self.call_from_thread(self._failed, "Not saved", exc)
            return
        started = time.monotonic()  # the page is read after the write
        try:
            book, detail = self.workbench.refreshed(self.book, account_id)
        except Exception as exc:
            self.call_from_thread(self._failed, "Saved, but the refresh failed", exc)
            return
        self.call_from_thread(self._saved, book, detail, message, started)

    def _saved(self, book: BookView | None, detail, message: str, started: float) -> None:
        if book is not None:
            self.book = book
        for screen in self.screen_stack:
            if (isinstance(screen, _account_screen())
                    and screen.account_id == detail.account_id):
                screen.read(detail, started)
        self.notify(message, timeout=4, markup=False)  # names in it are data, not markup

    # --- quitting -----------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; a note still being typed is saved first (nothing typed is lost on quit)."""
        screen = self.screen
        if isinstance(screen, _forms().NoteForm) and screen.text.strip():
            self.workbench.add_note(screen.account_id, screen.text)
        self.exit(0)


def run_workbench(ctx) -> int:
    """`csdesk` without a command: open the book (creating it on first use) and run the app."""
    desk = ctx.desk()  # as the commands open it (an older book says it is being upgraded)
    workbench = Workbench(desk, book_path=Path(ctx.book_path))
    try:
        result = CsdeskApp(workbench, book_label=str(ctx.book_path)).run()
    finally:
        workbench.close()
    return int(result or 0)
