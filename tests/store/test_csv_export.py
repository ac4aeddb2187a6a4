import csv

from csdesk.store.exporting.csv_tables import export_csv, neutralise


def test_formula_cells_are_neutralised():
    assert neutralise('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert neutralise("+1 555") == "'+1 555"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("Acme") == "Acme"
    assert neutralise(-5) == -5  # numbers are never altered


def test_export_writes_each_import_table(book, tmp_path):
    book.execute("INSERT INTO accounts (account_id, name, arr, contract_start, renewal_date) "
                 "VALUES ('a1', '=HYPERLINK(\"x\")', 120000.0, '2026-01-01', '2027-01-01')")
    book.execute("INSERT INTO usage VALUES ('a1', '2026-11-01', 12, 40)")
    counts = export_csv(book, tmp_path / "out")
    assert counts["accounts"] == 1 and counts["usage"] == 1 and counts["tickets"] == 0
    with open(tmp_path / "out" / "accounts.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["name"] == "'=HYPERLINK(\"x\")"
    assert rows[0]["arr"] == "120000"
