"""The CRM round trip on the command line (docs/import.md): `import` with profiles and only
my accounts, `export --format` of the CSM's records for Salesforce, HubSpot or plain CSV."""

from __future__ import annotations

import contextlib
import tempfile

from csdesk.cli.app import Context, UserError
from csdesk.desk.settings import parse_iso_day


def cmd_import(ctx: Context) -> int:
    from csdesk.store.importing import ImportRefused, format_report, import_paths

    args = ctx.args
    config = ctx.config
    owner, given = args.owner, args.owner is not None
    if owner is not None and not owner.strip():
        raise UserError("--owner: give a name")
    if owner is None and config.csm_name:
        owner = config.csm_name
    try:
        with _book_to_import_into(ctx) as db:
            plan = import_paths(db, args.paths, as_of=ctx.as_of, rules=config.rules,
                                dayfirst=args.dayfirst, dry_run=args.dry_run,
                                profiles=config.import_profiles, profile=args.profile,
                                owner=owner, owner_given=given)
    except ImportRefused as exc:
        lines = exc.lines()
        n = len(exc.problems)
        raise UserError(f"import refused, nothing written; {n} problem"
                        f"{'s' if n != 1 else ''}:\n" + "\n".join(lines)) from None
    for line in format_report(plan, dry_run=args.dry_run):
        print(line)
    if not args.dry_run:
        print(f"Book: {ctx.book_path}")
    return 0


@contextlib.contextmanager
def _book_to_import_into(ctx: Context):
    """The book; for a dry run with no book yet, an empty one thrown away after (a dry run
    creates no book file, issue 24)."""
    if not (ctx.args.dry_run and not ctx.book_path.exists()):
        yield ctx.desk().db
        return
    from csdesk.store.schema import open_book

    with tempfile.TemporaryDirectory(prefix="csdesk-dry-run-") as scratch:
        db = open_book(f"{scratch}/book.db")
        try:
            yield db
        finally:
            db.conn.close()


def cmd_export(ctx: Context) -> int:
    args = ctx.args
    if args.format is None:
        if args.since:
            raise UserError("--since goes with --format (the JSON book is the whole book)")
        from csdesk.cli.commands.book import cmd_export as export_json

        return export_json(ctx)
    from csdesk.desk.files import OutputRefused, check_output
    from csdesk.store.exporting.crm import export_crm

    try:
        since = parse_iso_day(args.since, "--since") if args.since else None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if args.format == "csv":  # a folder of files
        from pathlib import Path

        if Path(args.path).expanduser().is_file():
            raise UserError(f"{args.path}: is a file; --format csv writes a folder")
    else:
        try:
            check_output(args.path, ctx.book_path)
        except OutputRefused as exc:
            raise UserError(str(exc)) from None
    desk = ctx.desk(create=False)
    try:
        result = export_crm(desk.db, args.format, args.path, since=since)
    except OSError as exc:
        raise UserError(f"{args.path}: cannot write ({exc.strerror})") from None
    what = (f"since {since}" if since is not None
            else "new since the last export of this format")
    counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in result.counts.items())
    print(f"Exported {sum(result.counts.values())} records ({what}) as {args.format}: "
          f"{counts}")
    for path in result.paths:
        print(f"  {path}")
    if result.not_salesforce_ids:
        print(f"Note: {result.not_salesforce_ids} rows name an account whose id is not a "
              "Salesforce id (15 or 18 characters); Data Loader will refuse their WhatId")
    return 0
