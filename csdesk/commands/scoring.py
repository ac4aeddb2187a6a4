"""Commands that read the rules' conclusions: score, today, account.

Each scores the book as of the day and stores the day's snapshots (PLAYBOOK_RULES.md §2).
"""

from __future__ import annotations

import json
import os
import sys

from csdesk import report
from csdesk.cli import Context
from csdesk.commands import _default


def print_json(payload) -> None:
    """As `csdesk.commands.print_json` prints it, built as one string and written once (a
    book's score is half a million JSON tokens; writing each one costs more than encoding)."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=_default) + "\n")


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
