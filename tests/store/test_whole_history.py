"""§13 history is the whole history: a run of a band that began long ago (150 days, beyond
any read window) is read from its true start by the account's view and by a whole-book run
alike; its answered alert stays answered, and one save plan is written for it however many
days it is scored."""

import datetime as dt
import json

import pytest

from csdesk.core.config import Config
from csdesk.core.models import RemediationAction, SavePlan
from csdesk.desk.desk import Desk
from csdesk.store.schema import open_book
from csdesk.store.writes import save_save_plan

AS_OF = dt.date(2026, 11, 23)
RED_SINCE = AS_OF - dt.timedelta(days=150)


def ago(days: int) -> str:
    return (AS_OF - dt.timedelta(days=days)).isoformat()


@pytest.fixture
def db(tmp_path):
    """An account red every week for 150 days (an open critical ticket keeps it red today)."""
    db = open_book(tmp_path / "book.db")
    db["accounts"].insert(dict(account_id="A1", name="Acme", arr=50_000,
                               contract_start=ago(700), renewal_date=ago(-200),
                               seats_licensed=100, status="active"))
    db["usage"].insert(dict(account_id="A1", date=ago(2), active_users=5))
    db["tickets"].insert(dict(ticket_id="T1", account_id="A1", opened_on=ago(3),
                              severity="critical"))
    dims = json.dumps({"usage": 0, "engagement": 0, "outcomes": None, "support": 0,
                       "relationship": 0})
    db["score_snapshots"].insert_all(
        [dict(account_id="A1", date=ago(d), score=0, band="red", coverage=0.8,
              dimensions=dims) for d in range(150, 0, -7)])
    db.conn.commit()
    yield db
    db.conn.close()


def _answer(db, *, executive_ago: int, plan_written: bool) -> None:
    db["touchpoints"].insert(dict(account_id="A1", date=ago(executive_ago), kind="executive",
                                  status="completed", summary="exec call"))
    action = RemediationAction(action="Exec call", owner="Dana", due=RED_SINCE)
    save_save_plan(db, SavePlan(
        account_id="A1", trigger="band_red", trigger_date=RED_SINCE,
        root_cause="Budget moved to a rival tool" if plan_written else "",
        remediation_actions=(action,)))
    db.conn.commit()


def _red_alerts(desk: Desk, whole_book: bool):
    if whole_book:
        [a] = desk.assess_all()
    else:
        a, _ = desk.assess_account("A1")
    return [al for al in a.alerts if al.trigger == "band_red"]


@pytest.mark.parametrize("whole_book", [False, True], ids=["account", "whole book"])
def test_red_since_the_true_start_of_the_run(db, whole_book):
    [alert] = _red_alerts(Desk(db, Config(), AS_OF), whole_book)
    assert alert.trigger_date == RED_SINCE
    assert f"since {RED_SINCE}" in alert.title


@pytest.mark.parametrize("whole_book", [False, True], ids=["account", "whole book"])
def test_an_alert_answered_long_ago_stays_answered(db, whole_book):
    _answer(db, executive_ago=149, plan_written=True)
    assert _red_alerts(Desk(db, Config(), AS_OF), whole_book) == []


def test_one_save_plan_for_one_red_run(db):
    for week in range(4):  # the window moves a week each time
        Desk(db, Config(), AS_OF + dt.timedelta(days=7 * week)).assess_all()
    plans = list(db.query("SELECT trigger, trigger_date FROM save_plans"))
    assert plans == [{"trigger": "band_red", "trigger_date": RED_SINCE.isoformat()}]


def test_a_draft_plan_does_not_answer_it(db):
    _answer(db, executive_ago=149, plan_written=False)
    assert [a.trigger_date for a in _red_alerts(Desk(db, Config(), AS_OF), True)] == [RED_SINCE]
