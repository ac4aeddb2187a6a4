"""Today's own records corrected where they are shown (docs/workflow.md): `E` edits the
highlighted task or save-plan action, `x` deletes it (asked once); `u` undoes either."""

from __future__ import annotations

from textual.dom import DOMNode

from csdesk.core.models import BriefItem
from csdesk.tui.editing import change, confirm
from csdesk.tui.widgets.look import printable


def _record(item: BriefItem | None) -> tuple[str, int] | None:
    """("task" | "action", row id) of a task or save_plan_action item, else None."""
    if item is None:
        return None
    head, _, tail = item.id.partition(":")
    if tail.isdigit() and head in ("task", "save_plan_action"):
        return ("task" if head == "task" else "action"), int(tail)
    return None


def edit_item(node: DOMNode, item: BriefItem | None) -> None:
    found = _record(item)
    if found is None:
        node.notify("E edits a task or a save-plan action; open the account (Enter) for the rest.")
        return
    kind, record_id = found
    app = node.app
    if kind == "action":
        from csdesk.core.models import RemediationAction
        from csdesk.tui.forms_plans import ActionForm

        row = app.workbench.desk.db.execute(
            "SELECT text, owner, due, done_on FROM save_plan_actions WHERE id = ?",
            [record_id]).fetchone()
        if row is None:
            return
        import datetime as dt

        day = lambda s: dt.date.fromisoformat(s) if s else None  # noqa: E731
        action = RemediationAction(action=row[0], owner=row[1], due=day(row[2]),
                                   done_on=day(row[3]), id=record_id)

        def saved_action(new) -> None:
            if new is not None:
                def write(desk):
                    from csdesk.store import editing

                    return editing.set_action(desk.db, record_id, new)

                change(node, item.account_id, write, "Remediation action saved (u undoes).")

        app.push_screen(ActionForm(item.name, action, row[1], app.as_of), saved_action)
        return
    from csdesk.store.queries import load_tasks
    from csdesk.tui.flows import keep_open
    from csdesk.tui.forms_work import TaskEntry, TaskForm

    found = load_tasks(app.workbench.desk.db, task_id=record_id)
    if not found:
        return
    task, _ = found[0]

    def saved(entry: TaskEntry | None) -> None:
        if entry is not None:
            def write(desk):
                from csdesk.store import editing

                return editing.update_record(desk.db, "task", record_id, {
                    "text": entry.text, "due": entry.due.isoformat() if entry.due else None})

            change(node, item.account_id, write, "Task saved (u undoes).")

    app.push_screen(keep_open(TaskForm(item.name, app.as_of, task), saved), saved)


def delete_item(node: DOMNode, item: BriefItem | None) -> None:
    found = _record(item)
    if found is None:
        node.notify("x deletes a task or a save-plan action (z snoozes any item).")
        return
    kind, record_id = found
    what = "task" if kind == "task" else "remediation action"

    def delete() -> None:
        def write(desk):
            from csdesk.store import editing

            return editing.delete_record(desk.db, kind, record_id)

        change(node, item.account_id, write, f"Deleted the {what} (u undoes).")

    confirm(node, f"Delete the {what} “{printable(item.title, single_line=True)}”?", delete)
