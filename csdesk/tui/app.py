"""The csdesk workbench: a keyboard-driven Textual app over one book of business.

`run_workbench(ctx)` is what `csdesk` (no command) runs. The app opens the book, scores it in a
thread worker (storing today's snapshots, docs/rules.md) while the first screen is already up,
and keeps the scored book in `CsdeskApp.book`; every screen watches it. Every save runs in a
worker, is one transaction, and re-assesses the account so scores, alerts and the queue refresh
at once.

The App is not a hub: it holds the book (`book`, `busy`), scores, imports and navigates; every
other flow belongs to the screen (or Account tab) where the CSM starts it. Messages go up,
attributes come down:

- A screen owns its flow: its key's `action_…` pushes the form, and the form's answer calls
  `csdesk.tui.flows.save_account(self, account_id, write, note)` (a write in a worker of the
  App). Keys that act on the highlighted account everywhere (t, n, e) are App bindings to
  `on_account(<action>)`, which runs the screen's `action_<action>` from the `AccountFlows`
  mixin of every screen (csdesk/tui/flows.py); a screen names its account by
  `selected_account_id()`.
- A worker ends by posting a message (csdesk/tui/messages.py: `BookRead`, `AccountSaved`,
  `WorkFailed`, `QbrExported`, `ImportDone`), never by `call_from_thread`; the App answers it by
  setting `book` (watched by every screen) or handing a page to its Account screen.
- Progress: a worker posts `Scoring(done, total)`; the App sets `busy`, and each screen's
  `WorkStatus` shows it (its bar's total and progress bound with `data_bind`).
- Cancellation: a worker thread checks `worker.cancelled_event` (set when the App quits) and
  stops at its next report.
- To open an account, post `OpenAccount(account_id)`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from csdesk.tui.book_view import BookView, Workbench
from csdesk.tui.messages import (
    AccountSaved,
    BookRead,
    ImportDone,
    OpenAccount,
    QbrExported,
    WorkFailed,
)
from csdesk.tui.palette import AccountCommands, ActionCommands
from csdesk.tui.screens.today import TodayScreen

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
        Binding("t", "on_account('log_touchpoint')", "Log"),  # csdesk.tui.flows.AccountFlows
        Binding("n", "on_account('note')", "Note"),
        Binding("e", "on_account('export_qbr')", "QBR"),
        Binding("r", "rescore", "Rescore"),
        Binding("u", "undo", "Undo", show=False),  # the last change made here (tui.editing)
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
        self._skipped_said: set[str] = set()  # rows edited by hand, each told once

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
            if worker.cancelled_event.is_set():  # the app is closing: stop (nothing stored yet)
                raise _Quitting
            now = time.monotonic()
            if now - reported[0] >= PROGRESS_EVERY_S:
                reported[0] = now
                self.post_message(Scoring(done, total))

        shown = []

        def show(book: BookView) -> None:  # on screen first, then the snapshots are stored
            shown.append(book)
            on_screen = threading.Event()
            self.post_message(BookRead(book, on_screen))
            while not (on_screen.wait(0.05) or worker.cancelled_event.is_set()):
                pass

        try:
            book = self.workbench.load(progress, show)
        except _Quitting:
            return
        except Exception as exc:
            self.post_message(WorkFailed("Scoring failed", exc))
            return
        if not shown:
            self.post_message(BookRead(book))

    def on_book_read(self, message: BookRead) -> None:
        self._loaded(message.book)
        if message.shown is not None:
            message.shown.set()

    def on_work_failed(self, message: WorkFailed) -> None:
        self._failed(message.what, message.error)

    def _loaded(self, book: BookView) -> None:
        self._scoring = False
        self.busy = None
        self.book = book
        self._say_skipped()

    def _say_skipped(self) -> None:
        """Rows edited by hand that the read skipped (`csdesk.store.checks`), each said once."""
        from csdesk.store.checks import warnings

        said = self._skipped_said
        for text in warnings(self.workbench.desk.db):
            if text not in said:
                said.add(text)
                self.notify(text, title="Skipped", severity="warning", timeout=15, markup=False)

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
            self.post_message(WorkFailed("Could not load the demo book", exc))
            return
        self.post_message(BookRead(book))

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
    def _import(self, path: str, profile: str | None = None, profiles=None) -> None:
        from csdesk.store.importing import ImportRefused
        from csdesk.tui.screens.mapping import NeedsMapping, needs_mapping

        try:
            report = self.workbench.import_path(path, profile=profile, profiles=profiles)
            book = self.workbench.load()
        except ImportRefused as exc:
            if profile is None and needs_mapping(path, exc.problems):  # issue 21: map it
                from csdesk.store.importing.preview import file_headers

                self.post_message(NeedsMapping(path, exc.lines(),
                                                 file_headers(Path(path).expanduser())))
                return
            problems = exc.lines()
            self.post_message(ImportDone(f"Import refused, nothing written: "
                                         f"{len(exc.problems)} problem(s)", problems, None))
            return
        except Exception as exc:
            self.post_message(WorkFailed("Import failed, nothing written", exc))
            return
        self.post_message(ImportDone("Imported", report, book))

    def on_needs_mapping(self, message) -> None:
        """A CSV file with unknown or missing columns: the mapping screen (issue 21)."""
        from csdesk.tui.screens.mapping import MappingScreen

        self.busy = None
        self.push_screen(MappingScreen(message.path, problems=message.problems,
                                       config_file=self.workbench.config_file,
                                       headers=message.headers),
                         self._mapped)

    def _mapped(self, result) -> None:
        if result:
            path, profile, profiles = result
            self.busy = (f"Importing {path} with profile {profile}…", 0, 0)
            self._import(path, profile, profiles)

    def on_import_done(self, message: ImportDone) -> None:
        self.busy = None
        if message.book is not None:
            self.book = message.book
        self.push_screen(_forms().MessageScreen(message.title, message.lines))

    # --- navigation ---------------------------------------------------------------------------

    def on_open_account(self, message: OpenAccount) -> None:
        self.open_account(message.account_id)

    def open_account(self, account_id: str) -> None:
        screen = self.screen
        AccountScreen = _account_screen()
        if isinstance(screen, AccountScreen) and screen.account_id == account_id:
            return
        self.push_screen(AccountScreen(account_id))

    def action_undo(self) -> None:
        from csdesk.tui.editing import undo_last

        undo_last(self)

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

    def action_on_account(self, action: str) -> None:
        """t, n, e: the flow on the highlighted account belongs to the screen shown (its
        `AccountFlows`); the App only binds the key, so it shows in every footer."""
        run = getattr(self.screen, f"action_{action}", None)
        if run is not None:
            run()

    def check_action(self, action: str, parameters) -> bool | None:
        if isinstance(self.screen, ModalScreen) and action in (
                "on_account", "rescore", "help", "switch_mode"):
            return False
        return True

    # --- what workers report -----------------------------------------------------------------

    def on_account_saved(self, message: AccountSaved) -> None:
        if message.book is not None:
            self.book = message.book
        for screen in self.screen_stack:
            if (isinstance(screen, _account_screen())
                    and screen.account_id == message.detail.account_id):
                screen.read(message.detail, message.started)
        self.notify(message.note, timeout=4, markup=False)  # names in it are data, not markup

    def on_qbr_exported(self, message: QbrExported) -> None:
        self.copy_to_clipboard(message.text)
        self.last_export = message.path
        # Book text (the path holds the account's name) is data: no markup (a Rich Text here
        # would crash the toast: Textual's notify takes a str).
        self.notify(f"QBR agenda written to {message.path} and copied to the clipboard.",
                    title="Exported", timeout=10, markup=False)

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
    from csdesk.desk.settings import config_path

    workbench.config_file = config_path(ctx.args.config)  # where a mapping's profile goes
    app = CsdeskApp(workbench, book_label=str(ctx.book_path))
    try:
        result = app.run()
    finally:
        workbench.close()
    # A crash ends the app with no result: its return code says so (1), not 0 (issue 24).
    return int(result) if result is not None else int(app.return_code or 0)
