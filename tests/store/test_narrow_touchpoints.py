"""The whole-book read keeps only the touchpoints the rules read (`load_book`'s
`touchpoints_from`): the history window's, and all older ones of an account with no completed
touchpoint in it or whose renewal window opened before it. Any book, any day: every rule,
signals included, concludes exactly as on all of them."""

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.core.assess import assess, touchpoints_read_from
from csdesk.core.config import Config
from csdesk.core.models import Band, Flag, TouchpointKind, TouchpointStatus
from csdesk.core.tiers import tier_for, touchpoint_cadence_days
from csdesk.store.queries import load_book
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
RULES = Config().rules


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


touchpoint = st.tuples(
    # days ago (a few after the day: not happened yet), often near the windows' edges
    st.one_of(st.integers(-10, 400), st.integers(75, 160)),
    st.one_of(st.sampled_from(list(TouchpointKind)),  # and often the kinds rules look for
              st.sampled_from([TouchpointKind.renewal, TouchpointKind.escalation])),
    st.sampled_from(list(TouchpointStatus)),
    st.lists(st.sampled_from([Flag.complaint, Flag.exec_engaged, Flag.data_export_request]),
             max_size=2, unique=True),
)
account = st.fixed_dictionaries({
    "renewal_in": st.integers(-300, 300),  # a renewal long overdue opened its window long ago
    "touchpoints": st.lists(touchpoint, max_size=14),
    "bands": st.lists(st.sampled_from([Band.green, Band.yellow, Band.red]), max_size=8),
    "every": st.integers(1, 20),  # days between snapshots: runs that start up to 160 days back
    "champion_left": st.one_of(st.none(), st.integers(0, 200)),
    "detractor": st.one_of(st.none(), st.integers(0, 60)),
    "active_users": st.one_of(st.none(), st.integers(0, 50)),  # of 50 seats, a week ago
})


def _write(db, accounts: list[dict]) -> None:
    for i, a in enumerate(accounts):
        aid = f"A{i}"
        db["accounts"].insert(dict(
            account_id=aid, name=f"Account {i}", arr=50_000, contract_start=ago(500),
            renewal_date=ago(-a["renewal_in"]), seats_licensed=50, status="active"))
        db["touchpoints"].insert_all(
            [dict(account_id=aid, date=ago(d), kind=k, status=s, summary=f"#{n}",
                  flags=";".join(f))
             for n, (d, k, s, f) in enumerate(a["touchpoints"])])
        db["score_snapshots"].insert_all(
            [dict(account_id=aid, date=ago(a["every"] * (len(a["bands"]) - n)), score=50, band=b,
                  coverage=1.0, dimensions='{"usage": 0}' if b == Band.red else "{}")
             for n, b in enumerate(a["bands"])])
        db["contacts"].insert(dict(
            account_id=aid, name="Chris", role="champion",
            status="active" if a["champion_left"] is None else "departed",
            departed_on=None if a["champion_left"] is None else ago(a["champion_left"])))
        if a.get("active_users") is not None:
            db["usage"].insert(dict(account_id=aid, date=ago(7), active_users=a["active_users"]))
        if a["detractor"] is not None:
            db["nps"].insert(dict(account_id=aid, date=ago(a["detractor"]), score=3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts=st.lists(account, min_size=1, max_size=4), back=st.integers(0, 40))
def test_any_book_assesses_as_on_all_its_touchpoints(accounts, back):
    day = AS_OF - dt.timedelta(days=back)
    with tempfile.TemporaryDirectory() as folder:
        db = open_book(Path(folder) / "book.db")
        try:
            _write(db, accounts)
            full = load_book(db, day)
            narrow = load_book(db, day, touchpoints_from=touchpoints_read_from(RULES, day))
        finally:
            db.conn.close()
    assert [assess(d, day, RULES) for d in narrow] == [assess(d, day, RULES) for d in full]
    for n, f in zip(narrow, full):
        assert set(n.touchpoints) <= set(f.touchpoints)  # a subset, in the same order
        assert list(n.touchpoints) == [t for t in f.touchpoints if t in set(n.touchpoints)]


def _one(db, renewal_in: int, touchpoints: list[tuple[int, str, str]]) -> None:
    _write(db, [dict(renewal_in=renewal_in, bands=[], every=1, champion_left=None, detractor=None,
                     touchpoints=[(d, k, s, []) for d, k, s in touchpoints])])


def test_a_renewal_long_overdue_keeps_its_renewal_touchpoint(book):
    # Due 60 days ago: its window opened 150 days ago, before the history window (120).
    _one(book, -60, [(140, "renewal", "completed"), (3, "call", "completed")])
    [data] = load_book(book, AS_OF, touchpoints_from=touchpoints_read_from(RULES, AS_OF))
    assert [t.kind for t in data.touchpoints] == ["renewal", "call"]
    assert assess(data, AS_OF, RULES).renewal_touchpoint_logged


def test_without_a_recent_completed_touchpoint_all_older_ones_are_read(book):
    _one(book, 200, [(300, "call", "completed"), (200, "call", "missed"),
                     (5, "call", "scheduled")])
    [data] = load_book(book, AS_OF, touchpoints_from=touchpoints_read_from(RULES, AS_OF))
    assert len(data.touchpoints) == 3
    cadence = touchpoint_cadence_days(tier_for(50_000, RULES), RULES)
    assert assess(data, AS_OF, RULES).next_touchpoint_due == (
        AS_OF - dt.timedelta(days=300 - cadence))


def test_with_a_recent_completed_touchpoint_older_ones_are_left_out(book):
    # ... and a recent business review (mid-market: the rules read back to the last one)
    _one(book, 200, [(300, "call", "completed"), (200, "call", "missed"),
                     (30, "ebr", "completed"), (5, "call", "completed")])
    [data] = load_book(book, AS_OF, touchpoints_from=touchpoints_read_from(RULES, AS_OF))
    assert [t.date for t in data.touchpoints] == [dt.date(2026, 10, 24), dt.date(2026, 11, 18)]


def test_without_a_recent_business_review_the_last_one_is_read(book):
    # §13 ebr_due: mid-market reviews every 182 days; the last one 183 days ago is read
    _one(book, 200, [(300, "qbr", "completed"), (183, "ebr", "completed"),
                     (5, "call", "completed")])
    [data] = load_book(book, AS_OF, touchpoints_from=touchpoints_read_from(RULES, AS_OF))
    assert len(data.touchpoints) == 3
    assert assess(data, AS_OF, RULES).next_review_due == AS_OF - dt.timedelta(days=1)


def test_touchpoints_as_old_as_the_score_history_are_read(book):
    # Usage at 0 for 115 days (a warning since then), answered 110 days ago by an escalation.
    _write(book, [dict(renewal_in=200, bands=[Band.red] * 24, every=5, champion_left=None,
                       detractor=None, active_users=0,
                       touchpoints=[(110, "escalation", "completed", []),
                                    (3, "call", "completed", [])])])
    [full] = load_book(book, AS_OF)
    [data] = load_book(book, AS_OF, touchpoints_from=touchpoints_read_from(RULES, AS_OF))
    assert data.touchpoints == full.touchpoints

    def warned(data) -> bool:
        return any(a.trigger == "dimension_zero" for a in assess(data, AS_OF, RULES).alerts)

    assert not warned(data)
    assert warned(data.model_copy(update={"touchpoints": data.touchpoints[1:]}))
