"""Today's own records corrected where they are shown (docs/workflow.md): `E` edits the
highlighted task or save-plan action, `x` deletes it (asked once); `u` undoes either."""

from __future__ import annotations

from textual.dom import DOMNode

from csdesk.core.models import BriefItem, RemediationAction, Task
from csdesk.core.work import save_plan_action_row_id, task_row_id
from csdesk.tui.editing import change, confirm
from csdesk.tui.widgets.look import printable


# What the CSM calls each record.
WHAT = {"task": "task", "action": "remediation action"}


def _record(item: BriefItem | None) -> tuple[str, int] | None:
    """("task" | "action", row id) of a task or save_plan_action item, else None."""
    if item is None:
        return None
    task = task_row_id(item.id)
    if task is not None:
        return "task", task
    action = save_plan_action_row_id(item.id)
    return ("action", action) if action is not None else None


def edit_item(node: DOMNode, item: BriefItem | None) -> None:
    """E: the record read as stored, in a worker on the workbench's reading connection (never
    the book's, which a scoring run holds for seconds), then its form."""
    found = _record(item)
    if found is None:
        node.notify("E edits a task or a save-plan action; open the account (Enter) for the rest.")
        return
    kind, record_id = found
    app = node.app

    def read() -> None:
        workbench = app.workbench
        try:
            stored = (workbench.task if kind == "task" else workbench.plan_action)(record_id)
        except Exception as exc:  # notify posts a message: safe from the worker's thread
            app.notify(f"Could not read the {WHAT[kind]}: {exc}", severity="error",
                       markup=False)
            return
        if stored is None:
            app.notify(f"The {WHAT[kind]} is no longer in the book.", severity="warning")
            return
        app.call_from_thread(_edit, node, item, record_id, stored)

    app.run_worker(read, thread=True, group="today-record", exit_on_error=False)


def _edit(node: DOMNode, item: BriefItem, record_id: int,
          stored: Task | RemediationAction) -> None:
    """The record's form, unless another screen came up while it was read (E pressed twice)."""
    from csdesk.store import editing
    from csdesk.tui.flows import keep_open
    from csdesk.tui.forms_plans import ActionForm
    from csdesk.tui.forms_work import TaskEntry, TaskForm

    app = node.app
    if app.screen is not node:
        return
    if isinstance(stored, RemediationAction):
        def saved_action(new: RemediationAction | None) -> None:
            if new is not None:
                change(node, item.account_id,
                       lambda desk: editing.set_action(desk.db, record_id, new),
                       "Remediation action saved (u undoes).")

        app.push_screen(keep_open(ActionForm(item.name, stored, stored.owner, app.as_of),
                                  saved_action), saved_action)
        return

    def saved(entry: TaskEntry | None) -> None:
        if entry is not None:
            change(node, item.account_id, lambda desk: editing.update_record(
                desk.db, "task", record_id,
                {"text": entry.text, "due": entry.due.isoformat() if entry.due else None}),
                "Task saved (u undoes).")

    app.push_screen(keep_open(TaskForm(item.name, app.as_of, stored), saved), saved)


def delete_item(node: DOMNode, item: BriefItem | None) -> None:
    found = _record(item)
    if found is None:
        node.notify("x deletes a task or a save-plan action (z snoozes any item).")
        return
    kind, record_id = found
    what = WHAT[kind]

    def delete() -> None:
        def write(desk):
            from csdesk.store import editing

            return editing.delete_record(desk.db, kind, record_id)

        change(node, item.account_id, write, f"Deleted the {what} (u undoes).")

    confirm(node, f"Delete the {what} “{printable(item.title, single_line=True)}”?", delete)
