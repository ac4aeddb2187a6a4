"""Changes to the plans and corrections from the workbench, each undoable with `u` while the
workbench is open (docs/workflow.md): a write here is one transaction of `csdesk.store.editing`
that returns what it changed; the last one is kept on the App and `u` puts it back."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.dom import DOMNode

from csdesk.desk.desk import Desk
from csdesk.store.editing import Change, last_plan_id, undo
from csdesk.tui.flows import save_account
from csdesk.tui.widgets.look import printable


def change(node: DOMNode, account_id: str, write: Callable[[Desk], Change | None],
           note: str) -> None:
    """Run `write(desk)` (one transaction) in a worker as the screens save (`save_account`),
    keep what it changed for `u`, and re-read the account."""
    app = node.app

    def run() -> None:
        workbench = app.workbench
        with workbench.lock:
            plans = last_plan_id(workbench.desk.db)
            made = write(workbench.desk)
        if made is not None:
            app.last_change = (account_id, made, plans)

    save_account(node, account_id, run, note)


def undo_last(node: DOMNode) -> None:
    """`u`: put back the last change made in this workbench (once)."""
    app = node.app
    last = getattr(app, "last_change", None)
    if last is None:
        app.notify("Nothing to undo (u undoes the last change made in this workbench).")
        return
    app.last_change = None
    account_id, made, plans = last

    def run() -> None:
        with app.workbench.lock:
            undo(app.workbench.desk.db, made, drafts_after=plans)

    save_account(node, account_id, run, f"Undone: {made.what}.")


def confirm(node: DOMNode, question: str, then: Callable[[], None]) -> None:
    """Ask once (y / Enter: yes); `then` runs on yes."""
    from csdesk.tui.forms import ConfirmForm

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    node.app.push_screen(ConfirmForm(Text(printable(question))), answered)
