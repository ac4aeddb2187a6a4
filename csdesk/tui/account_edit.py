"""Accounts added (`a` on Accounts) and edited (`E` on Account) from the workbench: the form
checks the fields like an import row, the save is one transaction, the account is re-assessed
at once (`csdesk.desk.editing`), and `u` undoes it."""

from __future__ import annotations

from textual.dom import DOMNode

from csdesk.core.models import Account
from csdesk.tui.editing import change
from csdesk.tui.widgets.look import printable


def edit_account(node: DOMNode, account: Account | None) -> None:
    """The account form on `account` (None: a new account); saved when the form is, and a new
    account opened."""
    from csdesk.tui.forms_plans import AccountForm

    def saved(new: Account | None) -> None:
        if new is None:
            return

        def write(desk):
            from csdesk.desk import editing

            made = (editing.edit_account if account else editing.add_account)(desk, new)
            if account is None:  # written: its page can be read
                app.call_from_thread(app.open_account, new.account_id)
            return made

        app = node.app
        change(node, new.account_id, write,
               f"{'Saved' if account else 'Added'} {printable(new.name, single_line=True)}.")

    node.app.push_screen(AccountForm(account), saved)
