"""The benchmark runs end to end on a small book and reports every step (no timings asserted)."""

import json
import subprocess
import sys


def test_bench_reports_every_step(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "csdesk.bench", "--accounts", "200", "--dir", str(tmp_path),
         "--fresh", "--repeat", "2", "--daily", "--json"],
        capture_output=True, text=True, timeout=600, check=True)
    report = json.loads(proc.stdout)
    assert report["accounts"] == 200
    results = report["results"]
    for step in ("demo", "baseline_raw_read", "import", "import_usage", "export",
                 "import_json", "score", "today", "score_again", "score_one_process",
                 "today_one_process", "score_daily_history",
                 "account", "qbr",
                 "tui_first_paint", "tui_first_screen", "tui_filter_keystroke",
                 "tui_palette_keystroke"):
        assert "seconds" in results[step], step
    assert results["import"]["rows"] > results["import"]["usage_rows"] > 0
    assert results["import"]["rows_per_s"] > 0
    assert results["import_usage"]["usage_rows"] == results["import"]["usage_rows"]
    assert results["import_usage"]["usage_rows_per_s"] > 0
    assert results["export"]["megabytes"] > 0
    assert results["score_daily_history"]["snapshots"] > 168 * 150  # a snapshot a day each
    assert results["score"]["x_baseline"] > 0
    assert results["tui_first_paint"]["seconds"] <= results["tui_first_screen"]["seconds"]
    typed, shown = results["tui_filter_keystroke"]["typed"], results["tui_filter_keystroke"]["rows_shown"]
    assert len(shown) == len(typed) >= 1  # one list size per keystroke...
    assert shown == sorted(shown, reverse=True) and shown[-1] >= 1  # ...narrowing, never empty
    hits = results["tui_palette_keystroke"]["hits"]  # the same letters in the palette
    assert len(hits) == len(typed) and min(hits) >= 1  # the account they come from is found
    assert set(report["verdicts"]) >= {"score", "today", "import_usage_rows_per_s", "peak_rss_mb"}
    assert report["workers"] >= 1  # what CSDESK_WORKERS allowed the runs
    assert (tmp_path / "bench-200.json").exists()
    assert report["repeat"] == 2
    assert len(results["score"]["runs"]) == 2
    assert abs(results["score"]["seconds"] - min(results["score"]["runs"])) < 0.001  # the best
