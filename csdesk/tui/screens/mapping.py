"""The mapping screen (docs/import.md, import profiles): a CSV file with unknown or missing
columns, mapped by hand.

Each csdesk column of the chosen table beside a picker of the file's headers (preset to what
the importer would read), a live preview of the first rows as they would be stored and of the
refusals, a profile name and the file names it is for. ctrl+s saves the mapping as a profile
in config.toml and imports the file with it; Escape leaves everything as it was. The preview is
read in a worker, which ends by posting a message; book text is shown as rich `Text`.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from csdesk.core.parse import header_lookup, normalise_header
from csdesk.core.profiles import EXTRA_COLUMNS, PROFILE_TABLES
from csdesk.core.text import printable

NONE = "(none)"


class NeedsMapping(Message):
    """An import refused for want of columns: the file to map, what was refused, and the
    file's headers as `store.importing.preview.file_headers` reads them (in the worker: the
    whole file is read)."""

    def __init__(self, path: str, problems: list[str], headers: tuple) -> None:
        super().__init__()
        self.path, self.problems, self.headers = path, problems, headers


def needs_mapping(path: str, problems) -> bool:
    """Whether a refused import is one a mapping can answer: one CSV file whose name names
    no table, or that lacks a required column."""
    target = Path(path).expanduser()
    if target.suffix.lower() != ".csv" or not target.is_file():
        return False
    return any(p.reason.startswith(("no such column", "the file name names no table"))
               for p in problems)
PREVIEW_ROWS = 5


def columns_of(table: str) -> list[str]:
    """The columns a mapping offers for a table: its own, the account by name, a name in
    halves for contacts."""
    from csdesk.store.importing.tables import TABLES

    out = list(TABLES[table].columns)
    if "account_id" in out:
        out.append("account_name")
    if table == "contacts":
        out += ["first_name", "last_name"]
    return out


def required_of(table: str) -> set[str]:
    from csdesk.store.importing.tables import TABLES

    fields = TABLES[table].model.model_fields
    return {c for c, f in fields.items() if f.is_required()}


def guess(table: str, headers: list[str]) -> dict[str, str]:
    """The header the importer would read for each column, by name and alias."""
    from csdesk.store.importing.tables import TABLES

    lookup = header_lookup(table, TABLES[table].columns)
    out: dict[str, str] = {}
    for header in headers:
        column = lookup.get(normalise_header(header))
        if column is not None and column not in out:
            out[column] = header
    return out


def _id(column: str) -> str:
    return "pick-" + column


def _glob_for(path: Path) -> str:
    """A file-name glob for exports like this one (digits and dates become `*`)."""
    stem = re.sub(r"\d[\d\-_.]*", "*", path.stem)
    return re.sub(r"\*+", "*", stem) + path.suffix.lower()


class MappingScreen(Screen):
    """Map a file's headers to a table's columns; ctrl+s saves the profile and imports."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save profile & import"),
    ]
    DEFAULT_CSS = """
    MappingScreen #mapping { padding: 0 1; }
    MappingScreen #mapping-top { height: 3; }
    MappingScreen #mapping-top Label { padding: 1 1 0 1; }
    MappingScreen #mapping-table { width: 18; }
    MappingScreen #mapping-name { width: 1fr; max-width: 26; }
    MappingScreen #mapping-glob { width: 1fr; max-width: 32; }
    MappingScreen #mapping-body { height: 1fr; }
    MappingScreen #mapping-pickers { width: 50%; max-width: 52; }
    MappingScreen .mapping-row { height: 3; }
    MappingScreen .mapping-column { width: 20; padding: 1 1 0 0; }
    MappingScreen .mapping-row Select { width: 1fr; }
    MappingScreen #mapping-preview { width: 1fr; }
    MappingScreen #mapping-rows { height: 9; }
    MappingScreen #mapping-refusals { height: 1fr; }
    MappingScreen #form-problem { color: $error; }
    """

    class Previewed(Message):
        def __init__(self, serial: int, preview) -> None:
            super().__init__()
            self.serial, self.preview = serial, preview

    def __init__(self, path: str, *, problems: list[str] | None = None,
                 config_file: Path | None = None, headers: tuple | None = None) -> None:
        """`headers`: what `file_headers` read of the file, read here when not given."""
        super().__init__()
        from csdesk.store.importing.preview import file_headers

        self.path = Path(path).expanduser()
        named, self.headers, self.read_problems = headers or file_headers(self.path)
        self.table = named if named in PROFILE_TABLES else "accounts"
        self.problems = problems or []
        self.config_file = config_file
        self.serial = 0
        self.shown = 0
        self.mapping: dict[str, str] = guess(self.table, self.headers)

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="mapping"):
            yield Static(Text(f"Map the columns of {printable(str(self.path), single_line=True)}",
                              style="bold"), id="mapping-title")
            with Horizontal(id="mapping-top"):
                yield Label("Table")
                yield Select([(t, t) for t in PROFILE_TABLES], value=self.table,
                             allow_blank=False, id="mapping-table")
                yield Label("Profile")
                yield Input(value="my-" + self.table, id="mapping-name")
                yield Label("Files")
                yield Input(value=_glob_for(self.path), id="mapping-glob")
            with Horizontal(id="mapping-body"):
                yield VerticalScroll(id="mapping-pickers")
                with Vertical(id="mapping-preview"):
                    yield Static("Preview: the first rows as they would be stored",
                                 classes="form-help")
                    yield DataTable(id="mapping-rows", zebra_stripes=True)
                    yield Static("", id="mapping-refusals")
            yield Label("", id="form-problem")
            yield Static("Pick the file's header for each column (* required) · ctrl+s saves "
                         "the profile in config and imports · Escape cancels",
                         classes="form-help")
        yield Footer()

    def on_mount(self) -> None:
        self._pickers()
        self.refresh_preview()

    def _pickers(self) -> None:
        box = self.query_one("#mapping-pickers", VerticalScroll)
        box.remove_children()
        required = required_of(self.table)
        # A header is the file's text, not markup ("ARR [USD]", "Cost [/]").
        options = [(NONE, NONE)] + [(Content(printable(h, single_line=True)), h)
                                    for h in self.headers]
        rows = []
        for column in columns_of(self.table):
            star = "*" if column in required else " "
            hint = EXTRA_COLUMNS.get(column, "")
            rows.append(Horizontal(
                Label(f"{star}{column}", classes="mapping-column"),
                Select(options, value=self.mapping.get(column, NONE), allow_blank=False,
                       id=_id(column), tooltip=hint or None),
                classes="mapping-row"))
        box.mount_all(rows)

    # --- changes ------------------------------------------------------------------------------

    @on(Select.Changed, "#mapping-table")
    def table_changed(self, event: Select.Changed) -> None:
        if event.value == self.table:
            return
        self.table = str(event.value)
        self.mapping = guess(self.table, self.headers)
        name = self.query_one("#mapping-name", Input)
        if name.value.startswith("my-"):
            name.value = "my-" + self.table
        self._pickers()
        self.refresh_preview()

    @on(Select.Changed, ".mapping-row Select")
    def picked(self, event: Select.Changed) -> None:
        column = (event.select.id or "").removeprefix("pick-")
        if event.value == NONE or event.value is Select.BLANK:
            self.mapping.pop(column, None)
        else:
            self.mapping[column] = str(event.value)
        self.refresh_preview()

    def refresh_preview(self) -> None:
        self.serial += 1
        self._preview(self.serial, self.table, dict(self.mapping))

    # Not exclusive: a preview a later change overtakes is dropped by its serial when it
    # arrives, never cancelled (a cancelled worker fails whoever waits for it).
    @work(thread=True, group="mapping-preview", exit_on_error=False)
    def _preview(self, serial: int, table: str, mapping: dict[str, str]) -> None:
        from csdesk.store.importing.preview import preview

        workbench = self.app.workbench
        try:
            # On the reading connection: only reads, and a save or a scoring run never waits
            # behind a preview of a big file (each change of a picker reads it again).
            with workbench._reading() as desk:
                result = preview(desk.db, self.path, table, mapping, as_of=workbench.as_of,
                                 rules=workbench.rules, limit=PREVIEW_ROWS)
        except Exception as exc:  # shown, never a crash of the screen
            from csdesk.store.importing.preview import Preview

            result = Preview(refusals=[f"cannot preview: {type(exc).__name__}: {exc}"])
        self.post_message(self.Previewed(serial, result))

    def on_mapping_screen_previewed(self, message: Previewed) -> None:
        if message.serial != self.serial:
            return  # a later change is being previewed
        result = message.preview
        table = self.query_one("#mapping-rows", DataTable)
        table.clear(columns=True)
        if result.columns:
            table.add_columns(*result.columns)
            for row in result.rows:
                table.add_row(*(Text(printable("" if v is None else str(v), single_line=True))
                                for v in row))
        lines = list(self.read_problems) + list(result.refusals)
        if lines:
            text = Text(f"Refused ({len(lines)}):\n", style="bold red")
            text.append(printable("\n".join(lines[:20])))
        else:
            text = Text(f"Nothing refused: {result.total} rows would be written.",
                        style="green")
        self.query_one("#mapping-refusals", Static).update(text)
        self.shown = message.serial  # the preview drawn (tests wait for it)

    # --- save ---------------------------------------------------------------------------------

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        from csdesk.desk.profiles import ProfileRefused, save_profile
        from csdesk.desk.settings import config_path

        name = self.query_one("#mapping-name", Input).value.strip()
        glob = self.query_one("#mapping-glob", Input).value.strip() or None
        missing = sorted(required_of(self.table) - set(self.mapping)
                         - ({"account_id"} if "account_name" in self.mapping else set())
                         - ({"name"} if {"first_name", "last_name"} & set(self.mapping)
                            else set()))
        if missing:
            self.query_one("#form-problem", Label).update(
                "Pick a header for " + ", ".join(missing))
            return
        target = self.config_file or config_path(None)
        try:
            config = save_profile(target, name, self.table, self.mapping, glob)
        except ProfileRefused as exc:
            self.query_one("#form-problem", Label).update(Text(str(exc)))
            return
        self.dismiss((str(self.path), name, config.import_profiles))
