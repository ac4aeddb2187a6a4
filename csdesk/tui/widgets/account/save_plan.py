"""The Save plan tab (docs/workflow.md): the seed's template, every field editable from the
keyboard. w writes the plan's fields (root cause, executive alignment, success criteria at
30/60/90 days, the go/no-go checkpoint, status open/won/lost); a adds a remediation action,
Enter edits one, space marks it done (or not), x deletes it (asked once). The plan counts
(answers its critical alert) once it has a root cause and one action with an owner and a due
date; until then it is a draft and the tab says what is left."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from csdesk.core.models import RemediationAction, SavePlan
from csdesk.core.plans import PLAN_TEXT_FIELDS, current_plan, plan_state, what_is_left
from csdesk.tui.book_view import AccountDetail
from csdesk.tui.editing import change, confirm
from csdesk.tui.flows import keep_open
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain, printable
from csdesk.tui.widgets.row_table import Column, RowTable

STATE_STYLE = {"draft": "bold yellow", "open": "bold", "won": "bold green", "lost": "bold red"}


class SavePlanTab(AccountTab):
    TITLE = "Save plan"
    TAB_ID = "save-plan"
    KEYS = [
        Binding("w", "write_plan", "Write plan"),
        Binding("a", "add", "Add"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("space", "toggle", "Done"),
        Binding("x", "delete", "Delete"),
    ]

    DEFAULT_CSS = """
    SavePlanTab #plan-text { height: auto; max-height: 60%; margin: 0 1; }
    SavePlanTab #plan-actions { height: 1fr; min-height: 4; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plan-text"):
            yield Static("", id="plan-fields")
        yield RowTable(
            [Column("Remediation action", 0, min_width=24), Column("Owner", 16),
             Column("Due", 10), Column("Done", 10)],
            _action_cells, key=lambda a: a.id, id="plan-actions",
            empty_text="No remediation actions. a adds one (text, owner, due date).")

    @property
    def plan(self) -> SavePlan | None:
        return current_plan(self.detail.data.save_plans) if self.detail else None

    def render_detail(self, detail: AccountDetail) -> None:
        plan = self.plan
        self.query_one("#plan-fields", Static).update(plan_text(plan, detail.assessment.as_of))
        self.query_one("#plan-actions", RowTable).set_rows(
            list(plan.remediation_actions) if plan else [])

    # --- keys -------------------------------------------------------------------------------

    def _suggestion(self) -> str:
        from csdesk.core.alerts import suggested_root_cause

        plan, detail = self.plan, self.detail
        if plan is None or detail is None:
            return ""
        alert = next((a for a in detail.assessment.alerts if a.trigger == plan.trigger), None)
        if alert is None:
            return ""
        return suggested_root_cause(alert, detail.data, detail.assessment.as_of,
                                    self.app.workbench.rules, health=detail.assessment.health)

    def action_write_plan(self) -> None:
        from csdesk.tui.forms_plans import PlanForm

        plan = self.plan or SavePlan(
            account_id=self.account_id, trigger="manual", trigger_date=self.app.as_of,
            checkpoint_date=self.app.as_of + dt.timedelta(
                days=self.app.workbench.rules.alerts.save_plan_checkpoint_days))

        def saved(values: dict | None) -> None:
            if values is None:
                return

            def write(desk):
                from csdesk.desk.editing import plan_to_edit
                from csdesk.store import editing

                target, created = plan_to_edit(desk, self.account_id)
                made = editing.set_plan(desk.db, target.id, values)
                if created is not None:  # undo removes the plan created for it
                    made.rows = created.rows + made.rows
                return made

            said = "Save plan saved."
            written = plan.model_copy(update=values)  # as it stands once saved
            if plan_state(written) == "draft":
                # A draft does not answer its alert (docs/rules.md): say all it still needs.
                # The box's grey text is the book's suggestion, not a root cause.
                hint = ("" if written.root_cause.strip()
                        else " (the grey text is only a suggestion)")
                said = f"Save plan saved; still a draft: {what_is_left(written)}{hint}."
            change(self, self.account_id, write, said)

        self.app.push_screen(keep_open(PlanForm(self.account_name, plan, self._suggestion()),
                                       saved), saved)

    def _edit_action(self, action: RemediationAction | None) -> None:
        from csdesk.tui.forms_plans import ActionForm

        owner = self.detail.assessment.account.owner if self.detail else ""

        def saved(new: RemediationAction | None) -> None:
            if new is None:
                return

            def write(desk):
                from csdesk.desk.editing import plan_to_edit
                from csdesk.store import editing

                if action is not None:
                    return editing.set_action(desk.db, action.id, new)
                target, created = plan_to_edit(desk, self.account_id)
                made = editing.add_action(desk.db, target.id, new)
                if created is not None:
                    made.rows = created.rows + made.rows
                return made

            change(self, self.account_id, write,
                   f"Remediation action {'saved' if action else 'added'}.")

        self.app.push_screen(keep_open(ActionForm(self.account_name, action, owner or "",
                                                  self.app.as_of), saved), saved)

    @property
    def highlighted(self) -> RemediationAction | None:
        return self.query_one("#plan-actions", RowTable).highlighted

    def action_add(self) -> None:
        self._edit_action(None)

    def action_edit(self) -> None:
        if self.highlighted is not None:
            self._edit_action(self.highlighted)

    @on(RowTable.Selected, "#plan-actions")
    def action_chosen(self, event: RowTable.Selected) -> None:
        self._edit_action(event.row)

    def action_toggle(self) -> None:
        action = self.highlighted
        if action is None:
            return
        on = None if action.done_on else self.app.as_of

        def write(desk):
            from csdesk.store import editing

            return editing.action_done(desk.db, action.id, on)

        change(self, self.account_id, write,
               f"Marked done on {on}." if on else "Marked not done.")

    def action_delete(self) -> None:
        action = self.highlighted
        if action is None:
            return

        def delete() -> None:
            def write(desk):
                from csdesk.store import editing

                return editing.delete_record(desk.db, "action", action.id)

            change(self, self.account_id, write, "Remediation action deleted (u undoes).")

        confirm(self, f"Delete the remediation action “{printable(action.action, single_line=True)}”?",
                delete)


def _action_cells(a: RemediationAction) -> list[Text]:
    done = a.done_on is not None
    return [plain(a.action, style="strike dim" if done else "bold"),
            plain(a.owner) if a.owner else Text("no owner", style="yellow"),
            Text(a.due.isoformat()) if a.due else Text("no date", style="yellow"),
            Text(a.done_on.isoformat() if done else "—", style="green" if done else "")]


def plan_text(plan: SavePlan | None, as_of: dt.date) -> Text:
    """The plan's own fields, book text shown as typed (never markup)."""
    t = Text()
    if plan is None:
        t.append("No save plan for this account. ", style="bold")
        t.append("One is created with every critical alert; w writes one now.", style="dim")
        return t
    state = plan_state(plan)
    t.append("Save plan ", style="bold")
    t.append(state, style=STATE_STYLE.get(state, ""))
    t.append(f" · {plan.trigger.replace('_', ' ')} on {plan.trigger_date}", style="dim")
    if plan.checkpoint_date:
        days = (plan.checkpoint_date - as_of).days
        when = f"in {days} days" if days >= 0 else f"{-days} days ago"
        t.append(f" · go/no-go {plan.checkpoint_date} ({when})")
    left = what_is_left(plan)
    if left and state == "draft":
        t.append("\nLeft: ", style="bold yellow")
        t.append(f"{left} (w writes the plan, a adds an action)", style="yellow")
    for name, label in PLAN_TEXT_FIELDS.items():
        value = getattr(plan, name)
        t.append(f"\n{label}: ", style="dim")
        if value.strip():
            t.append_text(plain(value, single_line=False))
        else:
            t.append("not written", style="italic yellow")
    t.append("\nw writes the plan · a adds an action · Enter edits · space done · x deletes · "
             "u undoes", style="dim")
    return t
