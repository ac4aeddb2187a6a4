"""Commands that read the rules' conclusions: score, today, account."""

from __future__ import annotations

from csdesk.cli import Context
from csdesk.commands import not_yet


def cmd_score(ctx: Context) -> int:
    return not_yet("score")


def cmd_today(ctx: Context) -> int:
    return not_yet("today")


def cmd_account(ctx: Context) -> int:
    return not_yet("account")
