"""The Stakeholders tab: the stakeholder map as a map (docs/workflow.md), the reporting lines
drawn as a tree, each person with role, influence, sentiment and last contact (the last
completed touchpoint that names them); the warnings about the map; a adds a stakeholder,
Enter edits one, d marks one departed and x deletes one (each asked once)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree

from csdesk.core.models import ContactStatus, Role
from csdesk.core.stakeholders import Stakeholder, map_warnings, stakeholder_tree
from csdesk.core.stakeholders import stakeholder_warnings
from csdesk.tui.book_view import AccountDetail, ContactLine
from csdesk.tui.editing import change, confirm
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain, printable

ROLE_ORDER = [Role.economic_buyer, Role.champion, Role.executive_sponsor, Role.executive,
              Role.user, Role.skeptic, Role.other]
INFLUENCE_STYLE = {"high": "bold magenta", "medium": "magenta", "low": "dim"}
SENTIMENT_STYLE = {"positive": "green", "negative": "red", "neutral": ""}


def person_label(node: Stakeholder) -> Text:
    """"Ana Ruiz · VP Ops · champion · high influence · positive · met 2026-11-20"."""
    c = node.contact
    t = plain(c.name, style="bold")
    if c.title:
        t.append(" · ")
        t.append_text(plain(c.title, style="dim"))
    t.append(" · ")
    t.append(str(c.role).replace("_", " "), style="cyan")
    if c.influence:
        t.append(" · ")
        t.append(f"{c.influence} influence", style=INFLUENCE_STYLE.get(str(c.influence), ""))
    if c.sentiment:
        t.append(" · ")
        t.append(str(c.sentiment), style=SENTIMENT_STYLE.get(str(c.sentiment), ""))
    t.append(" · ")
    if c.status == ContactStatus.departed:
        t.append(f"departed{f' {c.departed_on}' if c.departed_on else ''}", style="bold red")
    elif node.last_contact:
        t.append(f"met {node.last_contact}")
    else:
        t.append("never met", style="yellow")
    return t


class StakeholdersTab(AccountTab):
    TITLE = "Stakeholders"
    TAB_ID = "stakeholders"
    KEYS = [
        Binding("a", "add", "Add"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("d", "depart", "Departed"),
        Binding("x", "delete", "Delete"),
    ]

    DEFAULT_CSS = """
    StakeholdersTab #stake-tree { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="stake-warnings")
        tree: Tree[ContactLine] = Tree("Reporting lines", id="stake-tree")
        tree.auto_expand = False
        tree.show_root = False
        yield tree

    def render_detail(self, detail: AccountDetail) -> None:
        contacts = [line.contact for line in detail.contacts]
        as_of = detail.assessment.as_of
        warnings = stakeholder_warnings(contacts) + map_warnings(
            contacts, detail.data.touchpoints, as_of, self.app.workbench.rules)
        warn = Text()
        for w in warnings:
            warn.append(" ⚠ ", style="bold yellow")
            warn.append_text(plain(w, style="bold yellow"))
            warn.append("\n")
        warn.append(" a adds a stakeholder · Enter edits · d marks departed · x deletes · "
                    "u undoes", style="dim")
        self.query_one("#stake-warnings", Static).update(warn)
        tree = self.query_one("#stake-tree", Tree)
        chosen = tree.cursor_node.data.rowid if tree.cursor_node and tree.cursor_node.data \
            else None
        tree.clear()
        order = {role: i for i, role in enumerate(ROLE_ORDER)}

        def key(node: Stakeholder):
            c = node.contact
            return (c.status != ContactStatus.active, order.get(Role(c.role), 99),
                    c.name.casefold())

        cursor = None

        def add(parent, node: Stakeholder) -> None:
            nonlocal cursor
            line = detail.contacts[node.index]
            if node.reports:
                branch = parent.add(person_label(node), data=line, expand=True)
                for child in sorted(node.reports, key=key):
                    add(branch, child)
            else:
                branch = parent.add_leaf(person_label(node), data=line)
            if line.rowid == chosen:
                cursor = branch

        for root in sorted(stakeholder_tree(contacts, detail.data.touchpoints, as_of), key=key):
            add(tree.root, root)
        if not contacts:
            tree.root.add_leaf(Text("No stakeholders mapped. Press a to add one.", style="dim"))
        if cursor is not None:
            tree.move_cursor(cursor)
        elif tree.cursor_line < 0 and contacts:
            tree.cursor_line = 0

    def on_show(self) -> None:
        """Shown: the map takes the keys (↑↓ move, Enter edits)."""
        self.query_one("#stake-tree", Tree).focus()

    @property
    def highlighted(self) -> ContactLine | None:
        node = self.query_one("#stake-tree", Tree).cursor_node
        return node.data if node is not None and isinstance(node.data, ContactLine) else None

    def edit_contact(self, line: ContactLine | None) -> None:
        """The contact form, on `line` or on a new contact; saved when the form is."""
        from csdesk.tui.forms import ContactEdit, ContactForm

        def saved(edit: ContactEdit | None) -> None:
            if edit is None:
                return

            def write(desk):
                from csdesk.store import editing, writes

                if edit.rowid is None:
                    rowid = writes.save_contact(desk.db, edit.contact)
                    return editing.Change("Added a stakeholder",
                                          [("contacts", "id", rowid, None)])
                made = editing.update_record(desk.db, "stakeholder", edit.rowid, {})
                writes.save_contact(desk.db, edit.contact, rowid=edit.rowid)
                return made

            change(self, self.account_id, write,
                   f"Saved {printable(edit.contact.name, single_line=True)}.")

        from csdesk.tui.flows import keep_open

        form = ContactForm(self.account_id, self.account_name,
                           line.contact if line else None, line.rowid if line else None)
        self.app.push_screen(keep_open(form, saved), saved)

    def action_add(self) -> None:
        self.edit_contact(None)

    def action_edit(self) -> None:
        line = self.highlighted
        if line is not None:
            self.edit_contact(line)

    @on(Tree.NodeSelected, "#stake-tree")
    def contact_chosen(self, event: Tree.NodeSelected) -> None:
        if isinstance(event.node.data, ContactLine):
            self.edit_contact(event.node.data)

    def action_depart(self) -> None:
        line = self.highlighted
        if line is None:
            return
        if line.contact.status == ContactStatus.departed:
            self.notify("Already marked departed.")
            return
        name = printable(line.contact.name, single_line=True)
        extra = (" A champion's departure is a critical alert and starts a save plan."
                 if line.contact.role == Role.champion else "")

        def depart() -> None:
            def write(desk):
                from csdesk.store import editing

                return editing.update_record(desk.db, "stakeholder", line.rowid, {
                    "status": "departed", "departed_on": self.app.as_of.isoformat()})

            change(self, self.account_id, write,
                   f"Marked {name} departed on {self.app.as_of} (u undoes).")

        confirm(self, f"Mark {name} departed on {self.app.as_of}?{extra}", depart)

    def action_delete(self) -> None:
        line = self.highlighted
        if line is None:
            return
        name = printable(line.contact.name, single_line=True)

        def delete() -> None:
            def write(desk):
                from csdesk.store import editing

                return editing.delete_record(desk.db, "stakeholder", line.rowid)

            change(self, self.account_id, write, f"Deleted {name} (u undoes).")

        confirm(self, f"Delete {name} from the map? (Departed people are better marked "
                      "departed: d)", delete)
