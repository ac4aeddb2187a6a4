"""`csdesk forecast`, `renewals` and `qbr --for customer` end to end on a hand-built book."""

import datetime as dt
import json

import pytest
from markdown_it import MarkdownIt

from csdesk.cli import main
from csdesk.store.schema import open_book

DAY = "2026-11-23"
TODAY = dt.date.fromisoformat(DAY)


def _in(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "f.db"
    db = open_book(path)
    db["accounts"].insert_all([
        dict(account_id=aid, name=name, arr=arr, contract_start="2024-01-01",
             renewal_date=_in(days), status=status, seats_licensed=40)
        for aid, name, arr, days, status in (
            ("O1", "Overdue Co.", 50_000, -10, "active"),
            ("S1", "Soon Co.", 20_000, 30, "active"),
            ("T1", "Today Co.", 5_000, 0, "active"),
            ("L1", "Later Co.", 70_000, 150, "active"),
            ("F1", "Far Co.", 90_000, 300, "active"),
            ("C1", "Gone Co.", 0, -40, "churned"))])
    db["usage"].insert_all([dict(account_id="S1", date=_in(-d), active_users=users)
                            for d, users in ((95, 20), (2, 36))])
    db["goals"].insert(dict(account_id="S1", goal="Cut onboarding time_to_value by 4.5 days",
                            status="achieved", roi_note="Saved ~$40k a year at Acme Co."))
    db["contacts"].insert(dict(account_id="S1", name="Ann Lee", role="champion",
                               status="active", title="VP Ops"))
    db.conn.close()
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def renewals(capsys, book, *extra):
    code, out, _ = run(capsys, "--db", book, "--as-of", DAY, "renewals", "--json", *extra)
    assert code == 0
    return json.loads(out)


def test_renewals_json_contract_and_order(book, capsys):
    got = renewals(capsys, book)
    rows = got["renewals"]
    assert [r["account_id"] for r in rows] == ["O1", "T1", "S1", "L1"]  # overdue first
    for r in rows:
        assert {"account_id", "renewal_date", "arr", "band", "call", "suggested_call",
                "why"} <= set(r)
        assert r["call"] is None and r["suggested_call"] in (
            "commit", "likely", "at_risk", "churn_expected") and r["why"]
    assert rows[0]["overdue"] is True and rows[1]["overdue"] is False
    assert rows[0]["renewal_date"] == _in(-10) and rows[0]["arr"] == 50_000
    assert set(got["forecast_arr"]) == {"90", "180"}
    assert sum(got["forecast_arr"]["90"].values()) == 75_000  # O1 (overdue), T1, S1
    assert sum(got["forecast_arr"]["180"].values()) == 145_000
    assert [r["account_id"] for r in renewals(capsys, book, "--days", "20")["renewals"]] == [
        "O1", "T1"]  # past-due ones always show


def test_a_recorded_call_is_the_forecast_with_its_note(book, capsys):
    code, out, _ = run(capsys, "--db", book, "--as-of", DAY, "forecast", "soon", "at-risk",
                       "--note", "Sponsor left; <b>budget</b> frozen")
    assert code == 0 and "Recorded at_risk for Soon Co." in out
    row = renewals(capsys, book)["renewals"][2]
    assert (row["account_id"], row["call"], row["forecast"]) == ("S1", "at_risk", "at_risk")
    assert row["note"] == "Sponsor left; <b>budget</b> frozen" and row["call_made_on"] == DAY
    got = renewals(capsys, book)["forecast_arr"]["90"]
    assert got["at_risk"] >= 20_000
    # a later call replaces it as the forecast; both are kept
    assert run(capsys, "--db", book, "--as-of", DAY, "forecast", "S1", "commit")[0] == 0
    assert renewals(capsys, book)["renewals"][2]["call"] == "commit"
    db = open_book(book)
    assert db.execute("SELECT call, suggested IS NOT NULL FROM forecast_calls ORDER BY id"
                      ).fetchall() == [("at_risk", 1), ("commit", 1)]
    code, out, _ = run(capsys, "--db", book, "--as-of", DAY, "renewals")
    assert code == 0 and "Forecast ARR" in out and "within  90 d" in out and "d late" in out
    assert max(map(len, out.splitlines()[:4])) <= 80


@pytest.mark.parametrize("argv, message", [
    (["forecast", "S1", "maybe"], "not one of commit, likely, at_risk, churn_expected"),
    (["forecast", "Gone", "commit"], "has churned"),
    (["forecast", "nobody", "commit"], "no account matches"),
    (["renewals", "--days", "-1"], "--days"),
])
def test_refused_input_exits_2_and_writes_nothing(book, capsys, argv, message):
    code, _, err = run(capsys, "--db", book, "--as-of", DAY, *argv)
    assert code == 2 and message in err
    assert open_book(book).execute("SELECT count(*) FROM forecast_calls").fetchone()[0] == 0


def test_qbr_for_the_customer_leaves_out_what_is_internal(book, capsys, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('csm_name = "Dana Reyes"\n')
    code, out, _ = run(capsys, "--db", book, "--config", str(config), "--as-of", DAY, "qbr",
                       "S1", "--date", "2026-12-07")
    assert code == 0
    assert "Health breakdown" not in out and "CSM: you" not in out
    assert "Send this agenda" not in out and "alert" not in out.lower()
    assert "- Dana Reyes (Customer Success Manager)" in out
    assert "36 active users of 40 licensed seats (90%)" in out
    assert "20 → 36 active users (up 16 over 90 days)" in out
    # results the book holds, escaped only where Markdown needs it
    assert "Cut onboarding time\\_to\\_value by 4.5 days: Saved ~$40k a year at Acme Co." \
        not in out
    assert "Cut onboarding time_to_value by 4.5 days: Saved ~$40k a year at Acme Co." in out
    tokens = MarkdownIt("gfm-like").parse(out)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_inline", "html_block", "em_open", "s_open"}
    code, internal, _ = run(capsys, "--db", book, "--as-of", DAY, "qbr", "S1", "--for",
                            "internal")
    assert code == 0 and "Health breakdown" in internal and "CSM: you" in internal


def test_exports_go_to_the_configured_folder_else_the_documents_folder(tmp_path):
    import platformdirs

    from csdesk.core.config import Config, parse_config
    from csdesk.desk.settings import export_dir

    assert export_dir(Config()) == __import__("pathlib").Path(platformdirs.user_documents_dir())
    config = parse_config({"export_dir": str(tmp_path / "qbrs"), "csm_name": "Dana"})
    assert export_dir(config) == tmp_path / "qbrs"
    from csdesk.desk.desk import Desk
    from csdesk.tui.book_view import Workbench

    desk = Desk.open(tmp_path / "b.db", config, TODAY)
    try:
        assert Workbench(desk, book_path=tmp_path / "b.db").export_dir == tmp_path / "qbrs"
    finally:
        desk.close()
