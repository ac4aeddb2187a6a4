"""Commands that write the book: demo, import, export, log, note."""

from __future__ import annotations

import datetime as dt
import sys

from pydantic import ValidationError

from csdesk.cli import Context, UserError
from csdesk.commands import not_yet
from csdesk.core.models import Touchpoint
from csdesk.settings import parse_iso_day
from csdesk.store import writes


def cmd_demo(ctx: Context) -> int:
    return not_yet("demo")


def cmd_import(ctx: Context) -> int:
    return not_yet("import")


def cmd_export(ctx: Context) -> int:
    return not_yet("export")


def cmd_log(ctx: Context) -> int:
    args = ctx.args
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    try:
        day = parse_iso_day(args.date, "--date") if args.date else desk.as_of
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        touchpoint = Touchpoint(account_id=account.account_id, date=day, kind=args.kind,
                                status=args.status, summary=args.summary or None,
                                flags=tuple(args.flag))
    except ValidationError as exc:
        problems = "; ".join(
            f"--{err['loc'][0]}: {err['msg']}" if err["loc"] else err["msg"]
            for err in exc.errors())
        raise UserError(problems.replace("--flags", "--flag")) from None
    writes.log_touchpoint(desk.db, touchpoint)
    print(f"Logged {touchpoint.status} {touchpoint.kind} with {account.name} on {day}.")
    return 0


def cmd_note(ctx: Context) -> int:
    args = ctx.args
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise UserError("the note is empty")
    writes.add_note(desk.db, account.account_id, text, dt.datetime.now())
    print(f"Noted on {account.name} ({len(text)} characters).")
    return 0
