"""The whole-book read a scoring run uses leaves out rows no rule reads (all but the latest
usage row of accounts past onboarding; score-history rows inside a run of the same band and
the same zero dimensions; touchpoints older than the rules read) and shares parsed dimensions
between snapshots. The assessments must be exactly those of a full read, on a real demo
book, on several days."""

import datetime as dt

import pytest

from csdesk.core.assess import (
    TREND_DAYS,
    TREND_SLACK_DAYS,
    assess,
    latest_usage_days,
    touchpoints_read_from,
)
from csdesk.core.config import Config
from csdesk.store.demo.generate import generate
from csdesk.desk.desk import Desk
from csdesk.store.demo.write import backfill_snapshots, write_demo
from csdesk.store.queries import load_book
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
RULES = Config().rules


@pytest.fixture(scope="module", params=[7, 1], ids=["weekly", "daily"])
def demo_db(request, tmp_path_factory):
    """A demo book scored weekly, or daily (as a CSM who opens csdesk every morning: runs of a
    band hundreds of snapshots long, each a `changed` row only where it starts)."""
    db = open_book(tmp_path_factory.mktemp("narrow") / "book.db")
    write_demo(db, generate(120, 11, AS_OF, RULES), as_of=AS_OF, rules=RULES, force=False)
    backfill_snapshots(Desk(db, Config(), AS_OF), every_days=request.param)
    yield db
    db.conn.close()


@pytest.mark.parametrize("day", [AS_OF, AS_OF - dt.timedelta(days=17),
                                 AS_OF - dt.timedelta(days=45)])
def test_narrow_reads_assess_exactly_as_full_reads(demo_db, day):
    full = load_book(demo_db, day)
    narrow = load_book(demo_db, day, latest_usage_days=latest_usage_days(RULES),
                       history_runs=(TREND_DAYS, TREND_SLACK_DAYS),
                       touchpoints_from=touchpoints_read_from(RULES, day))
    assert [d.account for d in narrow] == [d.account for d in full]
    for table in ("history", "usage", "touchpoints"):
        assert (sum(len(getattr(d, table)) for d in narrow)
                < sum(len(getattr(d, table)) for d in full)), table
        for n, f in zip(narrow, full):  # rows of the full read, once each, in its order
            kept = getattr(n, table)
            assert list(kept) == [row for row in getattr(f, table) if row in kept], table
    # As a whole-book run assesses: the churn signals are the account view's (full reads).
    assessed_full = [assess(d, day, RULES, signals=False) for d in full]
    assessed_narrow = [assess(d, day, RULES, signals=False) for d in narrow]
    assert assessed_narrow == assessed_full
    # The book exercises what the compaction must keep: runs, zero dimensions, trends.
    assert any(a.alerts for a in assessed_full)
    assert any(a.trend_delta_30 is not None for a in assessed_full)
    assert any(al.trigger == "dimension_zero" for a in assessed_full for al in a.alerts)


def test_history_rows_keep_their_dimensions(demo_db):
    full = {d.account.account_id: d.history for d in load_book(demo_db, AS_OF)}
    for data in load_book(demo_db, AS_OF, history_runs=(TREND_DAYS, TREND_SLACK_DAYS)):
        kept = {s.date: s for s in full[data.account.account_id]}
        for snap in data.history:
            assert snap == kept[snap.date]


def test_the_book_run_leaves_the_signals_to_the_account_view(demo_db):
    desk = Desk(demo_db, Config(), AS_OF)
    book = desk.assess_all(store=False)
    assert all(a.signals is None for a in book)
    with_signals = 0
    for a in book[:40]:
        full, _ = desk.assess_account(a.account.account_id, store=False)
        assert full.model_copy(update={"signals": None}) == a
        with_signals += bool(full.signals.leading or full.signals.lagging
                             or full.signals.expansion)
    assert with_signals > 0
