"""How a band, a trend, a level and a due date look: colour plus words, never colour alone.

Everything returns `rich.text.Text` built with `Text(...)`/`append`, so text from the book is
never parsed as markup; `plain()` also makes control characters visible (csdesk.core.text).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text

from csdesk.core.models import Band
from csdesk.tui.book_view import due_words

try:  # the shared "text from the book is data" helper, when present
    from csdesk.core.text import printable
except ImportError:  # pragma: no cover
    def printable(text: str | None, *, single_line: bool = False) -> str:
        return (text or "").replace("\n", " ") if single_line else (text or "")

BAND_STYLE = {
    Band.red: "bold red",
    Band.yellow: "bold yellow",
    Band.green: "bold green",
    Band.unknown: "dim",
}
BAND_MARK = {Band.red: "●", Band.yellow: "●", Band.green: "●", Band.unknown: "○"}
LEVEL_STYLE = {"critical": "bold red", "warning": "yellow", "watch": "cyan", "info": "dim"}


def plain(text: str | None, *, single_line: bool = True, style: str = "") -> Text:
    """Book text as a Text that is shown exactly as typed."""
    return Text(printable(text, single_line=single_line), style=style)


def band_text(band: Band | str, score: int | None = None) -> Text:
    """"● 42 red": the band reads without colour too."""
    band = Band(band)
    shown = "—" if score is None else str(score)
    return Text(f"{BAND_MARK[band]} {shown:>3} {band.value}", style=BAND_STYLE[band])


def band_badge(band: Band | str, score: int | None) -> Text:
    band = Band(band)
    label = "NOT ENOUGH DATA" if band == Band.unknown else band.value.upper()
    shown = "" if score is None else f" {score}"
    return Text(f" {label}{shown} ", style=f"reverse {BAND_STYLE[band]}")


def trend_text(delta: int | None) -> Text:
    if delta is None:
        return Text("")
    if delta > 0:
        return Text(f"▲ +{delta}", style="green")
    if delta < 0:
        return Text(f"▼ {delta}", style="red")
    return Text("▬ 0", style="dim")


def level_text(level: str) -> Text:
    return Text(str(level).upper() if level == "critical" else str(level),
                style=LEVEL_STYLE.get(str(level), ""))


def due_text(due: dt.date | None, as_of: dt.date, overdue: bool | None = None) -> Text:
    words = due_words(due, as_of)
    late = overdue if overdue is not None else (due is not None and due < as_of)
    return Text(words, style="bold red" if late else ("yellow" if due == as_of else ""))


def days_text(days: int) -> Text:
    style = "bold red" if days <= 30 else ("yellow" if days <= 90 else "")
    return Text(f"{days} d", style=style)


def tick(done: bool) -> str:
    return "[x]" if done else "[ ]"
