"""The flows a screen owns over the account it shows or highlights: log a touchpoint (t), add
a note (n), export the QBR agenda (e), log a renewal outcome; and `save_account`, the one way a
screen saves a change to an account.

A flow lives in the screen (or the Account tab) where the CSM starts it: it pushes its form,
and on the form's answer calls `save_account` with the write. The write runs in a worker of the
App (so it outlives a screen closed meanwhile) that ends by posting `AccountSaved` (or
`WorkFailed`) to the App, which swaps the account into the book and hands the page to its
Account screen. See csdesk/tui/app.py for the pattern in full."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.dom import DOMNode

from csdesk.tui.messages import AccountSaved, QbrExported, WorkFailed
from csdesk.tui.widgets.look import printable

if TYPE_CHECKING:
    from csdesk.core.models import Touchpoint
    from csdesk.tui.forms import RenewalEntry, TouchpointEntry


def _forms():
    from csdesk.tui import forms  # imported when a form is first shown

    return forms


def save_account(node: DOMNode, account_id: str, write: Callable[[], object],
                 note: str) -> None:
    """Run `write` (one transaction) in a worker, then re-read the book's view of the account
    and its page; the App shows both and tells the CSM `note` (book text: never markup)."""
    app = node.app
    # The form this save came from, kept open until the write is done (`keep_open`).
    form = app.screen if getattr(app.screen, "saving", None) is not None else None

    def save() -> None:
        try:
            write()
        except Exception as exc:
            if form is not None and form.is_attached:  # it says why, with the text kept
                app.call_from_thread(form.save_failed, exc)
            else:
                app.post_message(WorkFailed("Not saved", exc))
            return
        if form is not None and form.is_attached:
            app.call_from_thread(form.dismiss, None)
        started = time.monotonic()  # the page is read after the write
        try:
            book, detail = app.workbench.refreshed(app.book, account_id)
        except Exception as exc:
            app.post_message(WorkFailed("Saved, but the refresh failed", exc))
            return
        app.post_message(AccountSaved(book, detail, note, started))

    app.run_worker(save, thread=True, group="save", exit_on_error=False)


def keep_open(form, saved: Callable[[object], None]):
    """`form`, which on ctrl+s calls `saved` (which calls `save_account`) and stays open until
    the write is done: a failed write leaves it open with what was typed (issue 24)."""
    form.saving = saved
    return form


def export_qbr(node: DOMNode, account_id: str) -> None:
    """Write the account's QBR agenda in a worker; it ends by posting `QbrExported`."""
    app = node.app

    def export() -> None:
        try:
            path = app.workbench.qbr_export(account_id)
            text = path.read_text(encoding="utf-8")
        except ImportError:  # notify posts a message: safe from the worker's thread
            app.notify("The QBR export is not in this build yet.", severity="warning")
            return
        except Exception as exc:
            app.post_message(WorkFailed("QBR export failed", exc))
            return
        app.post_message(QbrExported(path, text))

    app.run_worker(export, thread=True, group="export", exit_on_error=False)


class AccountFlows:
    """Mixed into a Screen: t, n, e and the renewal outcome on `selected_account_id()` (the
    App binds the keys to `on_account(<action>)`, so they show in every screen's footer)."""

    def selected_account_id(self) -> str | None:
        """The account `t`, `n` and `e` act on (the highlighted row), or None."""
        return None

    def current_account(self) -> tuple[str, str, float] | None:
        """(id, name, ARR) of the account `t`, `n`, `e` act on, or None (and say so)."""
        account_id = self.selected_account_id()
        book = self.app.book
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

        self.open_touchpoint_form(account_id, name)

    def open_touchpoint_form(self, account_id: str, name: str,
                             prefill: Touchpoint | None = None) -> None:
        """The touchpoint form (pre-filled with the response a Today item asks for); its
        next step becomes a task in the same transaction."""

        def saved(entry: TouchpointEntry | None) -> None:
            if entry is not None:
                t = entry.touchpoint
                step = f"; next step set for {entry.next_due or 'no date'}" if (
                    entry.next_step) else ""
                save_account(self, account_id,
                             lambda: self.app.workbench.log_touchpoint(
                                 t, next_step=entry.next_step, next_due=entry.next_due),
                             f"Logged {t.status} {t.kind.replace('_', '-')} "
                             f"with {printable(name, single_line=True)} on {t.date}{step}.")

        self.app.push_screen(keep_open(_forms().TouchpointForm(account_id, name, self.app.as_of,
                                                               prefill), saved), saved)

    def action_note(self) -> None:
        current = self.current_account()
        if current is None:
            return
        account_id, name, _ = current

        def saved(text: str | None) -> None:
            if text:
                save_account(self, account_id,
                             lambda: self.app.workbench.add_note(account_id, text),
                             f"Noted on {printable(name, single_line=True)}.")

        self.app.push_screen(keep_open(_forms().NoteForm(account_id, name), saved), saved)

    def action_export_qbr(self) -> None:
        current = self.current_account()
        if current is not None:
            export_qbr(self, current[0])

    def action_renewal_outcome(self) -> None:
        current = self.current_account()
        if current is not None:
            self.log_renewal_outcome(current[0])

    def log_renewal_outcome(self, account_id: str | None) -> None:
        book = self.app.book
        assessment = book.assessments.get(account_id) if (book and account_id) else None
        if assessment is None:
            self.notify("Highlight an account first.")
            return
        name = assessment.account.name

        def saved(entry: RenewalEntry | None) -> None:
            if entry is not None:
                save_account(self, account_id, lambda: self.app.workbench.log_renewal(
                    account_id, entry.outcome, entry.day, entry.new_arr, entry.reason,
                    entry.preventable, entry.competitor),
                    f"Logged {entry.outcome} for {printable(name, single_line=True)}.")

        from csdesk.core.renewals import outcome_day

        form = _forms().RenewalForm(account_id, name, assessment.account.arr,
                                    outcome_day(assessment.account, self.app.as_of))
        self.app.push_screen(keep_open(form, saved), saved)
