"""The demo book: deterministic, and it exercises every rule of docs/rules.md."""

import datetime as dt
from collections import Counter

import pytest

from csdesk.core.config import Config
from csdesk.store.demo.generate import STORIES, generate
from csdesk.desk.desk import Desk
from csdesk.store.demo.write import BookNotEmpty, backfill_snapshots, write_demo
from csdesk.store.exporting.json_book import book_as_dict
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
RULES = Config().rules


def test_same_seed_same_book_and_another_seed_another():
    assert generate(60, 7, AS_OF, RULES) == generate(60, 7, AS_OF, RULES)
    assert generate(60, 7, AS_OF, RULES) != generate(60, 8, AS_OF, RULES)


def test_written_books_export_identically(tmp_path):
    exports = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        db = open_book(tmp_path / f"{name}.db")
        write_demo(db, generate(30, seed, AS_OF, RULES), as_of=AS_OF, rules=RULES, force=False)
        backfill_snapshots(Desk(db, Config(), AS_OF))
        exports.append(book_as_dict(db))
    assert exports[0] == exports[1]
    assert exports[0] != exports[2]


def test_chunks_are_the_whole_book_in_pieces():
    whole = generate(40, 7, AS_OF, RULES)
    for size in (1, 7, 40, 100):
        pieces = list(whole.chunks(size))
        assert len(pieces) == -(-40 // size)
        assert all(len(p["accounts"]) == min(size, 40) for p in pieces[:-1])
        assert {t: [r for p in pieces for r in p[t]] for t in whole} == dict(whole)


def test_a_book_written_in_chunks_is_the_book_written_in_one_go(tmp_path):
    """Chunks of 3 accounts (generated, planned, written, backfilled) against the whole book
    planned and written at once: the same rows, ids, snapshots and save plans."""
    books, counts = [], []
    for name, tables, chunk in (("whole", dict(generate(40, 7, AS_OF, RULES)), 10_000),
                                ("chunked", generate(40, 7, AS_OF, RULES), 3)):
        db = open_book(tmp_path / f"{name}.db")
        plan = write_demo(db, tables, as_of=AS_OF, rules=RULES, force=False,
                          chunk_accounts=chunk)
        backfill_snapshots(Desk(db, Config(), AS_OF), chunk_accounts=chunk)
        counts.append({t: (c.inserted, c.updated, c.unchanged) for t, c in plan.changes.items()})
        books.append((book_as_dict(db), *(
            q(db, f"SELECT {'id, ' if has_id else ''}* FROM {table} ORDER BY {order}")
            for table, has_id, order in (
                ("score_snapshots", False, "account_id, date"), ("save_plans", True, "id"),
                ("contacts", True, "id"), ("touchpoints", True, "id"), ("nps", True, "id"),
                ("goals", True, "id"), ("renewals", True, "id"), ("notes", True, "id"),
                ("tickets", False, "rowid")))))
        db.conn.close()
    assert counts[0] == counts[1]
    assert list(counts[0]) == [t for t in counts[0] if counts[0][t][0]]  # inserts, table order
    assert books[0] == books[1]
    assert books[0][1] and books[0][2]  # snapshots and save plans were compared


def test_dates_move_with_as_of():
    later = AS_OF + dt.timedelta(days=100)
    a, b = generate(20, 7, AS_OF, RULES), generate(20, 7, later, RULES)
    assert [r["renewal_date"] + dt.timedelta(days=100) for r in a["accounts"]] == \
        [r["renewal_date"] for r in b["accounts"]]


def test_refuses_a_book_with_data_unless_forced(book):
    write_demo(book, generate(5, 1, AS_OF, RULES), as_of=AS_OF, rules=RULES, force=False)
    with pytest.raises(BookNotEmpty):
        write_demo(book, generate(5, 2, AS_OF, RULES), as_of=AS_OF, rules=RULES, force=False)
    write_demo(book, generate(5, 2, AS_OF, RULES), as_of=AS_OF, rules=RULES, force=True)
    assert book.execute("SELECT count(*) FROM accounts").fetchone() == (5,)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = open_book(tmp_path_factory.mktemp("demo") / "book.db")
    tables = generate(60, 7, AS_OF, RULES)
    write_demo(db, tables, as_of=AS_OF, rules=RULES, force=False)
    backfill_snapshots(Desk(db, Config(), AS_OF))
    yield db, tables
    db.conn.close()


def q(db, sql, *params):
    return db.execute(sql, params).fetchall()


def test_every_band_tier_and_story(demo):
    db, tables = demo
    bands = Counter(b for (b,) in q(db, "SELECT band FROM score_snapshots WHERE date = ?",
                                    AS_OF.isoformat()))
    assert bands["red"] >= 3 and bands["yellow"] >= 5 and bands["green"] >= 10
    assert bands["unknown"] >= 2
    arrs = [r["arr"] for r in tables["accounts"]]
    assert any(a > 100_000 for a in arrs) and any(20_000 <= a <= 100_000 for a in arrs)
    assert any(a < 20_000 for a in arrs)
    assert len({r["name"] for r in tables["accounts"]}) == 60


@pytest.mark.parametrize("n", [1, 5, 13, 60, 997])
def test_every_story_appears_once_the_book_is_big_enough(n):
    import random

    from csdesk.store.demo.generate import STORY_PRIORITY, _stories

    stories = _stories(n, random.Random(1))
    assert len(stories) == n
    assert set(stories) == (set(STORIES) if n >= len(STORIES) else set(STORY_PRIORITY[:n]))


def test_renewals_in_every_window_and_past_outcomes(demo):
    db, tables = demo
    days = [(r["renewal_date"] - AS_OF).days for r in tables["accounts"] if r["status"] == "active"]
    windows = Counter(
        "past_due" if d < 0 else "30" if d < 30 else "60" if d < 60 else "90" if d < 90
        else "180" if d < 180 else "later" for d in days)
    assert set(windows) == {"past_due", "30", "60", "90", "180", "later"}
    outcomes = {r["outcome"] for r in tables["renewals"]}
    assert outcomes == {"renewed", "expanded", "contracted", "churned"}
    churned = [r for r in tables["renewals"] if r["outcome"] == "churned"]
    assert all(r["reason"] and r["preventable"] is not None for r in churned)
    assert q(db, "SELECT count(*) FROM accounts WHERE status='churned'") == [(len(churned),)]
    # Calibration (§12) finds a snapshot 80-100 days before every outcome.
    for account_id, day in q(db, "SELECT account_id, date FROM renewals"):
        assert q(db, "SELECT count(*) FROM score_snapshots WHERE account_id=? AND "
                     "julianday(?) - julianday(date) BETWEEN 80 AND 100", account_id, day)[0][0]


def test_signals_the_rules_look_for(demo):
    _, t = demo
    flags = Counter(f for r in t["touchpoints"] for f in r["flags"].split(";") if f)
    assert {"complaint", "data_export_request", "adjacent_pain", "termination_inquiry"} <= set(flags)
    assert any(r["status"] == "missed" for r in t["touchpoints"])
    recent_departures = [c for c in t["contacts"] if c["role"] == "champion"
                         and c["status"] == "departed"
                         and (AS_OF - c["departed_on"]).days <= 90]
    assert recent_departures
    assert any(r["severity"] == "critical" and r["closed_on"] is None for r in t["tickets"])
    scores = [r["score"] for r in t["nps"]]
    assert min(scores) <= 6 and max(scores) >= 9 and any(7 <= s <= 8 for s in scores)
    twice = Counter((r["account_id"], r["contact"]) for r in t["nps"])
    assert max(twice.values()) >= 2
    assert any(r["status"] == "achieved" and "$" in (r["roi_note"] or "") for r in t["goals"])
    # A login cliff: > 30% down week over week, twice in a row (§5).
    by_account = {}
    for r in t["usage"]:
        by_account.setdefault(r["account_id"], []).append(r["logins"])
    assert any(all(b < 0.7 * a for a, b in zip(logins[-3:-1], logins[-2:]))
               for logins in by_account.values() if len(logins) >= 3)


def test_onboarding_accounts_have_milestones_and_one_is_overdue(demo):
    db, _ = demo
    onboarding = q(db, "SELECT count(DISTINCT account_id) FROM milestones")[0][0]
    assert onboarding >= 4
    overdue = q(db, "SELECT count(*) FROM milestones WHERE done_on IS NULL AND due < ?",
                AS_OF.isoformat())[0][0]
    assert overdue >= 1
    assert q(db, "SELECT count(*) FROM milestone_items")[0][0] > 0


def test_a_big_book_is_generated():
    # How fast: python -m csdesk.bench (no timings in the tests, #6).
    tables = generate(2000, 7, AS_OF, RULES)
    assert len(tables["accounts"]) == 2000
    assert len({a["account_id"] for a in tables["accounts"]}) == 2000


def test_the_corrected_rules_have_something_to_show(demo):
    """§13: a late business review (the stuck-yellow accounts hold none), critical alerts
    answered with a written save plan and others still open on a draft."""
    from csdesk.core.alerts import plan_is_written
    from csdesk.core.models import ItemKind

    db, _ = demo
    desk = Desk(db, Config(), AS_OF)
    kinds = Counter(i.kind for i in desk.brief())
    assert kinds[ItemKind.ebr_due] >= 1
    plans = [p for data in desk.load() for p in data.save_plans]
    assert any(plan_is_written(p) for p in plans) and not all(plan_is_written(p) for p in plans)
