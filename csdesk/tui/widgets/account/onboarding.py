"""The Onboarding tab: the milestones with their due dates and checklists, time to first
value, and space to tick a checklist item (items fed by usage data tick themselves)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from csdesk.core.models import ChecklistItem, MilestoneStatus
from csdesk.tui.book_view import AccountDetail
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import due_text, plain, tick
from csdesk.tui.widgets.row_table import Column, RowTable


@dataclass(frozen=True)
class MilestoneLine:
    """A row of the Onboarding tab: a milestone heading, or one of its checklist items."""

    milestone: MilestoneStatus
    item: ChecklistItem | None = None


def milestone_key(line: MilestoneLine):
    return (str(line.milestone.milestone), line.item.key if line.item else "")


class OnboardingTab(AccountTab):
    TITLE = "Onboarding"
    TAB_ID = "onboarding"
    KEYS = [Binding("space", "toggle", "Toggle")]

    def compose(self) -> ComposeResult:
        yield Static("", id="ttfv")
        yield RowTable(
            [Column("Milestone / checklist", 0, min_width=30, ratio=3),
             Column("Status", 8), Column("Due", 30), Column("Data", 0, min_width=16)],
            self._milestone_cells, key=milestone_key, id="milestones",
            empty_text="No onboarding milestones: the account is past onboarding.")

    def render_detail(self, detail: AccountDetail) -> None:
        a = detail.assessment
        lines = [MilestoneLine(m, item) for m in a.milestones for item in (None, *m.items)]
        ttfv = Text(" ")
        if a.time_to_first_value_days is not None:
            ttfv.append(f"Time to first value: {a.time_to_first_value_days} days "
                        "(contract start to M2 done)", style="bold")
        elif a.milestones:
            ttfv.append("Time to first value: not yet (M2 First value is open)", style="dim")
        ttfv.append("   space ticks an item; auto items follow usage data", style="dim")
        self.query_one("#ttfv", Static).update(ttfv)
        self.query_one("#milestones", RowTable).set_rows(lines)

    def _milestone_cells(self, line: MilestoneLine) -> list[Text]:
        m, item = line.milestone, line.item
        as_of = self.detail.assessment.as_of if self.detail else None
        if item is None:
            if m.done:
                status = Text("done", style="green")
                due = Text(f"done {m.done_on.isoformat()}" if m.done_on else "done")
            elif m.overdue:
                status = Text("OVERDUE", style="bold red")
                due = Text(f"{m.due.isoformat()} (", style="red")
                due.append_text(due_text(m.due, as_of, True))
                due.append(")", style="red")
            else:
                status = Text("open")
                due = Text(f"{m.due.isoformat()} (")
                due.append_text(due_text(m.due, as_of))
                due.append(")")
            window = f"days {m.window[0]}–{m.window[1]}"
            return [Text(m.name, style="bold"), status, due, Text(window, style="dim")]
        mark = Text(f"  {tick(item.done)} ", style="green" if item.done else "")
        mark.append_text(plain(item.text))
        return [mark, Text("auto" if item.auto else ("done" if item.done else ""),
                           style="dim" if item.auto else "green"),
                Text(f"done {item.done_on.isoformat()}" if item.done_on else ""),
                plain(item.detail or "")]

    def action_toggle(self) -> None:
        line = self.query_one("#milestones", RowTable).highlighted
        if line is None or line.item is None:
            self.notify("Choose a checklist item (j/k), then space.")
            return
        if line.item.auto:
            self.notify("This item follows the usage data; it ticks itself.")
            return
        milestone, item, done = line.milestone.milestone, line.item.key, not line.item.done
        self.save(lambda: self.app.workbench.set_checklist_item(self.account_id, milestone,
                                                                item, done),
                  "Ticked." if done else "Unticked.")
