"""Commands that write the book: demo, import, export, log, note."""

from __future__ import annotations

import datetime as dt
import sys

from pydantic import ValidationError

from csdesk.cli.app import Context, UserError
from csdesk.core.models import Touchpoint
from csdesk.core.text import printable
from csdesk.desk.settings import parse_iso_day
from csdesk.store import writes


def cmd_demo(ctx: Context) -> int:
    from csdesk.desk.demo import BookNotEmpty, write_demo_book

    args = ctx.args
    if args.accounts < 1:
        raise UserError("--accounts: give at least 1")
    if args.accounts > 200_000:  # issue 24: 10**20 asked for memory no machine has
        raise UserError(f"--accounts: {args.accounts:,} is more than 200,000")
    desk = ctx.desk()
    try:
        plan, scored = write_demo_book(desk, accounts=args.accounts, seed=args.seed,
                                       force=args.force)
    except BookNotEmpty:
        raise UserError(f"{ctx.book_path}: the book is not empty; nothing written "
                        "(use --force to replace it with the demo)") from None
    counts = ", ".join(f"{c.inserted} {name}" for name, c in plan.changes.items() if c.inserted)
    print(f"Wrote a demo book to {ctx.book_path} as of {desk.as_of} (seed {args.seed}): {counts}.")
    if scored is None:
        print("Score history not backfilled: scoring is not built in this version yet.")
    else:
        print(f"Backfilled score history: {scored} snapshots.")
    return 0


def cmd_export(ctx: Context) -> int:
    from csdesk.store.exporting.json_book import export_book

    from csdesk.desk.files import OutputRefused, check_output

    try:
        check_output(ctx.args.path, ctx.book_path)
    except OutputRefused as exc:
        raise UserError(str(exc)) from None
    desk = ctx.desk(create=False)
    try:
        from csdesk.store.checks import checked  # cells edited by hand: skipped (issue 24)

        path, counts = checked(desk.db, lambda: export_book(desk.db, ctx.args.path))
    except OSError as exc:
        raise UserError(f"{ctx.args.path}: cannot write ({exc.strerror})") from None
    total = sum(counts.values())
    print(f"Exported {total:,} rows ({counts.get('accounts', 0):,} accounts) to {path}")
    return 0


def cmd_log(ctx: Context) -> int:
    args = ctx.args
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    try:
        day = parse_iso_day(args.date, "--date") if args.date else desk.as_of
        next_due = parse_iso_day(args.next_due, "--next-due") if args.next_due else None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    from csdesk.cli.commands.work import refused, response_touchpoint
    from csdesk.desk import work

    try:
        if args.responds_to:  # docs/workflow.md: the response the item asks for, pre-filled
            base, update = response_touchpoint(ctx, desk, account, day if args.date else None)
            touchpoint = Touchpoint.model_validate(base.model_dump() | update)
        else:
            if not args.kind:
                raise UserError("--kind is required (or --responds-to ID, which gives it)")
            touchpoint = Touchpoint(account_id=account.account_id, date=day, kind=args.kind,
                                    status=args.status, summary=args.summary or None,
                                    flags=tuple(args.flag), contacts=tuple(args.met))
    except ValidationError as exc:
        problems = "; ".join(
            f"--{err['loc'][0]}: {err['msg']}" if err["loc"] else err["msg"]
            for err in exc.errors())
        raise UserError(problems.replace("--flags", "--flag")) from None
    with refused():
        task_id = work.log_response(desk, touchpoint, next_step=args.next_step,
                                    next_due=next_due)
    print(f"Logged {touchpoint.status} {touchpoint.kind} with "
          f"{printable(account.name, single_line=True)} on {touchpoint.date}"
          + (f", answering {printable(touchpoint.responds_to, single_line=True)}"
             if touchpoint.responds_to else "") + ".")
    if task_id is not None:
        print(f"Next step: task:{task_id}")
    return 0


def cmd_note(ctx: Context) -> int:
    args = ctx.args
    desk = ctx.desk(create=False)
    account = desk.resolve(args.account)
    if args.text == "-":
        try:
            stream = getattr(sys.stdin, "buffer", None)  # bytes: decoded here, strictly
            text = sys.stdin.read() if stream is None else stream.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(f"stdin: not UTF-8 text (byte {exc.start}); nothing written") from None
    else:
        text = args.text
    if not text.strip():
        raise UserError("the note is empty")
    writes.add_note(desk.db, account.account_id, text, dt.datetime.now())
    print(f"Noted on {printable(account.name, single_line=True)} ({len(text)} characters).")
    return 0
