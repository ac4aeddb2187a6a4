"""The command line (docs/cli.md "Commands"): parse, dispatch, map errors to exit codes.

Exit codes: 0 done; 2 refused input (a message on stderr says what and where; nothing was
written); 1 anything unexpected. The handlers live in `csdesk.cli.commands`; this module is the table.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
import traceback
from collections.abc import Callable

from csdesk import __version__


class UserError(Exception):
    """Refused input: exit 2 with this message on stderr, nothing written."""


class Context:
    """What every command shares: the parsed options, opened on demand."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._desk = None
        self.keep_reads = False  # see `run`

    @property
    def book_path(self):
        from csdesk.desk import settings

        try:
            return settings.book_path(self.args.db)
        except ValueError as exc:
            raise UserError(str(exc)) from None

    @property
    def as_of(self):
        from csdesk.desk import settings

        try:
            return settings.today(self.args.as_of)
        except ValueError as exc:
            raise UserError(str(exc)) from None

    @property
    def config(self):
        from csdesk.desk import settings

        return settings.load_config(self.args.config)

    def desk(self, *, create: bool = True):
        if self._desk is None:
            from csdesk.desk.desk import Desk

            self._desk = Desk.open(self.book_path, self.config, self.as_of, create=create,
                                   upgrading=_say_upgrading)
            if self.keep_reads:
                self._desk.kept = []
            # A command that assessed the whole book ends at once: keeping 10,000 assessments
            # for tomorrow's reuse would cost it 0.9 s. The workbench keeps them, after its
            # queue is on screen; a command keeps the accounts it re-assessed among kept ones.
            self._desk.keep_whole_book = getattr(self.args, "handler", None) is _open_workbench
            from csdesk.desk import settings

            try:
                self._desk.workers, self._desk.min_slice = settings.workers()
                # docs/workflow.md: --as-of later than today is a what-if: nothing stored.
                self._desk.what_if = bool(self.args.as_of) and self.as_of > settings.today()
            except ValueError as exc:
                raise UserError(str(exc)) from None
        return self._desk

    def close(self) -> None:
        if self._desk is not None:
            self._desk.close()


def _say_upgrading(path, version: int) -> None:
    from csdesk.store.schema import SCHEMA_VERSION

    print(f"Upgrading {path} from schema version {version} to {SCHEMA_VERSION}, after a backup "
          "copy beside it (once; a big book takes a few seconds)…", file=sys.stderr, flush=True)


Handler = Callable[[Context], int]


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS lets the options stand before or after the command name.
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the book (default: $CSDESK_DB, else the user data dir)")
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="config.toml (default: $CSDESK_CONFIG, else the user config dir)")
    common.add_argument("--as-of", metavar="YYYY-MM-DD", default=argparse.SUPPRESS,
                        help="the day to act as today (default: $CSDESK_TODAY, else today)")
    return common


def _lazy(ref: str) -> Handler:
    """The handler `module.function` of `csdesk.cli.commands`, imported when it runs: each
    command imports only what it uses (the command modules cost 50 ms together)."""
    module, name = ref.split(".")

    def handler(ctx: Context) -> int:
        return getattr(importlib.import_module(f"csdesk.cli.commands.{module}"), name)(ctx)

    handler.__qualname__ = f"csdesk.cli.commands.{ref}"
    return handler


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="csdesk", parents=[common],
        description="A keyboard-driven workbench for a Customer Success Manager's book of "
                    "business. Without a command, opens the workbench.")
    parser.add_argument("--version", action="version", version=f"csdesk {__version__}")
    parser.set_defaults(handler=_open_workbench)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, handler: Handler, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = command("demo", _lazy("book.cmd_demo"), "write a realistic, deterministic demo book")
    p.add_argument("--accounts", type=int, default=60, metavar="N",
                   help="how many accounts (default 60)")
    p.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    p.add_argument("--force", action="store_true", help="replace a non-empty book")

    p = command("import", _lazy("crm.cmd_import"),
                "import CSV files (named by table), folders of them, or a JSON book")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    p.add_argument("--dayfirst", action="store_true",
                   help="read ambiguous dates like 03/04/2027 as day/month")
    # --- CRM round trip (issue 21): profiles, only my accounts, export formats
    p.add_argument("--profile", metavar="NAME",
                   help="read the files with this import profile (config or built-in: "
                        "salesforce, hubspot, dynamics, zendesk, churnzero, gainsight, "
                        "qualtrics)")
    p.add_argument("--owner", metavar="NAME",
                   help="only the accounts this person owns, and their rows (default: "
                        "csm_name in config, when the export has accounts of theirs)")

    p = command("export", _lazy("crm.cmd_export"),
                "write the whole book as a JSON book, or (--format) your records for the CRM")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--format", choices=["salesforce-tasks", "hubspot-activities", "csv"],
                   help="your touchpoints, notes, tasks and forecast calls for a CRM import "
                        "(csv: a folder of re-importable files)")
    p.add_argument("--since", metavar="D",
                   help="records dated on or after D (default: those new since the last "
                        "export of that format)")

    p = command("score", _lazy("scoring.cmd_score"),
                "score every active account as of today and store the day's snapshots")
    p.add_argument("--json", action="store_true", help="JSON output")

    p = command("today", _lazy("scoring.cmd_today"), "the morning brief: what needs you today")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--snoozed", action="store_true", help="list the snoozed items instead")
    p.add_argument("--level", metavar="L", help="only items of this level (critical, warning, "
                   "watch, info; comma-separated for several)")
    p.add_argument("--kind", metavar="K", help="only items of this kind (comma-separated)")
    p.add_argument("--account", metavar="ACCOUNT", help="only this account's items")
    p.add_argument("--limit", type=int, metavar="N", help="at most N items")

    p = command("account", _lazy("scoring.cmd_account"), "one account's full picture")
    p.add_argument("account", metavar="ACCOUNT", help="id, name, or unique name prefix")
    p.add_argument("--json", action="store_true", help="JSON output")

    p = command("log", _lazy("book.cmd_log"), "log a touchpoint")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--kind", metavar="K",
                   help="call, email, meeting, check_in, qbr, ebr, renewal, escalation, "
                        "executive, training, tech_touch, expansion (required unless "
                        "--responds-to gives it)")
    p.add_argument("--status", default="completed", metavar="S",
                   help="completed (default), scheduled, missed")
    p.add_argument("--date", metavar="D", help="the day (default: today)")
    p.add_argument("--summary", metavar="T")
    p.add_argument("--flag", action="append", default=[], metavar="F",
                   help="complaint, data_export_request, termination_inquiry, adjacent_pain, "
                        "org_spread, early_renewal, exec_engaged (repeatable)")
    p.add_argument("--responds-to", metavar="ID",
                   help="the Today item it answers (its id): kind, summary and who are "
                        "pre-filled from it")
    p.add_argument("--with", dest="met", action="append", default=[], metavar="EMAIL",
                   help="who was met (e-mail or name; repeatable)")
    p.add_argument("--next-step", metavar="T", help="a follow-up task it sets")
    p.add_argument("--next-due", metavar="D", help="the follow-up's due date")

    p = command("note", _lazy("book.cmd_note"), "add a note to an account")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("text", metavar="TEXT", help="the note; - reads it from stdin")

    p = command("qbr", _lazy("reviews.cmd_qbr"), "write the QBR agenda as Markdown")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--date", metavar="D", help="the QBR date (default: 10 business days out)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--for", dest="audience", choices=("customer", "internal"),
                   default="customer",
                   help="customer (default): the agenda to send; internal: your prep sheet")

    p = command("metrics", _lazy("reviews.cmd_metrics"), "portfolio metrics for a period")
    p.add_argument("--from", dest="from_", metavar="D", help="start (default: 12 months ago)")
    p.add_argument("--to", metavar="D",
                   help="end, exclusive (default: tomorrow, so today is included)")
    p.add_argument("--json", action="store_true", help="JSON output")

    p = command("calibrate", _lazy("reviews.cmd_calibrate"),
                "how well the health score predicted past renewals")
    p.add_argument("--weights", metavar="W",
                   help="alternative weights to compare, e.g. usage=40,engagement=20,...")
    p.add_argument("--json", action="store_true", help="JSON output")

    # --- working Today's items to done (issue 17, docs/workflow.md)
    p = command("task", _lazy("work.cmd_task"), "your own follow-up tasks: add, done, list")
    task = p.add_subparsers(dest="task_command", metavar="add|done|list", required=True)
    t = task.add_parser("add", parents=[common], help="add a task (prints its id)")
    t.add_argument("account", metavar="ACCOUNT")
    t.add_argument("text", metavar="TEXT")
    t.add_argument("--due", metavar="D", help="due date (YYYY-MM-DD)")
    t = task.add_parser("done", parents=[common], help="mark a task done")
    t.add_argument("id", metavar="ID", help="the task's id (17 or task:17)")
    t = task.add_parser("list", parents=[common], help="open tasks (all with --all)")
    t.add_argument("--all", action="store_true", help="done ones too")
    t.add_argument("--json", action="store_true", help="JSON output")

    p = command("snooze", _lazy("work.cmd_snooze"),
                "put a Today item aside until a day, with a reason")
    p.add_argument("id", metavar="ID", help="the item's id (csdesk today --json)")
    p.add_argument("--until", required=True, metavar="D",
                   help="the day it comes back (at most 90 days ahead, 7 for a critical item)")
    p.add_argument("--reason", required=True, metavar="R",
                   help="waiting_on_customer, customer_unavailable, handled_elsewhere, "
                        "not_relevant")

    p = command("unsnooze", _lazy("work.cmd_unsnooze"), "bring a snoozed item back now")
    p.add_argument("id", metavar="ID")

    # --- renewals and the forecast call (issue 19, docs/workflow.md)
    p = command("forecast", _lazy("forecast.cmd_forecast"),
                "record your forecast call on an account's renewal")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("call", metavar="CALL", help="commit, likely, at_risk or churn_expected")
    p.add_argument("--note", metavar="T", help="why you call it so")

    p = command("renewals", _lazy("forecast.cmd_renewals"),
                "renewals with your call, csdesk's suggested call and why, and forecast ARR")
    p.add_argument("--days", type=int, metavar="N",
                   help="renewals within N days (default 180); past-due ones always show")
    p.add_argument("--json", action="store_true", help="JSON output")

    # --- search and capture (docs/workflow.md)
    p = command("search", _lazy("search.cmd_search"),
                "find accounts, contacts, notes, touchpoints, goals and save plans by words")
    p.add_argument("query", nargs="+", metavar="QUERY", help="words (any text; no syntax)")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N hits (50)")
    p.add_argument("--json", action="store_true", help="JSON output")

    p = command("capture", _lazy("capture.cmd_capture"),
                "log meetings and mails from .ics, .eml and .mbox files as touchpoints")
    p.add_argument("paths", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    # --- plans and corrections (issue 18, docs/workflow.md) ---
    _plan_commands(command)
    return parser


def _plan_commands(command) -> None:
    from csdesk.cli.commands.plans_parser import add_plan_commands

    add_plan_commands(command, _lazy, _common)


# The workbench `csdesk` opens without a command. The command line never imports the TUI
# (the layers of docs/architecture.md, checked by import-linter): the program,
# csdesk/__main__.py, hands it to `run` (what the `csdesk` script and `python -m csdesk` call).
_workbench: Handler | None = None


def _open_workbench(ctx: Context) -> int:
    if _workbench is None:
        print("csdesk: name a command (csdesk --help); the workbench opens from the csdesk "
              "program", file=sys.stderr)
        return 2
    # A big book's other slices start scoring before the app's imports and threads
    # (`Desk.start_scoring`): they work while it starts and draws its first screen.
    ctx.desk().start_scoring()
    return _workbench(ctx)


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (what scripts and tests call: all is freed as usual)."""
    return _execute(_context(argv))


def run(workbench: Handler | None = None) -> None:
    """The `csdesk` program: `main`, and then a command's process ends at once; with no
    command, `workbench(ctx)` (csdesk/__main__.py gives the TUI's).

    Before it ends, all output is flushed and the book closed (SQLite checkpoints its
    write-ahead log into the file on close), so nothing is lost. What is skipped is freeing,
    one object at a time, what the command read: a 10,000-account book is half a million
    objects and 0.3 s (mypy ends the same way). The workbench ends the usual way: its
    worker threads finish their writes first. So does a run under a profiler, a debugger or
    coverage (anything that set a profile or trace function): they write their reports at
    the end.
    """
    global _workbench
    _workbench = workbench or _workbench
    ctx = _context(sys.argv[1:])
    if ctx.args.handler is _open_workbench or sys.getprofile() or sys.gettrace():
        raise SystemExit(_execute(ctx))
    ctx.keep_reads = True  # kept alive to the end, not freed one by one (`Desk.kept`)
    code = _execute(ctx)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # the reader went away (`| head`), or closed
            pass
    os._exit(code)


def _context(argv: list[str] | None) -> Context:
    args = build_parser().parse_args(argv)
    for name in ("db", "config", "as_of"):
        if not hasattr(args, name):
            setattr(args, name, None)
    return Context(args)


def _say_skipped(ctx: Context) -> None:
    """The rows a read skipped, each once: cells edited by hand (`csdesk.store.checks`)."""
    if ctx._desk is not None:
        from csdesk.store.checks import warnings

        for text in warnings(ctx._desk.db):
            print(f"csdesk: warning: {text}", file=sys.stderr)


def _execute(ctx: Context) -> int:
    from csdesk.core.config import ConfigError
    from csdesk.store.queries import AccountNotFound
    from csdesk.store.schema import BookError

    args = ctx.args
    try:
        code = args.handler(ctx)
        _say_skipped(ctx)
        if ctx._desk is not None and ctx._desk.unstored:
            print(f"csdesk: {ctx.book_path} is read-only: read as it is, nothing was stored",
                  file=sys.stderr)
        return code
    except (UserError, BookError, AccountNotFound) as exc:
        _say_skipped(ctx)
        print(f"csdesk: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"csdesk: bad config: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # anything unexpected: say so, exit 1
        from csdesk.store.writes import is_locked

        if is_locked(exc):
            print(f"csdesk: the book is locked by another program; nothing was written ({exc})",
                  file=sys.stderr)
            return 2
        # The environment, not csdesk (issue 24): said plainly, exit 2.
        if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
            print("csdesk: the book is read-only here; nothing was written", file=sys.stderr)
            return 2
        if isinstance(exc, sqlite3.OperationalError) and "full" in str(exc):
            print(f"csdesk: the disk is full; nothing was written ({exc})", file=sys.stderr)
            return 2
        if isinstance(exc, OSError) and exc.strerror:
            where = f"{exc.filename}: " if exc.filename else ""
            print(f"csdesk: {where}{exc.strerror}", file=sys.stderr)
            return 2
        if os.environ.get("CSDESK_DEBUG"):
            traceback.print_exc()
        print(f"csdesk: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.close()


if __name__ == "__main__":
    run()
