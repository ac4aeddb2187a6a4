"""Commands that read the rules' conclusions: score, today, account.

Each scores the book as of the day and stores the day's snapshots (PLAYBOOK_RULES.md §2).
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
    desk = ctx.desk(create=False)
    items = desk.brief(desk.assess_all())
    if ctx.args.json:
        print_json(report.brief_json(items, desk.as_of))
    else:
        sys.stdout.write(report.brief_text(items, desk.as_of, tty=_colour()))
    return 0


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
