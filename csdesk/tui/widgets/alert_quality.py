"""Portfolio's alert quality panel (docs/workflow.md): per trigger kind over the last 90 days,
how many items were raised, answered, snoozed, and snoozed as not relevant, so the rules a CSM
finds noisy show. Read in a worker on a connection of its own (`Workbench.alert_quality`)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.widgets import Static

from csdesk.core.work import AlertQuality


def alert_quality_table(rows: list[AlertQuality], days: int) -> Table | Text:
    if not rows:
        return Text(f"Alert quality (last {days} days)\nNo items raised, answered or snoozed "
                    "yet: Today records them as it shows them.")
    table = Table(title=f"Alert quality, last {days} days", title_justify="left",
                  box=None, padding=(0, 1))
    table.add_column("Trigger")
    for name in ("Raised", "Answered", "Snoozed", "Not relevant"):
        table.add_column(name, justify="right")
    for q in rows:
        noisy = q.noisy
        table.add_row(Text(q.kind.replace("_", " ")), str(q.raised), str(q.answered),
                      str(q.snoozed),
                      Text(f"{q.not_relevant}" + (" noisy" if noisy else ""),
                           style="bold yellow" if noisy else ""))
    return table


class AlertQualityPanel(Static):
    """The panel; `load()` reads it again (each time Portfolio shows the book)."""

    def load(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group="alert-quality")
    def _read(self) -> None:
        app = self.app
        try:
            rows = app.workbench.alert_quality()
            days = app.workbench.rules.work.alert_quality_days
            shown = alert_quality_table(rows, days)
        except Exception as exc:  # show, don't crash: the other panels still work
            shown = Text(f"Could not read alert quality: {exc}", style="red")
        app.call_from_thread(self.update, shown)
