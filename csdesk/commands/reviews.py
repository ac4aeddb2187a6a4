"""Commands for reviews and the portfolio: qbr, metrics, calibrate."""

from __future__ import annotations

from csdesk.cli import Context
from csdesk.commands import not_yet


def cmd_qbr(ctx: Context) -> int:
    return not_yet("qbr")


def cmd_metrics(ctx: Context) -> int:
    return not_yet("metrics")


def cmd_calibrate(ctx: Context) -> int:
    return not_yet("calibrate")
