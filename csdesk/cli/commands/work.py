"""Working Today's items to done (docs/workflow.md): `task`, `snooze`, `unsnooze`, and the
`log --responds-to` response. Bad input exits 2 with a message naming the value."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from csdesk.cli.app import Context, UserError
from csdesk.cli.commands import print_json
from csdesk.core.text import printable


@contextlib.contextmanager
def refused() -> Iterator[None]:
    """`WorkError` (refused input) as the CLI's UserError: exit 2, nothing written."""
    from csdesk.desk.work import WorkError

    try:
        yield
    except WorkError as exc:
        raise UserError(str(exc)) from None


def _day(text: str | None, option: str) -> dt.date | None:
    from csdesk.desk.work import parse_day

    if text is None:
        return None
    with refused():
        return parse_day(text, option)


def cmd_task(ctx: Context) -> int:
    from csdesk.desk import work
    from csdesk.store import queries

    args = ctx.args
    desk = ctx.desk(create=False)
    if args.task_command == "add":
        account = desk.resolve(args.account)
        due = _day(args.due, "--due")
        with refused():
            row_id = work.add_task(desk, account.account_id, args.text, due)
        print(f"task:{row_id}")
        return 0
    if args.task_command == "done":
        with refused():
            text = work.task_done(desk, args.id)
        print(f"Done: {printable(text, single_line=True)}")
        return 0
    rows = queries.load_tasks(desk.db, include_done=args.all)
    if args.json:
        print_json({"tasks": [
            {"id": f"task:{t.id}", "account_id": t.account_id, "name": name, "text": t.text,
             "due": t.due, "created_on": t.created_on, "done_on": t.done_on,
             "source": t.source, "overdue": t.done_on is None and t.due is not None
             and t.due < desk.as_of} for t, name in rows]})
        return 0
    if not rows:
        print("No open tasks." if not args.all else "No tasks.")
    for t, name in rows:
        state = f"done {t.done_on}" if t.done_on else (
            f"due {t.due}" + (" OVERDUE" if t.due < desk.as_of else "") if t.due else "no date")
        print(f"task:{t.id:<5} {printable(name, single_line=True)}: "
              f"{printable(t.text, single_line=True)} ({state})")
    return 0


def _item(ctx: Context, desk, item_id: str, *, snoozed_too: bool = True):
    from csdesk.desk import work

    brief = work.brief(desk, desk.assess_all())
    with refused():
        return work.find_item(brief.items + (brief.snoozed if snoozed_too else []), item_id)


def cmd_snooze(ctx: Context) -> int:
    from csdesk.desk import work

    args = ctx.args
    desk = ctx.desk(create=False)
    until = _day(args.until, "--until")
    item = _item(ctx, desk, args.id)
    with refused():
        work.snooze(desk, item, until, args.reason)
    print(f"Snoozed until {until} ({args.reason.replace('_', ' ')}): "
          f"{printable(item.name, single_line=True)}: {printable(item.title, single_line=True)}")
    return 0


def cmd_unsnooze(ctx: Context) -> int:
    from csdesk.desk import work

    desk = ctx.desk(create=False)
    with refused():
        work.unsnooze(desk, ctx.args.id)
    print(f"Back in Today: {printable(ctx.args.id, single_line=True)}")
    return 0


def response_touchpoint(ctx: Context, desk, account, day: dt.date | None):
    """`log --responds-to ID`: the touchpoint the item asks for, pre-filled (docs/workflow.md),
    with what the command line gave over it."""
    from csdesk.desk import work

    args = ctx.args
    item = _item(ctx, desk, args.responds_to)
    if item.account_id != account.account_id:
        raise UserError(f"--responds-to {args.responds_to!r} is an item of "
                        f"{item.name} ({item.account_id}), not of {account.name}")
    t = work.response_for(item, desk.as_of, tuple(args.met))
    update = {"status": args.status}
    if args.kind:
        update["kind"] = args.kind
    if day is not None:
        update["date"] = day
    if args.summary:
        update["summary"] = args.summary
    if args.flag:
        update["flags"] = tuple(args.flag)
    return t, update
