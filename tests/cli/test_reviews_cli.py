"""`csdesk qbr`, `metrics` and `calibrate` end to end on real books."""

import json
import os
import stat

import pytest
from markdown_it import MarkdownIt

from csdesk.cli import main
from csdesk.store.schema import open_book

DAY = "2026-11-23"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["--db", str(path), "--as-of", DAY, "demo", "--accounts", "40"]) == 0
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_qbr_to_stdout_and_to_a_private_file(demo, capsys, tmp_path):
    conn = open_book(demo)
    account_id, name = conn.execute("SELECT account_id, name FROM accounts "
                                    "WHERE status='active' ORDER BY name LIMIT 1").fetchone()
    conn.conn.close()
    code, out, _ = run(capsys, "--db", demo, "--as-of", DAY, "qbr", account_id,
                       "--date", "2026-12-07", "--for", "internal")
    assert code == 0
    tokens = MarkdownIt("commonmark").enable("table").parse(out)
    assert sum(t.type == "heading_open" and t.tag == "h1" for t in tokens) == 1
    assert out.startswith(f"# QBR: ")
    target = tmp_path / "qbr.md"
    code, out2, _ = run(capsys, "--db", demo, "--as-of", DAY, "qbr", account_id,
                        "--date", "2026-12-07", "--for", "internal", "-o", str(target))
    assert code == 0 and str(target) in out2
    assert target.read_text() == out
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.parametrize("argv, message", [
    (["qbr", "nobody-at-all"], "no account matches"),
    (["qbr", "A", "--date", "next week"], "--date"),
    (["metrics", "--from", "2026-13-01"], "--from"),
    (["metrics", "--from", "2026-06-01", "--to", "2026-01-01"], "must be before"),
    (["calibrate", "--weights", "usage=50"], "sum to 100"),
    (["calibrate", "--weights", "usage=35,speed=0"], "speed"),
    (["calibrate", "--weights", "usage"], "name=integer"),
])
def test_refused_input_exits_2(demo, capsys, argv, message):
    code, _, err = run(capsys, "--db", demo, "--as-of", DAY, *argv)
    assert code == 2
    assert message in err


def test_metrics_json_contract(demo, capsys):
    code, out, _ = run(capsys, "--db", demo, "--as-of", DAY, "metrics", "--json")
    assert code == 0
    got = json.loads(out)
    assert {"from", "to", "grr", "nrr", "logo_churn_rate", "nps", "bands",
            "median_time_to_first_value_days", "review_completion_rate"} <= set(got)
    # the default period ends today, inclusive: `to` is exclusive, `through` the last day
    assert got["from"] == "2025-11-24" and got["to"] == "2026-11-24" and got["through"] == DAY
    trend = got["trend"]
    assert [m["month"] for m in trend["months"]][-1] == "2026-11" and len(trend["months"]) == 12
    assert set(trend["months"][-1]["bands"]) == {"green", "yellow", "red", "unknown"}
    assert sum(b["count"] for b in trend["months"][-1]["bands"].values()) > 0
    assert [q["quarter"] for q in trend["quarters"]] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert trend["quarters"][-1]["to"] == "2026-11-24"
    assert set(got["bands"]) == {"green", "yellow", "red", "unknown"}
    assert 0 <= got["grr"] <= 1 and got["nrr"] > 0
    assert -100 <= got["nps"] <= 100


def test_metrics_text_shows_targets(demo, capsys):
    code, out, _ = run(capsys, "--db", demo, "--as-of", DAY, "metrics")
    assert code == 0
    assert "GRR" in out and "target > 90%" in out and "target > 110%" in out
    assert "target < 5%" in out and "target > 95%" in out


def test_calibrate_on_the_demo_history(demo, capsys):
    code, out, _ = run(capsys, "--db", demo, "--as-of", DAY, "calibrate", "--json",
                       "--weights", "usage=40,engagement=20,outcomes=20,support=10,relationship=10")
    assert code == 0
    got = json.loads(out)
    assert got["current"]["n"] > 0, "the demo has renewal outcomes with scores before them"
    c = got["current"]["confusion"]
    assert c["tp"] + c["fp"] + c["tn"] + c["fn"] == got["current"]["n"]
    # the demo's CSM made forecast calls before its past renewals (docs/workflow.md §7)
    assert got["forecast_calls"]["n"] > 0 and got["forecast_suggestions"]["n"] > 0
    assert 0 <= got["forecast_calls"]["accuracy"] <= 1
    assert got["forecast_outcomes"] >= got["forecast_calls"]["n"]
    assert got["alternative"]["weights"]["usage"] == 40
    code, out, _ = run(capsys, "--db", demo, "--as-of", DAY, "calibrate")
    assert code == 0 and "accuracy" in out and "target accuracy > 75%" in out
    verdict = "meets" if got["current"]["accuracy"] > 0.75 else "misses"
    assert [line.split()[-1] for line in out.splitlines() if "vs target" in line] == [verdict]


def test_metrics_on_a_small_hand_built_book(tmp_path, capsys):
    path = tmp_path / "b.db"
    db = open_book(path)
    db["accounts"].insert_all([
        dict(account_id="A", name="A", arr=120_000, contract_start="2024-01-01",
             renewal_date="2027-03-01", status="active"),
        dict(account_id="B", name="B", arr=0, contract_start="2024-01-01",
             renewal_date="2026-06-01", status="churned")])
    db["renewals"].insert_all([
        dict(account_id="A", date="2026-03-01", outcome="expanded", previous_arr=100_000,
             new_arr=120_000),
        dict(account_id="B", date="2026-06-01", outcome="churned", previous_arr=20_000,
             new_arr=0)])
    db.conn.close()
    code, out, _ = run(capsys, "--db", str(path), "--as-of", DAY, "metrics", "--json",
                       "--from", "2026-01-01", "--to", "2027-01-01")
    assert code == 0
    got = json.loads(out)
    # start ARR 100k + 20k = 120k; expansion 20k; churn 20k
    assert got["grr"] == pytest.approx(100_000 / 120_000)
    assert got["nrr"] == pytest.approx(1.0)
    assert got["logo_churn_rate"] == 0.5
    assert got["renewal_rate"] == 0.5


HOSTILE = "| # *x* <script>alert(1)</script> [a](http://x)\n# heading?"


def _hostile_book(tmp_path):
    path = tmp_path / "h.db"
    db = open_book(path)
    db["accounts"].insert(dict(account_id="H1", name="Hostile *Co*", arr=150_000,
                               contract_start="2024-01-01", renewal_date="2027-02-01",
                               status="active", seats_licensed=50))
    db["contacts"].insert(dict(account_id="H1", name="Eve " + HOSTILE, role="champion",
                               status="active"))
    db["goals"].insert(dict(account_id="H1", goal=HOSTILE, status="on_track",
                            roi_note="Saved $40k | a year"))
    db.conn.close()
    return str(path)


def test_qbr_of_a_hostile_book_end_to_end(tmp_path, capsys):
    path = _hostile_book(tmp_path)
    code, out, _ = run(capsys, "--db", path, "--as-of", DAY, "qbr", "hostile",
                         "--for", "internal")
    assert code == 0
    tokens = MarkdownIt("gfm-like").parse(out)
    heads = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens)
             if t.type == "heading_open"]
    assert heads[0] == ("h1", "QBR: Hostile \\*Co\\*, 2026-12-07")  # default: 10 business days
    assert [tag for tag, _ in heads].count("h1") == 1
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"html_inline", "html_block", "link_open", "em_open"}
    rows = sum(t.type == "tr_open" for t in tokens)
    assert rows == (1 + 6) + (1 + 5)  # agenda and health breakdown, header + body rows
    assert "Send this agenda by 2026-11-30" in out
    assert "Expansion" not in out or "health is green" in out


def test_metrics_on_a_small_book_and_an_empty_period(tmp_path, capsys):
    path = _hostile_book(tmp_path)
    code, _, err = run(capsys, "--db", path, "--as-of", DAY, "metrics", "--from", DAY,
                       "--to", DAY)
    assert code == 2 and "must be before" in err
    code, out, _ = run(capsys, "--db", path, "--as-of", DAY, "metrics", "--json")
    got = json.loads(out)
    # one enterprise account, no outcomes, no NPS, no reviews held
    assert (got["grr"], got["nrr"], got["logo_churn_rate"]) == (1.0, 1.0, 0.0)
    assert got["renewal_rate"] is None and got["nps"] is None
    assert got["review_completion_rate"] == 0.0
    assert got["targets"]["grr"] == {"comparison": ">", "value": 0.9}


def test_calibrate_on_a_book_without_history_reports_no_data(tmp_path, capsys):
    path = _hostile_book(tmp_path)
    code, out, _ = run(capsys, "--db", path, "--as-of", DAY, "calibrate", "--json")
    assert code == 0
    got = json.loads(out)
    assert got["current"]["n"] == 0 and got["current"]["accuracy"] is None
    assert got["alternative"] is None and got["target_accuracy"] == 0.75


def test_calibrate_reads_history_older_than_the_book_view(tmp_path, capsys):
    """Snapshots from a year back (older than the 120 days load_book reads), hand-computed."""
    path = tmp_path / "c.db"
    db = open_book(path)
    db["accounts"].insert_all([
        dict(account_id=a, name=a, arr=50_000, contract_start="2024-01-01",
             renewal_date="2027-03-01", status="churned" if a == "A" else "active")
        for a in "ABCD"])
    db["renewals"].insert_all([
        dict(account_id="A", date="2026-03-01", outcome="churned", previous_arr=50_000,
             new_arr=0),
        dict(account_id="B", date="2026-03-01", outcome="renewed", previous_arr=50_000,
             new_arr=50_000),
        dict(account_id="C", date="2026-03-01", outcome="renewed", previous_arr=50_000,
             new_arr=50_000),
        dict(account_id="D", date="2026-12-01", outcome="renewed", previous_arr=50_000,
             new_arr=50_000)])  # after as_of: not yet known
    low_usage = json.dumps({"usage": 0, "engagement": 100, "outcomes": 100, "support": 100,
                            "relationship": 100})
    db["score_snapshots"].insert_all([
        dict(account_id="A", date="2025-12-01", score=20, band="red", coverage=1.0,
             dimensions=json.dumps({"usage": 0, "engagement": 0, "outcomes": 50,
                                    "support": 50, "relationship": 0})),
        dict(account_id="B", date="2025-12-01", score=65, band="yellow", coverage=1.0,
             dimensions=low_usage),           # 90 days before
        dict(account_id="C", date="2025-11-20", score=30, band="red", coverage=1.0,
             dimensions=low_usage)])          # 101 days before: outside 80-100
    db.conn.close()
    code, out, _ = run(capsys, "--db", str(path), "--as-of", DAY, "calibrate", "--json",
                       "--weights", "usage=80,engagement=5,outcomes=5,support=5,relationship=5")
    assert code == 0
    got = json.loads(out)
    cur, alt = got["current"], got["alternative"]
    assert (cur["outcomes_total"], cur["outcomes_without_snapshot"], cur["n"]) == (3, 1, 2)
    assert cur["confusion"] == {"tp": 1, "fp": 0, "tn": 1, "fn": 0} and cur["accuracy"] == 1.0
    # usage-heavy: B re-scores to (0*80 + 100*20)/100 = 20, red, but renewed -> a false alarm
    assert alt["confusion"] == {"tp": 1, "fp": 1, "tn": 0, "fn": 0}
    assert (alt["accuracy"], alt["precision"], alt["recall"]) == (0.5, 0.5, 1.0)
