"""Search the book (docs/workflow.md, "Search"): what `csdesk search` and the workbench's ctrl+f
share. The store finds and ranks; this says which account tab holds each hit."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from csdesk.core.search import mark_spans
from csdesk.store import search as index

DEFAULT_LIMIT = 50

# The account screen's tab that shows each kind of row (tui/widgets/account/).
TAB_OF_KIND = {
    "account": "overview",
    "contact": "stakeholders",
    "note": "timeline",
    "touchpoint": "timeline",
    "goal": "plan",
    "save_plan": "save-plan",
    "save_plan_action": "save-plan",
}


@dataclass(frozen=True)
class SearchHit:
    account_id: str
    name: str
    kind: str
    table: str
    field: str
    row_id: int
    snippet: str  # marks between core.search.MARK_START and MARK_END
    tab: str

    def as_json(self) -> dict:
        text, marks = mark_spans(self.snippet)
        return {"account_id": self.account_id, "name": self.name, "kind": self.kind,
                "table": self.table, "field": self.field, "id": self.row_id,
                "snippet": text, "marks": [list(span) for span in marks], "tab": self.tab}


def search_book(db: sqlite_utils.Database, query: str, *,
                limit: int = DEFAULT_LIMIT) -> list[SearchHit]:
    """The best hits for `query`, best first; any text is a valid query."""
    return [SearchHit(account_id=h.account_id, name=h.name, kind=h.kind, table=h.table,
                      field=h.field, row_id=h.row_id, snippet=h.snippet,
                      tab=TAB_OF_KIND.get(h.kind, "overview"))
            for h in index.search(db, query, limit=limit)]
