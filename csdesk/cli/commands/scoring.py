"""Commands that read the rules' conclusions: score, today, account.

Each scores the book as of the day and stores the day's snapshots (docs/rules.md §2).
"""

from __future__ import annotations

import os
import sys

from csdesk.cli import output as report
from csdesk.cli.app import Context
from csdesk.cli.commands import print_json


def _colour() -> bool:
    """Colour and grouping only on a terminal (and never under NO_COLOR)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def cmd_score(ctx: Context) -> int:
    desk = ctx.desk(create=False)
    assessments = desk.assess_all()
    if ctx.args.json:
        print_json(report.score_json(assessments, desk.as_of))
    else:
        sys.stdout.write(report.score_text(assessments, desk.as_of, colour=_colour()))
    return 0


def cmd_today(ctx: Context) -> int:
    """The brief (docs/workflow.md): `--snoozed` lists the snoozed items instead; `--level`,
    `--kind`, `--account` and `--limit` narrow it for cron and scripts."""
    from csdesk.desk import work

    args = ctx.args
    desk = ctx.desk(create=False)
    keep = _today_filter(ctx, desk)
    reopened = work.reopened_today(desk)  # as the workbench kept it, if nothing changed
    if reopened is not None:
        assessments, brief, _ = reopened
    else:
        assessments = {a.account.account_id: a for a in desk.assess_all()}
        brief = work.brief(desk, list(assessments.values()))
    items = [i for i in (brief.snoozed if args.snoozed else brief.items) if keep(i)]
    if args.limit is not None:
        items = items[:args.limit]
    snoozes = {s.item_id: s for a in {i.account_id for i in items}
               for s in assessments[a].snoozes} if args.snoozed else {}
    if args.json:
        payload = report.brief_json(items, desk.as_of, len(brief.snoozed))
        if args.snoozed:
            for out, item in zip(payload["items"], items):
                s = snoozes[item.id]
                out |= {"snoozed_until": s.until.isoformat(), "reason": str(s.reason),
                        "snoozed_on": s.created_on.isoformat()}
        print_json(payload)
    elif args.snoozed:
        sys.stdout.write(report.snoozed_text(items, snoozes, desk.as_of))
    else:
        sys.stdout.write(report.brief_text(items, desk.as_of, tty=_colour(),
                                           snoozed=len(brief.snoozed)))
    return 0


def _today_filter(ctx: Context, desk):
    """The item filter of `today`'s options; UserError naming a bad value."""
    from csdesk.cli.app import UserError
    from csdesk.core.models import AlertLevel, ItemKind

    args = ctx.args

    def values(text: str | None, allowed, option: str) -> set[str] | None:
        if text is None:
            return None
        got = {v.strip() for v in text.split(",") if v.strip()}
        bad = sorted(got - {str(x) for x in allowed})
        if bad or not got:
            raise UserError(f"{option}: {', '.join(map(repr, bad)) or repr(text)} is not one of "
                            + ", ".join(str(x) for x in allowed))
        return got

    levels = values(args.level, AlertLevel, "--level")
    kinds = values(args.kind, ItemKind, "--kind")
    if args.limit is not None and args.limit < 1:
        raise UserError(f"--limit: {args.limit} is not a positive number")
    account = desk.resolve(args.account).account_id if args.account else None
    return lambda i: ((levels is None or str(i.level) in levels)
                      and (kinds is None or str(i.kind) in kinds)
                      and (account is None or i.account_id == account))


def cmd_account(ctx: Context) -> int:
    desk = ctx.desk(create=False)
    account = desk.resolve(ctx.args.account)
    assessment, _ = desk.assess_account(account.account_id)
    [data] = desk.load([account.account_id])  # again: with the save plans just stored
    if ctx.args.json:
        print_json(report.account_json(assessment, data))
    else:
        sys.stdout.write(report.account_text(assessment, data, colour=_colour()))
    return 0
