"""The Success plan tab: the account's goals with status, target date and ROI note, edited
here (docs/workflow.md): a adds a goal, Enter edits one, space moves it to its next status (an
achieved goal asks for its ROI note: the expansion gate reads it), x removes it (asked once).
M1's "3-5 measurable goals" ticks itself once 3-5 goals have target dates."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from csdesk.core.models import Goal, GoalStatus
from csdesk.core.plans import measurable_goals, next_goal_status
from csdesk.tui.book_view import AccountDetail
from csdesk.tui.editing import change, confirm
from csdesk.tui.flows import keep_open
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain, printable
from csdesk.tui.widgets.row_table import Column, RowTable

GOAL_STYLE = {"achieved": "green", "on_track": "green", "not_started": "",
              "at_risk": "yellow", "missed": "red"}

def goal_cells(goal: Goal) -> list[Text]:
    status = str(goal.status)
    roi = (plain(goal.roi_note) if goal.roi_note else
           Text("ROI note needed", style="bold yellow") if status == "achieved" else Text(""))
    return [plain(goal.goal, style="bold"),
            Text(status.replace("_", " "), style=GOAL_STYLE.get(status, "")),
            Text(goal.target_date.isoformat() if goal.target_date else "—"), roi]


def _goal_id(db, goal: Goal) -> int:
    row = db.execute("SELECT id FROM goals WHERE account_id = ? AND goal = ?",
                     [goal.account_id, goal.goal]).fetchone()
    if row is None:
        from csdesk.store.editing import NoSuchRecord

        raise NoSuchRecord("the goal is no longer in the book (changed elsewhere?)")
    return row[0]


class SuccessPlanTab(AccountTab):
    TITLE = "Success plan"
    TAB_ID = "plan"
    KEYS = [
        Binding("a", "add", "Add"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("space", "toggle", "Toggle"),
        Binding("x", "delete", "Delete"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-note")
        yield RowTable(
            [Column("Goal", 0, min_width=24), Column("Status", 12), Column("Target", 10),
             Column("ROI note", 0, min_width=20)],
            goal_cells, key=lambda g: g.goal, id="goals",
            empty_text="No success-plan goals yet. a adds one (3-5 measurable goals).")

    def render_detail(self, detail: AccountDetail) -> None:
        goals = list(detail.data.goals)
        low, high = self.app.workbench.rules.onboarding.m1_goals
        dated = measurable_goals(goals)
        note = Text(" ")
        note.append(f"{dated} goal{'' if dated == 1 else 's'} with target dates",
                    style="green" if low <= dated <= high else "yellow")
        note.append(f" (the success plan wants {low}-{high})  ·  a adds · Enter edits · "
                    "space next status · x removes · u undoes", style="dim")
        self.query_one("#plan-note", Static).update(note)
        self.query_one("#goals", RowTable).set_rows(goals)

    @property
    def highlighted(self) -> Goal | None:
        return self.query_one("#goals", RowTable).highlighted

    def edit_goal(self, goal: Goal | None, status: str | None = None) -> None:
        """The goal form on `goal` (None: a new goal), with `status` chosen already."""
        from csdesk.tui.forms_plans import GoalForm

        def saved(new: Goal | None) -> None:
            if new is None:
                return

            def write(desk):
                from csdesk.store import editing

                if goal is None:
                    return editing.add_goal(desk.db, new)
                return editing.set_goal(desk.db, _goal_id(desk.db, goal), new)

            change(self, self.account_id, write,
                   f"Goal {'saved' if goal else 'added'}: {printable(new.goal, single_line=True)}")

        self.app.push_screen(keep_open(GoalForm(self.account_id, self.account_name, goal, status),
                                       saved), saved)

    def action_add(self) -> None:
        self.edit_goal(None)

    def action_edit(self) -> None:
        if self.highlighted is not None:
            self.edit_goal(self.highlighted)

    @on(RowTable.Selected, "#goals")
    def goal_chosen(self, event: RowTable.Selected) -> None:
        self.edit_goal(event.row)

    def action_toggle(self) -> None:
        goal = self.highlighted
        if goal is None:
            return
        new_status = next_goal_status(goal.status)  # the core's cycle
        if new_status == GoalStatus.achieved and not (goal.roi_note or "").strip():
            self.edit_goal(goal, status=str(new_status))  # achieved asks for its ROI
            return
        new = goal.model_copy(update={"status": new_status})

        def write(desk):
            from csdesk.store import editing

            return editing.set_goal(desk.db, _goal_id(desk.db, goal), new)

        change(self, self.account_id, write,
               f"Goal now {str(new_status).replace('_', ' ')}.")

    def action_delete(self) -> None:
        goal = self.highlighted
        if goal is None:
            return

        def delete() -> None:
            def write(desk):
                from csdesk.store import editing

                return editing.delete_record(desk.db, "goal", _goal_id(desk.db, goal))

            change(self, self.account_id, write, "Goal removed (u undoes).")

        confirm(self, f"Remove the goal “{printable(goal.goal, single_line=True)}”?", delete)
