"""The reads behind the portfolio (§11, §12) read only what the rules look at: the snapshots of
the calibration window before each renewal outcome, the business-review touchpoints of the
period. On real books, against what a read of everything gives."""

import datetime as dt
import json
from collections import defaultdict

from csdesk.core.calibration import calibrate
from csdesk.core.config import Config
from csdesk.core.metrics import REVIEW_KINDS, review_completion
from csdesk.core.models import Snapshot
from csdesk.store.demo.generate import generate
from csdesk.desk.desk import Desk
from csdesk.store.demo.write import backfill_snapshots, write_demo
from csdesk.store.queries import (
    load_accounts,
    load_renewals,
    load_snapshots_before_renewals,
    load_touchpoints,
)

AS_OF = dt.date(2026, 11, 23)
RULES = Config().rules
RENEWED = dt.date(2026, 9, 1)


def _snapshots(book, days_before: list[int]) -> None:
    book["accounts"].insert_all([
        dict(account_id="A", name="Acme", arr=60_000, contract_start="2024-01-01",
             renewal_date="2027-09-01", status="active"),
        dict(account_id="B", name="Beta", arr=9_000, contract_start="2024-01-01",
             renewal_date="2027-02-01", status="active"),
    ])
    book["renewals"].insert_all([
        dict(account_id="A", date=RENEWED.isoformat(), outcome="renewed", previous_arr=60_000,
             new_arr=60_000),
        dict(account_id="B", date="2027-02-01", outcome="churned", previous_arr=9_000,
             new_arr=0),  # logged ahead of the day: not an outcome yet
    ])
    book["score_snapshots"].insert_all([
        dict(account_id=a, date=(RENEWED - dt.timedelta(days=n)).isoformat(), score=40,
             band="red", coverage=1.0, dimensions='{"usage": 40}')
        for a in ("A", "B") for n in days_before])


def test_calibration_reads_the_window_before_each_outcome_edges_included(book):
    _snapshots(book, [79, 80, 90, 100, 101])
    got = load_snapshots_before_renewals(book, AS_OF, *RULES.calibration.window_days)
    assert list(got) == ["A"]  # B's outcome is after the day
    assert [(RENEWED - s.date).days for s in got["A"]] == [100, 90, 80]  # ascending by date
    assert got["A"][0].dimensions == {"usage": 40} and got["A"][0].band == "red"


def test_calibration_on_a_demo_history_is_the_same_as_from_every_snapshot(tmp_path):
    desk = Desk.open(tmp_path / "book.db", Config(), AS_OF)
    write_demo(desk.db, generate(150, 5, AS_OF, RULES), as_of=AS_OF, rules=RULES, force=False)
    backfill_snapshots(desk)
    renewals = [r for r in load_renewals(desk.db) if r.date <= AS_OF]
    everything = defaultdict(list)
    for a, d, s, b, c, dims in desk.db.execute(
            "SELECT account_id, date, score, band, coverage, dimensions FROM score_snapshots "
            "ORDER BY account_id, date"):
        everything[a].append(dict(account_id=a, date=d, score=s, band=b, coverage=c,
                                  dimensions=dims))
    every = {a: [Snapshot(**(r | {"dimensions": json.loads(r["dimensions"])})) for r in rows]
             for a, rows in everything.items()}
    narrow = load_snapshots_before_renewals(desk.db, AS_OF, *RULES.calibration.window_days)
    assert sum(map(len, narrow.values())) < sum(map(len, every.values()))
    full = calibrate(renewals, every, RULES)
    assert full.result.n > 10  # the demo history has outcomes to calibrate on
    assert calibrate(renewals, narrow, RULES) == full
    weights = {"usage": 50, "engagement": 20, "outcomes": 10, "support": 10, "relationship": 10}
    assert calibrate(renewals, narrow, RULES, weights) == calibrate(renewals, every, RULES,
                                                                    weights)

    # Business reviews: the reviews of the period give the same completion as every touchpoint.
    start = AS_OF - dt.timedelta(days=365)
    reviews = load_touchpoints(desk.db, start, AS_OF, kinds=REVIEW_KINDS)
    every_touchpoint = load_touchpoints(desk.db, start, AS_OF)
    assert reviews and {t.kind for t in reviews} <= set(REVIEW_KINDS)
    assert len(reviews) < len(every_touchpoint)
    accounts = load_accounts(desk.db)
    assert (review_completion(accounts, reviews, start, AS_OF, RULES, renewals)
            == review_completion(accounts, every_touchpoint, start, AS_OF, RULES, renewals))
    desk.close()
