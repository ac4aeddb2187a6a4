"""`csdesk search QUERY [--json]` (docs/workflow.md, "Search")."""

from __future__ import annotations

import os
import sys

from csdesk.cli.app import Context, UserError
from csdesk.cli.commands import print_json
from csdesk.core.search import marked_parts
from csdesk.core.text import printable
from csdesk.desk.search import search_book


def _colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def cmd_search(ctx: Context) -> int:
    args = ctx.args
    if args.limit < 1:
        raise UserError("--limit: give at least 1")
    query = " ".join(args.query)
    desk = ctx.desk(create=False)
    hits = search_book(desk.db, query, limit=args.limit)
    if args.json:
        print_json({"query": query, "hits": [hit.as_json() for hit in hits]})
        return 0
    if not hits:
        print(f"Nothing found for {printable(query, single_line=True)!r}.")
        return 0
    colour = _colour()
    for hit in hits:
        shown = "".join(_mark(printable(part, single_line=True), is_match, colour)
                        for part, is_match in marked_parts(hit.snippet))
        print(f"{printable(hit.name, single_line=True)} ({printable(hit.account_id, single_line=True)})"
              f"  {hit.kind} {hit.field}, {hit.tab} tab\n    {shown}")
    return 0


def _mark(text: str, is_match: bool, colour: bool) -> str:
    if not is_match:
        return text
    return f"\x1b[1;33m{text}\x1b[0m" if colour else f"[{text}]"
