"""`csdesk capture FILE… [--dry-run]` (docs/workflow.md, "Capture")."""

from __future__ import annotations

from csdesk.cli.app import Context, UserError
from csdesk.core.text import printable
from csdesk.desk import capture


def cmd_capture(ctx: Context) -> int:
    args = ctx.args
    desk = ctx.desk()
    try:
        plan = capture.preview(desk.db, args.paths, desk.rules.capture, desk.as_of)
    except capture.CaptureRefused as exc:
        lines = [printable(p, single_line=True) for p in exc.problems]
        raise UserError(f"capture refused, nothing written; {len(lines)} problem"
                        f"{'s' if len(lines) != 1 else ''}:\n" + "\n".join(lines)) from None
    if not args.dry_run:
        capture.commit(desk.db, plan)
    for line in capture.report_lines(plan, capture.account_names(desk.db, plan),
                                     dry_run=args.dry_run):
        print(line)
    return 0
