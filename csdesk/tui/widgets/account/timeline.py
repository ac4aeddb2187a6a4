"""The Timeline tab: touchpoints, notes and renewal outcomes, newest first, with their flags
(lagging churn flags in red). Enter opens the whole record (e edits it there, x deletes it,
asked once); x deletes the highlighted one from the list too; u undoes."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding

from csdesk.tui.book_view import AccountDetail, TimelineEntry
from csdesk.tui.editing import change, confirm
from csdesk.tui.flows import keep_open
from csdesk.tui.widgets.account.tab import AccountTab
from csdesk.tui.widgets.look import plain
from csdesk.tui.widgets.row_table import Column, RowTable

LAGGING_FLAGS = {"complaint", "data_export_request", "termination_inquiry"}
OUTCOME = "outcome"  # the Timeline's kind for a logged renewal outcome


def timeline_cells(entry: TimelineEntry) -> list[Text]:
    flags = Text()
    for i, flag in enumerate(entry.flags):
        if i:
            flags.append(", ")
        flags.append(flag, style="bold red" if flag in LAGGING_FLAGS else "green")
    kind = Text(entry.kind, style="italic cyan" if entry.kind in ("note", OUTCOME) else "")
    status = Text(entry.status, style="red" if entry.status in ("missed", "churned") else "")
    return [Text(entry.when), kind, status, plain(preview(entry.text)), flags]


PREVIEW_CHARS = 300  # a row shows this much of a note; Enter opens it whole (issue 24)


def preview(text: str | None) -> str:
    """A bounded start of `text` for a table row: a 50 MB note is drawn as its first words
    and its size, not laid out whole each time the table draws."""
    if not text or len(text) <= PREVIEW_CHARS:
        return text or ""
    return f"{text[:PREVIEW_CHARS]}… ({len(text):,} characters: Enter shows it all)"


def _outcomes(detail: AccountDetail) -> list[TimelineEntry]:
    out = []
    for r in detail.data.renewals:
        words = [f"ARR {r.previous_arr:,.0f} → {r.new_arr:,.0f}" if r.previous_arr is not None
                 and r.new_arr is not None else "", r.reason or "",
                 f"lost to {r.competitor}" if r.competitor else ""]
        out.append(TimelineEntry(r.date, r.date.isoformat(), OUTCOME, str(r.outcome),
                                 " · ".join(w for w in words if w)))
    return out


class TimelineTab(AccountTab):
    TITLE = "Timeline"
    TAB_ID = "timeline"
    KEYS = [Binding("enter", "open", "Open", show=False), Binding("x", "delete", "Delete")]

    def compose(self) -> ComposeResult:
        yield RowTable(
            [Column("When", 16), Column("Kind", 11), Column("Status", 9),
             Column("Summary / note", 0, min_width=30), Column("Flags", 28)],
            timeline_cells, key=id, id="timeline-table",
            empty_text="No touchpoints or notes yet. t logs one, n adds a note.")

    def render_detail(self, detail: AccountDetail) -> None:
        entries = sorted([*detail.timeline, *_outcomes(detail)],
                         key=lambda e: (e.day, e.when), reverse=True)
        self.query_one("#timeline-table", RowTable).set_rows(entries)

    @property
    def highlighted(self) -> TimelineEntry | None:
        return self.query_one("#timeline-table", RowTable).highlighted

    # --- the record behind a row -------------------------------------------------------------

    def _record(self, entry: TimelineEntry) -> tuple[str, dict] | None:
        """(kind, stored row) of the entry (`store.editing.timeline_record`); None if gone."""
        from csdesk.store.editing import timeline_record

        with self.app.workbench.lock:
            return timeline_record(self.app.workbench.desk.db, self.account_id, entry.kind,
                                   entry.day.isoformat(), entry.when, entry.text, entry.status)

    def action_open(self) -> None:
        if self.highlighted is not None:
            self.open_entry(self.highlighted)

    @on(RowTable.Selected, "#timeline-table")
    def entry_chosen(self, event: RowTable.Selected) -> None:
        self.open_entry(event.row)

    def open_entry(self, entry: TimelineEntry) -> None:
        """The whole note, touchpoint or outcome; e edits it, x deletes it."""
        from csdesk.tui.forms_plans import RecordView

        found = self._record(entry)
        if found is None:
            self.notify("This record is no longer in the book.", severity="warning")
            return
        kind, row = found
        if kind == "note":
            lines, body = [("Written", row["created_at"].replace("T", " "))], row["text"]
        elif kind == "renewal":
            lines = [("Renewal outcome", f"{row['outcome']} on {row['date']}"),
                     ("ARR before", f"{row['previous_arr']}"), ("ARR after", f"{row['new_arr']}"),
                     ("Preventable", {None: "—", 1: "yes", 0: "no"}.get(row["preventable"], "—")),
                     ("Competitor", row["competitor"] or "—")]
            body = row["reason"] or ""
        else:
            lines = [("Date", row["date"]), ("Kind", row["kind"]), ("Status", row["status"]),
                     ("Flags", (row["flags"] or "—").replace(";", ", ")),
                     ("People met", (row.get("contacts") or "—").replace(";", ", "))]
            body = row["summary"] or ""
        title = {"note": "Note", "renewal": "Renewal outcome", "touchpoint": "Touchpoint"}[kind]

        def chosen(what: str | None) -> None:
            if what == "edit":
                self.edit_record(kind, row)
            elif what == "delete":
                self.delete_record(kind, row)

        self.app.push_screen(RecordView(f"{title} · {self.account_name}", lines, body), chosen)

    def edit_record(self, kind: str, row: dict) -> None:
        from csdesk.tui import forms_plans as f

        form = {"note": lambda: f.NoteEditForm(self.account_name, row["id"], row["text"]),
                "renewal": lambda: f.RenewalEditForm(self.account_name, row["id"], row),
                "touchpoint": lambda: f.TouchpointEditForm(self.account_name, row["id"], row,
                                                           self.app.as_of)}[kind]()

        def saved(edit: f.RecordEdit | None) -> None:
            if edit is None:
                return

            def write(desk):
                from csdesk.store import editing

                return editing.update_record(desk.db, edit.kind, edit.record_id, edit.values)

            change(self, self.account_id, write, f"Saved the {kind} (u undoes).")

        self.app.push_screen(keep_open(form, saved), saved)

    def delete_record(self, kind: str, row: dict) -> None:
        what = {"note": "this note", "touchpoint": f"the {row.get('kind')} of {row.get('date')}",
                "renewal": f"the {row.get('outcome')} outcome of {row.get('date')} (the account "
                           "moves back: ARR, renewal date, active)"}[kind]

        def delete() -> None:
            def write(desk):
                from csdesk.store import editing

                return editing.delete_record(desk.db, kind, row["id"])

            change(self, self.account_id, write, f"Deleted {what.split(' (')[0]} (u undoes).")

        confirm(self, f"Delete {what}?", delete)

    def action_delete(self) -> None:
        entry = self.highlighted
        if entry is None:
            return
        found = self._record(entry)
        if found is None:
            self.notify("This record is no longer in the book.", severity="warning")
            return
        self.delete_record(*found)

