"""The demo book: generated, written into an empty book, and its score history backfilled.

Shared by `csdesk demo` and the workbench's offer to load the demo on an empty book."""

from __future__ import annotations

from csdesk.desk.desk import Desk
from csdesk.store.demo.generate import generate
from csdesk.store.demo.write import BookNotEmpty, backfill_snapshots, write_demo
from csdesk.store.importing import ImportPlan

__all__ = ["BookNotEmpty", "write_demo_book"]


def write_demo_book(desk: Desk, *, accounts: int, seed: int, force: bool = False) -> tuple[ImportPlan, int | None]:
    """Write the demo book into `desk`'s book; the import plan and the snapshots backfilled.

    Raises BookNotEmpty when the book holds accounts and `force` is not given."""
    tables = generate(accounts, seed, desk.as_of, desk.rules, desk.config.csm_name)
    plan = write_demo(desk.db, tables, as_of=desk.as_of, rules=desk.rules, force=force)
    return plan, backfill_snapshots(desk)
