"""End to end: a small book on a real SQLite file, `csdesk score/today/account` across days."""

import json

import pytest

from csdesk.cli import main
from csdesk.store.schema import open_book

SCORE_KEYS = {"account_id", "name", "tier", "arr", "score", "band", "coverage", "dimensions"}
DIMENSIONS = {"usage", "engagement", "outcomes", "support", "relationship"}
ITEM_KEYS = {"account_id", "name", "kind", "level", "title", "action", "due", "overdue", "id",
             "clears_when", "respond_with"}
ACCOUNT_KEYS = SCORE_KEYS | {
    "phase", "days_to_renewal", "renewal_date", "action", "alerts", "signals",
    "expansion_qualified", "expansion_gates", "stakeholders", "milestones", "reference_candidate"}


@pytest.fixture
def db_path(tmp_path):
    """Acme (mid-market, green, an EBR on 2026-07-28, then its usage collapses on 2026-10-14),
    Beta (churned),
    Gamma (contract starts in 2027)."""
    path = tmp_path / "book.db"
    db = open_book(path)
    db["accounts"].insert_all([
        dict(account_id="A1", name="Acme", arr=50_000, contract_start="2025-01-01",
             renewal_date="2027-06-30", seats_licensed=100, term_months=12, status="active"),
        dict(account_id="B2", name="Beta", arr=8_000, contract_start="2025-01-01",
             renewal_date="2026-06-01", seats_licensed=10, term_months=12, status="churned"),
        dict(account_id="C3", name="Gamma", arr=150_000, contract_start="2027-01-01",
             renewal_date="2028-01-01", seats_licensed=50, term_months=12, status="active"),
    ])
    db["usage"].insert_all([
        dict(account_id="A1", date="2026-07-30", active_users=90, logins=900),
        dict(account_id="A1", date="2026-09-28", active_users=90, logins=900),
        dict(account_id="A1", date="2026-10-14", active_users=10, logins=50),
    ])
    db["touchpoints"].insert_all([  # the first an EBR: no business review is due (182 days)
        dict(account_id="A1", date=d, kind=k, status="completed", summary=None, flags="")
        for d, k in (("2026-07-28", "ebr"), ("2026-09-25", "meeting"),
                     ("2026-10-10", "meeting"))])
    db["goals"].insert(dict(account_id="A1", goal="Cut onboarding time", status="achieved",
                            roi_note="saved 200 hours a quarter"))
    db["contacts"].insert_all([
        dict(account_id="A1", name="Ann Lee", role="champion", status="active"),
        dict(account_id="A1", name="Bo Chen", role="executive_sponsor", status="active"),
    ])
    db["renewals"].insert(dict(account_id="B2", date="2026-06-01", outcome="churned",
                               previous_arr=8_000, new_arr=0, reason="budget"))
    db.conn.close()
    return path


def run(capsys, db_path, day, *argv):
    code = main(["--db", str(db_path), "--as-of", day, *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def run_json(capsys, db_path, day, *argv):
    return json.loads(run(capsys, db_path, day, *argv, "--json"))


def test_score_json_contract_and_snapshots(capsys, db_path):
    got = run_json(capsys, db_path, "2026-08-01", "score")
    assert got["as_of"] == "2026-08-01"
    [acme] = got["accounts"]            # Beta churned, Gamma not started: not scored
    assert set(acme) == SCORE_KEYS and set(acme["dimensions"]) == DIMENSIONS
    # usage 90% -> 100, engagement 4 days -> 100, outcomes 100, support N/A,
    # relationship 40 + 30 + no NPS 15 = 85: (3500 + 2500 + 2000 + 850) / 90 = 98.3 -> 98
    assert acme == {"account_id": "A1", "name": "Acme", "tier": "mid_market", "arr": 50_000.0,
                    "score": 98, "band": "green", "coverage": 0.9,
                    "dimensions": {"usage": 100, "engagement": 100, "outcomes": 100,
                                   "support": None, "relationship": 85}}
    run(capsys, db_path, "2026-08-01", "score")  # the same day again replaces its snapshot
    db = open_book(db_path)
    rows = list(db.query("SELECT account_id, date, score, band FROM score_snapshots"))
    db.conn.close()
    assert rows == [{"account_id": "A1", "date": "2026-08-01", "score": 98, "band": "green"}]


def test_a_season_of_acme(capsys, db_path):
    run(capsys, db_path, "2026-08-01", "score")

    # 2026-10-01: green since 08-01 (61 days, the gap between runs does not break it)
    acme = run_json(capsys, db_path, "2026-10-01", "account", "acme")
    assert ACCOUNT_KEYS <= set(acme)
    assert acme["expansion_gates"] == {"green_60_days": True, "goal_with_roi": True,
                                       "champion_engaged": True,
                                       "renewal_not_within_60_days": True}
    assert acme["expansion_qualified"] is True and acme["phase"] == "expansion"
    assert acme["action"]["text"].startswith("Start the expansion motion")
    assert acme["days_to_renewal"] == 272 and acme["renewal_date"] == "2027-06-30"
    assert [s["name"] for s in acme["stakeholders"]] == ["Ann Lee", "Bo Chen"]
    today = run_json(capsys, db_path, "2026-10-01", "today")
    assert [(i["kind"], i["level"]) for i in today["items"]] == [("expansion", "info")]
    assert set(today["items"][0]) == ITEM_KEYS

    # 2026-10-15: usage 10% -> 0; (0 + 2500 + 2000 + 850) / 90 = 59.4 -> 59 yellow
    acme = run_json(capsys, db_path, "2026-10-15", "account", "A1")
    assert (acme["score"], acme["band"]) == (59, "yellow")
    assert acme["action"] == {"text": "Schedule a check-in and assess the risk",
                              "due": "2026-10-22", "since": "2026-10-15", "done_on": None,
                              "overdue": False}
    alerts = {(a["level"], a["trigger"], a["due"], a["overdue"]) for a in acme["alerts"]}
    assert alerts == {("watch", "band_green_to_yellow", "2026-10-22", False),
                      ("warning", "dimension_zero", "2026-10-22", False)}

    # 2026-10-25: both overdue, the warning first
    items = run_json(capsys, db_path, "2026-10-25", "today")["items"]
    assert [(i["kind"], i["level"], i["due"], i["overdue"]) for i in items] == [
        ("alert", "warning", "2026-10-22", True), ("alert", "watch", "2026-10-22", True)]

    # a check-in on 10-26 clears the watch, not the warning (that needs an escalation)
    assert main(["--db", str(db_path), "--as-of", "2026-10-26", "log", "Acme",
                 "--kind", "check_in"]) == 0
    capsys.readouterr()
    items = run_json(capsys, db_path, "2026-10-26", "today")["items"]
    assert [(i["level"], i["title"]) for i in items] == [("warning", "Usage at 0 since 2026-10-15")]
    main(["--db", str(db_path), "--as-of", "2026-10-27", "log", "Acme", "--kind", "escalation"])
    capsys.readouterr()
    assert run_json(capsys, db_path, "2026-10-27", "today")["items"] == []

    # scoring a past day again reproduces what was known then
    again = run_json(capsys, db_path, "2026-10-01", "score")["accounts"][0]
    assert (again["score"], again["band"]) == (98, "green")


def test_unscored_accounts_show_their_picture(capsys, db_path):
    beta = run_json(capsys, db_path, "2026-10-01", "account", "Beta")
    assert (beta["phase"], beta["score"], beta["band"], beta["action"]) == (
        "churned", None, "unknown", None)
    gamma = run_json(capsys, db_path, "2026-10-01", "account", "gam")
    assert gamma["tier"] == "enterprise" and gamma["scored"] is False


def test_today_text_is_plain_without_a_tty(capsys, db_path):
    run(capsys, db_path, "2026-08-01", "score")
    run(capsys, db_path, "2026-10-14", "score")
    out = run(capsys, db_path, "2026-10-25", "today")
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "csdesk today, 2026-10-25: 2 items, 2 overdue"
    assert lines[2].startswith("WARNING  Acme: Usage at 0 since 2026-10-14")
    assert "-> Escalate and build a risk mitigation plan" in lines[3]


def test_today_with_nothing_to_do(capsys, db_path):
    out = run(capsys, db_path, "2026-08-01", "today")
    assert "Nothing needs you today." in out


def test_account_text_is_a_full_picture(capsys, db_path):
    out = run(capsys, db_path, "2026-08-01", "account", "Acme")
    for part in ("Acme  (A1)", "Health: 98 green (coverage 90%)", "support        N/A",
                 "Alerts (0)", "Signals", "Expansion: not qualified; missing green for 60",
                 "Ann Lee — champion (active)"):
        assert part in out


def test_score_text_lists_scored_accounts(capsys, db_path):
    out = run(capsys, db_path, "2026-08-01", "score")
    assert "Acme" in out and "Beta" not in out and "green: 1" in out


def test_unknown_account_is_refused_with_exit_2(capsys, db_path):
    assert main(["--db", str(db_path), "account", "Nobody"]) == 2
    assert "no account matches 'Nobody'" in capsys.readouterr().err


def test_a_missing_book_is_refused_not_created(capsys, tmp_path):
    assert main(["--db", str(tmp_path / "none.db"), "score"]) == 2
    assert not (tmp_path / "none.db").exists()


def test_brief_text_on_a_terminal_is_grouped_and_coloured():
    import datetime as dt

    from csdesk.core.models import BriefItem
    from csdesk.cli.output import brief_text

    day = dt.date(2026, 11, 23)
    items = [
        BriefItem(account_id="A", name="Acme", kind="alert", level="watch", title="Fell",
                  action="Check in", due=dt.date(2026, 11, 20), overdue=True),
        BriefItem(account_id="B", name="Beta\x1b[2J", kind="alert", level="critical",
                  title="Red", action="Escalate", due=dt.date(2026, 11, 25), overdue=False),
    ]
    out = brief_text(items, day, tty=True)
    assert "\x1b[1;31mOverdue (1)\x1b[0m" in out and "\x1b[1;31mCritical (1)\x1b[0m" in out
    assert out.index("Overdue") < out.index("Acme") < out.index("Critical") < out.index("Beta")
    assert "Beta\\x1b[2J" in out          # a name's control characters are shown, not obeyed
    plain = brief_text(items, day, tty=False)
    assert "\x1b" not in plain.replace("\\x1b", "")


def test_a_departed_champion_brings_a_save_plan(capsys, db_path):
    db = open_book(db_path)
    db.execute("UPDATE contacts SET status='departed', departed_on='2026-07-30' "
               "WHERE name='Ann Lee'")
    db.conn.commit()
    db.conn.close()
    out = run(capsys, db_path, "2026-08-01", "account", "Acme")
    assert "CRITICAL Champion Ann Lee departed on 2026-07-30, no active replacement" in out
    assert "Save plan (champion_departed, 2026-07-30; go/no-go 2026-10-28)" in out
    assert "- Identify and onboard a new champion (CSM, due 2026-08-13)" in out
    item = run_json(capsys, db_path, "2026-08-01", "today")["items"][0]
    assert (item["kind"], item["level"], item["due"], item["overdue"]) == (
        "alert", "critical", "2026-08-01", False)   # 48 hours after the departure
