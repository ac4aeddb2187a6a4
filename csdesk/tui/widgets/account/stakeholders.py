"""The Stakeholders tab: the contacts by role (buyer, champion, sponsor first), the warnings
about the map (no champion, a departed one, …), and the keys that add, edit and mark departed."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from csdesk.core.models import ContactStatus, Role
from csdesk.tui.book_view import AccountDetail, ContactLine, stakeholder_warnings
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain, printable
from csdesk.tui.widgets.row_table import Column, RowTable

ROLE_ORDER = [Role.economic_buyer, Role.champion, Role.executive_sponsor, Role.executive,
              Role.user, Role.skeptic, Role.other]


def contact_cells(line: ContactLine) -> list[Text]:
    c = line.contact
    departed = c.status == ContactStatus.departed
    status = Text("departed", style="bold red") if departed else Text("active")
    if departed and c.departed_on:
        status = Text(f"left {c.departed_on:%m-%d}", style="bold red")
    sentiment = {"positive": Text("positive", style="green"),
                 "negative": Text("negative", style="red")}.get(
        str(c.sentiment) if c.sentiment else "", Text(str(c.sentiment or "—")))
    return [Text(str(c.role).replace("_", " ")), plain(c.name, style="bold"),
            plain(c.title or ""), status, sentiment,
            Text(line.last_contact.isoformat() if line.last_contact else "—"),
            plain(c.success_definition or "")]


class StakeholdersTab(AccountTab):
    TITLE = "Stakeholders"
    TAB_ID = "stakeholders"
    KEYS = [
        Binding("a", "add_contact", "Add"),
        Binding("enter", "edit_contact", "Edit", show=False),
        Binding("d", "depart", "Departed"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="stake-warnings")
        yield RowTable(
            [Column("Role", 18), Column("Name", 0, min_width=18), Column("Title", 20),
             Column("Status", 9), Column("Sentiment", 9), Column("Last contact", 12),
             Column("Definition of success", 0, min_width=20)],
            contact_cells, key=lambda c: c.rowid, id="contacts",
            empty_text="No stakeholders mapped. Press a to add one.")

    def render_detail(self, detail: AccountDetail) -> None:
        warnings = stakeholder_warnings([c.contact for c in detail.contacts])
        warn = Text()
        for w in warnings:
            warn.append(" ⚠ ", style="bold yellow")
            warn.append_text(plain(w, style="bold yellow"))
            warn.append("\n")
        warn.append(" a adds a stakeholder · Enter edits · d marks departed", style="dim")
        self.query_one("#stake-warnings", Static).update(warn)
        order = {role: i for i, role in enumerate(ROLE_ORDER)}
        contacts = sorted(detail.contacts, key=lambda c: (order.get(Role(c.contact.role), 99),
                                                          c.contact.status != "active",
                                                          c.contact.name.casefold()))
        self.query_one("#contacts", RowTable).set_rows(contacts)

    @property
    def highlighted(self) -> ContactLine | None:
        return self.query_one("#contacts", RowTable).highlighted

    def edit_contact(self, line: ContactLine | None) -> None:
        """The contact form, on `line` or on a new contact; saved when the form is."""
        from csdesk.tui.forms import ContactEdit, ContactForm

        def saved(edit: ContactEdit | None) -> None:
            if edit is not None:
                self.save(lambda: self.app.workbench.save_contact(edit.contact, edit.rowid),
                          f"Saved {printable(edit.contact.name, single_line=True)}.")

        self.app.push_screen(ContactForm(self.account_id, self.account_name,
                                         line.contact if line else None,
                                         line.rowid if line else None), saved)

    def action_add_contact(self) -> None:
        self.edit_contact(None)

    def action_edit_contact(self) -> None:
        line = self.highlighted
        if line is not None:
            self.edit_contact(line)

    @on(RowTable.Selected, "#contacts")
    def contact_chosen(self, event: RowTable.Selected) -> None:
        self.edit_contact(event.row)

    def action_depart(self) -> None:
        line = self.highlighted
        if line is None:
            return
        if line.contact.status == ContactStatus.departed:
            self.notify("Already marked departed.")
            return
        self.save(lambda: self.app.workbench.mark_departed(line.rowid),
                  f"Marked {printable(line.contact.name, single_line=True)} departed "
                  f"on {self.app.as_of}.")
