"""The Success plan tab: the account's goals with status, target date and ROI note; space
moves the highlighted goal to its next status."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from csdesk.core.models import Goal
from csdesk.tui.book_view import AccountDetail
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain
from csdesk.tui.widgets.row_table import Column, RowTable

GOAL_STYLE = {"achieved": "green", "on_track": "green", "not_started": "",
              "at_risk": "yellow", "missed": "red"}


def goal_cells(goal: Goal) -> list[Text]:
    status = str(goal.status)
    return [plain(goal.goal, style="bold"),
            Text(status.replace("_", " "), style=GOAL_STYLE.get(status, "")),
            Text(goal.target_date.isoformat() if goal.target_date else "—"),
            plain(goal.roi_note or "")]


class SuccessPlanTab(AccountTab):
    TITLE = "Success plan"
    TAB_ID = "plan"
    KEYS = [Binding("space", "toggle", "Toggle")]

    def compose(self) -> ComposeResult:
        yield Static("", id="plan-note")
        yield RowTable(
            [Column("Goal", 0, min_width=24), Column("Status", 12), Column("Target", 10),
             Column("ROI note", 0, min_width=20)],
            goal_cells, key=lambda g: g.goal, id="goals",
            empty_text="No success-plan goals yet.")

    def render_detail(self, detail: AccountDetail) -> None:
        self.query_one("#plan-note", Static).update(Text(
            " space cycles the status: not started → on track → at risk → achieved → missed",
            style="dim"))
        self.query_one("#goals", RowTable).set_rows(list(detail.data.goals))

    def action_toggle(self) -> None:
        goal = self.query_one("#goals", RowTable).highlighted
        if goal is not None:
            self.save(lambda: self.app.workbench.cycle_goal(self.account_id, goal.goal,
                                                            goal.status),
                      "Goal status changed.")
