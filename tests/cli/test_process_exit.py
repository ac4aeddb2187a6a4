"""The `csdesk` program ends a command's process at once (`csdesk.cli.run`): what it read is not
freed one object at a time. Checked on real processes: the output is whole, the exit codes are
the command's, and the book is closed with everything written in the file itself."""

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest

from csdesk.core.config import Config
from csdesk.desk.desk import Desk
from csdesk.store.schema import open_book

AS_OF = "2026-11-23"


def csdesk(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "csdesk", "--as-of", AS_OF, *args],
                          capture_output=True, text=True, timeout=120, **kwargs)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("exit") / "book.db"
    assert csdesk("--db", str(path), "demo").returncode == 0
    return path


def test_the_output_is_whole_and_the_snapshots_are_in_the_file(demo):
    conn = sqlite3.connect(demo)
    with conn:
        conn.execute("DELETE FROM score_snapshots WHERE date = ?", [AS_OF])
    conn.close()  # csdesk's is then the last connection: its close checkpoints
    done = csdesk("--db", str(demo), "score", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # all of it: it parses
    assert len(report["accounts"]) == 55  # the demo's scored accounts
    # Closed before the end: the write-ahead log was checkpointed into the file and removed,
    # so a copy of the .db file alone has today's snapshots.
    assert not demo.with_name(demo.name + "-wal").exists()
    copy = demo.with_name("copy.db")
    copy.write_bytes(demo.read_bytes())
    conn = sqlite3.connect(copy)
    stored = conn.execute("SELECT count(*) FROM score_snapshots WHERE date = ?",
                          [AS_OF]).fetchone()[0]
    conn.close()
    assert stored == len(report["accounts"])


def test_refused_input_still_exits_2_with_its_message(tmp_path):
    done = csdesk("--db", str(tmp_path / "none.db"), "score")
    assert done.returncode == 2
    assert done.stderr.startswith("csdesk: ") and "Traceback" not in done.stderr


def test_a_reader_that_goes_away_is_not_an_error(demo):
    proc = subprocess.Popen([sys.executable, "-m", "csdesk", "--as-of", AS_OF, "--db", str(demo),
                             "today"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)
    proc.stdout.close()  # as `| head -c 10` does
    assert proc.wait(timeout=120) == 0
    assert b"Traceback" not in proc.stderr.read()


def test_whole_book_reads_are_kept_only_when_asked(tmp_path):
    path = tmp_path / "book.db"
    assert csdesk("--db", str(path), "demo").returncode == 0
    desk = Desk(open_book(path), Config(), dt.date(2026, 11, 23))
    desk.reuse = False  # a whole-book read each time, not the day's kept assessments
    desk.assess_all(store=False)
    assert desk.kept is None  # the default: freed once assessed
    desk.kept = []
    out = desk.assess_all(store=False)
    [book] = desk.kept
    assert [d.account.account_id for d in book] == [a.account.account_id for a in out]
    desk.close()


def test_under_a_tracer_the_process_ends_the_usual_way(demo):
    # A profiler, debugger or coverage writes its report at the end (atexit): it must run.
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('report written'))\n"
              "sys.settrace(lambda *a: None)\n"
              f"sys.argv = ['csdesk', '--as-of', '{AS_OF}', '--db', sys.argv[1], 'score']\n"
              "from csdesk.cli import run\n"
              "run()\n")
    done = subprocess.run([sys.executable, "-c", script, str(demo)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("report written")
    untraced = subprocess.run([sys.executable, "-c", script.replace("sys.settrace", "print"),
                               str(demo)], capture_output=True, text=True, timeout=120)
    assert untraced.returncode == 0 and "report written" not in untraced.stdout  # ended at once
