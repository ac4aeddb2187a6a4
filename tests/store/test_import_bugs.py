"""The import bugs found on real exports (issue 21), each pinned: a header-only file, a folder
where no file names a table, one column of dates in two orders, `;`-separated and UTF-16
files, the same mistake on many rows, pydantic's wording without the value; and a fuzz of
delimiters, encodings and date orders that imports or refuses row by row, never crashes."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csdesk.cli.app import main
from csdesk.core.config import Rules
from csdesk.store.importing import ImportRefused, format_report, import_paths
from csdesk.store.importing.sources import Problem, format_problems
from csdesk.store.schema import open_book

AS_OF = dt.date(2026, 11, 23)
ACCOUNTS = ("account_id,name,arr,contract_start,renewal_date\n"
            "A1,Acme,120000,2024-01-15,2027-01-15\n")


@pytest.fixture
def db(tmp_path):
    book = open_book(tmp_path / "book.db")
    yield book
    book.conn.close()


def run(db, *paths, **kw):
    return import_paths(db, paths, as_of=AS_OF, rules=Rules(), **kw)


def refused(db, *paths, **kw) -> list[str]:
    with pytest.raises(ImportRefused) as info:
        run(db, *paths, **kw)
    return [str(p) for p in info.value.problems]


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


# --- a header-only file -----------------------------------------------------------------------


@pytest.mark.parametrize("header", ["account_id,name", "account_id,name,arr,contract_start,"
                                    "renewal_date", "account_id"])
def test_a_header_only_file_imports_nothing_and_does_not_crash(db, tmp_path, header):
    plan = run(db, write(tmp_path, "accounts.csv", header + "\n"))
    assert not plan.changed
    assert db.execute("SELECT count(*) FROM accounts").fetchone() == (0,)


def test_a_header_only_file_on_the_command_line_exits_0(tmp_path, capsys):
    path = write(tmp_path, "tasks.csv", "id,account_id,text\n")
    assert main(["--db", str(tmp_path / "b.db"), "--as-of", "2026-11-23", "import",
                 str(path)]) == 0
    assert "Traceback" not in capsys.readouterr().err


# --- a folder where no file names a table -----------------------------------------------------


def test_a_folder_where_no_file_names_a_table_is_refused(db, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "people.csv", "a,b\n1,2\n")
    write(folder, "report.csv", "x,y\n3,4\n")
    [problem] = refused(db, folder)
    assert problem.startswith(f"{folder}:0: folder: no file here names a table")
    assert "use --profile NAME" in problem


def test_the_folder_refusal_exits_2(tmp_path, capsys):
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder, "people.csv", "a,b\n1,2\n")
    assert main(["--db", str(tmp_path / "b.db"), "--as-of", "2026-11-23", "import",
                 str(folder)]) == 2
    assert "no file here names a table" in capsys.readouterr().err


# --- one column of dates, one order -----------------------------------------------------------


def usage(db, tmp_path, days, **kw):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    body = "".join(f"A1,{d},{i + 1}\n" for i, d in enumerate(days))
    return run(db, tmp_path / "accounts.csv",
               write(tmp_path, "usage.csv", "account_id,date,active_users\n" + body), **kw)


def test_a_day_first_date_makes_the_whole_column_day_first(db, tmp_path):
    plan = usage(db, tmp_path, ["03/10/2025", "23/10/2025"])
    assert db.execute("SELECT date FROM usage ORDER BY active_users").fetchall() == [
        ("2025-10-03",), ("2025-10-23",)]  # not 10 March and 23 October
    assert any("date: read day first (as '23/10/2025' can only be)" in n for n in plan.notes)


def test_dates_in_two_orders_in_one_column_are_refused(db, tmp_path):
    with pytest.raises(ImportRefused) as info:
        usage(db, tmp_path, ["10/23/2025", "23/10/2025", "03/10/2025"])
    [problem] = [str(p) for p in info.value.problems]
    assert problem.endswith("date: dates in two orders: '10/23/2025' can only be month/day and "
                            "'23/10/2025' only day/month; make the column one order")


def test_dayfirst_with_a_month_first_only_date_is_refused(db, tmp_path):
    with pytest.raises(ImportRefused) as info:
        usage(db, tmp_path, ["10/23/2025", "03/10/2025"], dayfirst=True)
    assert "--dayfirst, but '10/23/2025' can only be month/day" in str(info.value)


def test_month_first_dates_stay_month_first(db, tmp_path):
    usage(db, tmp_path, ["03/10/2025", "10/23/2025"])
    assert db.execute("SELECT date FROM usage ORDER BY active_users").fetchall() == [
        ("2025-03-10",), ("2025-10-23",)]


# --- sniffing: `;` and UTF-16 -----------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_semicolon_or_tab_separated_file_is_read(db, tmp_path, delimiter):
    text = ACCOUNTS.replace(",", delimiter).replace("120000", '"120,000"' if delimiter == ";"
                                                    else "120000")
    plan = run(db, write(tmp_path, "accounts.csv", text))
    assert db.execute("SELECT account_id, arr FROM accounts").fetchall() == [("A1", 120000.0)]
    assert any("-separated values" in n for n in plan.notes)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_read(db, tmp_path, encoding):
    text = ACCOUNTS.replace("Acme", "Café Ünïcode").replace(",", "\t")
    plan = run(db, write(tmp_path, "accounts.csv", text, encoding))
    assert db.execute("SELECT name FROM accounts").fetchall() == [("Café Ünïcode",)]
    assert any("read as UTF-16 text" in n for n in plan.notes)


# --- errors a CSM can act on ------------------------------------------------------------------


def test_the_same_mistake_on_200_rows_is_said_once(db, tmp_path):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    body = "".join(f"A1,2026-{1 + i // 28:02}-{1 + i % 28:02},lots\n" for i in range(200))
    path = write(tmp_path, "usage.csv", "account_id,date,active_users\n" + body)
    with pytest.raises(ImportRefused) as info:
        run(db, tmp_path / "accounts.csv", path)
    assert len(info.value.problems) == 200  # every one is kept ...
    [line] = info.value.lines()  # ... and said once
    assert line == (f"{path}:2: active_users: not a whole number: 'lots' (and 199 more rows "
                    "like it: lines 3, 4, 5, 6, 7, ...)")


def test_different_mistakes_are_each_said_and_a_few_are_listed():
    problems = [Problem("f.csv", 2, "arr", "not an amount in USD: 'x'"),
                Problem("f.csv", 3, "arr", "not an amount in USD: 'y'"),
                Problem("f.csv", 3, "name", "empty (required)")]
    assert format_problems(problems) == [str(p) for p in problems]


def test_the_command_line_groups_them_too(tmp_path, capsys):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    body = "".join(f"A1,2026-01-{1 + i:02},-{i + 1}\n" for i in range(20))
    write(tmp_path, "usage.csv", "account_id,date,active_users\n" + body)
    assert main(["--db", str(tmp_path / "b.db"), "--as-of", "2026-11-23", "import",
                 str(tmp_path / "accounts.csv"), str(tmp_path / "usage.csv")]) == 2
    err = capsys.readouterr().err
    assert "20 problems" in err and "(and 19 more rows like it" in err
    assert len(err.strip().splitlines()) == 2


@pytest.mark.parametrize("cells, said", [
    ("A1,2026-11-16,many", "active_users: not a whole number: 'many'"),
    ("A1,2026-11-16,-3", "active_users: -3 is less than 0, the least allowed"),
    ("A1,2026-11-16,2.5", "active_users: not a whole number: '2.5'"),
])
def test_a_bad_value_is_shown_in_plain_words(db, tmp_path, cells, said):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    path = write(tmp_path, "usage.csv", "account_id,date,active_users\n" + cells + "\n")
    with pytest.raises(ImportRefused) as info:
        run(db, tmp_path / "accounts.csv", path)
    [problem] = [str(p) for p in info.value.problems]
    assert problem == f"{path}:2: {said}" and "Input should" not in problem


def test_a_choice_outside_its_values_names_the_value_and_the_choices(db, tmp_path):
    write(tmp_path, "accounts.csv", ACCOUNTS)
    path = write(tmp_path, "touchpoints.csv", "account_id,date,kind\nA1,2026-11-16,lunch\n")
    with pytest.raises(ImportRefused) as info:
        run(db, tmp_path / "accounts.csv", path)
    [problem] = [str(p) for p in info.value.problems]
    assert problem.startswith(f"{path}:2: kind: 'lunch' is not one of 'call', 'email'")


# --- the fuzz ---------------------------------------------------------------------------------

DAYS = [dt.date(2025, m, d) for m, d in ((1, 3), (3, 10), (10, 3), (10, 23), (12, 31), (7, 4),
                                         (2, 28), (11, 12))]
FORMS = {"iso": "%Y-%m-%d", "mdy": "%m/%d/%Y", "dmy": "%d/%m/%Y", "text": "%d %b %Y"}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]),
       forms=st.lists(st.sampled_from(list(FORMS)), min_size=1, max_size=6),
       junk=st.lists(st.text(alphabet="0123456789/-.; aé\"", max_size=8), max_size=2),
       dayfirst=st.booleans(), crlf=st.booleans())
def test_any_delimiter_encoding_and_date_order_imports_or_refuses_by_row(
        tmp_path_factory, delimiter, encoding, forms, junk, dayfirst, crlf):
    folder = tmp_path_factory.mktemp("fuzz")
    db = open_book(folder / "book.db")
    try:
        days = [DAYS[i % len(DAYS)] for i in range(len(forms))]
        cells = [d.strftime(FORMS[f]) for d, f in zip(days, forms)] + junk
        quote = '"{}"'.format
        lines = [delimiter.join(["account_id", "date", "active_users"])]
        lines += [delimiter.join(["A1", quote(c.replace('"', '""')), str(i + 1)])
                  for i, c in enumerate(cells)]
        text = ("\r\n" if crlf else "\n").join(lines) + "\n"
        (folder / "accounts.csv").write_text(ACCOUNTS)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            return
        (folder / "usage.csv").write_bytes(data)
        try:
            plan = run(db, folder / "accounts.csv", folder / "usage.csv", dayfirst=dayfirst)
        except ImportRefused as exc:
            for problem in exc.problems:  # each names its file, line and column
                assert problem.source.endswith((".csv", "--profile"))
                assert problem.line >= 0 and problem.column and problem.reason
            assert exc.lines()
            return
        list(format_report(plan, dry_run=False))
        stored = dict(db.execute("SELECT active_users, date FROM usage"))
        for i, (day, form) in enumerate(zip(days, forms)):
            if i + 1 not in stored:
                continue  # a later row of the same day won
            got = dt.date.fromisoformat(stored[i + 1])
            # A day is never read in the other order than the one its column was read in:
            # either as written, or (an ambiguous one) in the column's single order.
            assert got == day or (form in ("mdy", "dmy") and got == dt.date(
                day.year, day.day, day.month))
        # Days that can only be read one way, written in both orders: never imported.
        unambiguous = {f for d, f in zip(days, forms) if f in ("mdy", "dmy") and
                       max(d.day, d.month) > 12}
        assert len(unambiguous) <= 1
    finally:
        db.conn.close()
