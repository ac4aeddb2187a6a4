"""A read-only table that renders only the rows on screen (Textual's Line API).

Textual's DataTable measures and stores every cell up front, which takes seconds for 10,000
accounts; filtering and sorting a book that size must feel instant. `RowTable` keeps the rows as
the screen's own objects, turns a row into cells only when it scrolls into view (cached per row
object), and moves a row cursor. Cells are `rich.text.Text`, so text from the book is never
parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = TypeVar("Row")
Cell = Text | str


@dataclass(frozen=True)
class Column:
    label: str
    width: int = 0  # 0: takes the room left over (at least `min_width`)
    justify: str = "left"
    min_width: int = 10
    ratio: int = 1  # share of the left-over room among the flexible columns


LOADING_TEXT = "Loading…"  # before the first set_rows: the work status bar says what runs


class RowTable(ScrollView, Generic[Row], can_focus=True):
    """Rows of any kind, a function that turns one into cells, and a row cursor."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES = {"row-table--header", "row-table--cursor", "row-table--empty"}

    DEFAULT_CSS = """
    RowTable {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    RowTable > .row-table--header { text-style: bold; color: $text-muted; }
    RowTable > .row-table--cursor { background: $surface-lighten-2; }
    RowTable:focus > .row-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    RowTable > .row-table--empty { color: $text-muted; text-style: italic; }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, table: "RowTable", row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> "RowTable":
            return self.table

    class Selected(Highlighted):
        """Enter (or a click on the highlighted row)."""

    def __init__(self, columns: Sequence[Column], cells: Callable[[Row], Sequence[Cell]],
                 *, key: Callable[[Row], Hashable] = id, empty_text: str = "Nothing here.",
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self._cells = cells
        self._key = key
        self.rows: list[Row] = []
        self.empty_text = empty_text
        self.filled = False  # no rows given yet: the book is still being read and scored
        self._cache: dict[Hashable, tuple[Row, list[Text]]] = {}

    # --- data ---------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row], *, keep: Hashable | None = None) -> None:
        """Show `rows`; the cursor stays on the row with the same key (or `keep`) if present."""
        current = self.highlighted
        wanted = keep if keep is not None else (self._key(current) if current is not None
                                                 else None)
        self.rows = list(rows)
        self.filled = True
        if len(self._cache) > 4 * max(len(self.rows), 256):
            self._cache.clear()
        index = 0
        if wanted is not None:
            index = next((i for i, r in enumerate(self.rows) if self._key(r) == wanted), 0)
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.cursor = index
        self.refresh()

    @property
    def highlighted(self) -> Row | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def _row_cells(self, row: Row) -> list[Text]:
        key = self._key(row)
        hit = self._cache.get(key)
        if hit is not None and hit[0] is row:
            return hit[1]
        cells = [c if isinstance(c, Text) else Text(str(c)) for c in self._cells(row)]
        self._cache[key] = (row, cells)
        return cells

    # --- cursor -------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, value: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        if self.rows:
            self.post_message(self.Highlighted(self, self.rows[value]))

    def _scroll_cursor_into_view(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor += delta

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 2)

    def action_jump(self, where: int) -> None:
        self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor or event.chain > 1:
                self.cursor = index
                self.action_select()
            else:
                self.cursor = index

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self._scroll_cursor_into_view()

    # --- rendering ----------------------------------------------------------------------------

    def _widths(self, total: int) -> list[int]:
        fixed = sum(c.width for c in self.columns if c.width)
        gaps = len(self.columns) - 1
        flex = [c for c in self.columns if not c.width]
        room = max(0, total - fixed - gaps)
        ratios = sum(c.ratio for c in flex) or 1
        return [c.width or max(c.min_width, room * c.ratio // ratios) for c in self.columns]

    def _line(self, cells: Sequence[Text], widths: list[int], style: Style | None) -> Strip:
        line = Text(no_wrap=True, overflow="ellipsis")
        for i, (cell, width, column) in enumerate(zip(cells, widths, self.columns)):
            if i:
                line.append(" ")
            piece = cell.copy()
            piece.no_wrap = True
            piece.truncate(width, overflow="ellipsis")
            piece.align(column.justify, width)  # type: ignore[arg-type]
            line.append_text(piece)
        segments = list(line.render(self.app.console))
        strip = Strip(segments)
        width = self.scrollable_content_region.width
        strip = strip.adjust_cell_length(width, style)
        if style is not None:
            strip = strip.apply_style(style)
        return strip

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        widths = self._widths(width)
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("row-table--header")
            return self._line([Text(c.label) for c in self.columns], widths, base + header)
        if not self.rows:
            if y == 1:
                empty = self.get_component_rich_style("row-table--empty")
                text = self.empty_text if self.filled else LOADING_TEXT
                return Strip([Segment(f" {text}", base + empty)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        cells = self._row_cells(self.rows[index])
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("row-table--cursor")
        return self._line(cells, widths, style)
